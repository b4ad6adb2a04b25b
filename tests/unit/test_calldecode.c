/* test_calldecode.c: a traced program's system calls as call records
 * (run/calldecode.c), with no ptrace: the "tracee" is this test, whose
 * memory the fake peek reads, and the kernel's answers about descriptors
 * come from a table. Table-driven: each scenario is a list of calls in
 * order (the descriptor table carries over from one to the next), each
 * with what must be reported. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "calldecode.h"

/* The rows below leave the fields a step does not check (endpoints, data)
 * out: they are NULL, "nothing expected". */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define BAD_ADDR 0xdead0000ull /* unreadable in the fake tracee */

/* The fake kernel: what each descriptor of the tracee is, its endpoints. */
static struct {
	enum fd_kind kind[64];
	const char *local[64], *peer[64];
	int classified; /* how often the kernel was asked */
} k;

static int fake_peek(void *ctx, uint64_t addr, void *buf, size_t n)
{
	(void)ctx;
	if (!addr || addr == BAD_ADDR)
		return -1;
	memcpy(buf, (const void *)(uintptr_t)addr, n);
	return 0;
}

static enum fd_kind fake_classify(void *ctx, int fd)
{
	(void)ctx;
	k.classified++;
	return fd >= 0 && fd < 64 && k.kind[fd] ? k.kind[fd] : FD_OTHER;
}

static void fake_endpoints(void *ctx, int fd, char local[ENDPOINT_STRLEN], char peer[ENDPOINT_STRLEN])
{
	(void)ctx;
	snprintf(local, ENDPOINT_STRLEN, "%s", fd >= 0 && fd < 64 && k.local[fd] ? k.local[fd] : "");
	snprintf(peer, ENDPOINT_STRLEN, "%s", fd >= 0 && fd < 64 && k.peer[fd] ? k.peer[fd] : "");
}

static const struct run_tracee tracee = {NULL, fake_peek, fake_classify, fake_endpoints};

/* The tracee's memory the calls point to. */
static struct sockaddr_in server_addr, any_port0;
static int one = 1, zero_err = 0, refused_err = ECONNREFUSED;
static socklen_t int_len = sizeof(int);
static struct epoll_event ev_in_et = {.events = EPOLLIN | EPOLLET};
static char hello[] = "hello", http_get[] = "GET / HTTP/1.1\r\n";
static struct pollfd poll_sock = {.fd = 3, .events = POLLIN}, poll_pipe = {.fd = 9, .events = POLLIN};
static fd_set sock_set;
static struct iovec iov_hello = {hello, 5};

#define P(x) ((uint64_t)(uintptr_t)(x))

struct step {
	const char *what;
	long nr;
	uint64_t a[6];
	long ret;                /* the kernel's: -ERRNO on error */
	bool report, needs_exit;
	const char *args;        /* after the exit */
	int fd;
	int err;
	enum run_role role;
	const char *local, *peer, *data;
	const char *addr;        /* the record's addr, when given */
};

