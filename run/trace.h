/* trace.h: the ptrace edge of socklab run. Starts a command (or attaches
 * to a process) and feeds every watched system call of it, its threads
 * and its children to the decoder (calldecode.h) and the reporter
 * (report.h). Needs nothing but the right to trace one's own children:
 * the seccomp filter wants PR_SET_NO_NEW_PRIVS, so a setuid program run
 * under it does not gain its privileges. */
#ifndef SOCKLAB_RUN_TRACE_H
#define SOCKLAB_RUN_TRACE_H

#include <stdbool.h>
#include <stddef.h>

#include "report.h"

struct trace_opts {
	struct report_cfg report;
	bool step;     /* hold each reported call at its entry until the lab says go */
};

/* Runs argv[0] (looked up in PATH) under the tracer until it and all its
 * children have ended. Returns its exit status the shell's way (127 not
 * found, 126 not runnable, 128+N killed by signal N; said on stderr), or
 * -1 with err filled when it could not be started. */
int trace_command(const struct trace_opts *o, char **argv, char *err, size_t errlen);

/* Attaches to process pid and all its threads (no seccomp filter can be
 * added from outside: it stops at every system call) until it ends or
 * socklab run is interrupted. Returns its exit status when it ended, 0
 * when we let it go, -1 with err filled when attaching was refused. */
int trace_attach(const struct trace_opts *o, int pid, char *err, size_t errlen);

#endif
