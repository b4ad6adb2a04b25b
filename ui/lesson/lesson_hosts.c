/* lesson_hosts.c: the two hosts' launchers of a lesson on the wire
 * (lesson_hosts.h). */
#include "lesson_hosts.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "chanpath.h"
#include "demo.h"
#include "errtext.h"
#include "privileges.h"

#define MAX_PROGRAMS 64 /* a launcher's programs, stopped or not, in one lesson */
#define ARG_MAX_LEN 64

enum { OP_START = 's', OP_DONE = 'd', OP_STOP = 'k' };

struct request {
	char op;
	int id;
	int port;
	bool step, client;
	char events[CHANPATH_MAX];
	char output[160], errors[160];
	int argc;
	char argv[LESSON_MAX_ARGS][ARG_MAX_LEN];
};

struct reply {
	int id; /* OP_START: the program's id, -1 on failure */
	int done;
	char err[256];
};

struct lesson_hosts {
	int sock[2]; /* to each host's launcher (wire_host order) */
	pid_t pid[2];
};

/* ---- the launcher (a process in its host) ---- */

/* One program the launcher started: demo.c keeps pointers to its scenario
 * and arguments, so they live here as long as it does. */
struct program {
	struct demo *demo;
	struct demo_scenario scenario;
	char events[CHANPATH_MAX], output[160], errors[160];
	char argv[LESSON_MAX_ARGS][ARG_MAX_LEN];
};

static void start_program(const struct wire *w, const char *bindir, struct program **progs, const struct request *q,
			  struct reply *r)
{
	struct program *p;
	int id = 0;

	while (id < MAX_PROGRAMS && progs[id])
		id++;
	r->id = -1;
	if (id == MAX_PROGRAMS || q->argc < 0 || q->argc > LESSON_MAX_ARGS || !(p = calloc(1, sizeof(*p)))) {
		snprintf(r->err, sizeof(r->err), "a host's launcher: too many programs in one lesson (at most %d)",
			 MAX_PROGRAMS);
		return;
	}
	memcpy(p->events, q->events, sizeof(p->events));
	memcpy(p->output, q->output, sizeof(p->output));
	memcpy(p->errors, q->errors, sizeof(p->errors));
	p->events[sizeof(p->events) - 1] = p->output[sizeof(p->output) - 1] = p->errors[sizeof(p->errors) - 1] = '\0';
	p->scenario.name = "lesson";
	p->scenario.no_server = q->client;
	for (int i = 0; i < q->argc; i++) {
		memcpy(p->argv[i], q->argv[i], ARG_MAX_LEN);
		p->argv[i][ARG_MAX_LEN - 1] = '\0';
		if (q->client)
			p->scenario.client_args[i] = p->argv[i];
		else
			p->scenario.server_args[i] = p->argv[i];
	}
	struct demo_opts o = {&p->scenario, bindir, p->events, q->port, q->step, -1, -1, w,
			      p->output[0] ? p->output : NULL, p->errors[0] ? p->errors : NULL};
	p->demo = demo_start(&o, r->err, sizeof(r->err));
	if (p->demo && q->client && demo_start_client(p->demo, r->err, sizeof(r->err)) < 0) {
		demo_stop(p->demo);
		p->demo = NULL;
	}
	if (!p->demo) {
		free(p);
		return;
	}
	progs[id] = p;
	r->id = id;
}

static _Noreturn void launcher(int sock, const struct wire *w, enum wire_host host, const char *bindir, pid_t lab)
{
	struct program *progs[MAX_PROGRAMS] = {NULL};
	struct request q;
	struct reply r;
	char err[256];
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	/* gone with the lab; the terminal's keys are the lab's */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != lab)
		_exit(1);
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	if (null >= 0)
		dup2(null, STDIN_FILENO);
	if (wire_enter(w, host, err, sizeof(err)) < 0 || privileges_drop(err, sizeof(err)) < 0) {
		fprintf(stderr, "socklab lesson: the %s host's launcher: %s\n", wire_host_name(host), err);
		_exit(2);
	}
	for (;;) {
		ssize_t got = recv(sock, &q, sizeof(q), 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got != (ssize_t)sizeof(q))
			break; /* the lab is done (or gone) */
		memset(&r, 0, sizeof(r));
		r.id = q.id;
		if (q.op == OP_START) {
			start_program(w, bindir, progs, &q, &r);
		} else if (q.id >= 0 && q.id < MAX_PROGRAMS && progs[q.id]) {
			if (q.op == OP_DONE) {
				struct demo *d = progs[q.id]->demo;
				r.done = progs[q.id]->scenario.no_server ? demo_client_done(d) : demo_server_done(d);
			} else {
				demo_stop(progs[q.id]->demo);
				free(progs[q.id]);
				progs[q.id] = NULL;
			}
		} else {
			r.done = 1; /* stopped already */
		}
		if (send(sock, &r, sizeof(r), MSG_NOSIGNAL) != (ssize_t)sizeof(r))
			break;
	}
	for (int i = 0; i < MAX_PROGRAMS; i++)
		if (progs[i]) {
			demo_stop(progs[i]->demo);
			free(progs[i]);
		}
	_exit(0);
}

