/* calls.c: the instrumented socket calls. Every wrapper has the same shape:
 * call_begin (step gate, enter record), the real call, call_end (exit
 * record, stderr line). Records and lines are only built when someone will
 * see them, so a quiet, unobserved program pays two clock reads per call. */
#include "calls.h"

#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "clock.h"
#include "events.h"
#include "json.h"
#include "step.h"
#include "errtext.h"

#define DATA_SHOWN 64 /* bytes of a read/write carried in a record */
#define LINE_DATA 40  /* bytes of it printed on the stderr line */

static const char *prog = "lab";
static const char *proc = "lab";
static bool quiet;
static volatile sig_atomic_t stop_requested;
static atomic_uint call_seq;

/* One call in flight. */
struct call {
	const char *name;
	int fd;
	unsigned seq;
	bool report;  /* anyone to tell: stderr, the channel or the step gate */
	bool send;    /* the channel has a listener */
	char args[192];
	char addr[ENDPOINT_STRLEN];  /* the address argument (bind, connect, sendto), recvfrom's sender */
	char local[ENDPOINT_STRLEN];
	char peer[ENDPOINT_STRLEN];
	uint64_t enter_ns;
	uint64_t start_ns; /* CLOCK_MONOTONIC: how long the call blocked */
};

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

void calls_init(const char *prog_name, const char *proc_name, bool be_quiet)
{
	prog = prog_name;
	proc = proc_name;
	quiet = be_quiet;
	signal(SIGPIPE, SIG_IGN);
}

