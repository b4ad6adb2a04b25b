/* test_timeline.c: merging and ordering of calls and packets, state changes
 * attached to their packets, calls tied to connections, states as of a row,
 * bounded memory. Records are the JSON the tracer and the lab write. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event_parse.h"
#include "fixture.h"

static void add_json(struct timeline *tl, const char *json)
{
	struct ui_event ev;
	char err[256];

	if (ui_event_parse(json, strlen(json), &ev, err, sizeof(err)) < 0)
		fail_msg("%s: %s", json, err);
	timeline_add(tl, &ev, NULL);
}

/* A record parsed (one buffer: the caller adds it before the next). */
static const struct ui_event *ev_of(const char *json)
{
	static struct ui_event ev;
	char err[256];

	if (ui_event_parse(json, strlen(json), &ev, err, sizeof(err)) < 0)
		fail_msg("%s: %s", json, err);
	return &ev;
}

/* Row positions of the call (proc, call, phase) and of the packet with
 * flags: found by content, not by index. */
static long find_call(const struct timeline *tl, const char *call, bool exit, enum tcp_role proc)
{
	for (size_t i = 0; i < timeline_count(tl); i++) {
		const struct row *r = timeline_row(tl, i);
		if (r->kind == ROW_CALL && strcmp(r->ev->u.call.call, call) == 0 && r->ev->u.call.exit == exit &&
		    r->ev->u.call.proc == proc)
			return (long)i;
	}
	return -1;
}

static long find_packet(const struct timeline *tl, const char *flags)
{
	uint8_t bits;

	assert_int_equal(tcp_flags_parse(flags, &bits), 0);
	for (size_t i = 0; i < timeline_count(tl); i++) {
		const struct row *r = timeline_row(tl, i);
		if (r->kind == ROW_PACKET && r->ev->u.packet.flags == bits)
			return (long)i;
	}
	return -1;
}

static void rows_are_in_time_order(void **state)
{
	struct timeline *tl = fixture_load();

	(void)state;
	assert_true(timeline_count(tl) > 30);
	for (size_t i = 1; i < timeline_count(tl); i++)
		assert_true(timeline_row(tl, i - 1)->ts_ns <= timeline_row(tl, i)->ts_ns);
	timeline_free(tl);
}

/* connect's exit arrives on the channel before the capture delivers the
 * handshake; the model still reads: connect enters, SYN, SYN|ACK, ACK,
 * connect returns. */
static void connect_brackets_the_handshake(void **state)
{
	struct timeline *tl = fixture_load();
	long enter = find_call(tl, "connect", false, ROLE_CLIENT), exit = find_call(tl, "connect", true, ROLE_CLIENT);
	long syn = find_packet(tl, "SYN"), synack = find_packet(tl, "SYN|ACK");

	(void)state;
	assert_true(enter >= 0 && syn >= 0 && synack >= 0 && exit >= 0);
	assert_true(enter < syn);
	assert_true(syn < synack);
	assert_true(synack < exit);
	timeline_free(tl);
}

static void states_attach_to_the_packet_that_caused_them(void **state)
{
	struct timeline *tl = fixture_load();
	const struct row *syn = timeline_row(tl, (size_t)find_packet(tl, "SYN"));

	(void)state;
	assert_int_equal(syn->nchanges, 2);
	assert_int_equal(syn->state[ROLE_CLIENT], TCPS_SYN_SENT);
	assert_int_equal(syn->state[ROLE_SERVER], TCPS_SYN_RCVD);
	assert_non_null(strstr(syn->changes[0].why, "SYN"));
	for (size_t i = 0; i < timeline_count(tl); i++)
		assert_true(timeline_row(tl, i)->kind != ROW_STATE);
	timeline_free(tl);
}

