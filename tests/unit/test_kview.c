/* test_kview.c: the kernel's view held next to the wire's: kernel records
 * tied to the connections the wire shows, released in time order, and each
 * ended connection's endpoints compared once its last records are in. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "kview.h"

/* A wire path from its states. */
static struct state_path path_of(const enum tcp_state *states, size_t n)
{
	struct state_path p = {0};

	for (size_t i = 0; i < n; i++)
		state_path_push(&p, states[i]);
	return p;
}
static bool path_equal_text(const struct state_path *p, const char *text)
{
	char buf[STATE_PATH_STRLEN];

	return strcmp(state_path_format(p, buf, sizeof(buf)), text) == 0;
}

#define PATH(...) path_of((const enum tcp_state[]){__VA_ARGS__}, \
			  sizeof((const enum tcp_state[]){__VA_ARGS__}) / sizeof(enum tcp_state))

struct shown {
	struct kview_event ev[32];
	char why[32][KSTATE_WHY_MAX];
	int n;
};

static void collect_event(const struct kview_event *ev, void *ctx)
{
	struct shown *s = ctx;

	assert_true(s->n < 32);
	s->ev[s->n] = *ev;
	if (ev->why) {
		snprintf(s->why[s->n], KSTATE_WHY_MAX, "%s", ev->why);
		s->ev[s->n].why = s->why[s->n];
	}
	s->n++;
}

static void count_event(const struct kview_event *ev, void *ctx)
{
	if (ev->kind == KVIEW_RECORD)
		++*(uint64_t *)ctx;
}

static struct kstate_record rec_of(uint64_t ts, const char *local, const char *peer, enum tcp_state from,
				   enum tcp_state to)
{
	struct kstate_record r = {.ts_ns = ts, .from = from, .to = to, .source = KSTATE_TRACEPOINT};

	assert_int_equal(endpoint_parse(local, &r.local), 0);
	assert_int_equal(endpoint_parse(peer, &r.peer), 0);
	return r;
}

static struct trace_event wire_of(enum trace_event_kind kind, uint64_t ts)
{
	struct trace_event ev = {.kind = kind, .ts_ns = ts, .conn = 1};

	assert_int_equal(endpoint_parse("127.0.0.1:50000", &ev.client), 0);
	assert_int_equal(endpoint_parse("127.0.0.1:8080", &ev.server), 0);
	return ev;
}

#define C "127.0.0.1:50000"
#define S "127.0.0.1:8080"

/* The echo connection as the kernel and the wire reported it, in the order
 * the tracer reads them: records early and late, a listener, an unbound
 * connect(), and a record no connection claims. */
