/* screen.c: navigation state, keys, and the composed screen. */
#include "screen.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "explain.h"
#include "export.h"
#include "ladder.h"

#define PANE_LINES 4
#define PANE_LINES_TALL 6

static const char *const help_lines[] = {
	"socklab keys",
	"",
	"  j k  Down Up       next / previous row (the lanes show the states at that row)",
	"  g G  Home End      first / last row (G follows new rows again)",
	"  PgUp PgDn          a page up / down",
	"  f                  pause / follow the live capture",
	"  space              --step: let the next socket call run",
	"  Tab  c / C         next / previous connection;  a  every connection",
	"  l                  list the connections with their states",
	"  d  Enter           every field of the selected packet or call",
	"  /  n  N            search rows; next / previous match",
	"  z                  zoom (big, for a projector)",
	"  r                  record to socklab-TIME.jsonl/.pcapng (live)",
	"  p  + -             replay: play / pause, faster, slower",
	"  ?                  this help        q  quit (or close a window)",
};

void screen_init(struct screen *s, bool replay, bool big, bool ascii)
{
	memset(s, 0, sizeof(*s));
	s->sel = -1;
	s->follow = !replay;
	s->replay = replay;
	s->big = big;
	s->ascii = ascii;
	s->limit = LONG_MAX;
}

static long view_end(const struct screen *s, const struct timeline *tl)
{
	return s->limit < (long)timeline_count(tl) ? s->limit : (long)timeline_count(tl);
}

long screen_last(const struct screen *s, const struct timeline *tl)
{
	return timeline_step(tl, view_end(s, tl), -1, s->conn);
}

static long screen_first(const struct screen *s, const struct timeline *tl)
{
	long p = timeline_step(tl, -1, 1, s->conn);

	return p >= 0 && p < view_end(s, tl) ? p : -1;
}

static void select_conn(struct screen *s, const struct timeline *tl, uint32_t conn)
{
	long sel = s->sel;

	s->conn = conn;
	/* keep the time: the nearest row of the new view at or before the old selection */
	if (sel >= 0 && (!timeline_row(tl, (size_t)sel) || !timeline_row_in_view(tl, timeline_row(tl, (size_t)sel), conn)))
		sel = timeline_step(tl, sel, -1, conn);
	s->sel = sel >= 0 ? sel : screen_first(s, tl);
	if (s->follow)
		s->sel = screen_last(s, tl);
	s->top = screen_first(s, tl) >= 0 ? screen_first(s, tl) : 0; /* compose scrolls down to sel */
}

void screen_rows_changed(struct screen *s, const struct timeline *tl, long pos, bool inserted_before,
			 uint64_t dropped_before, uint64_t dropped_now)
{
	long gone = (long)(dropped_now - dropped_before);
	const struct conn_info *ci;

	if (gone) {
		s->sel = s->sel - gone >= 0 ? s->sel - gone : screen_first(s, tl);
		s->top = s->top - gone >= 0 ? s->top - gone : 0;
	}
	if (pos >= 0 && inserted_before) {
		if (pos <= s->sel)
			s->sel++;
		if (pos < s->top)
			s->top++;
	}
	/* The first connection is shown as soon as it appears; later ones
	 * take over while following once the shown one has ended. */
	if (timeline_last_conn(tl) && (s->conn == 0 || (s->follow && (ci = timeline_conn(tl, s->conn)) && ci->ended &&
						       timeline_last_conn(tl) != s->conn)))
		select_conn(s, tl, s->conn == 0 ? timeline_conn_next(tl, 0, 1) : timeline_last_conn(tl));
	if (s->follow || s->sel < 0)
		s->sel = s->follow ? screen_last(s, tl) : screen_first(s, tl);
}

static long move(const struct screen *s, const struct timeline *tl, long from, int dir, int times)
{
	long p = from;

	for (int i = 0; i < times; i++) {
		long next = timeline_step(tl, p, dir, s->conn);
		if (next < 0 || next >= view_end(s, tl))
			break;
		p = next;
	}
	return p;
}