static void calls_are_tied_by_endpoints(void **state)
{
	struct timeline *tl = fixture_load();
	const struct conn_info *ci = timeline_conn(tl, 1);

	(void)state;
	assert_non_null(ci);
	assert_int_equal(ci->pid[ROLE_CLIENT], 300);
	assert_int_equal(ci->pid[ROLE_SERVER], 200);
	/* the exits are tied by their endpoints; the enters went in before
	 * the connection existed and stay as they went in (see below) */
	assert_int_equal(timeline_row(tl, (size_t)find_call(tl, "connect", true, ROLE_CLIENT))->conn, 1);
	assert_int_equal(timeline_row(tl, (size_t)find_call(tl, "accept", true, ROLE_SERVER))->conn, 1);
	assert_int_equal(timeline_row(tl, (size_t)find_call(tl, "connect", false, ROLE_CLIENT))->conn, 0);
	assert_true(timeline_row_in_view(tl, timeline_row(tl, (size_t)find_call(tl, "connect", false, ROLE_CLIENT)), 1));
	/* the listening socket belongs to no connection... */
	assert_int_equal(timeline_row(tl, (size_t)find_call(tl, "listen", true, ROLE_SERVER))->conn, 0);
	/* ...but shows in the view of a connection of its process */
	assert_true(timeline_row_in_view(tl, timeline_row(tl, (size_t)find_call(tl, "listen", true, ROLE_SERVER)), 1));
	/* close's exit has no endpoints left: it follows its enter */
	assert_int_equal(timeline_row(tl, (size_t)find_call(tl, "close", true, ROLE_CLIENT))->conn, 1);
	timeline_free(tl);
}

/* A call on a descriptor keeps the connection its socket had, even with no
 * endpoints left (a read() failing with ECONNRESET after the RST), until
 * close(); a process with no connection at all (a client whose bind()
 * failed) shows in every view. */
static void a_descriptor_keeps_its_connection_until_close(void **state)
{
	struct timeline *tl = fixture_load();
	long pos;

	(void)state;
	/* accept() hands out descriptor 6 for connection #1 (its endpoints)... */
	pos = timeline_add(tl, ev_of("{\"type\":\"call\",\"ts_ns\":1764107299000000000,\"phase\":\"exit\","
				    "\"proc\":\"server\",\"pid\":200,\"seq\":89,\"call\":\"accept\",\"fd\":3,"
				    "\"args\":\"3\",\"ret\":6,\"errno\":null,\"local\":\"127.0.0.1:9000\","
				    "\"peer\":\"127.0.0.1:50000\"}"),
			   NULL);
	assert_int_equal(timeline_row(tl, (size_t)pos)->conn, 1);
	/* ...a read on it with no endpoints left (after a RST) is still #1's */
	pos = timeline_add(tl, ev_of("{\"type\":\"call\",\"ts_ns\":1764107299000000100,\"phase\":\"exit\","
				    "\"proc\":\"server\",\"pid\":200,\"seq\":90,\"call\":\"read\",\"fd\":6,"
				    "\"args\":\"6\",\"ret\":-1,\"errno\":\"ECONNRESET\"}"),
			   NULL);
	assert_int_equal(timeline_row(tl, (size_t)pos)->conn, 1);
	/* close() ends the descriptor's life: the same number later is another socket */
	pos = timeline_add(tl, ev_of("{\"type\":\"call\",\"ts_ns\":1764107299000000200,\"phase\":\"exit\","
				    "\"proc\":\"server\",\"pid\":200,\"seq\":91,\"call\":\"close\",\"fd\":6,"
				    "\"args\":\"6\",\"ret\":0,\"errno\":null}"),
			   NULL);
	assert_int_equal(timeline_row(tl, (size_t)pos)->conn, 1);
	pos = timeline_add(tl, ev_of("{\"type\":\"call\",\"ts_ns\":1764107299000000300,\"phase\":\"exit\","
				    "\"proc\":\"server\",\"pid\":200,\"seq\":92,\"call\":\"read\",\"fd\":6,"
				    "\"args\":\"6\",\"ret\":-1,\"errno\":\"EBADF\"}"),
			   NULL);
	assert_int_equal(timeline_row(tl, (size_t)pos)->conn, 0);
	/* a client that never got a connection: its failed bind() is in view */
	pos = timeline_add(tl, ev_of("{\"type\":\"call\",\"ts_ns\":1764107299000000400,\"phase\":\"exit\","
				    "\"proc\":\"client\",\"pid\":301,\"seq\":3,\"call\":\"bind\",\"fd\":3,"
				    "\"args\":\"3, 127.0.0.1:40000\",\"ret\":-1,\"errno\":\"EADDRINUSE\"}"),
			   NULL);
	assert_true(timeline_row_in_view(tl, timeline_row(tl, (size_t)pos), 1));
	timeline_free(tl);
}

