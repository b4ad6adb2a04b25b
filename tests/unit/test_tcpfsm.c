/* test_tcpfsm.c: one endpoint's state machine, transition by transition:
 * a table of (state, role, what the endpoint sent or received) and the
 * states it must pass through, including every "nothing changes" case
 * (retransmissions, unacceptable RSTs, data). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "decode.h"
#include "tcpfsm.h"

#define C ROLE_CLIENT
#define S ROLE_SERVER
/* What the endpoint did: SENT(flags) or RECV(flags), then the facts. */
#define SENT(fl) .sent = true, .flags = (fl)
#define RECV(fl) .sent = false, .flags = (fl)
#define ACKS_SYN .acks_syn = true
#define ACKS_FIN .acks_fin = true
#define OK_RST .rst_acceptable = true
#define RETRANS .retransmission = true

struct fsm_case {
	const char *name;
	enum tcp_state state;
	enum tcp_role role;
	struct tcpfsm_input in;
	int n;                 /* how many changes */
	enum tcp_state to[2];  /* the states entered, in order */
	const char *why_has;   /* a phrase the last why must contain */
};

static const struct fsm_case cases[] = {
	/* opening */
	{ "connect() sends a SYN", TCPS_CLOSED, C, { SENT(TCP_SYN) }, 1, { TCPS_SYN_SENT }, "connect()" },
	{ "retransmitted SYN from CLOSED", TCPS_CLOSED, C, { SENT(TCP_SYN), RETRANS }, 0, { 0 }, NULL },
	{ "SYN reaches a listener: no change yet", TCPS_LISTEN, S, { RECV(TCP_SYN) }, 0, { 0 }, NULL },
	{ "listener answers SYN|ACK", TCPS_LISTEN, S, { SENT(TCP_SYN | TCP_ACK), .rel_ack = 1 }, 1,
	  { TCPS_SYN_RCVD }, "ack=1" },
	{ "listener answers SYN|ACK with a FIN on it", TCPS_LISTEN, S, { SENT(TCP_SYN | TCP_ACK | TCP_FIN) }, 2,
	  { TCPS_SYN_RCVD, TCPS_FIN_WAIT_1 }, "SYN-RECEIVED" },
	{ "listener sends RST: stays", TCPS_LISTEN, S, { SENT(TCP_RST | TCP_ACK) }, 0, { 0 }, NULL },
	{ "listener ignores RST", TCPS_LISTEN, S, { RECV(TCP_RST), OK_RST }, 0, { 0 }, NULL },
	{ "SYN|ACK acking our SYN", TCPS_SYN_SENT, C, { RECV(TCP_SYN | TCP_ACK), ACKS_SYN, .rel_ack = 1 },
	  1, { TCPS_ESTABLISHED }, "connect() returns" },
	{ "SYN|ACK not acking our SYN", TCPS_SYN_SENT, C, { RECV(TCP_SYN | TCP_ACK) }, 0, { 0 }, NULL },
	{ "simultaneous open: SYN in SYN_SENT", TCPS_SYN_SENT, C, { RECV(TCP_SYN) }, 1, { TCPS_SYN_RCVD },
	  "simultaneous open" },
	{ "retransmitted SYN in SYN_SENT", TCPS_SYN_SENT, C, { SENT(TCP_SYN), RETRANS }, 0, { 0 }, NULL },
	{ "refused: RST|ACK acking the SYN", TCPS_SYN_SENT, C, { RECV(TCP_RST | TCP_ACK), OK_RST }, 1,
	  { TCPS_CLOSED }, "ECONNREFUSED" },
	{ "RST not acking the SYN", TCPS_SYN_SENT, C, { RECV(TCP_RST) }, 0, { 0 }, NULL },
	{ "RST sent in SYN_SENT: stays", TCPS_SYN_SENT, C, { SENT(TCP_RST) }, 0, { 0 }, NULL },
	{ "ACK of our SYN completes the handshake", TCPS_SYN_RCVD, S, { RECV(TCP_ACK), ACKS_SYN, .rel_ack = 1 },
	  1, { TCPS_ESTABLISHED }, "accept()" },
	{ "simultaneous open: SYN|ACK in SYN_RCVD", TCPS_SYN_RCVD, C, { RECV(TCP_SYN | TCP_ACK), ACKS_SYN },
	  1, { TCPS_ESTABLISHED }, "simultaneous open" },
	{ "ACK not acking our SYN", TCPS_SYN_RCVD, S, { RECV(TCP_ACK) }, 0, { 0 }, NULL },
	{ "retransmitted SYN in SYN_RCVD", TCPS_SYN_RCVD, S, { RECV(TCP_SYN), RETRANS }, 0, { 0 }, NULL },
	{ "retransmitted SYN|ACK from SYN_RCVD", TCPS_SYN_RCVD, S, { SENT(TCP_SYN | TCP_ACK), RETRANS }, 0,
	  { 0 }, NULL },
	{ "ACK of SYN with FIN on it", TCPS_SYN_RCVD, S, { RECV(TCP_FIN | TCP_ACK), ACKS_SYN }, 2,
	  { TCPS_ESTABLISHED, TCPS_CLOSE_WAIT }, "read() returns 0" },
	{ "FIN from SYN_RCVD", TCPS_SYN_RCVD, C, { SENT(TCP_FIN | TCP_ACK) }, 1, { TCPS_FIN_WAIT_1 }, NULL },
	{ "half-open reset by peer", TCPS_SYN_RCVD, S, { RECV(TCP_RST), OK_RST }, 1, { TCPS_CLOSED },
	  "half-open" },
	{ "half-open RST out of window", TCPS_SYN_RCVD, S, { RECV(TCP_RST) }, 0, { 0 }, NULL },
	{ "half-open aborted by us", TCPS_SYN_RCVD, S, { SENT(TCP_RST) }, 1, { TCPS_CLOSED }, "half-open" },
	/* established */
	{ "data sent", TCPS_ESTABLISHED, C, { SENT(TCP_PSH | TCP_ACK) }, 0, { 0 }, NULL },
	{ "data received", TCPS_ESTABLISHED, S, { RECV(TCP_PSH | TCP_ACK) }, 0, { 0 }, NULL },
	{ "retransmitted SYN|ACK received", TCPS_ESTABLISHED, C, { RECV(TCP_SYN | TCP_ACK), ACKS_SYN, RETRANS },
	  0, { 0 }, NULL },
	{ "close() sends FIN", TCPS_ESTABLISHED, C, { SENT(TCP_FIN | TCP_ACK) }, 1, { TCPS_FIN_WAIT_1 },
	  "shutdown(SHUT_WR)" },
	{ "peer's FIN", TCPS_ESTABLISHED, S, { RECV(TCP_FIN | TCP_ACK) }, 1, { TCPS_CLOSE_WAIT },
	  "CLOSE_WAIT" },
	{ "retransmitted FIN received in ESTABLISHED", TCPS_ESTABLISHED, S, { RECV(TCP_FIN | TCP_ACK), RETRANS },
	  0, { 0 }, NULL },
	{ "abort: RST sent", TCPS_ESTABLISHED, C, { SENT(TCP_RST | TCP_ACK) }, 1, { TCPS_CLOSED },
	  "SO_LINGER" },
	{ "bare RST sent: no socket any more", TCPS_ESTABLISHED, C, { SENT(TCP_RST) }, 1, { TCPS_CLOSED },
	  "no such connection" },
	{ "reset by peer", TCPS_ESTABLISHED, S, { RECV(TCP_RST | TCP_ACK), OK_RST, .rel_seq = 7 }, 1,
	  { TCPS_CLOSED }, "seq=7" },
	{ "unacceptable RST", TCPS_ESTABLISHED, S, { RECV(TCP_RST) }, 0, { 0 }, NULL },
	/* closing */
	{ "data sent in CLOSE_WAIT", TCPS_CLOSE_WAIT, S, { SENT(TCP_PSH | TCP_ACK) }, 0, { 0 }, NULL },
	{ "retransmitted FIN in CLOSE_WAIT", TCPS_CLOSE_WAIT, S, { RECV(TCP_FIN | TCP_ACK), RETRANS }, 0, { 0 },
	  NULL },
	{ "close() after peer's FIN", TCPS_CLOSE_WAIT, S, { SENT(TCP_FIN | TCP_ACK) }, 1, { TCPS_LAST_ACK },
	  "LAST_ACK" },
	{ "reset in CLOSE_WAIT", TCPS_CLOSE_WAIT, S, { RECV(TCP_RST), OK_RST }, 1, { TCPS_CLOSED },
	  "ECONNRESET" },
	{ "ACK of our FIN", TCPS_FIN_WAIT_1, C, { RECV(TCP_ACK), ACKS_FIN, .rel_ack = 8 }, 1,
	  { TCPS_FIN_WAIT_2 }, "ack=8" },
	{ "ACK not covering our FIN", TCPS_FIN_WAIT_1, C, { RECV(TCP_ACK) }, 0, { 0 }, NULL },
	{ "retransmitted FIN sent from FIN_WAIT_1", TCPS_FIN_WAIT_1, C, { SENT(TCP_FIN | TCP_ACK), RETRANS }, 0,
	  { 0 }, NULL },
	{ "3-segment close: ACK of our FIN rides on the peer's FIN", TCPS_FIN_WAIT_1, C,
	  { RECV(TCP_FIN | TCP_ACK), ACKS_FIN }, 2, { TCPS_FIN_WAIT_2, TCPS_TIME_WAIT }, "TCP_TIMEWAIT_LEN" },
	{ "3-segment close, the FIN held back until it shows it arrived", TCPS_FIN_WAIT_1, C,
	  { RECV(TCP_ACK), ACKS_FIN, .carries_fin = true }, 1, { TCPS_FIN_WAIT_2 }, "rode on" },
	{ "simultaneous close", TCPS_FIN_WAIT_1, C, { RECV(TCP_FIN | TCP_ACK) }, 1, { TCPS_CLOSING },
	  "simultaneous close" },
	{ "retransmitted FIN with the ACK of ours", TCPS_FIN_WAIT_1, C, { RECV(TCP_FIN | TCP_ACK), ACKS_FIN, RETRANS },
	  1, { TCPS_FIN_WAIT_2 }, NULL },
	{ "reset in FIN_WAIT_1", TCPS_FIN_WAIT_1, C, { RECV(TCP_RST), OK_RST }, 1, { TCPS_CLOSED }, NULL },
	{ "data received in FIN_WAIT_2 (half-close)", TCPS_FIN_WAIT_2, C, { RECV(TCP_PSH | TCP_ACK) }, 0, { 0 },
	  NULL },
	{ "ACK sent in FIN_WAIT_2", TCPS_FIN_WAIT_2, C, { SENT(TCP_ACK) }, 0, { 0 }, NULL },
	{ "peer's FIN in FIN_WAIT_2", TCPS_FIN_WAIT_2, C, { RECV(TCP_FIN | TCP_ACK) }, 1, { TCPS_TIME_WAIT },
	  "60 s (Linux's fixed TCP_TIMEWAIT_LEN" },
	{ "abort in FIN_WAIT_2", TCPS_FIN_WAIT_2, C, { SENT(TCP_RST) }, 1, { TCPS_CLOSED }, NULL },
	{ "ACK of our FIN in CLOSING", TCPS_CLOSING, C, { RECV(TCP_ACK), ACKS_FIN }, 1, { TCPS_TIME_WAIT },
	  "TIME_WAIT" },
	{ "ACK not covering our FIN in CLOSING", TCPS_CLOSING, C, { RECV(TCP_ACK) }, 0, { 0 }, NULL },
	{ "reset in CLOSING", TCPS_CLOSING, C, { RECV(TCP_RST), OK_RST }, 1, { TCPS_CLOSED }, NULL },
	{ "ACK of our FIN in LAST_ACK", TCPS_LAST_ACK, S, { RECV(TCP_ACK), ACKS_FIN }, 1, { TCPS_CLOSED },
	  "no TIME_WAIT" },
	{ "ACK not covering our FIN in LAST_ACK", TCPS_LAST_ACK, S, { RECV(TCP_ACK) }, 0, { 0 }, NULL },
	{ "retransmitted FIN from LAST_ACK", TCPS_LAST_ACK, S, { SENT(TCP_FIN | TCP_ACK), RETRANS }, 0, { 0 },
	  NULL },
	{ "reset in LAST_ACK", TCPS_LAST_ACK, S, { RECV(TCP_RST), OK_RST }, 1, { TCPS_CLOSED }, NULL },
	{ "FIN again in TIME_WAIT", TCPS_TIME_WAIT, C, { RECV(TCP_FIN | TCP_ACK), RETRANS }, 0, { 0 }, NULL },
	{ "last ACK again from TIME_WAIT", TCPS_TIME_WAIT, C, { SENT(TCP_ACK) }, 0, { 0 }, NULL },
	{ "acceptable RST in TIME_WAIT", TCPS_TIME_WAIT, C, { RECV(TCP_RST), OK_RST }, 1, { TCPS_CLOSED },
	  "tcp_rfc1337" },
	{ "unacceptable RST in TIME_WAIT", TCPS_TIME_WAIT, C, { RECV(TCP_RST) }, 0, { 0 }, NULL },
	{ "RST sent from TIME_WAIT", TCPS_TIME_WAIT, C, { SENT(TCP_RST) }, 1, { TCPS_CLOSED }, NULL },
	{ "anything to CLOSED", TCPS_CLOSED, S, { RECV(TCP_ACK | TCP_FIN), ACKS_FIN }, 0, { 0 }, NULL },
	{ "RST to CLOSED", TCPS_CLOSED, S, { RECV(TCP_RST), OK_RST }, 0, { 0 }, NULL },
	{ "SYN|ACK from CLOSED", TCPS_CLOSED, S, { SENT(TCP_SYN | TCP_ACK) }, 0, { 0 }, NULL },
};