static int rows_per_page(const struct screen *s, int height)
{
	int ladder = height - 3 - (height >= 30 ? PANE_LINES_TALL : PANE_LINES) - LADDER_HEADER_LINES;

	return ladder / (s->big ? 2 : 1) > 1 ? ladder / (s->big ? 2 : 1) : 1;
}

/* Does row pos's text (as the ladder and the explanation say it) contain
 * the search text? */
static bool row_matches(const struct screen *s, const struct timeline *tl, long pos)
{
	struct export_opts eo = {EXPORT_TEXT, s->conn, 160, s->ascii};
	char text[2048];

	if (export_text_row(tl, &eo, pos, text, sizeof(text)) == 0 && strcasestr(text, s->search))
		return true;
	explain_row(tl, pos, text, sizeof(text));
	return strcasestr(text, s->search) != NULL;
}

static void search(struct screen *s, const struct timeline *tl, int dir)
{
	if (!s->search[0])
		return;
	for (long p = timeline_step(tl, s->sel, dir, s->conn); p >= 0 && p < view_end(s, tl);
	     p = timeline_step(tl, p, dir, s->conn)) {
		if (row_matches(s, tl, p)) {
			s->sel = p;
			s->follow = false;
			return;
		}
	}
}

static enum screen_action search_key(struct screen *s, const struct timeline *tl, int key)
{
	size_t len = strlen(s->search);

	if (key == SK_ENTER) {
		s->searching = false;
		search(s, tl, 1);
	} else if (key == SK_ESC) {
		s->searching = false;
		s->search[0] = '\0';
	} else if (key == SK_BACKSPACE) {
		if (len)
			s->search[len - 1] = '\0';
	} else if (key >= 0x20 && key < 0x7f && len + 1 < sizeof(s->search)) {
		s->search[len] = (char)key;
		s->search[len + 1] = '\0';
	}
	return ACT_REDRAW;
}

static enum screen_action conns_key(struct screen *s, const struct timeline *tl, int key)
{
	uint32_t next;

	switch (key) {
	case 'j': case SK_DOWN: case SK_TAB:
		if ((next = timeline_conn_next(tl, s->conn_cursor, 1)))
			s->conn_cursor = next;
		break;
	case 'k': case SK_UP:
		if ((next = timeline_conn_next(tl, s->conn_cursor, -1)))
			s->conn_cursor = next;
		break;
	case SK_ENTER:
		s->overlay = OVERLAY_NONE;
		select_conn(s, tl, s->conn_cursor);
		break;
	default:
		s->overlay = OVERLAY_NONE;
	}
	return ACT_REDRAW;
}

enum screen_action screen_key(struct screen *s, const struct timeline *tl, int key, int height)
{
	uint32_t c;

