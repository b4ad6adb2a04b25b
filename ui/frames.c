/* frames.c: a ring of captured frames, found by their time stamp. */
#include "frames.h"

#include <stdlib.h>
#include <string.h>

struct frames {
	struct frame *ring; /* FRAMES_MAX slots */
	size_t head, count; /* oldest at head */
	size_t bytes;       /* held in total */
	size_t unsorted;    /* frames kept that are older than the one before them */
};

struct frames *frames_new(void)
{
	struct frames *fs = calloc(1, sizeof(*fs));

	if (fs && !(fs->ring = calloc(FRAMES_MAX, sizeof(*fs->ring)))) {
		free(fs);
		return NULL;
	}
	return fs;
}

void frames_free(struct frames *fs)
{
	if (!fs)
		return;
	for (size_t i = 0; i < fs->count; i++)
		free(fs->ring[(fs->head + i) % FRAMES_MAX].bytes);
	free(fs->ring);
	free(fs);
}

static const struct frame *frame_nth(const struct frames *fs, size_t i)
{
	return &fs->ring[(fs->head + i) % FRAMES_MAX];
}

static void drop_oldest(struct frames *fs)
{
	struct frame *f = &fs->ring[fs->head];

	if (fs->count > 1 && frame_nth(fs, 1)->ts_ns < f->ts_ns)
		fs->unsorted--;

	fs->bytes -= f->caplen;
	free(f->bytes);
	*f = (struct frame){0};
	fs->head = (fs->head + 1) % FRAMES_MAX;
	fs->count--;
}

int frames_add(struct frames *fs, enum link_type link, uint64_t ts_ns, const uint8_t *bytes, uint32_t caplen,
	       uint32_t wirelen)
{
	uint8_t *copy;

	if (!fs || caplen > FRAMES_MAX_BYTES)
		return -1;
	if (!(copy = malloc(caplen ? caplen : 1)))
		return -1;
	if (caplen)
		memcpy(copy, bytes, caplen);
	while (fs->count && (fs->count == FRAMES_MAX || fs->bytes + caplen > FRAMES_MAX_BYTES))
		drop_oldest(fs);
	if (fs->count && ts_ns < frame_nth(fs, fs->count - 1)->ts_ns)
		fs->unsorted++;
	fs->ring[(fs->head + fs->count) % FRAMES_MAX] =
		(struct frame){.ts_ns = ts_ns, .link = link, .caplen = caplen, .wirelen = wirelen, .bytes = copy};
	fs->count++;
	fs->bytes += caplen;
	return 0;
}

size_t frames_count(const struct frames *fs)
{
	return fs ? fs->count : 0;
}

/* Newest first: a live view asks about recent rows. Frames come in time
 * order from one capture, so they are found by bisection (a page export
 * asks once per row: scanning made a 100,000-row export take 86% of its
 * time here). A file whose stamps go back is scanned whole while any of
 * those frames are kept. */
const struct frame *frames_at(const struct frames *fs, uint64_t ts_ns, size_t nth)
{
	size_t lo = 0, hi;

	if (!fs)
		return NULL;
	if (fs->unsorted) {
		for (size_t i = fs->count; i-- > 0;) {
			const struct frame *f = frame_nth(fs, i);
			if (f->ts_ns == ts_ns && nth-- == 0)
				return f;
		}
		return NULL;
	}
	for (hi = fs->count; lo < hi;) { /* the first frame stamped after ts_ns */
		size_t mid = lo + (hi - lo) / 2;
		if (frame_nth(fs, mid)->ts_ns <= ts_ns)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (nth >= lo || frame_nth(fs, lo - 1 - nth)->ts_ns != ts_ns)
		return NULL;
	return frame_nth(fs, lo - 1 - nth);
}
