/* fixture.h: the UI tests' known sequence (tests/golden/echo.jsonl: handshake,
 * one echo, close, with connect's exit delivered before the handshake)
 * loaded into a timeline through the recording reader, as replay does. */
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

static inline const char *fixture_path(void)
{
	static char path[512];
	const char *root = getenv("SOCKLAB_ROOT");

	snprintf(path, sizeof(path), "%s/tests/golden/echo.jsonl", root ? root : ".");
	return path;
}

/* Hands every record of the fixture to fn. */
static inline void fixture_read(recording_record_fn fn, void *ctx)
{
	char err[256], warn[256];

	if (recording_read_jsonl(fixture_path(), fn, ctx, err, sizeof(err), warn, sizeof(warn)) < 0)
		fail_msg("%s", err);
}

static inline struct timeline *fixture_load(void)
{
	struct timeline *tl = timeline_new(NULL);

	assert_non_null(tl);
	fixture_read(fixture_add, tl);
	return tl;
}

#endif
