/* fuzz_recording.c: libFuzzer target for `socklab replay FILE.jsonl`: the
 * recording reader (recording_read_jsonl) on any bytes, every record it
 * accepts added to a timeline small enough to drop rows and connections,
 * then the whole timeline exported as text, Mermaid and CSV and each row
 * drawn as a ladder row, as replay and export do. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "export.h"
#include "grid.h"
#include "ladder.h"
#include "recording.h"
#include "timeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void add_record(const struct ui_event *ev, void *ctx)
{
	bool before;

	timeline_add(ctx, ev, &before);
}

static void drop_line(const char *line, void *ctx)
{
	(void)line;
	(void)ctx;
}

static void export_all(const struct timeline *tl)
{
	static const enum export_format formats[] = {EXPORT_TEXT, EXPORT_MERMAID, EXPORT_CSV};
	struct ladder_opts lo = {.sel = -1};
	struct grid g;

	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		struct export_opts eo = {.format = formats[i], .width = 100, .ascii = i == 1};
		if (export_timeline(tl, &eo, drop_line, NULL) < 0)
			abort();
	}
	if (grid_init(&g, 100, 1 + LADDER_HEADER_LINES) < 0)
		abort();
	for (size_t pos = 0; pos < timeline_count(tl); pos++)
		ladder_draw_row(tl, &lo, (long)pos, &g, 0);
	ladder_draw(tl, &lo, &g, 0, g.h);
	grid_free(&g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct timeline *tl = timeline_new(&(struct timeline_config){.max_rows = 32, .max_conns = 4});
	char path[64], err[512], warn[512];
	int fd = memfd_create("fuzz.jsonl", 0);

	if (fd < 0 || !tl || write(fd, data, size) != (ssize_t)size) {
		perror("memfd");
		abort();
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	/* What was read before a bad line is exported too: more code reached. */
	recording_read_jsonl(path, add_record, tl, err, sizeof(err), warn, sizeof(warn));
	export_all(tl);
	timeline_free(tl);
	close(fd);
	return 0;
}
