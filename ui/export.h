/* export.h: the ladder for other media. `socklab export FILE --format F`:
 *   text     the ladder as plain text (what --plain prints)
 *   mermaid  a Mermaid sequenceDiagram for slides and web pages
 *   csv      one row per state change, like bcc's tcpstates
 * Pure: lines go to a callback. */
#ifndef SOCKLAB_UI_EXPORT_H
#define SOCKLAB_UI_EXPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "timeline.h"

enum export_format { EXPORT_TEXT, EXPORT_MERMAID, EXPORT_CSV };

/* "text", "mermaid", "csv"; returns -1 for anything else. */
int export_format_parse(const char *name, enum export_format *out);

typedef void (*export_line_fn)(const char *line, void *ctx);

struct export_opts {
	enum export_format format;
	uint32_t conn; /* 0: every connection */
	int width;     /* text: columns */
	bool ascii;    /* text: no UTF-8 */
};

/* Writes the rows of the view, one line at a time; returns 0, or -1 when
 * out of memory. */
int export_timeline(const struct timeline *tl, const struct export_opts *o, export_line_fn fn, void *ctx);

/* One text line for row pos (the --plain output of a live session). */
int export_text_row(const struct timeline *tl, const struct export_opts *o, long pos, char *buf, size_t n);

#endif
