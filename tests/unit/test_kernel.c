/* test_kernel.c: the kernel edge against real sockets on loopback: what
 * sock_diag polling and (as root) the inet_sock_set_state tracepoint report
 * for a connection this test opens and closes itself. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kernel.h"
#include "net.h"

/* What the kernel said about the client socket (local port = client_port). */
struct seen {
	uint16_t server_port, client_port;
	char client_path[256];
	uint64_t first_ts;
};

static void on_record(const struct kstate_record *r, void *ctx)
{
	struct seen *s = ctx;
	size_t len = strlen(s->client_path);

	if (!s->first_ts)
		s->first_ts = r->ts_ns;
	if (r->from == r->to) /* sock_diag: only its tcp_info moved */
		return;
	if (r->peer.port == s->server_port && (r->local.port == s->client_port || r->local.port == 0)) {
		if (!len)
			len += (size_t)snprintf(s->client_path, sizeof(s->client_path), "%s", tcp_state_name(r->from));
		snprintf(s->client_path + len, sizeof(s->client_path) - len, ">%s", tcp_state_name(r->to));
	}
}

/* Reads until the client's path ends with want, for at most 3 s. */
static void read_until(struct kernel_source *k, struct seen *s, const char *want)
{
	char err[256];

	for (int i = 0; i < 300; i++) {
		struct pollfd p = {kernel_fd(k), POLLIN, 0};
		size_t len = strlen(s->client_path), wl = strlen(want);

		if (len >= wl && strcmp(s->client_path + len - wl, want) == 0)
			return;
		poll(&p, 1, kernel_poll_ms(k));
		assert_true(kernel_read(k, on_record, s, err, sizeof(err)) >= 0);
	}
	fail_msg("the kernel's client path is \"%s\", expected it to end with \"%s\"", s->client_path, want);
}

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Opens a connection, lets the client close first, reads the kernel's view. */
static void run_echo_close(enum kernel_mode mode, struct seen *s, const char *want_open, const char *want_end)
{
	char err[256];
	struct net_addr server;
	int lfd = net_listen_loopback(AF_INET, 4, &server);
	struct kernel_source *k;
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int cfd, afd;

	s->server_port = net_port(&server);
	k = kernel_open(mode, s->server_port, err, sizeof(err));
	if (!k)
		fail_msg("kernel_open: %s", err);
	cfd = net_connect(&server);
	assert_int_equal(getsockname(cfd, (struct sockaddr *)&a, &len), 0);
	s->client_port = ntohs(a.sin_port);
	afd = accept(lfd, NULL, NULL);
	assert_true(afd >= 0);
	read_until(k, s, want_open);
	close(cfd);
	close(afd);
	read_until(k, s, want_end);
	close(lfd);
	kernel_close(k);
}

static void test_sock_diag_sees_a_connection(void **state)
{
	struct seen s = {0};

	(void)state;
	run_echo_close(KERNEL_SOCK_DIAG, &s, "ESTABLISHED", "TIME_WAIT");
	/* Polls see the socket appear established and end in TIME_WAIT. */
	assert_string_equal(s.client_path, "CLOSED>ESTABLISHED>TIME_WAIT");
}

static void test_tracepoint_reports_every_change(void **state)
{
	struct seen s = {0};
	uint64_t before = realtime_ns();
	char instance[128];
	struct stat st;

	(void)state;
	if (geteuid() != 0)
		skip(); /* tracefs needs root: tests/it/it_kernel_oracle.sh covers it as root */
	run_echo_close(KERNEL_TRACEPOINT, &s, "ESTABLISHED", "FIN_WAIT_2>CLOSED");
	/* Linux's real sequence: connect()'s record before the port is
	 * chosen, and CLOSED where the TIME_WAIT mini-socket takes over. */
	assert_string_equal(s.client_path, "CLOSED>SYN_SENT>ESTABLISHED>FIN_WAIT_1>FIN_WAIT_2>CLOSED");
	/* Stamped in CLOCK_REALTIME like the packets, not in the trace clock. */
	assert_true(s.first_ts >= before - 1000000000u && s.first_ts <= realtime_ns());
	/* The private tracing instance is gone. */
	snprintf(instance, sizeof(instance), "/sys/kernel/tracing/instances/socklab-%ld", (long)getpid());
	assert_int_not_equal(stat(instance, &st), 0);
}

/* What a view of another namespace reported: each record's ports, and the
 * client socket's tcp_info once established. */
struct netns_seen {
	struct seen path;
	uint16_t home_client_port;
	int records, foreign;
	struct kstate_tcp_info info;
};