static void states_as_of_a_row_go_back_in_time(void **state)
{
	struct timeline *tl = fixture_load();
	long connect = find_call(tl, "connect", false, ROLE_CLIENT), synack = find_packet(tl, "SYN|ACK");
	long last = (long)timeline_count(tl) - 1;

	(void)state;
	assert_int_equal(timeline_state_at(tl, connect, 1, ROLE_CLIENT), TCPS_CLOSED);
	assert_int_equal(timeline_state_at(tl, connect, 1, ROLE_SERVER), TCPS_LISTEN);
	assert_int_equal(timeline_state_at(tl, synack, 1, ROLE_CLIENT), TCPS_ESTABLISHED);
	assert_int_equal(timeline_state_at(tl, synack, 1, ROLE_SERVER), TCPS_SYN_RCVD);
	assert_int_equal(timeline_state_at(tl, last, 1, ROLE_CLIENT), TCPS_TIME_WAIT);
	assert_int_equal(timeline_state_at(tl, last, 1, ROLE_SERVER), TCPS_CLOSED);
	for (size_t i = 0; i < timeline_count(tl); i++) {
		if (timeline_row(tl, i)->state[ROLE_CLIENT] == TCPS_TIME_WAIT) {
			assert_int_equal(timeline_conn(tl, 1)->time_wait_ns, timeline_row(tl, i)->ts_ns);
			break;
		}
	}
	timeline_free(tl);
}

static void step_walks_only_the_view(void **state)
{
	struct timeline *tl = fixture_load();
	size_t in_view = 0;

	(void)state;
	/* a second connection from another client process */
	add_json(tl, "{\"type\":\"packet\",\"ts_ns\":1764107207000400000,\"conn\":2,\"src\":\"127.0.0.1:50001\","
		     "\"dst\":\"127.0.0.1:9000\",\"dir\":\"c2s\",\"flags\":\"SYN\",\"seq\":0,\"ack\":0,\"len\":0}");
	add_json(tl, "{\"type\":\"call\",\"ts_ns\":1764107207000390000,\"phase\":\"enter\",\"proc\":\"client\","
		     "\"pid\":301,\"seq\":2,\"call\":\"connect\",\"fd\":3,\"args\":\"3, 127.0.0.1:9000\"}");
	add_json(tl, "{\"type\":\"call\",\"ts_ns\":1764107207000410000,\"phase\":\"exit\",\"proc\":\"client\","
		     "\"pid\":301,\"seq\":2,\"call\":\"connect\",\"fd\":3,\"args\":\"3, 127.0.0.1:9000\",\"ret\":0,"
		     "\"errno\":null,\"local\":\"127.0.0.1:50001\",\"peer\":\"127.0.0.1:9000\"}");
	for (long p = timeline_step(tl, -1, 1, 1); p >= 0; p = timeline_step(tl, p, 1, 1)) {
		assert_true(timeline_row(tl, (size_t)p)->conn != 2);
		assert_true(timeline_row(tl, (size_t)p)->kind != ROW_CALL || timeline_row(tl, (size_t)p)->ev->u.call.pid != 301);
		in_view++;
	}
	assert_int_equal(in_view, timeline_count(tl) - 3);
	assert_int_equal(timeline_conn_next(tl, 1, 1), 2);
	assert_int_equal(timeline_conn_next(tl, 2, 1), 0);
	assert_int_equal(timeline_conn_next(tl, 2, -1), 1);
	timeline_free(tl);
}

