/* kstate.h: the kernel's own reports of TCP states, and their comparison
 * with the wire's.
 *
 * Pure code: no I/O, no globals. It parses the text of the
 * sock:inet_sock_set_state tracepoint, turns sock_diag snapshots into state
 * changes, and compares one endpoint's kernel path with its wire path after
 * removing the known, explainable differences (docs/kernel-view.md).
 * Holding records until the wire catches up and tying them to connections
 * is kview.h; the tracefs and netlink edge is kernel.h. */
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

/* A few fields of the kernel's struct tcp_info for one socket, as
 * sock_diag gives them (INET_DIAG_INFO, INET_DIAG_CONG): what a lesson
 * quotes about a connection's timers and recovery. Request and TIME_WAIT
 * mini-sockets have none (valid false). */
#define KSTATE_CONG_MAX 16
struct kstate_tcp_info {
	bool valid;
	uint32_t rto_us;        /* the retransmission timeout now */
	uint32_t rtt_us;        /* smoothed round-trip time */
	uint32_t rttvar_us;     /* its variation */
	uint32_t snd_cwnd;      /* congestion window, in segments */
	uint32_t retransmits;   /* retransmissions of the segment at the head now (tcpi_retransmits) */
	uint32_t total_retrans; /* segments retransmitted over the connection's life */
	char cong[KSTATE_CONG_MAX]; /* congestion control ("cubic"); "" when not given */
};

/* Did anything a lesson follows change (not the RTT estimates, which move
 * with every ACK)? */
bool kstate_tcp_info_moved(const struct kstate_tcp_info *a, const struct kstate_tcp_info *b);

/* One state change of one kernel socket, seen from that socket: local is
 * its own address. A connect()ing socket reports CLOSED -> SYN_SENT before
 * its port is chosen, so local may have port 0 there. from == to is no
 * change of state: sock_diag's news that the socket's tcp_info moved
 * (retransmissions, cwnd). */
struct kstate_record {
	uint64_t ts_ns; /* the trace clock as parsed; CLOCK_REALTIME once the edge maps it */
	struct endpoint local, peer;
	enum tcp_state from, to;
	enum kstate_source source;
	struct kstate_tcp_info info; /* sock_diag: the socket's at this poll (the last seen when it vanished) */
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
	struct kstate_tcp_info info;
};

typedef void (*kstate_record_fn)(const struct kstate_record *rec, void *ctx);

/* Sorts a snapshot so kstate_snapshot_diff can merge it. */
void kstate_snapshot_sort(struct kstate_sock *socks, size_t n);

/* Reports what changed between two sorted snapshots taken at ts_ns: a
 * socket that appeared as CLOSED -> its state, one that changed state, one
 * that vanished as its state -> CLOSED, and one whose tcp_info moved
 * (kstate_tcp_info_moved) as state -> the same state. */
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

#endif
