/* test_wirepair.c: a two-host wire's copies paired. Each case lists the
 * copies as the two capture points saw them (point 0 is the client's
 * host 10.77.0.1, point 1 the server's 10.77.0.2) and the segments
 * expected out, in send order, with their send and arrival times. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "wirepair.h"

#define MS 1000000ull
#define T0 (1764107207ull * 1000000000ull)

#define F TCP_FIN
#define A TCP_ACK
#define FA (TCP_FIN | TCP_ACK)
#define PA (TCP_PSH | TCP_ACK)

/* One copy: at point p, at ms after T0, of a segment from the client ('c')
 * or the server ('s') with these numbers, IP ID and TSval. */
struct copy {
	int point;
	unsigned ms;
	char from;
	uint8_t flags;
	uint32_t seq, ack, len;
	uint16_t ip_id;
	uint32_t tsval;
};

/* One segment out: its kind, seq and IP ID (which segment), send and
 * arrival times in ms (UNSEEN: none). */
#define UNSEEN 99999u
struct expect {
	enum wirepair_kind kind;
	char from;
	uint32_t seq;
	uint16_t ip_id;
	unsigned sent_ms, arrived_ms;
};

#define MAXN 16
struct wp_case {
	const char *name;
	bool hosts_given; /* wirepair_set_host, else learned from the first pair */
	unsigned finish_after_ms; /* tick this late, then finish */
	struct copy in[MAXN];
	struct expect out[MAXN];
};

#define C0(ms, fr, fl, s, a, n, id, ts) { 0, (ms), (fr), (fl), (s), (a), (n), (id), (ts) }
#define C1(ms, fr, fl, s, a, n, id, ts) { 1, (ms), (fr), (fl), (s), (a), (n), (id), (ts) }
#define PAIRED(fr, s, id, snt, arr) { WIREPAIR_PAIRED, (fr), (s), (id), (snt), (arr) }
#define LOST(fr, s, id, snt) { WIREPAIR_LOST, (fr), (s), (id), (snt), UNSEEN }
#define UNSENT(fr, s, id, arr) { WIREPAIR_UNSENT, (fr), (s), (id), UNSEEN, (arr) }

