/* bench.c: the load generator behind echo-client --bench. With -t N the
 * connections are dealt out to N threads, each with its own epoll loop
 * (struct bench), and their counts and latencies are summed at the end. */
#include "bench.h"

#include <errno.h>
#include <pthread.h>
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
	uint64_t *lat;    /* this thread's part of the latencies */
	size_t nlat;
	long unstarted;   /* --reconnect: requests still waiting for a connection */
	long errors;
	int active;       /* connections with requests left */
	struct bench_conn *conns;
	int nconns;       /* this thread's connections: numbers first .. first + nconns - 1 */
	int first;
	pthread_t tid;
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

/* The requests connection number i makes: its share of them all. */
static long conn_requests(const struct client_options *o, int i)
{
	return o->requests / o->conns + (i < o->requests % o->conns);
}

/* Opens the connections and runs until every request is answered or the
 * server stops answering for STALL_NS. */
static void run(struct bench *b)
{
	struct epoll_event events[512];
	uint64_t last_progress = clock_ns(CLOCK_MONOTONIC);

	for (int i = 0; i < b->nconns; i++) {
		long mine = conn_requests(b->o, b->first + i);
		if (b->o->reconnect) {
			if (b->unstarted == 0)
				break;
			b->unstarted--;
			conn_open(b, &b->conns[i], 1);
		} else if (mine) {
			conn_open(b, &b->conns[i], mine);
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
	for (int i = 0; i < b->nconns; i++)
		if (b->conns[i].left > 0) /* stalled */
			conn_done(b, &b->conns[i], true);
	b->errors += b->unstarted;
}

static void *run_thread(void *arg)
{
	run(arg);
	return NULL;
}

/* With --hold, every thread's open connections stay open that long. */
static void hold_and_close(const struct client_options *o, struct bench_conn *conns)
{
	int open = 0;

	for (int i = 0; i < o->conns; i++)
		open += conns[i].fd >= 0;
	if (o->hold_ms) {
		printf("bench: holding %d connections for %d ms\n", open, o->hold_ms);
		fflush(stdout);
		sleep_ms(o->hold_ms);
	}
	for (int i = 0; i < o->conns; i++)
		if (conns[i].fd >= 0)
			close(conns[i].fd);
}

/* Deals the connections (and with --reconnect the requests) out to the
 * threads: each gets a run of connection numbers, the room for its
 * latencies in lat, and its own epoll descriptor. Returns the threads. */
static int deal(struct bench *b, int threads, const struct client_options *o, struct bench_conn *conns,
		uint64_t *lat)
{
	int first = 0;

	if (threads > o->conns)
		threads = o->conns; /* a thread without a connection has nothing to do */
	for (int t = 0; t < threads; t++) {
		long room = 0;

		b[t].nconns = o->conns / threads + (t < o->conns % threads);
		b[t].first = first;
		b[t].conns = conns + first;
		b[t].unstarted = o->reconnect ? o->requests / threads + (t < o->requests % threads) : 0;
		for (int i = 0; i < b[t].nconns; i++)
			room += conn_requests(o, first + i);
		b[t].lat = lat;
		lat += o->reconnect ? b[t].unstarted : room;
		first += b[t].nconns;
		b[t].epfd = epoll_create1(EPOLL_CLOEXEC);
		if (b[t].epfd < 0)
			return -1;
	}
	return threads;
}

int bench_run(const struct client_options *o, const struct sockaddr *addr, socklen_t addrlen)
{
	int want = o->threads > 1 ? o->threads : 1, threads = want;
	struct bench *b = calloc((size_t)want, sizeof(*b));
	struct bench_conn *conns = calloc((size_t)o->conns, sizeof(*conns));
	uint64_t *lat = malloc((size_t)o->requests * sizeof(*lat));
	const char *msg = o->nmessages ? o->messages[0] : "hello";
	char where[ENDPOINT_STRLEN], on_threads[32] = "";
	uint64_t start, elapsed;
	size_t nlat = 0;
	long errors = 0;
	double secs;
	int rc = 1;

	for (int t = 0; b && t < want; t++)
		b[t] = (struct bench){.o = o, .addr = addr, .addrlen = addrlen, .epfd = -1, .msg = msg,
				      .msglen = strnlen(msg, ECHO_READ_MAX)};
	for (int i = 0; conns && i < o->conns; i++)
		conns[i].fd = -1;
	if (!b || !conns || !lat || (threads = deal(b, threads, o, conns, lat)) < 0) {
		fprintf(stderr, "echo-client: --bench: out of memory or descriptors\n");
		goto out;
	}
	echo_raise_fd_limit();
	start = clock_ns(CLOCK_MONOTONIC);
	for (int t = 0; t < threads; t++) {
		b[t].replylen = ECHO_PREFIX_LEN + b[t].msglen;
		if (threads > 1 && pthread_create(&b[t].tid, NULL, run_thread, &b[t]) != 0) {
			fprintf(stderr, "echo-client: --bench: cannot start thread %d of %d\n", t + 1, threads);
			for (int u = 0; u < t; u++)
				pthread_join(b[u].tid, NULL);
			goto out;
		}
	}
	if (threads == 1)
		run(&b[0]);
	for (int t = 0; t < threads; t++) {
		if (threads > 1)
			pthread_join(b[t].tid, NULL);
		/* the threads' latencies, one after another at the front of lat */
		memmove(lat + nlat, b[t].lat, b[t].nlat * sizeof(*lat));
		nlat += b[t].nlat;
		errors += b[t].errors;
	}
	elapsed = clock_ns(CLOCK_MONOTONIC) - start;
	secs = (double)elapsed / 1e9;
	if (threads > 1)
		snprintf(on_threads, sizeof(on_threads), " on %d threads", threads);
	printf("bench: %s %d conns %ld requests%s%s: %.0f req/s p50 %.3f ms p99 %.3f ms errors %ld time %.3f s\n",
	       addr_format(addr, addrlen, where, sizeof(where)), o->conns, o->requests,
	       o->reconnect ? " (reconnect)" : "", on_threads, (double)nlat / secs,
	       (double)bench_percentile(lat, nlat, 50) / 1e6, (double)bench_percentile(lat, nlat, 99) / 1e6, errors,
	       secs);
	hold_and_close(o, conns);
	rc = errors ? 1 : 0;
out:
	for (int t = 0; b && t < want; t++)
		if (b[t].epfd >= 0)
			close(b[t].epfd);
	free(b);
	free(conns);
	free(lat);
	return rc;
}
