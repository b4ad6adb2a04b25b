/* test_ladder.c: the ladder laid out into an off-screen grid for a known
 * sequence (tests/golden/echo.jsonl: handshake, one echo, close), compared line
 * by line with the expected picture. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "ladder.h"
#include "event_parse.h"
#include "fixture.h"

/* The row of the view whose text contains needle. */
static long find_row(const struct timeline *tl, const struct ladder_opts *o, const char *needle)
{
	struct grid g;
	char line[1024];
	long found = -1;

	assert_int_equal(grid_init(&g, 80, 1), 0);
	for (long p = timeline_step(tl, -1, 1, o->conn); p >= 0 && found < 0; p = timeline_step(tl, p, 1, o->conn)) {
		grid_clear(&g);
		ladder_draw_row(tl, o, p, &g, 0);
		grid_line(&g, 0, line, sizeof(line));
		if (strstr(line, needle))
			found = p;
	}
	grid_free(&g);
	return found;
}

static void assert_lines(const struct grid *g, int y0, const char *const *expected, int n)
{
	char line[1024];

	for (int i = 0; i < n; i++) {
		grid_line(g, y0 + i, line, sizeof(line));
		if (strcmp(line, expected[i]) != 0)
			fail_msg("line %d:\n got  '%s'\n want '%s'", y0 + i, line, expected[i]);
	}
}

static void handshake_at_80_columns(void **state)
{
	static const char *const want[] = {
		" CLIENT CLOSED          │        connection #1         │ SERVER LISTEN",
		" 127.0.0.1:50000        │                              │ 127.0.0.1:9000",
		" connect(3, 127.0.0.1:… │                              │",
		"               SYN_SENT │──SYN seq=0──────────────────▶│ SYN_RCVD",
		"            ESTABLISHED │◀────────SYN|ACK seq=0 ack=1──│",
		"                        │──ACK seq=1 ack=1────────────▶│ ESTABLISHED",
		" connect(3) = 0         │                              │",
		"                        │                              │ accept(3) = 4",
	};
	struct timeline *tl = fixture_load();
	struct ladder_opts o = {.conn = 1};
	struct grid g;

	(void)state;
	o.top = find_row(tl, &o, "connect(3, ");
	o.sel = o.top;
	assert_true(o.top >= 0);
	assert_int_equal(grid_init(&g, 80, 8), 0);
	assert_true(ladder_draw(tl, &o, &g, 0, 8) > o.top);
	assert_lines(&g, 0, want, 8);
	/* the selected row is marked across the whole width */
	for (int x = 0; x < 80; x++)
		assert_true(g.cells[2 * 80 + x].attr & ATTR_SELECTED);
	assert_false(g.cells[3 * 80].attr & ATTR_SELECTED);
	grid_free(&g);
	timeline_free(tl);
}

/* The header shows the states as they were at the selected row. */
static void header_follows_the_selected_row(void **state)
{
	struct timeline *tl = fixture_load();
	struct ladder_opts o = {.conn = 1};
	struct grid g;
	char line[256];

	(void)state;
	assert_int_equal(grid_init(&g, 80, 2), 0);
	o.sel = find_row(tl, &o, "FIN_WAIT_1");
	ladder_draw_header(tl, &o, &g, 0);
	grid_line(&g, 0, line, sizeof(line));
	assert_string_equal(line, " CLIENT FIN_WAIT_1      │        connection #1         │ SERVER CLOSE_WAIT");
	grid_clear(&g);
	o.sel = (long)timeline_count(tl) - 1;
	ladder_draw_header(tl, &o, &g, 0);
	grid_line(&g, 0, line, sizeof(line));
	assert_string_equal(line, " CLIENT TIME_WAIT       │        connection #1         │ SERVER CLOSED");
	grid_free(&g);
	timeline_free(tl);
}

/* One FIN|ACK moved the client twice: both changes show, joined by an arrow. */
static void close_in_three_segments_ascii(void **state)
{
	static const char *const want[] = {
		"            FIN_WAIT_1 |--FIN|ACK seq=6 ack=13----->| CLOSE_WAIT",
		" close(3) = 0          |                            |",
	};
	struct timeline *tl = fixture_load();
	struct ladder_opts o = {.conn = 1, .ascii = true, .sel = -1};
	struct grid g;
	char line[256];

	(void)state;
	assert_int_equal(grid_init(&g, 76, 4), 0);
	o.top = find_row(tl, &o, "FIN_WAIT_1");
	ladder_draw(tl, &o, &g, 0, 4);
	assert_lines(&g, 2, want, 2);
	grid_clear(&g);
	ladder_draw_row(tl, &o, find_row(tl, &o, "TIME_WAIT"), &g, 0);
	grid_line(&g, 0, line, sizeof(line));
	assert_string_equal(line, " FIN_WAIT_2->TIME_WAIT |<-----FIN|ACK seq=13 ack=7--| LAST_ACK");
	grid_free(&g);
	timeline_free(tl);
}

