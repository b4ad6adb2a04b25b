/* test_export.c: the known echo sequence as plain text, Mermaid and CSV. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "fixture.h"

struct lines {
	char text[200][512];
	int n;
};

static void collect(const char *line, void *ctx)
{
	struct lines *l = ctx;

	if (l->n < 200)
		snprintf(l->text[l->n++], sizeof(l->text[0]), "%s", line);
}

static int index_of(const struct lines *l, const char *text)
{
	for (int i = 0; i < l->n; i++)
		if (strcmp(l->text[i], text) == 0)
			return i;
	fail_msg("no line '%s'", text);
	return -1;
}

static void mermaid_sequence(void **state)
{
	struct timeline *tl = fixture_load();
	struct export_opts o = {EXPORT_MERMAID, 1, 100, false};
	struct lines *l = calloc(1, sizeof(*l));

	(void)state;
	assert_int_equal(export_timeline(tl, &o, collect, l), 0);
	assert_string_equal(l->text[0], "sequenceDiagram");
	assert_string_equal(l->text[1], "    participant C as client 127.0.0.1:50000");
	assert_true(index_of(l, "    Note left of C: connect(3, 127.0.0.1:9000) ...") <
		    index_of(l, "    C->>S: SYN seq=0"));
	assert_int_equal(index_of(l, "    C->>S: SYN seq=0") + 1, index_of(l, "    Note left of C: CLOSED -> SYN_SENT"));
	assert_true(index_of(l, "    S->>C: SYN|ACK seq=0 ack=1") < index_of(l, "    Note left of C: connect(3) = 0"));
	free(l);
	timeline_free(tl);
}

static void csv_one_row_per_state_change(void **state)
{
	struct timeline *tl = fixture_load();
	struct export_opts o = {EXPORT_CSV, 0, 100, false};
	struct lines *l = calloc(1, sizeof(*l));

	(void)state;
	assert_int_equal(export_timeline(tl, &o, collect, l), 0);
	assert_string_equal(l->text[0], "ts_ns,conn,client,server,role,from,to,why");
	assert_int_equal(l->n, 1 + 10); /* the fixture's ten state events */
	assert_string_equal(l->text[1], "1764107207000115000,1,127.0.0.1:50000,127.0.0.1:9000,client,CLOSED,SYN_SENT,"
					"\"the client sent its SYN: connect() started the handshake\"");
	free(l);
	timeline_free(tl);
}

static void text_is_the_ladder(void **state)
{
	struct timeline *tl = fixture_load();
	struct export_opts o = {EXPORT_TEXT, 1, 80, true};
	struct lines *l = calloc(1, sizeof(*l));

	(void)state;
	assert_int_equal(export_timeline(tl, &o, collect, l), 0);
	assert_string_equal(l->text[0], " CLIENT TIME_WAIT       |        connection #1         | SERVER CLOSED");
	assert_int_equal(l->n, 2 + (int)timeline_count(tl)); /* header + every row: all are #1 */
	index_of(l, "               SYN_SENT |--SYN seq=0------------------>| SYN_RCVD");
	free(l);
	timeline_free(tl);
}

static void format_names(void **state)
{
	enum export_format f;

	(void)state;
	assert_int_equal(export_format_parse("mermaid", &f), 0);
	assert_int_equal(f, EXPORT_MERMAID);
	assert_int_equal(export_format_parse("svg", &f), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mermaid_sequence),
		cmocka_unit_test(csv_one_row_per_state_change),
		cmocka_unit_test(text_is_the_ladder),
		cmocka_unit_test(format_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
