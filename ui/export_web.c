/* export_web.c: the ladder as one SVG picture and as one page that plays it.
 *
 * Both write the timeline's rows as the terminal draws them: the lane texts
 * come from ladder.h (call text, arrow label, time), the explanations from
 * explain.h, the states from the rows; nothing is derived again from the
 * records. The page's player (ui/web/player.js, player.css) is embedded at
 * build time (the Makefile's web_assets.c).
 *
 * Text from a recording is not trusted. In the SVG it is cut to its lane by
 * the grid (control characters and bytes that are not UTF-8 become '?') and
 * XML-escaped. In the page it is JSON inside <script type="application/json">
 * with '<', '>' and '&' written as \u escapes, so nothing in it can close
 * the element; the player puts it on the page with textContent only, and the
 * page's Content-Security-Policy runs only scripts carrying its nonce. */
#include "export_web.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "details.h"
#include "dissect.h"
#include "explain.h"
#include "json.h"
#include "ladder.h"
#include "screen_words.h"

#define WEB_LINE_MAX 65536
#define EXPLAIN_MAX 8192
#define CUT_CELLS 256
/* The page carries the details of at most this many frames and bytes of
 * frames (a frame costs the page about 1.2 KB: its hex, its layers' and
 * fields' indexes): a long class recording's page stays loadable (5 MB of
 * details at most for small frames); the rows past it say so. */
#define PAGE_FRAMES_MAX 4096
#define PAGE_FRAME_BYTES_MAX (8u << 20)
#define HEX_PIECE 4096 /* frame bytes per line of the page's data */

/* ---- a row as the ladder shows it: three lanes ---- */

enum lane { LANE_CLIENT, LANE_ARROWS, LANE_SERVER, LANE_COUNT };

struct lanes {
	const char *text[LANE_COUNT]; /* "" when empty */
	uint8_t attr[LANE_COUNT];     /* enum cell_attr */
	int dir;                      /* 1: client -> server, 2: server -> client, 0: no arrow */
	bool client_right;            /* the client lane's text leans on its lifeline (states) */
	char buf[LANE_COUNT][256];
};

/* The lanes of row r in the view of conn (0: all): an ARP row's arrow
 * leaves the host that sent it, the side that host has in that view. */
static void lanes_of(const struct timeline *tl, uint32_t conn, const struct row *r, struct lanes *l)
{
	memset(l, 0, sizeof(*l));
	for (int i = 0; i < LANE_COUNT; i++)
		l->text[i] = l->buf[i];
	switch (r->kind) {
	case ROW_PACKET:
	case ROW_STATE:
		if (r->kind == ROW_PACKET) {
			const struct ui_packet *p = &r->ev->u.packet;
			if (p->arrival) /* a two-host wire's arrival row: "SYN +50.2 ms" */
				ladder_arrival_text(p, l->buf[LANE_ARROWS], sizeof(l->buf[0]));
			else
				ladder_packet_label(p, false, l->buf[LANE_ARROWS], sizeof(l->buf[0]));
			l->attr[LANE_ARROWS] = p->flags & TCP_RST ? ATTR_ERROR : p->from_client ? ATTR_C2S : ATTR_S2C;
			l->dir = p->from_client ? 1 : 2;
		} else if (r->ev->type == UEV_ICMP) { /* a line of its own across, as on the screen */
			ladder_icmp_text(&r->ev->u.icmp, l->buf[LANE_ARROWS], sizeof(l->buf[0]));
			l->attr[LANE_ARROWS] = ATTR_ERROR;
		} else if (r->ev->type == UEV_KERNEL) { /* in its endpoint's lane, as on the screen */
			int lane = r->ev->u.kernel.role == ROLE_SERVER ? LANE_SERVER : LANE_CLIENT;
			ladder_kernel_text(&r->ev->u.kernel, timeline_lang(tl), l->buf[lane], sizeof(l->buf[0]));
			l->attr[lane] = ATTR_DIM;
		} else if (r->ev->type == UEV_ARP) {
			struct ui_packet p;
			int side = ladder_arp_wire(tl, r, conn, &p);
			if (p.arrival)
				ladder_arp_arrival_text(&r->ev->u.arp_wire, l->buf[LANE_ARROWS], sizeof(l->buf[0]));
			else
				ladder_arp_text(&r->ev->u.arp, l->buf[LANE_ARROWS], sizeof(l->buf[0]));
			l->attr[LANE_ARROWS] = ATTR_DIM;
			l->dir = side < 0 ? 0 : side == ROLE_CLIENT ? 1 : 2;
		}
		if (ladder_changes_text(r, ROLE_CLIENT, false, l->buf[LANE_CLIENT], sizeof(l->buf[0])))
			l->attr[LANE_CLIENT] = ATTR_STATE;
		if (ladder_changes_text(r, ROLE_SERVER, false, l->buf[LANE_SERVER], sizeof(l->buf[0])))
			l->attr[LANE_SERVER] = ATTR_STATE;
		l->client_right = true;
		break;
	case ROW_CALL: {
		const struct ui_call *c = &r->ev->u.call;
		enum lane lane = c->proc == ROLE_CLIENT ? LANE_CLIENT : LANE_SERVER;
		ladder_call_text(c, false, l->buf[lane], sizeof(l->buf[0]));
		l->attr[lane] = c->err[0] ? ATTR_ERROR : c->exit ? ATTR_RETURN : ATTR_CALL;
		break;
	}
	case ROW_END:
		snprintf(l->buf[LANE_ARROWS], sizeof(l->buf[0]), "released: %s", r->ev->u.end.reason);
		l->attr[LANE_ARROWS] = ATTR_DIM;
		break;
	}
}

static void time_text(const struct timeline *tl, const struct row *r, char *buf, size_t n)
{
	uint64_t t0 = timeline_t0(tl);
	char raw[32];
	const char *p = raw;

	ladder_time_text(r->ts_ns >= t0 ? r->ts_ns - t0 : 0, raw, sizeof(raw));
	while (*p == ' ')
		p++;
	snprintf(buf, n, "%s", p);
}

