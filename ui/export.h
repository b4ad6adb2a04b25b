/* export.h: the ladder for other media. `socklab export FILE --format F`:
 *   text     the ladder as plain text (what --plain prints)
 *   mermaid  a Mermaid sequenceDiagram for slides and web pages
 *   csv      one row per state change, like bcc's tcpstates
 *   svg      one standalone picture of the ladder, for slides (export_web.c)
 *   html     one self-contained page that plays the recording in a browser:
 *            the rows as JSON data, the player (ui/web/) embedded at build
 *            time (export_web.c)
 * Pure: lines go to a callback. */
#ifndef SOCKLAB_UI_EXPORT_H
#define SOCKLAB_UI_EXPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "frames.h"
#include "timeline.h"

enum export_format { EXPORT_TEXT, EXPORT_MERMAID, EXPORT_CSV, EXPORT_SVG, EXPORT_HTML };

/* "text", "mermaid", "csv", "svg", "html"; returns -1 for anything else. */
int export_format_parse(const char *name, enum export_format *out);

typedef void (*export_line_fn)(const char *line, void *ctx);

struct export_opts {
	enum export_format format;
	uint32_t conn; /* 0: every connection */
	int width;     /* text: columns */
	bool ascii;    /* text: lines and arrows in ASCII (the words stay, Chinese included) */
};

/* Writes the rows of the view, one line at a time; returns 0, or -1 when
 * out of memory. */
int export_timeline(const struct timeline *tl, const struct export_opts *o, export_line_fn fn, void *ctx);

/* What svg and html take besides export_opts (kept apart so that
 * export_opts stays four fields everywhere it is written). */
struct export_web_opts {
	long first, last; /* svg: rows first..last (1-based) of the view; 0: from the start, to the end */
	enum lang lang;   /* svg: its words; html: the language the page opens in */
	/* html: the same recording read in the other language (its rows are
	 * tl's, their explanations in that language); NULL: one language */
	const struct timeline *other;
	const char *title;   /* what is shown (the file name); NULL: none */
	const char *nonce;   /* html: the page's script/style nonce ([0-9a-f], random) */
	/* html: the captured frames the rows came from (a recording's
	 * .pcapng), for the page's details: each row's layers and bytes;
	 * NULL: none. frames_no_file: the recording has no .pcapng (the
	 * details say so). */
	const struct frames *frames;
	bool frames_no_file;
};

/* export_timeline() with these; w NULL: every row, English, one language. */
int export_web(const struct timeline *tl, const struct export_opts *o, const struct export_web_opts *w,
	       export_line_fn fn, void *ctx);

/* One text line for row pos (the --plain output of a live session). */
int export_text_row(const struct timeline *tl, const struct export_opts *o, long pos, char *buf, size_t n);

#endif
