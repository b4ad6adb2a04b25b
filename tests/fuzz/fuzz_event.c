/* fuzz_event.c: libFuzzer target for the event channel. Any local process
 * can try to send the UI a datagram, so each input is one datagram, parsed
 * exactly as session.c parses it (ui_event_parse), then added to a small
 * timeline and explained, as the live view would. Every string the parser
 * fills must stay NUL-terminated inside its field. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "event_parse.h"
#include "explain.h"
#include "timeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TERMINATED(field) (strnlen((field), sizeof(field)) < sizeof(field))

static int strings_terminated(const struct ui_event *ev)
{
	switch (ev->type) {
	case UEV_PACKET:
		return TERMINATED(ev->u.packet.note) && TERMINATED(ev->u.packet.payload);
	case UEV_STATE:
		return TERMINATED(ev->u.state.why);
	case UEV_CALL:
	case UEV_STEP:
		return TERMINATED(ev->u.call.call) && TERMINATED(ev->u.call.args) && TERMINATED(ev->u.call.err) &&
		       TERMINATED(ev->u.call.data);
	case UEV_HELLO:
		return TERMINATED(ev->u.hello.argv);
	case UEV_CONN_END:
		return TERMINATED(ev->u.end.reason) && TERMINATED(ev->u.end.client_path) &&
		       TERMINATED(ev->u.end.server_path);
	default:
		return 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ui_event *ev = malloc(sizeof(*ev));
	struct timeline *tl;
	char err[256], text[4096];
	bool before;
	long pos;

	if (ui_event_parse((const char *)data, size, ev, err, sizeof(err)) == 0) {
		if (!strings_terminated(ev) || ui_event_size(ev->type) > sizeof(*ev))
			abort();
		tl = timeline_new(&(struct timeline_config){.max_rows = 8, .max_conns = 2});
		pos = timeline_add(tl, ev, &before);
		if (pos >= 0) {
			explain_row(tl, pos, text, sizeof(text));
			explain_details(tl, pos, ev->ts_ns, text, sizeof(text));
		}
		timeline_free(tl);
	} else if (strnlen(err, sizeof(err)) == 0) {
		abort(); /* a rejection always says why */
	}
	free(ev);
	return 0;
}