/* A line built in w->line goes out through fn; -1 when it did not fit. */
struct writer {
	export_line_fn fn;
	void *ctx;
	char *line;
	struct outbuf o;
	struct grid g; /* cuts text to a lane's cells, as the terminal does */
};

static int writer_init(struct writer *w, export_line_fn fn, void *ctx)
{
	w->fn = fn;
	w->ctx = ctx;
	w->line = malloc(WEB_LINE_MAX);
	if (!w->line || grid_init(&w->g, CUT_CELLS, 1) < 0) {
		free(w->line);
		return -1;
	}
	w->o = outbuf_at(w->line, WEB_LINE_MAX, 0);
	return 0;
}

static void writer_free(struct writer *w)
{
	free(w->line);
	grid_free(&w->g);
}

static struct outbuf *line_start(struct writer *w)
{
	w->o = outbuf_at(w->line, WEB_LINE_MAX, 0);
	return &w->o;
}

static int line_end(struct writer *w)
{
	if (outbuf_finish(&w->o) < 0)
		return -1;
	w->fn(w->line, w->ctx);
	return 0;
}

/* ---- SVG ---- */

#define SVG_W 1280
#define SVG_FONT 16
#define SVG_ROW_H 28
#define SVG_CELL_TENTHS 96 /* a monospace cell at 16 px: 9.6 px */
#define SVG_TOP 112    /* the first row's top, under the head's line of states */
#define SVG_TOP_ALL 84 /* every connection: no line of states */
#define SVG_MID_W 400

enum svg_word { W_CLIENT, W_SERVER, W_TIME, W_CONN, W_ALL, W_ROWS, W_COUNT };

static const char *const svg_words[W_COUNT][LANG_COUNT] = {
	[W_CLIENT] = {"CLIENT", "客户端"},
	[W_SERVER] = {"SERVER", "服务器"},
	[W_TIME] = {"time s", "时间 秒"},
	[W_CONN] = {"connection #", "连接 #"},
	[W_ALL] = {"all connections", "所有连接"},
	[W_ROWS] = {"rows", "行"},
};

struct svg_geo {
	int top; /* of the first row */
	int lx, bar1, bar2, rx;
	int lane_cells[LANE_COUNT];
	bool conn_col;
};

static struct svg_geo svg_geometry(uint32_t conn)
{
	struct svg_geo gm = {.conn_col = conn == 0, .top = conn ? SVG_TOP : SVG_TOP_ALL};
	int lw;

	gm.lx = gm.conn_col ? 170 : 112;
	lw = (SVG_W - 10 - gm.lx - SVG_MID_W) / 2;
	gm.bar1 = gm.lx + lw;
	gm.bar2 = gm.bar1 + SVG_MID_W;
	gm.rx = gm.bar2 + 10;
	gm.lane_cells[LANE_CLIENT] = (lw - 14) * 10 / SVG_CELL_TENTHS;
	gm.lane_cells[LANE_ARROWS] = (SVG_MID_W - 24) * 10 / SVG_CELL_TENTHS;
	gm.lane_cells[LANE_SERVER] = (SVG_W - 10 - gm.rx) * 10 / SVG_CELL_TENTHS;
	return gm;
}

/* Dark on white, a projector's contrast; one colour per cell_attr. */
static const char *svg_colour(uint8_t attr)
{
	switch (attr) {
	case ATTR_CALL: return "#1c4f9c";
	case ATTR_RETURN: return "#1a6b34";
	case ATTR_ERROR: return "#b3141c";
	case ATTR_STATE: return "#6a1b8a";
	case ATTR_C2S: return "#1c4f9c";
	case ATTR_S2C: return "#9a4700";
	case ATTR_DIM: return "#5f5f5f";
	default: return "#111111";
	}
}

/* Text for XML: &, <, >, quotes as entities; U+FFFE and U+FFFF (not XML
 * characters) as '?'. The input is the grid's: valid UTF-8, no controls. */
static void xml_text(struct outbuf *o, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '&': outbuf_lit(o, "&amp;"); break;
		case '<': outbuf_lit(o, "&lt;"); break;
		case '>': outbuf_lit(o, "&gt;"); break;
		case '"': outbuf_lit(o, "&quot;"); break;
		case '\'': outbuf_lit(o, "&#39;"); break;
		default:
			if (p[0] == 0xef && p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf)) {
				outbuf_char(o, '?');
				p += 2;
			} else {
				outbuf_char(o, (char)*p);
			}
		}
	}
}

/* text cut to cells (with an ellipsis), controls and bad bytes as '?'. */
static const char *cut_text(struct writer *w, const char *text, int cells, char *buf, size_t n)
{
	grid_clear(&w->g);
	grid_put(&w->g, 0, 0, text, cells < CUT_CELLS ? cells : CUT_CELLS, ATTR_NORMAL, false);
	grid_line(&w->g, 0, buf, n);
	return buf;
}

/* One <text>; anchor "start", "middle" or "end". Nothing for empty text. */
static int svg_text(struct writer *w, int x, int y, const char *anchor, uint8_t attr, int cells, int size,
		    const char *text)
{
	char cut[CUT_CELLS * 4 + 8];
	struct outbuf *o;

	cut_text(w, text, cells, cut, sizeof(cut));
	if (!cut[0])
		return 0;
	o = line_start(w);
	outbuf_printf(o, "<text x=\"%d\" y=\"%d\" fill=\"%s\"", x, y, svg_colour(attr));
	if (strcmp(anchor, "start") != 0)
		outbuf_printf(o, " text-anchor=\"%s\"", anchor);
	if (attr == ATTR_STATE || attr == ATTR_HEADER)
		outbuf_lit(o, " font-weight=\"bold\"");
	if (size != SVG_FONT)
		outbuf_printf(o, " font-size=\"%d\"", size);
	outbuf_lit(o, ">");
	xml_text(o, cut);
	outbuf_lit(o, "</text>");
	return line_end(w);
}

