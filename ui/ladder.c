/* ladder.c: rows -> cells. Geometry first (where lanes, lifelines and the
 * arrow area go for a width), then one drawer per row kind. */
#include "ladder.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "output.h"
#include "screen_words.h"

#define CH_HLINE 0x2500 /* ─ */
#define CH_VLINE 0x2502 /* │ */
#define CH_RIGHT 0x25b6 /* ▶ */
#define CH_LEFT 0x25c0  /* ◀ */
#define TIME_COL_MIN_WIDTH 100
#define TIME_COL_MIN_WIDTH_BIG 120
#define BIG_ARROW_WIDTH 30 /* --big: room for "PSH|ACK seq=1 ack=6 len=12", the rest for the calls */
#define TIME_WAIT_NS 60000000000ull /* Linux's 2MSL */

struct geometry {
	int tx, tw;   /* time column */
	int cx, cw;   /* "#N" column (every-connection view) */
	int lx, lw;   /* left lane */
	int bar1;     /* client lifeline */
	int mx, mw;   /* arrows */
	int bar2;     /* server lifeline */
	int rx, rw;   /* right lane */
};

static struct geometry geometry(int width, const struct ladder_opts *o)
{
	struct geometry gm = {0};
	int rest;

	/* --big gives the lanes the time column's room up to 120 columns (the
	 * details, d, keep the time) */
	gm.tw = width >= (o->big ? TIME_COL_MIN_WIDTH_BIG : TIME_COL_MIN_WIDTH) ? 11 : 0;
	gm.cx = gm.tw;
	gm.cw = o->conn == 0 ? 5 : 0;
	gm.lx = gm.cx + gm.cw;
	rest = width - gm.lx;
	gm.mw = rest * 3 / 8;
	if (gm.mw < 28)
		gm.mw = 28;
	if (gm.mw > 64)
		gm.mw = 64;
	if (o->big)
		gm.mw = BIG_ARROW_WIDTH;
	gm.lw = (rest - gm.mw - 2) / 2;
	gm.bar1 = gm.lx + gm.lw;
	gm.mx = gm.bar1 + 1;
	gm.bar2 = gm.mx + gm.mw;
	gm.rx = gm.bar2 + 2;
	gm.rw = width - gm.rx;
	return gm;
}

int ladder_row_lines(const struct ladder_opts *o)
{
	return o->big ? 2 : 1;
}

static uint32_t ch(bool ascii, uint32_t uni, char fallback)
{
	return ascii ? (uint32_t)fallback : uni;
}

static void lifelines(struct grid *g, const struct geometry *gm, int y, bool ascii)
{
	grid_fill(g, gm->bar1, y, 1, ch(ascii, CH_VLINE, '|'), ATTR_DIM);
	grid_fill(g, gm->bar2, y, 1, ch(ascii, CH_VLINE, '|'), ATTR_DIM);
}

/* Text in a lane: the client lane's text leans on its lifeline (right
 * aligned) for states, the server lane's starts right after its own. */
static void lane_text(struct grid *g, const struct geometry *gm, enum tcp_role role, bool right_align,
		      int y, const char *text, uint8_t attr, bool ascii)
{
	int w = utf8_width(text);

	if (role == ROLE_CLIENT) {
		int avail = gm->lw - 2;
		int x = right_align && w < avail ? gm->bar1 - 1 - w : gm->lx + 1;
		grid_put(g, x, y, text, avail, attr, ascii);
	} else {
		grid_put(g, gm->rx, y, text, gm->rw - 1, attr, ascii);
	}
}

/* A call's text in its lane on lines y and y + 1 (--big): wrapped after a
 * comma or space, so "connect(3, 127.0.0.1:46631) …" is read whole. */
