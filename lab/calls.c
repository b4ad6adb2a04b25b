/* calls.c: the instrumented socket calls. Every wrapper has the same shape:
 * call_begin (step gate, enter record), the real call, call_end (exit
 * record, stderr line); callrec.h writes the record and the line. Records
 * and lines are only built when someone will see them, so a quiet,
 * unobserved program pays a few clock reads per call. */
#include "calls.h"

#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <liburing.h>

#include "addr.h"
#include "callrec.h"
#include "clock.h"
#include "epoll_names.h"
#include "events.h"
#include "json.h"
#include "sockopt_names.h"
#include "step.h"
#include "errtext.h"

static const char *prog = "lab";
static bool quiet;
static volatile sig_atomic_t stop_requested;
static atomic_uint call_seq;

/* One call in flight: its record, and the text the record points to. */
struct in_flight {
	struct call rec;
	bool report;  /* anyone to tell: stderr, the channel or the step gate */
	bool send;    /* the channel has a listener */
	char args[192];
	char addr[ENDPOINT_STRLEN];  /* the address argument (bind, connect, sendto), recvfrom's sender */
	char local[ENDPOINT_STRLEN];
	char peer[ENDPOINT_STRLEN];
	uint64_t start_ns; /* CLOCK_MONOTONIC: how long the call blocked */
};

/* A stop signal that lands after a loop looked at stop_requested and before
 * its blocking call (epoll_wait, accept, read) started would be lost, and the
 * call would sleep on. So once a stop is requested, SIGALRM comes every
 * 100 ms: it interrupts any such call, and restart() then sees the request.
 * (setitimer is a plain system call on Linux, safe in a handler.) */
static void on_stop_signal(int sig)
{
	static const struct itimerval every_100ms = {{0, 100000}, {0, 100000}};

	(void)sig;
	stop_requested = 1;
	setitimer(ITIMER_REAL, &every_100ms, NULL);
}

/* SIGALRM's only job is to interrupt a blocking call (see above). */
static void on_alarm(int sig)
{
	(void)sig;
}

void calls_init(const char *prog_name, bool be_quiet)
{
	prog = prog_name;
	quiet = be_quiet;
	signal(SIGPIPE, SIG_IGN);
}

void calls_catch_stop_signals(void)
{
	struct sigaction sa = {.sa_handler = on_stop_signal}; /* no SA_RESTART: accept() must return */

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	events_give_up_on_stop(&stop_requested); /* Ctrl-C does not wait for a stopped lab */
}

bool calls_stopping(void)
{
	return stop_requested;
}

/* After a stop signal, calls that could block fail at once with EINTR,
 * even when the signal came just before they started. */
static int stopped(void)
{
	errno = EINTR;
	return -1;
}

/* EINTR from a signal that is not a stop request: run the call again. */
static bool restart(long ret)
{
	return ret < 0 && errno == EINTR && !stop_requested;
}

void lab_report_error(const char *what, const char *subject, int err, const char *hint)
{
	fprintf(stderr, "%s: %s%s%s: %s%s%s%s\n", prog, what, subject ? " " : "", subject ? subject : "",
		errtext(err), hint ? " (" : "", hint ? hint : "", hint ? ")" : "");
}

static void send_record(const struct in_flight *c)
{
	char rec[EVENTS_RECORD_MAX];
	struct outbuf o = outbuf_at(rec, sizeof(rec), 0);
	int len = callrec_encode(&o, &c->rec);

	if (len >= 0)
		events_send(rec, (size_t)len);
}

static void print_line(const struct in_flight *c)
{
	char line[1024]; /* holds any of ours: args are at most 191 bytes */
	struct outbuf o = outbuf_at(line, sizeof(line), 0);

	if (callrec_line(&o, &c->rec) >= 0)
		fprintf(stderr, "%s\n", line);
}

/* The start of every call: whether anyone will see it, its arguments (and
 * the address argument, which comes last, when addr is not NULL), the step
 * gate, the enter record. */
