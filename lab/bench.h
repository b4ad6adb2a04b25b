/* bench.h: echo-client --bench, a load generator for any echo server that
 * answers "server-" + the request. One thread drives every connection with
 * epoll; each connection sends a request, waits for the whole reply, and
 * sends the next. It uses the plain socket calls, not the reported lab_X():
 * it is the measuring instrument, not the lesson.
 *
 * Prints one line:
 *   bench: 127.0.0.1:8080 50 conns 200000 requests: 81234 req/s p50 0.571 ms p99 1.203 ms errors 0 time 2.462 s */
#ifndef SOCKLAB_LAB_BENCH_H
#define SOCKLAB_LAB_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "options.h"

/* Runs o->requests requests over o->conns connections (a fresh connection
 * per request with o->reconnect); with o->hold_ms, keeps every connection
 * open that long after the last reply. Returns 0, or 1 if any request
 * failed. */
int bench_run(const struct client_options *o, const struct sockaddr *addr, socklen_t addrlen);

/* The p-th percentile (0..100) of n latencies, nearest rank; sorts v. Pure. */
uint64_t bench_percentile(uint64_t *v, size_t n, double p);

#endif