static void run_steps(const struct step *s, size_t n, struct fdtable *t)
{
	for (size_t i = 0; i < n; i++) {
		struct run_call c;
		struct call rec;

		calldecode_enter(t, &tracee, s[i].nr, s[i].a, &c);
		if (c.report != s[i].report || c.needs_exit != s[i].needs_exit)
			fail_msg("%s: report %d needs_exit %d, want %d %d", s[i].what, c.report, c.needs_exit,
				 s[i].report, s[i].needs_exit);
		if (!c.needs_exit)
			continue;
		calldecode_exit(t, &tracee, &c, s[i].ret);
		if (!s[i].report)
			continue;
		rec = calldecode_record(&c, CALL_EXIT);
		if (strcmp(rec.args, s[i].args) != 0)
			fail_msg("%s: args '%s', want '%s'", s[i].what, rec.args, s[i].args);
		if (rec.fd != s[i].fd || rec.err != s[i].err || c.role != s[i].role)
			fail_msg("%s: fd %d err %d role %d, want %d %d %d", s[i].what, rec.fd, rec.err, c.role,
				 s[i].fd, s[i].err, s[i].role);
		if (strcmp(rec.local, s[i].local ? s[i].local : "") != 0 ||
		    strcmp(rec.peer, s[i].peer ? s[i].peer : "") != 0)
			fail_msg("%s: local '%s' peer '%s'", s[i].what, rec.local, rec.peer);
		if (s[i].data ? !rec.data || memcmp(rec.data, s[i].data, strlen(s[i].data)) != 0 : rec.data != NULL)
			fail_msg("%s: data %s", s[i].what, rec.data ? "differs" : "missing");
		if (s[i].addr && strcmp(rec.addr, s[i].addr) != 0)
			fail_msg("%s: addr '%s', want '%s'", s[i].what, rec.addr, s[i].addr);
		assert_string_equal(rec.name, run_sys_name(run_sys_of(s[i].nr)));
	}
}

static int setup(void **state)
{
	(void)state;
	memset(&k, 0, sizeof(k));
	server_addr = (struct sockaddr_in){.sin_family = AF_INET, .sin_port = htons(8080)};
	inet_pton(AF_INET, "127.0.0.1", &server_addr.sin_addr);
	any_port0 = (struct sockaddr_in){.sin_family = AF_INET};
	FD_ZERO(&sock_set);
	FD_SET(3, &sock_set);
	FD_SET(9, &sock_set);
	return 0;
}

#define ADDR_LEN sizeof(struct sockaddr_in)

/* A non-blocking server the Go way: accept4 EAGAIN, epoll_pwait, accept4. */
static void a_non_blocking_server(void **state)
{
	static char buf[100];
	const struct step steps[] = {
		{"socket", SYS_socket, {AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0}, 3, true, true,
		 "AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0", 3, 0, RUN_ROLE_NONE},
		{"setsockopt", SYS_setsockopt, {3, SOL_SOCKET, SO_REUSEADDR, P(&one), 4}, 0, true, true,
		 "3, SOL_SOCKET, SO_REUSEADDR, [1], 4", 3, 0, RUN_ROLE_NONE},
		{"bind", SYS_bind, {3, P(&server_addr), ADDR_LEN}, 0, true, true, "3, 127.0.0.1:8080", 3, 0,
		 RUN_ROLE_SERVER, "127.0.0.1:8080"},
		{"listen", SYS_listen, {3, 128}, 0, true, true, "3, 128", 3, 0, RUN_ROLE_SERVER, "127.0.0.1:8080"},
		{"accept4 EAGAIN", SYS_accept4, {3, P(buf), P(&int_len), SOCK_NONBLOCK | SOCK_CLOEXEC}, -EAGAIN, true,
		 true, "3, &peer, &len, SOCK_NONBLOCK | SOCK_CLOEXEC", 3, EAGAIN, RUN_ROLE_SERVER},
		{"epoll_create1: reported", SYS_epoll_create1, {EPOLL_CLOEXEC}, 4, true, true,
		 "EPOLL_CLOEXEC", -1, 0, RUN_ROLE_SERVER},
		{"epoll_ctl", SYS_epoll_ctl, {4, EPOLL_CTL_ADD, 3, P(&ev_in_et)}, 0, true, true,
		 "4, EPOLL_CTL_ADD, 3, {EPOLLIN|EPOLLET}", 3, 0, RUN_ROLE_SERVER, "127.0.0.1:8080"},
		{"epoll_pwait", SYS_epoll_pwait, {4, P(buf), 128, (uint64_t)-1}, 1, true, true, "4, events, 128, -1", 4,
		 0, RUN_ROLE_SERVER},
		{"accept4 = 5", SYS_accept4, {3, P(buf), P(&int_len), SOCK_NONBLOCK | SOCK_CLOEXEC}, 5, true, true,
		 "3, &peer, &len, SOCK_NONBLOCK | SOCK_CLOEXEC", 3, 0, RUN_ROLE_SERVER, "127.0.0.1:8080",
		 "127.0.0.1:50322"},
		{"read", SYS_read, {5, P(hello), 100}, 5, true, true, "5, buf, 100", 5, 0, RUN_ROLE_SERVER,
		 "127.0.0.1:8080", "127.0.0.1:50322", "hello"},
		{"write to a file: not reported, no exit stop", SYS_write, {7, P(hello), 5}, 5, false, false},
		{"writev", SYS_writev, {5, P(&iov_hello), 1}, 5, true, true, "5, iov, 1", 5, 0, RUN_ROLE_SERVER,
		 "127.0.0.1:8080", "127.0.0.1:50322", "hello"},
		{"close", SYS_close, {5}, 0, true, true, "5", 5, 0, RUN_ROLE_SERVER, "127.0.0.1:8080",
		 "127.0.0.1:50322"},
		{"read after close: fd 5 is a file now", SYS_read, {5, P(buf), 100}, 5, false, false},
	};
	struct fdtable *t = fdtable_new();
	(void)state;

	run_steps(steps, 2, t); /* unbound until bind */
	k.local[3] = "127.0.0.1:8080";
	k.local[5] = "127.0.0.1:8080";
	k.peer[5] = "127.0.0.1:50322";
	run_steps(steps + 2, sizeof(steps) / sizeof(steps[0]) - 2, t);
	assert_int_equal(t->role, RUN_ROLE_SERVER);
	fdtable_put(t);
}

