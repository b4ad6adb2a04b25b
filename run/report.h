/* report.h: where a traced process's calls go: its own connection to the
 * lab's event channel (one per process, like the echo programs, so the
 * lab's "go" for a step comes back to the right process and seq numbers
 * are per process), and the stderr line. A process's records wait until
 * it shows which side it is on (it connected: client; it bound a port,
 * listened or accepted: server), because the lab places a call by that
 * side; under --step a call cannot wait, and one made before the process
 * shows its side goes as the client's. */
#ifndef SOCKLAB_RUN_REPORT_H
#define SOCKLAB_RUN_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "calldecode.h"

struct report_cfg {
	char path[108];  /* the event channel (chanpath.h) */
	bool quiet;      /* -q: no stderr lines */
};

struct proc_report;

/* The reporter of process pid (connects to the lab when it listens). */
struct proc_report *report_open(const struct report_cfg *cfg, int pid);
/* Sends what waits (as the client's, when the side never showed), closes. */
void report_close(struct proc_report *r);

/* The process made an exec: the hello that goes before its next record
 * names the new program. (A hello, as an echo program's, goes before the
 * first record on each connection to the lab: its pid, command line and
 * side.) */
void report_exec(struct proc_report *r);

/* One record of call c (phase enter or exit) by thread tid: to the lab
 * and, at exit, to stderr. seq is the call's, shared by enter and exit. */
void report_call(struct proc_report *r, int tid, unsigned seq, const struct run_call *c, enum call_phase phase,
		 uint64_t ts_ns, uint64_t blocked_ns);

/* --step: tells the lab that call seq waits. Returns the connection to
 * wait on for its "go", or -1 when no lab listens (the call runs on). */
int report_step(struct proc_report *r, int tid, unsigned seq, const struct run_call *c);
/* The connection a step waits on (-1: none). */
int report_step_fd(const struct proc_report *r);
/* Reads one message the lab sent on the step connection: the seq of a
 * "go", -1 for nothing or anything else, -2 when the lab went away. */
long report_read_go(struct proc_report *r);

#endif
