/* tcpfsm.c: one TCP endpoint's state machine, as seen from the wire.
 *
 * Written the way RFC 9293 section 3.10 is: what the endpoint sends follows
 * its user calls (3.10.1 OPEN, 3.10.4 CLOSE), what it receives follows
 * SEGMENT ARRIVES (3.10.7), and a RST is checked before anything else. Each
 * is a switch on the state, in the style of lwIP's tcp_process(). */
#include "tcpfsm.h"

#include <string.h>

#include "decode.h"

static const char *const state_names[TCP_NSTATES] = {
	[TCPS_CLOSED] = "CLOSED",
	[TCPS_LISTEN] = "LISTEN",
	[TCPS_SYN_SENT] = "SYN_SENT",
	[TCPS_SYN_RCVD] = "SYN_RCVD",
	[TCPS_ESTABLISHED] = "ESTABLISHED",
	[TCPS_CLOSE_WAIT] = "CLOSE_WAIT",
	[TCPS_FIN_WAIT_1] = "FIN_WAIT_1",
	[TCPS_CLOSING] = "CLOSING",
	[TCPS_LAST_ACK] = "LAST_ACK",
	[TCPS_FIN_WAIT_2] = "FIN_WAIT_2",
	[TCPS_TIME_WAIT] = "TIME_WAIT",
};

const char *tcp_state_name(enum tcp_state s)
{
	return (unsigned)s < TCP_NSTATES ? state_names[s] : "?";
}

int tcp_state_parse(const char *name)
{
	for (int s = 0; s < TCP_NSTATES; s++)
		if (strcmp(name, state_names[s]) == 0)
			return s;
	return -1;
}

const char *tcp_role_name(enum tcp_role r)
{
	return r == ROLE_SERVER ? "server" : "client";
}

/* One endpoint's step in progress. */
struct fsm {
	enum tcp_state *state;
	enum tcp_role role;
	const struct tcpfsm_input *in;
	struct tcpfsm_change *out;
	int n;
};

static void go(struct fsm *m, enum tcp_state to, enum tcp_why why)
{
	struct tcpfsm_change *c = &m->out[m->n++];

	c->from = *m->state;
	c->to = to;
	c->why = why;
	c->seq = m->in->rel_seq;
	c->ack = m->in->rel_ack;
	*m->state = to;
}

/* A RST this endpoint sends: it drops its side of the connection. */
static void sent_rst(struct fsm *m)
{
	switch (*m->state) {
	case TCPS_CLOSED:
	case TCPS_LISTEN:
	case TCPS_SYN_SENT:
		/* A RST from here answers a segment that fits no connection
		 * (3.10.7.1, 3.10.7.2, 3.10.7.3 "send a reset"); the state stays. */
		break;
	case TCPS_SYN_RCVD:
		go(m, TCPS_CLOSED, WHY_HALF_OPEN_ABORT); /* 3.10.4 ABORT */
		break;
	case TCPS_TIME_WAIT:
		/* Linux drops the TIME_WAIT socket after answering with RST. */
		go(m, TCPS_CLOSED, WHY_TIME_WAIT_SENT_RST);
		break;
	default:
		/* 3.10.7.1: a segment for no connection is answered by a RST
		 * with no ACK bit when it carried an ACK; an abort (3.10.4)
		 * always carries one. */
		go(m, TCPS_CLOSED, m->in->flags & TCP_ACK ? WHY_ABORT : WHY_NO_SOCKET);
		break;
	}
}

/* A RST this endpoint receives; rst_acceptable already holds the
 * sequence check of RFC 9293 3.10.7.3 (SYN_SENT) or 3.10.7.4 (others). */