	if (s->searching)
		return search_key(s, tl, key);
	if (s->overlay == OVERLAY_CONNS)
		return conns_key(s, tl, key);
	if (s->overlay != OVERLAY_NONE) {
		s->overlay = OVERLAY_NONE;
		return ACT_REDRAW;
	}
	switch (key) {
	case 'q': return ACT_QUIT;
	case 'j': case SK_DOWN: s->sel = move(s, tl, s->sel, 1, 1); break;
	case 'k': case SK_UP: s->sel = move(s, tl, s->sel, -1, 1); break;
	case SK_PGDN: s->sel = move(s, tl, s->sel, 1, rows_per_page(s, height)); break;
	case SK_PGUP: s->sel = move(s, tl, s->sel, -1, rows_per_page(s, height)); break;
	case 'g': case SK_HOME: s->sel = screen_first(s, tl); break;
	case 'G': case SK_END: s->sel = screen_last(s, tl); s->follow = !s->replay; return ACT_REDRAW;
	case 'f': s->follow = !s->replay && !s->follow; if (s->follow) s->sel = screen_last(s, tl); return ACT_REDRAW;
	case ' ': return ACT_STEP_GO;
	case SK_TAB: case 'c': case 'C':
		c = timeline_conn_next(tl, s->conn, key == 'C' ? -1 : 1);
		if (!c)
			c = timeline_conn_next(tl, key == 'C' ? timeline_last_conn(tl) + 1 : 0, key == 'C' ? -1 : 1);
		if (c)
			select_conn(s, tl, c);
		return ACT_REDRAW;
	case 'a': select_conn(s, tl, 0); return ACT_REDRAW;
	case 'l': s->overlay = OVERLAY_CONNS; s->conn_cursor = s->conn ? s->conn : timeline_conn_next(tl, 0, 1); return ACT_REDRAW;
	case 'd': case SK_ENTER: if (s->sel >= 0) s->overlay = OVERLAY_DETAILS; return ACT_REDRAW;
	case '?': case 'h': s->overlay = OVERLAY_HELP; return ACT_REDRAW;
	case '/': s->searching = true; s->search[0] = '\0'; return ACT_REDRAW;
	case 'n': search(s, tl, 1); return ACT_REDRAW;
	case 'N': search(s, tl, -1); return ACT_REDRAW;
	case 'z': s->big = !s->big; return ACT_REDRAW;
	case 'r': return ACT_RECORD;
	case 'p': return s->replay ? ACT_PLAY : ACT_NONE;
	case '+': case '=': return ACT_FASTER;
	case '-': return ACT_SLOWER;
	default: return ACT_NONE;
	}
	/* a row moved to by hand: stop following unless it is the newest */
	s->follow = !s->replay && s->sel == screen_last(s, tl);
	return ACT_REDRAW;
}

/* Moves top so the selected row is on screen. */
static void scroll_to_selection(struct screen *s, const struct timeline *tl, int rows)
{
	long p = s->top;
	int n = 0;

	if (s->sel < 0)
		return;
	if (s->sel < s->top || !timeline_row(tl, (size_t)s->top)) {
		s->top = s->sel;
		return;
	}
	while (p >= 0 && p < s->sel && n < rows - 1) {
		p = timeline_step(tl, p, 1, s->conn);
		n++;
	}
	if (p != s->sel)
		s->top = move(s, tl, s->sel, -1, rows - 1);
}

static void draw_status(const struct screen *s, const struct timeline *tl, const struct screen_status *st,
			struct grid *g)
{
	char text[512];
	int n;

	grid_fill(g, 0, 0, g->w, ' ', ATTR_STATUS);
	n = snprintf(text, sizeof(text), " socklab  %s  %s%s%s%s  packets %" PRIu64 "  drops %" PRIu64 "  %s",
		     st->mode ? st->mode : "", st->source ? st->source : "", st->filter && *st->filter ? " '" : "",
		     st->filter ? st->filter : "", st->filter && *st->filter ? "'" : "", st->packets, st->drops,
		     s->replay ? (s->limit < (long)timeline_count(tl) ? "playing" : "paused")
			       : (s->follow ? "following" : "paused"));
	if (timeline_dropped(tl) && n > 0 && (size_t)n < sizeof(text))
		n += snprintf(text + n, sizeof(text) - (size_t)n, "  %" PRIu64 " old rows dropped", timeline_dropped(tl));
	if (timeline_calls_lost(tl, NULL) && n > 0 && (size_t)n < sizeof(text))
		n += snprintf(text + n, sizeof(text) - (size_t)n, "  CALLS LOST %" PRIu64, timeline_calls_lost(tl, NULL));
	if (st->recording && n > 0 && (size_t)n < sizeof(text))
		snprintf(text + n, sizeof(text) - (size_t)n, "  REC %s", st->recording);
	grid_put(g, 0, 0, text, g->w, ATTR_STATUS, s->ascii);
}

