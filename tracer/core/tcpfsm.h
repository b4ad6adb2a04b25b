/* tcpfsm.h: one TCP endpoint's state machine, driven by the segments that
 * endpoint sends and receives, as seen on the wire (RFC 9293 section 3.3.2).
 *
 * Pure code: no I/O, no globals. The flow table works out the sequence-space
 * facts (does this ACK cover my FIN? is this RST acceptable? is this a
 * retransmission?) and hands them in; this module only decides transitions. */
#ifndef SOCKLAB_TCPFSM_H
#define SOCKLAB_TCPFSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "why.h"

/* Ordered as FreeBSD's tcp_fsm.h: states before ESTABLISHED are not yet
 * synchronized, states after CLOSE_WAIT have sent a FIN. */
enum tcp_state {
	TCPS_CLOSED = 0,
	TCPS_LISTEN,
	TCPS_SYN_SENT,
	TCPS_SYN_RCVD,
	TCPS_ESTABLISHED,
	TCPS_CLOSE_WAIT,
	TCPS_FIN_WAIT_1,
	TCPS_CLOSING,
	TCPS_LAST_ACK,
	TCPS_FIN_WAIT_2,
	TCPS_TIME_WAIT,
	TCP_NSTATES
};

enum tcp_role { ROLE_CLIENT = 0, ROLE_SERVER = 1 };

/* "CLOSED", "SYN_SENT", ... exactly as BRIEF.md names them. */
const char *tcp_state_name(enum tcp_state s);
/* The inverse; returns -1 for an unknown name. */
int tcp_state_parse(const char *name);
const char *tcp_role_name(enum tcp_role r); /* "client" / "server" */

/* What one endpoint did or saw, reduced to what the transitions need. */
struct tcpfsm_input {
	bool sent;             /* this endpoint sent the segment; else it received it */
	uint8_t flags;         /* TCP_* bits of the segment */
	bool acks_syn;         /* the segment's ACK covers the receiver's SYN */
	bool acks_fin;         /* the segment's ACK covers the receiver's FIN */
	bool rst_acceptable;   /* RST passes the RFC 9293 3.10.7 check for the receiver's state */
	bool retransmission;   /* same SYN/FIN seen before: no new transition */
	bool carries_fin;      /* the segment also carries a FIN that the flow table holds back
				* until the receiver shows it arrived (only words change) */
	uint32_t rel_seq, rel_ack; /* the segment's relative numbers, quoted in why */
};

struct tcpfsm_change {
	enum tcp_state from, to;
	enum tcp_why why;      /* the explanation's key (why.h) */
	uint32_t seq, ack;     /* the causing segment's relative numbers, quoted by it */
};

/* Applies one segment to one endpoint's state. Writes at most 2 changes
 * (FIN_WAIT_1 -> FIN_WAIT_2 -> TIME_WAIT when the ACK of our FIN rides on the
 * peer's FIN) into out and returns how many; *state is updated. */
int tcpfsm_step(enum tcp_state *state, enum tcp_role role, const struct tcpfsm_input *in,
		struct tcpfsm_change out[2]);

/* Transitions no segment causes: the flow table decides them from the
 * capture (joined late), the clock (2MSL) or a new connection's SYN. */
enum tcpfsm_event {
	TCPFSM_JOINED_MIDSTREAM,  /* CLOSED -> ESTABLISHED: handshake before the capture */
	TCPFSM_TIME_WAIT_EXPIRED, /* TIME_WAIT -> CLOSED after 2MSL */
	TCPFSM_TIME_WAIT_REUSED,  /* TIME_WAIT -> CLOSED: a new SYN took the 4-tuple */
	TCPFSM_GONE_IN_SYN_SENT,  /* SYN_SENT -> CLOSED: a bare RST answered the SYN|ACK, so the
				   * socket was closed before the answer came */
	TCPFSM_ICMP_ABORT,        /* SYN_SENT or SYN_RCVD -> CLOSED: an ICMP error (tcp_v4_err) */
	TCPFSM_SENT_NEW_SYN,      /* any state but CLOSED, LISTEN and TIME_WAIT -> CLOSED: the
				   * endpoint sent the SYN of a new connection on the 4-tuple, so
				   * its old socket was gone (its end not captured) */
};

/* Applies ev if it fits *state; returns 1 with *out filled, else 0. */
int tcpfsm_apply_event(enum tcp_state *state, enum tcp_role role, enum tcpfsm_event ev,
		       struct tcpfsm_change *out);

#endif