/* What each row said when it went in, by its record (rows move, their
 * records do not). */
struct drawn {
	struct timeline *tl;
	const struct ui_event *ev[256];
	uint32_t conn[256];
	size_t n, changed_exits;
};

static void check_drawn_rows(const struct ui_event *ev, void *ctx)
{
	struct drawn *d = ctx;

	timeline_add(d->tl, ev, NULL);
	for (size_t i = 0; i < timeline_count(d->tl); i++) {
		const struct row *r = timeline_row(d->tl, i);
		size_t k = 0;

		while (k < d->n && d->ev[k] != r->ev)
			k++;
		if (k == d->n) {
			assert_true(d->n < 256);
			d->ev[d->n] = r->ev;
			d->conn[d->n++] = r->conn;
		} else if (d->conn[k] != r->conn) {
			/* the one change allowed: an exit that ran ahead of its
			 * connection's first packet gets it when that comes */
			assert_int_equal(d->conn[k], 0);
			assert_int_equal(r->kind, ROW_CALL);
			assert_true(r->ev->u.call.exit && r->ev->u.call.local.family && r->ev->u.call.peer.family);
			d->conn[k] = r->conn;
			d->changed_exits++;
		}
	}
}

/* The flake of it_ui_record: the server's accept() entered long before
 * the client came, --plain printed its row (no connection), then the exit
 * tied the enter to #1 and the replay printed "#1". A row's connection is
 * what was known when it went in, so the live rows and a replay's are the
 * same lines however late the client comes; the one row that learns its
 * connection later is an exit that the channel delivered before the
 * capture delivered the handshake (connect's, in echo.jsonl): its frames
 * come in the same turn of the loop, before anything is printed. */
static void a_row_keeps_the_connection_it_went_in_with(void **state)
{
	struct drawn d = {.tl = timeline_new(NULL)};
	long accept_enter;

	(void)state;
	assert_non_null(d.tl);
	fixture_read(check_drawn_rows, &d);
	accept_enter = find_call(d.tl, "accept", false, ROLE_SERVER);
	assert_true(accept_enter >= 0);
	assert_int_equal(timeline_row(d.tl, (size_t)accept_enter)->conn, 0);
	assert_int_equal(timeline_row(d.tl, (size_t)find_call(d.tl, "accept", true, ROLE_SERVER))->conn, 1);
	assert_int_equal(d.changed_exits, 1); /* connect's exit, ahead of the SYN */
	/* the accept's enter still shows in #1's view: its process's call */
	assert_true(timeline_row_in_view(d.tl, timeline_row(d.tl, (size_t)accept_enter), 1));
	timeline_free(d.tl);
}

static void packet_json(char *buf, size_t n, uint32_t conn, uint64_t ts, const char *flags)
{
	snprintf(buf, n,
		 "{\"type\":\"packet\",\"ts_ns\":%llu,\"conn\":%u,\"src\":\"127.0.0.1:%u\",\"dst\":\"127.0.0.1:7\","
		 "\"dir\":\"c2s\",\"flags\":\"%s\",\"seq\":1,\"ack\":1,\"len\":100}",
		 (unsigned long long)ts, conn, 20000 + conn, flags);
}

/* A change reported late (the receiver's ACK showed the FIN arrived) goes
 * on the row of the segment it happened at, and holds in the rows after
 * it: going back in time still shows the state as it was. */