/* --big: a blank line between rows; wide screens get a time column and
 * the segments' options. */
static void big_and_wide_layouts(void **state)
{
	struct timeline *tl = fixture_load();
	struct ladder_opts o = {.conn = 1, .big = true, .sel = -1};
	struct grid g;
	char line[512];

	(void)state;
	o.top = find_row(tl, &o, "SYN seq=0");
	o.t0_ns = timeline_row(tl, (size_t)o.top)->ts_ns;
	assert_int_equal(grid_init(&g, 120, 6), 0);
	ladder_draw(tl, &o, &g, 0, 6);
	grid_line(&g, 0, line, sizeof(line));
	assert_non_null(strstr(line, "time s")); /* the column's unit */
	grid_line(&g, 2, line, sizeof(line));
	assert_non_null(strstr(line, "  0.000000 "));
	assert_non_null(strstr(line, "SYN seq=0"));
	grid_line(&g, 3, line, sizeof(line));
	assert_null(strstr(line, "SYN"));
	grid_line(&g, 4, line, sizeof(line));
	assert_non_null(strstr(line, "  0.000005 ")); /* seconds, to the microsecond */
	assert_non_null(strstr(line, "SYN|ACK seq=0 ack=1"));
	grid_clear(&g);
	o.big = false;
	ladder_draw_row(tl, &o, o.top, &g, 0);
	grid_line(&g, 0, line, sizeof(line));
	assert_non_null(strstr(line, "SYN seq=0 mss=65495 ws=7 sack"));
	grid_free(&g);
	timeline_free(tl);
}

/* --big at 100 columns (a projector's terminal): every call and segment
 * of the echo reads in full; a long call goes on the row's second line. */
static void big_at_100_columns_reads_in_full(void **state)
{
	static const char *const whole[] = {
		"socket(AF_INET, SOCK_STREAM, 0)", "connect(3, 127.0.0.1:9000) …", "connect(3) = 0",
		"write(4, \"server-hello\", 12) …", "write(4) = 12 \"server-hello\"", "read(3, buf, 1024) …",
		"SYN|ACK seq=0 ack=1", "PSH|ACK seq=1 ack=1 len=5", "PSH|ACK seq=1 ack=6 len=12", "FIN|ACK seq=6 ack=13",
	};
	struct timeline *tl = fixture_load();
	struct ladder_opts o = {.conn = 1, .big = true, .sel = -1};
	struct grid g;
	char line[512], all[16384] = "";

	(void)state;
	o.top = timeline_step(tl, -1, 1, 1);
	assert_int_equal(grid_init(&g, 100, 2 + 2 * (int)timeline_count(tl)), 0);
	ladder_draw(tl, &o, &g, 0, g.h);
	for (int y = 0; y < g.h; y++) {
		grid_line(&g, y, line, sizeof(line));
		strncat(all, line, sizeof(all) - strlen(all) - 2);
		strcat(all, "\n");
		assert_null(strstr(line, ":…")); /* no address cut */
	}
	for (size_t i = 0; i < sizeof(whole) / sizeof(whole[0]); i++)
		if (!strstr(all, whole[i]))
			fail_msg("'%s' is not whole on the big screen:\n%s", whole[i], all);
	grid_free(&g);
	timeline_free(tl);
}

/* The time column lasts a 3-hour class (and more) in its 10 characters. */
static void time_column_in_seconds(void **state)
{
	char t[32];

	(void)state;
	ladder_time_text(0, t, sizeof(t));
	assert_string_equal(t, "  0.000000");
	ladder_time_text(42066123000ull, t, sizeof(t));
	assert_string_equal(t, " 42.066123");
	ladder_time_text(3 * 3600 * 1000000000ull + 123456789ull, t, sizeof(t));
	assert_string_equal(t, "10800.1235");
	assert_int_equal(strlen(t), 10);
	ladder_time_text(27ull * 3600 * 1000000000ull, t, sizeof(t));
	assert_int_equal(strlen(t), 10);
}

static void call_texts(void **state)
{
	struct ui_call c = {.exit = true, .fd = 3, .has_ret = true, .ret = -1};
	char buf[128];

	(void)state;
	snprintf(c.call, sizeof(c.call), "connect");
	snprintf(c.err, sizeof(c.err), "ECONNREFUSED");
	ladder_call_text(&c, false, buf, sizeof(buf));
	assert_string_equal(buf, "connect(3) = -1 ECONNREFUSED");
	c.exit = false;
	snprintf(c.args, sizeof(c.args), "3, 127.0.0.1:8080");
	ladder_call_text(&c, true, buf, sizeof(buf));
	assert_string_equal(buf, "connect(3, 127.0.0.1:8080) ...");
}

