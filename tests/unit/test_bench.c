/* test_bench.c: the benchmark's percentiles, and a short real run against
 * a loopback echo peer made in the test. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#include "bench.h"
#include "echo.h"
#include "net.h"

static void percentile_is_nearest_rank(void **state)
{
	uint64_t v[] = {50, 10, 40, 20, 30, 100, 90, 80, 70, 60};
	(void)state;

	assert_int_equal(bench_percentile(v, 10, 50), 50);
	assert_int_equal(bench_percentile(v, 10, 99), 100);
	assert_int_equal(bench_percentile(v, 10, 10), 10);
	assert_int_equal(bench_percentile(v, 1, 99), 10);
	assert_int_equal(bench_percentile(v, 0, 50), 0);
}

/* A one-connection-at-a-time echo peer: serves `conns` connections and
 * counts the requests it answered (each a 5-byte "hello"). */
struct peer {
	int lfd, conns;
	long bytes;
};

static void *echo_peer(void *arg)
{
	struct peer *p = arg;
	char buf[ECHO_READ_MAX], reply[ECHO_REPLY_MAX];

	for (int i = 0; i < p->conns; i++) {
		int fd = accept(p->lfd, NULL, NULL);
		ssize_t n;
		while ((n = read(fd, buf, sizeof(buf))) > 0) {
			p->bytes += n;
			if (write(fd, reply, echo_reply(buf, (size_t)n, reply)) < 0)
				break;
		}
		close(fd);
	}
	return NULL;
}

static void a_run_answers_every_request(void **state)
{
	struct net_addr sa;
	struct client_options o = {.conns = 1, .requests = 200};
	struct peer p = {.lfd = net_listen_loopback(AF_INET, 8, &sa), .conns = 1};
	pthread_t tid;
	(void)state;

	pthread_create(&tid, NULL, echo_peer, &p);
	assert_int_equal(bench_run(&o, net_sa(&sa), sa.len), 0);
	pthread_join(tid, NULL);

	o.reconnect = true;
	o.requests = 20;
	p.conns = 20;
	pthread_create(&tid, NULL, echo_peer, &p);
	assert_int_equal(bench_run(&o, net_sa(&sa), sa.len), 0);
	pthread_join(tid, NULL);
	close(p.lfd);
}

/* -t: the connections are dealt out to threads; the server still gets
 * exactly the requests asked for, however they divide (1003 over 7
 * connections over 3 threads; --reconnect: 20 over 3 threads). */
static void threads_share_the_requests(void **state)
{
	struct net_addr sa;
	struct client_options o = {.conns = 7, .requests = 1003, .threads = 3};
	struct peer p = {.lfd = net_listen_loopback(AF_INET, 16, &sa), .conns = 7};
	pthread_t tid;
	(void)state;

	pthread_create(&tid, NULL, echo_peer, &p);
	assert_int_equal(bench_run(&o, net_sa(&sa), sa.len), 0);
	pthread_join(tid, NULL);
	assert_int_equal(p.bytes, 1003 * 5);

	o = (struct client_options){.conns = 2, .requests = 20, .threads = 3, .reconnect = true};
	p.conns = 20;
	p.bytes = 0;
	pthread_create(&tid, NULL, echo_peer, &p);
	assert_int_equal(bench_run(&o, net_sa(&sa), sa.len), 0);
	pthread_join(tid, NULL);
	assert_int_equal(p.bytes, 20 * 5);
	close(p.lfd);
}

static void a_refused_server_counts_errors(void **state)
{
	struct net_addr sa;
	struct client_options o = {.conns = 2, .requests = 10};
	(void)state;

	net_refused_addr(AF_INET, &sa);
	assert_int_equal(bench_run(&o, net_sa(&sa), sa.len), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(percentile_is_nearest_rank),
		cmocka_unit_test(a_run_answers_every_request),
		cmocka_unit_test(threads_share_the_requests),
		cmocka_unit_test(a_refused_server_counts_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
