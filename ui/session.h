/* session.h: the live (or pcap file) data path of the UI: capture ->
 * decode -> flow table -> timeline, the event channel -> timeline, step
 * requests, and the recording of everything that arrives. The edge between
 * the pure model and libpcap, sockets and files. */
#ifndef SOCKLAB_UI_SESSION_H
#define SOCKLAB_UI_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "output.h"
#include "timeline.h"

/* Called for each record that made a row: where it went. */
typedef void (*session_row_fn)(long pos, bool inserted_before, uint64_t dropped_before, void *ctx);

struct session_opts {
	const char *iface;       /* live capture interface (default lo) */
	const char *file;        /* or a pcap/pcapng file */
	const char *filter;      /* BPF filter, or NULL */
	int port;                /* > 0: tcp port PORT */
	bool no_capture;         /* calls only (tests, or no capture permission wanted) */
	const char *events_path; /* channel to listen on, NULL: none */
	int owner;               /* >= 0: the uid root will drop to (channel ownership) */
	session_row_fn on_row;
	void *ctx;
};

struct session;

/* Opens the capture and the channel; NULL with err on failure. */
struct session *session_open(const struct session_opts *o, struct timeline *tl, char *err, size_t errlen);
void session_close(struct session *s);

int session_capture_fd(const struct session *s); /* -1 when none */
int session_channel_fd(const struct session *s); /* -1 when none */
const char *session_source(const struct session *s);
const char *session_filter(const struct session *s);

/* Handles up to max frames; returns how many, CAPTURE_EOF at the end of a
 * file, or -1 with err. */
int session_pump_capture(struct session *s, int max, char *err, size_t errlen);
/* Handles every waiting datagram; returns how many. */
int session_pump_channel(struct session *s);
/* Live: expires TIME_WAIT and idle connections. */
void session_tick(struct session *s, uint64_t now_ns);
/* File end: releases the remaining connections. */
void session_finish(struct session *s, uint64_t now_ns);

/* Starts writing base.jsonl and base.pcapng. */
int session_record(struct session *s, const char *base, char *err, size_t errlen);
const char *session_recording(const struct session *s); /* the .jsonl path or NULL */
/* Why the recording had to stop (disk full), or NULL. */
const char *session_record_error(const struct session *s);

/* Stepping programs waiting: how many, and the first ("client connect()"). */
size_t session_steps_waiting(const struct session *s, char *first, size_t n);
/* Lets the longest-waiting call run. */
int session_step_go(struct session *s, char *err, size_t errlen);

void session_stats(struct session *s, struct capture_stats *out);
/* The latest notice (a program said hello, a bad datagram) or NULL. */
const char *session_notice(const struct session *s);

#endif
