/* runcmd.c: the arguments of `socklab run`, then the tracer (trace.h). */
#include "runcmd.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "chanpath.h"
#include "trace.h"

static void usage(FILE *f)
{
	fputs("usage: socklab run [--step] [-q] [--events PATH] -- CMD [ARGS...]\n"
	      "       socklab run [--step] [-q] [--events PATH] --pid PID\n"
	      "\n"
	      "Runs CMD and reports its socket calls to the lab (socklab, socklab record) the way\n"
	      "echo-server and echo-client report theirs, with a line on stderr for each.\n"
	      "The exit status is CMD's (127: not found; 128+N: killed by signal N).\n"
	      "\n"
	      "      --step          each socket call waits at its entry until the lab lets it go\n"
	      "                      (no lab: until Enter in a terminal; without one it runs on)\n"
	      "  -q, --quiet         no stderr lines (the lab still gets every call)\n"
	      "      --events PATH   the event channel (default as socklab's)\n"
	      "      --pid PID       attach to a running process instead (root, or yours where\n"
	      "                      kernel.yama.ptrace_scope allows); it then stops at every call\n"
	      "  -h, --help          this help\n",
	      f);
}

int run_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"step", no_argument, NULL, 'S'},         {"quiet", no_argument, NULL, 'q'},
		{"events", required_argument, NULL, 'E'}, {"pid", required_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
	};
	struct trace_opts o;
	const char *events = NULL;
	char err[512];
	long pid = 0;
	int c, rc;

	memset(&o, 0, sizeof(o));
	optind = 1;
	while ((c = getopt_long(argc, argv, "+qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'S': o.step = true; break;
		case 'q': o.report.quiet = true; break;
		case 'E': events = optarg; break;
		case 'p':
			if (args_number("--pid", optarg, 1, 4194304, &pid, err, sizeof(err)) < 0) {
				fprintf(stderr, "socklab run: %s\n", err);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default:
			fprintf(stderr, "socklab run: unknown option; try socklab run --help\n");
			return 2;
		}
	}
	if ((optind >= argc) == !pid) {
		fprintf(stderr, pid ? "socklab run: --pid or a command, not both; try socklab run --help\n"
				    : "socklab run: what to run? socklab run -- CMD [ARGS...]\n");
		return 2;
	}
	if (chanpath_resolve(events, getenv("SOCKLAB_EVENTS"), getenv("XDG_RUNTIME_DIR"), (unsigned)getuid(),
			     o.report.path, sizeof(o.report.path)) < 0) {
		fprintf(stderr, "socklab run: event channel path too long for a UNIX socket; use --events PATH\n");
		return 2;
	}
	rc = pid ? trace_attach(&o, (int)pid, err, sizeof(err)) : trace_command(&o, argv + optind, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "socklab run: %s\n", err);
		return pid ? 1 : 126;
	}
	return rc;
}