/* A non-blocking client: connect EINPROGRESS, poll, getsockopt(SO_ERROR). */
static void a_non_blocking_client(void **state)
{
	const struct step steps[] = {
		{"socket", SYS_socket, {AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0}, 3, true, true,
		 "AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0", 3, 0, RUN_ROLE_NONE},
		{"connect EINPROGRESS: the kernel knows no peer yet", SYS_connect, {3, P(&server_addr), ADDR_LEN},
		 -EINPROGRESS, true, true, "3, 127.0.0.1:8080", 3, EINPROGRESS, RUN_ROLE_CLIENT, "127.0.0.1:50322"},
		{"ppoll", SYS_ppoll, {P(&poll_sock), 1, 0}, 1, true, true, "{fd=3, POLLIN}, 1, NULL", 3, 0,
		 RUN_ROLE_CLIENT},
		{"getsockopt SO_ERROR", SYS_getsockopt, {3, SOL_SOCKET, SO_ERROR, P(&zero_err), P(&int_len)}, 0,
		 true, true, "3, SOL_SOCKET, SO_ERROR, [0], [4]", 3, 0, RUN_ROLE_CLIENT, "127.0.0.1:50322",
		 "127.0.0.1:8080"},
		{"getsockopt SO_ERROR refused", SYS_getsockopt, {3, SOL_SOCKET, SO_ERROR, P(&refused_err), P(&int_len)},
		 0, true, true, "3, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [4]", 3, 0, RUN_ROLE_CLIENT,
		 "127.0.0.1:50322", "127.0.0.1:8080"},
		{"sendto", SYS_sendto, {3, P(http_get), 16, MSG_NOSIGNAL, 0, 0}, 16, true, true, "3, buf, 16, 16384",
		 3, 0, RUN_ROLE_CLIENT, "127.0.0.1:50322", "127.0.0.1:8080", "GET / HTTP/1.1\r\n"},
		{"recvfrom interrupted: EINTR, not ERESTARTSYS", SYS_recvfrom, {3, P(hello), 5, 0, 0, 0}, -512, true,
		 true, "3, buf, 5, 0, NULL, NULL", 3, EINTR, RUN_ROLE_CLIENT, "127.0.0.1:50322", "127.0.0.1:8080"},
		{"recvfrom with no address asked: no addr, the peer is known (callrec's line names it)", SYS_recvfrom,
		 {3, P(hello), 5, 0, 0, 0}, 5, true, true, "3, buf, 5, 0, NULL, NULL", 3, 0, RUN_ROLE_CLIENT,
		 "127.0.0.1:50322", "127.0.0.1:8080", "hello", ""},
		{"shutdown", SYS_shutdown, {3, SHUT_WR}, 0, true, true, "3, SHUT_WR", 3, 0, RUN_ROLE_CLIENT,
		 "127.0.0.1:50322", "127.0.0.1:8080"},
	};
	struct fdtable *t = fdtable_new();
	(void)state;

	run_steps(steps, 1, t);
	k.local[3] = "127.0.0.1:50322"; /* the peer appears once connected */
	run_steps(steps + 1, 1, t);
	k.peer[3] = "127.0.0.1:8080";
	run_steps(steps + 2, sizeof(steps) / sizeof(steps[0]) - 2, t);
	fdtable_put(t);
}

