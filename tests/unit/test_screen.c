/* test_screen.c: the whole screen composed off-screen and driven by keys:
 * status line, ladder, explanation, help line; going back in time,
 * connections, search, overlays, a terminal too small. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screen.h"
#include "fixture.h"

struct fixture {
	struct timeline *tl;
	struct screen s;
	struct grid g;
};

static void add_to(const struct ui_event *ev, void *ctx)
{
	struct fixture *f = ctx;
	uint64_t dropped = timeline_dropped(f->tl);
	bool before;
	long pos = timeline_add(f->tl, ev, &before);

	if (pos >= 0)
		screen_rows_changed(&f->s, f->tl, pos, before, dropped, timeline_dropped(f->tl));
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	screen_init(&f->s, false, false, false);
	/* rows reach the screen as they arrive, as in a live session */
	f->tl = timeline_new(NULL);
	fixture_read(add_to, f);
	*state = f;
	return grid_init(&f->g, 80, 24);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	grid_free(&f->g);
	timeline_free(f->tl);
	free(f);
	return 0;
}

static bool screen_has(struct fixture *f, const char *text)
{
	struct screen_status st = {.source = "lo", .filter = "tcp port 9000", .mode = "live", .packets = 13};
	char line[1024];

	screen_compose(&f->s, f->tl, &st, &f->g);
	for (int y = 0; y < f->g.h; y++) {
		grid_line(&f->g, y, line, sizeof(line));
		if (strstr(line, text))
			return true;
	}
	return false;
}

static void keys(struct fixture *f, const char *k)
{
	for (; *k; k++)
		screen_key(&f->s, f->tl, *k == '\n' ? SK_ENTER : *k, 24);
}

static void follows_then_goes_back_in_time(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(f->s.conn, 1); /* the first connection is shown by itself */
	assert_true(screen_has(f, " socklab  live  lo 'tcp port 9000'  packets 13  drops 0  following"));
	assert_true(screen_has(f, "CLIENT TIME_WAIT"));
	assert_true(screen_has(f, "the server got the ACK of its FIN"));
	keys(f, "g");
	assert_true(screen_has(f, "CLIENT CLOSED"));
	assert_true(screen_has(f, "SERVER LISTEN"));
	assert_true(screen_has(f, "paused"));
	assert_true(screen_has(f, "creates an endpoint"));
	keys(f, "G");
	assert_true(screen_has(f, "following"));
}

/* The kernel view's records not kept are counted on the status line, and
 * nothing is said when there were none. */
static void says_kernel_records_lost(void **state)
{
	struct fixture *f = *state;
	struct screen_status st = {.source = "lo", .mode = "live", .packets = 13, .kernel_lost = 5};
	char line[1024];
	bool seen = false;

	screen_compose(&f->s, f->tl, &st, &f->g);
	for (int y = 0; y < f->g.h; y++) {
		grid_line(&f->g, y, line, sizeof(line));
		seen = seen || strstr(line, "KERNEL RECORDS LOST 5");
	}
	assert_true(seen);
	assert_false(screen_has(f, "KERNEL RECORDS LOST"));
}

/* A connection named before its packets are read (export --conn 1) is
 * selected from its first row in view once it appears. */
static void connection_named_before_it_appears(void **state)
{
	struct fixture f = {0};

	(void)state;
	screen_init(&f.s, false, false, false);
	f.s.conn = 1;
	f.s.follow = false;
	f.tl = timeline_new(NULL);
	fixture_read(add_to, &f);
	assert_int_equal(f.s.conn, 1);
	assert_int_equal(f.s.sel, timeline_step(f.tl, -1, 1, 1));
	assert_true(f.s.sel >= 0);
	assert_true(timeline_row_in_view(f.tl, timeline_row(f.tl, (size_t)f.s.sel), 1));
	timeline_free(f.tl);
}

static void search_details_help(void **state)
{
	struct fixture *f = *state;

	keys(f, "g/listen(\n");
	assert_true(screen_has(f, "marks the socket passive"));
	keys(f, "d");
	assert_true(screen_has(f, "details  Tab/←→ layer  j/k scroll  Esc close"));
	assert_true(screen_has(f, "server pid 200, call #3: listen (entered)"));
	keys(f, "x?");
	assert_true(screen_has(f, "socklab keys"));
	keys(f, "x");
	assert_false(screen_has(f, "socklab keys"));
}

