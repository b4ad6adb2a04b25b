/* net.h: the real sockets the C tests make, made one way (tests/lib/net.c,
 * linked into every unit test): a TCP socket on a loopback port the kernel
 * picks, bound or listening; a client connected to it; an address nobody
 * listens on; one AF_UNIX datagram socket bound to a path, and one datagram
 * sent to a path. Each fails the running cmocka test, with the system's
 * reason, when a call is refused. */
#ifndef SOCKLAB_TESTS_NET_H
#define SOCKLAB_TESTS_NET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* A socket address and its length, as bind(), connect() and getsockname()
 * take them. */
struct net_addr {
	struct sockaddr_storage ss;
	socklen_t len;
};

static inline struct sockaddr *net_sa(struct net_addr *a)
{
	return (struct sockaddr *)&a->ss;
}

/* A TCP socket bound to family's loopback address (AF_INET 127.0.0.1,
 * AF_INET6 ::1) on a port the kernel picks; that address goes to *addr. */
int net_bind_loopback(int family, struct net_addr *addr);

/* The same, listening with backlog. */
int net_listen_loopback(int family, int backlog, struct net_addr *addr);

/* A TCP socket connected to addr. */
int net_connect(const struct net_addr *addr);

/* A loopback address nobody listens on: a port the kernel has just handed
 * out, bound and closed again, so that connect() to it is refused. */
void net_refused_addr(int family, struct net_addr *addr);

/* addr's port, in host order. */
uint16_t net_port(const struct net_addr *addr);

/* An AF_UNIX datagram socket bound to path (a stale file there is removed
 * first). */
int net_unix_bind(const char *path);

/* Sends msg (without its '\0') as one datagram to the socket at path. */
/* A listening AF_UNIX SOCK_SEQPACKET socket at path (replacing a stale one),
 * the event channel's kind. */
int net_unix_listen(const char *path);

/* A SOCK_SEQPACKET socket connected to the listener at path, as a lab
 * program connects to the event channel. */
int net_unix_connect(const char *path);

void net_unix_send(const char *path, const char *msg);

#endif