static void a_late_change_goes_where_it_happened(void **state)
{
	struct timeline *tl = timeline_new(NULL);
	char json[512];

	(void)state;
	packet_json(json, sizeof(json), 1, 1000, "FIN|ACK");
	add_json(tl, json);
	packet_json(json, sizeof(json), 1, 2000, "ACK");
	add_json(tl, json);
	add_json(tl, "{\"type\":\"state\",\"ts_ns\":1000,\"conn\":1,\"client\":\"127.0.0.1:20001\","
		     "\"server\":\"127.0.0.1:7\",\"role\":\"server\",\"from\":\"ESTABLISHED\",\"to\":\"CLOSE_WAIT\","
		     "\"why\":\"peer_closed\",\"seq\":1,\"ack\":1}");
	assert_int_equal(timeline_count(tl), 2);
	assert_int_equal(timeline_row(tl, 0)->nchanges, 1); /* on the FIN's row */
	assert_int_equal(timeline_state_at(tl, 0, 1, ROLE_SERVER), TCPS_CLOSE_WAIT);
	assert_int_equal(timeline_state_at(tl, 1, 1, ROLE_SERVER), TCPS_CLOSE_WAIT);
	assert_non_null(strstr(timeline_row(tl, 0)->changes[0].why, "the client closed its direction"));
	timeline_free(tl);
}

/* Past the row cap the oldest rows go; near it, unrelated connections cost
 * only their summaries while the pinned one keeps its rows. */
static void memory_is_bounded(void **state)
{
	struct timeline_config cfg = {.max_rows = 100, .max_conns = 8};
	struct timeline *tl = timeline_new(&cfg);
	char json[512];
	uint64_t ts = 1000;

	(void)state;
	timeline_pin(tl, 3);
	for (int i = 0; i < 1000; i++) {
		packet_json(json, sizeof(json), (uint32_t)(i % 20 + 1), ts++, "ACK");
		add_json(tl, json);
	}
	assert_true(timeline_count(tl) <= 100);
	assert_true(timeline_skipped(tl) > 0);
	for (size_t i = 90; i < timeline_count(tl); i++)
		assert_int_equal(timeline_row(tl, i)->conn, 3);
	for (int i = 0; i < 200; i++) {
		packet_json(json, sizeof(json), 3, ts++, "ACK");
		add_json(tl, json);
	}
	assert_int_equal(timeline_count(tl), 100);
	assert_true(timeline_dropped(tl) > 0);
	for (size_t i = 0; i < timeline_count(tl); i++)
		assert_int_equal(timeline_row(tl, i)->conn, 3);
	/* only the last max_conns summaries are kept */
	assert_null(timeline_conn(tl, 1));
	assert_non_null(timeline_conn(tl, 20));
	/* the oldest kept is found from 0 as well (Tab, the list, a page's connections) */
	assert_int_equal(timeline_conn_next(tl, 0, 1), 13);
	assert_int_equal(timeline_conn_next(tl, 13, -1), 0);
	assert_int_equal(timeline_conn_next(tl, 20, 1), 0);
	/* every segment is counted, a row or not (a replay's status line) */
	assert_int_equal(timeline_packets(tl), 1200);
	timeline_free(tl);
}

/* The calls in progress when a packet was stamped, whatever arrived since. */
static void calls_in_progress_at_a_time(void **state)
{
	struct timeline *tl = fixture_load();
	const struct row *syn = timeline_row(tl, (size_t)find_packet(tl, "SYN"));
	struct open_call open[4];
	size_t n;

	(void)state;
	n = timeline_calls_at(tl, 1, syn->ts_ns, open, 4);
	assert_int_equal(n, 2); /* the client's connect, the server's accept */
	for (size_t i = 0; i < n; i++)
		assert_string_equal(open[i].call, open[i].proc == ROLE_CLIENT ? "connect" : "accept");
	/* after the last row nothing is in progress */
	assert_int_equal(timeline_calls_at(tl, 1, timeline_row(tl, timeline_count(tl) - 1)->ts_ns, open, 4), 0);
	add_json(tl, "{\"type\":\"call\",\"ts_ns\":1764107207000500000,\"phase\":\"enter\",\"proc\":\"server\","
		     "\"pid\":200,\"seq\":9,\"call\":\"accept\",\"fd\":3,\"args\":\"3\"}");
	assert_int_equal(timeline_calls_at(tl, 1, 1764107207000600000ull, open, 4), 1);
	assert_string_equal(open[0].call, "accept");
	assert_int_equal(open[0].pid, 200);
	timeline_free(tl);
}

