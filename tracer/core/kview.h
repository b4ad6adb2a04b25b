/* kview.h: the kernel's view next to the wire's. Kernel records
 * (kstate.h) are held until the packets they belong with have been seen,
 * tied to the flow table's connections, and each ended connection's
 * endpoints are compared. Records and comparisons come out as kview_events,
 * in time order with the wire's events; output.h writes them.
 *
 * Pure code: no I/O, no globals; time comes in with each call. */
#ifndef SOCKLAB_KVIEW_H
#define SOCKLAB_KVIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "endpoint.h"
#include "flow.h"
#include "kstate.h"
#include "tcpfsm.h"

enum kview_kind {
	KVIEW_RECORD, /* one kernel record, ready to show */
	KVIEW_CHECK,  /* one endpoint's kernel path compared with its wire path */
	KVIEW_INFO,   /* only with kview_show_retransmissions: an endpoint's tcp_info says
		       * it sent something again (total_retrans or retransmits moved) */
};

enum kview_owner {
	KVIEW_CLIENT = ROLE_CLIENT,
	KVIEW_SERVER = ROLE_SERVER,
	KVIEW_LISTENER, /* a listening socket: no connection of its own */
	KVIEW_UNKNOWN,  /* matched no traced connection */
};

struct kview_event {
	enum kview_kind kind;
	uint64_t ts_ns;
	uint32_t conn; /* 0 for a listener or an unknown socket */
	enum kview_owner owner;
	enum kstate_source source;

	/* KVIEW_RECORD */
	struct endpoint local, peer;
	enum tcp_state from, to;

	/* RECORD: the socket's tcp_info at this record (sock_diag); CHECK: the
	 * last one the kernel gave for this endpoint. valid false: none. */
	struct kstate_tcp_info info;

	/* KVIEW_CHECK */
	struct endpoint client, server;
	struct state_path wire, kernel;
	enum kstate_verdict verdict;
	const char *why;
};

typedef void (*kview_sink_fn)(const struct kview_event *ev, void *ctx);

struct kview;

struct kview *kview_new(void);
void kview_free(struct kview *v);

/* Lets records wait wait_ns longer for the wire (and ended connections
 * for their last records): a two-host wire hands a segment to the flow
 * table only once its arrival is seen, up to its pairing horizon after it
 * was sent. */
void kview_set_wire_wait(struct kview *v, uint64_t wait_ns);

/* on: also hand on, as KVIEW_INFO events in time order like records, the
 * tcp_info news of a connection's endpoint that says it sent something
 * again (its total_retrans or retransmits moved); off (the default): such
 * news only updates the endpoint's last tcp_info. */
void kview_show_retransmissions(struct kview *v, bool on);

/* Takes one kernel record (ts_ns in CLOCK_REALTIME). It is held back until
 * the wire catches up, so records and packets come out in time order. A
 * record with from == to (sock_diag: only the tcp_info moved) is not shown:
 * it updates the endpoint's last tcp_info, which its check carries. */
void kview_record(struct kview *v, const struct kstate_record *rec);

/* Shows the view a flow table event before the caller prints it: a new
 * connection claims its held records, records older than the event are
 * released, and a CONN_END schedules the comparison of both endpoints. */
void kview_wire_event(struct kview *v, const struct trace_event *ev, kview_sink_fn sink, void *ctx);

/* Releases records held longer than the hold time and compares the
 * connections that ended more than the grace time before now_ns. */
void kview_tick(struct kview *v, uint64_t now_ns, kview_sink_fn sink, void *ctx);

/* Releases everything and compares every connection: an ended one with
 * its summary's paths, one still open (a live lab that stops while a
 * client waits in TIME_WAIT) with the wire's states so far. */
void kview_finish(struct kview *v, kview_sink_fn sink, void *ctx);
/* The same, but an endpoint of a connection still open is compared only
 * in the states that began by seen_until[its role] on each side: the
 * moment of its kernel's last look, after which the wire may show what the
 * kernel could not (and the other way round). Its check's ts_ns is that
 * moment. */
void kview_finish_at(struct kview *v, const uint64_t seen_until[2], kview_sink_fn sink, void *ctx);

/* The last tcp_info the kernel gave for role's socket of connection conn
 * (a record tied to it, shown or not: tcp_info moves between changes of
 * state too), also for one of the last 32 connections already compared
 * and forgotten. false when it gave none (no such connection, or no full
 * socket seen: loopback's tracepoint, a request socket only). */
bool kview_tcp_info(const struct kview *v, uint32_t conn, enum tcp_role role, struct kstate_tcp_info *out);

/* How many records were not kept: more than KVIEW_MAX_QUEUED (65536)
 * waited at once for their packets, or memory ran out. The stats say so
 * (capture_stats.kernel_lost); 0 for a NULL view. */
uint64_t kview_lost(const struct kview *v);

/* "client", "server", "listener", "unknown". */
const char *kview_owner_name(enum kview_owner o);

#endif
