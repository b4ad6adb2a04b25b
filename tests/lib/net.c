/* net.c: see net.h. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "net.h"

/* Fails the running test when ret < 0, naming the call and errno. */
static int check(int ret, const char *call)
{
	if (ret < 0)
		fail_msg("%s: %s", call, strerror(errno));
	return ret;
}

int net_bind_loopback(int family, struct net_addr *addr)
{
	int fd = check(socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket");

	memset(addr, 0, sizeof(*addr));
	if (family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&addr->ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		addr->len = sizeof(*sin6);
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)&addr->ss;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		addr->len = sizeof(*sin);
	}
	check(bind(fd, net_sa(addr), addr->len), "bind to a loopback port 0");
	addr->len = sizeof(addr->ss);
	check(getsockname(fd, net_sa(addr), &addr->len), "getsockname");
	return fd;
}

int net_listen_loopback(int family, int backlog, struct net_addr *addr)
{
	int fd = net_bind_loopback(family, addr);

	check(listen(fd, backlog), "listen");
	return fd;
}

int net_connect(const struct net_addr *addr)
{
	int fd = check(socket(addr->ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket");

	check(connect(fd, (const struct sockaddr *)&addr->ss, addr->len), "connect");
	return fd;
}

void net_refused_addr(int family, struct net_addr *addr)
{
	close(net_bind_loopback(family, addr));
}

uint16_t net_port(const struct net_addr *addr)
{
	if (addr->ss.ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)&addr->ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)&addr->ss)->sin_port);
}

/* path as an AF_UNIX address; fails the test when it does not fit. */
static struct sockaddr_un unix_addr(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	if (strlen(path) >= sizeof(sa.sun_path))
		fail_msg("socket path too long: %s", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	return sa;
}

/* A socket of type bound to path (what was there is removed first). */
static int unix_bound(const char *path, int type)
{
	struct sockaddr_un sa = unix_addr(path);
	int fd = check(socket(AF_UNIX, type | SOCK_CLOEXEC, 0), "socket");

	unlink(path);
	check(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), path);
	return fd;
}

int net_unix_bind(const char *path)
{
	return unix_bound(path, SOCK_DGRAM);
}

int net_unix_listen(const char *path)
{
	int fd = unix_bound(path, SOCK_SEQPACKET);

	check(listen(fd, 16), path);
	return fd;
}

int net_unix_connect(const char *path)
{
	struct sockaddr_un sa = unix_addr(path);
	int fd = check(socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0), "socket");

	check(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), path);
	return fd;
}

void net_unix_send(const char *path, const char *msg)
{
	struct sockaddr_un sa = unix_addr(path);
	int fd = check(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), "socket");
	size_t len = strlen(msg);
	ssize_t n = sendto(fd, msg, len, 0, (struct sockaddr *)&sa, sizeof(sa));

	if (n != (ssize_t)len)
		fail_msg("sendto %s: %zd of %zu bytes: %s", path, n, len, n < 0 ? strerror(errno) : "short");
	close(fd);
}
