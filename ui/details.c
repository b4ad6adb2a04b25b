/* details.c: a row's frame as layers, fields and hex. */
#include "details.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dissect.h"
#include "explain.h"
#include "screen_words.h"

#define LINE_MAX_BYTES 240
#define HEX_PER_LINE 16

struct dline {
	char text[LINE_MAX_BYTES];
	uint8_t attr;
	int32_t hex_off; /* a hex line: the frame offset it starts at; else -1 */
};

struct dlines {
	struct dline *l;
	int n, cap;
};

static struct dline *line_add(struct dlines *ls, uint8_t attr, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static struct dline *line_add(struct dlines *ls, uint8_t attr, const char *fmt, ...)
{
	struct dline *d;
	va_list ap;

	if (ls->n >= ls->cap)
		return NULL;
	d = &ls->l[ls->n++];
	d->attr = attr;
	d->hex_off = -1;
	va_start(ap, fmt);
	vsnprintf(d->text, sizeof(d->text), fmt, ap);
	va_end(ap);
	return d;
}

int details_hex_col(int i)
{
	return 6 + i * 3 + (i >= 8 ? 1 : 0);
}

int details_ascii_col(int i)
{
	return details_hex_col(HEX_PER_LINE) + 1 + i;
}

void details_hex_line(const uint8_t *bytes, uint32_t len, uint32_t off, char *buf, size_t n)
{
	char line[96];
	int at;

	memset(line, ' ', sizeof(line));
	snprintf(line, sizeof(line), "%04x", (unsigned)off);
	line[4] = ' ';
	for (int i = 0; i < HEX_PER_LINE && off + (uint32_t)i < len; i++) {
		uint8_t b = bytes[off + (uint32_t)i];
		char hx[3];
		snprintf(hx, sizeof(hx), "%02x", b);
		memcpy(line + details_hex_col(i), hx, 2);
		line[details_ascii_col(i)] = b >= 0x20 && b < 0x7f ? (char)b : '.';
		at = details_ascii_col(i) + 1;
		line[at] = '\0';
	}
	if (off >= len)
		line[4] = '\0';
	snprintf(buf, n, "%s", line);
}

/* A two-host wire's arrival row carries no absolute seq (its "arrival"
 * record has the relative one): the frame stamped with its arrival time
 * and going its way with its flags is its copy at the receiver. */
static bool packet_matches(const struct frame *f, const struct ui_packet *p)
{
	struct segment seg;

	return decode_frame(f->link, f->bytes, f->caplen, f->wirelen, &seg) == DECODE_OK &&
	       endpoint_equal(&seg.src, &p->src) && endpoint_equal(&seg.dst, &p->dst) &&
	       (p->arrival || seg.seq == p->abs_seq) && seg.flags == p->flags;
}

static bool icmp_matches(const struct frame *f, const struct ui_icmp *e)
{
	struct segment seg;

	return decode_frame(f->link, f->bytes, f->caplen, f->wirelen, &seg) == DECODE_ICMP_ERROR &&
	       endpoint_equal(&seg.src, &e->src) && endpoint_equal(&seg.dst, &e->dst);
}

static bool arp_matches(const struct frame *f, const struct arp_packet *a)
{
	struct arp_packet got;

	return decode_arp(f->link, f->bytes, f->caplen, &got) == DECODE_OK && got.op == a->op &&
	       endpoint_equal(&got.sender_ip, &a->sender_ip) && endpoint_equal(&got.target_ip, &a->target_ip);
}

const struct frame *details_frame(const struct frames *fs, const struct row *r)
{
	const struct frame *f;

	if (!fs || !r || !r->ev)
		return NULL;
	for (size_t nth = 0; (f = frames_at(fs, r->ts_ns, nth)); nth++) {
		if (r->kind == ROW_PACKET && r->ev->type == UEV_PACKET && packet_matches(f, &r->ev->u.packet))
			return f;
		if (r->ev->type == UEV_ICMP && icmp_matches(f, &r->ev->u.icmp))
			return f;
		if (r->ev->type == UEV_ARP && arp_matches(f, &r->ev->u.arp))
			return f;
	}
	return NULL;
}

/* The layers as a tree (the selected one open, its fields under it), then
 * the bytes in hex. */
static void layer_lines(struct dlines *ls, const struct dissection *d, const struct frame *f, int sel,
			enum lang lang, bool ascii, const struct screen_words *w)
{
	const struct link_info *li = link_info(f->link);

	line_add(ls, ATTR_DIM, w->layers_frame, (unsigned)f->caplen, (unsigned)(f->wirelen ? f->wirelen : f->caplen),
		 li ? li->kind : "?");
	if (d->cut || (f->wirelen && f->wirelen > f->caplen))
		line_add(ls, ATTR_ERROR, w->layers_cut, (unsigned)f->caplen, (unsigned)f->wirelen);
	for (uint32_t i = 0; i < d->nlayers; i++) {
		const struct dissect_layer *l = &d->layers[i];
		bool open = (int)i == sel;
		struct dline *dl = line_add(ls, (uint8_t)(ATTR_HEADER | (open ? ATTR_SELECTED : 0)), "%s %s%s%s",
					    open ? (ascii ? "v" : "▾") : (ascii ? ">" : "▸"),
					    dissect_layer_name(l->id, lang), l->summary[0] ? "  " : "", l->summary);
		(void)dl;
		if (!open)
			continue;
		for (uint32_t k = 0; k < l->nfields; k++) {
			const struct dissect_field *fl = &d->fields[l->first + k];
			line_add(ls, ATTR_NORMAL, "    %s%s%s", dissect_field_name(fl->id, lang),
				 lang == LANG_ZH ? "：" : ": ", fl->value);
		}
	}
	line_add(ls, ATTR_NORMAL, "%s", "");
	line_add(ls, ATTR_DIM, "%s", w->layers_bytes);
	for (uint32_t off = 0; off < f->caplen; off += HEX_PER_LINE) {
		struct dline *dl = line_add(ls, ATTR_NORMAL, "%s", "");
		if (!dl)
			break;
		details_hex_line(f->bytes, f->caplen, off, dl->text, sizeof(dl->text));
		dl->hex_off = (int32_t)off;
	}
}

/* The record's own fields (explain_details), line by line. */
static void record_lines(struct dlines *ls, const struct timeline *tl, long pos)
{
	char text[4096];

	explain_details(tl, pos, timeline_t0(tl), text, sizeof(text));
	for (char *p = text, *nl; p && *p; p = nl) {
		nl = strchr(p, '\n');
		if (nl)
			*nl++ = '\0';
		line_add(ls, ATTR_NORMAL, "%s", p);
	}
}

void details_draw(const struct timeline *tl, long pos, const struct frames *fs, bool no_file,
		  struct details_view *v, struct grid *g, int x, int y, int w, int h, bool ascii)
{
	const struct row *r = pos >= 0 ? timeline_row(tl, (size_t)pos) : NULL;
	const struct screen_words *sw = screen_words(timeline_lang(tl));
	const struct frame *f = details_frame(fs, r);
	struct dissection d;
	struct dlines ls = {0};
	const struct dissect_layer *sel = NULL;
	int sel_line = 0;

	if (h <= 0 || w <= 0)
		return;
	if (f) {
		dissect_frame_in(f->link, f->bytes, f->caplen, f->wirelen, timeline_lang(tl), &d);
		if (d.nlayers) {
			v->layer = ((v->layer % (int)d.nlayers) + (int)d.nlayers) % (int)d.nlayers;
			sel = &d.layers[v->layer];
		}
	}
	ls.cap = 64 + (f ? (int)d.nfields + (int)d.nlayers + (int)(f->caplen / HEX_PER_LINE) + 1 : 0);
	if (!(ls.l = calloc((size_t)ls.cap, sizeof(*ls.l))))
		return;
	if (f) {
		layer_lines(&ls, &d, f, v->layer, timeline_lang(tl), ascii, sw);
		for (int i = 0; i < ls.n; i++)
			if (ls.l[i].attr & ATTR_SELECTED)
				sel_line = i;
		line_add(&ls, ATTR_NORMAL, "%s", "");
		line_add(&ls, ATTR_DIM, "%s", sw->layers_as_read);
	} else if (r && r->kind != ROW_CALL && r->kind != ROW_END) {
		line_add(&ls, ATTR_DIM, "%s", no_file ? sw->layers_none_file : sw->layers_none);
	}
	record_lines(&ls, tl, pos);
	/* the selected layer's name stays in sight when it changes */
	if (v->scroll > ls.n - h)
		v->scroll = ls.n - h;
	if (v->scroll < 0)
		v->scroll = 0;
	if (sel && v->layer != v->drawn_layer && (sel_line < v->scroll || sel_line >= v->scroll + h))
		v->scroll = sel_line;
	v->drawn_layer = v->layer;
	for (int i = 0; i < h && v->scroll + i < ls.n; i++) {
		const struct dline *dl = &ls.l[v->scroll + i];
		grid_put(g, x, y + i, dl->text, w, dl->attr, ascii);
		if (dl->hex_off < 0 || !sel)
			continue;
		for (int b = 0; b < HEX_PER_LINE; b++) {
			uint32_t off = (uint32_t)dl->hex_off + (uint32_t)b;
			if (off < sel->off || off - sel->off >= sel->len || off >= f->caplen)
				continue;
			if (details_hex_col(b) + 2 <= w)
				grid_or_attr(g, x + details_hex_col(b), y + i, 2, ATTR_SELECTED);
			if (details_ascii_col(b) < w)
				grid_or_attr(g, x + details_ascii_col(b), y + i, 1, ATTR_SELECTED);
		}
	}
	free(ls.l);
}
