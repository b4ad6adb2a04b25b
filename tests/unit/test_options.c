/* test_options.c: the command lines of echo-server and echo-client. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "options.h"

/* argv with "prog" first and NULL last; argc counted from it. */
#define ARGV(...) ((char *[]){"prog", __VA_ARGS__, NULL})
#define ARGC(...) ((int)(sizeof(ARGV(__VA_ARGS__)) / sizeof(char *)) - 1)
#define SERVER(o, err, ...) server_options_parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), o, err, 128)
#define CLIENT(o, err, ...) client_options_parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), o, err, 128)

static void server_defaults_are_the_seeds(void **state)
{
	struct server_options o;
	char err[128];
	char *argv[] = {"prog", NULL};
	(void)state;

	assert_int_equal(server_options_parse(1, argv, &o, err, sizeof(err)), 0);
	assert_string_equal(o.bind_addr, "127.0.0.1");
	assert_string_equal(o.port, "8080");
	assert_int_equal(o.mode, MODE_THREAD);
	assert_false(o.udp || o.linger0 || o.close_first || o.no_read || o.half_close || o.step || o.quiet);
}

static void server_flags(void **state)
{
	struct server_options o;
	char err[128];
	(void)state;

	assert_int_equal(SERVER(&o, err, "-b", "::1", "-p", "9000", "--mode", "epoll", "--backlog", "3",
				"--accept-delay", "250", "--linger0", "--shutdown", "-q", "--step",
				"--events", "/tmp/e.sock"), 0);
	assert_string_equal(o.bind_addr, "::1");
	assert_string_equal(o.port, "9000");
	assert_int_equal(o.mode, MODE_EPOLL);
	assert_int_equal(o.backlog, 3);
	assert_int_equal(o.accept_delay_ms, 250);
	assert_true(o.linger0 && o.half_close && o.quiet && o.step);
	assert_string_equal(o.events_path, "/tmp/e.sock");
}

static void server_mistakes_are_one_line(void **state)
{
	struct server_options o;
	char err[128];
	(void)state;

	assert_int_equal(SERVER(&o, err, "--mode", "select"), -1);
	assert_string_equal(err, "--mode select: want thread, fork, iterative, epoll, reuseport, prefork or uring");
	/* the proactor serves the echo and the closing switches, not the waits */
	assert_int_equal(SERVER(&o, err, "--mode", "uring", "--linger0"), 0);
	assert_int_equal(o.mode, MODE_URING);
	assert_string_equal(serve_mode_name(o.mode), "uring");
	assert_int_equal(SERVER(&o, err, "--mode", "uring", "--no-read"), -1);
	assert_non_null(strstr(err, "--mode uring takes --close-first and --linger0"));
	assert_int_equal(SERVER(&o, err, "-p", "70000"), -1);
	assert_string_equal(err, "port '70000': expected a number from 1 to 65535");
	assert_int_equal(SERVER(&o, err, "--frobnicate"), -1);
	assert_string_equal(err, "unknown option --frobnicate");
	assert_int_equal(SERVER(&o, err, "-x"), -1);
	assert_string_equal(err, "unknown option -x");
	assert_int_equal(SERVER(&o, err, "--backlog"), -1);
	assert_string_equal(err, "option --backlog needs a value");
	assert_int_equal(SERVER(&o, err, "--udp", "--linger0"), -1);
	assert_non_null(strstr(err, "--udp has no connections"));
	/* --reply-at-eof waits for the FIN in a blocking read: not in the reactor */
	assert_int_equal(SERVER(&o, err, "--reply-at-eof"), 0);
	assert_true(o.reply_at_eof);
	assert_int_equal(SERVER(&o, err, "--reply-at-eof", "--mode", "epoll"), -1);
	assert_non_null(strstr(err, "--reply-at-eof"));
	assert_int_equal(SERVER(&o, err, "--reply-at-eof", "--close-first"), -1);
	assert_int_equal(SERVER(&o, err, "extra"), -1);
	assert_string_equal(err, "unexpected argument extra");
	assert_int_equal(SERVER(&o, err, "--help"), 1);
}

static void client_host_port_and_script(void **state)
{
	struct client_options o;
	char err[128];
	(void)state;

	assert_int_equal(CLIENT(&o, err, "::1", "9000", "-m", "a", "-m", "b", "--count", "3", "--close", "rst",
				"--hold", "500", "--bind-port", "40000"), 0);
	assert_string_equal(o.host, "::1");
	assert_string_equal(o.port, "9000");
	assert_int_equal(o.nmessages, 2);
	assert_string_equal(o.messages[1], "b");
	assert_int_equal(o.count, 3);
	assert_int_equal(o.close_how, CLOSE_RST);
	assert_int_equal(o.hold_ms, 500);
	assert_int_equal(o.bind_port, 40000);
}