static const struct wp_case cases[] = {
	{ "in order: a handshake 100 ms each way", false, 0,
	  { C0(0, 'c', TCP_SYN, 1000, 0, 0, 1, 10), C1(100, 'c', TCP_SYN, 1000, 0, 0, 1, 10),
	    C1(100, 's', TCP_SYN | A, 5000, 1001, 0, 0, 20), C0(200, 's', TCP_SYN | A, 5000, 1001, 0, 0, 20),
	    C0(200, 'c', A, 1001, 5001, 0, 2, 30), C1(300, 'c', A, 1001, 5001, 0, 2, 30) },
	  { PAIRED('c', 1000, 1, 0, 100), PAIRED('s', 5000, 0, 100, 200), PAIRED('c', 1001, 2, 200, 300) } },
	{ "the arrival read before the send (two points polled apart)", true, 0,
	  { C1(100, 'c', TCP_SYN, 1000, 0, 0, 1, 10), C0(0, 'c', TCP_SYN, 1000, 0, 0, 1, 10) },
	  { PAIRED('c', 1000, 1, 0, 100) } },
	{ "reordered on the wire: sent 1, 2; arrived 2, 1", true, 0,
	  { C0(0, 'c', PA, 1, 1, 10, 5, 40), C0(1, 'c', PA, 11, 1, 10, 6, 40),
	    C1(100, 'c', PA, 11, 1, 10, 6, 40), C1(102, 'c', PA, 1, 1, 10, 5, 40) },
	  { PAIRED('c', 1, 5, 0, 102), PAIRED('c', 11, 6, 1, 100) } },
	{ "lost: a segment that never arrives is handed on after the horizon, in its place", true, 0,
	  { C0(0, 'c', PA, 1, 1, 10, 5, 40), C0(1, 'c', PA, 11, 1, 10, 6, 40),
	    C1(101, 'c', PA, 11, 1, 10, 6, 40), C0(1500, 'c', PA, 1, 1, 10, 7, 1540),
	    C1(1600, 'c', PA, 1, 1, 10, 7, 1540) },
	  { LOST('c', 1, 5, 0), PAIRED('c', 11, 6, 1, 101), PAIRED('c', 1, 7, 1500, 1600) } },
	{ "a retransmission is a segment of its own (new IP ID and TSval)", true, 0,
	  { C0(0, 'c', PA, 1, 1, 10, 5, 40), C0(300, 'c', PA, 1, 1, 10, 9, 340),
	    C1(100, 'c', PA, 1, 1, 10, 5, 40), C1(400, 'c', PA, 1, 1, 10, 9, 340) },
	  { PAIRED('c', 1, 5, 0, 100), PAIRED('c', 1, 9, 300, 400) } },
	{ "the same key twice (a duplicate): first in, first out", true, 0,
	  { C0(0, 'c', A, 1, 1, 0, 0, 0), C0(5, 'c', A, 1, 1, 0, 0, 0),
	    C1(100, 'c', A, 1, 1, 0, 0, 0), C1(105, 'c', A, 1, 1, 0, 0, 0) },
	  { PAIRED('c', 1, 0, 0, 100), PAIRED('c', 1, 0, 5, 105) } },
	{ "duplicated on the wire: one send, two arrivals (the second has no send)", true, 2000,
	  { C0(0, 'c', A, 1, 1, 0, 3, 0), C1(100, 'c', A, 1, 1, 0, 3, 0), C1(101, 'c', A, 1, 1, 0, 3, 0) },
	  { PAIRED('c', 1, 3, 0, 100), UNSENT('c', 1, 3, 101) } },
	{ "crossed FINs: each leaves before the other arrives", false, 0,
	  { C0(0, 'c', FA, 100, 200, 0, 11, 50), C1(50, 's', FA, 200, 100, 0, 21, 60),
	    C1(100, 'c', FA, 100, 200, 0, 11, 50), C0(150, 's', FA, 200, 100, 0, 21, 60),
	    C1(100, 's', A, 201, 101, 0, 22, 70), C0(150, 'c', A, 101, 201, 0, 12, 80),
	    C0(200, 's', A, 201, 101, 0, 22, 70), C1(250, 'c', A, 101, 201, 0, 12, 80) },
	  { PAIRED('c', 100, 11, 0, 100), PAIRED('s', 200, 21, 50, 150), PAIRED('s', 201, 22, 100, 200),
	    PAIRED('c', 101, 12, 150, 250) } },
	{ "capture started late at the sender: arrivals only, then pairs", true, 2000,
	  { C1(100, 'c', A, 1, 1, 0, 3, 0), C0(150, 'c', A, 1, 1, 0, 4, 1), C1(250, 'c', A, 1, 1, 0, 4, 1) },
	  { UNSENT('c', 1, 3, 100), PAIRED('c', 1, 4, 150, 250) } },
	{ "lost at the end of the capture", true, 0,
	  { C0(0, 'c', F, 1, 1, 0, 3, 0) },
	  { LOST('c', 1, 3, 0) } },
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

static const uint8_t client_ip[4] = { 10, 77, 0, 1 }, server_ip[4] = { 10, 77, 0, 2 };

static struct endpoint host(char who, uint16_t port)
{
	struct endpoint e = { .family = 4, .port = port };

	memcpy(e.addr, who == 'c' ? client_ip : server_ip, 4);
	return e;
}

static struct segment seg_of(const struct copy *c)
{
	struct segment s = { .seq = c->seq, .ack = c->ack, .flags = c->flags, .len = c->len, .ip_id = c->ip_id };

	s.src = host(c->from, c->from == 'c' ? 40000 : 8080);
	s.dst = host(c->from == 'c' ? 's' : 'c', c->from == 'c' ? 8080 : 40000);
	s.icmp.type = (uint8_t)c->ms; /* no ICMP error: what its fields hold must not matter */
	if (c->tsval) {
		s.opt.has = TCPOPT_HAS_TS;
		s.opt.ts_val = c->tsval;
	}
	return s;
}

struct got {
	size_t n;
	struct wirepair_seg s[MAXN];
	struct segment seg[MAXN];
};

static void collect(const struct wirepair_seg *s, void *ctx)
{
	struct got *g = ctx;

	assert_true(g->n < MAXN);
	g->s[g->n] = *s;
	g->seg[g->n++] = *s->seg;
}

static void check(const struct wp_case *c, const struct got *g)
{
	size_t n = 0;

	while (n < MAXN && c->out[n].from)
		n++;
	if (g->n != n)
		fail_msg("%s: %zu segments out, expected %zu", c->name, g->n, n);
	for (size_t i = 0; i < n; i++) {
		const struct expect *e = &c->out[i];
		const struct wirepair_seg *s = &g->s[i];
		uint64_t sent = e->sent_ms == UNSEEN ? 0 : T0 + e->sent_ms * MS;
		uint64_t arrived = e->arrived_ms == UNSEEN ? 0 : T0 + e->arrived_ms * MS;

		if (s->kind != e->kind || g->seg[i].seq != e->seq || g->seg[i].ip_id != e->ip_id ||
		    s->sent_ns != sent || s->arrived_ns != arrived || g->seg[i].src.port != (e->from == 'c' ? 40000 : 8080))
			fail_msg("%s: segment %zu: kind %d seq %u id %u sent %llu arrived %llu; expected kind %d seq %u id %u sent %u ms arrived %u ms",
				 c->name, i, s->kind, g->seg[i].seq, g->seg[i].ip_id,
				 (unsigned long long)(s->sent_ns ? (s->sent_ns - T0) / MS : UNSEEN),
				 (unsigned long long)(s->arrived_ns ? (s->arrived_ns - T0) / MS : UNSEEN), e->kind, e->seq,
				 e->ip_id, e->sent_ms, e->arrived_ms);
		assert_int_equal(s->sent_point, e->kind == WIREPAIR_UNSENT ? -1 : e->from == 'c' ? 0 : 1);
		assert_int_equal(s->arrived_point, e->kind == WIREPAIR_LOST ? -1 : e->from == 'c' ? 1 : 0);
		assert_false(s->evicted);
	}
}

static void test_cases(void **state)
{
	(void)state;
	for (size_t k = 0; k < NCASES; k++) {
		const struct wp_case *c = &cases[k];
		struct wirepair_config cfg;
		struct wirepair *w;
		struct got g = { 0 };
		unsigned last = 0;

		print_message("%s\n", c->name);
		wirepair_config_default(&cfg);
		w = wirepair_new(&cfg);
		assert_non_null(w);
		if (c->hosts_given) {
			struct endpoint a = host('c', 0), b = host('s', 0);

			wirepair_set_host(w, 0, &a);
			wirepair_set_host(w, 1, &b);
		}
		for (size_t i = 0; i < MAXN && c->in[i].from; i++) {
			struct segment s = seg_of(&c->in[i]);

			wirepair_copy(w, c->in[i].point, &s, T0 + c->in[i].ms * MS, collect, &g);
			last = c->in[i].ms > last ? c->in[i].ms : last;
		}
		if (c->finish_after_ms)
			wirepair_tick(w, T0 + (last + c->finish_after_ms) * MS, collect, &g);
		wirepair_finish(w, collect, &g);
		check(c, &g);
		wirepair_free(w);
	}
}

/* Paired segments are handed on as soon as everything sent before them
 * is settled, not at the end. */
static void test_handed_on_when_settled(void **state)
{
	struct wirepair_config cfg;
	struct wirepair *w;
	struct got g = { 0 };
	struct copy a = C0(0, 'c', TCP_SYN, 1, 0, 0, 1, 1), b = C1(100, 'c', TCP_SYN, 1, 0, 0, 1, 1);
	struct copy lost = C0(200, 'c', A, 2, 1, 0, 2, 2), next = C0(300, 'c', A, 2, 1, 0, 3, 3);
	struct copy next_in = C1(400, 'c', A, 2, 1, 0, 3, 3);
	struct segment s;

	(void)state;
	wirepair_config_default(&cfg);
	w = wirepair_new(&cfg);
	s = seg_of(&a);
	wirepair_copy(w, 0, &s, T0, collect, &g);
	assert_int_equal(g.n, 0);
	s = seg_of(&b);
	wirepair_copy(w, 1, &s, T0 + 100 * MS, collect, &g);
	assert_int_equal(g.n, 1);
	s = seg_of(&lost);
	wirepair_copy(w, 0, &s, T0 + 200 * MS, collect, &g);
	s = seg_of(&next);
	wirepair_copy(w, 0, &s, T0 + 300 * MS, collect, &g);
	s = seg_of(&next_in);
	wirepair_copy(w, 1, &s, T0 + 400 * MS, collect, &g);
	assert_int_equal(g.n, 1); /* the lost one holds the later pair back, in send order */
	wirepair_tick(w, T0 + 1199 * MS, collect, &g);
	assert_int_equal(g.n, 1);
	wirepair_tick(w, T0 + 1200 * MS, collect, &g);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.s[1].kind, WIREPAIR_LOST);
	assert_int_equal(g.s[2].kind, WIREPAIR_PAIRED);
	wirepair_free(w);
}

