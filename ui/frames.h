/* frames.h: the captured bytes of the frames the rows came from, so the
 * details of a row (d) can show the segment as the stack built it.
 *
 * Filled live by the session (each frame as captured, snaplen bytes), from
 * a pcap file as it is read, and for a recording's replay from its
 * .pcapng. Bounded: at most FRAMES_MAX frames and FRAMES_MAX_BYTES bytes,
 * the oldest dropped first (the timeline drops its oldest rows too). Pure. */
#ifndef SOCKLAB_UI_FRAMES_H
#define SOCKLAB_UI_FRAMES_H

#include <stddef.h>
#include <stdint.h>

#include "decode.h"

#define FRAMES_MAX 100000
#define FRAMES_MAX_BYTES (32u << 20)

struct frame {
	uint64_t ts_ns;
	enum link_type link;
	uint32_t caplen, wirelen;
	uint8_t *bytes;
};

struct frames;

struct frames *frames_new(void);
void frames_free(struct frames *fs);

/* Keeps a copy of one frame. Returns 0, or -1 when out of memory. */
int frames_add(struct frames *fs, enum link_type link, uint64_t ts_ns, const uint8_t *bytes, uint32_t caplen,
	       uint32_t wirelen);

size_t frames_count(const struct frames *fs);

/* The nth (0, 1, ...) frame kept that was stamped ts_ns, or NULL. */
const struct frame *frames_at(const struct frames *fs, uint64_t ts_ns, size_t nth);

#endif
