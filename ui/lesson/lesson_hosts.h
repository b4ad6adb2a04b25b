/* lesson_hosts.h: a lesson on the wire (docs/wire.md) starts its
 * programs on the two hosts, step by step, long after the lab dropped
 * root, when it can no longer enter a host's namespace (setns needs
 * CAP_SYS_ADMIN). So, before it drops, the lab forks one launcher per
 * host: it enters its host, drops root as the lab does, holds nothing else
 * of the lab's, and starts, polls and stops the lab programs (demo.c) the
 * lab asks for over a socket, as its own children. The launchers die with
 * the lab (PR_SET_PDEATHSIG), and their programs with them. Edge. */
#ifndef SOCKLAB_UI_LESSON_HOSTS_H
#define SOCKLAB_UI_LESSON_HOSTS_H

#include <stdbool.h>
#include <stddef.h>

#include "lesson.h"
#include "wire.h"

struct lesson_hosts;

/* One launcher per host of w; bindir is where echo-server and echo-client
 * are. Call it before root is dropped. NULL with err. */
struct lesson_hosts *lesson_hosts_open(const struct wire *w, const char *bindir, char *err, size_t n);

/* What to start: a lab program as a lesson's run: line says it. */
struct lesson_hosts_run {
	enum tcp_role role;
	int port;
	bool step;
	const char *events_path;
	const char *output;     /* client's stdout and stderr to this file, or NULL */
	const char *errors;     /* server's stderr to this file, or NULL */
	int argc;
	const char *argv[LESSON_MAX_ARGS];
};

/* Starts the program on its role's host; returns its id (>= 0), or -1
 * with err. */
int lesson_hosts_start(struct lesson_hosts *h, const struct lesson_hosts_run *run, char *err, size_t n);
/* Has program id exited? */
bool lesson_hosts_done(struct lesson_hosts *h, enum tcp_role role, int id);
/* Stops program id (SIGTERM, then SIGKILL). */
void lesson_hosts_stop(struct lesson_hosts *h, enum tcp_role role, int id);
/* Stops every program and ends the launchers. NULL is fine. */
void lesson_hosts_close(struct lesson_hosts *h);

#endif