static int svg_arrow(struct writer *w, const struct svg_geo *gm, int y, int dir, uint8_t attr)
{
	int x1 = gm->bar1 + 3, x2 = gm->bar2 - 3, tip = dir == 1 ? x2 : x1, back = dir == 1 ? x2 - 12 : x1 + 12;
	const char *c = svg_colour(attr);
	struct outbuf *o = line_start(w);

	outbuf_printf(o, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>"
		      "<polygon points=\"%d,%d %d,%d %d,%d\" fill=\"%s\"/>",
		      x1, y, x2, y, c, tip, y, back, y - 6, back, y + 6, c);
	return line_end(w);
}

/* A two-host wire's row in the view of conn seen as a segment: a packet
 * row's own, or an ARP row's (ladder_arp_wire); false when it is neither
 * or not on a two-host wire. */
static bool wire_view(const struct timeline *tl, uint32_t conn, const struct row *r, struct ui_packet *p)
{
	if (r->kind == ROW_PACKET) {
		*p = r->ev->u.packet;
		return p->wire;
	}
	return r->ev && r->ev->type == UEV_ARP && ladder_arp_wire(tl, r, conn, p) >= 0 && p->wire;
}

/* A two-host wire: the row (among the view's rows after i) where the
 * segment (or ARP frame) of send row r arrived, or -1. */
static long arrival_row(const struct timeline *tl, uint32_t conn, const long *pos, size_t n, size_t i,
			const struct row *r, const struct ui_packet *p)
{
	for (size_t k = i + 1; k < n; k++) {
		const struct row *a = timeline_row(tl, (size_t)pos[k]);
		struct ui_packet q;

		if (a->kind != r->kind || a->conn != r->conn || a->ev->type != r->ev->type || !wire_view(tl, conn, a, &q))
			continue;
		if (q.arrival && q.sent_ns == p->sent_ns && q.flags == p->flags && q.seq == p->seq && q.ack == p->ack &&
		    q.from_client == p->from_client)
			return (long)k;
	}
	return -1;
}

/* A slanted arrow from the sender's lifeline at row i down to the
 * receiver's at row j (j < 0: lost, it stops midway with a cross). */
static int svg_slant(struct writer *w, const struct svg_geo *gm, int i, long j, int dir, uint8_t attr)
{
	int y1 = gm->top + i * SVG_ROW_H + 24, x1 = dir == 1 ? gm->bar1 + 3 : gm->bar2 - 3;
	int x2 = dir == 1 ? gm->bar2 - 3 : gm->bar1 + 3, y2 = j >= 0 ? gm->top + (int)j * SVG_ROW_H + 24 : y1;
	const char *c = svg_colour(attr);
	struct outbuf *o = line_start(w);

	if (j < 0) {
		int xm = (x1 + x2) / 2;
		outbuf_printf(o, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>"
			      "<text x=\"%d\" y=\"%d\" fill=\"%s\" font-size=\"18\" text-anchor=\"middle\">\u2717</text>",
			      x1, y1, xm, y1, c, xm, y1 + 6, svg_colour(ATTR_ERROR));
		return line_end(w);
	}
	/* the head, pointing along the line */
	double dx = x2 - x1, dy = y2 - y1, len = dx * dx + dy * dy, r = len > 1 ? len : 1;

	for (int k = 0; k < 40; k++) /* Newton's square root: no libm for one arrowhead */
		r = (r + len / r) / 2;
	len = r;
	double ux = dx / len, uy = dy / len;
	int bx = (int)(x2 - 12 * ux), by = (int)(y2 - 12 * uy);
	outbuf_printf(o, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>"
		      "<polygon points=\"%d,%d %d,%d %d,%d\" fill=\"%s\"/>",
		      x1, y1, x2, y2, c, x2, y2, (int)(bx - 6 * uy), (int)(by + 6 * ux), (int)(bx + 6 * uy),
		      (int)(by - 6 * ux), c);
	return line_end(w);
}

/* For a two-host wire's send row i: its arrival row, or -1. */
static long wire_arrival(const struct timeline *tl, uint32_t conn, const long *pos, size_t n, size_t i)
{
	const struct row *r = timeline_row(tl, (size_t)pos[i]);
	struct ui_packet p;

	if (!wire_view(tl, conn, r, &p) || p.arrival || p.lost)
		return -1;
	return arrival_row(tl, conn, pos, n, i, r, &p);
}

/* The slanted arrows of a two-host wire (segments and ARP), over every row. */
static int svg_slants(struct writer *w, const struct timeline *tl, uint32_t conn, const struct svg_geo *gm,
		      const long *pos, size_t n)
{
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		const struct row *r = timeline_row(tl, (size_t)pos[i]);
		struct ui_packet p;
		long j;

		if (!wire_view(tl, conn, r, &p) || p.arrival)
			continue;
		j = wire_arrival(tl, conn, pos, n, i);
		if (p.lost || j >= 0)
			rc |= svg_slant(w, gm, (int)i, p.lost ? -1 : j, p.from_client ? 1 : 2,
					r->kind != ROW_PACKET ? ATTR_DIM : p.flags & TCP_RST ? ATTR_ERROR
					: p.from_client ? ATTR_C2S : ATTR_S2C);
	}
	return rc;
}