/* At most max_copies wait: beyond, the oldest goes out early, marked and
 * counted; the payload kept is its first bytes. */
static void test_bounded(void **state)
{
	struct wirepair_config cfg = { .max_copies = 4, .horizon_ns = 1000 * MS };
	struct wirepair *w = wirepair_new(&cfg);
	struct wirepair_stats st;
	struct got g = { 0 };
	static const uint8_t payload[40] = "0123456789abcdefghijklmnopqrstuvwxyzABCD";

	(void)state;
	for (unsigned i = 0; i < 6; i++) {
		struct copy c = C0(i, 'c', PA, 1 + 40 * i, 1, 40, (uint16_t)i, i + 1);
		struct segment s = seg_of(&c);

		s.payload = payload;
		s.payload_caplen = sizeof(payload);
		wirepair_copy(w, 0, &s, T0 + i * MS, collect, &g);
	}
	assert_int_equal(g.n, 2);
	assert_true(g.s[0].evicted);
	assert_int_equal(g.seg[0].seq, 1);
	assert_int_equal(g.seg[0].payload_caplen, WIREPAIR_PAYLOAD);
	wirepair_stats(w, &st);
	assert_int_equal(st.evicted, 2);
	assert_int_equal(st.waiting, 4);
	assert_int_equal(st.peak, 4);
	assert_true(st.copy_bytes > sizeof(struct segment));
	wirepair_free(w);
}