/* A worker process's call says which worker it is: who waits, who answers. */
static void call_texts_name_the_worker(void **state)
{
	struct ui_call c = {.exit = true, .fd = 3, .has_ret = true, .ret = -1, .worker = 2};
	char buf[128];

	(void)state;
	snprintf(c.call, sizeof(c.call), "accept4");
	snprintf(c.err, sizeof(c.err), "EAGAIN");
	ladder_call_text(&c, false, buf, sizeof(buf));
	assert_string_equal(buf, "w2 accept4(3) = -1 EAGAIN");
	c.exit = false;
	snprintf(c.args, sizeof(c.args), "4, events, 256, -1");
	snprintf(c.call, sizeof(c.call), "epoll_wait");
	ladder_call_text(&c, true, buf, sizeof(buf));
	assert_string_equal(buf, "w2 epoll_wait(4, events, 256, -1) ...");
	ladder_call_text(&c, true, buf, 3); /* cut short, still a string */
	assert_string_equal(buf, "w2");
}

/* A two-host wire: the SYN leaves the client's lifeline on its send row and
 * reaches the server's on its arrival row 50 ms later, where the server's
 * change is; a lost FIN stops midway with a cross (x in ASCII). */
static void wire_rows_at_each_end(void **state)
{
	static const char *const records[] = {
		"{\"type\":\"packet\",\"ts_ns\":1000000000,\"conn\":1,\"src\":\"10.77.0.1:40000\",\"dst\":\"10.77.0.2:8080\","
		"\"dir\":\"c2s\",\"flags\":\"SYN\",\"seq\":0,\"ack\":0,\"sent_ns\":1000000000,\"arrived_ns\":1050200000}",
		"{\"type\":\"state\",\"ts_ns\":1000000000,\"conn\":1,\"client\":\"10.77.0.1:40000\",\"server\":\"10.77.0.2:8080\","
		"\"role\":\"client\",\"from\":\"CLOSED\",\"to\":\"SYN_SENT\",\"why\":\"connect\"}",
		"{\"type\":\"arrival\",\"ts_ns\":1050200000,\"conn\":1,\"src\":\"10.77.0.1:40000\",\"dst\":\"10.77.0.2:8080\","
		"\"dir\":\"c2s\",\"flags\":\"SYN\",\"seq\":0,\"ack\":0,\"sent_ns\":1000000000,\"arrived_ns\":1050200000}",
		"{\"type\":\"state\",\"ts_ns\":1050200000,\"conn\":1,\"client\":\"10.77.0.1:40000\",\"server\":\"10.77.0.2:8080\","
		"\"role\":\"server\",\"from\":\"LISTEN\",\"to\":\"SYN_RCVD\",\"why\":\"answered_syn\"}",
		"{\"type\":\"packet\",\"ts_ns\":2000000000,\"conn\":1,\"src\":\"10.77.0.1:40000\",\"dst\":\"10.77.0.2:8080\","
		"\"dir\":\"c2s\",\"flags\":\"FIN|ACK\",\"seq\":1,\"ack\":1,\"sent_ns\":2000000000,\"lost\":true}",
	};
	static const char *const want[] = {
		"               SYN_SENT │──SYN seq=0────┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄│",
		"                        │┄┄┄┄┄┄┄┄ SYN +50.2 ms ┄┄┄┄───▶│ SYN_RCVD",
		"                        │──FIN|ACK seq=1 ack=1──✗      │",
	};
	static const char *const want_ascii[] = {
		"               SYN_SENT |--SYN seq=0----...............|",
		"                        |........ SYN +50.2 ms ....--->| SYN_RCVD",
		"                        |--FIN|ACK seq=1 ack=1--x      |",
	};
	struct timeline *tl = timeline_new(NULL);
	struct ladder_opts o = {.conn = 1};
	struct grid g;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(records) / sizeof(records[0]); i++) {
		struct ui_event ev;

		assert_int_equal(ui_event_parse(records[i], strlen(records[i]), &ev, err, sizeof(err)), 0);
		timeline_add(tl, &ev, NULL);
	}
	assert_int_equal(timeline_conn(tl, 1)->packets, 2); /* the arrival row is no segment of its own */
	assert_int_equal(grid_init(&g, 80, 3), 0);
	for (long p = 0; p < 3; p++)
		ladder_draw_row(tl, &o, p, &g, (int)p);
	if (getenv("LADDER_DUMP"))
		for (int y = 0; y < 3; y++) {
			char line[512];
			grid_line(&g, y, line, sizeof(line));
			printf("'%s'\n", line);
		}
	assert_lines(&g, 0, want, 3);
	o.ascii = true;
	grid_clear(&g);
	for (long p = 0; p < 3; p++)
		ladder_draw_row(tl, &o, p, &g, (int)p);
	assert_lines(&g, 0, want_ascii, 3);
	grid_free(&g);
	timeline_free(tl);
}