static int svg_row(struct writer *w, const struct timeline *tl, uint32_t conn, const struct svg_geo *gm,
		   const struct row *r, int i, long arrived_at)
{
	int top = gm->top + i * SVG_ROW_H, base = top + 19, rc = 0;
	struct lanes l;
	struct ui_packet p;
	char text[64];

	lanes_of(tl, conn, r, &l);
	if (i % 2) {
		struct outbuf *o = line_start(w);
		outbuf_printf(o, "<rect x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#f1f3f6\"/>", top, SVG_W,
			      SVG_ROW_H);
		rc |= line_end(w);
	}
	time_text(tl, r, text, sizeof(text));
	rc |= svg_text(w, 100, base, "end", ATTR_DIM, 10, SVG_FONT, text);
	if (gm->conn_col && r->conn) {
		snprintf(text, sizeof(text), "#%" PRIu32, r->conn);
		rc |= svg_text(w, 112, base, "start", ATTR_DIM, 5, SVG_FONT, text);
	}
	if (l.client_right)
		rc |= svg_text(w, gm->bar1 - 8, base, "end", l.attr[LANE_CLIENT], gm->lane_cells[LANE_CLIENT], SVG_FONT,
			       l.text[LANE_CLIENT]);
	else
		rc |= svg_text(w, gm->lx + 4, base, "start", l.attr[LANE_CLIENT], gm->lane_cells[LANE_CLIENT],
			       SVG_FONT, l.text[LANE_CLIENT]);
	/* a two-host wire's segment is slanted from its send row to its
	 * arrival row, drawn over the rows once they are all there (svg_slants);
	 * here only one whose arrival is outside the rows shown */
	if (l.dir && (!wire_view(tl, conn, r, &p) || (!p.arrival && !p.lost && arrived_at < 0)))
		rc |= svg_arrow(w, gm, top + 24, l.dir, l.attr[LANE_ARROWS]);
	rc |= svg_text(w, (gm->bar1 + gm->bar2) / 2, base, "middle", l.attr[LANE_ARROWS],
		       gm->lane_cells[LANE_ARROWS], SVG_FONT, l.text[LANE_ARROWS]);
	rc |= svg_text(w, gm->rx, base, "start", l.attr[LANE_SERVER], gm->lane_cells[LANE_SERVER], SVG_FONT,
		       l.text[LANE_SERVER]);
	return rc;
}

/* The positions of the view's rows first..last (1-based; 0: open). */
static long *view_rows(const struct timeline *tl, const struct export_opts *o, const struct export_web_opts *wo,
		       size_t *n, long *total)
{
	long *pos = malloc((timeline_count(tl) + 1) * sizeof(*pos)), k = 0;

	*n = 0;
	if (!pos)
		return NULL;
	for (long p = timeline_step(tl, -1, 1, o->conn); p >= 0; p = timeline_step(tl, p, 1, o->conn)) {
		k++;
		if (k >= (wo->first ? wo->first : 1) && (!wo->last || k <= wo->last))
			pos[(*n)++] = p;
	}
	*total = k;
	return pos;
}

static int svg_header(struct writer *w, const struct timeline *tl, const struct export_opts *o,
		      const struct export_web_opts *wo, const struct svg_geo *gm, long first_pos, size_t n, long total)
{
	const struct conn_info *ci = o->conn ? timeline_conn(tl, o->conn) : NULL;
	enum lang lg = wo->lang < LANG_COUNT ? wo->lang : LANG_EN;
	char title[600], ep[ENDPOINT_STRLEN], ep2[ENDPOINT_STRLEN], line[160];
	struct outbuf t = outbuf_at(title, sizeof(title), 0);
	int rc = 0;

	if (wo->title)
		outbuf_printf(&t, "%s · ", wo->title);
	if (ci)
		outbuf_printf(&t, "%s%" PRIu32 "  %s ⇄ %s", svg_words[W_CONN][lg], ci->id,
			      endpoint_format(&ci->client, ep, sizeof(ep)), endpoint_format(&ci->server, ep2, sizeof(ep2)));
	else
		outbuf_lit(&t, svg_words[W_ALL][lg]);
	if (n && (wo->first > 1 || (wo->last && wo->last < total)))
		outbuf_printf(&t, " · %s %ld-%ld / %ld", svg_words[W_ROWS][lg], wo->first > 1 ? wo->first : 1,
			      (wo->first > 1 ? wo->first : 1) + (long)n - 1, total);
	outbuf_copy_cut(&t, title, sizeof(title));
	rc |= svg_text(w, 12, 32, "start", ATTR_HEADER, (SVG_W - 24) * 10 / 108, 18, title);
	rc |= svg_text(w, 100, 66, "end", ATTR_DIM, 10, SVG_FONT, svg_words[W_TIME][lg]);
	snprintf(line, sizeof(line), "%s%s%s", svg_words[W_CLIENT][lg], ci ? " " : "",
		 ci ? endpoint_format(&ci->client, ep, sizeof(ep)) : "");
	rc |= svg_text(w, gm->lx + 4, 66, "start", ATTR_HEADER, gm->lane_cells[LANE_CLIENT], SVG_FONT, line);
	snprintf(line, sizeof(line), "%s%s%s", svg_words[W_SERVER][lg], ci ? " " : "",
		 ci ? endpoint_format(&ci->server, ep, sizeof(ep)) : "");
	rc |= svg_text(w, gm->rx, 66, "start", ATTR_HEADER, gm->lane_cells[LANE_SERVER], SVG_FONT, line);
	if (ci && n) { /* the states as they were before the first row shown */
		long before = timeline_step(tl, first_pos, -1, o->conn);
		for (int role = ROLE_CLIENT; role <= ROLE_SERVER; role++) {
			enum tcp_state s = before >= 0 ? timeline_state_at(tl, before, o->conn, (enum tcp_role)role)
						       : (enum tcp_state)ci->first_state[role];
			if (role == ROLE_CLIENT)
				rc |= svg_text(w, gm->bar1 - 8, 94, "end", ATTR_STATE, gm->lane_cells[LANE_CLIENT],
					       SVG_FONT, tcp_state_name(s));
			else
				rc |= svg_text(w, gm->rx, 94, "start", ATTR_STATE, gm->lane_cells[LANE_SERVER], SVG_FONT,
					       tcp_state_name(s));
		}
	}
	return rc;
}

/* The lifelines, over the rows' bands. */
static int svg_lifelines(struct writer *w, const struct svg_geo *gm, int height)
{
	struct outbuf *o = line_start(w);

	for (int i = 0; i < 2; i++)
		outbuf_printf(o, "<line x1=\"%d\" y1=\"74\" x2=\"%d\" y2=\"%d\" stroke=\"#8a8a8a\" stroke-width=\"2\"/>",
			      i ? gm->bar2 : gm->bar1, i ? gm->bar2 : gm->bar1, height - 8);
	return line_end(w);
}

