/* wirepair.h: a two-host wire's two capture points, one at each host.
 * Each segment is seen twice: leaving its sender's host (point of the
 * sender) and arriving at the receiver's (the other point). This module
 * pairs the two copies and hands each segment on once, in the order the
 * senders sent them, with its send time and its arrival time; a copy seen
 * leaving that did not arrive within the horizon was lost on the wire.
 *
 * Copies are paired by 4-tuple, seq, ack, flags, length, TSval and IP ID:
 * a retransmission carries a new IP ID (Linux counts it per socket) and
 * usually a new TSval, so it is a segment of its own; the same key twice at
 * one point is paired first in, first out.
 *
 * Which copy is the send: the earlier of the two (both points stamp the
 * same host clock). An unpaired copy is a send when its source address is
 * that point's host, an arrival when its destination is: the host
 * addresses are given (wirepair_set_host) or learned from the first pair.
 *
 * ARP requests and replies (a two-host wire's Ethernet) are paired the
 * same way, keyed by opcode and sender and target MAC and IP (ARP has no
 * seq or IP ID): a copy pairs only with one seen at the other point within
 * the horizon, so a request retried after a loss (Linux retries every
 * neigh retrans_time, 1 s) is a frame of its own. The sender is the point
 * whose host has the sender IP.
 *
 * Pure code: no I/O, no globals. Memory is bounded: at most max_copies
 * copies wait; beyond that the oldest is handed on early, marked evicted,
 * and counted. */
#ifndef SOCKLAB_WIREPAIR_H
#define SOCKLAB_WIREPAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "endpoint.h"

/* Payload bytes kept of a waiting copy (for the records' "payload"). */
#define WIREPAIR_PAYLOAD 32

struct wirepair_config {
	size_t max_copies;   /* copies waiting at most (default 65536) */
	uint64_t horizon_ns; /* a copy unanswered this long is lost (or its send was not captured) */
};

/* Defaults: 65536 copies, 1 s horizon. */
void wirepair_config_default(struct wirepair_config *cfg);

enum wirepair_kind {
	WIREPAIR_PAIRED,  /* seen leaving and arriving */
	WIREPAIR_LOST,    /* seen leaving, not arriving within the horizon */
	WIREPAIR_UNSENT,  /* seen arriving only: the capture at the sender started late */
};

/* One segment handed on. */
struct wirepair_seg {
	enum wirepair_kind kind;
	const struct segment *seg; /* valid only during the callback; NULL for ARP */
	const struct arp_packet *arp; /* an ARP request or reply (seg NULL), or NULL */
	uint64_t sent_ns;          /* 0 with WIREPAIR_UNSENT */
	uint64_t arrived_ns;       /* 0 with WIREPAIR_LOST */
	int sent_point;            /* 0 or 1; -1 with WIREPAIR_UNSENT */
	int arrived_point;         /* 0 or 1; -1 with WIREPAIR_LOST */
	bool evicted;              /* handed on early: memory was full (its kind is a guess) */
};

typedef void (*wirepair_fn)(const struct wirepair_seg *s, void *ctx);

struct wirepair;

struct wirepair *wirepair_new(const struct wirepair_config *cfg);
void wirepair_free(struct wirepair *w);

/* Point 0's or 1's host has address addr (the port is ignored). */
void wirepair_set_host(struct wirepair *w, int point, const struct endpoint *addr);

/* One copy seen at point (0 or 1) at ts_ns. Copies of one point come in
 * their time order; the two points may be interleaved in any order within
 * the horizon. Hands on what is settled through fn. */
void wirepair_copy(struct wirepair *w, int point, const struct segment *seg, uint64_t ts_ns, wirepair_fn fn,
		   void *ctx);

/* One ARP frame seen at point at ts_ns: paired like a segment's copies,
 * handed on through the same fn with arp set (seg NULL). */
void wirepair_arp(struct wirepair *w, int point, const struct arp_packet *arp, uint64_t ts_ns, wirepair_fn fn,
		  void *ctx);

/* Time passed (the clock, or the latest copy of a file): copies sent more
 * than the horizon before now_ns without an arrival are settled. */
void wirepair_tick(struct wirepair *w, uint64_t now_ns, wirepair_fn fn, void *ctx);

/* The capture ended: every waiting copy is handed on (unpaired ones as
 * lost or unsent). */
void wirepair_finish(struct wirepair *w, wirepair_fn fn, void *ctx);

struct wirepair_stats {
	uint64_t paired, lost, unsent;
	uint64_t evicted;   /* handed on early because max_copies were waiting */
	size_t waiting;     /* copies held now */
	size_t peak;        /* most held at once */
	size_t copy_bytes;  /* memory one waiting copy costs */
};
void wirepair_stats(const struct wirepair *w, struct wirepair_stats *out);

#endif
