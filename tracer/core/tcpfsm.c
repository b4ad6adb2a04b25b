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

/* The explanations. {who} is the endpoint that changes state, {peer} the
 * other one, {seq}/{ack} the segment's relative numbers. */
static const char WHY_CONNECT[] =
	"the {who}'s connect() sent a SYN with its initial sequence number (ISN; seq=0 here, numbers "
	"are shown relative to it): the {who} waits in SYN_SENT for the {peer}'s answer";
static const char WHY_ANSWERED_SYN[] =
	"the {who}'s listening socket got the {peer}'s SYN and answered SYN|ACK: its own ISN (seq=0) "
	"and ack={ack}, the {peer}'s ISN + 1 (a SYN counts as one byte); the half-open connection "
	"waits in SYN_RCVD";
static const char WHY_CONNECTED[] =
	"the {who} got the {peer}'s SYN|ACK: ack={ack} acknowledges its SYN and the SYN carries the "
	"{peer}'s ISN; the connection is open and connect() returns (the {who}'s ACK completes the "
	"handshake)";
static const char WHY_SIMULTANEOUS_SYN[] =
	"simultaneous open: the {who} got the {peer}'s SYN while waiting for an answer to its own; it "
	"answers with SYN|ACK and waits in SYN_RCVD";
static const char WHY_HANDSHAKE_DONE[] =
	"the {peer}'s ACK (ack={ack}) acknowledges the {who}'s SYN: the 3-way handshake is complete; "
	"the connection waits in the listening socket's accept queue until accept() takes it";
static const char WHY_SIMULTANEOUS_DONE[] =
	"simultaneous open: the {peer}'s SYN|ACK (ack={ack}) acknowledges the {who}'s SYN: both sides "
	"are synchronized and connect() returns";
static const char WHY_CLOSE[] =
	"the {who} called close() or shutdown(SHUT_WR): its FIN says it will send no more data (it can "
	"still receive); it waits in FIN_WAIT_1 for the ACK of that FIN";
static const char WHY_PEER_CLOSED[] =
	"the {peer} closed its direction: its FIN means no more data is coming, so the {who}'s read() "
	"returns 0 once queued data is read; the {who} can still send and waits in CLOSE_WAIT until "
	"it calls close()";
static const char WHY_CLOSE_AFTER_PEER[] =
	"the {who} called close() after the {peer}'s FIN: its own FIN closes the other direction; it "
	"waits in LAST_ACK for the ACK of that FIN";
static const char WHY_FIN_ACKED[] =
	"the {peer}'s ACK (ack={ack}) covers the {who}'s FIN (a FIN takes one sequence number): the "
	"{who}'s direction is closed; it waits in FIN_WAIT_2 for the {peer}'s FIN";
static const char WHY_FIN_ACK_RODE_ON_FIN[] =
	"the {peer}'s ACK of the {who}'s FIN (ack={ack}) rode on the {peer}'s own FIN, so FIN_WAIT_2 "
	"lasts only until the {who} has taken that FIN in (its ACK shows it)";
static const char WHY_TIME_WAIT[] =
	"the {peer}'s FIN arrived and the {who} ACKs it; as the active closer the {who} stays in "
	"TIME_WAIT for 60 s (Linux's fixed TCP_TIMEWAIT_LEN; RFC 9293 asks for 2MSL, 4 minutes) so a "
	"late segment of this connection cannot be mistaken for a new one, and so it can re-send the "
	"last ACK if the {peer}'s FIN comes again";
static const char WHY_SIMULTANEOUS_CLOSE[] =
	"simultaneous close: the FINs crossed; the {peer}'s FIN arrived after the {who} had sent its "
	"own, and does not acknowledge it (ack={ack}); the {who} ACKs it and waits in CLOSING for the "
	"ACK of its own FIN";
static const char WHY_CLOSING_ACKED[] =
	"the {peer}'s ACK (ack={ack}) covers the {who}'s FIN: both FINs are acknowledged; after a "
	"simultaneous close both sides stay in TIME_WAIT for 60 s (Linux's TCP_TIMEWAIT_LEN) so late "
	"segments of this connection die out";
static const char WHY_LAST_ACK_ACKED[] =
	"the {peer}'s ACK (ack={ack}) covers the {who}'s FIN: the connection is closed; the passive "
	"closer has no TIME_WAIT to go through";
static const char WHY_REFUSED[] =
	"connection refused: the {peer} answered the {who}'s SYN with RST because no socket listens on that "
	"port; connect() fails with ECONNREFUSED";
static const char WHY_HALF_OPEN_ABORT[] =
	"the {who} reset the half-open connection (RST) instead of completing the handshake";
static const char WHY_HALF_OPEN_RESET[] =
	"the {peer} reset the half-open connection (RST, seq={seq}): the {who} drops it (a listening "
	"socket keeps listening)";
static const char WHY_ABORT[] =
	"the {who} aborted the connection with RST: close() with SO_LINGER set to 0, or close() while "
	"received data was still unread; no FIN exchange and no TIME_WAIT";