int export_svg(const struct timeline *tl, const struct export_opts *o, const struct export_web_opts *wo,
	       export_line_fn fn, void *ctx)
{
	struct svg_geo gm = svg_geometry(o->conn);
	struct writer w;
	size_t n;
	long total;
	long *pos;
	int height, rc = 0;

	if (writer_init(&w, fn, ctx) < 0)
		return -1;
	pos = view_rows(tl, o, wo, &n, &total);
	if (!pos) {
		writer_free(&w);
		return -1;
	}
	height = gm.top + (int)n * SVG_ROW_H + 16;
	fn("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", ctx);
	struct outbuf *so = line_start(&w);
	outbuf_printf(so, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		      "font-family=\"DejaVu Sans Mono, Menlo, Consolas, Noto Sans Mono CJK SC, monospace\" "
		      "font-size=\"%d\">", SVG_W, height, SVG_W, height, SVG_FONT);
	rc |= line_end(&w);
	so = line_start(&w);
	outbuf_lit(so, "<title>");
	xml_text(so, cut_text(&w, wo->title ? wo->title : "socklab", CUT_CELLS, (char[CUT_CELLS * 4 + 8]){0},
			      CUT_CELLS * 4 + 8));
	outbuf_lit(so, "</title>");
	rc |= line_end(&w);
	so = line_start(&w);
	outbuf_printf(so, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>", SVG_W, height);
	rc |= line_end(&w);
	rc |= svg_header(&w, tl, o, wo, &gm, n ? pos[0] : -1, n, total);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc |= svg_row(&w, tl, o->conn, &gm, timeline_row(tl, (size_t)pos[i]), (int)i,
			      wire_arrival(tl, o->conn, pos, n, i));
	rc |= svg_slants(&w, tl, o->conn, &gm, pos, n);
	rc |= svg_lifelines(&w, &gm, height);
	fn("</svg>", ctx);
	free(pos);
	writer_free(&w);
	return rc ? -1 : 0;
}

/* ---- HTML ---- */

/* The page's script and style (ui/web/), embedded by the Makefile. */
extern const unsigned char ui_web_player_js[], ui_web_player_css[];
extern const unsigned int ui_web_player_js_len, ui_web_player_css_len;

/* Every distinct text once: rows name them by index (a class's 200
 * connections repeat the same calls and sentences). */
struct strtab {
	char **s;
	size_t n, cap;
	uint32_t *slot; /* index + 1, 0: free */
	size_t nslot;
};

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static int strtab_grow(struct strtab *t)
{
	size_t nslot = t->nslot ? t->nslot * 2 : 1024;
	uint32_t *slot = calloc(nslot, sizeof(*slot));

	if (!slot)
		return -1;
	for (size_t i = 0; i < t->n; i++) {
		size_t k = fnv1a(t->s[i]) & (nslot - 1);
		while (slot[k])
			k = (k + 1) & (nslot - 1);
		slot[k] = (uint32_t)i + 1;
	}
	free(t->slot);
	t->slot = slot;
	t->nslot = nslot;
	return 0;
}

/* The index of s (len bytes), added when new; -1 when out of memory. */
static long strtab_id(struct strtab *t, const char *s, size_t len)
{
	char *copy = strndup(s, len);
	size_t k;

	if (!copy || ((t->n + 1) * 2 > t->nslot && strtab_grow(t) < 0)) {
		free(copy);
		return -1;
	}
	for (k = fnv1a(copy) & (t->nslot - 1); t->slot[k]; k = (k + 1) & (t->nslot - 1)) {
		if (strcmp(t->s[t->slot[k] - 1], copy) == 0) {
			free(copy);
			return (long)t->slot[k] - 1;
		}
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		char **s2 = realloc(t->s, cap * sizeof(*s2));
		if (!s2) {
			free(copy);
			return -1;
		}
		t->s = s2;
		t->cap = cap;
	}
	t->s[t->n] = copy;
	t->slot[k] = (uint32_t)++t->n;
	return (long)t->n - 1;
}

static void strtab_free(struct strtab *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->s[i]);
	free(t->s);
	free(t->slot);
}

/* s as a JSON string: valid UTF-8 (bad bytes as '?'), escaped; the line
 * is made safe for HTML as it goes out (html_line). */
static void json_text(struct outbuf *o, const char *s)
{
	size_t len = strlen(s);
	char *safe = malloc(len + 1);

	if (!safe) {
		o->ok = false;
		return;
	}
	json_safe_text(safe, len + 1, s, len);
	outbuf_json_string(o, safe);
	free(safe);
}

/* The JSON line goes out with '<', '>' and '&' as \u escapes: JSON has
 * them only inside strings, where the escapes mean the same, and without
 * them no "</script>" or "<!--" can end the data element. */
static int html_json_line(struct writer *w)
{
	static const char hex[] = "0123456789abcdef";
	char *out;
	size_t j = 0, extra = 0;

	if (outbuf_finish(&w->o) < 0)
		return -1;
	for (const char *p = w->line; *p; p++)
		extra += *p == '<' || *p == '>' || *p == '&';
	if (!extra) {
		w->fn(w->line, w->ctx);
		return 0;
	}
	out = malloc(w->o.pos + extra * 5 + 1);
	if (!out)
		return -1;
	for (const char *p = w->line; *p; p++) {
		if (*p == '<' || *p == '>' || *p == '&') {
			memcpy(out + j, "\\u00", 4);
			out[j + 4] = hex[(unsigned char)*p >> 4];
			out[j + 5] = hex[*p & 15];
			j += 6;
		} else {
			out[j++] = *p;
		}
	}
	out[j] = '\0';
	w->fn(out, w->ctx);
	free(out);
	return 0;
}

/* An embedded file, line by line. */
static int emit_asset(struct writer *w, const unsigned char *data, unsigned len)
{
	unsigned start = 0;

	for (unsigned i = 0; i <= len; i++) {
		if (i < len && data[i] != '\n')
			continue;
		if (i - start >= WEB_LINE_MAX)
			return -1;
		memcpy(w->line, data + start, i - start);
		w->line[i - start] = '\0';
		if (i < len || i > start)
			w->fn(w->line, w->ctx);
		start = i + 1;
	}
	return 0;
}

