/* explain.h: the words under the ladder. For the selected row: what the
 * socket call does (as its man page says), what a segment's flags and
 * numbers mean, why each state changed, in the timeline's language: the
 * sentences from the catalog (why.h), the words from screen_words.h. Pure. */
#ifndef SOCKLAB_UI_EXPLAIN_H
#define SOCKLAB_UI_EXPLAIN_H

#include <stddef.h>
#include <stdint.h>

#include "timeline.h"

/* The explanation pane for row pos: paragraphs separated by '\n'. */
void explain_row(const struct timeline *tl, long pos, char *buf, size_t n);

/* Every field of row pos, one per line, for the details overlay; times
 * relative to t0_ns. */
void explain_details(const struct timeline *tl, long pos, uint64_t t0_ns, char *buf, size_t n);

#endif