static void received_rst(struct fsm *m)
{
	if (!m->in->rst_acceptable)
		return;
	switch (*m->state) {
	case TCPS_CLOSED:
	case TCPS_LISTEN:
		break; /* 3.10.7.1 and 3.10.7.2: a RST is ignored */
	case TCPS_SYN_SENT:
		go(m, TCPS_CLOSED, WHY_REFUSED); /* 3.10.7.3: "error: connection reset" */
		break;
	case TCPS_SYN_RCVD:
		/* 3.10.7.4 second: a passive open returns to LISTEN: that is the
		 * listening socket; this connection's endpoint is gone. */
		go(m, TCPS_CLOSED, WHY_HALF_OPEN_RESET);
		break;
	case TCPS_CLOSING:
	case TCPS_LAST_ACK:
		go(m, TCPS_CLOSED, WHY_RESET_WHILE_CLOSING); /* 3.10.7.4 second */
		break;
	case TCPS_TIME_WAIT:
		go(m, TCPS_CLOSED, WHY_TIME_WAIT_RESET); /* 3.10.7.4 second */
		break;
	default:
		go(m, TCPS_CLOSED, WHY_RESET); /* 3.10.7.4 second: "connection reset" */
		break;
	}
}

/* A segment this endpoint sends: its user called connect(), close() or
 * shutdown(), or its kernel answered a SYN. A retransmitted SYN or FIN
 * changes nothing. */
static void sent_segment(struct fsm *m)
{
	uint8_t fl = m->in->flags;
	bool syn = (fl & TCP_SYN) && !m->in->retransmission;
	bool fin = (fl & TCP_FIN) && !m->in->retransmission;

	switch (*m->state) {
	case TCPS_CLOSED:
		if (syn && !(fl & TCP_ACK))
			go(m, TCPS_SYN_SENT, WHY_CONNECT); /* 3.10.1 OPEN, active */
		break;
	case TCPS_LISTEN:
		/* 3.10.7.2: the SYN arrived before; the server moves when its
		 * SYN|ACK shows it took the SYN (a SYN dropped because the queue
		 * is full leaves it in LISTEN). */
		if (syn && (fl & TCP_ACK)) {
			go(m, TCPS_SYN_RCVD, WHY_ANSWERED_SYN);
			if (fin)
				go(m, TCPS_FIN_WAIT_1, WHY_CLOSE_IN_SYN_RCVD); /* 3.10.4 CLOSE */
		}
		break;
	case TCPS_SYN_RCVD:
	case TCPS_ESTABLISHED:
		if (fin)
			go(m, TCPS_FIN_WAIT_1, WHY_CLOSE); /* 3.10.4 CLOSE */
		break;
	case TCPS_CLOSE_WAIT:
		if (fin)
			go(m, TCPS_LAST_ACK, WHY_CLOSE_AFTER_PEER); /* 3.10.4 CLOSE */
		break;
	default:
		break; /* data and ACKs change no state */
	}
}

/* A segment this endpoint receives (RFC 9293 3.10.7 SEGMENT ARRIVES). */
static void received_segment(struct fsm *m)
{
	const struct tcpfsm_input *in = m->in;
	bool syn = in->flags & TCP_SYN;
	bool ack = in->flags & TCP_ACK;
	bool fin = (in->flags & TCP_FIN) && !in->retransmission;

	switch (*m->state) {
	case TCPS_SYN_SENT:
		/* 3.10.7.3. Any SYN is new to an endpoint still in SYN_SENT, even
		 * one seen on the wire before (simultaneous open). */
		if (syn && ack && in->acks_syn)
			go(m, TCPS_ESTABLISHED, WHY_CONNECTED);
		else if (syn && !ack)
			go(m, TCPS_SYN_RCVD, WHY_SIMULTANEOUS_SYN);
		break;
	case TCPS_SYN_RCVD:
		/* 3.10.7.4 fifth: the ACK of our SYN synchronizes; eighth: a FIN
		 * on the same segment then moves on to CLOSE-WAIT. */
		if (!in->acks_syn)
			break;
		go(m, TCPS_ESTABLISHED, syn ? WHY_SIMULTANEOUS_DONE : WHY_HANDSHAKE_DONE);
		if (fin)
			go(m, TCPS_CLOSE_WAIT, WHY_PEER_CLOSED);
		break;
	case TCPS_ESTABLISHED:
		if (fin)
			go(m, TCPS_CLOSE_WAIT, WHY_PEER_CLOSED); /* 3.10.7.4 eighth */
		break;
	case TCPS_FIN_WAIT_1:
		if (in->acks_fin) {
			/* 3.10.7.4 fifth, FIN-WAIT-1: our FIN is acknowledged... */
			go(m, TCPS_FIN_WAIT_2, fin || in->carries_fin ? WHY_FIN_ACK_RODE_ON_FIN : WHY_FIN_ACKED);
			/* ...eighth, FIN-WAIT-2: and the peer's FIN came with it. */
			if (fin)
				go(m, TCPS_TIME_WAIT, WHY_TIME_WAIT);
		} else if (fin) {
			go(m, TCPS_CLOSING, WHY_SIMULTANEOUS_CLOSE); /* 3.10.7.4 eighth */
		}
		break;
	case TCPS_FIN_WAIT_2:
		if (fin)
			go(m, TCPS_TIME_WAIT, WHY_TIME_WAIT); /* 3.10.7.4 eighth */
		break;
	case TCPS_CLOSING:
		if (in->acks_fin)
			go(m, TCPS_TIME_WAIT, WHY_CLOSING_ACKED); /* 3.10.7.4 fifth */
		break;
	case TCPS_LAST_ACK:
		if (in->acks_fin)
			go(m, TCPS_CLOSED, WHY_LAST_ACK_ACKED); /* 3.10.7.4 fifth */
		break;
	default:
		/* CLOSED; LISTEN (it moves when it answers); CLOSE_WAIT; TIME_WAIT,
		 * where a FIN again only restarts the 2MSL timer (3.10.7.4
		 * eighth), which the flow table keeps. */
		break;
	}
}