static void draw_help_line(const struct screen *s, const struct screen_status *st, struct grid *g, int y)
{
	char text[256];

	if (s->searching)
		snprintf(text, sizeof(text), "/%s_   (Enter: find, Esc: cancel)", s->search);
	else if (st->steps_waiting)
		snprintf(text, sizeof(text), "space: let %s run (%zu waiting)   j/k move  Tab conn  ? help  q quit",
			 st->waiting_call ? st->waiting_call : "the next call", st->steps_waiting);
	else if (st->message)
		snprintf(text, sizeof(text), "%s", st->message);
	else if (st->pane && st->pane->keys)
		snprintf(text, sizeof(text), "%s", st->pane->keys);
	else
		snprintf(text, sizeof(text), "j/k move  g/G start/end  f follow  Tab conn  l list  d details  / search  z zoom  ? help  q quit");
	grid_put(g, 0, y, text, g->w, st->message && !s->searching && !st->steps_waiting ? ATTR_ERROR : ATTR_HELP,
		 s->ascii);
}

/* A framed box in the middle of the screen holding lines of text. */
static void draw_box(const struct screen *s, struct grid *g, const char *title, const char *const *lines, int n)
{
	int w = g->w - 8 < 96 ? g->w - 8 : 96, h = n + 2 > g->h - 4 ? g->h - 4 : n + 2;
	int x0 = (g->w - w) / 2, y0 = (g->h - h) / 2;
	uint32_t hl = s->ascii ? '-' : 0x2500, vl = s->ascii ? '|' : 0x2502;

	for (int y = y0; y < y0 + h; y++) {
		grid_fill(g, x0, y, w, ' ', ATTR_NORMAL);
		grid_fill(g, x0, y, 1, y == y0 || y == y0 + h - 1 ? '+' : vl, ATTR_HEADER);
		grid_fill(g, x0 + w - 1, y, 1, y == y0 || y == y0 + h - 1 ? '+' : vl, ATTR_HEADER);
	}
	grid_fill(g, x0 + 1, y0, w - 2, hl, ATTR_HEADER);
	grid_fill(g, x0 + 1, y0 + h - 1, w - 2, hl, ATTR_HEADER);
	grid_put(g, x0 + 2, y0, title, w - 4, ATTR_HEADER, s->ascii);
	for (int i = 0; i < n && i < h - 2; i++)
		grid_put(g, x0 + 2, y0 + 1 + i, lines[i], w - 4, ATTR_NORMAL, s->ascii);
}

/* Splits text at newlines into at most max line pointers (text is changed). */
static int split_lines(char *text, const char **lines, int max)
{
	int n = 0;

	for (char *p = text; p && *p && n < max; n++) {
		lines[n] = p;
		p = strchr(p, '\n');
		if (p)
			*p++ = '\0';
	}
	return n;
}

static void draw_conns(const struct screen *s, const struct timeline *tl, struct grid *g)
{
	char text[64][160], ca[ENDPOINT_STRLEN], sa[ENDPOINT_STRLEN];
	const char *lines[64];
	int n = 0, max = g->h - 8 < 64 ? g->h - 8 : 64;
	uint32_t id = s->conn_cursor;

	/* a window of connections around the cursor */
	for (int i = 0; i < max / 2 && timeline_conn_next(tl, id, -1); i++)
		id = timeline_conn_next(tl, id, -1);
	for (; id && n < max; id = timeline_conn_next(tl, id, 1), n++) {
		const struct conn_info *ci = timeline_conn(tl, id);
		snprintf(text[n], sizeof(text[n]), "%s#%-4" PRIu32 " %s -> %s  client %-11s server %-11s %" PRIu64 " pkts%s",
			 id == s->conn_cursor ? "> " : "  ", id, endpoint_format(&ci->client, ca, sizeof(ca)),
			 endpoint_format(&ci->server, sa, sizeof(sa)), tcp_state_name(ci->state[ROLE_CLIENT]),
			 tcp_state_name(ci->state[ROLE_SERVER]), ci->packets, ci->ended ? " (ended)" : "");
		lines[n] = text[n];
	}
	if (n == 0) {
		lines[0] = "no connection seen yet";
		n = 1;
	}
	draw_box(s, g, " connections (j/k, Enter shows one) ", lines, n);
}