static void test_view_ties_records_in_time_order(void **state)
{
	struct kview *v = kview_new();
	struct shown s = {0};
	struct trace_event ev;
	struct kstate_record r;
	int checks = 0;

	(void)state;
	assert_non_null(v);
	r = rec_of(100, S, "0.0.0.0:0", TCPS_CLOSED, TCPS_LISTEN);
	kview_record(v, &r);
	r = rec_of(200, "127.0.0.1:0", S, TCPS_CLOSED, TCPS_SYN_SENT);
	kview_record(v, &r);
	r = rec_of(250, "127.0.0.1:40000", "127.0.0.1:9", TCPS_ESTABLISHED, TCPS_CLOSED);
	kview_record(v, &r);

	/* The SYN: the connection appears, claims connect()'s record. */
	ev = wire_of(EVENT_PACKET, 300);
	kview_wire_event(v, &ev, collect_event, &s);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.ev[0].owner, KVIEW_LISTENER);
	assert_int_equal(s.ev[0].conn, 0);
	assert_int_equal(s.ev[1].owner, KVIEW_CLIENT);
	assert_int_equal(s.ev[1].conn, 1);
	assert_int_equal(s.ev[1].to, TCPS_SYN_SENT);
	assert_int_equal(s.ev[1].local.port, 50000); /* the port the SYN showed */

	/* Kernel records after the packets they follow wait for a later packet. */
	r = rec_of(410, C, S, TCPS_SYN_SENT, TCPS_ESTABLISHED);
	kview_record(v, &r);
	r = rec_of(420, S, C, TCPS_LISTEN, TCPS_SYN_RCVD);
	kview_record(v, &r);
	r = rec_of(421, S, C, TCPS_SYN_RCVD, TCPS_ESTABLISHED);
	kview_record(v, &r);
	ev = wire_of(EVENT_PACKET, 415);
	kview_wire_event(v, &ev, collect_event, &s);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.ev[2].to, TCPS_ESTABLISHED);
	assert_int_equal(s.ev[2].owner, KVIEW_CLIENT);

	static const struct {
		const char *local, *peer;
		enum tcp_state from, to;
	} close_seq[] = {
		{C, S, TCPS_ESTABLISHED, TCPS_FIN_WAIT_1}, {S, C, TCPS_ESTABLISHED, TCPS_CLOSE_WAIT},
		{S, C, TCPS_CLOSE_WAIT, TCPS_LAST_ACK},    {C, S, TCPS_FIN_WAIT_1, TCPS_FIN_WAIT_2},
		{C, S, TCPS_FIN_WAIT_2, TCPS_CLOSED},      {S, C, TCPS_LAST_ACK, TCPS_CLOSED},
	};
	for (unsigned i = 0; i < 6; i++) {
		r = rec_of(500 + i, close_seq[i].local, close_seq[i].peer, close_seq[i].from, close_seq[i].to);
		kview_record(v, &r);
	}
	ev = wire_of(EVENT_CONN_END, 600);
	ev.client_path = PATH(TCPS_CLOSED, TCPS_SYN_SENT, TCPS_ESTABLISHED, TCPS_FIN_WAIT_1, TCPS_FIN_WAIT_2,
			      TCPS_TIME_WAIT);
	ev.server_path = PATH(TCPS_LISTEN, TCPS_SYN_RCVD, TCPS_ESTABLISHED, TCPS_CLOSE_WAIT, TCPS_LAST_ACK,
			      TCPS_CLOSED);
	kview_wire_event(v, &ev, collect_event, &s);
	assert_int_equal(s.n, 11);

	/* Not yet compared: the grace time has not passed. */
	kview_tick(v, 200 * 1000000ull, collect_event, &s);
	assert_int_equal(s.n, 12); /* the unclaimed record, held long enough */
	assert_int_equal(s.ev[11].owner, KVIEW_UNKNOWN);
	kview_finish(v, collect_event, &s);
	assert_int_equal(s.n, 14);
	for (int i = 0; i < s.n; i++) {
		if (i > 0 && s.ev[i].kind == KVIEW_RECORD)
			assert_true(s.ev[i].ts_ns >= s.ev[i - 1].ts_ns || s.ev[i].owner == KVIEW_UNKNOWN);
		if (s.ev[i].kind != KVIEW_CHECK)
			continue;
		checks++;
		assert_int_equal(s.ev[i].verdict, KSTATE_AGREE);
		assert_int_equal(s.ev[i].conn, 1);
		assert_true(s.ev[i].kernel.len > 0);
	}
	assert_int_equal(checks, 2);
	assert_int_equal(s.ev[12].owner, KVIEW_CLIENT);
	assert_string_equal(s.why[12] + strlen(s.why[12]) - strlen("FIN_WAIT_2 -> TIME_WAIT"),
			    "FIN_WAIT_2 -> TIME_WAIT");
	kview_free(v);
}

/* A disagreement comes out as such, with both paths; the endpoint that
 * changed state in neither view agrees. */
