/* test_export.c: the known echo sequence as plain text, Mermaid, CSV, SVG
 * and the HTML page's data; hostile text (markup, controls, bytes that are
 * not UTF-8) put straight into the timeline comes out escaped. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event_parse.h"
#include "explain.h"
#include "export.h"
#include "fixture.h"
#include "golden_frames.h"

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

/* An ICMP error (tests/golden/icmp.jsonl: SYNs to a port with no listener)
 * is a note across both lifelines, before the state change it caused. */
static void mermaid_icmp_note(void **state)
{
	struct timeline *tl = fixture_load_of("icmp.jsonl", NULL);
	struct export_opts o = {EXPORT_MERMAID, 1, 100, false};
	struct lines *l = calloc(1, sizeof(*l));
	long abort_note;

	(void)state;
	assert_int_equal(export_timeline(tl, &o, collect, l), 0);
	abort_note = index_of(l, "    Note over C,S: ICMP port-unreachable: abort");
	assert_true(index_of(l, "    C->>S: SYN seq=0") < abort_note);
	assert_true(index_of(l, "    Note over C,S: ICMP port-unreachable: soft") < abort_note);
	assert_int_equal(abort_note + 1, index_of(l, "    Note left of C: SYN_SENT -> CLOSED"));
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

/* --ascii in Chinese: the lines and arrows are ASCII, the words stay
 * (the text lesson runner and --plain print the ladder this way). */
static void ascii_text_keeps_the_chinese_words(void **state)
{
	struct timeline *tl = timeline_new(&(struct timeline_config){.lang = LANG_ZH});
	struct export_opts o = {EXPORT_TEXT, 1, 80, true};
	struct lines *l = calloc(1, sizeof(*l));

	(void)state;
	assert_non_null(tl);
	fixture_read(fixture_add, tl);
	assert_int_equal(export_timeline(tl, &o, collect, l), 0);
	assert_non_null(strstr(l->text[0], "客户端 TIME_WAIT"));
	assert_non_null(strstr(l->text[0], "连接 #1"));
	for (int i = 0; i < l->n; i++) {
		assert_null(strchr(l->text[i], '?'));
		for (const char *p = l->text[i]; *p; p++) /* no box drawing or arrows: U+2500.., U+25B6, U+25C0 */
			assert_false((unsigned char)p[0] == 0xe2 && ((unsigned char)p[1] == 0x94 || (unsigned char)p[1] == 0x96));
	}
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
	assert_int_equal(export_format_parse("svg", &f), 0);
	assert_int_equal(f, EXPORT_SVG);
	assert_int_equal(export_format_parse("html", &f), 0);
	assert_int_equal(f, EXPORT_HTML);
	assert_int_equal(export_format_parse("png", &f), -1);
}

/* Every line of a long output, kept whole. */
struct out {
	char **line;
	int n, cap;
};

static void keep(const char *line, void *ctx)
{
	struct out *o = ctx;

	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 256;
		o->line = realloc(o->line, (size_t)o->cap * sizeof(*o->line));
		assert_non_null(o->line);
	}
	o->line[o->n++] = strdup(line);
}

static void out_free(struct out *o)
{
	for (int i = 0; i < o->n; i++)
		free(o->line[i]);
	free(o->line);
}

static int count_with(const struct out *o, const char *text)
{
	int n = 0;

	for (int i = 0; i < o->n; i++)
		n += strstr(o->line[i], text) != NULL;
	return n;
}

/* Valid UTF-8 without C0 controls (what XML 1.0 and a JSON string allow
 * unescaped, tab aside). */
static bool clean_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int len = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 : (*p & 0xf8) == 0xf0 ? 4 : 0;
		if (len == 0 || (*p < 0x20 && *p != '\t') || (len == 2 && *p < 0xc2))
			return false;
		for (int i = 1; i < len; i++)
			if ((p[i] & 0xc0) != 0x80)
				return false;
		if (len == 3 && p[0] == 0xed && p[1] >= 0xa0) /* a surrogate */
			return false;
		p += len;
	}
	return true;
}