/* One paragraph: its index, or its pieces' indexes ([a,b]) when it has
 * ": " in it. A call's paragraph is "client write(3) = 5 \"hello\": copies
 * bytes ...": the text after the colon is the same in every such row, so it
 * is stored once; the player joins the pieces with ": " again. */
static int paragraph_ids(struct outbuf *o, struct strtab *st, const char *p, size_t len)
{
	const char *end = p + len, *colon;
	bool pieces = false;
	long id;

	while ((colon = memmem(p, (size_t)(end - p), ": ", 2)) != NULL) {
		if (!pieces)
			outbuf_char(o, '[');
		else
			outbuf_char(o, ',');
		if ((id = strtab_id(st, p, (size_t)(colon - p))) < 0)
			return -1;
		outbuf_printf(o, "%ld", id);
		pieces = true;
		p = colon + 2;
	}
	if ((id = strtab_id(st, p, (size_t)(end - p))) < 0)
		return -1;
	outbuf_printf(o, "%s%ld%s", pieces ? "," : "", id, pieces ? "]" : "");
	return 0;
}

/* The explanation of row pos as a list of paragraphs. */
static int explanation_ids(struct outbuf *o, struct strtab *st, const struct timeline *tl, long pos, char *buf)
{
	const char *p = buf, *nl;
	bool first = true;

	explain_row(tl, pos, buf, EXPLAIN_MAX);
	outbuf_char(o, '[');
	for (; *p; p = *nl ? nl + 1 : nl) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		if (nl == p)
			continue;
		if (!first)
			outbuf_char(o, ',');
		if (paragraph_ids(o, st, p, (size_t)(nl - p)) < 0)
			return -1;
		first = false;
	}
	outbuf_char(o, ']');
	return 0;
}

/* -1 for no text, -2 when out of memory. */
static long lane_id(struct strtab *st, const char *text)
{
	long id = text[0] ? strtab_id(st, text, strlen(text)) : -1;

	return text[0] && id < 0 ? -2 : id;
}

/* [time, conn, kind, dir, client text, attr, arrow text, attr, server text,
 *  attr, client state, server state, [explanation], [other language's] | 0,
 *  frame] where frame is the index of the row's frame in the page's
 *  "frames" (page_frame), or < 0: why it has none. */
static int html_row(struct writer *w, struct strtab *st, const struct timeline *tl, const struct timeline *other,
		    long pos, long frame, char *ex1, char *ex2)
{
	const struct row *r = timeline_row(tl, (size_t)pos);
	struct outbuf *o = line_start(w);
	char t[32];
	struct lanes l;
	long ids[LANE_COUNT];
	size_t mark;

	lanes_of(tl, 0, r, &l);
	for (int i = 0; i < LANE_COUNT; i++)
		if ((ids[i] = lane_id(st, l.text[i])) < -1)
			return -1;
	time_text(tl, r, t, sizeof(t));
	outbuf_printf(o, "%s[\"%s\",%" PRIu32 ",%d,%d,%ld,%u,%ld,%u,%ld,%u,%d,%d,", pos ? "," : "", t, r->conn,
		      (int)r->kind, l.dir, ids[0], l.attr[0], ids[1], l.attr[1], ids[2], l.attr[2],
		      r->conn ? r->state[ROLE_CLIENT] : -1, r->conn ? r->state[ROLE_SERVER] : -1);
	mark = o->pos;
	if (explanation_ids(o, st, tl, pos, ex1) < 0)
		return -1;
	if (other && timeline_row(other, (size_t)pos)) {
		size_t len = o->pos - mark;
		char *first = strndup(o->buf + mark, len);
		if (!first)
			return -1;
		outbuf_char(o, ',');
		if (explanation_ids(o, st, other, pos, ex2) < 0) {
			free(first);
			return -1;
		}
		/* the same paragraphs in both: written once */
		if (o->ok && o->pos - mark - 1 - len == len && memcmp(o->buf + mark + len + 1, first, len) == 0) {
			o->pos = mark + len;
			outbuf_lit(o, ",0");
		}
		free(first);
	} else {
		outbuf_lit(o, ",0");
	}
	outbuf_printf(o, ",%ld]", frame);
	return html_json_line(w);
}

/* ---- the details: each row's frame as layers and bytes ---- */

/* The frames the page carries, in the order rows first name them. */
struct page_frames {
	const struct frame **f;
	size_t n;
	uint64_t bytes;
};

enum {
	PAGE_FRAME_NONE = -1,    /* no frame belongs to such a row (a call, a timer's state change, a release) */
	PAGE_FRAME_NOT_KEPT = -2, /* none was kept (or the recording has no .pcapng) */
	PAGE_FRAME_OVER = -3,    /* kept, but past the page's PAGE_FRAMES_MAX or PAGE_FRAME_BYTES_MAX */
};

/* Row r's frame (details_frame: the one the terminal's details show) as
 * an index into pf, or why it has none. */
static long page_frame(struct page_frames *pf, const struct frames *fs, const struct row *r)
{
	const struct frame *f;

	if (r->kind == ROW_CALL || r->kind == ROW_END ||
	    (r->kind == ROW_STATE && (r->ev->type == UEV_STATE || r->ev->type == UEV_KERNEL)))
		return PAGE_FRAME_NONE;
	if (!(f = details_frame(fs, r)))
		return PAGE_FRAME_NOT_KEPT;
	for (size_t k = pf->n; k > 0 && k + 4 > pf->n; k--) /* the same frame as a row just before */
		if (pf->f[k - 1] == f)
			return (long)k - 1;
	if (pf->n >= PAGE_FRAMES_MAX || pf->bytes + f->caplen > PAGE_FRAME_BYTES_MAX)
		return PAGE_FRAME_OVER;
	pf->f[pf->n] = f;
	pf->bytes += f->caplen;
	return (long)pf->n++;
}