/* One call record of pid with seq, enter or exit. */
static void add_seq(struct timeline *tl, int pid, long seq, bool exit)
{
	char json[256];

	snprintf(json, sizeof(json),
		 "{\"type\":\"call\",\"ts_ns\":%ld,\"phase\":\"%s\",\"proc\":\"server\",\"pid\":%d,\"seq\":%ld,"
		 "\"call\":\"read\",\"fd\":4,\"args\":\"4\"%s}",
		 1000000 + seq * 10 + exit, exit ? "exit" : "enter", pid, seq, exit ? ",\"ret\":0" : "");
	add_json(tl, json);
}

/* A gap in a process's call numbers is a lost call, said once it can no
 * longer be a thread's late record; calls before the first one seen and
 * other processes' numbers do not count. */
static void lost_calls_are_counted_from_seq_gaps(void **state)
{
	struct timeline *tl = timeline_new(NULL);
	const char *note;

	(void)state;
	for (long seq = 40; seq <= 45; seq++) {
		add_seq(tl, 812, seq, false);
		add_seq(tl, 812, seq, true);
	}
	add_seq(tl, 900, 3, false);        /* another process, its own numbers */
	add_seq(tl, 812, 47, false);       /* 46 is missing... */
	add_seq(tl, 812, 49, false);       /* ...and 48 */
	add_seq(tl, 812, 48, true);        /* 48 was a thread's late record */
	assert_int_equal(timeline_calls_lost(tl, NULL), 0); /* not given up yet */
	for (long seq = 50; seq <= 120; seq++)
		add_seq(tl, 812, seq, false);
	assert_int_equal(timeline_calls_lost(tl, &note), 1); /* only 46 */
	assert_string_equal(note, "1 call of server pid 812 lost");
	add_seq(tl, 812, 300, false);      /* 121..299 never came: the 116 older ones are given up now */
	assert_int_equal(timeline_calls_lost(tl, &note), 1 + 116);
	assert_string_equal(note, "116 calls of server pid 812 lost");
	for (long seq = 301; seq <= 364; seq++) /* and the other 63 once they are 64 behind */
		add_seq(tl, 812, seq, false);
	assert_int_equal(timeline_calls_lost(tl, NULL), 1 + 179);
	timeline_free(tl);
}

/* A Chinese screen says the loss in Chinese; the recording's note (data)
 * stays English whatever the screen's language. */
static void lost_calls_are_said_in_the_screens_language(void **state)
{
	struct timeline *tl = timeline_new(&(struct timeline_config){.lang = LANG_ZH});
	const char *note;

	(void)state;
	assert_string_equal(timeline_calls_lost_said(tl), "");
	for (long seq = 1; seq <= 3; seq++)
		add_seq(tl, 812, seq, false);
	add_seq(tl, 812, 200, false); /* 4..199 missing: those 64 behind 200 and more are given up */
	assert_int_equal(timeline_calls_lost(tl, &note), 200 - 4 - 63);
	assert_string_equal(note, "133 calls of server pid 812 lost");
	assert_string_equal(timeline_calls_lost_said(tl), "丢失了 133 个调用（服务器 pid 812）");
	timeline_free(tl);
}

/* An ICMP error is a row of its own in its connection's view, and the
 * abort it causes attaches to it as a state change to its packet. The
 * records are what socklab-trace wrote for tests/golden/icmp.pcap. */
