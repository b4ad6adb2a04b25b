/* grid.h: an off-screen grid of character cells with attribute ids. The
 * ladder draws into it, tests read its lines as text, the curses view and
 * the text export copy it out. Pure. A cell holds one Unicode code point;
 * a wide one (Chinese, fullwidth forms) takes two cells, the second holding
 * GRID_WIDE_TAIL, as a terminal shows it. */
#ifndef SOCKLAB_UI_GRID_H
#define SOCKLAB_UI_GRID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a cell shows; the view maps each to a colour pair or, in
 * monochrome, to bold/underline/reverse. */
enum cell_attr {
	ATTR_NORMAL,
	ATTR_HEADER,    /* lane titles */
	ATTR_CALL,      /* a call entering */
	ATTR_RETURN,    /* a call returning */
	ATTR_ERROR,     /* a call failing, a RST */
	ATTR_STATE,     /* a state change */
	ATTR_C2S,       /* arrow client -> server */
	ATTR_S2C,       /* arrow server -> client */
	ATTR_DIM,       /* lifelines, connection ends */
	ATTR_STATUS,    /* status line */
	ATTR_HELP,      /* key help line */
	ATTR_COUNT,
	ATTR_SELECTED = 0x80, /* or-ed in: the selected row */
};

#define GRID_WIDE_TAIL 0 /* the right half of a wide character */

struct cell {
	uint32_t ch;
	uint8_t attr;
};

struct grid {
	int w, h;
	struct cell *cells;
};

/* Returns 0, or -1 when out of memory (the grid is then empty). */
int grid_init(struct grid *g, int w, int h);
void grid_free(struct grid *g);
void grid_clear(struct grid *g);

/* Writes UTF-8 text at (x, y), at most maxw cells; text that does not fit
 * ends with an ellipsis ("…", or "~" when ascii). Returns the cells written.
 * Control characters and bytes that are not UTF-8 show as '?'. */
int grid_put(struct grid *g, int x, int y, const char *utf8, int maxw, uint8_t attr, bool ascii);
void grid_fill(struct grid *g, int x, int y, int n, uint32_t ch, uint8_t attr);
/* --ascii: the lines, corners and arrows drawn (box drawing, ▶ ◀ → ←)
 * become - | + > <, in place; text, Chinese included, stays. */
void grid_lines_to_ascii(struct grid *g);
/* Or-s bits into the attributes of n cells. */
void grid_or_attr(struct grid *g, int x, int y, int n, uint8_t bits);

/* The first line of text word-wrapped to w cells: at a space, after a wide
 * character (Chinese breaks between any two), where a word longer than the
 * line fills it, or at '\n'. Returns the line's length in bytes; *next is
 * where the following line starts (its spaces and one '\n' skipped; with w of
 * 2 or more, past at least one character). */
size_t grid_wrap(const char *text, int w, const char **next);

/* Writes text word-wrapped (grid_wrap) into the box (x, y, w cells, at most lines
 * lines); '\n' starts a new line. Returns the lines used. */
int grid_put_wrapped(struct grid *g, int x, int y, int w, int lines, const char *text, uint8_t attr,
		     bool ascii);

/* Copies lines from .. from+n-1 of src, its whole width, to (x, y) of g:
 * what was drawn off-screen, placed. */
void grid_copy_lines(struct grid *g, int x, int y, const struct grid *src, int from, int n);

/* Line y as UTF-8 without trailing spaces; returns its length in bytes. */
size_t grid_line(const struct grid *g, int y, char *buf, size_t n);

/* Cells utf8 takes on a terminal. */
int utf8_width(const char *utf8);

/* Cells code point cp takes: 2 for East Asian wide and fullwidth ones, else 1. */
int cell_width(uint32_t cp);

/* Encodes one code point; returns the bytes written (at most 4). */
int utf8_encode(uint32_t cp, char out[4]);

#endif