static void on_netns_record(const struct kstate_record *r, void *ctx)
{
	struct netns_seen *n = ctx;

	n->records++;
	if (r->local.port == n->home_client_port || r->peer.port == n->home_client_port)
		n->foreign++;
	if (r->local.port == n->path.client_port && r->to == TCPS_ESTABLISHED && r->info.valid)
		n->info = r->info;
	on_record(r, &n->path);
}

static void lo_up(void)
{
	struct ifreq ifr = {0};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	assert_int_equal(ioctl(fd, SIOCGIFFLAGS, &ifr), 0);
	ifr.ifr_flags |= IFF_UP;
	assert_int_equal(ioctl(fd, SIOCSIFFLAGS, &ifr), 0);
	close(fd);
}

/* A two-host wire's kernel view: a netlink socket made inside another
 * network namespace sees that namespace's sockets, not this one's (the
 * same port is used in both), with each socket's tcp_info. */
static void test_sock_diag_in_another_namespace(void **state)
{
	struct netns_seen n = {0};
	struct net_addr there, here;
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	struct kernel_source *k;
	char err[256];
	int home, other, lfd_o, cfd_o, afd_o, lfd_h, cfd_h, afd_h;

	(void)state;
	if (geteuid() != 0)
		skip(); /* entering a namespace needs root (the lab as a user has its user namespace) */
	home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	assert_true(home >= 0);
	assert_int_equal(unshare(CLONE_NEWNET), 0);
	other = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	assert_true(other >= 0);
	lo_up();
	lfd_o = net_listen_loopback(AF_INET, 4, &there);
	assert_int_equal(setns(home, CLONE_NEWNET), 0);
	n.path.server_port = net_port(&there);

	k = kernel_open_in_netns(other, n.path.server_port, err, sizeof(err));
	if (!k)
		fail_msg("kernel_open_in_netns: %s", err);
	/* Here, the same port: its sockets must not be reported. */
	lfd_h = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	here = there;
	if (bind(lfd_h, net_sa(&here), here.len) < 0 || listen(lfd_h, 4) < 0)
		fail_msg("port %u is taken here: %s", n.path.server_port, strerror(errno));
	cfd_h = net_connect(&here);
	assert_int_equal(getsockname(cfd_h, (struct sockaddr *)&a, &len), 0);
	n.home_client_port = ntohs(a.sin_port);
	afd_h = accept(lfd_h, NULL, NULL);
	assert_true(afd_h >= 0);

	assert_int_equal(setns(other, CLONE_NEWNET), 0);
	cfd_o = net_connect(&there);
	len = sizeof(a);
	assert_int_equal(getsockname(cfd_o, (struct sockaddr *)&a, &len), 0);
	n.path.client_port = ntohs(a.sin_port);
	afd_o = accept(lfd_o, NULL, NULL);
	assert_int_equal(setns(home, CLONE_NEWNET), 0);
	assert_true(afd_o >= 0);

	for (int i = 0; i < 300 && !n.info.valid; i++) {
		poll(NULL, 0, kernel_poll_ms(k));
		assert_true(kernel_read(k, on_netns_record, &n, err, sizeof(err)) >= 0);
	}
	assert_string_equal(n.path.client_path, "CLOSED>ESTABLISHED");
	assert_int_equal(n.foreign, 0);
	/* tcp_info of a fresh loopback connection: Linux's initial window and
	 * an RTO of at least the 200 ms floor; the congestion control named. */
	assert_true(n.info.valid);
	assert_int_equal(n.info.snd_cwnd, 10);
	assert_true(n.info.rto_us >= 200000);
	assert_int_equal(n.info.total_retrans, 0);
	assert_true(n.info.cong[0] != '\0');
	kernel_close(k);
	close(cfd_o);
	close(afd_o);
	close(lfd_o);
	close(cfd_h);
	close(afd_h);
	close(lfd_h);
	close(other);
	close(home);
}

static void test_mode_names(void **state)
{
	(void)state;
	assert_int_equal(kernel_mode_parse("auto"), KERNEL_AUTO);
	assert_int_equal(kernel_mode_parse("tracepoint"), KERNEL_TRACEPOINT);
	assert_int_equal(kernel_mode_parse("sock_diag"), KERNEL_SOCK_DIAG);
	assert_int_equal(kernel_mode_parse("ebpf"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mode_names),
		cmocka_unit_test(test_sock_diag_sees_a_connection),
		cmocka_unit_test(test_tracepoint_reports_every_change),
		cmocka_unit_test(test_sock_diag_in_another_namespace),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