static void lane_text_2(struct grid *g, const struct geometry *gm, enum tcp_role role, int y, const char *text,
			uint8_t attr, bool ascii)
{
	int avail = role == ROLE_CLIENT ? gm->lw - 2 : gm->rw - 1;
	const char *next;
	size_t len = grid_wrap(text, avail, &next);
	char first[256];

	if (!*next || len >= sizeof(first)) {
		lane_text(g, gm, role, false, y, text, attr, ascii);
		return;
	}
	memcpy(first, text, len);
	first[len] = '\0';
	lane_text(g, gm, role, false, y, first, attr, ascii);
	lane_text(g, gm, role, false, y + 1, next, attr, ascii);
}

void ladder_call_text(const struct ui_call *c, bool ascii, char *buf, size_t n)
{
	size_t len = 0;

	if (c->worker > 0 && n) /* which worker process: "w2 accept4(3) = 7" */
		len = (size_t)snprintf(buf, n, "w%d ", c->worker);
	if (len >= n)
		return;
	if (c->kind == UCALL_SUBMIT) { /* an io_uring operation, handed to the kernel */
		snprintf(buf + len, n - len, "%s submit %s(%s)", ascii ? "=>" : "\u21e2", c->call, c->args);
		return;
	}
	if (c->kind == UCALL_COMPLETE) { /* ... and done: its result, no call made */
		len += (size_t)snprintf(buf + len, n - len, "%s complete %s(%d) = %lld%s%s", ascii ? "<=" : "\u21e0",
					c->call, c->fd, c->ret, c->err[0] ? " " : "", c->err);
		if (c->data[0] && !c->err[0] && len < n)
			snprintf(buf + len, n - len, " \"%s\"", c->data);
		return;
	}
	if (!c->exit) {
		snprintf(buf + len, n - len, "%s(%s) %s", c->call, c->args, ascii ? "..." : "\u2026");
		return;
	}
	if (c->fd >= 0 && strcmp(c->call, "socket") != 0)
		snprintf(buf + len, n - len, "%s(%d) = %lld%s%s", c->call, c->fd, c->ret, c->err[0] ? " " : "", c->err);
	else
		snprintf(buf + len, n - len, "%s() = %lld%s%s", c->call, c->ret, c->err[0] ? " " : "", c->err);
	if (c->data[0] && !c->err[0]) {
		len = strlen(buf);
		snprintf(buf + len, n - len, " \"%s\"", c->data);
	}
}

void ladder_packet_label(const struct ui_packet *p, bool lng, char *buf, size_t n)
{
	char flags[48];
	size_t len;

	tcp_flags_format(p->flags, flags, sizeof(flags));
	len = (size_t)snprintf(buf, n, "%s seq=%" PRIu32, flags, p->seq);
	if ((p->flags & TCP_ACK) && len < n)
		len += (size_t)snprintf(buf + len, n - len, " ack=%" PRIu32, p->ack);
	if (p->len && len < n)
		len += (size_t)snprintf(buf + len, n - len, " len=%" PRIu32, p->len);
	if (lng && (p->opt.has & TCPOPT_HAS_MSS) && len < n)
		len += (size_t)snprintf(buf + len, n - len, " mss=%u", (unsigned)p->opt.mss);
	if (lng && (p->opt.has & TCPOPT_HAS_WSCALE) && len < n)
		len += (size_t)snprintf(buf + len, n - len, " ws=%u", (unsigned)p->opt.wscale);
	if (lng && (p->opt.has & (TCPOPT_HAS_SACK_PERM | TCPOPT_HAS_SACK)) && len < n)
		len += (size_t)snprintf(buf + len, n - len, " sack");
	if (p->retrans && len < n)
		snprintf(buf + len, n - len, " (again)");
}

void ladder_arrival_text(const struct ui_packet *p, char *buf, size_t n)
{
	uint64_t us = p->arrived_ns > p->sent_ns && p->sent_ns ? (p->arrived_ns - p->sent_ns) / 1000 : 0;
	char flags[32];

	tcp_flags_format(p->flags, flags, sizeof(flags));
	if (us)
		snprintf(buf, n, "%s +%" PRIu64 ".%" PRIu64 " ms", flags, us / 1000, us / 100 % 10);
	else /* its send was not captured */
		snprintf(buf, n, "%s", flags);
}