void calls_catch_stop_signals(void)
{
	struct sigaction sa = {.sa_handler = on_stop_signal}; /* no SA_RESTART: accept() must return */

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
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

/* Fields shared by the enter and exit records. */
static int put_call_fields(const struct call *c, const char *phase, uint64_t ts_ns,
			   char *rec, size_t n, size_t *pos)
{
	if (events_put_header(rec, n, pos, "call", ts_ns) < 0 ||
	    events_putf(rec, n, pos, ",\"phase\":\"%s\",\"seq\":%u,\"call\":\"%s\",\"fd\":%d,\"args\":",
			phase, c->seq, c->name, c->fd) < 0 ||
	    json_put_string(rec, n, pos, c->args) < 0)
		return -1;
	if (c->addr[0] && (events_putf(rec, n, pos, ",\"addr\":") < 0 ||
			   json_put_string(rec, n, pos, c->addr) < 0))
		return -1;
	return 0;
}

static void send_enter(const struct call *c)
{
	char rec[EVENTS_RECORD_MAX];
	size_t pos = 0;

	if (put_call_fields(c, "enter", c->enter_ns, rec, sizeof(rec), &pos) == 0 &&
	    events_putf(rec, sizeof(rec), &pos, "}") == 0)
		events_send(rec, pos);
}

static void send_exit(const struct call *c, uint64_t exit_ns, long ret, int err, uint64_t blocked_ns,
		      const char *data)
{
	char rec[EVENTS_RECORD_MAX];
	size_t pos = 0, n = sizeof(rec);

	if (put_call_fields(c, "exit", exit_ns, rec, n, &pos) < 0 ||
	    events_putf(rec, n, &pos, ",\"ret\":%ld,\"errno\":", ret) < 0)
		return;
	if (err) {
		if (events_putf(rec, n, &pos, "\"%s\",\"error\":", strerrorname_np(err)) < 0 ||
		    json_put_string(rec, n, &pos, errtext(err)) < 0)
			return;
	} else if (events_putf(rec, n, &pos, "null") < 0) {
		return;
	}
	if (events_putf(rec, n, &pos, ",\"blocked_ns\":%llu", (unsigned long long)blocked_ns) < 0 ||
	    (c->local[0] && (events_putf(rec, n, &pos, ",\"local\":") < 0 ||
			     json_put_string(rec, n, &pos, c->local) < 0)) ||
	    (c->peer[0] && (events_putf(rec, n, &pos, ",\"peer\":") < 0 ||
			    json_put_string(rec, n, &pos, c->peer) < 0)) ||
	    (data && (events_putf(rec, n, &pos, ",\"data\":") < 0 ||
		      json_put_string(rec, n, &pos, data) < 0)) ||
	    events_putf(rec, n, &pos, "}") < 0)
		return;
	events_send(rec, pos);
}

/* The bytes as a C string literal, cut after LINE_DATA bytes. */
static void put_c_literal(char *buf, size_t n, size_t *pos, const unsigned char *p, size_t len)
{
	events_putf(buf, n, pos, "  \"");
	for (size_t i = 0; i < len && i < LINE_DATA; i++) {
		if (p[i] == '\n')
			events_putf(buf, n, pos, "\\n");
		else if (p[i] == '"' || p[i] == '\\')
			events_putf(buf, n, pos, "\\%c", p[i]);
		else if (p[i] < 0x20 || p[i] >= 0x7f)
			events_putf(buf, n, pos, "\\x%02x", p[i]);
		else
			events_putf(buf, n, pos, "%c", p[i]);
	}
	events_putf(buf, n, pos, len > LINE_DATA ? "\"..." : "\"");
}

static bool named(const struct call *c, const char *a, const char *b)
{
	return strcmp(c->name, a) == 0 || (b && strcmp(c->name, b) == 0);
}

/* As the call returns:
 * 12:04:05.123456 client connect(3, 127.0.0.1:8080) = 0  local 127.0.0.1:50322  [0.105 ms] */
static void print_line(const struct call *c, uint64_t now, long ret, int err, uint64_t blocked_ns,
		       const void *data, size_t datalen)
{
	char line[512];
	size_t pos = 0, n = sizeof(line);
	time_t secs = (time_t)(now / 1000000000ull);
	struct tm tm;

	localtime_r(&secs, &tm);
	events_putf(line, n, &pos, "%02d:%02d:%02d.%06u %s %s(%s) = %ld", tm.tm_hour, tm.tm_min,
		    tm.tm_sec, (unsigned)(now % 1000000000ull / 1000), proc, c->name, c->args, ret);
	if (err)
		events_putf(line, n, &pos, " %s (%s)", strerrorname_np(err), errtext(err));
	if (named(c, "bind", "connect") && c->local[0])
		events_putf(line, n, &pos, "  local %s", c->local);
	if ((named(c, "accept", "accept4") || named(c, "close", "shutdown")) && c->peer[0])
		events_putf(line, n, &pos, "  peer %s", c->peer);
	if (named(c, "recvfrom", NULL) && ret >= 0)
		events_putf(line, n, &pos, "  from %s", c->addr);
	if (data && ret > 0)
		put_c_literal(line, n, &pos, data, datalen);
	events_putf(line, n, &pos, "  [%.3f ms]", (double)blocked_ns / 1e6);
	fprintf(stderr, "%s\n", line);
}

static void call_begin(struct call *c, const char *name, int fd, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void call_begin(struct call *c, const char *name, int fd, const char *fmt, ...)
{
	c->name = name;
	c->fd = fd;
	c->seq = atomic_fetch_add(&call_seq, 1) + 1;
	c->report = !quiet || step_enabled() || events_listening();
	c->addr[0] = c->local[0] = c->peer[0] = '\0';
	if (c->report) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(c->args, sizeof(c->args), fmt, ap);
		va_end(ap);
	}
	if (!stop_requested) /* once stopping, wind down without waiting */
		step_gate(c->seq, name, fd, c->args);
	c->send = c->report && events_listening();
	c->enter_ns = events_now_ns();
	c->start_ns = clock_ns(CLOCK_MONOTONIC);
}

/* Records the address argument; call between call_begin and the call. */
static void call_addr(struct call *c, const struct sockaddr *sa, socklen_t len)
{
	if (c->report && sa)
		addr_format(sa, len, c->addr, sizeof(c->addr));
}

/* After call_begin and call_addr: the enter record. */
static void call_enter(const struct call *c)
{
	if (c->send)
		send_enter(c);
}

/* call_begin, call_addr and call_enter for bind and connect: "fd, address". */
static void call_begin_at(struct call *c, const char *name, int fd, const struct sockaddr *addr, socklen_t len)
{
	char text[ENDPOINT_STRLEN];

	call_begin(c, name, fd, "%d, %s", fd, addr_format(addr, len, text, sizeof(text)));
	call_addr(c, addr, len);
	call_enter(c);
}

/* ep_fd: the socket whose endpoints to report (-1: already taken). Keeps
 * errno as the call left it. */
static void call_end(struct call *c, long ret, int ep_fd, const void *data)
{
	int err = ret < 0 ? errno : 0;
	uint64_t blocked_ns = clock_ns(CLOCK_MONOTONIC) - c->start_ns, exit_ns = events_now_ns();
	char text[DATA_SHOWN * 4];

	if (c->report) {
		if (ep_fd >= 0) {
			addr_local(ep_fd, c->local, sizeof(c->local));
			addr_peer(ep_fd, c->peer, sizeof(c->peer));
		}
		if (data && ret > 0)
			json_safe_text(text, sizeof(text), data, (size_t)ret < DATA_SHOWN ? (size_t)ret : DATA_SHOWN);
		if (c->send)
			send_exit(c, exit_ns, ret, err, blocked_ns, data && ret > 0 ? text : NULL);
		if (!quiet)
			print_line(c, exit_ns, ret, err, blocked_ns, data, data && ret > 0 ? (size_t)ret : 0);
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
	struct call c;
	int fd;

	call_begin(&c, "socket", -1, "%s, %s%s, %d", family_name(domain), type_name(type),
		   type & SOCK_NONBLOCK ? " | SOCK_NONBLOCK" : "", protocol);
	call_enter(&c);
	fd = socket(domain, type, protocol);
	c.fd = fd;
	call_end(&c, fd, -1, NULL);
	return fd;
}

static const struct {
	int level, name;
	const char *level_text, *name_text;
} sockopt_names[] = {
	{SOL_SOCKET, SO_REUSEADDR, "SOL_SOCKET", "SO_REUSEADDR"},
	{SOL_SOCKET, SO_REUSEPORT, "SOL_SOCKET", "SO_REUSEPORT"},
	{SOL_SOCKET, SO_LINGER, "SOL_SOCKET", "SO_LINGER"},
	{SOL_SOCKET, SO_RCVBUF, "SOL_SOCKET", "SO_RCVBUF"},
	{SOL_SOCKET, SO_SNDBUF, "SOL_SOCKET", "SO_SNDBUF"},
	{IPPROTO_TCP, TCP_NODELAY, "IPPROTO_TCP", "TCP_NODELAY"},
	{IPPROTO_IPV6, IPV6_V6ONLY, "IPPROTO_IPV6", "IPV6_V6ONLY"},
};

int lab_setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	const char *level_text = "?", *name_text = "?";
	char value[48] = "...";
	struct call c;
	int ret;

	for (size_t i = 0; i < sizeof(sockopt_names) / sizeof(sockopt_names[0]); i++)
		if (sockopt_names[i].level == level && sockopt_names[i].name == name) {
			level_text = sockopt_names[i].level_text;
			name_text = sockopt_names[i].name_text;
		}
	if (level == SOL_SOCKET && name == SO_LINGER && len == sizeof(struct linger)) {
		const struct linger *l = val;
		snprintf(value, sizeof(value), "{l_onoff=%d, l_linger=%d}", l->l_onoff, l->l_linger);
	} else if (len == sizeof(int)) {
		snprintf(value, sizeof(value), "[%d]", *(const int *)val);
	}
	call_begin(&c, "setsockopt", fd, "%d, %s, %s, %s, %u", fd, level_text, name_text, value, (unsigned)len);
	call_enter(&c);
	ret = setsockopt(fd, level, name, val, len);
	call_end(&c, ret, fd, NULL);
	return ret;
}

int lab_bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct call c;
	int ret;

	call_begin_at(&c, "bind", fd, addr, len);
	ret = bind(fd, addr, len);
	call_end(&c, ret, fd, NULL);
	return ret;
}