static void call_vbegin(struct in_flight *c, enum call_phase phase, const char *name, int fd,
			const struct sockaddr *addr, socklen_t addrlen, const char *fmt, va_list ap)
{
	c->rec = (struct call){.phase = phase, .name = name, .fd = fd, .args = c->args,
			       .addr = c->addr, .local = c->local, .peer = c->peer};
	c->rec.seq = atomic_fetch_add(&call_seq, 1) + 1;
	c->report = !quiet || step_enabled() || events_listening();
	c->args[0] = c->addr[0] = c->local[0] = c->peer[0] = '\0';
	if (c->report) {
		vsnprintf(c->args, sizeof(c->args), fmt, ap);
		if (addr) {
			struct outbuf args = outbuf_at(c->args, sizeof(c->args), strlen(c->args));

			addr_format(addr, addrlen, c->addr, sizeof(c->addr));
			outbuf_printf(&args, ", %s", c->addr);
		}
		c->rec.who = events_origin();
	}
	if (!stop_requested) /* once stopping, wind down without waiting */
		step_gate(c->rec.seq, phase == CALL_SUBMIT, name, fd, c->args);
	c->send = c->report && events_listening();
	c->rec.ts_ns = events_now_ns();
	c->start_ns = clock_ns(CLOCK_MONOTONIC);
	if (c->send)
		send_record(c);
}

static void call_begin(struct in_flight *c, const char *name, int fd, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void call_begin(struct in_flight *c, const char *name, int fd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	call_vbegin(c, CALL_ENTER, name, fd, NULL, 0, fmt, ap);
	va_end(ap);
}

/* call_begin for bind, connect and sendto: the address is formatted once,
 * for both the arguments and the record's addr. */
static void call_begin_at(struct in_flight *c, const char *name, int fd, const struct sockaddr *addr,
			  socklen_t addrlen, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void call_begin_at(struct in_flight *c, const char *name, int fd, const struct sockaddr *addr,
			  socklen_t addrlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	call_vbegin(c, CALL_ENTER, name, fd, addr, addrlen, fmt, ap);
	va_end(ap);
}

/* ep_fd: the socket whose endpoints to report (-1: already taken). data:
 * the buffer a read or write moved. Keeps errno as the call left it. */
static void call_end(struct in_flight *c, long ret, int ep_fd, const void *data)
{
	int err = ret < 0 ? errno : 0;
	uint64_t blocked_ns = clock_ns(CLOCK_MONOTONIC) - c->start_ns, exit_ns = events_now_ns();

	if (c->report) {
		if (ep_fd >= 0) {
			addr_local(ep_fd, c->local, sizeof(c->local));
			addr_peer(ep_fd, c->peer, sizeof(c->peer));
		}
		c->rec.phase = CALL_EXIT;
		c->rec.ts_ns = exit_ns;
		c->rec.ret = ret;
		c->rec.err = err;
		c->rec.blocked_ns = blocked_ns;
		c->rec.data = data;
		if (c->send)
			send_record(c);
		if (!quiet)
			print_line(c);
	}
	errno = err;
}

static const char *family_name(int domain)
{
	return domain == AF_INET ? "AF_INET" : domain == AF_INET6 ? "AF_INET6" : "AF_?";
}

static const char *type_name(int type)
{
	switch (type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) {
	case SOCK_STREAM: return "SOCK_STREAM";
	case SOCK_DGRAM: return "SOCK_DGRAM";
	default: return "SOCK_?";
	}
}

int lab_socket(int domain, int type, int protocol)
{
	struct in_flight c;
	int fd;

	call_begin(&c, "socket", -1, "%s, %s%s, %d", family_name(domain), type_name(type),
		   type & SOCK_NONBLOCK ? " | SOCK_NONBLOCK" : "", protocol);
	fd = socket(domain, type, protocol);
	c.rec.fd = fd;
	call_end(&c, fd, -1, NULL);
	return fd;
}

int lab_setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	const char *level_text = "?", *name_text = "?";
	char value[48] = "...";
	struct in_flight c;
	int ret;

	sockopt_names(level, name, &level_text, &name_text);
	if (level == SOL_SOCKET && name == SO_LINGER && len == sizeof(struct linger)) {
		const struct linger *l = val;
		snprintf(value, sizeof(value), "{l_onoff=%d, l_linger=%d}", l->l_onoff, l->l_linger);
	} else if (len == sizeof(int)) {
		snprintf(value, sizeof(value), "[%d]", *(const int *)val);
	}
	call_begin(&c, "setsockopt", fd, "%d, %s, %s, %s, %u", fd, level_text, name_text, value, (unsigned)len);
	ret = setsockopt(fd, level, name, val, len);
	call_end(&c, ret, fd, NULL);
	return ret;
}

int lab_bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct in_flight c;
	int ret;

	call_begin_at(&c, "bind", fd, addr, len, "%d", fd);
	ret = bind(fd, addr, len);
	call_end(&c, ret, fd, NULL);
	return ret;
}

