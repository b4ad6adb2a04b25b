/* test_text_ladder.c: the ladder printed while it grows: rows once they are
 * old enough, each once, in time order; a row that sorts in before what is
 * printed is left out, rows dropped from the front do not hide new ones, a
 * failed write is reported. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event_parse.h"
#include "text_ladder.h"

struct printed {
	struct timeline *tl;
	struct text_ladder text;
	char *buf;
	size_t len;
};

static void open_printed(struct printed *p, const struct timeline_config *cfg)
{
	p->tl = timeline_new(cfg);
	assert_non_null(p->tl);
	p->buf = NULL;
	FILE *out = open_memstream(&p->buf, &p->len);
	assert_non_null(out);
	text_ladder_init(&p->text, p->tl, 100, true, out);
}

static void close_printed(struct printed *p)
{
	fclose(p->text.out);
	free(p->buf);
	timeline_free(p->tl);
}

/* A server call returning at ts_ns, added as the session adds rows. */
static void add_call(struct printed *p, uint64_t ts_ns, const char *call)
{
	char json[512], err[256];
	struct ui_event ev;
	uint64_t dropped = timeline_dropped(p->tl);
	bool before;
	long pos;

	snprintf(json, sizeof(json),
		 "{\"type\":\"call\",\"ts_ns\":%llu,\"phase\":\"exit\",\"proc\":\"server\",\"pid\":8,\"seq\":%llu,"
		 "\"call\":\"%s\",\"fd\":3,\"args\":\"3\",\"ret\":0,\"errno\":null}",
		 (unsigned long long)ts_ns, (unsigned long long)ts_ns, call);
	if (ui_event_parse(json, strlen(json), &ev, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	pos = timeline_add(p->tl, &ev, &before);
	assert_true(pos >= 0);
	text_ladder_row_added(&p->text, pos, before, dropped);
}

/* How many times text occurs in what was printed. */
static int times_printed(struct printed *p, const char *text)
{
	int n = 0;

	fflush(p->text.out);
	for (const char *s = p->buf; s && (s = strstr(s, text)); s += strlen(text))
		n++;
	return n;
}

static void rows_are_printed_once_when_old_enough(void **state)
{
	struct printed p;

	(void)state;
	open_printed(&p, NULL);
	add_call(&p, 1000, "bind");
	add_call(&p, 2000, "listen");
	add_call(&p, 3000, "accept");
	assert_int_equal(text_ladder_print(&p.text, 2000), 0);
	assert_int_equal(times_printed(&p, "bind(3) = 0"), 1);
	assert_int_equal(times_printed(&p, "listen(3) = 0"), 1);
	assert_int_equal(times_printed(&p, "accept(3) = 0"), 0); /* not old enough yet */
	assert_int_equal(text_ladder_print(&p.text, TEXT_LADDER_ALL), 0);
	assert_int_equal(times_printed(&p, "listen(3) = 0"), 1);
	assert_int_equal(times_printed(&p, "accept(3) = 0"), 1);
	assert_true(strstr(p.buf, "bind(3)") < strstr(p.buf, "listen(3)"));
	assert_true(strstr(p.buf, "listen(3)") < strstr(p.buf, "accept(3)"));
	close_printed(&p);
}

/* A call delivered late sorts in before rows already printed: it is left
 * out rather than printed out of order, and the rows after it still come. */
static void a_late_row_is_left_out_and_the_next_still_printed(void **state)
{
	struct printed p;

	(void)state;
	open_printed(&p, NULL);
	add_call(&p, 1000, "bind");
	add_call(&p, 3000, "accept");
	assert_int_equal(text_ladder_print(&p.text, 3000), 0);
	add_call(&p, 2000, "listen"); /* sorts in between the two printed rows */
	add_call(&p, 4000, "close");
	assert_int_equal(text_ladder_print(&p.text, TEXT_LADDER_ALL), 0);
	assert_int_equal(times_printed(&p, "listen(3)"), 0);
	assert_int_equal(times_printed(&p, "accept(3) = 0"), 1);
	assert_int_equal(times_printed(&p, "close(3) = 0"), 1);
	close_printed(&p);
}

/* Rows dropped from the timeline's front move the printed count back with
 * them: the rows that came after are printed, none twice. */
static void dropped_rows_do_not_hide_new_ones(void **state)
{
	struct timeline_config cfg = {.max_rows = 4, .max_conns = 4};
	struct printed p;
	char name[32];

	(void)state;
	open_printed(&p, &cfg);
	for (int i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "call%d", i);
		add_call(&p, 1000 + (uint64_t)i, name);
	}
	assert_int_equal(text_ladder_print(&p.text, TEXT_LADDER_ALL), 0);
	for (int i = 4; i < 7; i++) { /* three old rows go */
		snprintf(name, sizeof(name), "call%d", i);
		add_call(&p, 1000 + (uint64_t)i, name);
	}
	assert_true(timeline_dropped(p.tl) >= 3);
	assert_int_equal(text_ladder_print(&p.text, TEXT_LADDER_ALL), 0);
	for (int i = 0; i < 7; i++) {
		snprintf(name, sizeof(name), "call%d(3) = 0", i);
		assert_int_equal(times_printed(&p, name), 1);
	}
	close_printed(&p);
}

static void skipped_rows_are_counted_and_reprinted_on_request(void **state)
{
	struct printed p;

	(void)state;
	open_printed(&p, NULL);
	add_call(&p, 1000, "bind");
	add_call(&p, 2000, "listen");
	add_call(&p, 3000, "accept");
	assert_int_equal(text_ladder_print(&p.text, 1000), 0);
	assert_int_equal(text_ladder_skip(&p.text), 2);
	assert_int_equal(text_ladder_print(&p.text, TEXT_LADDER_ALL), 0);
	assert_int_equal(times_printed(&p, "listen(3)"), 0);
	text_ladder_reprint(&p.text, 2000, 3000); /* from 2000, before 3000 */
	assert_int_equal(times_printed(&p, "listen(3) = 0"), 1);
	assert_int_equal(times_printed(&p, "accept(3)"), 0);
	assert_int_equal(times_printed(&p, "bind(3) = 0"), 1);
	close_printed(&p);
}

static void a_failed_write_is_reported(void **state)
{
	struct timeline *tl = timeline_new(NULL);
	struct text_ladder text;
	FILE *full = fopen("/dev/full", "w");

	(void)state;
	if (!full)
		skip();
	text_ladder_init(&text, tl, 100, true, full);
	text_ladder_line("a line nobody can write", &text);
	assert_int_equal(text_ladder_print(&text, TEXT_LADDER_ALL), -1);
	assert_true(text.failed);
	fclose(full);
	timeline_free(tl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rows_are_printed_once_when_old_enough),
		cmocka_unit_test(a_late_row_is_left_out_and_the_next_still_printed),
		cmocka_unit_test(dropped_rows_do_not_hide_new_ones),
		cmocka_unit_test(skipped_rows_are_counted_and_reprinted_on_request),
		cmocka_unit_test(a_failed_write_is_reported),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