int lab_listen(int fd, int backlog)
{
	struct call c;
	int ret;

	call_begin(&c, "listen", fd, "%d, %d", fd, backlog);
	call_enter(&c);
	ret = listen(fd, backlog);
	call_end(&c, ret, fd, NULL);
	return ret;
}

int lab_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	struct call c;
	int ret;

	call_begin(&c, flags ? "accept4" : "accept", fd, "%d, &peer, &len%s", fd,
		   flags & SOCK_NONBLOCK ? ", SOCK_NONBLOCK" : "");
	call_enter(&c);
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
	struct call c;
	int ret;

	call_begin_at(&c, "connect", fd, addr, len);
	ret = connect(fd, addr, len); /* not restarted: after EINTR the handshake goes on */
	call_end(&c, ret, fd, NULL);
	return ret;
}

ssize_t lab_read(int fd, void *buf, size_t n)
{
	struct call c;
	ssize_t ret;

	call_begin(&c, "read", fd, "%d, buf, %zu", fd, n);
	call_enter(&c);
	do
		ret = stop_requested ? stopped() : read(fd, buf, n);
	while (restart(ret));
	call_end(&c, ret, fd, buf);
	return ret;
}

ssize_t lab_write(int fd, const void *buf, size_t n)
{
	struct call c;
	ssize_t ret;

	call_begin(&c, "write", fd, "%d, buf, %zu", fd, n);
	call_enter(&c);
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
	struct call c;
	ssize_t ret;

	call_begin(&c, "recvfrom", fd, "%d, buf, %zu, %d, &from, &len", fd, n, flags);
	call_enter(&c);
	do
		ret = stop_requested ? stopped() : recvfrom(fd, buf, n, flags, from, fromlen);
	while (restart(ret));
	if (ret >= 0 && from)
		call_addr(&c, from, *fromlen);
	call_end(&c, ret, fd, buf);
	return ret;
}

