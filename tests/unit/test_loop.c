/* test_loop.c: the one poll loop without a terminal: a record sent to the
 * session's channel reaches the timeline and the turn hook within a turn,
 * a line on stdin (and its end) reaches the line hook, an idle loop waits
 * instead of spinning, a hook's error ends it with the message, and
 * loop_stop ends it as a signal does. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "clock.h"
#include "event_parse.h"
#include "loop.h"
#include "net.h"

struct probe {
	struct loop loop;
	int turns, lines;
	char line[64];
	uint64_t started;
};

static void on_row(long pos, bool inserted_before, uint64_t dropped_before, void *ctx)
{
	struct probe *p = ctx;

	loop_rows_changed(&p->loop, pos, inserted_before, dropped_before);
}

static int until_a_row(void *ctx, uint64_t now_ns, char *err, size_t errlen)
{
	struct probe *p = ctx;

	(void)err;
	(void)errlen;
	p->turns++;
	if (now_ns - p->started > 5000000000ull)
		fail_msg("no row after 5 s");
	return timeline_count(p->loop.tl) ? LOOP_END : LOOP_GO_ON;
}

static void a_channel_record_reaches_the_timeline(void **state)
{
	struct probe p = {0};
	struct session_opts so = {.no_capture = true, .on_row = on_row, .ctx = &p};
	const char *msg = "{\"type\":\"call\",\"ts_ns\":5,\"phase\":\"exit\",\"proc\":\"server\",\"pid\":8,\"seq\":1,"
			  "\"call\":\"listen\",\"fd\":3,\"args\":\"3\",\"ret\":0,\"errno\":null}";
	char err[256];
	int fd;

	(void)state;
	p.loop.tl = timeline_new(NULL);
	screen_init(&p.loop.scr, false, false, true);
	p.loop.sess = session_open(&so, p.loop.tl, err, sizeof(err));
	if (!p.loop.sess || session_listen_private(p.loop.sess, "socklab-test-loop", -1, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	p.loop.wait_ms = 1000; /* the datagram, not the timer, ends the wait */
	p.loop.hooks = (struct loop_hooks){.turn = until_a_row, .ctx = &p};
	fd = net_unix_connect(session_channel_path(p.loop.sess));
	assert_int_equal(send(fd, msg, strlen(msg), 0), (ssize_t)strlen(msg));
	p.started = clock_ns(CLOCK_REALTIME);
	assert_int_equal(loop_run(&p.loop, err, sizeof(err)), 0);
	assert_int_equal(timeline_count(p.loop.tl), 1);
	assert_true(p.loop.dirty); /* the screen is to be drawn again */
	assert_int_equal(p.loop.scr.sel, 0); /* and follows the new row */
	assert_true(clock_ns(CLOCK_REALTIME) - p.started < 900000000ull);
	close(fd);
	session_close(p.loop.sess);
	timeline_free(p.loop.tl);
	loop_free(&p.loop);
}

/* A packet row into the timeline at ts_ns (ms), then a state change it
 * caused, which comes back to the same row: the row is timed once. */
static void add_packet(struct loop *l, uint64_t ts_ms, bool with_change)
{
	static struct segment seg = {.flags = TCP_SYN};
	struct trace_event tev = {.kind = EVENT_PACKET, .ts_ns = ts_ms * 1000000, .conn = 1, .seg = &seg,
				  .from_client = true};
	struct ui_event uev;
	bool before;
	long pos;

	endpoint_parse("127.0.0.1:40000", &tev.client);
	endpoint_parse("127.0.0.1:8080", &tev.server);
	seg.src = tev.client;
	seg.dst = tev.server;
	ui_event_from_trace(&tev, &uev);
	pos = timeline_add(l->tl, &uev, &before);
	loop_rows_changed(l, pos, before, 0);
	if (with_change) {
		tev.kind = EVENT_STATE;
		tev.role = ROLE_CLIENT;
		tev.from = TCPS_CLOSED;
		tev.to = TCPS_SYN_SENT;
		tev.why = WHY_CONNECT;
		ui_event_from_trace(&tev, &uev);
		pos = timeline_add(l->tl, &uev, &before);
		loop_rows_changed(l, pos, before, 0);
	}
}

/* Wire-to-screen: each packet row from its capture time to the draw that
 * came after it; the percentiles are the upper edges of 0.5 ms steps; rows
 * past what can wait are counted as untimed, never dropped in silence. */
static void screen_latency_counts_each_packet_once(void **state)
{
	static struct probe p; /* static: the loop's latency table is 40 KiB */
	char json[256];

	(void)state;
	memset(&p, 0, sizeof(p));
	p.loop.tl = timeline_new(NULL);
	screen_init(&p.loop.scr, false, false, true);
	/* 99 packets drawn 10 to 108 ms after they came, one 45.2 ms after: the
	 * 50th of the 100 took 58 ms (its step ends at 58.5), the 99th 107. */
	for (int i = 0; i < 99; i++)
		add_packet(&p.loop, 1000 + (uint64_t)i, i % 2 == 0);
	loop_latency_drawn(&p.loop, 1000 * 1000000ull + 108 * 1000000ull);
	add_packet(&p.loop, 2000, true); /* one drawn 45.2 ms after */
	loop_latency_drawn(&p.loop, 2045200000ull);
	assert_true(loop_latency_json(&p.loop, json, sizeof(json)) > 0);
	assert_string_equal(json, "{\"type\":\"screen_latency\",\"packets\":100,\"untimed\":0,"
				  "\"p50_us\":58500,\"p99_us\":107500,\"max_us\":108000}");
	for (int i = 0; i < LOOP_LATENCY_PENDING + 3; i++) /* more than can wait for one draw */
		add_packet(&p.loop, 3000, false);
	assert_true(loop_latency_json(&p.loop, json, sizeof(json)) > 0);
	assert_non_null(strstr(json, "\"packets\":100,\"untimed\":4099,"));
	timeline_free(p.loop.tl);
	loop_free(&p.loop);
}

