/* calldecode.c: a traced program's system calls as the lab's call records.
 * Argument text follows the lab's wrappers (lab/calls.c) so a call reads
 * the same whoever made it: connect(3, 127.0.0.1:8080). */
#include "calldecode.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "json.h"
#include "epoll_names.h"
#include "sockopt_names.h"

#define POLL_SEEN 64      /* pollfd entries looked at */
#define SELECT_SEEN 1024  /* descriptors of an fd_set looked at (FD_SETSIZE) */
/* The kernel's restart codes (include/linux/errno.h): a tracer sees them at
 * the exit of an interrupted call; the program never does. */
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516

/* Printf into the call's argument text. */
static void args_printf(struct run_call *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void args_printf(struct run_call *c, const char *fmt, ...)
{
	struct outbuf o = outbuf_at(c->args, sizeof(c->args), strlen(c->args));
	va_list ap;

	va_start(ap, fmt);
	outbuf_vprintf(&o, fmt, ap);
	va_end(ap);
	outbuf_finish(&o);
}

/* What fd is: the table's answer, else the kernel's (remembered). */
static enum fd_kind kind_of(struct fdtable *t, const struct run_tracee *tr, int fd)
{
	struct fd_entry *e = fdtable_at(t, fd);

	if (!e)
		return FD_UNKNOWN;
	if (e->kind == FD_UNKNOWN) {
		e->kind = (uint8_t)tr->classify(tr->ctx, fd);
		/* an epoll set made before we watched: it may hold sockets */
		e->watches_sockets = e->kind == FD_EPOLL;
	}
	return (enum fd_kind)e->kind;
}

static bool is_socket(struct fdtable *t, const struct run_tracee *tr, uint64_t fd)
{
	return fd <= INT32_MAX && kind_of(t, tr, (int)fd) == FD_INET;
}

void calldecode_endpoint_text(const void *sa, size_t len, char buf[ENDPOINT_STRLEN])
{
	struct sockaddr_in6 in6;
	struct sockaddr_in in;
	struct endpoint e = {0};
	sa_family_t family;

	buf[0] = '\0';
	if (len < sizeof(family))
		return;
	memcpy(&family, sa, sizeof(family));
	if (family == AF_INET && len >= sizeof(in)) {
		memcpy(&in, sa, sizeof(in));
		e.family = 4;
		memcpy(e.addr, &in.sin_addr, 4);
		e.port = ntohs(in.sin_port);
	} else if (family == AF_INET6 && len >= sizeof(in6)) {
		memcpy(&in6, sa, sizeof(in6));
		e.family = 6;
		memcpy(e.addr, &in6.sin6_addr, 16);
		e.port = ntohs(in6.sin6_port);
	}
	if (e.family)
		endpoint_format(&e, buf, ENDPOINT_STRLEN);
}

/* A sockaddr of the tracee (the address argument) as text. */
static void sockaddr_text(const struct run_tracee *tr, uint64_t addr, uint64_t len, char *buf)
{
	unsigned char sa[sizeof(struct sockaddr_in6)];
	size_t n = len < sizeof(sa) ? (size_t)len : sizeof(sa);

	buf[0] = '\0';
	if (addr && n >= sizeof(struct sockaddr_in) && tr->peek(tr->ctx, addr, sa, n) == 0)
		calldecode_endpoint_text(sa, n, buf);
}

/* The socket's endpoints, asked of the kernel while one is still missing
 * (a listener has no peer), then remembered in the table. */
static void endpoints_of(struct fdtable *t, const struct run_tracee *tr, int fd, struct run_call *c)
{
	struct fd_entry *e = fdtable_at(t, fd);

	if (!e || e->kind != FD_INET)
		return;
	if (!e->local[0] || (!e->peer[0] && !e->listening)) {
		char local[ENDPOINT_STRLEN], peer[ENDPOINT_STRLEN];

		tr->endpoints(tr->ctx, fd, local, peer);
		if (local[0])
			memcpy(e->local, local, sizeof(local));
		if (peer[0])
			memcpy(e->peer, peer, sizeof(peer));
	}
	memcpy(c->local, e->local, sizeof(c->local));
	memcpy(c->peer, e->peer, sizeof(c->peer));
}

static enum run_role role_of(const struct fdtable *t, int fd)
{
	const struct fd_entry *e = fdtable_peek(t, fd);

	return e && e->role != RUN_ROLE_NONE ? (enum run_role)e->role : t->role;
}

static const char *family_name(uint64_t domain)
{
	return domain == AF_INET ? "AF_INET" : domain == AF_INET6 ? "AF_INET6" : domain == AF_UNIX ? "AF_UNIX" : "AF_?";
}

static void put_type(struct run_call *c, uint64_t type)
{
	switch (type & ~(uint64_t)(SOCK_NONBLOCK | SOCK_CLOEXEC)) {
	case SOCK_STREAM: args_printf(c, "SOCK_STREAM"); break;
	case SOCK_DGRAM: args_printf(c, "SOCK_DGRAM"); break;
	case SOCK_SEQPACKET: args_printf(c, "SOCK_SEQPACKET"); break;
	case SOCK_RAW: args_printf(c, "SOCK_RAW"); break;
	default: args_printf(c, "%lu", (unsigned long)(type & 0xff)); break;
	}
	if (type & SOCK_NONBLOCK)
		args_printf(c, " | SOCK_NONBLOCK");
	if (type & SOCK_CLOEXEC)
		args_printf(c, " | SOCK_CLOEXEC");
}

static void put_sockopt_name(struct run_call *c, uint64_t level, uint64_t name)
{
	const char *level_text, *name_text;

	/* the kernel reads both as int: the upper half of the register is not looked at */
	if (sockopt_names((int)level, (int)name, &level_text, &name_text))
		args_printf(c, "%s, %s", level_text, name_text);
	else
		args_printf(c, "%lu, %lu", (unsigned long)level, (unsigned long)name);
}

/* An option's value at addr (len bytes) as strace writes it: [1],
 * {l_onoff=1, l_linger=0}, [ECONNREFUSED] for SO_ERROR. */
static void put_sockopt_value(struct run_call *c, const struct run_tracee *tr, uint64_t name, uint64_t addr,
			      uint64_t len, bool is_so_error)
{
	struct linger l;
	int v;

	if (len == sizeof(l) && name == SO_LINGER && tr->peek(tr->ctx, addr, &l, sizeof(l)) == 0)
		args_printf(c, "{l_onoff=%d, l_linger=%d}", l.l_onoff, l.l_linger);
	else if (len == sizeof(v) && tr->peek(tr->ctx, addr, &v, sizeof(v)) == 0)
		is_so_error && v > 0 && strerrorname_np(v) ? args_printf(c, "[%s]", strerrorname_np(v))
							    : args_printf(c, "[%d]", v);
	else
		args_printf(c, "...");
}

static void put_flags(struct run_call *c, uint64_t flags)
{
	if (flags & SOCK_NONBLOCK)
		args_printf(c, ", SOCK_NONBLOCK%s", flags & SOCK_CLOEXEC ? " | SOCK_CLOEXEC" : "");
	else if (flags & SOCK_CLOEXEC)
		args_printf(c, ", SOCK_CLOEXEC");
	else if (flags)
		args_printf(c, ", %lu", (unsigned long)flags);
}

static void put_epoll_events(struct run_call *c, const struct run_tracee *tr, uint64_t addr)
{
	char names[160];
	uint32_t ev;

	if (!addr || tr->peek(tr->ctx, addr, &ev, sizeof(ev)) < 0) {
		args_printf(c, ", NULL");
		return;
	}
	args_printf(c, ", {%s}", epoll_events_names(ev, names, sizeof(names)));
}

/* poll and ppoll: reported when a watched descriptor is a socket; the
 * record's fd is the first such socket. */
static void enter_poll(struct fdtable *t, const struct run_tracee *tr, struct run_call *c)
{
	struct pollfd fds[POLL_SEEN];
	size_t n = c->a[1] < POLL_SEEN ? (size_t)c->a[1] : POLL_SEEN;

	if (!c->a[0] || n == 0 || tr->peek(tr->ctx, c->a[0], fds, n * sizeof(fds[0])) < 0)
		return;
	for (size_t i = 0; i < n && !c->report; i++)
		if (fds[i].fd >= 0 && is_socket(t, tr, (uint64_t)fds[i].fd)) {
			c->report = true;
			c->fd = fds[i].fd;
			args_printf(c, "{fd=%d, %s%s}%s, %lu, ", fds[i].fd,
				    fds[i].events & POLLIN ? "POLLIN" : "",
				    fds[i].events & POLLOUT ? (fds[i].events & POLLIN ? "|POLLOUT" : "POLLOUT") : "",
				    c->a[1] > 1 ? ", ..." : "", (unsigned long)c->a[1]);
		}
	if (!c->report)
		return;
	if (c->sys == RS_POLL)
		args_printf(c, "%d", (int)c->a[2]);
	else
		args_printf(c, "%s", c->a[2] ? "&timeout" : "NULL");
}

/* One fd_set argument of select: "[3 4]"; true when it holds a socket. */
static bool put_fdset(struct fdtable *t, const struct run_tracee *tr, struct run_call *c, uint64_t addr, int nfds)
{
	unsigned char bits[SELECT_SEEN / 8];
	size_t bytes = ((size_t)nfds + 7) / 8;
	bool any = false, first = true;

	if (!addr) {
		args_printf(c, ", NULL");
		return false;
	}
	if (tr->peek(tr->ctx, addr, bits, bytes) < 0) {
		args_printf(c, ", ?");
		return false;
	}
	args_printf(c, ", [");
	for (int fd = 0; fd < nfds; fd++)
		if (bits[fd / 8] & (1u << (fd % 8))) {
			args_printf(c, "%s%d", first ? "" : " ", fd);
			first = false;
			if (!any && is_socket(t, tr, (uint64_t)fd)) {
				any = true;
				if (c->fd < 0)
					c->fd = fd;
			}
		}
	args_printf(c, "]");
	return any;
}

static void enter_select(struct fdtable *t, const struct run_tracee *tr, struct run_call *c)
{
	int nfds = c->a[0] > SELECT_SEEN ? SELECT_SEEN : (int)c->a[0];
	bool r, w, x;

	args_printf(c, "%d", (int)c->a[0]);
	r = put_fdset(t, tr, c, c->a[1], nfds);
	w = put_fdset(t, tr, c, c->a[2], nfds);
	x = put_fdset(t, tr, c, c->a[3], nfds);
	args_printf(c, ", %s", c->a[4] ? "&timeout" : "NULL");
	c->report = r || w || x;
}

/* The first socket close_range(first, last) closes, or -1. */
static int first_socket_in(struct fdtable *t, uint64_t first, uint64_t last)
{
	for (uint64_t fd = first; fd <= last && fd < (uint64_t)t->n; fd++)
		if (t->e[fd].kind == FD_INET)
			return (int)fd;
	return -1;
}

void calldecode_enter(struct fdtable *t, const struct run_tracee *tr, long nr, const uint64_t a[6],
		      struct run_call *c)
{
	const uint64_t *x = a;
	int fd = a[0] <= INT32_MAX ? (int)a[0] : -1;

	memset(c, 0, sizeof(*c));
	c->sys = run_sys_of(nr);
	memcpy(c->a, a, sizeof(c->a));
	c->fd = fd;
	switch (c->sys) {
	case RS_NONE:
		return;
	case RS_SOCKET:
		c->fd = -1;
		c->report = x[0] == AF_INET || x[0] == AF_INET6;
		c->needs_exit = true; /* the table learns what the new descriptor is */
		args_printf(c, "%s, ", family_name(x[0]));
		put_type(c, x[1]);
		args_printf(c, ", %d", (int)x[2]);
		break;
	case RS_BIND:
	case RS_CONNECT:
		c->report = is_socket(t, tr, x[0]);
		sockaddr_text(tr, x[1], x[2], c->addr);
		args_printf(c, "%d, %s", fd, c->addr[0] ? c->addr : "...");
		break;
	case RS_LISTEN:
		c->report = is_socket(t, tr, x[0]);
		args_printf(c, "%d, %d", fd, (int)x[1]);
		break;
	case RS_ACCEPT:
	case RS_ACCEPT4:
		c->report = is_socket(t, tr, x[0]);
		args_printf(c, "%d, %s", fd, x[1] ? "&peer, &len" : "NULL, NULL");
		if (c->sys == RS_ACCEPT4)
			put_flags(c, x[3]);
		break;
	case RS_SHUTDOWN:
		c->report = is_socket(t, tr, x[0]);
		args_printf(c, "%d, %s", fd, x[1] == SHUT_WR ? "SHUT_WR" : x[1] == SHUT_RD ? "SHUT_RD" : "SHUT_RDWR");
		break;
	case RS_CLOSE: {
		const struct fd_entry *e = fdtable_peek(t, fd);

		/* a descriptor no watched call used is not classified to be closed;
		 * an epoll set's close is reported as its making was */
		c->report = e && (e->kind == FD_INET || e->kind == FD_EPOLL);
		c->needs_exit = e && (e->kind != FD_UNKNOWN || e->cloexec);
		args_printf(c, "%d", fd);
		if (c->report) /* afterwards the socket is gone */
			endpoints_of(t, tr, fd, c);
		break;
	}
	case RS_CLOSE_RANGE:
		c->fd = first_socket_in(t, x[0], x[1]);
		c->report = c->fd >= 0;
		c->needs_exit = true;
		if (x[1] >= UINT32_MAX)
			args_printf(c, "%lu, ~0U", (unsigned long)x[0]);
		else
			args_printf(c, "%lu, %lu", (unsigned long)x[0], (unsigned long)x[1]);
		args_printf(c, ", %s", x[2] & CLOSE_RANGE_CLOEXEC ? "CLOSE_RANGE_CLOEXEC" : "0");
		if (c->report)
			endpoints_of(t, tr, c->fd, c);
		break;
	case RS_READ:
	case RS_WRITE:
		c->report = is_socket(t, tr, x[0]);
		args_printf(c, "%d, buf, %lu", fd, (unsigned long)x[2]);
		break;
	case RS_READV:
	case RS_WRITEV:
		c->report = is_socket(t, tr, x[0]);
		args_printf(c, "%d, iov, %d", fd, (int)x[2]);
		break;
	case RS_RECVFROM:
		c->report = is_socket(t, tr, x[0]);
		args_printf(c, "%d, buf, %lu, %d, %s", fd, (unsigned long)x[2], (int)x[3],
			    x[4] ? "&from, &len" : "NULL, NULL");
		break;
	case RS_SENDTO:
		c->report = is_socket(t, tr, x[0]);
		args_printf(c, "%d, buf, %lu, %d", fd, (unsigned long)x[2], (int)x[3]);
		if (x[4]) {
			sockaddr_text(tr, x[4], x[5], c->addr);
			args_printf(c, ", %s", c->addr[0] ? c->addr : "...");
		}
		break;
	case RS_RECVMSG:
	case RS_SENDMSG:
		c->report = is_socket(t, tr, x[0]);
		args_printf(c, "%d, msg, %d", fd, (int)x[2]);
		break;
	case RS_SENDFILE:
		c->report = is_socket(t, tr, x[0]) || is_socket(t, tr, x[1]);
		if (!is_socket(t, tr, x[0]))
			c->fd = x[1] <= INT32_MAX ? (int)x[1] : -1;
		args_printf(c, "%d, %d, %s, %lu", fd, (int)x[1], x[2] ? "&offset" : "NULL", (unsigned long)x[3]);
		break;
	case RS_SETSOCKOPT:
		c->report = is_socket(t, tr, x[0]);
		args_printf(c, "%d, ", fd);
		put_sockopt_name(c, x[1], x[2]);
		args_printf(c, ", ");
		put_sockopt_value(c, tr, x[2], x[3], x[4], false);
		args_printf(c, ", %u", (unsigned)x[4]);
		break;
	case RS_GETSOCKOPT:
		c->report = is_socket(t, tr, x[0]);
		args_printf(c, "%d, ", fd);
		put_sockopt_name(c, x[1], x[2]);
		args_printf(c, ", &val, &len");
		break;
	case RS_FCNTL:
		switch (x[1]) {
		case F_DUPFD:
		case F_DUPFD_CLOEXEC:
			c->report = is_socket(t, tr, x[0]);
			c->needs_exit = true;
			args_printf(c, "%d, %s, %d", fd, x[1] == F_DUPFD ? "F_DUPFD" : "F_DUPFD_CLOEXEC", (int)x[2]);
			break;
		case F_SETFD:
			c->needs_exit = true; /* close-on-exec, for the table */
			break;
		case F_GETFL:
			c->report = is_socket(t, tr, x[0]);
			args_printf(c, "%d, F_GETFL", fd);
			break;
		case F_SETFL:
			c->report = is_socket(t, tr, x[0]);
			args_printf(c, "%d, F_SETFL, %s", fd, x[2] & O_NONBLOCK ? "O_RDWR|O_NONBLOCK" : "O_RDWR");
			break;
		}
		break;
	case RS_IOCTL:
		if (x[1] == FIONBIO) {
			int on = 0;

			c->report = is_socket(t, tr, x[0]);
			tr->peek(tr->ctx, x[2], &on, sizeof(on));
			args_printf(c, "%d, FIONBIO, [%d]", fd, on);
			c->needs_exit = c->report;
		}
		break;
	case RS_DUP:
		c->report = is_socket(t, tr, x[0]);
		c->needs_exit = kind_of(t, tr, fd) != FD_UNKNOWN;
		args_printf(c, "%d", fd);
		break;
	case RS_DUP2:
	case RS_DUP3:
		c->report = is_socket(t, tr, x[0]) || (x[0] != x[1] && is_socket(t, tr, x[1]));
		c->needs_exit = true;
		args_printf(c, "%d, %d", fd, (int)x[1]);
		if (c->sys == RS_DUP3)
			args_printf(c, ", %s", x[2] & O_CLOEXEC ? "O_CLOEXEC" : "0");
		break;
	case RS_POLL:
	case RS_PPOLL:
		c->fd = -1;
		enter_poll(t, tr, c);
		break;
	case RS_SELECT:
	case RS_PSELECT6:
		c->fd = -1;
		enter_select(t, tr, c);
		break;
	case RS_EPOLL_CREATE:
	case RS_EPOLL_CREATE1:
		/* the event loop starts; the call is on no descriptor (its result is one) */
		c->fd = -1;
		c->report = true;
		if (c->sys == RS_EPOLL_CREATE)
			args_printf(c, "%d", (int)x[0]);
		else if (x[0] == EPOLL_CLOEXEC)
			args_printf(c, "EPOLL_CLOEXEC");
		else
			args_printf(c, "%lu", (unsigned long)x[0]);
		break;
	case RS_EPOLL_CTL:
		c->report = is_socket(t, tr, x[2]);
		c->fd = x[2] <= INT32_MAX ? (int)x[2] : -1;
		args_printf(c, "%d, %s, %d", fd, x[1] <= INT32_MAX ? epoll_op_name((int)x[1]) : "?", (int)x[2]);
		if (c->report)
			put_epoll_events(c, tr, x[3]);
		break;
	case RS_EPOLL_WAIT:
	case RS_EPOLL_PWAIT:
	case RS_EPOLL_PWAIT2: {
		const struct fd_entry *e;

		kind_of(t, tr, fd);
		e = fdtable_peek(t, fd);
		c->report = e && e->kind == FD_EPOLL && e->watches_sockets;
		if (c->sys == RS_EPOLL_PWAIT2)
			args_printf(c, "%d, events, %d, %s", fd, (int)x[2], x[3] ? "&timeout" : "NULL");
		else
			args_printf(c, "%d, events, %d, %d", fd, (int)x[2], (int)x[3]);
		break;
	}
	case RS_COUNT:
		break;
	}
	if (c->report) {
		c->needs_exit = true;
		c->role = role_of(t, c->fd);
	}
}

/* The first bytes of a buffer described by an iovec array at iov. */
static bool peek_iov(const struct run_tracee *tr, uint64_t iov, uint64_t iovcnt, void *buf, size_t n)
{
	struct iovec v;

	if (!iov || iovcnt == 0 || tr->peek(tr->ctx, iov, &v, sizeof(v)) < 0)
		return false;
	return v.iov_len >= n && tr->peek(tr->ctx, (uint64_t)(uintptr_t)v.iov_base, buf, n) == 0;
}

/* The bytes a read or write moved: the first CALLREC_DATA_SHOWN of them. */
static void moved_data(const struct run_tracee *tr, struct run_call *c)
{
	size_t n = c->ret < CALLREC_DATA_SHOWN ? (size_t)c->ret : CALLREC_DATA_SHOWN;
	struct msghdr m;

	switch (c->sys) {
	case RS_READ:
	case RS_WRITE:
	case RS_RECVFROM:
	case RS_SENDTO:
		c->has_data = tr->peek(tr->ctx, c->a[1], c->data, n) == 0;
		break;
	case RS_READV:
	case RS_WRITEV:
		c->has_data = peek_iov(tr, c->a[1], c->a[2], c->data, n);
		break;
	case RS_RECVMSG:
	case RS_SENDMSG:
		c->has_data = tr->peek(tr->ctx, c->a[1], &m, sizeof(m)) == 0 &&
			      peek_iov(tr, (uint64_t)(uintptr_t)m.msg_iov, m.msg_iovlen, c->data, n);
		break;
	default:
		break;
	}
}

static void exit_accept(struct fdtable *t, const struct run_tracee *tr, struct run_call *c)
{
	int nfd = (int)c->ret;
	struct fd_entry *e = fdtable_at(t, nfd);
	uint64_t flags = c->sys == RS_ACCEPT4 ? c->a[3] : 0;

	if (!e)
		return;
	memset(e, 0, sizeof(*e));
	e->kind = FD_INET;
	e->cloexec = flags & SOCK_CLOEXEC;
	e->nonblock = flags & SOCK_NONBLOCK;
	fdtable_set_role(t, nfd, RUN_ROLE_SERVER);
	endpoints_of(t, tr, nfd, c);
}

static void exit_getsockopt(const struct run_tracee *tr, struct run_call *c)
{
	socklen_t len = 0;

	if (c->err || tr->peek(tr->ctx, c->a[4], &len, sizeof(len)) < 0)
		return;
	c->args[0] = '\0';
	args_printf(c, "%d, ", c->fd);
	put_sockopt_name(c, c->a[1], c->a[2]);
	args_printf(c, ", ");
	put_sockopt_value(c, tr, c->a[2], c->a[3], len, c->a[1] == SOL_SOCKET && c->a[2] == SO_ERROR);
	args_printf(c, ", [%u]", (unsigned)len);
}

/* What the call did to the table. */
static void update_table(struct fdtable *t, const struct run_tracee *tr, struct run_call *c)
{
	const uint64_t *x = c->a;
	int fd = c->fd, ret = (int)c->ret;
	struct fd_entry *e;
	bool ok = c->err == 0;

	switch (c->sys) {
	case RS_SOCKET:
		if (ok && (e = fdtable_at(t, ret))) {
			memset(e, 0, sizeof(*e));
			e->kind = c->report ? FD_INET : FD_OTHER;
			e->cloexec = x[1] & SOCK_CLOEXEC;
			e->nonblock = x[1] & SOCK_NONBLOCK;
			c->fd = ret;
		}
		break;
	case RS_BIND:
		if (ok && c->report && strlen(c->addr) > 2 && strcmp(strrchr(c->addr, ':'), ":0") != 0)
			fdtable_set_role(t, fd, RUN_ROLE_SERVER);
		break;
	case RS_LISTEN:
		if (ok && c->report && (e = fdtable_at(t, fd))) {
			e->listening = true;
			fdtable_set_role(t, fd, RUN_ROLE_SERVER);
		}
		break;
	case RS_CONNECT:
		if (c->report)
			fdtable_set_role(t, fd, RUN_ROLE_CLIENT);
		break;
	case RS_ACCEPT:
	case RS_ACCEPT4:
		if (ok && c->report)
			exit_accept(t, tr, c);
		break;
	case RS_CLOSE:
		if (c->err != EBADF)
			fdtable_close(t, fd); /* gone even when close fails otherwise */
		break;
	case RS_CLOSE_RANGE:
		if (ok)
			fdtable_close_range(t, (unsigned)x[0], x[1] > UINT32_MAX ? UINT32_MAX : (unsigned)x[1],
					    x[2] & CLOSE_RANGE_CLOEXEC);
		break;
	case RS_FCNTL:
		if (!ok)
			break;
		if (x[1] == F_DUPFD || x[1] == F_DUPFD_CLOEXEC)
			fdtable_dup(t, fd, ret, x[1] == F_DUPFD_CLOEXEC);
		else if (x[1] == F_SETFD && (e = fdtable_at(t, fd)))
			e->cloexec = x[2] & FD_CLOEXEC;
		else if (x[1] == F_SETFL && (e = fdtable_at(t, fd)))
			e->nonblock = x[2] & O_NONBLOCK;
		break;
	case RS_IOCTL:
		if (ok && (e = fdtable_at(t, fd))) {
			int on = 0;

			if (tr->peek(tr->ctx, x[2], &on, sizeof(on)) == 0)
				e->nonblock = on != 0;
		}
		break;
	case RS_DUP:
		if (ok)
			fdtable_dup(t, fd, ret, false);
		break;
	case RS_DUP2:
	case RS_DUP3:
		if (ok && x[0] != x[1])
			fdtable_dup(t, fd, (int)x[1], c->sys == RS_DUP3 && (x[2] & O_CLOEXEC));
		break;
	case RS_EPOLL_CREATE:
	case RS_EPOLL_CREATE1:
		if (ok && (e = fdtable_at(t, ret))) {
			memset(e, 0, sizeof(*e));
			e->kind = FD_EPOLL;
			e->cloexec = c->sys == RS_EPOLL_CREATE1 && (x[0] & EPOLL_CLOEXEC);
		}
		break;
	case RS_EPOLL_CTL:
		if (ok && c->report && x[1] != EPOLL_CTL_DEL && x[0] <= INT32_MAX && (e = fdtable_at(t, (int)x[0])))
			e->watches_sockets = true;
		break;
	default:
		break;
	}
}

bool calldecode_restarting(long ret)
{
	return ret == -ERESTARTSYS || ret == -ERESTARTNOINTR || ret == -ERESTARTNOHAND || ret == -ERESTART_RESTARTBLOCK;
}

void calldecode_exit(struct fdtable *t, const struct run_tracee *tr, struct run_call *c, long ret)
{
	if (ret < 0 && ret >= -4095) {
		c->ret = -1;
		c->err = (int)-ret;
		if (calldecode_restarting(ret))
			c->err = EINTR; /* what the program sees when it is not restarted */
	} else {
		c->ret = ret;
		c->err = 0;
	}
	/* a socket closed (or replaced by dup2) keeps the side it was on */
	c->role = role_of(t, c->fd);
	update_table(t, tr, c);
	if (!c->report)
		return;
	switch (c->sys) {
	case RS_SOCKET: /* nothing to ask a new socket */
	case RS_EPOLL_CREATE:
	case RS_EPOLL_CREATE1:
	case RS_ACCEPT:
	case RS_ACCEPT4:
	case RS_CLOSE:
	case RS_CLOSE_RANGE:
	case RS_POLL:
	case RS_PPOLL:
	case RS_SELECT:
	case RS_PSELECT6:
	case RS_EPOLL_WAIT:
	case RS_EPOLL_PWAIT:
	case RS_EPOLL_PWAIT2:
		break; /* endpoints already taken, or the call is on no one socket */
	case RS_GETSOCKOPT:
		exit_getsockopt(tr, c);
		endpoints_of(t, tr, c->fd, c);
		break;
	case RS_RECVFROM:
		if (c->ret >= 0 && c->a[4]) {
			socklen_t len = 0;

			if (tr->peek(tr->ctx, c->a[5], &len, sizeof(len)) == 0)
				sockaddr_text(tr, c->a[4], len, c->addr);
		}
		endpoints_of(t, tr, c->fd, c);
		break;
	default:
		endpoints_of(t, tr, c->fd, c);
		break;
	}
	if (c->ret > 0)
		moved_data(tr, c);
	if (fdtable_peek(t, c->fd) && fdtable_peek(t, c->fd)->kind == FD_INET)
		c->role = role_of(t, c->fd); /* it may have shown its side just now */
}

struct call calldecode_record(const struct run_call *c, enum call_phase phase)
{
	struct call r = {.phase = phase, .name = run_sys_name(c->sys), .fd = c->fd, .args = c->args,
			 .addr = c->addr};

	if (phase == CALL_EXIT) {
		r.ret = c->ret;
		r.err = c->err;
		r.local = c->local;
		r.peer = c->peer;
		r.data = c->has_data ? c->data : NULL;
	}
	return r;
}
