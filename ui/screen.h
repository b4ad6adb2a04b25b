/* screen.h: the whole lab screen as a grid, and what each key does to it.
 *
 *   status line   source, filter, packets, drops, live/paused/replay
 *   ladder        header + rows (ladder.h)
 *   explanation   the selected row in plain words (explain.h)
 *   key help
 *
 * Overlays: help (?), details (d), connection list (l), search (/). Pure:
 * the curses view (view.h) reads keys into SK_* codes and copies the grid
 * out, so tests drive it with keys and read the screen back as text. */
#ifndef SOCKLAB_UI_SCREEN_H
#define SOCKLAB_UI_SCREEN_H

#include <stdbool.h>
#include <stdint.h>

#include "details.h"
#include "frames.h"
#include "grid.h"
#include "timeline.h"

#define SCREEN_MIN_W 80
#define SCREEN_MIN_H 24

/* Keys beyond ASCII. */
enum screen_key_code {
	SK_UP = 0x100, SK_DOWN, SK_PGUP, SK_PGDN, SK_HOME, SK_END, SK_ENTER, SK_ESC, SK_BACKSPACE, SK_TAB,
	SK_LEFT, SK_RIGHT, SK_BTAB,
};

enum screen_action {
	ACT_NONE,
	ACT_REDRAW,
	ACT_QUIT,
	ACT_STEP_GO,      /* space: let the next stepping call run */
	ACT_RECORD,       /* r: start recording */
	ACT_PLAY,         /* replay: p toggles playing */
	ACT_FASTER,       /* replay: + */
	ACT_SLOWER,       /* replay: - */
};

struct screen {
	uint32_t conn;        /* connection shown, 0: every row */
	long sel, top;        /* selected row, first row drawn */
	bool follow;          /* live: the selection stays on the newest row */
	bool big, ascii, replay; /* ascii: the terminal shows ASCII only */
	bool ascii_lines;     /* --ascii on a UTF-8 terminal: the text as it is
			       * (Chinese stays), lines, corners and arrows in ASCII */
	long limit;           /* replay: rows revealed so far (live: every row) */
	enum { OVERLAY_NONE, OVERLAY_HELP, OVERLAY_DETAILS, OVERLAY_CONNS } overlay;
	bool searching;       /* typing a search */
	char search[64];
	uint32_t conn_cursor; /* the connection list's cursor */
	const char *const *help; /* the help overlay's lines (NULL: the lab's own) */
	int nhelp;
	/* the details (d): the captured frames (NULL: none kept), whether a
	 * recording came without its .pcapng, and the layer and line shown */
	const struct frames *frames;
	bool frames_no_file;
	struct details_view details;
};

/* A pane drawn below the ladder instead of the explanation (a lesson's):
 * draw fills lines y .. y+h-1 of the grid. */
struct screen_pane {
	const char *title;       /* on the line above it */
	int lines;               /* lines it wants; the ladder keeps a few rows */
	const char *keys;        /* the key help line, or NULL */
	void (*draw)(struct grid *g, int y, int h, void *ctx);
	void *ctx;
};

struct screen_status {
	const char *source;     /* "lo", a file name */
	const char *filter;
	const char *mode;       /* "live", "replay x1.0", "demo echo"... */
	uint64_t packets, drops;
	uint64_t kernel_lost;   /* the kernel view's records not kept (kview_lost) */
	size_t steps_waiting;   /* stepping calls waiting for space */
	const char *waiting_call; /* the first of them, "client connect()" */
	const char *recording;  /* the .jsonl being written, or NULL */
	const char *message;    /* last error or notice, or NULL */
	uint64_t now_ns;        /* live clock for the TIME_WAIT countdown, 0 in replay */
	const struct screen_pane *pane; /* or NULL: the explanation */
};

void screen_init(struct screen *s, bool replay, bool big, bool ascii);

/* Rows arrived (pos: where the last one went, -1 when none made a row):
 * keeps the selection on the same row, picks the first connection, and
 * follows the newest row when following. dropped: timeline_dropped() now. */
void screen_rows_changed(struct screen *s, const struct timeline *tl, long pos, bool inserted_before,
			 uint64_t dropped_before, uint64_t dropped_now);

enum screen_action screen_key(struct screen *s, const struct timeline *tl, int key, int height);

/* Draws everything into g (its size is the terminal's). */
void screen_compose(struct screen *s, const struct timeline *tl, const struct screen_status *st, struct grid *g);

/* The last row position a replay shows (limit - 1); for live, the newest. */
long screen_last(const struct screen *s, const struct timeline *tl);

#endif