/* "[en,zh]": a text in each language, as string indexes. */
static int both_ids(struct outbuf *o, struct strtab *st, const char *en, const char *zh)
{
	long a = strtab_id(st, en, strlen(en)), b = strtab_id(st, zh, strlen(zh));

	if (a < 0 || b < 0)
		return -1;
	outbuf_printf(o, "[%ld,%ld]", a, b);
	return 0;
}

/* One frame: {"b": its bytes in hex, "h": the line over it, "c": the
 * snaplen's cut (or 0), "l": [[off, len, [name], [summary], [[off, len,
 * [name], [value]], ...]], ...]}, each [text] in English and Chinese. The
 * layers and fields are dissect.c's, dissected once per language (the
 * words inside values are the language's): the page draws them and
 * dissects nothing itself. */
static int html_frame(struct writer *w, struct strtab *st, const struct frame *f, bool first)
{
	static const char hex[] = "0123456789abcdef";
	struct dissection d[LANG_COUNT];
	struct outbuf *o = line_start(w);
	const struct link_info *li = link_info(f->link);
	char text[LANG_COUNT][256];
	unsigned wire = f->wirelen ? f->wirelen : f->caplen;

	for (int l = 0; l < LANG_COUNT; l++)
		dissect_frame_in(f->link, f->bytes, f->caplen, f->wirelen, (enum lang)l, &d[l]);
	/* the bytes in pieces of HEX_PIECE, a line each (a loopback frame
	 * can be 64 KiB) */
	outbuf_lit(o, first ? "{\"b\":[" : ",{\"b\":[");
	for (uint32_t i = 0; i < f->caplen; i += HEX_PIECE) {
		if (html_json_line(w) < 0)
			return -1;
		o = line_start(w);
		outbuf_printf(o, "%s\"", i ? "," : "");
		for (uint32_t k = i; k < f->caplen && k < i + HEX_PIECE; k++) {
			outbuf_char(o, hex[f->bytes[k] >> 4]);
			outbuf_char(o, hex[f->bytes[k] & 15]);
		}
		outbuf_char(o, '"');
	}
	outbuf_lit(o, "],\"h\":");
	for (int l = 0; l < LANG_COUNT; l++)
		snprintf(text[l], sizeof(text[l]), screen_words((enum lang)l)->layers_frame, (unsigned)f->caplen, wire,
			 li ? li->kind : "?");
	if (both_ids(o, st, text[LANG_EN], text[LANG_ZH]) < 0)
		return -1;
	outbuf_lit(o, ",\"c\":");
	if (d[LANG_EN].cut || wire > f->caplen) {
		for (int l = 0; l < LANG_COUNT; l++)
			snprintf(text[l], sizeof(text[l]), screen_words((enum lang)l)->layers_cut, (unsigned)f->caplen, wire);
		if (both_ids(o, st, text[LANG_EN], text[LANG_ZH]) < 0)
			return -1;
	} else {
		outbuf_char(o, '0');
	}
	outbuf_lit(o, ",\"l\":[");
	for (uint32_t i = 0; i < d[LANG_EN].nlayers; i++) {
		const struct dissect_layer *le = &d[LANG_EN].layers[i], *lz = &d[LANG_ZH].layers[i];
		outbuf_printf(o, "%s[%u,%u,", i ? "," : "", (unsigned)le->off, (unsigned)le->len);
		if (both_ids(o, st, dissect_layer_name(le->id, LANG_EN), dissect_layer_name(le->id, LANG_ZH)) < 0)
			return -1;
		outbuf_char(o, ',');
		if (both_ids(o, st, le->summary, lz->summary) < 0)
			return -1;
		outbuf_lit(o, ",[");
		for (uint32_t k = 0; k < le->nfields; k++) {
			const struct dissect_field *fe = &d[LANG_EN].fields[le->first + k];
			const struct dissect_field *fz = &d[LANG_ZH].fields[le->first + k];
			outbuf_printf(o, "%s[%u,%u,", k ? "," : "", (unsigned)fe->off, (unsigned)fe->len);
			if (both_ids(o, st, dissect_field_name(fe->id, LANG_EN), dissect_field_name(fe->id, LANG_ZH)) < 0)
				return -1;
			outbuf_char(o, ',');
			if (both_ids(o, st, fe->value, fz->value) < 0)
				return -1;
			outbuf_char(o, ']');
		}
		outbuf_lit(o, "]]");
	}
	outbuf_lit(o, "]}");
	return html_json_line(w);
}

/* The details' own words, from the terminal's (screen_words.c), in both
 * languages: {"bytes":[en,zh], "none":..., "nofile":...}. */
static int html_detail_words(struct outbuf *o, struct strtab *st, bool no_file)
{
	const struct screen_words *en = screen_words(LANG_EN), *zh = screen_words(LANG_ZH);

	outbuf_lit(o, ",\"dw\":{\"bytes\":");
	if (both_ids(o, st, en->layers_bytes, zh->layers_bytes) < 0)
		return -1;
	outbuf_lit(o, ",\"none\":");
	if (no_file ? both_ids(o, st, en->layers_none_file, zh->layers_none_file) < 0
		    : both_ids(o, st, en->layers_none, zh->layers_none) < 0)
		return -1;
	outbuf_char(o, '}');
	return 0;
}

/* Each connection: endpoints, and the rows not tied to any connection that
 * its view shows (its processes' calls) with its states at each. */