/* dup2, F_DUPFD_CLOEXEC, close_range: the table follows the socket. */
static void the_table_follows_the_socket(void **state)
{
	static char buf[16];
	const struct step steps[] = {
		{"socket", SYS_socket, {AF_INET6, SOCK_DGRAM, 0}, 3, true, true, "AF_INET6, SOCK_DGRAM, 0", 3, 0,
		 RUN_ROLE_NONE},
		{"dup3 onto 10", SYS_dup3, {3, 10, 0}, 10, true, true, "3, 10, 0", 3, 0, RUN_ROLE_NONE},
		{"close 3", SYS_close, {3}, 0, true, true, "3", 3, 0, RUN_ROLE_NONE},
		{"read 3: closed, not classified again yet", SYS_read, {3, P(buf), 16}, -EBADF, false, false},
		{"recvfrom 10: still the socket", SYS_recvfrom, {10, P(buf), 16, 0, 0, 0}, -EAGAIN, true, true,
		 "10, buf, 16, 0, NULL, NULL", 10, EAGAIN, RUN_ROLE_NONE},
		{"F_DUPFD_CLOEXEC", SYS_fcntl, {10, F_DUPFD_CLOEXEC, 20}, 20, true, true, "10, F_DUPFD_CLOEXEC, 20", 10,
		 0, RUN_ROLE_NONE},
		{"F_SETFL O_NONBLOCK", SYS_fcntl, {20, F_SETFL, O_NONBLOCK | O_RDWR}, 0, true, true,
		 "20, F_SETFL, O_RDWR|O_NONBLOCK", 20, 0, RUN_ROLE_NONE},
		{"F_GETFD: not reported, no exit", SYS_fcntl, {20, F_GETFD}, 1, false, false},
		{"dup3 a pipe over the socket at 20", SYS_dup3, {9, 20, O_CLOEXEC}, 20, true, true, "9, 20, O_CLOEXEC", 9, 0,
		 RUN_ROLE_NONE},
		{"close_range of everything", SYS_close_range, {0, ~0U, 0}, 0, true, true, "0, ~0U, 0", 10, 0,
		 RUN_ROLE_NONE},
		{"close_range again: no socket left", SYS_close_range, {0, ~0U, 0}, 0, false, true},
	};
	struct fdtable *t = fdtable_new();
	(void)state;

	k.kind[3] = FD_OTHER; /* once closed, the kernel has nothing at 3 */
	run_steps(steps, sizeof(steps) / sizeof(steps[0]), t);
	assert_int_equal(fdtable_peek(t, 10)->kind, FD_UNKNOWN);
	fdtable_put(t);
}

