/* fixture.h: the UI tests' known sequences loaded into a timeline through
 * the recording reader, as replay does. tests/golden/echo.jsonl (the
 * default): handshake, one echo, close, with connect's exit delivered
 * before the handshake. tests/golden/icmp.jsonl: socklab-trace's --json of
 * icmp.pcap (it_trace_golden keeps the two in step). */
#ifndef SOCKLAB_TESTS_UI_FIXTURE_H
#define SOCKLAB_TESTS_UI_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "recording.h"
#include "timeline.h"

static inline void fixture_add(const struct ui_event *ev, void *ctx)
{
	timeline_add(ctx, ev, NULL);
}

/* tests/golden/NAME under $SOCKLAB_ROOT (or the current directory). */
static inline const char *fixture_path_of(const char *name)
{
	static char path[512];
	const char *root = getenv("SOCKLAB_ROOT");

	snprintf(path, sizeof(path), "%s/tests/golden/%s", root ? root : ".", name);
	return path;
}

/* Hands every record of tests/golden/NAME to fn. */
static inline void fixture_read_of(const char *name, recording_record_fn fn, void *ctx)
{
	char err[256], warn[256];

	if (recording_read_jsonl(fixture_path_of(name), fn, ctx, err, sizeof(err), warn, sizeof(warn)) < 0)
		fail_msg("%s", err);
}

static inline void fixture_read(recording_record_fn fn, void *ctx)
{
	fixture_read_of("echo.jsonl", fn, ctx);
}

/* tests/golden/NAME in a timeline made with cfg (NULL: the defaults). */
static inline struct timeline *fixture_load_of(const char *name, const struct timeline_config *cfg)
{
	struct timeline *tl = timeline_new(cfg);

	assert_non_null(tl);
	fixture_read_of(name, fixture_add, tl);
	return tl;
}

static inline struct timeline *fixture_load(void)
{
	return fixture_load_of("echo.jsonl", NULL);
}

#endif