static void test_view_reports_disagreement(void **state)
{
	struct kview *v = kview_new();
	struct shown s = {0};
	struct trace_event ev = wire_of(EVENT_PACKET, 10);
	struct kstate_record r;

	(void)state;
	kview_wire_event(v, &ev, collect_event, &s);
	r = rec_of(20, C, S, TCPS_ESTABLISHED, TCPS_CLOSED);
	kview_record(v, &r);
	ev = wire_of(EVENT_CONN_END, 30);
	ev.client_path = PATH(TCPS_ESTABLISHED, TCPS_FIN_WAIT_1);
	ev.server_path = PATH(TCPS_ESTABLISHED);
	kview_wire_event(v, &ev, collect_event, &s);
	kview_tick(v, 30 + 400 * 1000000ull, collect_event, &s);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.ev[0].kind, KVIEW_RECORD);
	assert_int_equal(s.ev[0].owner, KVIEW_CLIENT);
	assert_int_equal(s.ev[0].conn, 1);
	assert_true(s.ev[0].ts_ns == 20);
	assert_int_equal(s.ev[0].from, TCPS_ESTABLISHED);
	assert_int_equal(s.ev[0].to, TCPS_CLOSED);
	assert_int_equal(s.ev[1].kind, KVIEW_CHECK);
	assert_int_equal(s.ev[1].owner, KVIEW_CLIENT);
	assert_int_equal(s.ev[1].verdict, KSTATE_DISAGREE);
	assert_true(path_equal_text(&s.ev[1].wire, "ESTABLISHED>FIN_WAIT_1"));
	assert_true(path_equal_text(&s.ev[1].kernel, "ESTABLISHED>CLOSED"));
	assert_non_null(strstr(s.ev[1].why, "they part after ESTABLISHED (wire FIN_WAIT_1, kernel CLOSED)"));
	assert_int_equal(s.ev[2].owner, KVIEW_SERVER);
	assert_int_equal(s.ev[2].verdict, KSTATE_AGREE); /* the server: no change, no socket */
	assert_int_equal(s.ev[2].kernel.len, 0);
	kview_free(v);
}

/* A two-host wire: records wait for the wire's pairing too, a connect()
 * waits for its SYN (ARP first), tcp_info news is kept for the check and
 * not shown, and a connection still open at the end is compared up to
 * each host kernel's last look. */
