/* events.h: the event channel. A lab program sends its records
 * (docs/trace-format.md: hello, call, step) over a connected UNIX
 * SOCK_SEQPACKET socket to the lab (the UI). A send waits while the lab is
 * busy, so no record is lost; with nobody listening the records are not
 * built at all, and the program runs on. The lab's "go" records for --step
 * come back on the same connection.
 *
 * One channel per process: the module keeps the process's identity (proc,
 * pid) and the socket. Thread-safe. */
#ifndef SOCKLAB_LAB_EVENTS_H
#define SOCKLAB_LAB_EVENTS_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "callrec.h"

/* Longest record the lab sends; longer ones are dropped. */
#define EVENTS_RECORD_MAX 1024

/* Opens the channel at flag_path (or the default) for a process named proc
 * ("server" or "client"). Creates the channel's directory (mode 0700) if it
 * is missing. Never fails: problems only mean records are dropped. */
void events_open(const char *flag_path, const char *proc);

/* Moves one of the instrumentation's own descriptors (channel, tty) up to 100 or above and returns the new one (fd itself if
 * that fails; -1 stays -1). The program's own sockets then get the numbers
 * a student expects, socket() = 3 as without socklab. */
int events_fd_out_of_the_way(int fd);

/* After fork(): the child takes its own pid and its own connection. */
void events_after_fork(void);

/* In a worker process (echo-server --workers): its number, 1..N, which
 * every record then carries ("worker") and every stderr line shows ("w2"). */
void events_set_worker(int worker);

/* A flag the program's stop signal sets: a send waiting on a busy lab gives
 * up once it is true (Ctrl-C must not wait for a stopped lab). */
void events_give_up_on_stop(const volatile sig_atomic_t *stopping);

/* Closes the channel. */
void events_close(void);

/* True when somebody listened on the channel the last time we looked (looked
 * again at most twice a second): callers skip building records otherwise. */
bool events_listening(void);

/* Sends one record; returns 0 when the lab took it, -1 when nobody listens
 * or the lab went away. Waits while the lab is busy, however long, unless
 * *stopping (events_give_up_on_stop) becomes true meanwhile. */
int events_send(const char *json, size_t len);

/* The connected socket (where "go" records arrive), or -1. */
int events_fd(void);

/* Who the records of the calling thread come from (proc, pid, tid), for
 * callrec.h's writers. */
struct call_origin events_origin(void);

/* Sends {"type":"hello",...,"argv":"..."} with the program's command line. */
void events_hello(int argc, char **argv);

/* The hello again, from a forked worker (its own pid and worker number),
 * with the command line the first hello sent. */
void events_hello_again(void);

/* The resolved channel path ("" before events_open) and the process name. */
const char *events_channel_path(void);
const char *events_proc(void);

/* CLOCK_REALTIME in nanoseconds, the time base of every record. */
uint64_t events_now_ns(void);

#endif
