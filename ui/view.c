/* view.c: curses. */
#include "view.h"

#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "screen.h"
#include "screen_words.h"

static bool open_;
static attr_t attrs[ATTR_COUNT];

/* Colour where the terminal has it; attributes alone otherwise, so a
 * monochrome projector still tells calls, states and arrows apart. */
static void setup_attrs(bool mono)
{
	static const struct {
		short fg;
		attr_t mono;
	} look[ATTR_COUNT] = {
		[ATTR_NORMAL] = {-1, A_NORMAL},
		[ATTR_HEADER] = {COLOR_CYAN, A_BOLD},
		[ATTR_CALL] = {COLOR_YELLOW, A_NORMAL},
		[ATTR_RETURN] = {COLOR_GREEN, A_BOLD},
		[ATTR_ERROR] = {COLOR_RED, A_BOLD | A_UNDERLINE},
		[ATTR_STATE] = {COLOR_MAGENTA, A_BOLD},
		[ATTR_C2S] = {COLOR_BLUE, A_NORMAL},
		[ATTR_S2C] = {COLOR_CYAN, A_NORMAL},
		[ATTR_DIM] = {-1, A_DIM},
		[ATTR_STATUS] = {-1, A_REVERSE},
		[ATTR_HELP] = {-1, A_DIM},
	};
	bool colour = !mono && has_colors() && start_color() == OK;

	if (colour)
		use_default_colors();
	for (int i = 0; i < ATTR_COUNT; i++) {
		attrs[i] = look[i].mono;
		if (colour && look[i].fg >= 0) {
			init_pair((short)i, look[i].fg, -1);
			/* keep bold and underline: colour alone fades on a projector */
			attrs[i] = COLOR_PAIR(i) | (look[i].mono & (A_BOLD | A_UNDERLINE));
		}
	}
}

int view_open(bool mono, char *err, size_t errlen)
{
	return view_open_in(mono, LANG_EN, err, errlen);
}

int view_open_in(bool mono, enum lang lang, char *err, size_t errlen)
{
	const struct screen_words *w = screen_words(lang);

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(err, errlen, "%s", w->not_a_terminal);
		return -1;
	}
	if (!newterm(NULL, stdout, stdin)) {
		snprintf(err, errlen, w->no_curses, getenv("TERM") ? getenv("TERM") : "");
		return -1;
	}
	open_ = true;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	setup_attrs(mono);
	return 0;
}

void view_close(void)
{
	if (open_) {
		endwin();
		open_ = false;
	}
}

void view_size(int *w, int *h)
{
	getmaxyx(stdscr, *h, *w);
}

void view_blit(const struct grid *g)
{
	for (int y = 0; y < g->h; y++) {
		for (int x = 0; x < g->w; x++) {
			const struct cell *c = &g->cells[y * g->w + x];
			wchar_t wc[2] = {(wchar_t)c->ch, 0};
			attr_t a = attrs[c->attr & ~ATTR_SELECTED] | (c->attr & ATTR_SELECTED ? A_REVERSE : 0);
			cchar_t cc;

			/* the right half of a wide character was drawn with it; a half
			 * whose other half was overwritten shows as a blank */
			if (c->ch == GRID_WIDE_TAIL && x > 0 && cell_width(c[-1].ch) == 2)
				continue;
			if (c->ch == GRID_WIDE_TAIL || (cell_width(c->ch) == 2 && (x + 1 == g->w || c[1].ch != GRID_WIDE_TAIL)))
				wc[0] = ' ';
			setcchar(&cc, wc, a, 0, NULL);
			/* the last cell too (curses writes it without scrolling, and
			 * says ERR): left out, it kept what was there before a resize */
			mvadd_wch(y, x, &cc);
		}
	}
	wnoutrefresh(stdscr);
	doupdate();
}

int view_read_key(void)
{
	wint_t k;
	int rc = get_wch(&k);

	if (rc == ERR)
		return -1;
	if (rc == KEY_CODE_YES) {
		switch (k) {
		case KEY_UP: return SK_UP;
		case KEY_DOWN: return SK_DOWN;
		case KEY_PPAGE: return SK_PGUP;
		case KEY_NPAGE: return SK_PGDN;
		case KEY_HOME: return SK_HOME;
		case KEY_END: return SK_END;
		case KEY_LEFT: return SK_LEFT;
		case KEY_RIGHT: return SK_RIGHT;
		case KEY_BTAB: return SK_BTAB;
		case KEY_ENTER: return SK_ENTER;
		case KEY_BACKSPACE: return SK_BACKSPACE;
		case KEY_RESIZE: return 0;
		default: return -1;
		}
	}
	switch (k) {
	case '\r': case '\n': return SK_ENTER;
	case 27: return SK_ESC;
	case '\t': return SK_TAB;
	case 127: case 8: return SK_BACKSPACE;
	default: return (int)k;
	}
}

bool view_locale_utf8(void)
{
	return strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
}

/* The locale the environment names for character types (LC_ALL, then
 * LC_CTYPE, then LANG: setlocale's order), or "". */
static const char *ctype_env(void)
{
	static const char *const vars[] = {"LC_ALL", "LC_CTYPE", "LANG"};

	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return v;
	}
	return "";
}

void view_locale_init(void)
{
	static const char *const utf8_locales[] = {"C.UTF-8", "C.utf8", "en_US.UTF-8", "en_US.utf8"};
	const char *want = ctype_env();

	setlocale(LC_ALL, "");
	if (view_locale_utf8() || !(strcasestr(want, "utf-8") || strcasestr(want, "utf8")))
		return;
	for (size_t i = 0; i < sizeof(utf8_locales) / sizeof(utf8_locales[0]); i++)
		if (setlocale(LC_CTYPE, utf8_locales[i]) && view_locale_utf8())
			return;
	/* none installed: the C locale, drawn in ASCII */
}