/* A two-host wire's segment takes a row at each end (a slanted line
 * would cross the rows of calls in between, and a row of text is what
 * 80x24 can draw): it leaves the sender's lifeline on the row of its send,
 * "──SYN seq=0────┄┄┄┄┄", and reaches the receiver's on the row of its
 * arrival, "┄┄ SYN +50.2 ms ──▶" (its time on the wire in the middle); a
 * lost one stops halfway, "──SYN seq=0──✗", and has no second row. */
static void draw_wire_arrow(struct grid *g, const struct geometry *gm, int y, const struct ui_packet *p,
			    const char *label, uint8_t attr, bool ascii)
{
	uint32_t line = ch(ascii, CH_HLINE, '-'), dots = ch(ascii, 0x2504, '.');
	int half = gm->mw / 2, room = gm->mw - 4, w;
	char text[200];

	if (p->arrival) { /* label: its arrival's words, "SYN +50.2 ms" */
		grid_fill(g, gm->mx, y, gm->mw, dots, attr);
		snprintf(text, sizeof(text), " %s ", label);
		w = utf8_width(text);
		if (w > room)
			w = room;
		/* the solid end and its head at the receiver */
		if (p->from_client) {
			grid_fill(g, gm->mx + gm->mw - 4, y, 3, line, attr);
			grid_fill(g, gm->mx + gm->mw - 1, y, 1, ch(ascii, CH_RIGHT, '>'), attr);
		} else {
			grid_fill(g, gm->mx + 1, y, 3, line, attr);
			grid_fill(g, gm->mx, y, 1, ch(ascii, CH_LEFT, '<'), attr);
		}
		grid_put(g, gm->mx + (gm->mw - w) / 2, y, text, room, attr, ascii);
		return;
	}
	/* the send: solid from the sender to the middle (past its label), then
	 * dots, or the cross where it was lost */
	w = utf8_width(label);
	if (w > room - 2)
		w = room - 2;
	if (p->lost && half < w + 4)
		half = w + 4;
	if (p->from_client) {
		grid_fill(g, gm->mx, y, half, line, attr);
		if (p->lost)
			grid_fill(g, gm->mx + half, y, 1, ch(ascii, 0x2717, 'x'), ATTR_ERROR);
		else
			grid_fill(g, gm->mx + half, y, gm->mw - half, dots, attr);
		grid_put(g, gm->mx + 2, y, label, w, attr, ascii);
	} else {
		grid_fill(g, gm->mx + gm->mw - half, y, half, line, attr);
		if (p->lost)
			grid_fill(g, gm->mx + gm->mw - half - 1, y, 1, ch(ascii, 0x2717, 'x'), ATTR_ERROR);
		else
			grid_fill(g, gm->mx, y, gm->mw - half, dots, attr);
		grid_put(g, gm->mx + gm->mw - 2 - w, y, label, w, attr, ascii);
	}
}

/* "──SYN seq=0──────▶" or "◀──SYN|ACK seq=0 ack=1──" across the arrow area. */
/* An arrow across the middle with label on it, from the client's side
 * (left) or the server's. */
static void draw_labelled_arrow(struct grid *g, const struct geometry *gm, int y, const char *label, uint8_t attr,
				bool from_client, bool ascii)
{
	uint32_t line = ch(ascii, CH_HLINE, '-');
	int room = gm->mw - 4, w;

	grid_fill(g, gm->mx, y, gm->mw, line, attr);
	w = utf8_width(label);
	if (w > room)
		w = room;
	if (from_client) {
		grid_put(g, gm->mx + 2, y, label, room, attr, ascii);
		grid_fill(g, gm->mx + gm->mw - 1, y, 1, ch(ascii, CH_RIGHT, '>'), attr);
	} else {
		grid_fill(g, gm->mx, y, 1, ch(ascii, CH_LEFT, '<'), attr);
		grid_put(g, gm->mx + gm->mw - 2 - w, y, label, w, attr, ascii);
	}
}

