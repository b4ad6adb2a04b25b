/* points.h: a two-host wire's two capture points (one per host), live or
 * from two files, fed to the pairing (core/wirepair.h). Files are read
 * merged by time, as the two points saw them; live points hand over
 * what each has ready. Shared by socklab-trace (-r A -r B) and the UI's
 * session (two points in network namespaces). */
#ifndef SOCKLAB_POINTS_H
#define SOCKLAB_POINTS_H

#include <stdint.h>

#include "capture.h"
#include "wirepair.h"

struct points;

/* Called for each copy a point captured (before pairing), a segment or
 * an ARP frame (seg NULL): the frame is valid only during the call (a
 * recording keeps it on the point's interface). */
typedef void (*points_copy_fn)(int point, const struct segment *seg, uint64_t ts_ns,
			       const struct capture_frame *frame, void *ctx);

struct points_handlers {
	points_copy_fn on_copy;    /* or NULL */
	wirepair_fn on_segment;    /* each segment or ARP frame, paired, in send order */
	void *ctx;
};

/* Opens both captures (opts[0] is the client's host, opts[1] the
 * server's; both files or both live). NULL with err on failure. */
struct points *points_open(const struct capture_opts opts[2], const struct wirepair_config *cfg, char *err,
			   size_t errlen);
void points_close(struct points *p);

int points_is_live(const struct points *p);
/* Point i's capture descriptor to poll (live), or -1. */
int points_fd(const struct points *p, int i);
const char *points_source(const struct points *p, int i);
/* The filter in force at both points (capture_filter's words). */
const char *points_filter(const struct points *p);

/* Handles up to max copies (files: in time order across the two). Returns
 * how many, CAPTURE_EOF once both files ended (every copy then handed on),
 * or -1 with err. */
int points_dispatch(struct points *p, int max, const struct points_handlers *h, char *err, size_t errlen);

/* Live: time passed; copies waiting longer than the horizon are settled. */
void points_tick(struct points *p, uint64_t now_ns, const struct points_handlers *h);
/* Live end: every waiting copy is handed on. */
void points_finish(struct points *p, const struct points_handlers *h);

/* Both points' capture counters, added up. */
void points_get_stats(struct points *p, struct capture_stats *out);
void points_wire_stats(const struct points *p, struct wirepair_stats *out);
void points_breakloop(struct points *p);

#endif
