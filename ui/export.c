/* export.c: text (via the ladder), Mermaid and CSV. */
#include "export.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "export_web.h"
#include "ladder.h"

#define LINE_MAX_BYTES 2048

int export_format_parse(const char *name, enum export_format *out)
{
	static const char *const names[] = {"text", "mermaid", "csv", "svg", "html"};

	for (int i = 0; i < 5; i++) {
		if (strcmp(name, names[i]) == 0) {
			*out = (enum export_format)i;
			return 0;
		}
	}
	return -1;
}

static uint64_t first_ts(const struct timeline *tl, uint32_t conn)
{
	long pos = timeline_step(tl, -1, 1, conn);
	const struct row *r = pos >= 0 ? timeline_row(tl, (size_t)pos) : NULL;

	return r ? r->ts_ns : 0;
}

static struct ladder_opts ladder_opts_of(const struct timeline *tl, const struct export_opts *o)
{
	/* ascii: the lines become ASCII once drawn (grid_lines_to_ascii), the words stay */
	return (struct ladder_opts){.conn = o->conn, .top = 0, .sel = -1, .t0_ns = first_ts(tl, o->conn)};
}

int export_text_row(const struct timeline *tl, const struct export_opts *o, long pos, char *buf, size_t n)
{
	struct ladder_opts lo = ladder_opts_of(tl, o);
	struct grid g;

	if (grid_init(&g, o->width, 1) < 0)
		return -1;
	ladder_draw_row(tl, &lo, pos, &g, 0);
	if (o->ascii)
		grid_lines_to_ascii(&g);
	grid_line(&g, 0, buf, n);
	grid_free(&g);
	return 0;
}

static int export_text(const struct timeline *tl, const struct export_opts *o, export_line_fn fn, void *ctx)
{
	struct ladder_opts lo = ladder_opts_of(tl, o);
	char line[LINE_MAX_BYTES];
	struct grid g;

	if (grid_init(&g, o->width, LADDER_HEADER_LINES) < 0)
		return -1;
	lo.sel = (long)timeline_count(tl) - 1;
	ladder_draw_header(tl, &lo, &g, 0);
	if (o->ascii)
		grid_lines_to_ascii(&g);
	for (int y = 0; y < LADDER_HEADER_LINES; y++) {
		grid_line(&g, y, line, sizeof(line));
		fn(line, ctx);
	}
	grid_free(&g);
	for (long pos = timeline_step(tl, -1, 1, o->conn); pos >= 0; pos = timeline_step(tl, pos, 1, o->conn)) {
		if (export_text_row(tl, o, pos, line, sizeof(line)) < 0)
			return -1;
		fn(line, ctx);
	}
	return 0;
}

/* Mermaid reads ';' as a line break and '#' as an entity start. */
static void mermaid_text(const char *in, char *out, size_t n)
{
	size_t j = 0;

	for (; *in && j + 6 < n; in++) {
		if (*in == '#') {
			memcpy(out + j, "#35;", 4);
			j += 4;
		} else {
			out[j++] = *in == ';' ? ',' : *in == '\n' ? ' ' : *in;
		}
	}
	out[j] = '\0';
}

static void mermaid_changes(const struct row *r, export_line_fn fn, void *ctx)
{
	char line[LINE_MAX_BYTES];

	for (unsigned i = 0; i < r->nchanges; i++) {
		const struct row_change *c = &r->changes[i];
		snprintf(line, sizeof(line), "    Note %s: %s %s %s", c->role == ROLE_CLIENT ? "left of C" : "right of S",
			 tcp_state_name(c->from), "->", tcp_state_name(c->to));
		fn(line, ctx);
	}
}

/* A segment (or an ARP frame) as a message: an arrow from its sender; on a
 * two-host wire an open arrow at the send ("-)", it arrives later), a
 * cross when it was lost ("-x"), and a note at the receiver where it
 * arrived. */
static void mermaid_message(const struct ui_packet *p, const char *text, export_line_fn fn, void *ctx)
{
	char line[LINE_MAX_BYTES], safe[LINE_MAX_BYTES / 2];

	mermaid_text(text, safe, sizeof(safe));
	if (p->wire && p->arrival)
		snprintf(line, sizeof(line), "    Note %s: %s", p->from_client ? "right of S" : "left of C", safe);
	else
		snprintf(line, sizeof(line), "    %s%s%s: %s", p->from_client ? "C" : "S",
			 !p->wire ? "->>" : p->lost ? "-x" : "-)", p->from_client ? "S" : "C", safe);
	fn(line, ctx);
}