static void draw_arrow(struct grid *g, const struct geometry *gm, int y, const struct ui_packet *p,
		       bool big, bool ascii)
{
	char label[160];
	uint8_t attr = p->flags & TCP_RST ? ATTR_ERROR : p->from_client ? ATTR_C2S : ATTR_S2C;

	if (p->arrival)
		ladder_arrival_text(p, label, sizeof(label));
	else
		ladder_packet_label(p, !big && gm->mw >= 40, label, sizeof(label));
	if (p->wire) { /* a two-host wire: a row at each end */
		draw_wire_arrow(g, gm, y, p, label, attr, ascii);
		return;
	}
	draw_labelled_arrow(g, gm, y, label, attr, p->from_client, ascii);
}

void ladder_arp_text(const struct arp_packet *a, char *buf, size_t n)
{
	char text[160];
	struct outbuf o = outbuf_at(text, sizeof(text), 0);

	output_arp_words(&o, a);
	outbuf_copy_cut(&o, buf, n);
}

int ladder_arp_wire(const struct timeline *tl, const struct row *r, uint32_t conn, struct ui_packet *p)
{
	int side = timeline_arp_side(tl, r, conn);
	const struct ui_arp_wire *w;

	memset(p, 0, sizeof(*p));
	if (side < 0)
		return -1;
	w = &r->ev->u.arp_wire;
	p->from_client = side == ROLE_CLIENT;
	p->seq = r->ev->u.arp.op;
	p->wire = w->wire;
	p->lost = w->lost;
	p->arrival = w->arrival;
	p->sent_ns = w->sent_ns;
	p->arrived_ns = w->arrived_ns;
	return side;
}

void ladder_arp_arrival_text(const struct ui_arp_wire *w, char *buf, size_t n)
{
	uint64_t us = w->arrived_ns > w->sent_ns && w->sent_ns ? (w->arrived_ns - w->sent_ns) / 1000 : 0;

	if (us)
		snprintf(buf, n, "ARP +%" PRIu64 ".%" PRIu64 " ms", us / 1000, us / 100 % 10);
	else
		snprintf(buf, n, "ARP");
}

bool ladder_changes_text(const struct row *r, enum tcp_role role, bool ascii, char *buf, size_t n)
{
	size_t len = 0;
	bool any = false;

	buf[0] = '\0';
	for (unsigned i = 0; i < r->nchanges; i++) {
		if (r->changes[i].role != role)
			continue;
		if (r->kind == ROW_STATE && !any)
			len += (size_t)snprintf(buf + len, n - len, "%s", tcp_state_name(r->changes[i].from));
		if (len < n)
			len += (size_t)snprintf(buf + len, n - len, "%s%s", len ? (ascii ? "->" : "\u2192") : "",
						tcp_state_name(r->changes[i].to));
		any = true;
		if (len >= n)
			break;
	}
	return any;
}

void ladder_kernel_text(const struct ui_kernel *k, enum lang lang, char *buf, size_t n)
{
	snprintf(buf, n, screen_words(lang)->kernel_row, k->total_retrans, (k->rto_us + 500) / 1000);
}

void ladder_icmp_text(const struct ui_icmp *e, char *buf, size_t n)
{
	snprintf(buf, n, "%s %s: %s", e->version == 6 ? "ICMPv6" : "ICMP", e->name, e->effect);
}

/* Seconds since the session's first event, in a column of 10: microseconds
 * for the first 16 minutes (loopback segments are microseconds apart),
 * then 0.1 ms, which lasts past a 3-hour class (27 hours). */
void ladder_time_text(uint64_t dt_ns, char *buf, size_t n)
{
	double s = (double)dt_ns / 1e9;

	if (s < 999.9999995)
		snprintf(buf, n, "%10.6f", s);
	else
		snprintf(buf, n, "%10.4f", s);
}

