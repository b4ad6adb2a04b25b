/* session.h: the live (or pcap file) data path of the UI: capture ->
 * decode -> flow table -> timeline, the event channel -> timeline, step
 * requests, and the recording of everything that arrives. The edge between
 * the pure model and libpcap, sockets and files. */
#ifndef SOCKLAB_UI_SESSION_H
#define SOCKLAB_UI_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kstate.h"
#include "output.h"
#include "frames.h"
#include "recording.h"
#include "timeline.h"

/* Called for each record that made a row: where it went. */
typedef void (*session_row_fn)(long pos, bool inserted_before, uint64_t dropped_before, void *ctx);
/* Called for each record from the event channel, before it goes into the
 * timeline. */
typedef void (*session_event_fn)(const struct ui_event *ev, void *ctx);
/* Is proc held? Its programs' step requests wait while it is. */
typedef bool (*session_held_fn)(enum tcp_role proc, void *ctx);

/* A capture point of a two-host wire (wire/): a host's interface, inside
 * that host's network namespace. Each segment is seen leaving one point
 * and arriving at the other; the session pairs the two copies. */
struct session_point {
	int netns_fd;      /* an open descriptor of the host's network namespace */
	const char *iface; /* the host's interface there ("eth0") */
	const char *host;  /* "client" or "server": whose host it is */
};

/* Two capture points from text: "client=NETNS:IFACE,server=NETNS:IFACE",
 * NETNS a network namespace's path (/proc/PID/ns/net, /run/netns/NAME),
 * IFACE its interface (default eth0); the client's host first. Opens the
 * namespaces (pts[i].netns_fd); names[i] holds the interface names.
 * Returns 0, or -1 with err. session_points_close closes the descriptors
 * (after session_open: the captures keep their own). */
struct session_point_names {
	char iface[2][32];
};
int session_points_parse(const char *spec, struct session_point pts[2], struct session_point_names *names, char *err,
			 size_t errlen);
void session_points_close(struct session_point pts[2]);

struct session_opts {
	const char *iface;       /* live capture interface (default lo) */
	const char *file;        /* or a pcap/pcapng file */
	const char *filter;      /* BPF filter, or NULL */
	int port;                /* > 0: tcp port PORT */
	bool no_capture;         /* calls only (tests, or no capture permission wanted) */
	/* Two-host wire: one capture point per host (npoints 2) instead of
	 * iface/file. A copy seen leaving one host and not arriving at the
	 * other within wire_horizon_ns was lost on the wire. */
	const struct session_point *points;
	size_t npoints;
	uint64_t wire_horizon_ns;
	session_row_fn on_row;
	session_event_fn on_event; /* or NULL */
	session_held_fn held;    /* or NULL: no program is held */
	struct frames *frames;   /* or NULL: where each captured frame is kept for the details (d) */
	void *ctx;               /* for the three above */
};

struct session;

/* Opens the capture; NULL with err on failure. */
struct session *session_open(const struct session_opts *o, struct timeline *tl, char *err, size_t errlen);
/* Stops the capture; closes the channel (removing a private one's
 * directory). */
void session_close(struct session *s);

/* Listens on the event channel at path. owner >= 0: the uid root will drop
 * to (the channel is given to it, its programs' records taken). Returns 0,
 * or -1 with err. */
int session_listen(struct session *s, const char *path, int owner, char *err, size_t errlen);
/* Listens on a channel of its own, in a new private directory
 * /tmp/NAME-XXXXXX that closing the session removes. */
int session_listen_private(struct session *s, const char *name, int owner, char *err, size_t errlen);
/* The channel the lab programs are to send to (--events), or NULL. */
const char *session_channel_path(const struct session *s);

int session_capture_fd(const struct session *s); /* -1 when none */
/* Every capture descriptor to poll: one, or a two-host wire's two (fds
 * has room for 2). Returns how many. */
size_t session_capture_fds(const struct session *s, int fds[2]);
int session_channel_fd(const struct session *s); /* -1 when none */
const char *session_source(const struct session *s);
/* The capture's filter in words in lang ("tcp port 8080 + icmp errors",
 * "tcp port 8080 + ICMP 差错报文"), into buf; "" without a capture. */
const char *session_filter(const struct session *s, enum lang lang, char *buf, size_t n);

/* Handles up to max frames; returns how many, CAPTURE_EOF at the end of a
 * file, or -1 with err. */
int session_pump_capture(struct session *s, int max, char *err, size_t errlen);
/* Handles every waiting datagram; returns how many. */
int session_pump_channel(struct session *s);
/* Live: expires TIME_WAIT and idle connections; on a two-host wire also
 * polls each host's kernel (sock_diag) and compares its states with the
 * wire's (the kernel view). */
void session_tick(struct session *s, uint64_t now_ns);
/* How often session_tick wants to run at the latest, in milliseconds, or
 * -1 for no wish (no kernel view). */
int session_wait_ms(const struct session *s);
/* File end: releases the remaining connections. */
void session_finish(struct session *s, uint64_t now_ns);

/* Starts writing base.jsonl and base.pcapng. */
/* Starts recording to base.jsonl and base.pcapng; files NULL opens them
 * here (recording.h). Returns 0, or -1 with err. */
int session_record(struct session *s, const char *base, const struct recording_files *files, char *err,
		   size_t errlen);
const char *session_recording(const struct session *s); /* the .jsonl path or NULL */
/* Why the recording had to stop (disk full), or NULL. */
const char *session_record_error(const struct session *s);

/* Stepping programs waiting that are not held: how many, and the first
 * ("client connect()"); first may be NULL when n is 0. */
size_t session_steps_waiting(const struct session *s, char *first, size_t n);
/* Lets the longest-waiting call that is not held run; its request is done
 * with either way. -1 with err when none waits or its program is gone. */
int session_step_go(struct session *s, char *err, size_t errlen);
/* Forgets the step requests of proc's programs (they were stopped). */
void session_steps_drop(struct session *s, enum tcp_role proc);

/* The kernel's last tcp_info for role's socket of connection conn, from a
 * two-host wire's kernel view (sock_diag in each host): 1 with *out
 * filled; 0 when the kernel view runs but gave none for that socket; -1
 * when there is no kernel view (loopback, a file, or it could not open). */
int session_tcp_info(const struct session *s, uint32_t conn, enum tcp_role role, struct kstate_tcp_info *out);

void session_stats(struct session *s, struct capture_stats *out);
/* The latest notice (a program said hello, a bad datagram) or NULL. */
const char *session_notice(const struct session *s);

#endif
