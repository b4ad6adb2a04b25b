/* addr.c: sockaddr <-> text for the lab programs. */
#include "addr.h"
#include "errtext.h"

#include <ctype.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

const char *addr_format(const struct sockaddr *sa, socklen_t len, char *buf, size_t n)
{
	struct endpoint e = {0};

	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		e.family = 4;
		memcpy(e.addr, &in->sin_addr, 4);
		e.port = ntohs(in->sin_port);
	} else if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
		e.family = 6;
		memcpy(e.addr, &in6->sin6_addr, 16);
		e.port = ntohs(in6->sin6_port);
	}
	return endpoint_format(&e, buf, n);
}

typedef int (*name_fn)(int, struct sockaddr *, socklen_t *);

static int endpoint_of(name_fn get, int fd, char *buf, size_t n)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	buf[0] = '\0';
	if (get(fd, (struct sockaddr *)&ss, &len) < 0 ||
	    (ss.ss_family != AF_INET && ss.ss_family != AF_INET6) ||
	    ((struct sockaddr_in *)&ss)->sin_port == 0) /* same offset in sockaddr_in6 */
		return -1;
	addr_format((struct sockaddr *)&ss, len, buf, n);
	return 0;
}

int addr_local(int fd, char *buf, size_t n)
{
	return endpoint_of(getsockname, fd, buf, n);
}

int addr_peer(int fd, char *buf, size_t n)
{
	return endpoint_of(getpeername, fd, buf, n);
}

int addr_resolve(const char *host, const char *port, int socktype,
		 struct sockaddr_storage *out, socklen_t *outlen, char *err, size_t n)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = socktype};
	struct addrinfo *res;
	int rc = getaddrinfo(host, port, &hints, &res);

	if (rc != 0) {
		const char *why = gai_strerror(rc);
		snprintf(err, n, "%s port %s: %c%s", host, port, tolower((unsigned char)why[0]), why + 1);
		return -1;
	}
	memcpy(out, res->ai_addr, res->ai_addrlen);
	*outlen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}