int lab_listen(int fd, int backlog)
{
	struct in_flight c;
	int ret;

	call_begin(&c, "listen", fd, "%d, %d", fd, backlog);
	ret = listen(fd, backlog);
	call_end(&c, ret, fd, NULL);
	return ret;
}

int lab_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	struct in_flight c;
	int ret;

	call_begin(&c, flags ? "accept4" : "accept", fd, "%d, &peer, &len%s", fd,
		   flags & SOCK_NONBLOCK ? ", SOCK_NONBLOCK" : "");
	do
		ret = stop_requested ? stopped() : accept4(fd, addr, len, flags);
	while (restart(ret));
	call_end(&c, ret, ret, NULL);
	return ret;
}

int lab_accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	return lab_accept4(fd, addr, len, 0);
}

int lab_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct in_flight c;
	int ret;

	call_begin_at(&c, "connect", fd, addr, len, "%d", fd);
	ret = connect(fd, addr, len); /* not restarted: after EINTR the handshake goes on */
	call_end(&c, ret, fd, NULL);
	return ret;
}

ssize_t lab_read(int fd, void *buf, size_t n)
{
	struct in_flight c;
	ssize_t ret;

	call_begin(&c, "read", fd, "%d, buf, %zu", fd, n);
	do
		ret = stop_requested ? stopped() : read(fd, buf, n);
	while (restart(ret));
	call_end(&c, ret, fd, buf);
	return ret;
}

ssize_t lab_write(int fd, const void *buf, size_t n)
{
	struct in_flight c;
	ssize_t ret;

	call_begin(&c, "write", fd, "%d, buf, %zu", fd, n);
	do
		ret = write(fd, buf, n);
	while (restart(ret));
	call_end(&c, ret, fd, buf);
	return ret;
}

ssize_t lab_write_all(int fd, const void *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t w = lab_write(fd, (const char *)buf + done, n - done);
		if (w < 0)
			return -1;
		done += (size_t)w;
	}
	return (ssize_t)n;
}

ssize_t lab_recvfrom(int fd, void *buf, size_t n, int flags, struct sockaddr *from, socklen_t *fromlen)
{
	struct in_flight c;
	ssize_t ret;

	call_begin(&c, "recvfrom", fd, "%d, buf, %zu, %d, &from, &len", fd, n, flags);
	do
		ret = stop_requested ? stopped() : recvfrom(fd, buf, n, flags, from, fromlen);
	while (restart(ret));
	if (ret >= 0 && from && c.report)
		addr_format(from, *fromlen, c.addr, sizeof(c.addr));
	call_end(&c, ret, fd, buf);
	return ret;
}

ssize_t lab_sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *to, socklen_t tolen)
{
	struct in_flight c;
	ssize_t ret;

	call_begin_at(&c, "sendto", fd, to, tolen, "%d, buf, %zu, %d", fd, n, flags);
	do
		ret = sendto(fd, buf, n, flags, to, tolen);
	while (restart(ret));
	call_end(&c, ret, fd, buf);
	return ret;
}

int lab_shutdown(int fd, int how)
{
	struct in_flight c;
	int ret;

	call_begin(&c, "shutdown", fd, "%d, %s", fd,
		   how == SHUT_WR ? "SHUT_WR" : how == SHUT_RD ? "SHUT_RD" : "SHUT_RDWR");
	ret = shutdown(fd, how);
	call_end(&c, ret, fd, NULL);
	return ret;
}

int lab_close(int fd)
{
	struct in_flight c;
	int ret;

	call_begin(&c, "close", fd, "%d", fd);
	if (c.report) { /* afterwards the socket is gone */
		addr_local(fd, c.local, sizeof(c.local));
		addr_peer(fd, c.peer, sizeof(c.peer));
	}
	ret = close(fd); /* never retried: on Linux the fd is gone even after EINTR */
	call_end(&c, ret, -1, NULL);
	return ret;
}