static int read_line(void *ctx, char *err, size_t errlen)
{
	struct probe *p = ctx;
	ssize_t n = read(STDIN_FILENO, p->line, sizeof(p->line) - 1);

	(void)err;
	(void)errlen;
	p->lines++;
	if (n <= 0)
		return LOOP_END; /* the end of input */
	p->line[n] = '\0';
	return LOOP_GO_ON;
}

static void stdin_lines_reach_the_line_hook(void **state)
{
	struct probe p = {0};
	int pipefd[2], saved = dup(STDIN_FILENO);
	char err[256];

	(void)state;
	assert_int_equal(pipe(pipefd), 0);
	assert_int_equal(dup2(pipefd[0], STDIN_FILENO), STDIN_FILENO);
	close(pipefd[0]);
	assert_int_equal(write(pipefd[1], "go\n", 3), 3);
	close(pipefd[1]);
	p.loop.tl = timeline_new(NULL);
	p.loop.lines = true;
	p.loop.wait_ms = 1000;
	p.loop.hooks = (struct loop_hooks){.line = read_line, .ctx = &p};
	assert_int_equal(loop_run(&p.loop, err, sizeof(err)), 0);
	assert_int_equal(p.lines, 2); /* "go", then the end */
	assert_string_equal(p.line, "go\n");
	dup2(saved, STDIN_FILENO);
	close(saved);
	timeline_free(p.loop.tl);
}

static int count_turns(void *ctx, uint64_t now_ns, char *err, size_t errlen)
{
	struct probe *p = ctx;

	(void)err;
	(void)errlen;
	p->turns++;
	return now_ns - p->started >= 200000000ull ? LOOP_END : LOOP_GO_ON;
}

/* Nothing to take in: a turn every wait_ms, not a busy loop. */
static void an_idle_loop_waits(void **state)
{
	struct probe p = {0};
	char err[256];

	(void)state;
	p.loop.tl = timeline_new(NULL);
	p.loop.wait_ms = 40;
	p.loop.hooks = (struct loop_hooks){.turn = count_turns, .ctx = &p};
	p.started = clock_ns(CLOCK_REALTIME);
	assert_int_equal(loop_run(&p.loop, err, sizeof(err)), 0);
	assert_true(p.turns >= 2);
	assert_true(p.turns <= 7); /* 200 ms / 40 ms, and the first */
	timeline_free(p.loop.tl);
}

static int fail_turn(void *ctx, uint64_t now_ns, char *err, size_t errlen)
{
	(void)ctx;
	(void)now_ns;
	snprintf(err, errlen, "demo: echo-client: no such file");
	return -1;
}

static void a_hook_error_ends_the_loop_with_its_message(void **state)
{
	struct probe p = {0};
	char err[256] = "";

	(void)state;
	p.loop.tl = timeline_new(NULL);
	p.loop.wait_ms = 1;
	p.loop.hooks = (struct loop_hooks){.turn = fail_turn, .ctx = &p};
	assert_int_equal(loop_run(&p.loop, err, sizeof(err)), -1);
	assert_string_equal(err, "demo: echo-client: no such file");
	timeline_free(p.loop.tl);
}

static int stop_on_third(void *ctx, uint64_t now_ns, char *err, size_t errlen)
{
	struct probe *p = ctx;

	(void)now_ns;
	(void)err;
	(void)errlen;
	if (++p->turns == 3)
		loop_stop();
	return LOOP_GO_ON;
}

/* Last: the stop stays asked for, as after a signal. */
static void loop_stop_ends_it_as_a_signal_does(void **state)
{
	struct probe p = {0};
	char err[256];

	(void)state;
	assert_false(loop_stopping());
	p.loop.tl = timeline_new(NULL);
	p.loop.wait_ms = 1;
	p.loop.hooks = (struct loop_hooks){.turn = stop_on_third, .ctx = &p};
	assert_int_equal(loop_run(&p.loop, err, sizeof(err)), 0);
	assert_int_equal(p.turns, 3);
	assert_true(loop_stopping());
	assert_int_equal(loop_run(&p.loop, err, sizeof(err)), 0); /* no more turns */
	assert_int_equal(p.turns, 3);
	timeline_free(p.loop.tl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_channel_record_reaches_the_timeline),
		cmocka_unit_test(screen_latency_counts_each_packet_once),
		cmocka_unit_test(stdin_lines_reach_the_line_hook),
		cmocka_unit_test(an_idle_loop_waits),
		cmocka_unit_test(a_hook_error_ends_the_loop_with_its_message),
		cmocka_unit_test(loop_stop_ends_it_as_a_signal_does),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