int tcpfsm_step(enum tcp_state *state, enum tcp_role role, const struct tcpfsm_input *in,
		struct tcpfsm_change out[2])
{
	struct fsm m = { .state = state, .role = role, .in = in, .out = out };

	if (in->flags & TCP_RST) {
		if (in->sent)
			sent_rst(&m);
		else
			received_rst(&m);
	} else if (in->sent) {
		sent_segment(&m);
	} else {
		received_segment(&m);
	}
	return m.n;
}

int tcpfsm_apply_event(enum tcp_state *state, enum tcp_role role, enum tcpfsm_event ev,
		       struct tcpfsm_change *out)
{
	const struct tcpfsm_input none = { 0 };
	struct fsm m = { .state = state, .role = role, .in = &none, .out = out };

	switch (ev) {
	case TCPFSM_JOINED_MIDSTREAM:
		if (*state == TCPS_CLOSED)
			go(&m, TCPS_ESTABLISHED, WHY_JOINED);
		break;
	case TCPFSM_TIME_WAIT_EXPIRED:
		if (*state == TCPS_TIME_WAIT)
			go(&m, TCPS_CLOSED, WHY_TIME_WAIT_EXPIRED); /* 3.10.8 time-wait timeout */
		break;
	case TCPFSM_TIME_WAIT_REUSED:
		if (*state == TCPS_TIME_WAIT)
			go(&m, TCPS_CLOSED, WHY_TIME_WAIT_REUSED); /* RFC 6191 */
		break;
	case TCPFSM_GONE_IN_SYN_SENT:
		if (*state == TCPS_SYN_SENT)
			go(&m, TCPS_CLOSED, WHY_GONE_IN_SYN_SENT); /* 3.10.4 CLOSE in SYN-SENT */
		break;
	case TCPFSM_ICMP_ABORT:
		if (*state == TCPS_SYN_SENT || *state == TCPS_SYN_RCVD)
			go(&m, TCPS_CLOSED, WHY_ICMP_ABORT); /* RFC 1122 4.2.3.9, Linux tcp_v4_err */
		break;
	case TCPFSM_SENT_NEW_SYN:
		/* RFC 9293 3.10.1: a bare SYN with a new ISN comes only from
		 * OPEN in CLOSED; TIME_WAIT has its own way out (REUSED). */
		if (*state != TCPS_CLOSED && *state != TCPS_LISTEN && *state != TCPS_TIME_WAIT)
			go(&m, TCPS_CLOSED, WHY_NEW_SYN_OLD_GONE);
		break;
	}
	return m.n;
}
