/* calls.h: the socket calls of the lab programs. Each lab_X has the
 * signature of the POSIX call X and does exactly X, and around it:
 *   - with --step, waits for the go-ahead (step.h);
 *   - sends a "call" enter record and, when X returns, an exit record with
 *     the result, errno, time blocked and the socket's endpoints (written by
 *     callrec.h, sent by events.h);
 *   - prints one line to stderr as X returns (unless quiet; callrec.h):
 *     12:04:05.123456 client connect(3, 127.0.0.1:8080) = 0  local 127.0.0.1:50322  [0.105 ms]
 * Calls interrupted by a signal (EINTR) are restarted, unless a stop signal
 * arrived (calls_catch_stop_signals), so a server can leave accept(). */
#ifndef SOCKLAB_LAB_CALLS_H
#define SOCKLAB_LAB_CALLS_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/types.h>

/* Names the program for error messages (prog "echo-server"; records and
 * stderr lines name the process as events_open() did, "server"), turns the
 * stderr lines off when quiet, and ignores SIGPIPE: writing to a vanished
 * peer is an EPIPE error to report, not a reason to die. */
void calls_init(const char *prog, bool quiet);

/* SIGINT and SIGTERM set the stop flag and interrupt blocking calls. */
void calls_catch_stop_signals(void);
bool calls_stopping(void);

int lab_socket(int domain, int type, int protocol);
int lab_setsockopt(int fd, int level, int name, const void *val, socklen_t len);
int lab_bind(int fd, const struct sockaddr *addr, socklen_t len);
int lab_listen(int fd, int backlog);
int lab_accept(int fd, struct sockaddr *addr, socklen_t *len);
int lab_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);
int lab_connect(int fd, const struct sockaddr *addr, socklen_t len);
ssize_t lab_read(int fd, void *buf, size_t n);
ssize_t lab_write(int fd, const void *buf, size_t n);
ssize_t lab_recvfrom(int fd, void *buf, size_t n, int flags, struct sockaddr *from, socklen_t *fromlen);
ssize_t lab_sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *to, socklen_t tolen);
int lab_shutdown(int fd, int how);
int lab_close(int fd);
int lab_poll(struct pollfd *fds, nfds_t nfds, int timeout_ms);
int lab_epoll_ctl(int epfd, int op, int fd, struct epoll_event *event);
int lab_epoll_wait(int epfd, struct epoll_event *events, int max, int timeout_ms);

/* io_uring (proactor.c): an operation from its submission to its
 * completion. lab_submit() waits at the step gate like a call, takes the
 * operation's id and reports "submit CALL(ARGS)"; the program then queues
 * the operation itself. lab_complete() reports each completion ("complete
 * CALL = RES"; res is the completion's, -errno on failure; data the buffer
 * a recv or send used; more: a multishot operation goes on). */
struct lab_op {
	unsigned id;
	const char *call;   /* "accept", "recv", "send", "close" */
	int fd;
	uint64_t submit_ns; /* CLOCK_MONOTONIC */
	char args[192];     /* as a call's */
};
void lab_submit(struct lab_op *op, const char *call, int fd, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void lab_complete(const struct lab_op *op, int res, const void *data, bool more);

/* io_uring_submit_and_wait(ring, 1): the one system call of the proactor,
 * reported as io_uring_enter. Hands the kernel what was queued and sleeps
 * until a completion is there. Returns what liburing returns (-errno). */
struct io_uring;
int lab_io_uring_enter(struct io_uring *ring);

/* write() until all n bytes are out (a socket may take part of them);
 * returns n, or -1 with errno from the failing write. */
ssize_t lab_write_all(int fd, const void *buf, size_t n);

/* Prints "PROG: WHAT SUBJECT: error text (HINT)" to stderr; subject and
 * hint may be NULL. */
void lab_report_error(const char *what, const char *subject, int err, const char *hint);

#endif
