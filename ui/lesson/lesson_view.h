/* lesson_view.h: `socklab lesson N` in the curses lab: the live ladder of
 * the lesson's real connection (the same screen as `socklab demo`) with a
 * lesson pane below it: the step's narrative, the prediction with its
 * numbered choices and then right/wrong, the checkpoint with a tick for
 * each expectation seen, and the keys (space/Enter run and go on, 1-9
 * answer, h hint, b back, j/k rows, ? help, q quit). */
#ifndef SOCKLAB_UI_LESSON_VIEW_H
#define SOCKLAB_UI_LESSON_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lesson.h"
#include "lesson_progress.h"
#include "lesson_words.h"
#include "lesson_lab.h"

struct lesson_view_opts {
	const struct lesson *les;
	const struct lesson_words *w;
	bool ascii;      /* the terminal shows ASCII only (no UTF-8 locale): text too */
	bool ascii_lines; /* --ascii: lines, arrows and ticks in ASCII; the words stay */
	int pace_ms;     /* said while a step runs */
};

struct lesson_view;

/* NULL when out of memory. */
struct lesson_view *lesson_view_new(const struct lesson_view_opts *o);
void lesson_view_free(struct lesson_view *v); /* NULL is fine */

/* The lab's row callback (a session_row_fn) with the view as ctx. */
void lesson_view_on_row(long pos, bool inserted_before, uint64_t dropped_before, void *ctx);

/* Runs the lesson on the terminal (loop.h) until q or a signal. *end:
 * PHASE_FINISHED, PHASE_FAILED (*step and met[] say which checkpoint) or
 * PHASE_QUIT. Returns 0, or -1 with err (no terminal, a program that
 * cannot start). */
int lesson_view_run(struct lesson_view *v, struct lesson_lab *lab, enum progress_phase *end, int *step,
		    bool met[LESSON_MAX_EXPECTS], char *err, size_t errlen);

#endif
