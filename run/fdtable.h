/* fdtable.h: what socklab run knows about one process's descriptors. The
 * table follows every call that makes, copies or drops a descriptor
 * (socket, accept, dup, dup2, dup3, F_DUPFD, close, close_range, exec's
 * close-on-exec); a descriptor made by a call it does not watch (open,
 * pipe, SCM_RIGHTS, socketpair, inherited ones) can only land in a slot the
 * table holds as FD_UNKNOWN, and the kernel is asked what it is the first
 * time a watched call uses it. Threads share one table (they share their
 * descriptors); fork copies it. Pure: no I/O. */
#ifndef SOCKLAB_RUN_FDTABLE_H
#define SOCKLAB_RUN_FDTABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "endpoint.h"

#define FDTABLE_MAX_FD (1 << 20) /* higher descriptors are not followed */

enum fd_kind {
	FD_UNKNOWN, /* not seen made: ask the kernel */
	FD_INET,    /* an AF_INET or AF_INET6 socket: its calls are reported */
	FD_EPOLL,   /* an epoll instance */
	FD_OTHER,   /* anything else (a file, a pipe, an AF_UNIX socket) */
};

/* Which side of a connection a socket is on (the records' "proc"). */
enum run_role { RUN_ROLE_NONE, RUN_ROLE_CLIENT, RUN_ROLE_SERVER };

struct fd_entry {
	uint8_t kind;         /* enum fd_kind */
	uint8_t role;         /* enum run_role: it connected (client), or listened or was accepted (server) */
	bool cloexec, nonblock, listening;
	bool watches_sockets; /* FD_EPOLL: a socket was added to it */
	char local[ENDPOINT_STRLEN], peer[ENDPOINT_STRLEN]; /* "" until known */
};

struct fdtable {
	struct fd_entry *e;
	int n;                /* slots allocated */
	int refs;             /* the threads sharing it */
	enum run_role role;   /* the process's: that of its first socket with a role */
};

struct fdtable *fdtable_new(void);
/* A copy for a forked child (its own reference count). */
struct fdtable *fdtable_copy(const struct fdtable *t);
/* Drops one reference; frees on the last. */
void fdtable_put(struct fdtable *t);

/* The entry of fd, made (FD_UNKNOWN) when missing; NULL for a descriptor
 * out of range or when memory runs out. */
struct fd_entry *fdtable_at(struct fdtable *t, int fd);
/* The entry of fd when the table has one, else NULL (never allocates). */
const struct fd_entry *fdtable_peek(const struct fdtable *t, int fd);

void fdtable_close(struct fdtable *t, int fd);
/* close_range(first, last, flags): closes, or with cloexec only marks. */
void fdtable_close_range(struct fdtable *t, unsigned first, unsigned last, bool cloexec_only);
/* newfd becomes what oldfd is (dup, dup2, dup3, F_DUPFD). */
void fdtable_dup(struct fdtable *t, int oldfd, int newfd, bool cloexec);
/* execve succeeded: close-on-exec descriptors are gone. */
void fdtable_exec(struct fdtable *t);
/* Gives the socket at fd a role; the first role a process shows is its own. */
void fdtable_set_role(struct fdtable *t, int fd, enum run_role role);

#endif
