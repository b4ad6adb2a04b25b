/* fuzz_lesson.c: libFuzzer target for the lesson file parser. Lesson files
 * are text anyone may write and share, so any bytes go to lesson_parse();
 * what it accepts must be consistent (answers among the choices, counts
 * within their arrays), and every step's expectations are matched against
 * a real recording's timeline (tests/golden/echo.jsonl), as the runner does. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lesson.h"
#include "recording.h"
#include "timeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void add_record(const struct ui_event *ev, void *ctx)
{
	bool before;

	timeline_add(ctx, ev, &before);
}

/* The rows the expectations are matched against, read once. */
static const struct timeline *recorded_timeline(void)
{
	static struct timeline *tl;
	char err[512], warn[512];

	if (!tl) {
		tl = timeline_new(NULL);
		if (!tl || recording_read_jsonl("tests/golden/echo.jsonl", add_record, tl, err, sizeof(err), warn,
						sizeof(warn)) <= 0)
			abort(); /* run from the repository root (make fuzz does) */
	}
	return tl;
}

static int consistent(const struct lesson *l)
{
	if (l->nsteps < 0 || l->nsteps > LESSON_MAX_STEPS)
		return 0;
	for (int i = 0; i < l->nsteps; i++) {
		const struct lesson_step *s = &l->steps[i];
		if (s->nchoices < 0 || s->nchoices > LESSON_MAX_CHOICES || s->answer < 0 || s->answer > s->nchoices ||
		    s->nruns < 0 || s->nruns > LESSON_MAX_RUNS || s->nexpects < 0 || s->nexpects > LESSON_MAX_EXPECTS)
			return 0;
		for (int r = 0; r < s->nruns; r++)
			if (s->runs[r].argc < 0 || s->runs[r].argc > LESSON_MAX_ARGS)
				return 0;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct timeline *tl = recorded_timeline();
	struct lesson *l = calloc(1, sizeof(*l));
	bool met[LESSON_MAX_EXPECTS];
	char err[512];

	if (lesson_parse((const char *)data, size, "fuzz.lesson", l, err, sizeof(err)) == 0) {
		if (!consistent(l))
			abort();
		for (int i = 0; i < l->nsteps; i++)
			lesson_match(&l->steps[i], tl, 0, met);
		lesson_free(l);
	} else if (strncmp(err, "fuzz.lesson:", 12) != 0) {
		abort(); /* a rejection names the file (and line) */
	}
	free(l);
	return 0;
}
