/* kstate.h: the kernel's own view of TCP states, next to the wire's.
 *
 * Pure code: no I/O, no globals. It parses the text of the
 * sock:inet_sock_set_state tracepoint, turns sock_diag snapshots into state
 * changes, ties kernel records to the flow table's connections, and
 * compares each endpoint's kernel path with its wire path after removing the
 * known, explainable differences (docs/kernel-view.md). The tracefs and
 * netlink edge is kernel.h. */
#ifndef SOCKLAB_KSTATE_H
#define SOCKLAB_KSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "endpoint.h"
#include "flow.h"
#include "tcpfsm.h"

enum kstate_source {
	KSTATE_TRACEPOINT, /* every change, as it happens */
	KSTATE_SOCK_DIAG,  /* polled snapshots: short-lived states can be missed */
};

const char *kstate_source_name(enum kstate_source s); /* "tracepoint" / "sock_diag" */

/* One state change of one kernel socket, seen from that socket: local is
 * its own address. A connect()ing socket reports CLOSED -> SYN_SENT before
 * its port is chosen, so local may have port 0 there. */
struct kstate_record {
	uint64_t ts_ns; /* the trace clock as parsed; CLOCK_REALTIME once the edge maps it */
	struct endpoint local, peer;
	enum tcp_state from, to;
	enum kstate_source source;
};

/* "TCP_SYN_RECV" -> TCPS_SYN_RCVD, "TCP_CLOSE" -> TCPS_CLOSED, ...; -1 if unknown. */
int kstate_from_kernel_name(const char *name);
/* The same for the kernel's number (sock_diag's idiag_state); -1 if unknown. */
int kstate_from_kernel_number(int number);

/* Fills *e from raw address bytes (family 4 or 6, network order); an
 * IPv4-mapped IPv6 address becomes IPv4, as the wire shows it. */
void kstate_endpoint_set(struct endpoint *e, int family, const void *addr, uint16_t port);

/* Parses one line of trace_pipe. Returns 1 with *out filled, 0 for a line
 * that is not an inet_sock_set_state TCP record (comments, other events,
 * other protocols), -1 for a malformed record. */
int kstate_parse_trace_line(const char *line, struct kstate_record *out);

/* One socket in a sock_diag snapshot. */
struct kstate_sock {
	struct endpoint local, peer;
	enum tcp_state state;
};

typedef void (*kstate_record_fn)(const struct kstate_record *rec, void *ctx);

/* Sorts a snapshot so kstate_snapshot_diff can merge it. */
void kstate_snapshot_sort(struct kstate_sock *socks, size_t n);

/* Reports what changed between two sorted snapshots taken at ts_ns: a
 * socket that appeared as CLOSED -> its state, one that changed state, and
 * one that vanished as its state -> CLOSED. */
void kstate_snapshot_diff(const struct kstate_sock *prev, size_t nprev, const struct kstate_sock *cur,
			  size_t ncur, uint64_t ts_ns, kstate_record_fn fn, void *ctx);

enum kstate_verdict {
	KSTATE_AGREE,
	KSTATE_DISAGREE,
	KSTATE_UNSEEN, /* the kernel reported nothing: not a socket of this host, or records lost */
};

const char *kstate_verdict_name(enum kstate_verdict v); /* "agree" "disagree" "unseen" */

#define KSTATE_WHY_MAX 512

/* Decides whether the kernel's path for one endpoint tells the same story
 * as the wire's, after normalising the known differences; why explains the
 * verdict in plain language. */
enum kstate_verdict kstate_compare(enum tcp_role role, const struct state_path *wire,
				   const struct state_path *kernel, enum kstate_source source, char *why,
				   size_t n);

/* ---- the view: kernel records tied to the wire's connections ---- */

enum kview_kind {
	KVIEW_RECORD, /* one kernel record, ready to show */
	KVIEW_CHECK,  /* one endpoint's kernel path compared with its wire path */
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

/* Takes one kernel record (ts_ns in CLOCK_REALTIME). It is held back until
 * the wire catches up, so records and packets come out in time order. */
void kview_record(struct kview *v, const struct kstate_record *rec);

/* Shows the view a flow table event before the caller prints it: a new
 * connection claims its held records, records older than the event are
 * released, and a CONN_END schedules the comparison of both endpoints. */
void kview_wire_event(struct kview *v, const struct trace_event *ev, kview_sink_fn sink, void *ctx);

/* Releases records held longer than the hold time and compares the
 * connections that ended more than the grace time before now_ns. */
void kview_tick(struct kview *v, uint64_t now_ns, kview_sink_fn sink, void *ctx);

/* Releases everything and compares every ended connection. */
void kview_finish(struct kview *v, kview_sink_fn sink, void *ctx);

/* A "kernel" or "kernel_check" JSON record (docs/trace-format.md), no
 * newline; returns the length or -1 if buf is too small. */
int kview_json(const struct kview_event *ev, char *buf, size_t n);
/* A text timeline line, time relative to t0_ns. */
int kview_text(const struct kview_event *ev, uint64_t t0_ns, char *buf, size_t n);

#endif