/* Inherited descriptors, AF_UNIX sockets, poll and select on a mix. */
static void only_inet_sockets_are_reported(void **state)
{
	static char buf[16];
	const struct step steps[] = {
		{"read from an inherited socket (fd 0, inetd style)", SYS_read, {0, P(buf), 16}, 3, true, true,
		 "0, buf, 16", 0, 0, RUN_ROLE_NONE, NULL, NULL, "hel"},
		{"read it again: the kernel was asked once", SYS_read, {0, P(buf), 16}, 0, true, true, "0, buf, 16",
		 0, 0, RUN_ROLE_NONE},
		{"an AF_UNIX socket", SYS_socket, {AF_UNIX, SOCK_STREAM, 0}, 3, false, true},
		{"connect it: not reported", SYS_connect, {3, P(&any_port0), ADDR_LEN}, 0, false, false},
		{"ppoll on a pipe only", SYS_ppoll, {P(&poll_pipe), 1, 0}, 0, false, false},
		{"a TCP socket at 4", SYS_socket, {AF_INET, SOCK_STREAM, 0}, 4, true, true, "AF_INET, SOCK_STREAM, 0", 4,
		 0, RUN_ROLE_NONE},
		{"bind to port 0 shows no side", SYS_bind, {4, P(&any_port0), ADDR_LEN}, 0, true, true, "4, 0.0.0.0:0",
		 4, 0, RUN_ROLE_NONE},
		{"pselect6 on the pipe and fd 3 (AF_UNIX): no", SYS_pselect6, {10, P(&sock_set), 0, 0, 0}, 1, false, false},
		{"a bad pointer in ppoll: not reported, no crash", SYS_ppoll, {BAD_ADDR, 1, 0}, 0, false, false},
		{"an unknown system call", 9999, {0}, 0, false, false},
	};
	struct fdtable *t = fdtable_new();
	(void)state;

	k.kind[0] = FD_INET;
	memcpy(buf, "hel", 3);
	run_steps(steps, sizeof(steps) / sizeof(steps[0]), t);
	/* fd 0, the pipe at 9 (poll, select), fd 3 and fd 9 for select: each asked once at most */
	assert_true(k.classified <= 3);
	fdtable_put(t);
}

static void select_on_a_socket_is_reported(void **state)
{
	const struct step steps[] = {
		{"socket", SYS_socket, {AF_INET, SOCK_STREAM, 0}, 3, true, true, "AF_INET, SOCK_STREAM, 0", 3, 0,
		 RUN_ROLE_NONE},
		{"pselect6", SYS_pselect6, {10, P(&sock_set), 0, 0, 0, 0}, 1, true, true, "10, [3 9], NULL, NULL, NULL",
		 3, 0, RUN_ROLE_NONE},
	};
	struct fdtable *t = fdtable_new();
	(void)state;

	run_steps(steps, sizeof(steps) / sizeof(steps[0]), t);
	fdtable_put(t);
}

/* The calls x86_64 has and aarch64 does not (its libc uses ppoll, pselect6,
 * epoll_pwait, dup3). */
static void the_older_calls_where_the_arch_has_them(void **state)
{
#if defined(SYS_poll) && defined(SYS_select) && defined(SYS_dup2) && defined(SYS_epoll_wait)
	static char buf[16];
	const struct step steps[] = {
		{"socket", SYS_socket, {AF_INET, SOCK_STREAM, 0}, 3, true, true, "AF_INET, SOCK_STREAM, 0", 3, 0,
		 RUN_ROLE_NONE},
		{"poll", SYS_poll, {P(&poll_sock), 1, 5000}, 1, true, true, "{fd=3, POLLIN}, 1, 5000", 3, 0,
		 RUN_ROLE_NONE},
		{"select", SYS_select, {10, P(&sock_set), 0, 0, 0}, 1, true, true, "10, [3 9], NULL, NULL, NULL", 3, 0,
		 RUN_ROLE_NONE},
		{"epoll_create", SYS_epoll_create, {1}, 4, true, true, "1", -1, 0, RUN_ROLE_NONE},
		{"epoll_wait on a set of no socket: no", SYS_epoll_wait, {4, P(buf), 1, 0}, 0, false, false},
		{"dup2", SYS_dup2, {3, 7}, 7, true, true, "3, 7", 3, 0, RUN_ROLE_NONE},
		{"read 7", SYS_read, {7, P(buf), 16}, -EAGAIN, true, true, "7, buf, 16", 7, EAGAIN, RUN_ROLE_NONE},
	};
	struct fdtable *t = fdtable_new();

	run_steps(steps, sizeof(steps) / sizeof(steps[0]), t);
	fdtable_put(t);
#endif
	(void)state;
}

