/* test_kernel.c: the kernel edge against real sockets on loopback: what
 * sock_diag polling and (as root) the inet_sock_set_state tracepoint report
 * for a connection this test opens and closes itself. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
