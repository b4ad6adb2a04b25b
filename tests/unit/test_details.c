/* test_details.c: the details of a row (d) as layers and hex, drawn from
 * a real frame kept in the frame store (tests/golden/echo.pcap's SYN and
 * arp-veth.pcap's ARP request); ARP rows in the timeline; arp records read
 * back. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "details.h"
#include "event_parse.h"
#include "explain.h"
#include "golden_frames.h"
#include "output.h"
#include "screen.h"

#define TS 1795643769614378020ull

/* The SYN's packet record, as the flow table makes it from the frame. */
static void syn_event(struct ui_event *ev)
{
	struct segment seg;

	assert_int_equal(decode_frame(LINK_ETHERNET, echo_syn, echo_syn_len, echo_syn_len, &seg), DECODE_OK);
	memset(ev, 0, sizeof(*ev));
	ev->type = UEV_PACKET;
	ev->ts_ns = TS;
	ev->u.packet = (struct ui_packet){.conn = 1, .src = seg.src, .dst = seg.dst, .from_client = true,
					  .flags = seg.flags, .abs_seq = seg.seq, .win = seg.win, .opt = seg.opt};
}

static bool grid_has(const struct grid *g, const char *text, int *line)
{
	char buf[1024];

	for (int y = 0; y < g->h; y++) {
		grid_line(g, y, buf, sizeof(buf));
		if (strstr(buf, text)) {
			if (line)
				*line = y;
			return true;
		}
	}
	return false;
}

static void draw(struct timeline *tl, const struct frames *fs, bool no_file, struct details_view *v,
		 struct grid *g)
{
	grid_clear(g);
	details_draw(tl, 0, fs, no_file, v, g, 0, 0, g->w, g->h, false);
}

static void layers_fields_and_hex(void **state)
{
	struct timeline *tl = timeline_new(&(struct timeline_config){.lang = LANG_EN});
	struct timeline *zh = timeline_new(&(struct timeline_config){.lang = LANG_ZH});
	struct frames *fs = frames_new();
	struct details_view v = {0};
	struct ui_event ev;
	struct grid g;
	int y = 0;

	(void)state;
	assert_int_equal(grid_init(&g, 100, 60), 0);
	syn_event(&ev);
	assert_true(timeline_add(tl, &ev, NULL) >= 0);
	assert_true(timeline_add(zh, &ev, NULL) >= 0);
	/* no frame kept: the pane says why and still shows the record */
	draw(tl, fs, true, &v, &g);
	assert_true(grid_has(&g, "FILE.pcapng", NULL));
	assert_true(grid_has(&g, "flags SYN", NULL));
	assert_int_equal(frames_add(fs, LINK_ETHERNET, TS, echo_syn, echo_syn_len, echo_syn_len), 0);
	assert_non_null(details_frame(fs, timeline_row(tl, 0)));
	draw(tl, fs, false, &v, &g);
	assert_true(grid_has(&g, "frame: 74 bytes captured, 74 on the wire, link type Ethernet", NULL));
	assert_true(grid_has(&g, "▾ Ethernet II", NULL));
	assert_true(grid_has(&g, "Type: IPv4 (0x0800)", NULL));
	assert_true(grid_has(&g, "0000  00 00 00 00 00 00 00 00  00 00 00 00 08 00 45 00  ..............E.", &y));
	/* the Ethernet header's 14 bytes are highlighted, the IP header's not */
	assert_true(g.cells[y * g.w + details_hex_col(13)].attr & ATTR_SELECTED);
	assert_false(g.cells[y * g.w + details_hex_col(14)].attr & ATTR_SELECTED);
	/* two layers on: TCP, its fields, its bytes from offset 34 */
	v.layer += 2;
	draw(tl, fs, false, &v, &g);
	assert_true(grid_has(&g, "▾ Transmission Control Protocol  60182 → 47311 [SYN] len 0", NULL));
	assert_true(grid_has(&g, "Source Port: 60182", NULL));
	assert_true(grid_has(&g, "Flags: 0x002 (SYN)", NULL));
	assert_true(grid_has(&g, "Options: 20 bytes: MSS 65495, SACK_PERM, TS val 2051815087 ecr 0, WS 10", NULL));
	assert_false(grid_has(&g, "Type: IPv4", NULL));
	assert_true(grid_has(&g, "0020  00 01 eb 16", &y));
	assert_false(g.cells[y * g.w + details_hex_col(1)].attr & ATTR_SELECTED);
	assert_true(g.cells[y * g.w + details_hex_col(2)].attr & ATTR_SELECTED);
	assert_true(g.cells[y * g.w + details_ascii_col(2)].attr & ATTR_SELECTED);
	/* past the last layer: back to the first */
	v.layer++;
	draw(tl, fs, false, &v, &g);
	assert_int_equal(v.layer, 0);
	/* in Chinese */
	v.layer = 2;
	draw(zh, fs, false, &v, &g);
	assert_true(grid_has(&g, "传输控制协议（TCP）", NULL));
	assert_true(grid_has(&g, "源端口：60182", NULL));
	assert_true(grid_has(&g, "窗口：65495", NULL));
	grid_free(&g);
	frames_free(fs);
	timeline_free(tl);
	timeline_free(zh);
}

