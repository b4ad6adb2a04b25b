/* bench.c: the load generator behind echo-client --bench. */
#include "bench.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "clock.h"
#include "echo.h"

#define STALL_NS (10 * 1000000000ull) /* no reply for this long: give up */

struct bench_conn {
	int fd;
	long left;        /* requests this connection still has to make */
	size_t got;       /* bytes of the current reply so far */
	uint64_t sent_ns; /* when the current request went out */
	bool connecting;
};

struct bench {
	const struct client_options *o;
	const struct sockaddr *addr;
	socklen_t addrlen;
	int epfd;
	const char *msg;
	size_t msglen, replylen;
	uint64_t *lat;
	size_t nlat;
	long unstarted;   /* --reconnect: requests still waiting for a connection */
	long errors;
	int active;       /* connections with requests left */
	struct bench_conn *conns;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

uint64_t bench_percentile(uint64_t *v, size_t n, double p)
{
	size_t rank;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), cmp_u64);
	rank = (size_t)(p / 100.0 * (double)n + 0.999999);
	return v[rank ? rank - 1 : 0];
}

static void watch(struct bench *b, struct bench_conn *c, int op, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.ptr = c};

	epoll_ctl(b->epfd, op, c->fd, &ev);
}

/* A connection is done: its requests were answered, or it failed (then
 * its remaining requests count as errors). With --hold a healthy one stays
 * open until the end. */
static void conn_done(struct bench *b, struct bench_conn *c, bool failed)
{
	if (failed)
		b->errors += c->left;
	c->left = 0;
	b->active--;
	epoll_ctl(b->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	if (failed || !b->o->hold_ms || b->o->reconnect) {
		close(c->fd);
		c->fd = -1;
	}
}

static void conn_open(struct bench *b, struct bench_conn *c, long requests)
{
	c->left = requests;
	c->connecting = true;
	b->active++;
	c->fd = socket(b->addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		b->errors += requests;
		c->left = 0;
		b->active--;
		return;
	}
	if (connect(c->fd, b->addr, b->addrlen) < 0 && errno != EINPROGRESS) {
		conn_done(b, c, true);
		return;
	}
	watch(b, c, EPOLL_CTL_ADD, EPOLLOUT); /* writable: the handshake finished */
}

static void send_request(struct bench *b, struct bench_conn *c)
{
	c->sent_ns = clock_ns(CLOCK_MONOTONIC);
	c->got = 0;
	if (write(c->fd, b->msg, b->msglen) != (ssize_t)b->msglen) {
		conn_done(b, c, true);
		return;
	}
}

static void on_event(struct bench *b, struct bench_conn *c)
{
	char buf[ECHO_REPLY_MAX];
	ssize_t n;

	if (c->connecting) {
		int err = 0;
		socklen_t len = sizeof(err);
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err) {
			conn_done(b, c, true);
			return;
		}
		c->connecting = false;
		watch(b, c, EPOLL_CTL_MOD, EPOLLIN); /* once: from now on it only waits for replies */
		send_request(b, c);
		return;
	}
	n = read(c->fd, buf, sizeof(buf));
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		conn_done(b, c, true);
		return;
	}
	c->got += (size_t)n;
	if (c->got < b->replylen)
		return;
	b->lat[b->nlat++] = clock_ns(CLOCK_MONOTONIC) - c->sent_ns;
	if (--c->left > 0) {
		send_request(b, c);
		return;
	}
	conn_done(b, c, false);
	if (b->unstarted > 0) {
		b->unstarted--;
		conn_open(b, c, 1);
	}
}

/* Opens the connections and runs until every request is answered or the
 * server stops answering for STALL_NS. */
static void run(struct bench *b)
{
	struct epoll_event events[512];
	uint64_t last_progress = clock_ns(CLOCK_MONOTONIC);
	long per_conn = b->o->requests / b->o->conns, extra = b->o->requests % b->o->conns;

	for (int i = 0; i < b->o->conns; i++) {
		if (b->o->reconnect) {
			if (b->unstarted == 0)
				break;
			b->unstarted--;
			conn_open(b, &b->conns[i], 1);
		} else if (per_conn + (i < extra)) {
			conn_open(b, &b->conns[i], per_conn + (i < extra));
		}
	}
	while (b->active > 0) {
		size_t before = b->nlat;
		int n = epoll_wait(b->epfd, events, 512, 1000);

		for (int i = 0; i < n; i++)
			on_event(b, events[i].data.ptr);
		if (b->nlat != before)
			last_progress = clock_ns(CLOCK_MONOTONIC);
		else if (clock_ns(CLOCK_MONOTONIC) - last_progress > STALL_NS)
			break;
	}
	for (int i = 0; i < b->o->conns; i++)
		if (b->conns[i].left > 0) /* stalled */
			conn_done(b, &b->conns[i], true);
	b->errors += b->unstarted;
}

static void hold_and_close(struct bench *b)
{
	int open = 0;

	for (int i = 0; i < b->o->conns; i++)
		open += b->conns[i].fd >= 0;
	if (b->o->hold_ms) {
		printf("bench: holding %d connections for %d ms\n", open, b->o->hold_ms);
		fflush(stdout);
		sleep_ms(b->o->hold_ms);
	}
	for (int i = 0; i < b->o->conns; i++)
		if (b->conns[i].fd >= 0)
			close(b->conns[i].fd);
}

int bench_run(const struct client_options *o, const struct sockaddr *addr, socklen_t addrlen)
{
	struct bench b = {.o = o, .addr = addr, .addrlen = addrlen, .epfd = epoll_create1(EPOLL_CLOEXEC),
			  .msg = o->nmessages ? o->messages[0] : "hello"};
	char where[ENDPOINT_STRLEN];
	uint64_t start, elapsed;
	double secs;

	b.msglen = strnlen(b.msg, ECHO_READ_MAX);
	b.replylen = ECHO_PREFIX_LEN + b.msglen;
	b.unstarted = o->reconnect ? o->requests : 0;
	b.lat = malloc((size_t)o->requests * sizeof(*b.lat));
	b.conns = calloc((size_t)o->conns, sizeof(*b.conns));
	if (b.epfd < 0 || !b.lat || !b.conns) {
		fprintf(stderr, "echo-client: --bench: out of memory or descriptors\n");
		free(b.lat);
		free(b.conns);
		return 1;
	}
	for (int i = 0; i < o->conns; i++)
		b.conns[i].fd = -1;
	echo_raise_fd_limit();
	start = clock_ns(CLOCK_MONOTONIC);
	run(&b);
	elapsed = clock_ns(CLOCK_MONOTONIC) - start;
	secs = (double)elapsed / 1e9;
	printf("bench: %s %d conns %ld requests%s: %.0f req/s p50 %.3f ms p99 %.3f ms errors %ld time %.3f s\n",
	       addr_format(addr, addrlen, where, sizeof(where)), o->conns, o->requests,
	       o->reconnect ? " (reconnect)" : "", (double)b.nlat / secs,
	       (double)bench_percentile(b.lat, b.nlat, 50) / 1e6,
	       (double)bench_percentile(b.lat, b.nlat, 99) / 1e6, b.errors, secs);
	hold_and_close(&b);
	close(b.epfd);
	free(b.lat);
	free(b.conns);
	return b.errors ? 1 : 0;
}