/* A kernel view's news that an endpoint sent something again: a row of
 * its connection, in that endpoint's lane, its words in the explanation. */
static void kernel_rows_in_their_lane(void **state)
{
	static const char *const syn = "{\"type\":\"packet\",\"ts_ns\":1000000000,\"conn\":1,\"src\":\"10.77.0.1:40000\","
				       "\"dst\":\"10.77.0.2:8080\",\"dir\":\"c2s\",\"flags\":\"SYN\",\"seq\":0,\"ack\":0}";
	static const char *const want[] = {
		"  1.000000                                  │──SYN seq=0────────────────────────────▶│",
		"  1.500000                                  │                                        │ kernel: resent 2, RTO 1208 ms",
		"  1.600000    kernel: resent 2, RTO 1208 ms │                                        │",
	};
	struct timeline *tl = timeline_new(NULL);
	struct ladder_opts o = {.conn = 1};
	struct ui_event ev = {.type = UEV_KERNEL, .ts_ns = 1500000000};
	struct grid g;
	char err[256], text[1024];

	(void)state;
	assert_int_equal(ui_event_parse(syn, strlen(syn), &ev, err, sizeof(err)), 0);
	timeline_add(tl, &ev, NULL);
	ev = (struct ui_event){.type = UEV_KERNEL, .ts_ns = 1500000000};
	ev.u.kernel = (struct ui_kernel){.conn = 1, .role = ROLE_SERVER, .total_retrans = 2, .retransmits = 1,
					 .rto_us = 1208000};
	assert_true(timeline_add(tl, &ev, NULL) >= 0);
	ev.ts_ns = 1600000000;
	ev.u.kernel.role = ROLE_CLIENT;
	assert_true(timeline_add(tl, &ev, NULL) >= 0);
	ev.u.kernel.conn = 9; /* a connection the timeline does not know: no row */
	assert_true(timeline_add(tl, &ev, NULL) < 0);
	assert_int_equal(timeline_count(tl), 3);
	assert_int_equal(timeline_row(tl, 1)->conn, 1);
	assert_int_equal(timeline_row(tl, 1)->nchanges, 0);
	assert_int_equal(grid_init(&g, 120, 3), 0);
	for (long p = 0; p < 3; p++)
		ladder_draw_row(tl, &o, p, &g, (int)p);
	for (int y = 0; getenv("LADDER_DUMP") && y < 3; y++) {
		grid_line(&g, y, text, sizeof(text));
		printf("'%s'\n", text);
	}
	assert_lines(&g, 0, want, 3);
	explain_row(tl, 1, text, sizeof(text));
	assert_non_null(strstr(text, "The server's kernel says (its tcp_info, polled with sock_diag): it has sent 2 "
				     "segments again over this connection (total_retrans); the one at the head of its "
				     "queue has waited for 1 retransmission timeouts"));
	assert_non_null(strstr(text, "its RTO is now 1208 ms."));
	grid_free(&g);
	timeline_free(tl);
	/* in Chinese */
	tl = timeline_new(&(struct timeline_config){.lang = LANG_ZH});
	ev.u.kernel.conn = 1;
	assert_int_equal(ui_event_parse(syn, strlen(syn), &ev, err, sizeof(err)), 0);
	timeline_add(tl, &ev, NULL);
	ev = (struct ui_event){.type = UEV_KERNEL, .ts_ns = 1500000000};
	ev.u.kernel = (struct ui_kernel){.conn = 1, .role = ROLE_SERVER, .total_retrans = 1, .rto_us = 604000};
	assert_true(timeline_add(tl, &ev, NULL) >= 0);
	assert_int_equal(grid_init(&g, 120, 1), 0);
	ladder_draw_row(tl, &o, 1, &g, 0);
	grid_line(&g, 0, text, sizeof(text));
	assert_non_null(strstr(text, "│ 内核：重发 1，RTO 604 ms"));
	explain_row(tl, 1, text, sizeof(text));
	assert_non_null(strstr(text, "服务器的内核说"));
	grid_free(&g);
	timeline_free(tl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(handshake_at_80_columns),
		cmocka_unit_test(call_texts_name_the_worker),
		cmocka_unit_test(header_follows_the_selected_row),
		cmocka_unit_test(close_in_three_segments_ascii),
		cmocka_unit_test(big_and_wide_layouts),
		cmocka_unit_test(big_at_100_columns_reads_in_full),
		cmocka_unit_test(time_column_in_seconds),
		cmocka_unit_test(call_texts),
		cmocka_unit_test(wire_rows_at_each_end),
		cmocka_unit_test(kernel_rows_in_their_lane),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
