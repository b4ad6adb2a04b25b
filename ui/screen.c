/* screen.c: navigation state, keys, and the composed screen. */
#include "screen.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "explain.h"
#include "export.h"
#include "ladder.h"
#include "screen_words.h"

#define PANE_LINES 4
#define PANE_LINES_TALL 6

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
	/* A connection named before it appears (export --conn N) has no rows
	 * in view until it does: looking for them on every row made such an
	 * export quadratic (70 s for 108,341 packets). */
	if (s->sel < 0 && s->conn && !timeline_conn(tl, s->conn))
		return;
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

/* In the details: Tab/right and shift-Tab/left move between layers, j/k
 * and the page keys scroll; any other key closes them. */
static enum screen_action details_key(struct screen *s, int key, int height)
{
	struct details_view *v = &s->details;

	switch (key) {
	case SK_TAB: case SK_RIGHT: v->layer++; break;
	case SK_BTAB: case SK_LEFT: v->layer--; break;
	case 'j': case SK_DOWN: v->scroll++; break;
	case 'k': case SK_UP: v->scroll--; break;
	case SK_PGDN: case ' ': v->scroll += height / 2; break;
	case SK_PGUP: v->scroll -= height / 2; break;
	case 'g': case SK_HOME: v->scroll = 0; break;
	default: s->overlay = OVERLAY_NONE; break;
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
	if (s->overlay == OVERLAY_DETAILS)
		return details_key(s, key, height);
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
	case 'd': case SK_ENTER:
		if (s->sel >= 0) {
			s->overlay = OVERLAY_DETAILS;
			s->details.scroll = 0; /* the layer stays: the next row opens on the same one */
		}
		return ACT_REDRAW;
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

/* Text on line y that fits the width: cut after the last whole field
 * (fields are two spaces apart) that fits, else after the last word;
 * never mid-word. */
static void put_line(const struct screen *s, struct grid *g, int y, const char *text, uint8_t attr)
{
	int room = g->w - 1; /* a cell spare at the right edge, as before */
	const char *next, *cut;
	size_t len;
	char line[1024];

	if (utf8_width(text) <= room) {
		grid_put(g, 0, y, text, room, attr, s->ascii);
		return;
	}
	len = grid_wrap(text, room, &next);
	for (cut = text + len; cut > text && strncmp(cut, "  ", 2) != 0; cut--)
		;
	if (cut > text)
		len = (size_t)(cut - text);
	if (len >= sizeof(line))
		len = sizeof(line) - 1;
	memcpy(line, text, len);
	line[len] = '\0';
	grid_put(g, 0, y, line, room, attr, s->ascii);
}

/* The status line's fields, in the order shown; what does not fit goes,
 * the least needed first (priority 0), so the words that say what the
 * screen is doing stay whole at 80 columns. */
#define STATUS_FIELDS 10
struct status_field {
	char text[160];
	int priority;
};

static void draw_status(const struct screen *s, const struct timeline *tl, const struct screen_status *st,
			struct grid *g)
{
	const struct screen_words *w = screen_words(timeline_lang(tl));
	struct status_field f[STATUS_FIELDS];
	char text[STATUS_FIELDS * 162];
	int n = 0, total;

#define FIELD(prio, ...) (snprintf(f[n].text, sizeof(f[n].text), __VA_ARGS__), f[n++].priority = (prio))
	FIELD(5, "socklab");
	if (st->mode && *st->mode)
		FIELD(5, "%s", st->mode);
	if ((st->source && *st->source) || (st->filter && *st->filter))
		FIELD(0, "%s%s%s%s", st->source ? st->source : "", st->filter && *st->filter ? " '" : "",
		      st->filter ? st->filter : "", st->filter && *st->filter ? "'" : "");
	FIELD(2, "%s %" PRIu64, w->packets, st->packets);
	FIELD(st->drops ? 3 : 1, "%s %" PRIu64, w->drops, st->drops);
	FIELD(4, "%s", s->replay ? (s->limit < (long)timeline_count(tl) ? w->playing : w->paused)
			       : (s->follow ? w->following : w->paused));
	if (timeline_dropped(tl))
		FIELD(2, w->rows_dropped, (unsigned long long)timeline_dropped(tl));
	if (timeline_skipped(tl))
		FIELD(3, w->rows_skipped, (unsigned long long)timeline_skipped(tl));
	if (timeline_calls_lost(tl, NULL))
		FIELD(4, w->calls_lost, (unsigned long long)timeline_calls_lost(tl, NULL));
	if (st->kernel_lost)
		FIELD(4, w->kernel_lost, (unsigned long long)st->kernel_lost);
	if (st->recording)
		FIELD(4, w->rec, st->recording);
#undef FIELD
	for (;;) {
		int drop = -1;

		total = 0;
		for (int i = 0; i < n; i++)
			total += utf8_width(f[i].text) + 2;
		if (total <= g->w - 1 || n <= 1)
			break;
		for (int i = n - 1; i >= 0; i--) /* the lowest priority, the rightmost of those */
			if (drop < 0 || f[i].priority < f[drop].priority)
				drop = i;
		memmove(&f[drop], &f[drop + 1], (size_t)(n - drop - 1) * sizeof(f[0]));
		n--;
	}
	text[0] = '\0';
	for (int i = 0, len = 0; i < n; i++)
		len += snprintf(text + len, sizeof(text) - (size_t)len, " %s ", f[i].text);
	grid_fill(g, 0, 0, g->w, ' ', ATTR_STATUS);
	put_line(s, g, 0, text, ATTR_STATUS);
}

/* "client connect()" from the session, its role word in lang. */
static void call_in_words(const char *what, enum lang lang, char *buf, size_t n)
{
	for (int server = 0; server <= 1; server++) {
		const char *en = why_role_word(LANG_EN, server);
		size_t len = strlen(en);
		if (strncmp(what, en, len) == 0 && what[len] == ' ') {
			snprintf(buf, n, "%s %s", why_role_word(lang, server), what + len + 1);
			return;
		}
	}
	snprintf(buf, n, "%s", what);
}

static void draw_help_line(const struct screen *s, const struct timeline *tl, const struct screen_status *st,
			   struct grid *g, int y)
{
	const struct screen_words *w = screen_words(timeline_lang(tl));
	char text[512], call[96];

	if (s->searching) {
		snprintf(text, sizeof(text), w->search, s->search);
	} else if (st->steps_waiting) {
		call_in_words(st->waiting_call ? st->waiting_call : w->next_call, timeline_lang(tl), call, sizeof(call));
		snprintf(text, sizeof(text), w->step_waiting, call, st->steps_waiting);
	} else if (st->message) {
		snprintf(text, sizeof(text), "%s", st->message);
	} else if (st->pane && st->pane->keys) {
		snprintf(text, sizeof(text), "%s", st->pane->keys);
	} else {
		snprintf(text, sizeof(text), "%s", w->keys);
	}
	put_line(s, g, y, text, st->message && !s->searching && !st->steps_waiting ? ATTR_ERROR : ATTR_HELP);
}

/* A framed box in the middle of the screen holding lines of text: box
 * drawing characters, or + - | with --ascii (one set, never mixed). */
static void draw_frame(const struct screen *s, struct grid *g, const char *title, int w, int h, int x0, int y0)
{
	uint32_t hl = s->ascii ? '-' : 0x2500, vl = s->ascii ? '|' : 0x2502;
	uint32_t corner[4] = {0x250c, 0x2510, 0x2514, 0x2518}; /* ┌ ┐ └ ┘ */

	if (s->ascii)
		corner[0] = corner[1] = corner[2] = corner[3] = '+';
	for (int y = y0; y < y0 + h; y++) {
		grid_fill(g, x0, y, w, ' ', ATTR_NORMAL);
		grid_fill(g, x0, y, 1, vl, ATTR_HEADER);
		grid_fill(g, x0 + w - 1, y, 1, vl, ATTR_HEADER);
	}
	grid_fill(g, x0, y0, w, hl, ATTR_HEADER);
	grid_fill(g, x0, y0 + h - 1, w, hl, ATTR_HEADER);
	grid_fill(g, x0, y0, 1, corner[0], ATTR_HEADER);
	grid_fill(g, x0 + w - 1, y0, 1, corner[1], ATTR_HEADER);
	grid_fill(g, x0, y0 + h - 1, 1, corner[2], ATTR_HEADER);
	grid_fill(g, x0 + w - 1, y0 + h - 1, 1, corner[3], ATTR_HEADER);
	grid_put(g, x0 + 2, y0, title, w - 4, ATTR_HEADER, s->ascii);
}

static void draw_box(const struct screen *s, struct grid *g, const char *title, const char *const *lines, int n)
{
	int w = g->w - 2 < 110 ? g->w - 2 : 110, h = n + 2 > g->h - 4 ? g->h - 4 : n + 2;
	int x0 = (g->w - w) / 2, y0 = (g->h - h) / 2;

	draw_frame(s, g, title, w, h, x0, y0);
	for (int i = 0; i < n && i < h - 2; i++)
		grid_put(g, x0 + 2, y0 + 1 + i, lines[i], w - 4, ATTR_NORMAL, s->ascii);
}

static void draw_conns(const struct screen *s, const struct timeline *tl, struct grid *g)
{
	const struct screen_words *w = screen_words(timeline_lang(tl));
	char text[64][200], states[120], ca[ENDPOINT_STRLEN], sa[ENDPOINT_STRLEN];
	const char *lines[64];
	int n = 0, max = g->h - 8 < 64 ? g->h - 8 : 64;
	uint32_t id = s->conn_cursor;

	/* a window of connections around the cursor */
	for (int i = 0; i < max / 2 && timeline_conn_next(tl, id, -1); i++)
		id = timeline_conn_next(tl, id, -1);
	for (; id && n < max; id = timeline_conn_next(tl, id, 1), n++) {
		const struct conn_info *ci = timeline_conn(tl, id);
		snprintf(states, sizeof(states), w->conn_line, tcp_state_name(ci->state[ROLE_CLIENT]),
			 tcp_state_name(ci->state[ROLE_SERVER]), (unsigned long long)ci->packets,
			 ci->ended ? w->conn_ended : "");
		snprintf(text[n], sizeof(text[n]), "%s#%-4" PRIu32 " %s -> %s  %s", id == s->conn_cursor ? "> " : "  ",
			 id, endpoint_format(&ci->client, ca, sizeof(ca)), endpoint_format(&ci->server, sa, sizeof(sa)),
			 states);
		lines[n] = text[n];
	}
	if (n == 0) {
		lines[0] = w->no_conn;
		n = 1;
	}
	draw_box(s, g, w->conns_title, lines, n);
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
	const struct screen_words *w = screen_words(timeline_lang(tl));
	int pane = pane_lines(st, g->h);
	int ladder_h = g->h - 3 - pane;
	struct ladder_opts lo = {.conn = s->conn, .big = s->big, .ascii = s->ascii, .now_ns = st->now_ns,
				 .end = s->limit < (long)timeline_count(tl) ? s->limit : 0};
	char text[4096];
	long first;

	grid_clear(g);
	if (g->w < SCREEN_MIN_W || g->h < SCREEN_MIN_H) {
		snprintf(text, sizeof(text), w->too_small, g->w, g->h, SCREEN_MIN_W, SCREEN_MIN_H);
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
			 s->replay ? w->no_rows_replay : w->no_rows_live, g->w - 4,
			 ATTR_DIM, s->ascii);
	grid_fill(g, 0, 1 + ladder_h, g->w, s->ascii ? '-' : 0x2500, ATTR_DIM);
	if (st->pane) {
		grid_put(g, 2, 1 + ladder_h, st->pane->title, g->w - 4, ATTR_HEADER, s->ascii);
		st->pane->draw(g, 2 + ladder_h, pane, st->pane->ctx);
	} else {
		grid_put(g, 2, 1 + ladder_h, w->explanation, 20, ATTR_DIM, s->ascii);
		explain_row(tl, s->sel, text, sizeof(text));
		grid_put_wrapped(g, 1, 2 + ladder_h, g->w - 2, pane, text, ATTR_NORMAL, s->ascii);
	}
	draw_help_line(s, tl, st, g, g->h - 1);
	switch (s->overlay) {
	case OVERLAY_HELP:
		if (s->help)
			draw_box(s, g, w->help_title, s->help, s->nhelp);
		else
			draw_box(s, g, w->help_title, w->help, w->nhelp);
		break;
	case OVERLAY_DETAILS: {
		/* the whole screen but the status and key lines: a frame's hex
		 * takes 72 cells, its fields a line each */
		int bw = g->w < 112 ? g->w : 112, bh = g->h - 2;
		draw_frame(s, g, w->layers_title, bw, bh, (g->w - bw) / 2, 1);
		details_draw(tl, s->sel, s->frames, s->frames_no_file, &s->details, g, (g->w - bw) / 2 + 2, 2,
			     bw - 4, bh - 2, s->ascii);
		break;
	}
	case OVERLAY_CONNS:
		draw_conns(s, tl, g);
		break;
	case OVERLAY_NONE:
		break;
	}
	if (s->ascii_lines && !s->ascii)
		grid_lines_to_ascii(g);
}