static void test_view_on_a_wire(void **state)
{
	const uint64_t ms = 1000000ull;
	struct kview *v = kview_new();
	struct shown s = {0};
	struct trace_event ev;
	struct kstate_record r;
	struct kstate_tcp_info ti;

	(void)state;
	kview_set_wire_wait(v, 500 * ms);
	r = rec_of(10 * ms, C, S, TCPS_CLOSED, TCPS_SYN_SENT);
	r.source = KSTATE_SOCK_DIAG;
	kview_record(v, &r);
	/* 1.2 s later still no SYN on the wire (ARP): the record waits */
	kview_tick(v, 1200 * ms, collect_event, &s);
	assert_int_equal(s.n, 0);
	r = rec_of(20 * ms, S, "0.0.0.0:0", TCPS_CLOSED, TCPS_LISTEN);
	r.source = KSTATE_SOCK_DIAG;
	kview_record(v, &r);
	kview_tick(v, 200 * ms, collect_event, &s); /* within hold + wire wait */
	assert_int_equal(s.n, 0);
	kview_tick(v, 700 * ms, collect_event, &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ev[0].owner, KVIEW_LISTENER);

	ev = wire_of(EVENT_PACKET, 1100 * ms); /* the SYN, once ARP was done */
	kview_wire_event(v, &ev, collect_event, &s);
	ev = wire_of(EVENT_STATE, 1100 * ms);
	ev.role = ROLE_CLIENT;
	ev.from = TCPS_CLOSED;
	ev.to = TCPS_SYN_SENT;
	kview_wire_event(v, &ev, collect_event, &s);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.ev[1].owner, KVIEW_CLIENT);
	assert_int_equal(s.ev[1].conn, 1);

	/* this test's clock: the wire at 1.3 s and 1.5 s; the kernel's records */
	ev.ts_ns = 1300 * ms;
	ev.from = TCPS_SYN_SENT;
	ev.to = TCPS_ESTABLISHED;
	kview_wire_event(v, &ev, collect_event, &s);
	r = rec_of(1305 * ms, C, S, TCPS_SYN_SENT, TCPS_ESTABLISHED);
	r.source = KSTATE_SOCK_DIAG;
	assert_false(kview_tcp_info(v, 1, ROLE_CLIENT, &ti)); /* nothing with a tcp_info yet */
	r.info = (struct kstate_tcp_info){.valid = true, .rto_us = 1200000, .snd_cwnd = 10, .cong = "bbr"};
	kview_record(v, &r);
	/* a lesson asks at once: the record is still held for the wire, its tcp_info is known */
	assert_true(kview_tcp_info(v, 1, ROLE_CLIENT, &ti));
	assert_int_equal(ti.rto_us, 1200000);
	assert_int_equal(ti.total_retrans, 0);
	assert_false(kview_tcp_info(v, 1, ROLE_SERVER, &ti));
	assert_false(kview_tcp_info(v, 2, ROLE_CLIENT, &ti)); /* no such connection */
	r.from = r.to; /* then a retransmission: news of the info, not shown */
	r.ts_ns = 1600 * ms;
	r.info.total_retrans = 1;
	kview_record(v, &r);
	assert_true(kview_tcp_info(v, 1, ROLE_CLIENT, &ti)); /* the news, though not shown */
	assert_int_equal(ti.total_retrans, 1);
	r.info = (struct kstate_tcp_info){0}; /* a record without one (a TIME_WAIT mini-socket) keeps the last */
	kview_record(v, &r);
	assert_true(kview_tcp_info(v, 1, ROLE_CLIENT, &ti));
	assert_int_equal(ti.total_retrans, 1);
	ev.ts_ns = 1500 * ms;
	ev.from = TCPS_ESTABLISHED;
	ev.to = TCPS_FIN_WAIT_1;
	kview_wire_event(v, &ev, collect_event, &s);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.ev[2].to, TCPS_ESTABLISHED);
	assert_int_equal(s.ev[2].info.snd_cwnd, 10);

	/* the end: each host kernel last looked at 1.4 s */
	kview_finish_at(v, (const uint64_t[2]){1400 * ms, 1400 * ms}, collect_event, &s);
	assert_int_equal(s.n, 5);
	assert_int_equal(s.ev[3].kind, KVIEW_CHECK);
	assert_int_equal(s.ev[3].owner, KVIEW_CLIENT);
	assert_true(s.ev[3].ts_ns == 1400 * ms);
	/* the wire's FIN_WAIT_1 at 1.5 s came after the kernel's last look */
	assert_true(path_equal_text(&s.ev[3].wire, "CLOSED>SYN_SENT>ESTABLISHED"));
	assert_true(path_equal_text(&s.ev[3].kernel, "CLOSED>SYN_SENT>ESTABLISHED"));
	assert_int_equal(s.ev[3].verdict, KSTATE_AGREE);
	assert_true(s.ev[3].info.valid);
	assert_int_equal(s.ev[3].info.total_retrans, 1); /* the latest info */
	assert_string_equal(s.ev[3].info.cong, "bbr");
	assert_int_equal(s.ev[4].owner, KVIEW_SERVER);
	assert_int_equal(s.ev[4].kernel.len, 0);
	/* compared and forgotten, its last tcp_info is still there to quote */
	assert_true(kview_tcp_info(v, 1, ROLE_CLIENT, &ti));
	assert_int_equal(ti.total_retrans, 1);
	assert_string_equal(ti.cong, "bbr");
	assert_false(kview_tcp_info(v, 1, ROLE_SERVER, &ti));
	assert_false(kview_tcp_info(v, 0, ROLE_CLIENT, &ti));
	kview_free(v);
}

/* Asked for, the news that an endpoint sent something again comes out as
 * KVIEW_INFO in time order, after a state change that brought it too; news
 * of a cwnd or of an ACK that reset the backoff does not, nor anything when
 * not asked for. */