static void connections_and_zoom(void **state)
{
	struct fixture *f = *state;

	keys(f, "a");
	assert_int_equal(f->s.conn, 0);
	assert_true(screen_has(f, "all connections"));
	keys(f, "l");
	assert_true(screen_has(f, "> #1    127.0.0.1:50000 -> 127.0.0.1:9000  client TIME_WAIT"));
	keys(f, "\n");
	assert_int_equal(f->s.conn, 1);
	keys(f, "z");
	assert_true(f->s.big);
	assert_true(screen_has(f, "connection #1"));
	assert_int_equal(screen_key(&f->s, f->tl, ' ', 24), ACT_STEP_GO);
	assert_int_equal(screen_key(&f->s, f->tl, 'q', 24), ACT_QUIT);
}

static void too_small(void **state)
{
	struct fixture *f = *state;

	grid_free(&f->g);
	assert_int_equal(grid_init(&f->g, 60, 20), 0);
	assert_true(screen_has(f, "terminal too small: 60x20; socklab needs at least 80x24"));
	grid_free(&f->g);
	assert_int_equal(grid_init(&f->g, 80, 24), 0);
}

/* The line y of the screen composed with status st. */
static void line_with(struct fixture *f, const struct screen_status *st, int y, char *line, size_t n)
{
	screen_compose(&f->s, f->tl, st, &f->g);
	grid_line(&f->g, y, line, n);
}

/* At 80 columns the status line keeps what says what the screen does and
 * leaves out whole fields (the filter first), never cutting a word. */
static void status_line_drops_whole_fields(void **state)
{
	struct fixture *f = *state;
	struct screen_status st = {.source = "lo", .filter = "tcp port 60287 or tcp port 56519",
				   .mode = "demo half-close (step)", .packets = 123456};
	char line[1024];

	line_with(f, &st, 0, line, sizeof(line));
	assert_string_equal(line, " socklab  demo half-close (step)  packets 123456  drops 0  following");
	st.drops = 3; /* drops that happened matter more than the packet count */
	st.recording = "socklab-20261202-045147.jsonl";
	st.mode = "demo echo";
	line_with(f, &st, 0, line, sizeof(line));
	assert_string_equal(line, " socklab  demo echo  drops 3  following  REC socklab-20261202-045147.jsonl");
	st.drops = 0; /* and recording more than the counters */
	line_with(f, &st, 0, line, sizeof(line));
	assert_string_equal(line, " socklab  demo echo  following  REC socklab-20261202-045147.jsonl");
	/* the key help line: whole keys, the last ones left out */
	line_with(f, &(struct screen_status){0}, 23, line, sizeof(line));
	assert_string_equal(line, "j/k move  g/G start/end  f follow  Tab conn  l list  d details  / search");
}

/* Near the row cap a connection no lab call is tied to keeps only its
 * summary: the status line says how many of its packets are not listed, in
 * the timeline's language, as it says how many old rows went. */
