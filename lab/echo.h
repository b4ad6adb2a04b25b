/* echo.h: the echo protocol and what the server's modes share: the reply is
 * "server-" + the bytes read (the seed's protocol), what a lesson switch
 * does after the first reply, and closing with FIN or RST. */
#ifndef SOCKLAB_LAB_ECHO_H
#define SOCKLAB_LAB_ECHO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "options.h"

#define ECHO_PREFIX "server-"
#define ECHO_PREFIX_LEN (sizeof(ECHO_PREFIX) - 1)
#define ECHO_READ_MAX 4096 /* bytes read at a time, as in the seed */
#define ECHO_REPLY_MAX (ECHO_PREFIX_LEN + ECHO_READ_MAX)

/* Writes "server-" + in[0..n) into out (at least ECHO_PREFIX_LEN + n
 * bytes); returns the reply's length. Pure. */
size_t echo_reply(const char *in, size_t n, char *out);

/* "received from 127.0.0.1:50322: hello" on stdout, as the seed prints. */
void echo_print_received(const char *peer, const char *data, size_t n);

enum after_reply {
	KEEP_SERVING,
	CLOSE_NOW,  /* --close-first, --linger0: the server closes first */
	SHUT_WRITE, /* --shutdown: FIN now, but keep reading */
};

/* What the server does once it has sent reply number replies_sent. Pure. */
enum after_reply echo_after_reply(const struct server_options *o, int replies_sent);

/* SO_LINGER {1, 0}: the close that follows sends RST and skips TIME_WAIT. */
void echo_linger0(int fd);

/* close(); with rst, SO_LINGER {1, 0} first, so the kernel sends RST and
 * skips TIME_WAIT. */
int echo_close(int fd, bool rst);

/* Start of both programs: stdout by lines, calls_init, the event channel
 * and its hello, and --step. */
void echo_start(const char *prog, const char *proc, bool quiet, const char *events_path, bool step,
		int argc, char **argv);

/* In a child after fork(): its own pid in the records, its own step socket. */
/* --step of several worker processes with no lab listening: each would
 * wait for Enter on the one terminal. Says so on stderr and returns true. */
bool echo_step_needs_lab(const char *prog);
void echo_after_fork(void);

/* End of both programs: the step socket and the channel go. */
void echo_finish(void);

/* What option parsing returned (options.h), as an exit code: the usage for
 * --help (0), one line for a mistake (2). */
int echo_usage_exit(int parse_rc, const char *prog, const char *usage, const char *err);

/* Resolves host:port for the program's socket (a datagram one when udp)
 * into *addr, *len and its text ("127.0.0.1:8080"); -1 when it cannot, said
 * on stderr as "prog: why" (the program then exits 2). */
int echo_resolve(const char *prog, const char *host, const char *port, bool udp, struct sockaddr_storage *addr,
		 socklen_t *len, char *text, size_t n);

/* Raises the soft limit on open files to the hard limit: 10,000 connections
 * need 10,000 descriptors. */
void echo_raise_fd_limit(void);

/* Sleeps ms milliseconds (a signal may cut it short: callers check the stop flag). */
void sleep_ms(int ms);

#endif
