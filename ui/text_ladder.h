/* text_ladder.h: the ladder as text lines on a stream, printed while the
 * rows arrive (`socklab --plain`, the text lesson runner) or all at once
 * (replay --plain, export). Rows arrive out of order, so a row is printed
 * only once it is TEXT_LADDER_HOLD_NS old; one that still sorts in before
 * the printed ones is left out, and rows dropped from the timeline's front
 * are accounted for. An edge: it writes to the stream. */
#ifndef SOCKLAB_UI_TEXT_LADDER_H
#define SOCKLAB_UI_TEXT_LADDER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "export.h"
#include "timeline.h"

#define TEXT_LADDER_HOLD_NS 200000000ull /* late calls sort in first */
#define TEXT_LADDER_ALL UINT64_MAX

struct text_ladder {
	const struct timeline *tl;
	struct export_opts eo;
	FILE *out;
	long printed;  /* rows before this position are printed (or skipped) */
	bool failed;   /* a write failed (a closed pipe, a full disk) */
};

void text_ladder_init(struct text_ladder *t, const struct timeline *tl, int width, bool ascii, FILE *out);

/* A row went into the timeline at pos (a session_row_fn's arguments). */
void text_ladder_row_added(struct text_ladder *t, long pos, bool inserted_before, uint64_t dropped_before);

/* Prints the rows not printed yet that are stamped at or before until_ns
 * (TEXT_LADDER_ALL: every one) and flushes. Returns 0, or -1 once a write
 * has failed. */
int text_ladder_print(struct text_ladder *t, uint64_t until_ns);

/* Prints the rows stamped from since_ns until before until_ns again. */
void text_ladder_reprint(struct text_ladder *t, uint64_t since_ns, uint64_t until_ns);

/* Counts every row so far as printed without printing it; returns how
 * many that were. */
long text_ladder_skip(struct text_ladder *t);

/* An export_line_fn: one line (ctx: the text_ladder) on its stream. */
void text_ladder_line(const char *line, void *ctx);

#endif