ssize_t lab_sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *to, socklen_t tolen)
{
	char text[ENDPOINT_STRLEN];
	struct call c;
	ssize_t ret;

	call_begin(&c, "sendto", fd, "%d, buf, %zu, %d, %s", fd, n, flags, addr_format(to, tolen, text, sizeof(text)));
	call_addr(&c, to, tolen);
	call_enter(&c);
	do
		ret = sendto(fd, buf, n, flags, to, tolen);
	while (restart(ret));
	call_end(&c, ret, fd, buf);
	return ret;
}

int lab_shutdown(int fd, int how)
{
	struct call c;
	int ret;

	call_begin(&c, "shutdown", fd, "%d, %s", fd,
		   how == SHUT_WR ? "SHUT_WR" : how == SHUT_RD ? "SHUT_RD" : "SHUT_RDWR");
	call_enter(&c);
	ret = shutdown(fd, how);
	call_end(&c, ret, fd, NULL);
	return ret;
}

int lab_close(int fd)
{
	struct call c;
	int ret;

	call_begin(&c, "close", fd, "%d", fd);
	if (c.report) { /* afterwards the socket is gone */
		addr_local(fd, c.local, sizeof(c.local));
		addr_peer(fd, c.peer, sizeof(c.peer));
	}
	call_enter(&c);
	ret = close(fd); /* never retried: on Linux the fd is gone even after EINTR */
	call_end(&c, ret, -1, NULL);
	return ret;
}

int lab_poll(struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
	struct call c;
	int ret;

	call_begin(&c, "poll", nfds ? fds[0].fd : -1, "{fd=%d, %s}, %lu, %d", nfds ? fds[0].fd : -1,
		   nfds && (fds[0].events & POLLOUT) ? "POLLOUT" : "POLLIN", (unsigned long)nfds, timeout_ms);
	call_enter(&c);
	do
		ret = stop_requested ? stopped() : poll(fds, nfds, timeout_ms);
	while (restart(ret));
	call_end(&c, ret, nfds ? fds[0].fd : -1, NULL);
	return ret;
}

int lab_epoll_wait(int epfd, struct epoll_event *events, int max, int timeout_ms)
{
	struct call c;
	int ret;

	call_begin(&c, "epoll_wait", epfd, "%d, events, %d, %d", epfd, max, timeout_ms);
	call_enter(&c);
	do
		ret = stop_requested ? stopped() : epoll_wait(epfd, events, max, timeout_ms);
	while (restart(ret));
	call_end(&c, ret, -1, NULL);
	return ret;
}