static void svg_is_the_ladder(void **state)
{
	struct timeline *tl = fixture_load();
	struct export_opts o = {EXPORT_SVG, 1, 100, false};
	struct export_web_opts w = {.title = "echo.jsonl"};
	struct out out = {0};

	(void)state;
	assert_int_equal(export_web(tl, &o, &w, keep, &out), 0);
	assert_string_equal(out.line[0], "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
	assert_string_equal(out.line[out.n - 1], "</svg>");
	assert_int_equal(count_with(&out, ">SYN seq=0</text>"), 1);
	assert_int_equal(count_with(&out, ">SYN|ACK seq=0 ack=1</text>"), 1);
	assert_int_equal(count_with(&out, ">connect(3, 127.0.0.1:9000) …</text>"), 1);
	assert_int_equal(count_with(&out, ">FIN_WAIT_2→TIME_WAIT</text>"), 1);
	assert_int_equal(count_with(&out, ">CLIENT 127.0.0.1:50000</text>"), 1);
	/* one time label a row: every row of the fixture is connection #1's */
	assert_int_equal(count_with(&out, "text-anchor=\"end\">0."), (int)timeline_count(tl));
	assert_int_equal(count_with(&out, "<polygon"), 10); /* ten segments, ten arrows */
	out_free(&out);
	/* rows 11-13: three rows, the first of them the SYN */
	w.first = 11;
	w.last = 13;
	memset(&out, 0, sizeof(out));
	assert_int_equal(export_web(tl, &o, &w, keep, &out), 0);
	assert_int_equal(count_with(&out, "text-anchor=\"end\">0."), 3);
	assert_int_equal(count_with(&out, ">SYN seq=0</text>"), 1);
	assert_int_equal(count_with(&out, "rows 11-13 / 36"), 1);
	out_free(&out);
	timeline_free(tl);
}

/* The lines between the page's data tags. */
static int data_lines(const struct out *o, int *first)
{
	int i = 0, n;

	while (i < o->n && !strstr(o->line[i], "id=\"socklab-data\""))
		i++;
	*first = ++i;
	for (n = 0; i + n < o->n && strcmp(o->line[i + n], "</script>") != 0; n++)
		;
	return n;
}

static void html_carries_the_rows(void **state)
{
	struct timeline *tl = fixture_load();
	struct export_opts o = {EXPORT_HTML, 0, 100, false};
	struct export_web_opts w = {.title = "echo.jsonl", .nonce = "00ff"};
	struct out out = {0};
	int first, n;

	(void)state;
	assert_int_equal(export_web(tl, &o, &w, keep, &out), 0);
	assert_int_equal(count_with(&out, "<script nonce=\"00ff\">"), 1);
	assert_int_equal(count_with(&out, "script-src 'nonce-00ff'"), 1);
	n = data_lines(&out, &first);
	/* header, one connection, rows, strings */
	assert_true(strstr(out.line[first], "{\"v\":1,\"langs\":[\"en\"],\"lang\":\"en\",\"conn\":0,\"title\":\"echo.jsonl\""));
	assert_int_equal(count_with(&out, "{\"id\":1,\"c\":\"127.0.0.1:50000\",\"s\":\"127.0.0.1:9000\""), 1);
	assert_int_equal(count_with(&out, "[\"0.000105\",1,0,1,"), 1); /* the SYN: packet, client -> server */
	assert_int_equal(count_with(&out, "\"SYN seq=0\""), 1);         /* its label, once in the strings */
	assert_true(n > (int)timeline_count(tl) + 3);
	out_free(&out);
	/* a bad nonce is refused, not written into the page */
	w.nonce = "'><script>";
	memset(&out, 0, sizeof(out));
	assert_int_equal(export_web(tl, &o, &w, keep, &out), -1);
	out_free(&out);
	timeline_free(tl);
}

/* An ICMP error's row is not empty on the page: its line across, as the
 * terminal draws it (tests/golden/icmp.jsonl). */
static void html_icmp_row_has_its_text(void **state)
{
	struct timeline *tl = fixture_load_of("icmp.jsonl", NULL);
	struct export_opts o = {EXPORT_HTML, 0, 100, false};
	struct export_web_opts w = {.title = "icmp.jsonl", .nonce = "00ff"};
	struct out out = {0};

	(void)state;
	assert_int_equal(export_web(tl, &o, &w, keep, &out), 0);
	assert_int_equal(count_with(&out, "\"ICMP port-unreachable: abort\""), 1);
	assert_int_equal(count_with(&out, "\"ICMP port-unreachable: soft\""), 1);
	out_free(&out);
	timeline_free(tl);
}

/* The page's details: a row's frame (tests/golden/echo.pcap's SYN) goes
 * into the data's frames, dissected in both languages; past 4096 frames
 * the rows say their frame is not in the page (-3), and a call has none
 * (-1). */
static void html_carries_the_frames(void **state)
{
	struct timeline *tl = timeline_new(&(struct timeline_config){.lang = LANG_EN});
	struct frames *fs = frames_new();
	struct export_opts o = {EXPORT_HTML, 0, 100, false};
	struct export_web_opts w = {.title = "frames", .nonce = "00ff", .frames = fs};
	struct ui_event ev = {.type = UEV_CALL, .ts_ns = 1};
	struct segment seg;
	struct out out = {0};
	enum { N = 4100 };

	(void)state;
	assert_int_equal(decode_frame(LINK_ETHERNET, echo_syn, echo_syn_len, echo_syn_len, &seg), DECODE_OK);
	ev.u.call = (struct ui_call){.proc = ROLE_CLIENT, .pid = 7, .seq = -1, .call = "connect", .fd = 3};
	assert_true(timeline_add(tl, &ev, NULL) >= 0);
	for (int i = 0; i < N; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.type = UEV_PACKET;
		ev.ts_ns = 1000 + (uint64_t)i;
		ev.u.packet = (struct ui_packet){.conn = 1, .src = seg.src, .dst = seg.dst, .from_client = true,
						  .flags = seg.flags, .abs_seq = seg.seq, .win = seg.win};
		assert_true(timeline_add(tl, &ev, NULL) >= 0);
		assert_int_equal(frames_add(fs, LINK_ETHERNET, ev.ts_ns, echo_syn, echo_syn_len, echo_syn_len), 0);
	}
	assert_int_equal(timeline_count(tl), N + 1);
	assert_int_equal(export_web(tl, &o, &w, keep, &out), 0);
	assert_int_equal(count_with(&out, ",-1]"), 1);     /* the call */
	assert_int_equal(count_with(&out, ",0]"), 1);      /* the first SYN: frame 0 */
	assert_int_equal(count_with(&out, ",4095]"), 1);   /* the last the page keeps */
	assert_int_equal(count_with(&out, ",-3]"), N - 4096);
	/* each frame's bytes, and its layers in English and Chinese */
	assert_int_equal(count_with(&out, "{\"b\":["), 4096);
	assert_int_equal(count_with(&out, "\"Transmission Control Protocol\""), 1);
	assert_int_equal(count_with(&out, "\"传输控制协议（TCP）\""), 1);
	assert_int_equal(count_with(&out, "\"40 字节 (10)\""), 1);
	out_free(&out);
	frames_free(fs);
	timeline_free(tl);
}

/* The fixture with its first state change's reason as the catalog's key. */
static void add_keyed(const struct ui_event *ev, void *ctx)
{
	struct ui_event copy = *ev;

	if (copy.type == UEV_STATE && copy.u.state.to == TCPS_SYN_SENT)
		snprintf(copy.u.state.why, sizeof(copy.u.state.why), "connect");
	timeline_add(ctx, &copy, NULL);
}

/* How many rows explain_row() words the same in both timelines. */
static int rows_explained_alike(const struct timeline *a, const struct timeline *b)
{
	static char ta[8192], tb[8192]; /* as big as export_web.c gives it */
	int alike = 0;

	for (long i = 0; i < (long)timeline_count(a); i++) {
		explain_row(a, i, ta, sizeof(ta));
		explain_row(b, i, tb, sizeof(tb));
		alike += strcmp(ta, tb) == 0;
	}
	return alike;
}

static void html_has_both_languages(void **state)
{
	struct timeline *en = timeline_new(&(struct timeline_config){.lang = LANG_EN});
	struct timeline *zh = timeline_new(&(struct timeline_config){.lang = LANG_ZH});
	struct export_opts o = {EXPORT_HTML, 0, 100, false};
	struct export_web_opts w = {.lang = LANG_ZH, .other = zh};
	char sentence[WHY_TEXT_MAX];
	struct out out = {0};

	(void)state;
	fixture_read(add_keyed, en);
	fixture_read(add_keyed, zh);
	assert_int_equal(export_web(en, &o, &w, keep, &out), 0);
	assert_int_equal(count_with(&out, "\"langs\":[\"en\",\"zh\"],\"lang\":\"zh\""), 1);
	assert_true(why_format(WHY_CONNECT, LANG_ZH, false, 0, 0, sentence, sizeof(sentence)) > 0);
	assert_int_equal(count_with(&out, sentence), 1);
	assert_true(why_format(WHY_CONNECT, LANG_EN, false, 0, 0, sentence, sizeof(sentence)) > 0);
	/* stored in pieces at ": " (the player joins them again) */
	for (char *p = sentence, *colon; p; p = colon ? colon + 2 : NULL) {
		char piece[WHY_TEXT_MAX + 2];
		colon = strstr(p, ": ");
		snprintf(piece, sizeof(piece), "\"%.*s\"", colon ? (int)(colon - p) : (int)strlen(p), p);
		assert_int_equal(count_with(&out, piece), 1);
	}
	/* a row whose explanation reads the same in both languages names it
	 * once (0); the others name one in each */
	assert_int_equal(count_with(&out, "],0]"), rows_explained_alike(en, zh));
	assert_true(rows_explained_alike(en, zh) < (int)timeline_count(en));
	out_free(&out);
	timeline_free(en);
	timeline_free(zh);
}

/* Hostile text put straight into the timeline (the reader refuses bytes that
 * are not UTF-8; a pcap's payload or a future reader might not). */
static void add_hostile(const struct ui_event *ev, void *ctx)
{
	struct ui_event copy = *ev;

	if (copy.type == UEV_CALL && strcmp(copy.u.call.call, "connect") == 0)
		snprintf(copy.u.call.args, sizeof(copy.u.call.args),
			 "</script><svg onload=x>\x01\x1b[31m\xff\xfe\xed\xa0\x80 \xef\xbf\xbe'\"&");
	if (copy.type == UEV_PACKET && copy.u.packet.flags == TCP_SYN)
		snprintf(copy.u.packet.note, sizeof(copy.u.packet.note), "<!-- </SCRIPT \xc0\xaf");
	timeline_add(ctx, &copy, NULL);
}

static void hostile_text_escaped(void **state)
{
	struct timeline *tl = timeline_new(NULL);
	struct export_opts svg = {EXPORT_SVG, 0, 100, false}, html = {EXPORT_HTML, 0, 100, false};
	struct out out = {0};
	int first, n;

	(void)state;
	fixture_read(add_hostile, tl);
	assert_int_equal(export_web(tl, &svg, NULL, keep, &out), 0);
	for (int i = 0; i < out.n; i++) {
		assert_true(clean_utf8(out.line[i]));
		assert_null(strstr(out.line[i], "<svg onload"));
		assert_null(strstr(out.line[i], "</script"));
		assert_null(strstr(out.line[i], "\xef\xbf\xbe")); /* U+FFFE is no XML character */
	}
	assert_int_equal(count_with(&out, ">connect(&lt;/script&gt;&lt;svg onload=x&gt;??["), 1); /* cut to its lane */
	out_free(&out);
	memset(&out, 0, sizeof(out));
	assert_int_equal(export_web(tl, &html, NULL, keep, &out), 0);
	n = data_lines(&out, &first);
	assert_true(n > 3);
	for (int i = first; i < first + n; i++) {
		assert_true(clean_utf8(out.line[i]));
		assert_null(strchr(out.line[i], '<'));
		assert_null(strchr(out.line[i], '>'));
	}
	assert_int_equal(count_with(&out, "\\u003c/script\\u003e\\u003csvg onload=x\\u003e\\u0001\\u001b[31m??"), 2);
	out_free(&out);
	timeline_free(tl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mermaid_sequence),
		cmocka_unit_test(mermaid_icmp_note),
		cmocka_unit_test(html_icmp_row_has_its_text),
		cmocka_unit_test(html_carries_the_frames),
		cmocka_unit_test(csv_one_row_per_state_change),
		cmocka_unit_test(text_is_the_ladder),
		cmocka_unit_test(ascii_text_keeps_the_chinese_words),
		cmocka_unit_test(format_names),
		cmocka_unit_test(svg_is_the_ladder),
		cmocka_unit_test(html_carries_the_rows),
		cmocka_unit_test(html_has_both_languages),
		cmocka_unit_test(hostile_text_escaped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