static int html_conns(struct writer *w, const struct timeline *tl, const long *untied, size_t nuntied)
{
	char c[ENDPOINT_STRLEN], s[ENDPOINT_STRLEN];
	bool first = true;

	for (uint32_t id = timeline_conn_next(tl, 0, 1); id; id = timeline_conn_next(tl, id, 1)) {
		const struct conn_info *ci = timeline_conn(tl, id);
		struct outbuf *o = line_start(w);
		bool any = false;

		outbuf_printf(o, "%s{\"id\":%" PRIu32 ",\"c\":", first ? "" : ",", id);
		json_text(o, endpoint_format(&ci->client, c, sizeof(c)));
		outbuf_lit(o, ",\"s\":");
		json_text(o, endpoint_format(&ci->server, s, sizeof(s)));
		outbuf_printf(o, ",\"p\":%" PRIu64 ",\"x\":[", ci->packets);
		for (size_t i = 0; i < nuntied; i++) {
			if (!timeline_row_in_view(tl, timeline_row(tl, (size_t)untied[i]), id))
				continue;
			outbuf_printf(o, "%s[%ld,%d,%d]", any ? "," : "", untied[i],
				      (int)timeline_state_at(tl, untied[i], id, ROLE_CLIENT),
				      (int)timeline_state_at(tl, untied[i], id, ROLE_SERVER));
			any = true;
		}
		outbuf_lit(o, "]}");
		if (html_json_line(w) < 0)
			return -1;
		first = false;
	}
	return 0;
}

static int html_data(struct writer *w, const struct timeline *tl, uint32_t conn, const struct export_web_opts *o)
{
	size_t count = timeline_count(tl), nuntied = 0;
	long *untied = malloc((count + 1) * sizeof(*untied));
	char *ex1 = malloc(EXPLAIN_MAX), *ex2 = malloc(EXPLAIN_MAX);
	struct page_frames pf = {.f = malloc((count + 1) * sizeof(*pf.f))};
	struct strtab st = {0};
	struct outbuf *ob;
	int rc = -1;

	if (!untied || !ex1 || !ex2 || !pf.f)
		goto out;
	for (size_t i = 0; i < count; i++)
		if (timeline_row(tl, i)->conn == 0)
			untied[nuntied++] = (long)i;
	ob = line_start(w);
	outbuf_printf(ob, "{\"v\":1,\"langs\":[\"%s\"", lang_name(timeline_lang(tl)));
	if (o->other)
		outbuf_printf(ob, ",\"%s\"", lang_name(timeline_lang(o->other)));
	outbuf_printf(ob, "],\"lang\":\"%s\",\"conn\":%" PRIu32 ",\"title\":", lang_name(o->lang), conn);
	json_text(ob, o->title ? o->title : "");
	if (html_detail_words(ob, &st, o->frames_no_file || !o->frames) < 0)
		goto out;
	outbuf_printf(ob, ",\"dropped\":%" PRIu64 ",\"skipped\":%" PRIu64 ",\"states\":[", timeline_dropped(tl),
		      timeline_skipped(tl));
	for (int s = TCPS_CLOSED; s <= TCPS_TIME_WAIT; s++)
		outbuf_printf(ob, "%s\"%s\"", s ? "," : "", tcp_state_name((enum tcp_state)s));
	outbuf_lit(ob, "],\"conns\":[");
	if (html_json_line(w) < 0 || html_conns(w, tl, untied, nuntied) < 0)
		goto out;
	w->fn("],\"rows\":[", w->ctx);
	for (size_t i = 0; i < count; i++)
		if (html_row(w, &st, tl, o->other, (long)i, page_frame(&pf, o->frames, timeline_row(tl, i)), ex1,
			     ex2) < 0)
			goto out;
	w->fn("],\"frames\":[", w->ctx);
	for (size_t i = 0; i < pf.n; i++)
		if (html_frame(w, &st, pf.f[i], i == 0) < 0)
			goto out;
	w->fn("],\"strings\":[", w->ctx);
	for (size_t i = 0; i < st.n; i++) {
		ob = line_start(w);
		if (i)
			outbuf_char(ob, ',');
		json_text(ob, st.s[i]);
		if (html_json_line(w) < 0)
			goto out;
	}
	w->fn("]}", w->ctx);
	rc = 0;
out:
	strtab_free(&st);
	free(pf.f);
	free(untied);
	free(ex1);
	free(ex2);
	return rc;
}

int export_html(const struct timeline *tl, const struct export_opts *eo, const struct export_web_opts *o,
		export_line_fn fn, void *ctx)
{
	const char *nonce = o->nonce && o->nonce[0] ? o->nonce : "0";
	struct writer w;
	struct outbuf *ob;
	int rc = 0;

	if (strspn(nonce, "0123456789abcdef") != strlen(nonce) || strlen(nonce) > 64)
		return -1;
	if (writer_init(&w, fn, ctx) < 0)
		return -1;
	fn("<!DOCTYPE html>", ctx);
	ob = line_start(&w);
	outbuf_printf(ob, "<html lang=\"%s\"><head><meta charset=\"utf-8\">", o->lang == LANG_ZH ? "zh" : "en");
	rc |= line_end(&w);
	/* nothing from the network, no script or style but the page's own */
	ob = line_start(&w);
	outbuf_printf(ob, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		      "script-src 'nonce-%s'; style-src 'nonce-%s'; img-src data:; base-uri 'none'; form-action 'none'\">",
		      nonce, nonce);
	rc |= line_end(&w);
	fn("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">", ctx);
	fn("<meta name=\"generator\" content=\"socklab export --format html\">", ctx);
	fn("<title>socklab</title>", ctx);
	ob = line_start(&w);
	outbuf_printf(ob, "<style nonce=\"%s\">", nonce);
	rc |= line_end(&w);
	rc |= emit_asset(&w, ui_web_player_css, ui_web_player_css_len);
	fn("</style></head><body>", ctx);
	fn("<noscript>This page plays a socklab recording; it needs JavaScript.</noscript>", ctx);
	fn("<script type=\"application/json\" id=\"socklab-data\">", ctx);
	rc |= html_data(&w, tl, eo->conn, o); /* --conn: the connection the page opens on */
	fn("</script>", ctx);
	ob = line_start(&w);
	outbuf_printf(ob, "<script nonce=\"%s\">", nonce);
	rc |= line_end(&w);
	rc |= emit_asset(&w, ui_web_player_js, ui_web_player_js_len);
	fn("</script></body></html>", ctx);
	writer_free(&w);
	return rc ? -1 : 0;
}