int lab_poll(struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
	struct in_flight c;
	int ret;

	call_begin(&c, "poll", nfds ? fds[0].fd : -1, "{fd=%d, %s}, %lu, %d", nfds ? fds[0].fd : -1,
		   nfds && (fds[0].events & POLLOUT) ? "POLLOUT" : "POLLIN", (unsigned long)nfds, timeout_ms);
	do
		ret = stop_requested ? stopped() : poll(fds, nfds, timeout_ms);
	while (restart(ret));
	call_end(&c, ret, nfds ? fds[0].fd : -1, NULL);
	return ret;
}

/* The record's fd is the socket registered (as socklab run reports it),
 * so the row goes with that socket's connection. */
int lab_epoll_ctl(int epfd, int op, int fd, struct epoll_event *event)
{
	struct in_flight c;
	char names[160];
	int ret;

	if (event)
		epoll_events_names(event->events, names, sizeof(names));
	call_begin(&c, "epoll_ctl", fd, "%d, %s, %d, %s%s%s", epfd, epoll_op_name(op), fd, event ? "{" : "NULL",
		   event ? names : "", event ? "}" : "");
	ret = epoll_ctl(epfd, op, fd, event);
	call_end(&c, ret, fd, NULL);
	return ret;
}

int lab_epoll_wait(int epfd, struct epoll_event *events, int max, int timeout_ms)
{
	struct in_flight c;
	int ret;

	call_begin(&c, "epoll_wait", epfd, "%d, events, %d, %d", epfd, max, timeout_ms);
	do
		ret = stop_requested ? stopped() : epoll_wait(epfd, events, max, timeout_ms);
	while (restart(ret));
	call_end(&c, ret, -1, NULL);
	return ret;
}

/* io_uring: an operation is reported twice, when the program queues it
 * ("submit", after the step gate, like a call's enter) and when its
 * completion is taken ("complete", like an exit); both carry the operation
 * id, a number of the process's call counter. */
void lab_submit(struct lab_op *op, const char *call, int fd, const char *fmt, ...)
{
	struct in_flight c;
	va_list ap;

	va_start(ap, fmt);
	call_vbegin(&c, CALL_SUBMIT, call, fd, NULL, 0, fmt, ap);
	va_end(ap);
	*op = (struct lab_op){.id = c.rec.seq, .call = call, .fd = fd, .submit_ns = clock_ns(CLOCK_MONOTONIC)};
	snprintf(op->args, sizeof(op->args), "%s", c.args);
	if (c.report && !quiet)
		print_line(&c);
}

void lab_complete(const struct lab_op *op, int res, const void *data, bool more)
{
	struct in_flight c = {.report = !quiet || events_listening()};
	bool accepted = strcmp(op->call, "accept") == 0 && res >= 0;

	if (!c.report)
		return;
	c.rec = (struct call){.who = events_origin(), .phase = CALL_COMPLETE, .ts_ns = events_now_ns(),
			      .seq = op->id, .name = op->call, .fd = op->fd, .args = op->args, .ret = res < 0 ? -1 : res,
			      .err = res < 0 ? -res : 0, .blocked_ns = clock_ns(CLOCK_MONOTONIC) - op->submit_ns,
			      .local = c.local, .peer = c.peer, .data = res > 0 ? data : NULL, .more = more};
	c.local[0] = c.peer[0] = '\0';
	/* the endpoints: an accept's are those of the connection it made */
	if (strcmp(op->call, "close") != 0) {
		addr_local(accepted ? res : op->fd, c.local, sizeof(c.local));
		addr_peer(accepted ? res : op->fd, c.peer, sizeof(c.peer));
	}
	if (events_listening())
		send_record(&c);
	if (!quiet)
		print_line(&c);
}

int lab_io_uring_enter(struct io_uring *ring)
{
	struct in_flight c;
	int ret;

	call_begin(&c, "io_uring_enter", ring->ring_fd, "%d, %u, 1, IORING_ENTER_GETEVENTS", ring->ring_fd,
		   io_uring_sq_ready(ring));
	do /* liburing returns -errno */
		ret = stop_requested ? -EINTR : io_uring_submit_and_wait(ring, 1);
	while (ret == -EINTR && !stop_requested);
	errno = ret < 0 ? -ret : 0;
	call_end(&c, ret < 0 ? -1 : ret, -1, NULL);
	return ret;
}