/* Lines the pane below the ladder takes. */
static int pane_lines(const struct screen_status *st, int height)
{
	int most = height - 3 - LADDER_HEADER_LINES - PANE_LINES; /* a few ladder rows stay */

	if (st->pane)
		return st->pane->lines < most ? st->pane->lines : most;
	return height >= 30 ? PANE_LINES_TALL : PANE_LINES;
}

void screen_compose(struct screen *s, const struct timeline *tl, const struct screen_status *st, struct grid *g)
{
	int pane = pane_lines(st, g->h);
	int ladder_h = g->h - 3 - pane;
	struct ladder_opts lo = {.conn = s->conn, .big = s->big, .ascii = s->ascii, .now_ns = st->now_ns,
				 .end = s->limit < (long)timeline_count(tl) ? s->limit : 0};
	char text[4096];
	const char *lines[64];
	long first;

	grid_clear(g);
	if (g->w < SCREEN_MIN_W || g->h < SCREEN_MIN_H) {
		snprintf(text, sizeof(text), "terminal too small: %dx%d; socklab needs at least %dx%d (make the window bigger, or use --plain)",
			 g->w, g->h, SCREEN_MIN_W, SCREEN_MIN_H);
		grid_put_wrapped(g, 0, 0, g->w, g->h, text, ATTR_ERROR, s->ascii);
		return;
	}
	if (s->follow)
		s->sel = screen_last(s, tl);
	scroll_to_selection(s, tl, (ladder_h - LADDER_HEADER_LINES) / ladder_row_lines(&lo));
	first = screen_first(s, tl);
	lo.top = s->top;
	lo.sel = s->sel;
	lo.t0_ns = timeline_t0(tl);
	draw_status(s, tl, st, g);
	ladder_draw(tl, &lo, g, 1, ladder_h);
	if (first < 0)
		grid_put(g, 2, 1 + LADDER_HEADER_LINES + 1,
			 s->replay ? "the recording has no rows" : "waiting for connections and socket calls...", g->w - 4,
			 ATTR_DIM, s->ascii);
	grid_fill(g, 0, 1 + ladder_h, g->w, s->ascii ? '-' : 0x2500, ATTR_DIM);
	if (st->pane) {
		grid_put(g, 2, 1 + ladder_h, st->pane->title, g->w - 4, ATTR_HEADER, s->ascii);
		st->pane->draw(g, 2 + ladder_h, pane, st->pane->ctx);
	} else {
		grid_put(g, 2, 1 + ladder_h, " explanation ", 20, ATTR_DIM, s->ascii);
		explain_row(tl, s->sel, text, sizeof(text));
		grid_put_wrapped(g, 1, 2 + ladder_h, g->w - 2, pane, text, ATTR_NORMAL, s->ascii);
	}
	draw_help_line(s, st, g, g->h - 1);
	switch (s->overlay) {
	case OVERLAY_HELP:
		if (s->help)
			draw_box(s, g, " help ", s->help, s->nhelp);
		else
			draw_box(s, g, " help ", help_lines, (int)(sizeof(help_lines) / sizeof(help_lines[0])));
		break;
	case OVERLAY_DETAILS:
		explain_details(tl, s->sel, lo.t0_ns, text, sizeof(text));
		draw_box(s, g, " details (any key closes) ", lines, split_lines(text, lines, 64));
		break;
	case OVERLAY_CONNS:
		draw_conns(s, tl, g);
		break;
	case OVERLAY_NONE:
		break;
	}
}