static void draw_row_at(const struct timeline *tl, const struct ladder_opts *o, const struct geometry *gm,
			const struct row *r, enum lang lang, struct grid *g, int y)
{
	char text[256];

	lifelines(g, gm, y, o->ascii);
	if (gm->tw) {
		ladder_time_text(r->ts_ns >= o->t0_ns ? r->ts_ns - o->t0_ns : 0, text, sizeof(text));
		grid_put(g, gm->tx, y, text, gm->tw - 1, ATTR_DIM, o->ascii);
	}
	if (gm->cw && r->conn) {
		snprintf(text, sizeof(text), "#%" PRIu32, r->conn);
		grid_put(g, gm->cx, y, text, gm->cw - 1, ATTR_DIM, o->ascii);
	}
	switch (r->kind) {
	case ROW_PACKET:
	case ROW_STATE:
		if (r->kind == ROW_PACKET)
			draw_arrow(g, gm, y, &r->ev->u.packet, o->big, o->ascii);
		if (r->kind == ROW_STATE && r->ev->type == UEV_ICMP) { /* a line of its own, mid-ladder */
			ladder_icmp_text(&r->ev->u.icmp, text, sizeof(text));
			grid_put(g, gm->mx, y, text, gm->mw, ATTR_ERROR, o->ascii);
		}
		if (r->kind == ROW_STATE && r->ev->type == UEV_ARP) { /* from the host that sent it */
			struct ui_packet p;
			int side = ladder_arp_wire(tl, r, o->conn, &p);
			ladder_arp_text(&r->ev->u.arp, text, sizeof(text));
			if (side >= 0 && p.wire) { /* a two-host wire: a row at each end, like a segment's */
				if (p.arrival)
					ladder_arp_arrival_text(&r->ev->u.arp_wire, text, sizeof(text));
				draw_wire_arrow(g, gm, y, &p, text, ATTR_DIM, o->ascii);
			} else if (side < 0)
				grid_put(g, gm->mx, y, text, gm->mw, ATTR_DIM, o->ascii);
			else
				draw_labelled_arrow(g, gm, y, text, ATTR_DIM, side == ROLE_CLIENT, o->ascii);
		}
		if (r->kind == ROW_STATE && r->ev->type == UEV_KERNEL) { /* in its endpoint's lane */
			ladder_kernel_text(&r->ev->u.kernel, lang, text, sizeof(text));
			lane_text(g, gm, r->ev->u.kernel.role == ROLE_SERVER ? ROLE_SERVER : ROLE_CLIENT, true, y, text,
				  ATTR_DIM, o->ascii);
		}
		for (int role = ROLE_CLIENT; role <= ROLE_SERVER; role++)
			if (ladder_changes_text(r, (enum tcp_role)role, o->ascii, text, sizeof(text)))
				lane_text(g, gm, (enum tcp_role)role, true, y, text, ATTR_STATE, o->ascii);
		break;
	case ROW_CALL: {
		const struct ui_call *c = &r->ev->u.call;
		uint8_t attr = c->err[0] ? ATTR_ERROR : c->exit ? ATTR_RETURN : ATTR_CALL;
		ladder_call_text(c, o->ascii, text, sizeof(text));
		if (o->big && y + 1 < g->h)
			lane_text_2(g, gm, c->proc, y, text, attr, o->ascii);
		else
			lane_text(g, gm, c->proc, false, y, text, attr, o->ascii);
		break;
	}
	case ROW_END: {
		int w;
		snprintf(text, sizeof(text), screen_words(lang)->released, screen_words_end_reason(lang, r->ev->u.end.reason));
		w = utf8_width(text);
		grid_put(g, gm->mx + (w < gm->mw ? (gm->mw - w) / 2 : 0), y, text, gm->mw, ATTR_DIM, o->ascii);
		break;
	}
	}
}

void ladder_draw_row(const struct timeline *tl, const struct ladder_opts *o, long pos, struct grid *g, int y)
{
	struct geometry gm = geometry(g->w, o);
	const struct row *r = timeline_row(tl, (size_t)pos);

	if (r)
		draw_row_at(tl, o, &gm, r, timeline_lang(tl), g, y);
}

