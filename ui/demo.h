/* demo.h: `socklab demo [NAME]`: named scenarios, and the lab programs
 * (bin/echo-server, bin/echo-client, found next to socklab; or any server
 * under `socklab run`) started for them on a free port with --events
 * pointing at the UI's channel. The
 * children never outlive the UI: they are stopped on exit and get SIGTERM
 * from the kernel should the UI die (PR_SET_PDEATHSIG). */
#ifndef SOCKLAB_UI_DEMO_H
#define SOCKLAB_UI_DEMO_H

#include <stdbool.h>
#include <stddef.h>

#include "lang.h"
#include "wire.h"

#define DEMO_MAX_ARGS 8

struct demo_scenario {
	const char *name;
	const char *what[LANG_COUNT];             /* one line for --list, in each language */
	const char *server_args[DEMO_MAX_ARGS];   /* NULL-terminated; server_args[0] NULL and no_server: none */
	const char *client_args[DEMO_MAX_ARGS];
	bool no_server;
	/* The server is not echo-server but this command, run under `socklab
	 * run` (its calls reach the lab as echo-server's do); "{port}" in an
	 * argument is the port. traced_server[0] NULL: echo-server. */
	const char *traced_server[DEMO_MAX_ARGS];
	/* A shell script run first (sh -c) that makes the traced command (go
	 * build) and ends with exec "$@" (socklab run and the command); NULL:
	 * none. */
	const char *build;
	const char *needs;                         /* a program it needs on PATH ("python3"), or NULL */
};

/* The seed's Go echo server (../shared/seed/go/server, listening on the
 * port given as "-p PORT" instead of 8080), built with go build and run
 * under socklab run: lesson 12 watches its netpoller. */
extern const struct demo_scenario demo_go_seed_server;

/* Is the program the scenario needs on PATH (or needs it none)? */
bool demo_available(const struct demo_scenario *s);

/* NULL or "" gives the default scenario ("echo"); NULL for an unknown name. */
const struct demo_scenario *demo_find(const char *name);
const struct demo_scenario *demo_at(size_t i); /* NULL past the end */

struct demo;

struct demo_opts {
	const struct demo_scenario *scenario;
	const char *bindir;      /* where echo-server and echo-client are */
	const char *events_path;
	int port;                /* the server's port */
	bool step;               /* both programs run with --step */
	int run_as;              /* >= 0: the uid (and its group) the children run as */
	int run_as_gid;
	/* Two hosts (wire.h), or NULL: loopback. On the wire the server listens
	 * on the server host's address and the client, in the client host,
	 * connects to it; both are forked by demo_start, while the lab may
	 * still enter the hosts (before it drops root), the client waiting
	 * until demo_start_client lets it exec. */
	const struct wire *wire;
	/* The client's stdout and stderr go here (appended), or NULL:
	 * /dev/null. Given before the start because on the wire the client is
	 * forked by demo_start. */
	const char *client_output;
	/* The server's stderr goes here (appended), or NULL: /dev/null. A
	 * lesson quotes it when its server exits before it listened. */
	const char *server_errors;
};

/* Starts the server (the client comes with demo_start_client). A scenario
 * whose server is not echo-server (socklab run) is refused on the wire. */
struct demo *demo_start(const struct demo_opts *o, char *err, size_t errlen);
/* Starts the client; returns 0 or -1 with err. */
int demo_start_client(struct demo *d, char *err, size_t errlen);
bool demo_client_started(const struct demo *d);
/* Reaps children that exited; true once the client has. */
bool demo_client_done(struct demo *d);
/* Reaps children that exited; true once the server has (a server that
 * exits on its own: its bind() or listen() failed, or it crashed). */
bool demo_server_done(struct demo *d);
/* Stops the children (SIGTERM, then SIGKILL after a grace period) and frees d. */
void demo_stop(struct demo *d);

/* A free TCP port on 127.0.0.1 (bound with port 0 and read back), or -1. */
int demo_free_port(void);

/* The directory of the running executable (for bin/echo-*), into buf. */
int demo_bindir(char *buf, size_t n);

#endif
