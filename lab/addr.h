/* addr.h: socket addresses for the lab programs: resolving what the user
 * typed (-b ADDR, HOST PORT) and writing addresses the way socklab shows
 * them ("127.0.0.1:50322", "[::1]:8080"). */
#ifndef SOCKLAB_LAB_ADDR_H
#define SOCKLAB_LAB_ADDR_H

#include <stddef.h>
#include <sys/socket.h>

#include "endpoint.h"

/* Writes sa as an endpoint ("?" for what is not IPv4/IPv6); returns buf. */
const char *addr_format(const struct sockaddr *sa, socklen_t len, char *buf, size_t n);

/* The socket's own / its peer's endpoint into buf; returns 0, or -1 when it
 * has none yet (unbound, not connected, port 0), leaving buf "". */
int addr_local(int fd, char *buf, size_t n);
int addr_peer(int fd, char *buf, size_t n);

/* Resolves host and port (numbers or names) for a socket of socktype
 * (SOCK_STREAM or SOCK_DGRAM); the first result goes to out. Returns 0, or
 * -1 with a message such as "no-such-host: name or service not known". */
int addr_resolve(const char *host, const char *port, int socktype,
		 struct sockaddr_storage *out, socklen_t *outlen, char *err, size_t n);

#endif