static void export_mermaid(const struct timeline *tl, const struct export_opts *o, export_line_fn fn, void *ctx)
{
	const struct conn_info *ci = o->conn ? timeline_conn(tl, o->conn) : NULL;
	char line[LINE_MAX_BYTES], text[LINE_MAX_BYTES / 2], safe[LINE_MAX_BYTES / 2], ep[ENDPOINT_STRLEN];

	fn("sequenceDiagram", ctx);
	snprintf(line, sizeof(line), "    participant C as client%s%s", ci ? " " : "",
		 ci ? endpoint_format(&ci->client, ep, sizeof(ep)) : "");
	fn(line, ctx);
	snprintf(line, sizeof(line), "    participant S as server%s%s", ci ? " " : "",
		 ci ? endpoint_format(&ci->server, ep, sizeof(ep)) : "");
	fn(line, ctx);
	for (long pos = timeline_step(tl, -1, 1, o->conn); pos >= 0; pos = timeline_step(tl, pos, 1, o->conn)) {
		const struct row *r = timeline_row(tl, (size_t)pos);

		switch (r->kind) {
		case ROW_PACKET:
			if (r->ev->u.packet.arrival)
				ladder_arrival_text(&r->ev->u.packet, text, sizeof(text));
			else
				ladder_packet_label(&r->ev->u.packet, false, text, sizeof(text));
			mermaid_message(&r->ev->u.packet, text, fn, ctx);
			mermaid_changes(r, fn, ctx);
			break;
		case ROW_STATE:
			if (r->ev->type == UEV_ICMP) { /* a note over both, as the ladder's line across */
				ladder_icmp_text(&r->ev->u.icmp, text, sizeof(text));
				mermaid_text(text, safe, sizeof(safe));
				snprintf(line, sizeof(line), "    Note over C,S: %s", safe);
				fn(line, ctx);
			}
			if (r->ev->type == UEV_ARP) { /* from the host that sent it, as on the ladder */
				struct ui_packet p;
				if (r->ev->u.arp_wire.arrival)
					ladder_arp_arrival_text(&r->ev->u.arp_wire, text, sizeof(text));
				else
					ladder_arp_text(&r->ev->u.arp, text, sizeof(text));
				if (ladder_arp_wire(tl, r, o->conn, &p) >= 0) {
					mermaid_message(&p, text, fn, ctx);
				} else {
					mermaid_text(text, safe, sizeof(safe));
					snprintf(line, sizeof(line), "    Note over C,S: %s", safe);
					fn(line, ctx);
				}
			}
			mermaid_changes(r, fn, ctx);
			break;
		case ROW_CALL:
			ladder_call_text(&r->ev->u.call, true, text, sizeof(text));
			mermaid_text(text, safe, sizeof(safe));
			snprintf(line, sizeof(line), "    Note %s: %s",
				 r->ev->u.call.proc == ROLE_CLIENT ? "left of C" : "right of S", safe);
			fn(line, ctx);
			break;
		case ROW_END:
			snprintf(line, sizeof(line), "    Note over C,S: connection #%" PRIu32 " released (%s)", r->conn,
				 r->ev->u.end.reason);
			fn(line, ctx);
			break;
		}
	}
}

/* RFC 4180: a field with a quote, comma or newline is quoted, quotes doubled. */
static void csv_field(const char *in, char *out, size_t n)
{
	size_t j = 0;

	if (n < 3)
		return;
	out[j++] = '"';
	for (; *in && j + 3 < n; in++) {
		if (*in == '"')
			out[j++] = '"';
		out[j++] = *in;
	}
	out[j++] = '"';
	out[j] = '\0';
}

static void export_csv(const struct timeline *tl, const struct export_opts *o, export_line_fn fn, void *ctx)
{
	char line[LINE_MAX_BYTES], why[WHY_TEXT_MAX * 2 + 3], c[ENDPOINT_STRLEN], s[ENDPOINT_STRLEN];

	fn("ts_ns,conn,client,server,role,from,to,why", ctx);
	for (long pos = timeline_step(tl, -1, 1, o->conn); pos >= 0; pos = timeline_step(tl, pos, 1, o->conn)) {
		const struct row *r = timeline_row(tl, (size_t)pos);
		const struct conn_info *ci = timeline_conn(tl, r->conn);

		for (unsigned i = 0; i < r->nchanges; i++) {
			const struct row_change *ch = &r->changes[i];
			csv_field(ch->why ? ch->why : "", why, sizeof(why));
			snprintf(line, sizeof(line), "%" PRIu64 ",%" PRIu32 ",%s,%s,%s,%s,%s,%s", r->ts_ns, r->conn,
				 ci ? endpoint_format(&ci->client, c, sizeof(c)) : "",
				 ci ? endpoint_format(&ci->server, s, sizeof(s)) : "", tcp_role_name(ch->role),
				 tcp_state_name(ch->from), tcp_state_name(ch->to), why);
			fn(line, ctx);
		}
	}
}

int export_timeline(const struct timeline *tl, const struct export_opts *o, export_line_fn fn, void *ctx)
{
	switch (o->format) {
	case EXPORT_TEXT: return export_text(tl, o, fn, ctx);
	case EXPORT_MERMAID: export_mermaid(tl, o, fn, ctx); return 0;
	case EXPORT_CSV: export_csv(tl, o, fn, ctx); return 0;
	case EXPORT_SVG:
	case EXPORT_HTML: return export_web(tl, o, NULL, fn, ctx);
	}
	return -1;
}

int export_web(const struct timeline *tl, const struct export_opts *o, const struct export_web_opts *w,
	       export_line_fn fn, void *ctx)
{
	static const struct export_web_opts plain = {0};

	if (!w)
		w = &plain;
	switch (o->format) {
	case EXPORT_SVG: return export_svg(tl, o, w, fn, ctx);
	case EXPORT_HTML: return export_html(tl, o, w, fn, ctx);
	default: return export_timeline(tl, o, fn, ctx);
	}
}