void ladder_draw_header(const struct timeline *tl, const struct ladder_opts *o, struct grid *g, int y0)
{
	struct geometry gm = geometry(g->w, o);
	const struct conn_info *ci = o->conn ? timeline_conn(tl, o->conn) : NULL;
	const struct screen_words *w = screen_words(timeline_lang(tl));
	char ep[ENDPOINT_STRLEN], text[128];

	lifelines(g, &gm, y0, o->ascii);
	lifelines(g, &gm, y0 + 1, o->ascii);
	if (gm.tw) /* the time column's unit */
		grid_put(g, gm.tx, y0, w->time_unit, gm.tw - 1, ATTR_DIM, o->ascii);
	for (int role = ROLE_CLIENT; role <= ROLE_SERVER; role++) {
		const struct endpoint *e = ci ? (role == ROLE_CLIENT ? &ci->client : &ci->server) : NULL;
		const char *name = w->lane[role == ROLE_SERVER];
		if (ci) {
			enum tcp_state s = timeline_state_at(tl, o->sel >= 0 ? o->sel : (long)timeline_count(tl) - 1,
							     o->conn, (enum tcp_role)role);
			int x = role == ROLE_CLIENT ? gm.lx + 1 : gm.rx;
			x += grid_put(g, x, y0, name, 6, ATTR_HEADER, o->ascii) + 1;
			if (s == TCPS_TIME_WAIT && o->now_ns && ci->time_wait_ns && o->now_ns >= ci->time_wait_ns) {
				uint64_t gone = o->now_ns - ci->time_wait_ns;
				snprintf(text, sizeof(text), w->countdown, gone < TIME_WAIT_NS ?
					 (unsigned long long)((TIME_WAIT_NS - gone) / 1000000000u) : 0ull);
			} else {
				snprintf(text, sizeof(text), "%s", tcp_state_name(s));
			}
			grid_put(g, x, y0, text, (role == ROLE_CLIENT ? gm.bar1 : g->w) - x - 1, ATTR_STATE,
				 o->ascii);
			lane_text(g, &gm, (enum tcp_role)role, false, y0 + 1, endpoint_format(e, ep, sizeof(ep)),
				  ATTR_HEADER, o->ascii);
		} else {
			lane_text(g, &gm, (enum tcp_role)role, false, y0, name, ATTR_HEADER, o->ascii);
		}
	}
	if (ci)
		snprintf(text, sizeof(text), w->connection, (unsigned)o->conn);
	else
		snprintf(text, sizeof(text), "%s", w->all_connections);
	grid_put(g, gm.mx + (gm.mw - utf8_width(text)) / 2, y0, text, gm.mw, ATTR_HEADER, o->ascii);
}

long ladder_draw(const struct timeline *tl, const struct ladder_opts *o, struct grid *g, int y0, int h)
{
	struct geometry gm = geometry(g->w, o);
	int step = ladder_row_lines(o);
	long pos = o->top, last = -1;
	const struct row *r;

	ladder_draw_header(tl, o, g, y0);
	r = pos >= 0 ? timeline_row(tl, (size_t)pos) : NULL;
	if (!r)
		pos = -1;
	else if (!timeline_row_in_view(tl, r, o->conn))
		pos = timeline_step(tl, pos, 1, o->conn);
	for (int y = y0 + LADDER_HEADER_LINES; y < y0 + h; y++) {
		lifelines(g, &gm, y, o->ascii);
		if (pos < 0 || (o->end > 0 && pos >= o->end) || (y - y0 - LADDER_HEADER_LINES) % step != 0 ||
		    y + step > y0 + h)
			continue;
		r = timeline_row(tl, (size_t)pos);
		draw_row_at(tl, o, &gm, r, timeline_lang(tl), g, y);
		for (int i = 0; pos == o->sel && i < step; i++)
			grid_or_attr(g, 0, y + i, g->w, ATTR_SELECTED);
		last = pos;
		pos = timeline_step(tl, pos, 1, o->conn);
	}
	return last;
}
