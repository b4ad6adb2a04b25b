/* wire_lab: the two hosts and the wire (wire/) on their own, for the wire's
 * tests: opens the wire with socklab's wire switches, runs a server command
 * in the server host and a client command in the client host, and prints
 * the relay's counters when the client is done.
 *
 *   wire_lab [--delay MS ...] [--log FILE] [-- SERVER ARGS... [+ CLIENT ARGS...]]
 *   wire_lab [--seed N --loss PCT] --predict N   the frames the model loses
 *
 * Without a client it holds the wire until SIGINT or SIGTERM. "wire up"
 * goes to stdout once the hosts exist, with their namespaces and the
 * relay's pid. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "args.h"
#include "wire.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* The stop signals are blocked across the fork: a SIGTERM sent to the child
 * before it has put back the default action would run this program's
 * handler in the child, and the command would then run on (a server told
 * to stop as the client ended at once: it_wire_cleanup waited out a
 * 'sleep 600' once). Unblocked after the reset, it ends the child. */
static pid_t spawn(struct wire *w, enum wire_host h, char **argv)
{
	pid_t parent = getpid(), pid;
	sigset_t stops, old;
	char err[300];

	sigemptyset(&stops);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGTERM);
	sigprocmask(SIG_BLOCK, &stops, &old);
	pid = fork();
	if (pid == 0) {
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent)
			_exit(125);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (wire_enter(w, h, err, sizeof(err)) < 0) {
			fprintf(stderr, "wire_lab: %s\n", err);
			_exit(126);
		}
		execvp(argv[0], argv);
		fprintf(stderr, "wire_lab: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return pid;
}

static void netns_id(struct wire *w, enum wire_host h, char *buf, size_t n)
{
	struct stat st;

	if (fstat(wire_netns_fd(w, h), &st) == 0)
		snprintf(buf, n, "net:[%lu]", (unsigned long)st.st_ino);
	else
		snprintf(buf, n, "?");
}

int main(int argc, char **argv)
{
	enum { OPT_LOG = 256, OPT_PREDICT, OPT_BASE };
	struct option longopts[IMPAIR_NSWITCHES + 3] = {
		{"log", required_argument, NULL, OPT_LOG},
		{"predict", required_argument, NULL, OPT_PREDICT},
	};
	struct wire_opts o = {0};
	struct relay_stats st;
	struct sigaction sa = {.sa_handler = on_signal};
	char err[300], cns[32], sns[32];
	char **server = NULL, **client = NULL;
	long predict = -1;
	int c, rc = 0, status;
	pid_t spid = -1, cpid = -1;

	impair_longopts(longopts + 2, OPT_BASE);
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == OPT_LOG) {
			o.log_path = optarg;
		} else if (c == OPT_PREDICT) {
			if (args_number("--predict", optarg, 1, 10000000, &predict, err, sizeof(err)) < 0) {
				fprintf(stderr, "wire_lab: %s\n", err);
				return 2;
			}
		} else if (c >= OPT_BASE && c < OPT_BASE + IMPAIR_NSWITCHES) {
			if (impair_parse_switch(c - OPT_BASE, optarg, &o.impair, err, sizeof(err)) < 0) {
				fprintf(stderr, "wire_lab: %s\n", err);
				return 2;
			}
		} else {
			return 2;
		}
	}
	if (predict > 0) {
		for (int d = 0; d < 2; d++) {
			printf("%c", d == IMPAIR_TO_SERVER ? '>' : '<');
			for (long i = 0; i < predict; i++)
				if (impair_lost_at(&o.impair, (enum impair_dir)d, (uint64_t)i))
					printf(" %ld", i);
			printf("\n");
		}
		return 0;
	}
	if (optind < argc) {
		server = argv + optind;
		for (int i = optind; i < argc; i++)
			if (strcmp(argv[i], "+") == 0) {
				argv[i] = NULL;
				client = argv + i + 1;
				break;
			}
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	int cleaned = wire_cleanup();
	struct wire *w = wire_open(&o, err, sizeof(err));
	if (!w) {
		fprintf(stderr, "wire_lab: %s\n", err);
		return 1;
	}
	netns_id(w, WIRE_CLIENT, cns, sizeof(cns));
	netns_id(w, WIRE_SERVER, sns, sizeof(sns));
	printf("wire up: client %s server %s relay %d seed %llu userns %d cleaned %d\n", cns, sns,
	       (int)wire_relay_pid(w), (unsigned long long)wire_impair(w)->seed, wire_userns(w), cleaned);
	fflush(stdout);
	if (server && server[0])
		spid = spawn(w, WIRE_SERVER, server);
	if (client && client[0])
		cpid = spawn(w, WIRE_CLIENT, client);
	while (!stop) {
		pid_t p = wait(&status);
		if (p < 0 && errno == ECHILD && cpid < 0 && spid < 0)
			pause(); /* hold the wire until a signal */
		if (p == cpid) {
			rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
			break;
		}
		if (p == spid && cpid < 0) {
			rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
			spid = -1;
			break;
		}
	}
	if (spid > 0) {
		kill(spid, SIGTERM);
		waitpid(spid, NULL, 0);
	}
	if (wire_close(w, &st, err, sizeof(err)) < 0) {
		fprintf(stderr, "wire_lab: %s\n", err);
		return 1;
	}
	printf("relay: rx %llu %llu sent %llu %llu lost %llu %llu reordered %llu %llu overflow %llu %llu oversize %llu "
	       "errors %llu kernel_drops %llu\n",
	       (unsigned long long)st.rx[0], (unsigned long long)st.rx[1], (unsigned long long)st.sent[0],
	       (unsigned long long)st.sent[1], (unsigned long long)st.lost[0], (unsigned long long)st.lost[1],
	       (unsigned long long)st.reordered[0], (unsigned long long)st.reordered[1],
	       (unsigned long long)st.overflow[0], (unsigned long long)st.overflow[1], (unsigned long long)st.oversize,
	       (unsigned long long)st.send_errors, (unsigned long long)st.kernel_drops);
	return rc;
}