static const char WHY_RESET[] =
	"connection reset by the {peer}: its RST (seq={seq}) is exactly the next sequence number the "
	"{who} expected, so the connection ends at once; the {who}'s next read() or write() fails "
	"with ECONNRESET";
static const char WHY_RESET_WHILE_CLOSING[] =
	"the {peer}'s RST (seq={seq}) ends the connection at once, before the ACK of the {who}'s FIN "
	"arrived";
static const char WHY_TIME_WAIT_SENT_RST[] =
	"the {who}'s TIME_WAIT socket answered a segment that does not fit the old connection with RST "
	"and went away";
static const char WHY_TIME_WAIT_RESET[] =
	"the {peer}'s RST ended the {who}'s TIME_WAIT early (RFC 9293 allows it; Linux does so unless "
	"net.ipv4.tcp_rfc1337 is set)";
static const char WHY_NO_SOCKET[] =
	"the {who} had no socket for this connection any more: its kernel answered the {peer}'s "
	"segment with a bare RST (no ACK bit), which says \"no such connection here\"";
static const char WHY_GONE_IN_SYN_SENT[] =
	"the {who}'s socket was closed while it waited in SYN_SENT (close() before connect() "
	"finished): the {peer}'s SYN|ACK found no socket, and the {who}'s kernel answered it with a "
	"bare RST; the connection never opened";
static const char WHY_CLOSE_IN_SYN_RCVD[] =
	"the {who} sent a FIN with its SYN|ACK: it closes its direction before the handshake is "
	"complete (RFC 9293 3.10.4: CLOSE in SYN-RECEIVED) and waits in FIN_WAIT_1";
static const char WHY_JOINED[] =
	"joined mid-stream: the handshake happened before the capture started, so the {who} is taken "
	"to be ESTABLISHED";
static const char WHY_TIME_WAIT_EXPIRED[] =
	"60 s (Linux's TCP_TIMEWAIT_LEN) have passed in TIME_WAIT: no late segment of this connection can still "
	"be in the network, so the {who}'s socket is released and the 4-tuple is free again";
static const char WHY_TIME_WAIT_REUSED[] =
	"a new SYN reused this 4-tuple: the {who}'s TIME_WAIT ended early to let the new connection start (allowed "
	"when the new SYN's numbers are clearly newer: RFC 6191, Linux tcp_tw_reuse)";

/* Copies the decimal form of v to dst; returns its length. */
static size_t put_u32(char *dst, uint32_t v)
{
	char tmp[10];
	size_t n = 0, len;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	len = n;
	while (n)
		*dst++ = tmp[--n];
	return len;
}

/* Appends len bytes of src at *dst, cut at end. */
static void put_bytes(char **dst, const char *end, const char *src, size_t len)
{
	if (len > (size_t)(end - *dst))
		len = (size_t)(end - *dst);
	memcpy(*dst, src, len);
	*dst += len;
}

/* Expands the {who} {peer} {seq} {ack} placeholders of tmpl into dst
 * (TCPFSM_WHY_MAX bytes). Hand-rolled rather than snprintf because most
 * segments of a trace change some state, and this keeps that cheap. */
static void why_expand(char *dst, const char *tmpl, enum tcp_role role, uint32_t seq, uint32_t ack)
{
	const char *end = dst + TCPFSM_WHY_MAX - 1;
	const char *open;
	char num[10];

	while ((open = strchr(tmpl, '{')) != NULL) {
		const char *name = open + 1, *sub = NULL;
		size_t len = 0;

		put_bytes(&dst, end, tmpl, (size_t)(open - tmpl));
		if (strncmp(name, "who}", 4) == 0)
			sub = tcp_role_name(role), len = strlen(sub);
		else if (strncmp(name, "peer}", 5) == 0)
			sub = tcp_role_name(!role), len = strlen(sub);
		else if (strncmp(name, "seq}", 4) == 0)
			sub = num, len = put_u32(num, seq);
		else if (strncmp(name, "ack}", 4) == 0)
			sub = num, len = put_u32(num, ack);
		if (!sub) { /* not a placeholder: kept, so a test sees the typo */
			put_bytes(&dst, end, open, 1);
			tmpl = name;
			continue;
		}
		put_bytes(&dst, end, sub, len);
		tmpl = strchr(name, '}') + 1;
	}
	put_bytes(&dst, end, tmpl, strlen(tmpl));
	*dst = '\0';
}

/* One endpoint's step in progress. */
struct fsm {
	enum tcp_state *state;
	enum tcp_role role;
	const struct tcpfsm_input *in;
	struct tcpfsm_change *out;
	int n;
};

static void go(struct fsm *m, enum tcp_state to, const char *why)
{
	struct tcpfsm_change *c = &m->out[m->n++];

	c->from = *m->state;
	c->to = to;
	why_expand(c->why, why, m->role, m->in->rel_seq, m->in->rel_ack);
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
	}
	return m.n;
}
