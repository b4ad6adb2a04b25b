/* text_ladder.c: the ladder printed as text while it grows. */
#include "text_ladder.h"

#define LINE_MAX_BYTES 2048

void text_ladder_init(struct text_ladder *t, const struct timeline *tl, int width, bool ascii, FILE *out)
{
	*t = (struct text_ladder){.tl = tl, .eo = {EXPORT_TEXT, 0, width, ascii}, .out = out};
}

void text_ladder_row_added(struct text_ladder *t, long pos, bool inserted_before, uint64_t dropped_before)
{
	t->printed -= (long)(timeline_dropped(t->tl) - dropped_before);
	if (t->printed < 0)
		t->printed = 0;
	if (inserted_before && pos < t->printed)
		t->printed++; /* a very late row: it is not printed */
}

void text_ladder_line(const char *line, void *ctx)
{
	struct text_ladder *t = ctx;

	if (fprintf(t->out, "%s\n", line) < 0)
		t->failed = true;
}

int text_ladder_print(struct text_ladder *t, uint64_t until_ns)
{
	char line[LINE_MAX_BYTES];

	for (; t->printed < (long)timeline_count(t->tl); t->printed++) {
		if (timeline_row(t->tl, (size_t)t->printed)->ts_ns > until_ns)
			break;
		if (export_text_row(t->tl, &t->eo, t->printed, line, sizeof(line)) == 0)
			text_ladder_line(line, t);
	}
	if (fflush(t->out) == EOF)
		t->failed = true;
	return t->failed ? -1 : 0;
}

void text_ladder_reprint(struct text_ladder *t, uint64_t since_ns, uint64_t until_ns)
{
	char line[LINE_MAX_BYTES];

	for (size_t pos = 0; pos < timeline_count(t->tl); pos++) {
		uint64_t ts = timeline_row(t->tl, pos)->ts_ns;
		if (ts >= since_ns && ts < until_ns && export_text_row(t->tl, &t->eo, (long)pos, line, sizeof(line)) == 0)
			text_ladder_line(line, t);
	}
}

long text_ladder_skip(struct text_ladder *t)
{
	long skipped = (long)timeline_count(t->tl) - t->printed;

	t->printed = (long)timeline_count(t->tl);
	return skipped;
}
