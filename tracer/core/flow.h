/* flow.h: the flow table. Tracks every TCP connection by its 4-tuple,
 * decides which side is the client (the one that sent the first SYN), keeps
 * sequence numbers relative to each side's ISN, runs one tcpfsm per
 * endpoint, and turns each segment into events.
 *
 * Pure code: no I/O, no globals; time comes in with each call, events go out
 * through a callback the caller supplies. */
#ifndef SOCKLAB_FLOW_H
#define SOCKLAB_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "endpoint.h"
#include "tcpfsm.h"

enum trace_event_kind {
	EVENT_PACKET,   /* one segment of a tracked connection */
	EVENT_STATE,    /* one endpoint changed state */
	EVENT_CONN_END, /* a connection is released: its summary */
	EVENT_ICMP,     /* an ICMP/ICMPv6 error about one of its segments */
	EVENT_ARRIVAL,  /* two capture points only: a segment arrived at its receiver
			 * (ts_ns = arrived_ns), before the changes it causes there;
			 * seg, from_client, rel_seq, rel_ack, sent_ns, arrived_ns */
};

/* What an ICMP error did to the endpoint whose segment it quotes, as Linux
 * (tcp_v4_err, tcp_v6_err) handles it. */
enum icmp_effect {
	ICMP_IGNORED, /* nothing: not an error TCP acts on, or not about this connection's data */
	ICMP_SOFT,    /* a soft error: the connection goes on; reported only if it later times out */
	ICMP_ABORT,   /* the connection attempt ends (SYN_SENT or SYN_RCVD -> CLOSED) */
};

/* "ignored", "soft", "abort" */
const char *icmp_effect_name(enum icmp_effect e);

/* A state path packs up to STATE_PATH_CAPACITY states, 4 bits each, first
 * state in the low bits; len says how many. */
#define STATE_PATH_CAPACITY 16
/* Room for any formatted path: STATE_PATH_CAPACITY names of at most 11
 * characters ("ESTABLISHED"), a '>' between two, and the NUL. */
#define STATE_PATH_STRLEN (STATE_PATH_CAPACITY * 12)

struct state_path {
	uint64_t packed;
	uint8_t len;
};

struct trace_event {
	enum trace_event_kind kind;
	uint64_t ts_ns;     /* CLOCK_REALTIME ns (the packet's timestamp) */
	uint32_t conn;      /* connection id, 1, 2, ... in order of first sight */
	struct endpoint client, server;

	/* EVENT_PACKET; EVENT_ICMP uses seg (the quoted segment, with seg->icmp),
	 * from_client (the quoted segment's direction), rel_seq, rel_ack and note */
	const struct segment *seg; /* valid only during the callback */
	bool from_client;          /* direction: client -> server */
	uint32_t rel_seq, rel_ack; /* relative to the sender's / receiver's ISN */
	uint32_t peer_isn;         /* ISN of the segment's receiver: rel_ack and SACK blocks count from it */
	uint32_t win_scaled;       /* the window offered, scaled by the sender's wscale (RFC 7323) */
	bool retransmission;       /* a SYN, SYN|ACK or FIN seen before, or data sent before */
	bool midstream;            /* connection joined after its handshake */
	enum tcp_why note;         /* a note's key (why.h), about the segment's sender, or WHY_NONE */
	/* Two capture points (flow_table_wire_segment): ts_ns is sent_ns, or
	 * arrived_ns when the send was not captured. */
	bool wire;                 /* seen at two points: the times below count */
	uint64_t sent_ns;          /* seen leaving its sender's host; 0: not captured leaving */
	uint64_t arrived_ns;       /* seen arriving at its receiver's host; 0: lost on the wire */

	/* EVENT_ICMP: what the error did (conn is 0 when no tracked connection
	 * sent the quoted segment) */
	enum icmp_effect icmp_effect;