static void client_defaults_interactive_and_count_alone_sends_hello(void **state)
{
	struct client_options o;
	char err[128];
	char *argv[] = {"prog", NULL};
	(void)state;

	assert_int_equal(client_options_parse(1, argv, &o, err, sizeof(err)), 0);
	assert_string_equal(o.host, "127.0.0.1");
	assert_string_equal(o.port, "8080");
	assert_int_equal(o.count, 0); /* interactive */
	assert_int_equal(o.bind_port, -1);
	assert_int_equal(CLIENT(&o, err, "--count", "2"), 0);
	assert_int_equal(o.nmessages, 1);
	assert_string_equal(o.messages[0], "hello");
	assert_int_equal(CLIENT(&o, err, "-m", "x"), 0);
	assert_int_equal(o.count, 1);
}

static void client_bench_and_mistakes(void **state)
{
	struct client_options o;
	char err[128];
	(void)state;

	assert_int_equal(CLIENT(&o, err, "--bench", "-c", "50", "-n", "1000", "--reconnect"), 0);
	assert_true(o.bench && o.reconnect);
	assert_int_equal(o.conns, 50);
	assert_int_equal(o.requests, 1000);
	assert_int_equal(CLIENT(&o, err, "--close", "slam"), -1);
	assert_string_equal(err, "--close slam: want close, shutdown or rst");
	assert_int_equal(CLIENT(&o, err, "-c", "0"), -1);
	assert_int_equal(CLIENT(&o, err, "--bench", "--udp"), -1);
	assert_int_equal(CLIENT(&o, err, "-m", "x", "--half-close"), 0);
	assert_true(o.half_close);
	assert_int_equal(CLIENT(&o, err, "--half-close", "--udp"), -1);
	assert_string_equal(err, "--half-close shuts down a TCP connection: drop --udp and --bench");
	assert_int_equal(CLIENT(&o, err, "h", "1", "extra"), -1);
	assert_string_equal(err, "unexpected argument extra");
	assert_int_equal(CLIENT(&o, err, "h", "port"), -1);
}

static void server_workers(void **state)
{
	struct server_options o;
	char err[128];
	(void)state;

	assert_int_equal(SERVER(&o, err, "--mode", "reuseport"), 0);
	assert_int_equal(o.mode, MODE_REUSEPORT);
	assert_int_equal(o.workers, 4);
	assert_false(o.herd);
	assert_int_equal(SERVER(&o, err, "--mode", "prefork", "--workers", "64", "--herd"), 0);
	assert_int_equal(o.mode, MODE_PREFORK);
	assert_int_equal(o.workers, 64);
	assert_true(o.herd);
	assert_int_equal(SERVER(&o, err, "--mode", "prefork", "--workers", "0"), -1);
	assert_string_equal(err, "--workers '0': expected a number from 1 to 64");
	assert_int_equal(SERVER(&o, err, "--mode", "reuseport", "--workers", "65"), -1);
	assert_int_equal(SERVER(&o, err, "--workers", "2"), -1);
	assert_string_equal(err, "--workers starts worker processes: only with --mode reuseport or --mode prefork");
	assert_int_equal(SERVER(&o, err, "--mode", "epoll", "--workers", "2"), -1);
	assert_int_equal(SERVER(&o, err, "--mode", "reuseport", "--herd"), -1);
	assert_string_equal(err, "--herd is about one listening socket shared by workers: only with --mode prefork");
	assert_int_equal(SERVER(&o, err, "--herd"), -1);
	assert_int_equal(SERVER(&o, err, "--mode", "prefork", "--reply-at-eof"), -1);
	assert_int_equal(SERVER(&o, err, "--udp", "--mode", "reuseport"), -1);
}

static void client_bench_threads(void **state)
{
	struct client_options o;
	char err[128];
	(void)state;

	assert_int_equal(CLIENT(&o, err, "--bench"), 0);
	assert_int_equal(o.threads, 1);
	assert_int_equal(CLIENT(&o, err, "--bench", "-t", "4", "-c", "50"), 0);
	assert_int_equal(o.threads, 4);
	assert_int_equal(CLIENT(&o, err, "--bench", "--threads", "65"), -1);
	assert_string_equal(err, "-t '65': expected a number from 1 to 64");
	assert_int_equal(CLIENT(&o, err, "-t", "2"), -1);
	assert_string_equal(err, "-t runs the benchmark on threads: only with --bench");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(server_defaults_are_the_seeds),
		cmocka_unit_test(server_flags),
		cmocka_unit_test(server_mistakes_are_one_line),
		cmocka_unit_test(client_host_port_and_script),
		cmocka_unit_test(client_defaults_interactive_and_count_alone_sends_hello),
		cmocka_unit_test(client_bench_and_mistakes),
		cmocka_unit_test(server_workers),
		cmocka_unit_test(client_bench_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