/* ---- the lab's side ---- */

struct lesson_hosts *lesson_hosts_open(const struct wire *w, const char *bindir, char *err, size_t n)
{
	struct lesson_hosts *h = calloc(1, sizeof(*h));
	pid_t lab = getpid();

	if (!h) {
		snprintf(err, n, "out of memory");
		return NULL;
	}
	h->sock[0] = h->sock[1] = -1;
	for (int host = 0; host < 2; host++) {
		int sv[2];
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
			snprintf(err, n, "the hosts' launchers: socketpair: %s", errtext(errno));
			lesson_hosts_close(h);
			return NULL;
		}
		fflush(NULL);
		h->pid[host] = fork();
		if (h->pid[host] == 0) {
			close(sv[0]);
			if (host == 1)
				close(h->sock[0]); /* the client's launcher is not this one's to hold */
			launcher(sv[1], w, (enum wire_host)host, bindir, lab);
		}
		close(sv[1]);
		if (h->pid[host] < 0) {
			snprintf(err, n, "the hosts' launchers: fork: %s", errtext(errno));
			close(sv[0]);
			lesson_hosts_close(h);
			return NULL;
		}
		h->sock[host] = sv[0];
	}
	return h;
}

static enum wire_host host_of(enum tcp_role role)
{
	return role == ROLE_CLIENT ? WIRE_CLIENT : WIRE_SERVER;
}

/* One request and its reply; -1 with err when the launcher is gone. */
static int ask(struct lesson_hosts *h, enum tcp_role role, const struct request *q, struct reply *r, char *err,
	       size_t n)
{
	int s = h->sock[host_of(role)];
	ssize_t got;

	if (send(s, q, sizeof(*q), MSG_NOSIGNAL) != (ssize_t)sizeof(*q)) {
		snprintf(err, n, "the %s host's launcher is gone: %s", tcp_role_name(role), errtext(errno));
		return -1;
	}
	do
		got = recv(s, r, sizeof(*r), 0);
	while (got < 0 && errno == EINTR);
	if (got != (ssize_t)sizeof(*r)) {
		snprintf(err, n, "the %s host's launcher ended (its error is on stderr)", tcp_role_name(role));
		return -1;
	}
	return 0;
}

int lesson_hosts_start(struct lesson_hosts *h, const struct lesson_hosts_run *run, char *err, size_t n)
{
	struct request q;
	struct reply r;

	memset(&q, 0, sizeof(q));
	q.op = OP_START;
	q.port = run->port;
	q.step = run->step;
	q.client = run->role == ROLE_CLIENT;
	q.argc = run->argc;
	if (snprintf(q.events, sizeof(q.events), "%s", run->events_path) >= (int)sizeof(q.events) ||
	    snprintf(q.output, sizeof(q.output), "%s", run->output ? run->output : "") >= (int)sizeof(q.output) ||
	    snprintf(q.errors, sizeof(q.errors), "%s", run->errors ? run->errors : "") >= (int)sizeof(q.errors)) {
		snprintf(err, n, "the hosts' launchers: a path too long");
		return -1;
	}
	for (int i = 0; i < run->argc; i++)
		if (snprintf(q.argv[i], ARG_MAX_LEN, "%s", run->argv[i]) >= ARG_MAX_LEN) {
			snprintf(err, n, "run: argument '%.40s...' too long (at most %d bytes)", run->argv[i], ARG_MAX_LEN - 1);
			return -1;
		}
	if (ask(h, run->role, &q, &r, err, n) < 0)
		return -1;
	if (r.id < 0)
		snprintf(err, n, "%s", r.err);
	return r.id;
}

bool lesson_hosts_done(struct lesson_hosts *h, enum tcp_role role, int id)
{
	struct request q = {.op = OP_DONE, .id = id};
	struct reply r;
	char err[160];

	return ask(h, role, &q, &r, err, sizeof(err)) < 0 || r.done;
}

void lesson_hosts_stop(struct lesson_hosts *h, enum tcp_role role, int id)
{
	struct request q = {.op = OP_STOP, .id = id};
	struct reply r;
	char err[160];

	(void)ask(h, role, &q, &r, err, sizeof(err));
}

void lesson_hosts_close(struct lesson_hosts *h)
{
	if (!h)
		return;
	for (int host = 0; host < 2; host++) {
		if (h->sock[host] >= 0)
			close(h->sock[host]); /* the launcher stops its programs and ends */
		if (h->pid[host] > 0)
			while (waitpid(h->pid[host], NULL, 0) < 0 && errno == EINTR)
				;
	}
	free(h);
}