	/* EVENT_STATE */
	enum tcp_role role;
	enum tcp_state from, to;
	enum tcp_why why;          /* the explanation's key (why.h), about this role */
	uint32_t why_seq, why_ack; /* the numbers it quotes */

	/* EVENT_CONN_END */
	struct state_path client_path, server_path;
	const char *end_reason; /* "closed", "time_wait expired", "idle", "evicted", "capture ended",
				 * "4-tuple reused" (a new SYN took it; the old end was not seen) */
	uint64_t packets;       /* segments seen on this connection */
};

typedef void (*event_sink_fn)(const struct trace_event *ev, void *ctx);

struct flow_config {
	size_t max_flows;          /* memory cap: oldest flows are evicted beyond it */
	uint64_t time_wait_ns;     /* 2MSL: Linux uses 60 s */
	uint64_t idle_timeout_ns;  /* established flows silent this long are released */
	uint64_t closed_linger_ns; /* a flow closed on both sides (CONN_END sent) is kept this
				    * long, so its late segments are not taken for a new,
				    * joined mid-stream connection */
};

/* Defaults: 1,000,000 flows, 60 s TIME_WAIT, 600 s idle, 5 s linger. */
void flow_config_default(struct flow_config *cfg);

struct flow_table;

struct flow_table *flow_table_new(const struct flow_config *cfg);
void flow_table_free(struct flow_table *t);

/* Feeds one decoded segment seen at ts_ns; emits PACKET, STATE and, for
 * connections that finish, CONN_END events through sink. Time passes with
 * segments too: timers due by ts_ns fire first, as flow_table_tick does. */
void flow_table_segment(struct flow_table *t, const struct segment *seg, uint64_t ts_ns,
			event_sink_fn sink, void *ctx);

/* The same for a two-host wire with a capture point at each host
 * (wirepair.h): the segment left its sender at sent_ns and arrived at
 * arrived_ns (0: lost on the wire; sent_ns 0: only its arrival was
 * captured). Feed segments in the order they were sent. The sender's
 * changes happen at sent_ns; the receiver's at arrived_ns, reported once
 * the table's time passes it (a later segment's send, a tick, the finish),
 * so records come out in time order. The arrival is the evidence: no
 * change waits for a later ACK, and a lost segment changes nothing at the
 * receiver. Segments between sent and arrived are held (one copy each). */
void flow_table_wire_segment(struct flow_table *t, const struct segment *seg, uint64_t sent_ns,
			     uint64_t arrived_ns, event_sink_fn sink, void *ctx);

/* Advances time: TIME_WAIT endpoints older than 2MSL go to CLOSED, idle
 * flows are released. Call with packet times (offline) or the clock (live). */
void flow_table_tick(struct flow_table *t, uint64_t now_ns, event_sink_fn sink, void *ctx);

/* Releases every remaining flow with a CONN_END ("capture ended"). */
void flow_table_finish(struct flow_table *t, uint64_t now_ns, event_sink_fn sink, void *ctx);

struct flow_table_stats {
	size_t live;         /* flows held now */
	size_t peak;         /* most held at once */
	uint64_t total;      /* connections seen */
	uint64_t evicted;    /* released early because of max_flows */
	size_t flow_bytes;   /* sizeof one tracked flow, for the memory report */
};
void flow_table_stats(const struct flow_table *t, struct flow_table_stats *out);

/* state_path helpers */
struct outbuf;

void state_path_push(struct state_path *p, enum tcp_state s);
enum tcp_state state_path_at(const struct state_path *p, unsigned i);
/* Appends "CLOSED>SYN_SENT>ESTABLISHED>..." to o (json.h's bounded appender). */
void state_path_put(struct outbuf *o, const struct state_path *p);
/* The same into buf, cut to the whole states that fit (STATE_PATH_STRLEN
 * bytes hold every path); returns buf. */
const char *state_path_format(const struct state_path *p, char *buf, size_t n);

#endif
