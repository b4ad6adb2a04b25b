/* gorec.h: the "go" record, {"type":"go","seq":7} (docs/trace-format.md,
 * "Step control"), that releases a call held at its --step gate: read by
 * every program that waits for one (lab/, run/). */
#ifndef SOCKLAB_GOREC_H
#define SOCKLAB_GOREC_H

#include <stddef.h>

/* The seq of the go record in buf[0..len) (not NUL-terminated), or -1 when
 * buf is not one: not JSON, another type, or no non-negative integer seq. */
long gorec_seq(const char *buf, size_t len);

#endif