/* An epoll set made before a socket: the call is reported (the event loop
 * starts), the table knows the set, and a failed one changes nothing. */
static void epoll_create1_is_reported_and_its_set_followed(void **state)
{
	static char buf[16];
	const struct step steps[] = {
		{"epoll_create1(0): on no descriptor, its result is one", SYS_epoll_create1, {0}, 3, true, true, "0", -1,
		 0, RUN_ROLE_NONE},
		{"epoll_create1 with a bad flag", SYS_epoll_create1, {1}, -EINVAL, true, true, "1", -1, EINVAL,
		 RUN_ROLE_NONE},
		{"epoll_pwait on the set of no socket yet: no", SYS_epoll_pwait, {3, P(buf), 1, 0}, 0, false, false},
		{"socket", SYS_socket, {AF_INET, SOCK_STREAM, 0}, 4, true, true, "AF_INET, SOCK_STREAM, 0", 4, 0,
		 RUN_ROLE_NONE},
		{"epoll_ctl adds it", SYS_epoll_ctl, {3, EPOLL_CTL_ADD, 4, P(&ev_in_et)}, 0, true, true,
		 "3, EPOLL_CTL_ADD, 4, {EPOLLIN|EPOLLET}", 4, 0, RUN_ROLE_NONE},
		{"epoll_pwait on it now", SYS_epoll_pwait, {3, P(buf), 1, 0}, 0, true, true, "3, events, 1, 0", 3, 0,
		 RUN_ROLE_NONE},
		{"dup of the set: not reported", SYS_dup, {3}, 5, false, true},
		{"close of the set: reported, as its making was", SYS_close, {3}, 0, true, true, "3", 3, 0,
		 RUN_ROLE_NONE},
		{"close of a file: not", SYS_close, {7}, 0, false, false},
	};
	struct fdtable *t = fdtable_new();
	(void)state;

	run_steps(steps, 6, t);
	assert_int_equal(fdtable_peek(t, 3)->kind, FD_EPOLL);
	assert_int_equal(k.classified, 0); /* made before our eyes: the kernel is never asked */
	run_steps(steps + 6, sizeof(steps) / sizeof(steps[0]) - 6, t);
	assert_int_equal(fdtable_peek(t, 3)->kind, FD_UNKNOWN);
	fdtable_put(t);
}

/* The kernel's restart codes are no errno a program sees: only the
 * tracer's (trace.c waits to see EINTR or the restart). ENOIOCTLCMD (515)
 * sits among them and is not one. */
static void the_restart_codes_are_the_kernels(void **state)
{
	(void)state;
	assert_true(calldecode_restarting(-512));
	assert_true(calldecode_restarting(-513));
	assert_true(calldecode_restarting(-514));
	assert_true(calldecode_restarting(-516));
	assert_false(calldecode_restarting(-515));
	assert_false(calldecode_restarting(-EINTR));
	assert_false(calldecode_restarting(512));
	assert_false(calldecode_restarting(0));
}