/* The English sentence of a change, about role (a buffer per call, so
 * two can stand in one message). */
static const char *why_en(const struct tcpfsm_change *c, enum tcp_role role)
{
	static char bufs[2][WHY_TEXT_MAX];
	static int next;
	char *b = bufs[next++ & 1];

	if (why_format(c->why, LANG_EN, role == ROLE_SERVER, c->seq, c->ack, b, WHY_TEXT_MAX) < 0)
		fail_msg("why %d does not render", (int)c->why);
	return b;
}

/* A why must read as finished prose: placeholders expanded, not cut. */
static void check_why(const char *name, const char *why, enum tcp_role role)
{
	if (strlen(why) == 0 || strlen(why) >= WHY_TEXT_MAX - 1 || strchr(why, '{') ||
	    !strstr(why, tcp_role_name(role)))
		fail_msg("%s: bad why \"%s\"", name, why);
}

static void test_transition_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct fsm_case *k = &cases[i];
		enum tcp_state st = k->state, prev = k->state;
		struct tcpfsm_change out[2];
		int n = tcpfsm_step(&st, k->role, &k->in, out);

		if (n != k->n)
			fail_msg("%s: %d changes, expected %d", k->name, n, k->n);
		for (int j = 0; j < n; j++) {
			if (out[j].from != prev || out[j].to != k->to[j])
				fail_msg("%s: change %d is %s>%s, expected %s>%s", k->name, j,
					 tcp_state_name(out[j].from), tcp_state_name(out[j].to),
					 tcp_state_name(prev), tcp_state_name(k->to[j]));
			check_why(k->name, why_en(&out[j], k->role), k->role);
			prev = out[j].to;
		}
		if (st != prev)
			fail_msg("%s: state left at %s, expected %s", k->name, tcp_state_name(st),
				 tcp_state_name(prev));
		if (k->why_has && (n == 0 || !strstr(why_en(&out[n - 1], k->role), k->why_has)))
			fail_msg("%s: why \"%s\" lacks \"%s\"", k->name, n ? why_en(&out[n - 1], k->role) : "",
				 k->why_has);
	}
}