static void an_icmp_error_is_a_row_with_its_abort(void **state)
{
	struct timeline *tl = timeline_new(NULL);
	const struct row *r;
	long pos = -1;

	(void)state;
	add_json(tl, "{\"type\":\"packet\",\"ts_ns\":1000,\"conn\":1,\"src\":\"127.0.0.1:36988\",\"dst\":\"127.0.0.1:47400\","
		     "\"dir\":\"c2s\",\"flags\":\"SYN\",\"seq\":0,\"ack\":0,\"len\":0,\"win\":65495}");
	add_json(tl, "{\"type\":\"state\",\"ts_ns\":1000,\"conn\":1,\"client\":\"127.0.0.1:36988\",\"server\":\"127.0.0.1:47400\","
		     "\"role\":\"client\",\"from\":\"CLOSED\",\"to\":\"SYN_SENT\",\"why\":\"connect\",\"seq\":0,\"ack\":0}");
	add_json(tl, "{\"type\":\"icmp\",\"ts_ns\":2000,\"conn\":1,\"client\":\"127.0.0.1:36988\",\"server\":\"127.0.0.1:47400\","
		     "\"proto\":\"icmp\",\"icmp_type\":3,\"icmp_code\":3,\"name\":\"port-unreachable\",\"reporter\":\"127.0.0.1\","
		     "\"src\":\"127.0.0.1:36988\",\"dst\":\"127.0.0.1:47400\",\"dir\":\"c2s\",\"flags\":\"SYN\",\"seq\":0,"
		     "\"abs_seq\":2518517867,\"effect\":\"abort\"}");
	add_json(tl, "{\"type\":\"state\",\"ts_ns\":2000,\"conn\":1,\"client\":\"127.0.0.1:36988\",\"server\":\"127.0.0.1:47400\","
		     "\"role\":\"client\",\"from\":\"SYN_SENT\",\"to\":\"CLOSED\",\"why\":\"icmp_abort\",\"seq\":0,\"ack\":0}");
	add_json(tl, "{\"type\":\"icmp\",\"ts_ns\":3000,\"conn\":0,\"client\":\"127.0.0.1:1\",\"server\":\"127.0.0.1:2\","
		     "\"proto\":\"icmp\",\"icmp_type\":3,\"icmp_code\":1,\"src\":\"127.0.0.1:1\",\"dst\":\"127.0.0.1:2\","
		     "\"seq\":7,\"effect\":\"ignored\",\"note\":\"icmp_no_connection\"}");
	assert_int_equal(timeline_count(tl), 3);
	pos = timeline_step(tl, 0, 1, 1);
	assert_int_equal(pos, 1);
	r = timeline_row(tl, (size_t)pos);
	assert_int_equal(r->kind, ROW_STATE);
	assert_int_equal(r->ev->type, UEV_ICMP);
	assert_string_equal(r->ev->u.icmp.name, "port-unreachable");
	assert_string_equal(r->ev->u.icmp.effect, "abort");
	assert_int_equal(r->ev->u.icmp.reporter.family, 4);
	assert_int_equal(r->nchanges, 1);
	assert_int_equal(r->state[ROLE_CLIENT], TCPS_CLOSED);
	assert_non_null(strstr(r->changes[0].why, "ICMP error"));
	assert_int_equal(timeline_step(tl, pos, 1, 1), -1); /* the unknown connection's error is not in #1's view */
	r = timeline_row(tl, 2);
	assert_int_equal(r->conn, 0);
	assert_true(timeline_row_in_view(tl, r, 0));
	timeline_free(tl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lost_calls_are_counted_from_seq_gaps),
		cmocka_unit_test(lost_calls_are_said_in_the_screens_language),
		cmocka_unit_test(rows_are_in_time_order),
		cmocka_unit_test(connect_brackets_the_handshake),
		cmocka_unit_test(states_attach_to_the_packet_that_caused_them),
		cmocka_unit_test(calls_are_tied_by_endpoints),
		cmocka_unit_test(a_descriptor_keeps_its_connection_until_close),
		cmocka_unit_test(a_row_keeps_the_connection_it_went_in_with),
		cmocka_unit_test(a_late_change_goes_where_it_happened),
		cmocka_unit_test(states_as_of_a_row_go_back_in_time),
		cmocka_unit_test(step_walks_only_the_view),
		cmocka_unit_test(memory_is_bounded),
		cmocka_unit_test(calls_in_progress_at_a_time),
		cmocka_unit_test(an_icmp_error_is_a_row_with_its_abort),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