/* A small box scrolls; the selected layer's line stays in sight. */
static void scrolls(void **state)
{
	struct timeline *tl = timeline_new(NULL);
	struct frames *fs = frames_new();
	struct details_view v = {.layer = 2};
	struct ui_event ev;
	struct grid g;

	(void)state;
	assert_int_equal(grid_init(&g, 80, 8), 0);
	syn_event(&ev);
	timeline_add(tl, &ev, NULL);
	frames_add(fs, LINK_ETHERNET, TS, echo_syn, echo_syn_len, echo_syn_len);
	draw(tl, fs, false, &v, &g);
	assert_true(grid_has(&g, "Transmission Control Protocol", NULL));
	v.scroll = 1000;
	draw(tl, fs, false, &v, &g);
	assert_true(v.scroll > 0 && v.scroll < 1000);
	grid_free(&g);
	frames_free(fs);
	timeline_free(tl);
}

/* An arp record as socklab-trace writes it, read back, made a row in the
 * views of the connections its hosts have, drawn from the sender's side,
 * its frame found. */
static void arp_rows(void **state)
{
	struct timeline *tl = timeline_new(NULL);
	struct frames *fs = frames_new();
	struct arp_packet arp;
	struct ui_event ev, syn;
	char line[OUTPUT_LINE_MAX], err[256], text[4096];
	long pos;
	int len;

	(void)state;
	assert_int_equal(decode_arp(LINK_ETHERNET, arp_request, arp_request_len, &arp), DECODE_OK);
	len = output_arp_json(&arp, TS - 1000, line, sizeof(line));
	assert_true(len > 0);
	assert_string_equal(line, "{\"type\":\"arp\",\"ts_ns\":1795643769614377020,\"op\":\"request\","
				  "\"sender_mac\":\"ce:18:06:92:c3:2e\",\"sender_ip\":\"10.77.0.1\","
				  "\"target_mac\":\"00:00:00:00:00:00\",\"target_ip\":\"10.77.0.2\"}");
	assert_int_equal(ui_event_parse(line, (size_t)len, &ev, err, sizeof(err)), 0);
	assert_int_equal(ev.type, UEV_ARP);
	assert_memory_equal(&ev.u.arp, &arp, sizeof(arp));
	assert_int_equal(ui_event_parse("{\"type\":\"arp\",\"ts_ns\":1,\"op\":\"ask\"}", 35, &ev, err, sizeof(err)), -1);
	pos = timeline_add(tl, &(struct ui_event){.type = UEV_ARP, .ts_ns = TS - 1000, .u.arp = arp}, NULL);
	assert_int_equal(pos, 0);
	/* a connection between the two hosts: the ARP row is in its view, the client's */
	syn_event(&syn);
	endpoint_parse("10.77.0.1:33920", &syn.u.packet.src);
	endpoint_parse("10.77.0.2:8080", &syn.u.packet.dst);
	timeline_add(tl, &syn, NULL);
	assert_true(timeline_row_in_view(tl, timeline_row(tl, 0), 1));
	assert_int_equal(timeline_arp_side(tl, timeline_row(tl, 0), 1), ROLE_CLIENT);
	explain_row(tl, 0, text, sizeof(text));
	assert_non_null(strstr(text, "ARP who-has 10.77.0.2 tell 10.77.0.1"));
	assert_non_null(strstr(text, "loopback (lo) has no link-layer addresses"));
	frames_add(fs, LINK_ETHERNET, TS - 1000, arp_request, arp_request_len, arp_request_len);
	assert_non_null(details_frame(fs, timeline_row(tl, 0)));
	frames_free(fs);
	timeline_free(tl);
}

/* The frame store drops its oldest frames past its bounds. */
static void frames_bounded(void **state)
{
	struct frames *fs = frames_new();
	static uint8_t big[1 << 20];

	(void)state;
	for (uint64_t i = 0; i < 40; i++)
		assert_int_equal(frames_add(fs, LINK_ETHERNET, i, big, sizeof(big), sizeof(big)), 0);
	assert_int_equal(frames_count(fs), FRAMES_MAX_BYTES / sizeof(big));
	assert_null(frames_at(fs, 0, 0));
	assert_non_null(frames_at(fs, 39, 0));
	frames_free(fs);
}

/* Frames with the same stamp are found newest first, in time order (by
 * bisection) and in a file whose stamps go back (by a scan). */
static void frames_found_by_stamp(void **state)
{
	static const uint64_t in_order[] = {5, 7, 7, 7, 9}, back[] = {5, 9, 7, 7, 3, 7};
	const struct {
		const uint64_t *ts;
		size_t n;
	} cases[] = {{in_order, 5}, {back, 6}};
	uint8_t b[6];

	(void)state;
	for (size_t c = 0; c < 2; c++) {
		struct frames *fs = frames_new();
		for (size_t i = 0; i < cases[c].n; i++) {
			b[0] = (uint8_t)i;
			assert_int_equal(frames_add(fs, LINK_ETHERNET, cases[c].ts[i], b, 1, 1), 0);
		}
		/* the 7s, newest first: the frames added last come first */
		uint8_t want[3];
		for (size_t i = cases[c].n, k = 0; i-- > 0;)
			if (cases[c].ts[i] == 7)
				want[k++] = (uint8_t)i;
		for (size_t k = 0; k < 3; k++)
			assert_int_equal(frames_at(fs, 7, k)->bytes[0], want[k]);
		assert_null(frames_at(fs, 7, 3));
		assert_null(frames_at(fs, 6, 0));
		assert_null(frames_at(fs, 10, 0));
		assert_int_equal(frames_at(fs, 5, 0)->bytes[0], 0);
		assert_null(frames_at(fs, 5, 1));
		frames_free(fs);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(layers_fields_and_hex),
		cmocka_unit_test(scrolls),
		cmocka_unit_test(frames_found_by_stamp),
		cmocka_unit_test(arp_rows),
		cmocka_unit_test(frames_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
