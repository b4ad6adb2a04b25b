/* clock.h: a clock read as integer nanoseconds. CLOCK_REALTIME is the time
 * base of every record (BRIEF: "Time and order"); CLOCK_MONOTONIC times
 * durations and timeouts, which must not jump with the wall clock. */
#ifndef SOCKLAB_CLOCK_H
#define SOCKLAB_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#endif