/* ARP frames pair like segments, keyed by opcode and addresses; the
 * sender is the host of the sender IP. */
struct got_arp {
	size_t n;
	struct wirepair_seg s[MAXN];
	struct arp_packet arp[MAXN];
};

static void collect_any(const struct wirepair_seg *s, void *ctx)
{
	struct got_arp *g = ctx;

	assert_true(g->n < MAXN);
	assert_true(!s->arp != !s->seg);
	g->s[g->n] = *s;
	if (s->arp)
		g->arp[g->n] = *s->arp;
	g->n++;
}

static struct arp_packet arp_of(uint16_t op, char from)
{
	struct arp_packet a = { .op = op };

	a.sender_ip = host(from, 0);
	a.target_ip = host(from == 'c' ? 's' : 'c', 0);
	memset(a.sender_mac, from == 'c' ? 0xc1 : 0x51, 6);
	if (op == ARP_REPLY)
		memset(a.target_mac, 0xc1, 6);
	return a;
}

static void test_arp(void **state)
{
	struct wirepair_config cfg;
	struct wirepair *w;
	struct got_arp g = { 0 };
	struct arp_packet req = arp_of(ARP_REQUEST, 'c'), rep = arp_of(ARP_REPLY, 's');
	struct copy syn = C0(201, 'c', TCP_SYN, 1, 0, 0, 1, 1), syn_in = C1(301, 'c', TCP_SYN, 1, 0, 0, 1, 1);
	struct segment s;

	(void)state;
	wirepair_config_default(&cfg);
	w = wirepair_new(&cfg);
	/* the request, the reply, then the SYN that waited for them; hosts learned from the ARP */
	wirepair_arp(w, 0, &req, T0, collect_any, &g);
	wirepair_arp(w, 1, &req, T0 + 100 * MS, collect_any, &g);
	wirepair_arp(w, 1, &rep, T0 + 101 * MS, collect_any, &g);
	wirepair_arp(w, 0, &rep, T0 + 200 * MS, collect_any, &g);
	s = seg_of(&syn);
	wirepair_copy(w, 0, &s, T0 + 201 * MS, collect_any, &g);
	s = seg_of(&syn_in);
	wirepair_copy(w, 1, &s, T0 + 301 * MS, collect_any, &g);
	assert_int_equal(g.n, 3);
	assert_non_null(g.s[0].arp);
	assert_int_equal(g.arp[0].op, ARP_REQUEST);
	assert_int_equal(g.s[0].kind, WIREPAIR_PAIRED);
	assert_int_equal(g.s[0].sent_point, 0);
	assert_int_equal(g.s[0].sent_ns, T0);
	assert_int_equal(g.s[0].arrived_ns, T0 + 100 * MS);
	assert_int_equal(g.arp[1].op, ARP_REPLY);
	assert_int_equal(g.s[1].sent_point, 1);
	assert_int_equal(g.s[1].arrived_ns, T0 + 200 * MS);
	assert_null(g.s[2].arp);
	assert_int_equal(g.s[2].seg->flags, TCP_SYN);

	/* a request lost, retried within the horizon: the retry's arrival
	 * pairs with the retry (the first is a horizon older), the first is
	 * lost; a reply seen only arriving had its send not captured */
	g.n = 0;
	wirepair_arp(w, 0, &req, T0 + 1000 * MS, collect_any, &g);
	wirepair_arp(w, 0, &req, T0 + 1900 * MS, collect_any, &g);
	wirepair_arp(w, 1, &req, T0 + 2000 * MS, collect_any, &g);
	wirepair_arp(w, 0, &rep, T0 + 2100 * MS, collect_any, &g);
	wirepair_finish(w, collect_any, &g);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.s[0].kind, WIREPAIR_LOST);
	assert_int_equal(g.s[0].sent_ns, T0 + 1000 * MS);
	assert_int_equal(g.s[0].sent_point, 0);
	assert_int_equal(g.s[1].kind, WIREPAIR_PAIRED);
	assert_int_equal(g.s[1].sent_ns, T0 + 1900 * MS);
	assert_int_equal(g.s[1].arrived_ns, T0 + 2000 * MS);
	assert_int_equal(g.s[2].kind, WIREPAIR_UNSENT);
	assert_int_equal(g.arp[2].op, ARP_REPLY);
	assert_int_equal(g.s[2].arrived_point, 0);
	wirepair_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_handed_on_when_settled),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_arp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