static void test_view_shows_retransmissions(void **state)
{
	const uint64_t ms = 1000000ull;
	struct kview *v;
	struct shown s = {0};
	struct trace_event ev;
	struct kstate_record r;

	(void)state;
	for (int on = 0; on < 2; on++) {
		memset(&s, 0, sizeof(s));
		v = kview_new();
		kview_show_retransmissions(v, on);
		ev = wire_of(EVENT_PACKET, 100 * ms);
		kview_wire_event(v, &ev, collect_event, &s);
		r = rec_of(110 * ms, S, C, TCPS_ESTABLISHED, TCPS_ESTABLISHED);
		r.source = KSTATE_SOCK_DIAG;
		r.info = (struct kstate_tcp_info){.valid = true, .rto_us = 604000, .snd_cwnd = 10};
		kview_record(v, &r); /* the first news, nothing sent again */
		r.ts_ns = 700 * ms;
		r.info.total_retrans = 1; /* a tail loss probe */
		kview_record(v, &r);
		r.ts_ns = 900 * ms;
		r.info.retransmits = 1; /* then the RTO: backoff */
		r.info.total_retrans = 2;
		r.info.rto_us = 1208000;
		kview_record(v, &r);
		r.ts_ns = 1100 * ms;
		r.info.retransmits = 0; /* the ACK came */
		r.info.snd_cwnd = 1;
		kview_record(v, &r);
		/* the server closes; its FIN is lost, sent again and acked, all
		 * within one poll: the state change carries the news */
		r = rec_of(1500 * ms, S, C, TCPS_ESTABLISHED, TCPS_LAST_ACK);
		r.source = KSTATE_SOCK_DIAG;
		r.info = (struct kstate_tcp_info){.valid = true, .rto_us = 1208000, .snd_cwnd = 1, .total_retrans = 2};
		kview_record(v, &r);
		r = rec_of(1900 * ms, S, C, TCPS_LAST_ACK, TCPS_CLOSED);
		r.source = KSTATE_SOCK_DIAG;
		r.info = (struct kstate_tcp_info){.valid = true, .rto_us = 1208000, .snd_cwnd = 1, .total_retrans = 3};
		kview_record(v, &r);
		ev = wire_of(EVENT_PACKET, 2000 * ms);
		kview_wire_event(v, &ev, collect_event, &s);
		if (!on) { /* the two state changes only */
			assert_int_equal(s.n, 2);
			assert_int_equal(s.ev[0].kind, KVIEW_RECORD);
			assert_int_equal(s.ev[1].kind, KVIEW_RECORD);
		} else {
			assert_int_equal(s.n, 5);
			assert_int_equal(s.ev[2].kind, KVIEW_RECORD); /* ESTABLISHED -> LAST_ACK: nothing resent */
			assert_int_equal(s.ev[2].to, TCPS_LAST_ACK);
			assert_int_equal(s.ev[3].kind, KVIEW_RECORD);
			assert_int_equal(s.ev[3].to, TCPS_CLOSED);
			assert_int_equal(s.ev[4].kind, KVIEW_INFO); /* then the FIN sent again, at the same time */
			assert_int_equal(s.ev[4].owner, KVIEW_SERVER);
			assert_true(s.ev[4].ts_ns == 1900 * ms);
			assert_int_equal(s.ev[4].info.total_retrans, 3);
			assert_int_equal(s.ev[0].kind, KVIEW_INFO);
			assert_int_equal(s.ev[0].owner, KVIEW_SERVER);
			assert_int_equal(s.ev[0].conn, 1);
			assert_true(s.ev[0].ts_ns == 700 * ms);
			assert_int_equal(s.ev[0].info.total_retrans, 1);
			assert_int_equal(s.ev[1].kind, KVIEW_INFO);
			assert_int_equal(s.ev[1].info.retransmits, 1);
			assert_int_equal(s.ev[1].info.rto_us, 1208000);
		}
		kview_free(v);
	}
}

/* Records that pile up unclaimed are bounded (65536 held at once); what
 * does not fit is counted, not dropped in silence, and the rest still
 * come out. */
static void test_view_counts_records_not_kept(void **state)
{
	struct kview *v = kview_new();
	struct kstate_record r = rec_of(10, "127.0.0.1:40000", "127.0.0.1:9999", TCPS_SYN_SENT, TCPS_ESTABLISHED);
	uint64_t out = 0;

	(void)state;
	assert_true(kview_lost(v) == 0);
	assert_true(kview_lost(NULL) == 0);
	for (int i = 0; i < 65536 + 3; i++) {
		r.ts_ns = 10 + (uint64_t)i;
		kview_record(v, &r);
	}
	assert_true(kview_lost(v) == 3);
	kview_finish(v, count_event, &out);
	assert_true(out == 65536);
	assert_true(kview_lost(v) == 3);
	kview_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_view_ties_records_in_time_order),
		cmocka_unit_test(test_view_reports_disagreement),
		cmocka_unit_test(test_view_on_a_wire),
		cmocka_unit_test(test_view_shows_retransmissions),
		cmocka_unit_test(test_view_counts_records_not_kept),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