static void the_records_carry_what_the_lab_reads(void **state)
{
	struct fdtable *t = fdtable_new();
	uint64_t a[6] = {3, P(&server_addr), ADDR_LEN};
	struct run_call c;
	struct call enter, done;
	char buf[1024];
	struct outbuf o = outbuf_at(buf, sizeof(buf), 0);
	(void)state;

	k.kind[3] = FD_INET;
	k.local[3] = "127.0.0.1:50322";
	k.peer[3] = "127.0.0.1:8080";
	calldecode_enter(t, &tracee, SYS_connect, a, &c);
	enter = calldecode_record(&c, CALL_ENTER);
	assert_string_equal(enter.addr, "127.0.0.1:8080");
	assert_null(enter.local);
	calldecode_exit(t, &tracee, &c, -ECONNREFUSED);
	done = calldecode_record(&c, CALL_EXIT);
	done.who = (struct call_origin){"client", 7, 7};
	done.seq = 1;
	assert_true(callrec_encode(&o, &done) > 0);
	assert_non_null(strstr(buf, "\"call\":\"connect\",\"fd\":3,\"args\":\"3, 127.0.0.1:8080\",\"addr\":"
				    "\"127.0.0.1:8080\",\"ret\":-1,\"errno\":\"ECONNREFUSED\""));
	fdtable_put(t);
}

static void every_watched_call_has_a_number_and_a_name(void **state)
{
	long nrs[64];
	size_t n = run_sys_numbers(nrs, 64);
	(void)state;

	assert_true(n >= 30); /* x86_64: all 36; aarch64 has no poll, select, epoll_wait, epoll_create or dup2 */
	for (size_t i = 0; i < n; i++) {
		assert_int_not_equal(run_sys_of(nrs[i]), RS_NONE);
		assert_true(strlen(run_sys_name(run_sys_of(nrs[i]))) > 0);
	}
	assert_int_equal(run_sys_of(SYS_openat), RS_NONE);
	assert_string_equal(run_sys_name(RS_NONE), "");
}

/* The ELF header says whether a program's calls are this arch's: a 32-bit
 * one (i386, x32) gets a line on stderr instead of records (trace.c). */
static void a_32_bit_program_is_told_apart(void **state)
{
	unsigned char self[64], elf32[64], x32[64];
	FILE *f = fopen("/proc/self/exe", "rb");
	size_t n;
	(void)state;

	assert_non_null(f);
	n = fread(self, 1, sizeof(self), f);
	fclose(f);
	assert_int_equal(n, sizeof(self));
	assert_false(run_sys_foreign_elf(self, n)); /* this test is this arch's */
	memcpy(elf32, self, sizeof(elf32));
	elf32[4] = 1;  /* ELFCLASS32 */
	elf32[18] = 3; /* EM_386 */
	elf32[19] = 0;
	assert_true(run_sys_foreign_elf(elf32, sizeof(elf32)));
	memcpy(x32, self, sizeof(x32));
	x32[4] = 1; /* ELFCLASS32 with this machine: x32 (or arm on aarch64: another machine) */
	assert_true(run_sys_foreign_elf(x32, sizeof(x32)));
	x32[4] = 2; /* 64-bit, another machine */
	x32[18] ^= 0x40;
	assert_true(run_sys_foreign_elf(x32, sizeof(x32)));
	assert_false(run_sys_foreign_elf((const unsigned char *)"#!/bin/sh\necho hello world\n", 26));
	assert_false(run_sys_foreign_elf(elf32, 19)); /* too short to tell */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(a_non_blocking_server, setup),
		cmocka_unit_test_setup(a_non_blocking_client, setup),
		cmocka_unit_test_setup(the_table_follows_the_socket, setup),
		cmocka_unit_test_setup(only_inet_sockets_are_reported, setup),
		cmocka_unit_test_setup(select_on_a_socket_is_reported, setup),
		cmocka_unit_test_setup(the_older_calls_where_the_arch_has_them, setup),
		cmocka_unit_test_setup(epoll_create1_is_reported_and_its_set_followed, setup),
		cmocka_unit_test_setup(the_restart_codes_are_the_kernels, setup),
		cmocka_unit_test_setup(the_records_carry_what_the_lab_reads, setup),
		cmocka_unit_test_setup(every_watched_call_has_a_number_and_a_name, setup),
		cmocka_unit_test(a_32_bit_program_is_told_apart),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