/* The 3-segment close explains itself with the peer's name in it. */
static void test_why_names_the_roles(void **state)
{
	struct tcpfsm_input in = { RECV(TCP_FIN | TCP_ACK), ACKS_FIN, .rel_ack = 2 };
	enum tcp_state st = TCPS_FIN_WAIT_1;
	struct tcpfsm_change out[2];

	(void)state;
	assert_int_equal(tcpfsm_step(&st, C, &in, out), 2);
	assert_string_equal(why_en(&out[0], C), "the server's ACK of the client's FIN (ack=2) rode on the server's own "
					"FIN, so FIN_WAIT_2 lasts only until the client has taken that FIN in (its "
					"ACK shows it)");
	assert_non_null(strstr(why_en(&out[1], C), "the server's FIN arrived and the client ACKs it"));
}

static void test_events(void **state)
{
	static const struct {
		enum tcp_state from;
		enum tcpfsm_event ev;
		int n;
		enum tcp_state to;
		const char *why_has;
	} ev_cases[] = {
		{ TCPS_CLOSED, TCPFSM_JOINED_MIDSTREAM, 1, TCPS_ESTABLISHED, "before the capture started" },
		{ TCPS_LISTEN, TCPFSM_JOINED_MIDSTREAM, 0, TCPS_LISTEN, NULL },
		{ TCPS_TIME_WAIT, TCPFSM_TIME_WAIT_EXPIRED, 1, TCPS_CLOSED, "TCP_TIMEWAIT_LEN" },
		{ TCPS_SYN_SENT, TCPFSM_GONE_IN_SYN_SENT, 1, TCPS_CLOSED, "bare RST" },
		{ TCPS_ESTABLISHED, TCPFSM_GONE_IN_SYN_SENT, 0, TCPS_ESTABLISHED, NULL },
		{ TCPS_LAST_ACK, TCPFSM_TIME_WAIT_EXPIRED, 0, TCPS_LAST_ACK, NULL },
		{ TCPS_TIME_WAIT, TCPFSM_TIME_WAIT_REUSED, 1, TCPS_CLOSED, "RFC 6191" },
		{ TCPS_CLOSED, TCPFSM_TIME_WAIT_REUSED, 0, TCPS_CLOSED, NULL },
		{ TCPS_FIN_WAIT_1, TCPFSM_SENT_NEW_SYN, 1, TCPS_CLOSED, "its old connection had already ended" },
		{ TCPS_ESTABLISHED, TCPFSM_SENT_NEW_SYN, 1, TCPS_CLOSED, "RFC 9293 3.10.1" },
		{ TCPS_SYN_SENT, TCPFSM_SENT_NEW_SYN, 1, TCPS_CLOSED, "same ISN" },
		{ TCPS_TIME_WAIT, TCPFSM_SENT_NEW_SYN, 0, TCPS_TIME_WAIT, NULL }, /* TIME_WAIT_REUSED ends it */
		{ TCPS_LISTEN, TCPFSM_SENT_NEW_SYN, 0, TCPS_LISTEN, NULL },
		{ TCPS_CLOSED, TCPFSM_SENT_NEW_SYN, 0, TCPS_CLOSED, NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ev_cases) / sizeof(ev_cases[0]); i++) {
		enum tcp_state st = ev_cases[i].from;
		struct tcpfsm_change c;
		int n = tcpfsm_apply_event(&st, S, ev_cases[i].ev, &c);

		assert_int_equal(n, ev_cases[i].n);
		assert_int_equal(st, ev_cases[i].to);
		if (n) {
			assert_int_equal(c.from, ev_cases[i].from);
			assert_int_equal(c.to, ev_cases[i].to);
			check_why("event", why_en(&c, S), S);
			assert_non_null(strstr(why_en(&c, S), ev_cases[i].why_has));
		}
	}
}

static void test_state_names(void **state)
{
	static const char *const names[] = { "CLOSED", "LISTEN", "SYN_SENT", "SYN_RCVD",
					     "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT",
					     "CLOSING", "LAST_ACK", "TIME_WAIT" };

	(void)state;
	assert_int_equal(sizeof(names) / sizeof(names[0]), TCP_NSTATES);
	for (size_t i = 0; i < TCP_NSTATES; i++) {
		int s = tcp_state_parse(names[i]);

		assert_true(s >= 0);
		assert_string_equal(tcp_state_name((enum tcp_state)s), names[i]);
	}
	assert_int_equal(tcp_state_parse("CLOSE"), -1);
	assert_int_equal(tcp_state_parse("established"), -1);
	assert_string_equal(tcp_state_name(TCP_NSTATES), "?");
	assert_string_equal(tcp_role_name(ROLE_CLIENT), "client");
	assert_string_equal(tcp_role_name(ROLE_SERVER), "server");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_transition_table),
		cmocka_unit_test(test_why_names_the_roles),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_state_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
