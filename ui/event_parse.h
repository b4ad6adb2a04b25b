/* event_parse.h: socklab records (records.h) parsed from a JSON line (event
 * channel datagram, recording line) or converted from a tracer event. Pure:
 * no I/O. Unknown types and fields are ignored, as the format asks. */
#ifndef SOCKLAB_UI_EVENT_PARSE_H
#define SOCKLAB_UI_EVENT_PARSE_H

#include <stddef.h>

#include "flow.h"
#include "lang.h"
#include "records.h"

/* Parses one JSON object (len bytes, need not be NUL-terminated). Returns 0,
 * or -1 with a lower-case reason in err ("expected an object", "packet:
 * missing field 'flags'"). */
int ui_event_parse(const char *json, size_t len, struct ui_event *out, char *err, size_t errlen);
/* The same with the reason in lang (screen_words.h): the event channel's
 * notice on a Chinese screen says it in Chinese. */
int ui_event_parse_in(enum lang lang, const char *json, size_t len, struct ui_event *out, char *err, size_t errlen);

/* The same record from a flow-table event (payload bytes, when captured,
 * are kept as text for the details view). */
void ui_event_from_trace(const struct trace_event *ev, struct ui_event *out);

#endif