static void status_line_counts_rows_not_kept(void **state)
{
	struct fixture *f = *state;
	struct screen_status st = {.mode = "replay"};
	char line[1024];
	static const struct {
		enum lang lang;
		const char *want; /* %llu: the packets not listed */
	} cases[] = {
		{LANG_EN, "%llu packets of other connections not listed"},
		{LANG_ZH, "其他连接的 %llu 个报文段未列出"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char want[160];

		timeline_free(f->tl);
		screen_init(&f->s, true, false, false);
		/* icmp.jsonl: 15 packets of connections without lab calls */
		f->tl = timeline_new(&(struct timeline_config){.max_rows = 4, .lang = cases[i].lang});
		fixture_read_of("icmp.jsonl", add_to, f);
		assert_true(timeline_skipped(f->tl) > 0);
		line_with(f, &st, 0, line, sizeof(line));
		snprintf(want, sizeof(want), cases[i].want, (unsigned long long)timeline_skipped(f->tl));
		assert_non_null(strstr(line, want));
	}
}

/* The help box: box-drawing corners with box-drawing lines, or + with
 * --ascii; never the two mixed. */
static void help_box_has_one_set_of_corners(void **state)
{
	struct fixture *f = *state;
	struct screen_status st = {0};
	char line[1024];
	int corners = 0, pluses = 0;

	keys(f, "?");
	screen_compose(&f->s, f->tl, &st, &f->g);
	for (int y = 0; y < f->g.h; y++) {
		grid_line(&f->g, y, line, sizeof(line));
		corners += strstr(line, "┌") != NULL || strstr(line, "└") != NULL;
		pluses += strstr(line, "+─") != NULL || strstr(line, "─+") != NULL;
	}
	assert_int_equal(corners, 2);
	assert_int_equal(pluses, 0);
	f->s.ascii = true;
	screen_compose(&f->s, f->tl, &st, &f->g);
	corners = 0;
	for (int y = 0; y < f->g.h; y++) {
		grid_line(&f->g, y, line, sizeof(line));
		corners += strstr(line, "+-") != NULL;
		assert_null(strstr(line, "─"));
	}
	assert_int_equal(corners, 2);
}

/* With the timeline in Chinese the screen's own words are Chinese too. */
static void chinese_screen(void **state)
{
	struct fixture *f = *state;
	struct screen_status st = {.source = "lo", .mode = "演示 echo", .packets = 13};
	char line[1024];

	timeline_free(f->tl);
	screen_init(&f->s, false, false, false);
	f->tl = timeline_new(&(struct timeline_config){.lang = LANG_ZH});
	fixture_read(add_to, f);
	line_with(f, &st, 0, line, sizeof(line));
	assert_string_equal(line, " socklab  演示 echo  lo  报文段 13  丢弃 0  跟随中");
	keys(f, "g");
	assert_true(screen_has(f, "客户端 CLOSED"));
	assert_true(screen_has(f, "服务器 socket(AF_INET, SOCK_STREAM, 0) …：创建一个端点并返回描述符；"));
	assert_true(screen_has(f, "已暂停"));
	assert_true(screen_has(f, "j/k 移动"));
	keys(f, "d");
	assert_true(screen_has(f, "服务器 pid 200，第 1 个调用"));
	keys(f, "x");
	grid_free(&f->g);
	assert_int_equal(grid_init(&f->g, 60, 20), 0);
	assert_true(screen_has(f, "终端太小：60x20"));
}

/* --ascii on a terminal that shows UTF-8, in Chinese: the Chinese text
 * stays (no "?"), and every line, corner and arrow is ASCII. */
static void ascii_lines_keep_the_chinese_text(void **state)
{
	static const uint32_t drawing[] = {0x2500, 0x2502, 0x250c, 0x2510, 0x2514, 0x2518, 0x25b6, 0x25c0, 0x2192};
	struct fixture *f = *state;
	struct screen_status st = {.source = "lo", .mode = "演示 echo", .packets = 13};
	char line[1024];
	int arrows = 0, rules = 0, corners = 0;

	timeline_free(f->tl);
	screen_init(&f->s, false, false, false);
	f->s.ascii_lines = true;
	f->tl = timeline_new(&(struct timeline_config){.lang = LANG_ZH});
	fixture_read(add_to, f);
	keys(f, "g");
	line_with(f, &st, 0, line, sizeof(line));
	assert_string_equal(line, " socklab  演示 echo  lo  报文段 13  丢弃 0  已暂停");
	assert_true(screen_has(f, "客户端 CLOSED"));
	assert_true(screen_has(f, "创建一个端点并返回描述符"));
	for (int y = 0; y < f->g.h; y++) {
		grid_line(&f->g, y, line, sizeof(line));
		assert_null(strchr(line, '?'));
		arrows += strstr(line, "-->") != NULL || strstr(line, "<--") != NULL;
		rules += strstr(line, "-- 讲解 --") != NULL;
		for (int x = 0; x < f->g.w; x++)
			for (size_t i = 0; i < sizeof(drawing) / sizeof(drawing[0]); i++)
				assert_int_not_equal(f->g.cells[y * f->g.w + x].ch, drawing[i]);
	}
	assert_true(arrows > 0);
	assert_int_equal(rules, 1);
	keys(f, "?");
	screen_compose(&f->s, f->tl, &st, &f->g);
	for (int y = 0; y < f->g.h; y++) {
		grid_line(&f->g, y, line, sizeof(line));
		corners += strstr(line, "+-") != NULL;
		assert_null(strstr(line, "─"));
	}
	assert_int_equal(corners, 2);
	assert_true(screen_has(f, "socklab 按键"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(follows_then_goes_back_in_time, setup, teardown),
		cmocka_unit_test_setup_teardown(says_kernel_records_lost, setup, teardown),
		cmocka_unit_test(connection_named_before_it_appears),
		cmocka_unit_test_setup_teardown(search_details_help, setup, teardown),
		cmocka_unit_test_setup_teardown(connections_and_zoom, setup, teardown),
		cmocka_unit_test_setup_teardown(too_small, setup, teardown),
		cmocka_unit_test_setup_teardown(status_line_drops_whole_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(status_line_counts_rows_not_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(help_box_has_one_set_of_corners, setup, teardown),
		cmocka_unit_test_setup_teardown(chinese_screen, setup, teardown),
		cmocka_unit_test_setup_teardown(ascii_lines_keep_the_chinese_text, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
