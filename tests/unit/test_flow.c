/* test_flow.c: the flow table fed whole connections, segment by segment.
 * Each lifecycle lists the segments (relative numbers, built into absolute
 * ones from fixed ISNs, the server's close to 2^32 so numbers wrap) and the
 * exact events expected: packets with their relative seq/ack and marks,
 * state changes of both endpoints, the connection's end with both paths. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "json.h"

#define CLIENT_ISN 1000000000u
#define SERVER_ISN 0xfffffff0u
#define CLIENT_PORT 40000
#define SERVER_PORT 8080
#define MS 1000000ull
#define SEC 1000000000ull
#define T0 (1764107207ull * SEC)

#define A TCP_ACK
#define SA (TCP_SYN | TCP_ACK)
#define FA (TCP_FIN | TCP_ACK)
#define PA (TCP_PSH | TCP_ACK)
#define RA (TCP_RST | TCP_ACK)

/* One step of a lifecycle: a segment from the client ('c') or the server
 * ('s'), a tick ('t') or the end of the capture ('f'). Steps are 1 ms
 * apart, plus after_s seconds. */
struct step {
	char op;
	uint8_t flags;
	uint32_t seq, ack, len; /* relative to the sender's / receiver's ISN */
	uint32_t after_s;
};

#define C(fl, s, a) { 'c', (fl), (s), (a), 0, 0 }
#define S(fl, s, a) { 's', (fl), (s), (a), 0, 0 }
#define CD(fl, s, a, n) { 'c', (fl), (s), (a), (n), 0 }
#define SD(fl, s, a, n) { 's', (fl), (s), (a), (n), 0 }
#define C_AFTER(sec, fl, s, a) { 'c', (fl), (s), (a), 0, (sec) }
#define S_AFTER(sec, fl, s, a) { 's', (fl), (s), (a), 0, (sec) }
#define TICK_AFTER(sec) { 't', 0, 0, 0, 0, (sec) }
#define FINISH { 'f', 0, 0, 0, 0, 0 }
/* An ICMP error (kind: ICMP_* below) quoting a segment the client ('i') or
 * the server ('j') sent, with those relative numbers and flags. */
#define IC(kind, fl, s, a) { 'i', (fl), (s), (a), (kind), 0 }
#define IC_AFTER(sec, kind, fl, s, a) { 'i', (fl), (s), (a), (kind), (sec) }
#define IS(kind, fl, s, a) { 'j', (fl), (s), (a), (kind), 0 }
/* The same outcome in both families (as Linux classes them, flow.c icmp_class) */
enum {
	ICMP_PORT = 1,   /* port unreachable: ICMP 3/3, ICMPv6 1/4 */
	ICMP_HOST,       /* host unreachable: ICMP 3/1, ICMPv6 1/3 (address unreachable) */
	ICMP_PMTU,       /* fragmentation needed 3/4 (mtu 1280), packet too big 2/0 */
	ICMP_PARAM,      /* parameter problem: ICMP 12/0, ICMPv6 4/0: fatal even to a half-open request */
	ICMP_NOT_FATAL,  /* protocol unreachable 3/2, no route 1/0: not enough to drop a request */
	ICMP_QUENCH,     /* source quench 4/0 (ICMPv4 only: test_icmp_source_quench) */
};

#define HANDSHAKE C(TCP_SYN, 0, 0), S(SA, 0, 1), C(A, 1, 1)
#define HANDSHAKE_EVENTS                                                                          \
	"1 c SYN seq=0 ack=0", "1 client CLOSED>SYN_SENT", "1 s SYN|ACK seq=0 ack=1",             \
	"1 server LISTEN>SYN_RCVD", "1 c ACK seq=1 ack=1", "1 client SYN_SENT>ESTABLISHED @ packet 2", \
	"1 server SYN_RCVD>ESTABLISHED"
#define NEW "(new)"
#define CLIENT_PATH_OPEN "CLOSED>SYN_SENT>ESTABLISHED"
#define SERVER_PATH_OPEN "LISTEN>SYN_RCVD>ESTABLISHED"

struct lifecycle {
	const char *name;
	struct step steps[24];
	const char *events[48]; /* a line with "note=" matches by prefix */
};

static const struct lifecycle lifecycles[] = {
	{ "handshake, echo, client closes in 4 segments, TIME_WAIT expires after 60 s",
	  { HANDSHAKE, CD(PA, 1, 1, 6), S(A, 1, 7), SD(PA, 1, 7, 13), C(A, 7, 14), C(FA, 7, 14), S(A, 14, 8),
	    S(FA, 14, 8), C(A, 8, 15), TICK_AFTER(59), TICK_AFTER(2) },
	  { HANDSHAKE_EVENTS, "1 c PSH|ACK seq=1 ack=1", "1 s ACK seq=1 ack=7", "1 s PSH|ACK seq=1 ack=7",
	    "1 c ACK seq=7 ack=14", "1 c FIN|ACK seq=7 ack=14", "1 client ESTABLISHED>FIN_WAIT_1",
	    "1 s ACK seq=14 ack=8", "1 server ESTABLISHED>CLOSE_WAIT @ packet 8", "1 client FIN_WAIT_1>FIN_WAIT_2",
	    "1 s FIN|ACK seq=14 ack=8", "1 server CLOSE_WAIT>LAST_ACK", "1 c ACK seq=8 ack=15",
	    "1 client FIN_WAIT_2>TIME_WAIT @ packet 10", "1 server LAST_ACK>CLOSED", "1 client TIME_WAIT>CLOSED",
	    "1 end time_wait expired 11 CLOSED>SYN_SENT>ESTABLISHED>FIN_WAIT_1>FIN_WAIT_2>TIME_WAIT>CLOSED LISTEN>SYN_RCVD>ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSED" } },
	{ "data sent again is marked a retransmission; a first FIN riding on resent data still closes",
	  { HANDSHAKE, CD(PA, 1, 1, 5), CD(PA, 1, 1, 5), S(A, 1, 6), CD(PA, 6, 1, 5), CD(FA, 6, 1, 5), S(A, 1, 12),
	    S(FA, 1, 12), C(A, 12, 2), FINISH },
	  { HANDSHAKE_EVENTS, "1 c PSH|ACK seq=1 ack=1", "1 c PSH|ACK seq=1 ack=1 retrans", "1 s ACK seq=1 ack=6",
	    "1 c PSH|ACK seq=6 ack=1", "1 c FIN|ACK seq=6 ack=1 retrans", "1 client ESTABLISHED>FIN_WAIT_1",
	    "1 s ACK seq=1 ack=12", "1 server ESTABLISHED>CLOSE_WAIT @ packet 8", "1 client FIN_WAIT_1>FIN_WAIT_2",
	    "1 s FIN|ACK seq=1 ack=12", "1 server CLOSE_WAIT>LAST_ACK", "1 c ACK seq=12 ack=2",
	    "1 client FIN_WAIT_2>TIME_WAIT @ packet 10", "1 server LAST_ACK>CLOSED",
	    "1 end capture ended 11 CLOSED>SYN_SENT>ESTABLISHED>FIN_WAIT_1>FIN_WAIT_2>TIME_WAIT LISTEN>SYN_RCVD>ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSED" } },
	{ "4-way close in 3 segments",
	  { HANDSHAKE, C(FA, 1, 1), S(FA, 1, 2), C(A, 2, 2), FINISH },
	  { HANDSHAKE_EVENTS, "1 c FIN|ACK seq=1 ack=1", "1 client ESTABLISHED>FIN_WAIT_1",
	    "1 s FIN|ACK seq=1 ack=2 note=4-way close in 3 segments: the server's ACK of t",
	    "1 server ESTABLISHED>CLOSE_WAIT @ packet 4", "1 server CLOSE_WAIT>LAST_ACK",
	    "1 client FIN_WAIT_1>FIN_WAIT_2", "1 c ACK seq=2 ack=2", "1 client FIN_WAIT_2>TIME_WAIT @ packet 5",
	    "1 server LAST_ACK>CLOSED",
	    "1 end capture ended 6 CLOSED>SYN_SENT>ESTABLISHED>FIN_WAIT_1>FIN_WAIT_2>TIME_WAIT LISTEN>SYN_RCVD>ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSED" } },
	{ "server closes first",
	  { HANDSHAKE, S(FA, 1, 1), C(A, 1, 2), C(FA, 1, 2), S(A, 2, 2), TICK_AFTER(61) },
	  { HANDSHAKE_EVENTS, "1 s FIN|ACK seq=1 ack=1", "1 server ESTABLISHED>FIN_WAIT_1", "1 c ACK seq=1 ack=2",
	    "1 client ESTABLISHED>CLOSE_WAIT @ packet 4", "1 server FIN_WAIT_1>FIN_WAIT_2",
	    "1 c FIN|ACK seq=1 ack=2", "1 client CLOSE_WAIT>LAST_ACK", "1 s ACK seq=2 ack=2",
	    "1 server FIN_WAIT_2>TIME_WAIT @ packet 6", "1 client LAST_ACK>CLOSED", "1 server TIME_WAIT>CLOSED",
	    "1 end time_wait expired 7 CLOSED>SYN_SENT>ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSED LISTEN>SYN_RCVD>ESTABLISHED>FIN_WAIT_1>FIN_WAIT_2>TIME_WAIT>CLOSED" } },
	{ "half-close: the client shuts down its side, the server keeps sending",
	  { HANDSHAKE, C(FA, 1, 1), S(A, 1, 2), SD(PA, 1, 2, 28), C(A, 2, 29), S(FA, 29, 2), C(A, 2, 30), FINISH },
	  { HANDSHAKE_EVENTS, "1 c FIN|ACK seq=1 ack=1", "1 client ESTABLISHED>FIN_WAIT_1", "1 s ACK seq=1 ack=2",
	    "1 server ESTABLISHED>CLOSE_WAIT @ packet 4", "1 client FIN_WAIT_1>FIN_WAIT_2",
	    "1 s PSH|ACK seq=1 ack=2", "1 c ACK seq=2 ack=29", "1 s FIN|ACK seq=29 ack=2",
	    "1 server CLOSE_WAIT>LAST_ACK", "1 c ACK seq=2 ack=30", "1 client FIN_WAIT_2>TIME_WAIT @ packet 8",
	    "1 server LAST_ACK>CLOSED",
	    "1 end capture ended 9 CLOSED>SYN_SENT>ESTABLISHED>FIN_WAIT_1>FIN_WAIT_2>TIME_WAIT LISTEN>SYN_RCVD>ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSED" } },
	{ "client aborts with RST (SO_LINGER 0)",
	  { HANDSHAKE, C(RA, 1, 1) },
	  { HANDSHAKE_EVENTS, "1 c RST|ACK seq=1 ack=1", "1 client ESTABLISHED>CLOSED",
	    "1 server ESTABLISHED>CLOSED",
	    "1 end closed 4 CLOSED>SYN_SENT>ESTABLISHED>CLOSED LISTEN>SYN_RCVD>ESTABLISHED>CLOSED" } },
	{ "server aborts with RST",
	  { HANDSHAKE, SD(PA, 1, 1, 3), S(RA, 4, 1) },
	  { HANDSHAKE_EVENTS, "1 s PSH|ACK seq=1 ack=1", "1 s RST|ACK seq=4 ack=1", "1 server ESTABLISHED>CLOSED",
	    "1 client ESTABLISHED>CLOSED",
	    "1 end closed 5 CLOSED>SYN_SENT>ESTABLISHED>CLOSED LISTEN>SYN_RCVD>ESTABLISHED>CLOSED" } },
	{ "server closes with unread data: RST; late segments stay with the closed connection",
	  { HANDSHAKE, CD(PA, 1, 1, 5), S(A, 1, 6), S(RA, 1, 6), CD(PA, 6, 1, 5), S(TCP_RST, 1, 0),
	    { 'c', PA, 11, 1, 5, 6 }, FINISH },
	  { HANDSHAKE_EVENTS, "1 c PSH|ACK seq=1 ack=1", "1 s ACK seq=1 ack=6", "1 s RST|ACK seq=1 ack=6",
	    "1 server ESTABLISHED>CLOSED", "1 client ESTABLISHED>CLOSED",
	    "1 end closed 6 CLOSED>SYN_SENT>ESTABLISHED>CLOSED LISTEN>SYN_RCVD>ESTABLISHED>CLOSED",
	    "1 c PSH|ACK seq=6 ack=1 note=late segment: both endpoints are already CLOSED",
	    "1 s RST seq=1 ack=0 note=late segment: both endpoints are already CLOSED",
	    "2 c PSH|ACK seq=1 ack=1 midstream", "2 client CLOSED>ESTABLISHED", "2 server CLOSED>ESTABLISHED",
	    "2 end capture ended 1 CLOSED>ESTABLISHED CLOSED>ESTABLISHED" } },
	{ "connection refused",
	  { C(TCP_SYN, 0, 0), S(RA, 1, 1) },
	  { "1 c SYN seq=0 ack=0", "1 client CLOSED>SYN_SENT", "1 s RST|ACK seq=1 ack=1",
	    "1 client SYN_SENT>CLOSED", "1 end closed 2 CLOSED>SYN_SENT>CLOSED CLOSED" } },
	{ "SYN retransmitted: accept queue full, the server stays in LISTEN until it answers",
	  { C(TCP_SYN, 0, 0), C_AFTER(1, TCP_SYN, 0, 0), C_AFTER(2, TCP_SYN, 0, 0), S(SA, 0, 1), C(A, 1, 1), FINISH },
	  { "1 c SYN seq=0 ack=0", "1 client CLOSED>SYN_SENT", "1 c SYN seq=0 ack=0 retrans",
	    "1 c SYN seq=0 ack=0 retrans", "1 s SYN|ACK seq=0 ack=1", "1 server LISTEN>SYN_RCVD",
	    "1 c ACK seq=1 ack=1", "1 client SYN_SENT>ESTABLISHED @ packet 4", "1 server SYN_RCVD>ESTABLISHED",
	    "1 end capture ended 5 CLOSED>SYN_SENT>ESTABLISHED LISTEN>SYN_RCVD>ESTABLISHED" } },
	{ "retransmitted SYN|ACK and FINs",
	  { C(TCP_SYN, 0, 0), S(SA, 0, 1), S_AFTER(1, SA, 0, 1), C(A, 1, 1), C(FA, 1, 1), C_AFTER(1, FA, 1, 1),
	    S(A, 1, 2), S(FA, 1, 2), S_AFTER(1, FA, 1, 2), C(A, 2, 2), TICK_AFTER(59), TICK_AFTER(1) },
	  { "1 c SYN seq=0 ack=0", "1 client CLOSED>SYN_SENT", "1 s SYN|ACK seq=0 ack=1",
	    "1 server LISTEN>SYN_RCVD", "1 s SYN|ACK seq=0 ack=1 retrans", "1 c ACK seq=1 ack=1",
	    "1 client SYN_SENT>ESTABLISHED @ packet 3", "1 server SYN_RCVD>ESTABLISHED", "1 c FIN|ACK seq=1 ack=1",
	    "1 client ESTABLISHED>FIN_WAIT_1", "1 c FIN|ACK seq=1 ack=1 retrans", "1 s ACK seq=1 ack=2",
	    "1 server ESTABLISHED>CLOSE_WAIT @ packet 6", "1 client FIN_WAIT_1>FIN_WAIT_2",
	    "1 s FIN|ACK seq=1 ack=2", "1 server CLOSE_WAIT>LAST_ACK", "1 s FIN|ACK seq=1 ack=2 retrans",
	    "1 c ACK seq=2 ack=2", "1 client FIN_WAIT_2>TIME_WAIT @ packet 9", "1 server LAST_ACK>CLOSED",
	    "1 client TIME_WAIT>CLOSED",
	    "1 end time_wait expired 10 CLOSED>SYN_SENT>ESTABLISHED>FIN_WAIT_1>FIN_WAIT_2>TIME_WAIT>CLOSED LISTEN>SYN_RCVD>ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSED" } },
	{ "simultaneous open: the SYNs cross",
	  { C(TCP_SYN, 0, 0), S(TCP_SYN, 0, 0), C(SA, 0, 1), S(SA, 0, 1), FINISH },
	  { "1 c SYN seq=0 ack=0", "1 client CLOSED>SYN_SENT", "1 s SYN seq=0 ack=0", "1 server CLOSED>SYN_SENT",
	    "1 server SYN_SENT>SYN_RCVD", "1 client SYN_SENT>SYN_RCVD", "1 c SYN|ACK seq=0 ack=1",
	    "1 server SYN_RCVD>ESTABLISHED", "1 s SYN|ACK seq=0 ack=1", "1 client SYN_RCVD>ESTABLISHED",
	    "1 end capture ended 4 CLOSED>SYN_SENT>SYN_RCVD>ESTABLISHED CLOSED>SYN_SENT>SYN_RCVD>ESTABLISHED" } },
	{ "simultaneous close: the FINs cross, the client goes through CLOSING",
	  { HANDSHAKE, C(FA, 1, 1), S(FA, 1, 1), C(A, 2, 2), S(A, 2, 2), TICK_AFTER(61) },
	  { HANDSHAKE_EVENTS, "1 c FIN|ACK seq=1 ack=1", "1 client ESTABLISHED>FIN_WAIT_1",
	    "1 s FIN|ACK seq=1 ack=1 note=the FINs crossed: this FIN left before the clien",
	    "1 server ESTABLISHED>FIN_WAIT_1", "1 c ACK seq=2 ack=2", "1 client FIN_WAIT_1>CLOSING @ packet 5",
	    "1 s ACK seq=2 ack=2", "1 server FIN_WAIT_1>CLOSING", "1 server CLOSING>TIME_WAIT",
	    "1 client CLOSING>TIME_WAIT", "1 client TIME_WAIT>CLOSED", "1 server TIME_WAIT>CLOSED",
	    "1 end time_wait expired 7 CLOSED>SYN_SENT>ESTABLISHED>FIN_WAIT_1>CLOSING>TIME_WAIT>CLOSED LISTEN>SYN_RCVD>ESTABLISHED>FIN_WAIT_1>CLOSING>TIME_WAIT>CLOSED" } },
	{ "both first FINs lost, the resent ones cross: the server goes through CLOSING, the client not",
	  { HANDSHAKE, C(FA, 1, 1), S(FA, 1, 1), C_AFTER(1, FA, 1, 1), S(A, 2, 2), S(FA, 1, 2), C(A, 2, 2),
	    FINISH },
	  { HANDSHAKE_EVENTS, "1 c FIN|ACK seq=1 ack=1", "1 client ESTABLISHED>FIN_WAIT_1",
	    "1 s FIN|ACK seq=1 ack=1 note=the FINs crossed: this FIN left before the clien",
	    "1 server ESTABLISHED>FIN_WAIT_1", "1 c FIN|ACK seq=1 ack=1 retrans", "1 s ACK seq=2 ack=2",
	    "1 server FIN_WAIT_1>CLOSING @ packet 6", "1 s FIN|ACK seq=1 ack=2 retrans",
	    "1 client FIN_WAIT_1>FIN_WAIT_2", "1 c ACK seq=2 ack=2", "1 client FIN_WAIT_2>TIME_WAIT @ packet 8",
	    "1 server CLOSING>TIME_WAIT",
	    "1 end capture ended 9 CLOSED>SYN_SENT>ESTABLISHED>FIN_WAIT_1>FIN_WAIT_2>TIME_WAIT LISTEN>SYN_RCVD>ESTABLISHED>FIN_WAIT_1>CLOSING>TIME_WAIT" } },
	{ "joined mid-stream: the lower port is the server, ISNs guessed",
	  { SD(PA, 100, 50, 10), C(A, 50, 110), C(FA, 50, 110), FINISH },
	  { "1 s PSH|ACK seq=1 ack=1 midstream", "1 client CLOSED>ESTABLISHED", "1 server CLOSED>ESTABLISHED",
	    "1 c ACK seq=1 ack=11", "1 c FIN|ACK seq=1 ack=11", "1 client ESTABLISHED>FIN_WAIT_1",
	    "1 end capture ended 3 CLOSED>ESTABLISHED>FIN_WAIT_1 CLOSED>ESTABLISHED" } },
	{ "a new SYN on a 4-tuple in TIME_WAIT starts a new connection",
	  { HANDSHAKE, C(FA, 1, 1), S(FA, 1, 2), C(A, 2, 2), C_AFTER(5, TCP_SYN, 0, 0), C_AFTER(5, TCP_SYN, 100000, 0),
	    S(SA, 5000, 100001), FINISH },
	  { HANDSHAKE_EVENTS, "1 c FIN|ACK seq=1 ack=1", "1 client ESTABLISHED>FIN_WAIT_1",
	    "1 s FIN|ACK seq=1 ack=2 note=4-way close in 3 segments: the server's ACK of t",
	    "1 server ESTABLISHED>CLOSE_WAIT @ packet 4", "1 server CLOSE_WAIT>LAST_ACK",
	    "1 client FIN_WAIT_1>FIN_WAIT_2", "1 c ACK seq=2 ack=2", "1 client FIN_WAIT_2>TIME_WAIT @ packet 5",
	    "1 server LAST_ACK>CLOSED", "1 c SYN seq=0 ack=0 retrans", "1 client TIME_WAIT>CLOSED",
	    "1 end closed 7 CLOSED>SYN_SENT>ESTABLISHED>FIN_WAIT_1>FIN_WAIT_2>TIME_WAIT>CLOSED LISTEN>SYN_RCVD>ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSED",
	    "2 c SYN seq=0 ack=0", "2 client CLOSED>SYN_SENT", "2 s SYN|ACK seq=0 ack=1",
	    "2 server LISTEN>SYN_RCVD", "2 end capture ended 2 CLOSED>SYN_SENT LISTEN>SYN_RCVD" } },
	{ "a port reused after an end the capture missed: the client's SYN with a new ISN opens a new "
	  "connection, the old one ends (a storm capture that dropped the server's FIN and the last ACK)",
	  { HANDSHAKE, CD(PA, 1, 1, 5), S(A, 1, 6), SD(PA, 1, 6, 12), C(A, 6, 13), C(FA, 6, 13),
	    C_AFTER(1, TCP_SYN, 70000, 0), S(SA, 9000, 70001), C(A, 70001, 9001), FINISH },
	  { HANDSHAKE_EVENTS, "1 c PSH|ACK seq=1 ack=1", "1 s ACK seq=1 ack=6", "1 s PSH|ACK seq=1 ack=6",
	    "1 c ACK seq=6 ack=13", "1 c FIN|ACK seq=6 ack=13", "1 client ESTABLISHED>FIN_WAIT_1",
	    "1 client FIN_WAIT_1>CLOSED",
	    "1 end 4-tuple reused 8 CLOSED>SYN_SENT>ESTABLISHED>FIN_WAIT_1>CLOSED " SERVER_PATH_OPEN,
	    "2 c SYN seq=0 ack=0", "2 client CLOSED>SYN_SENT", "2 s SYN|ACK seq=0 ack=1",
	    "2 server LISTEN>SYN_RCVD", "2 c ACK seq=1 ack=1", "2 client SYN_SENT>ESTABLISHED @ packet 10",
	    "2 server SYN_RCVD>ESTABLISHED",
	    "2 end capture ended 3 " CLIENT_PATH_OPEN " " SERVER_PATH_OPEN } },
	{ "a port reused after a close whose last ACK the capture missed: the SYN with a new ISN shows "
	  "the client's old socket was gone (or in TIME_WAIT), and opens a new connection",
	  { HANDSHAKE, C(FA, 1, 1), S(FA, 1, 2), C_AFTER(1, TCP_SYN, 70000, 0), S(SA, 9000, 70001), FINISH },
	  { HANDSHAKE_EVENTS, "1 c FIN|ACK seq=1 ack=1", "1 client ESTABLISHED>FIN_WAIT_1",
	    "1 s FIN|ACK seq=1 ack=2 note=4-way close in 3 segments: the server's ACK of t",
	    "1 server ESTABLISHED>CLOSE_WAIT @ packet 4", "1 server CLOSE_WAIT>LAST_ACK",
	    "1 client FIN_WAIT_1>FIN_WAIT_2", "1 client FIN_WAIT_2>CLOSED",
	    "1 end 4-tuple reused 5 CLOSED>SYN_SENT>ESTABLISHED>FIN_WAIT_1>FIN_WAIT_2>CLOSED "
	    "LISTEN>SYN_RCVD>ESTABLISHED>CLOSE_WAIT>LAST_ACK",
	    "2 c SYN seq=0 ack=0", "2 client CLOSED>SYN_SENT", "2 s SYN|ACK seq=0 ack=1",
	    "2 server LISTEN>SYN_RCVD", "2 end capture ended 2 CLOSED>SYN_SENT LISTEN>SYN_RCVD" } },
	{ "a SYN with a new ISN from a client in SYN_SENT is a new connect(): the first attempt was given up",
	  { C(TCP_SYN, 0, 0), C_AFTER(1, TCP_SYN, 0, 0), C_AFTER(3, TCP_SYN, 500000, 0), S(SA, 0, 500001), FINISH },
	  { "1 c SYN seq=0 ack=0", "1 client CLOSED>SYN_SENT", "1 c SYN seq=0 ack=0 retrans",
	    "1 client SYN_SENT>CLOSED", "1 end 4-tuple reused 2 CLOSED>SYN_SENT>CLOSED LISTEN",
	    "2 c SYN seq=0 ack=0", "2 client CLOSED>SYN_SENT", "2 s SYN|ACK seq=0 ack=1",
	    "2 server LISTEN>SYN_RCVD", "2 end capture ended 2 CLOSED>SYN_SENT LISTEN>SYN_RCVD" } },
	{ "a bare SYN from a connection joined mid-stream starts a new one: an open socket sends no bare SYN",
	  { SD(PA, 100, 50, 10), C(A, 50, 110), C_AFTER(2, TCP_SYN, 90000, 0), S(SA, 7000, 90001), FINISH },
	  { "1 s PSH|ACK seq=1 ack=1 midstream", "1 client CLOSED>ESTABLISHED", "1 server CLOSED>ESTABLISHED",
	    "1 c ACK seq=1 ack=11", "1 client ESTABLISHED>CLOSED",
	    "1 end 4-tuple reused 2 CLOSED>ESTABLISHED>CLOSED CLOSED>ESTABLISHED",
	    "2 c SYN seq=0 ack=0", "2 client CLOSED>SYN_SENT", "2 s SYN|ACK seq=0 ack=1",
	    "2 server LISTEN>SYN_RCVD", "2 end capture ended 2 CLOSED>SYN_SENT LISTEN>SYN_RCVD" } },
	{ "RSTs that do not fit the receive window are ignored",
	  { HANDSHAKE, C(TCP_RST, 500, 0), C(TCP_RST, 70000, 0), S(RA, 0, 1), C(RA, 1, 1) },
	  { HANDSHAKE_EVENTS, "1 c RST seq=500 ack=0 note=RST ignored: its sequence number is inside the r",
	    "1 c RST seq=70000 ack=0 note=RST ignored: its sequence number is outside the",
	    "1 s RST|ACK seq=0 ack=1 note=RST ignored: its sequence number is outside the",
	    "1 c RST|ACK seq=1 ack=1", "1 client ESTABLISHED>CLOSED", "1 server ESTABLISHED>CLOSED",
	    "1 end closed 7 CLOSED>SYN_SENT>ESTABLISHED>CLOSED LISTEN>SYN_RCVD>ESTABLISHED>CLOSED" } },
	{ "RST not acknowledging the SYN is ignored in SYN_SENT",
	  { C(TCP_SYN, 0, 0), S(TCP_RST, 1, 0), S(RA, 1, 7), FINISH },
	  { "1 c SYN seq=0 ack=0", "1 client CLOSED>SYN_SENT",
	    "1 s RST seq=1 ack=0 note=RST ignored: it does not acknowledge the SYN, so",
	    "1 s RST|ACK seq=1 ack=7 note=RST ignored: it does not acknowledge the SYN, so",
	    "1 end capture ended 3 CLOSED>SYN_SENT CLOSED" } },
	{ "a long silence is not a new connection: numbers go on",
	  { HANDSHAKE, TICK_AFTER(599), TICK_AFTER(2), { 'c', PA, 1, 1, 5, 3600 }, S(A, 1, 6), FINISH },
	  { HANDSHAKE_EVENTS, "1 c PSH|ACK seq=1 ack=1", "1 s ACK seq=1 ack=6",
	    "1 end capture ended 5 CLOSED>SYN_SENT>ESTABLISHED LISTEN>SYN_RCVD>ESTABLISHED" } },
	{ "close() in SYN_SENT: a bare RST answers the SYN|ACK, never ESTABLISHED",
	  { C(TCP_SYN, 0, 0), S(SA, 0, 1), C(TCP_RST, 1, 0) },
	  { "1 c SYN seq=0 ack=0", "1 client CLOSED>SYN_SENT", "1 s SYN|ACK seq=0 ack=1",
	    "1 server LISTEN>SYN_RCVD", "1 c RST seq=1 ack=0", "1 client SYN_SENT>CLOSED",
	    "1 server SYN_RCVD>CLOSED", "1 end closed 3 CLOSED>SYN_SENT>CLOSED LISTEN>SYN_RCVD>CLOSED" } },
	{ "an unacceptable SYN|ACK (ack beyond SND.NXT) is reset; a valid one establishes",
	  { C(TCP_SYN, 0, 0), S(SA, 0, 5), C(TCP_RST, 5, 0), S_AFTER(1, SA, 0, 1), C(A, 1, 1), FINISH },
	  { "1 c SYN seq=0 ack=0", "1 client CLOSED>SYN_SENT", "1 s SYN|ACK seq=0 ack=5",
	    "1 server LISTEN>SYN_RCVD", "1 c RST seq=5 ack=0 note=RST ignored: its sequence number is inside the r",
	    "1 s SYN|ACK seq=0 ack=1 retrans", "1 c ACK seq=1 ack=1", "1 client SYN_SENT>ESTABLISHED @ packet 4",
	    "1 server SYN_RCVD>ESTABLISHED",
	    "1 end capture ended 5 CLOSED>SYN_SENT>ESTABLISHED LISTEN>SYN_RCVD>ESTABLISHED" } },
	{ "FIN on the SYN|ACK, client without Fast Open: acked 1, the FIN taken when resent",
	  { C(TCP_SYN, 0, 0), S(SA | TCP_FIN, 0, 1), C(A, 1, 1), S_AFTER(1, FA, 1, 1), C(A, 1, 2), FINISH },
	  { "1 c SYN seq=0 ack=0", "1 client CLOSED>SYN_SENT", "1 s SYN|FIN|ACK seq=0 ack=1",
	    "1 server LISTEN>SYN_RCVD", "1 server SYN_RCVD>FIN_WAIT_1", "1 c ACK seq=1 ack=1",
	    "1 client SYN_SENT>ESTABLISHED @ packet 2", "1 s FIN|ACK seq=1 ack=1 retrans", "1 c ACK seq=1 ack=2",
	    "1 client ESTABLISHED>CLOSE_WAIT @ packet 4", "1 server FIN_WAIT_1>FIN_WAIT_2",
	    "1 end capture ended 5 CLOSED>SYN_SENT>ESTABLISHED>CLOSE_WAIT LISTEN>SYN_RCVD>FIN_WAIT_1>FIN_WAIT_2" } },
	{ "FIN on the SYN|ACK, Fast Open client: its first ACK takes the FIN",
	  { C(TCP_SYN, 0, 0), S(SA | TCP_FIN, 0, 1), C(A, 1, 2), C(FA, 1, 2), S(A, 2, 2), FINISH },
	  { "1 c SYN seq=0 ack=0", "1 client CLOSED>SYN_SENT", "1 s SYN|FIN|ACK seq=0 ack=1",
	    "1 server LISTEN>SYN_RCVD", "1 server SYN_RCVD>FIN_WAIT_1", "1 c ACK seq=1 ack=2",
	    "1 client SYN_SENT>ESTABLISHED @ packet 2", "1 client ESTABLISHED>CLOSE_WAIT @ packet 2",
	    "1 server FIN_WAIT_1>FIN_WAIT_2", "1 c FIN|ACK seq=1 ack=2", "1 client CLOSE_WAIT>LAST_ACK",
	    "1 s ACK seq=2 ack=2", "1 server FIN_WAIT_2>TIME_WAIT @ packet 4", "1 client LAST_ACK>CLOSED",
	    "1 end capture ended 5 CLOSED>SYN_SENT>ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSED LISTEN>SYN_RCVD>FIN_WAIT_1>FIN_WAIT_2>TIME_WAIT" } },
	{ "data on a SYN that was never acknowledged does not move RCV.NXT",
	  { CD(TCP_SYN, 0, 0, 10), S(SA, 0, 1), C(A, 1, 1), C(TCP_RST, 11, 0), C(TCP_RST, 1, 0) },
	  { HANDSHAKE_EVENTS, "1 c RST seq=11 ack=0 note=RST ignored: its sequence number is inside the r",
	    "1 c RST seq=1 ack=0", "1 client ESTABLISHED>CLOSED", "1 server ESTABLISHED>CLOSED",
	    "1 end closed 5 CLOSED>SYN_SENT>ESTABLISHED>CLOSED LISTEN>SYN_RCVD>ESTABLISHED>CLOSED" } },
	{ "a FIN the receiver never got: CLOSE_WAIT waits for the ack of the resent FIN",
	  { HANDSHAKE, C(FA, 1, 1), SD(PA, 1, 1, 4), C_AFTER(1, FA, 1, 5), S(A, 5, 2), FINISH },
	  { HANDSHAKE_EVENTS, "1 c FIN|ACK seq=1 ack=1", "1 client ESTABLISHED>FIN_WAIT_1",
	    "1 s PSH|ACK seq=1 ack=1", "1 c FIN|ACK seq=1 ack=5 retrans", "1 s ACK seq=5 ack=2",
	    "1 server ESTABLISHED>CLOSE_WAIT @ packet 6", "1 client FIN_WAIT_1>FIN_WAIT_2",
	    "1 end capture ended 7 CLOSED>SYN_SENT>ESTABLISHED>FIN_WAIT_1>FIN_WAIT_2 LISTEN>SYN_RCVD>ESTABLISHED>CLOSE_WAIT" } },
	{ "a lone RST seconds after the end makes no mid-stream connection",
	  { HANDSHAKE, C(RA, 1, 1), C_AFTER(10, TCP_RST, 1, 0), FINISH },
	  { HANDSHAKE_EVENTS, "1 c RST|ACK seq=1 ack=1", "1 client ESTABLISHED>CLOSED",
	    "1 server ESTABLISHED>CLOSED",
	    "1 end closed 4 CLOSED>SYN_SENT>ESTABLISHED>CLOSED LISTEN>SYN_RCVD>ESTABLISHED>CLOSED",
	    "2 c RST seq=1 ack=0 note=RST for a connection this capture does not know",
	    "2 end closed 1 CLOSED CLOSED" } },
	{ "ICMP port unreachable for the first SYN on loopback: the socket was busy in connect(), so only "
	  "a soft error; the resent SYN's ICMP aborts it (as the kernel showed in it_kernel_oracle)",
	  { C(TCP_SYN, 0, 0), IC(ICMP_PORT, TCP_SYN, 0, 0), C_AFTER(1, TCP_SYN, 0, 0), IC(ICMP_PORT, TCP_SYN, 0, 0),
	    FINISH },
	  { "1 c SYN seq=0 ack=0", "1 client CLOSED>SYN_SENT", "1 icmp c seq=0 soft note=soft error: the error came while",
	    "1 c SYN seq=0 ack=0 retrans", "1 icmp c seq=0 abort", "1 client SYN_SENT>CLOSED",
	    "1 end closed 2 CLOSED>SYN_SENT>CLOSED CLOSED" } },
	{ "ICMP about the first SYN and no SYN again: once it would have been resent, the abort stands, "
	  "at the error's time",
	  { C(TCP_SYN, 0, 0), IC(ICMP_HOST, TCP_SYN, 0, 0), TICK_AFTER(2) },
	  { "1 c SYN seq=0 ack=0", "1 client CLOSED>SYN_SENT", "1 icmp c seq=0 abort", "1 client SYN_SENT>CLOSED",
	    "1 end closed 1 CLOSED>SYN_SENT>CLOSED CLOSED" } },
	{ "ICMP about the first SYN, capture ends at once: the abort stands",
	  { C(TCP_SYN, 0, 0), IC(ICMP_PARAM, TCP_SYN, 0, 0), FINISH },
	  { "1 c SYN seq=0 ack=0", "1 client CLOSED>SYN_SENT", "1 icmp c seq=0 abort", "1 client SYN_SENT>CLOSED",
	    "1 end closed 1 CLOSED>SYN_SENT>CLOSED CLOSED" } },
	{ "ICMP about the first SYN, then the SYN|ACK is answered by a bare RST: the socket was gone, the "
	  "ICMP had aborted it",
	  { C(TCP_SYN, 0, 0), IC(ICMP_PORT, TCP_SYN, 0, 0), S(SA, 0, 1), C(TCP_RST, 1, 0), FINISH },
	  { "1 c SYN seq=0 ack=0", "1 client CLOSED>SYN_SENT", "1 s SYN|ACK seq=0 ack=1", "1 server LISTEN>SYN_RCVD",
	    "1 icmp c seq=0 abort", "1 client SYN_SENT>CLOSED", "1 c RST seq=1 ack=0", "1 server SYN_RCVD>CLOSED",
	    "1 end closed 3 CLOSED>SYN_SENT>CLOSED LISTEN>SYN_RCVD>CLOSED" } },
	{ "ICMP host unreachable on an established connection: a soft error, no state change",
	  { HANDSHAKE, CD(PA, 1, 1, 5), IC(ICMP_HOST, PA, 1, 1), S(A, 1, 6), FINISH },
	  { HANDSHAKE_EVENTS, "1 c PSH|ACK seq=1 ack=1", "1 icmp c seq=1 soft note=soft error: the connection is already",
	    "1 s ACK seq=1 ack=6", "1 end capture ended 5 " CLIENT_PATH_OPEN " " SERVER_PATH_OPEN } },
	{ "ICMP quoting a seq already acknowledged (or never sent) is ignored",
	  { HANDSHAKE, CD(PA, 1, 1, 5), S(A, 1, 6), IC(ICMP_PORT, PA, 1, 1), IC(ICMP_PORT, PA, 900, 1), FINISH },
	  { HANDSHAKE_EVENTS, "1 c PSH|ACK seq=1 ack=1", "1 s ACK seq=1 ack=6",
	    "1 icmp c seq=1 ignored note=ICMP error ignored: the sequence number",
	    "1 icmp c seq=900 ignored note=ICMP error ignored: the sequence number",
	    "1 end capture ended 5 " CLIENT_PATH_OPEN " " SERVER_PATH_OPEN } },
	{ "fragmentation needed / packet too big is path MTU discovery, not an error",
	  { HANDSHAKE, CD(PA, 1, 1, 1400), IC(ICMP_PMTU, PA, 1, 1), FINISH },
	  { HANDSHAKE_EVENTS, "1 c PSH|ACK seq=1 ack=1", "1 icmp c seq=1 ignored note=not an error",
	    "1 end capture ended 4 " CLIENT_PATH_OPEN " " SERVER_PATH_OPEN } },
	{ "a half-open server (SYN_RCVD) keeps its request for a non-fatal error, drops it for a fatal one",
	  { C(TCP_SYN, 0, 0), S(SA, 0, 1), IS(ICMP_NOT_FATAL, SA, 0, 1), IS(ICMP_PARAM, SA, 0, 1), FINISH },
	  { "1 c SYN seq=0 ack=0", "1 client CLOSED>SYN_SENT", "1 s SYN|ACK seq=0 ack=1", "1 server LISTEN>SYN_RCVD",
	    "1 icmp s seq=0 ignored note=ICMP error ignored: the server's half-open", "1 icmp s seq=0 abort",
	    "1 server SYN_RCVD>CLOSED", "1 end capture ended 2 CLOSED>SYN_SENT LISTEN>SYN_RCVD>CLOSED" } },
	{ "an ICMP error about a connection the capture does not know",
	  { IC(ICMP_PORT, TCP_SYN, 0, 0), FINISH },
	  { "0 icmp c seq=1000000000 ignored note=ICMP error about a TCP segment of a connection" } },
	{ "capture starts at the SYN|ACK: that is the handshake",
	  { S(SA, 0, 1), C(A, 1, 1), FINISH },
	  { "1 s SYN|ACK seq=0 ack=1 note=the capture started at the SYN|ACK: the client's",
	    "1 server LISTEN>SYN_RCVD", "1 c ACK seq=1 ack=1", "1 client SYN_SENT>ESTABLISHED @ packet 1",
	    "1 server SYN_RCVD>ESTABLISHED",
	    "1 end capture ended 2 SYN_SENT>ESTABLISHED LISTEN>SYN_RCVD>ESTABLISHED" } },
};

/* ---- recording sink ---- */

struct recorder {
	char lines[64][400];
	uint64_t ts[64];
	int n;
	uint64_t packet_ts;     /* ts of the last PACKET event */
	uint64_t packet_times[64];
	int npackets;
	struct endpoint client; /* as the last event named it */
};

static void format_event(const struct trace_event *ev, char *buf, size_t n)
{
	char flags[40], cp[200], sp[200], note[300] = "";

	switch (ev->kind) {
	case EVENT_ARRIVAL:
		fail_msg("an arrival from one capture point");
		break;
	case EVENT_PACKET:
		if (ev->note != WHY_NONE)
			assert_true(why_format(ev->note, LANG_EN, !ev->from_client, ev->rel_seq, ev->rel_ack, note,
					       sizeof(note)) > 0); /* every note fits in 300 */
		snprintf(buf, n, "%u %c %s seq=%u ack=%u%s%s%s%s", ev->conn, ev->from_client ? 'c' : 's',
			 tcp_flags_format(ev->seg->flags, flags, sizeof(flags)), ev->rel_seq, ev->rel_ack,
			 ev->retransmission ? " retrans" : "", ev->midstream ? " midstream" : "",
			 ev->note != WHY_NONE ? " note=" : "", note);
		break;
	case EVENT_STATE:
		snprintf(buf, n, "%u %s %s>%s", ev->conn, tcp_role_name(ev->role), tcp_state_name(ev->from),
			 tcp_state_name(ev->to));
		break;
	case EVENT_CONN_END:
		snprintf(buf, n, "%u end %s %llu %s %s", ev->conn, ev->end_reason, (unsigned long long)ev->packets,
			 state_path_format(&ev->client_path, cp, sizeof(cp)),
			 state_path_format(&ev->server_path, sp, sizeof(sp)));
		break;
	case EVENT_ICMP: {
		char text[WHY_TEXT_MAX] = "";

		if (ev->note != WHY_NONE)
			assert_true(why_format(ev->note, LANG_EN, !ev->from_client, ev->rel_seq, ev->rel_ack, text,
					       sizeof(text)) > 0);
		snprintf(buf, n, "%u icmp %c seq=%u %s%s%.200s", ev->conn, ev->from_client ? 'c' : 's', ev->rel_seq,
			 icmp_effect_name(ev->icmp_effect), ev->note != WHY_NONE ? " note=" : "", text);
		break;
	}
	}
}

/* Records every event and checks what holds for all of them: a packet's
 * direction and ack base agree with the segment; a state change says why
 * and follows its packet at the same time, or has the time of an earlier
 * packet, the one it happened at (a SYN|ACK or FIN taken in before the
 * receiver's ACK showed it): then the line names that packet, "@ packet N"
 * (timer changes excepted, and the old connection's end a new connection's
 * SYN causes: it comes before that SYN's packet, which belongs to the new
 * connection). */
static void record(const struct trace_event *ev, void *ctx)
{
	struct recorder *r = ctx;

	assert_true(r->n < 64);
	format_event(ev, r->lines[r->n], sizeof(r->lines[0]));
	bool before_new_syn = ev->kind == EVENT_STATE && (ev->from == TCPS_TIME_WAIT || ev->why == WHY_NEW_SYN_OLD_GONE);

	if (ev->kind == EVENT_STATE && ev->ts_ns != r->packet_ts && !before_new_syn) {
		int k = r->npackets;

		while (k > 0 && r->packet_times[k - 1] != ev->ts_ns)
			k--;
		if (k == 0)
			fail_msg("%s: at no packet's time", r->lines[r->n]);
		size_t used = strlen(r->lines[r->n]);

		snprintf(r->lines[r->n] + used, sizeof(r->lines[0]) - used, " @ packet %d", k);
	}
	r->ts[r->n++] = ev->ts_ns;
	r->client = ev->client;
	if (ev->kind == EVENT_ICMP) { /* a change it causes is stamped with its time */
		assert_true(ev->seg->icmp.version == ev->seg->src.family);
		r->packet_ts = ev->ts_ns;
		if (r->npackets < 64)
			r->packet_times[r->npackets++] = ev->ts_ns;
	} else if (ev->kind == EVENT_PACKET) {
		const struct endpoint *src = ev->from_client ? &ev->client : &ev->server;

		assert_true(endpoint_equal(src, &ev->seg->src));
		if (ev->seg->flags & TCP_ACK)
			assert_int_equal(ev->seg->ack - ev->peer_isn, ev->rel_ack);
		r->packet_ts = ev->ts_ns;
		if (r->npackets < 64)
			r->packet_times[r->npackets++] = ev->ts_ns;
	} else if (ev->kind == EVENT_STATE) {
		char why[WHY_TEXT_MAX];

		assert_true(why_format(ev->why, LANG_EN, ev->role == ROLE_SERVER, ev->why_seq, ev->why_ack, why,
				       sizeof(why)) > 20);
		assert_true(ev->ts_ns <= r->packet_ts || before_new_syn);
	}
}

/* ---- segment builder ---- */

static struct endpoint endpoint_make(int family, uint8_t last, uint16_t port)
{
	struct endpoint e = { .family = (uint8_t)family, .port = port };

	if (family == 6) {
		e.addr[0] = 0x20, e.addr[1] = 0x01, e.addr[2] = 0x0d, e.addr[3] = 0xb8, e.addr[15] = last;
	} else {
		e.addr[0] = 10, e.addr[3] = last;
	}
	return e;
}

/* The segment of step st on connection number k (its ports differ). */
static struct segment segment_make(const struct step *st, int family, unsigned k)
{
	struct endpoint client = endpoint_make(family, 1, (uint16_t)(CLIENT_PORT + k));
	struct endpoint server = endpoint_make(family, 2, SERVER_PORT);
	bool from_client = st->op == 'c' || st->op == 'i';
	struct segment seg = {
		.src = from_client ? client : server,
		.dst = from_client ? server : client,
		.seq = (from_client ? CLIENT_ISN : SERVER_ISN) + st->seq,
		.ack = (st->flags & TCP_ACK) ? (from_client ? SERVER_ISN : CLIENT_ISN) + st->ack : 0,
		.flags = st->flags,
		.len = st->len,
		.win = 1000,
	};
	if (st->op == 'i' || st->op == 'j') {
		/* {v4 type, code}, {v6 type, code} per ICMP_* kind */
		static const uint8_t kinds[][2][2] = {
			[ICMP_PORT] = { { 3, 3 }, { 1, 4 } },   [ICMP_HOST] = { { 3, 1 }, { 1, 3 } },
			[ICMP_PMTU] = { { 3, 4 }, { 2, 0 } },   [ICMP_PARAM] = { { 12, 0 }, { 4, 0 } },
			[ICMP_NOT_FATAL] = { { 3, 2 }, { 1, 0 } }, [ICMP_QUENCH] = { { 4, 0 }, { 4, 0 } },
		};
		const uint8_t *tc = kinds[st->len][family == 6];

		seg.len = 0;
		seg.icmp = (struct icmp_error){ .version = (uint8_t)family, .type = tc[0], .code = tc[1],
						.quoted_full = true, .reporter = seg.dst };
		seg.icmp.reporter.port = 0;
		seg.icmp.mtu = st->len == ICMP_PMTU ? 1280 : 0;
	}
	return seg;
}

/* Runs the steps on t, time going on from *now. */
static void run_steps(struct flow_table *t, const struct step *steps, int family, struct recorder *r, uint64_t *now)
{
	for (const struct step *st = steps; st->op; st++) {
		struct segment seg;

		*now += MS + st->after_s * SEC;
		switch (st->op) {
		case 't':
			flow_table_tick(t, *now, record, r);
			break;
		case 'f':
			flow_table_finish(t, *now, record, r);
			break;
		default:
			seg = segment_make(st, family, 0);
			flow_table_segment(t, &seg, *now, record, r);
			break;
		}
	}
}

static void check_lines(const char *name, const struct recorder *r, const char *const *expected)
{
	int i;

	if (getenv("FLOW_DUMP")) { /* prints what happened, to review a changed expectation */
		printf("== %s\n", name);
		for (i = 0; i < r->n; i++)
			printf("    \"%s\",\n", r->lines[i]);
		return;
	}
	for (i = 0; i < r->n && expected[i]; i++) {
		size_t len = strlen(expected[i]);
		bool ok = strstr(expected[i], "note=") ? strncmp(r->lines[i], expected[i], len) == 0
						       : strcmp(r->lines[i], expected[i]) == 0;
		if (!ok)
			fail_msg("%s: event %d is\n  \"%s\"\nexpected\n  \"%s\"", name, i, r->lines[i], expected[i]);
	}
	if (i < r->n)
		fail_msg("%s: unexpected event %d \"%s\"", name, i, r->lines[i]);
	if (expected[i])
		fail_msg("%s: missing event %d \"%s\"", name, i, expected[i]);
}

static struct flow_table *table_default(void)
{
	struct flow_config cfg;
	struct flow_table *t;

	flow_config_default(&cfg);
	t = flow_table_new(&cfg);
	assert_non_null(t);
	return t;
}

static void run_lifecycle(const struct lifecycle *lc, int family, struct recorder *r)
{
	struct flow_table *t = table_default();
	uint64_t now = T0;

	memset(r, 0, sizeof(*r));
	run_steps(t, lc->steps, family, r, &now);
	check_lines(lc->name, r, lc->events);
	flow_table_free(t);
}

/* ICMPv4 only: source quench (deprecated, RFC 6633) is ignored by Linux. */
static void test_icmp_source_quench(void **state)
{
	static const struct lifecycle lc = {
		"source quench changes nothing",
		{ HANDSHAKE, CD(PA, 1, 1, 5), IC(ICMP_QUENCH, PA, 1, 1), FINISH },
		{ HANDSHAKE_EVENTS, "1 c PSH|ACK seq=1 ack=1", "1 icmp c seq=1 ignored note=ICMP message ignored by TCP",
		  "1 end capture ended 4 " CLIENT_PATH_OPEN " " SERVER_PATH_OPEN } };
	struct recorder *r = malloc(sizeof(*r));

	(void)state;
	assert_non_null(r);
	run_lifecycle(&lc, 4, r);
	free(r);
}

static void test_lifecycles(void **state)
{
	struct recorder *r = malloc(sizeof(*r));

	(void)state;
	assert_non_null(r);
	for (size_t i = 0; i < sizeof(lifecycles) / sizeof(lifecycles[0]); i++)
		run_lifecycle(&lifecycles[i], 4, r);
	free(r);
}

/* Every lifecycle runs the same over IPv6, and its events name IPv6 endpoints. */
static void test_lifecycles_ipv6(void **state)
{
	struct recorder *r = malloc(sizeof(*r));
	char buf[ENDPOINT_STRLEN];

	(void)state;
	assert_non_null(r);
	for (size_t i = 0; i < sizeof(lifecycles) / sizeof(lifecycles[0]); i++) {
		run_lifecycle(&lifecycles[i], 6, r);
		assert_string_equal(endpoint_format(&r->client, buf, sizeof(buf)), "[2001:db8::1]:40000");
	}
	free(r);
}

/* TIME_WAIT ends exactly 2MSL after it began, stamped with that time. */
static void test_time_wait_expiry_time(void **state)
{
	const struct lifecycle *lc = &lifecycles[0];
	struct recorder *r = malloc(sizeof(*r));
	uint64_t entered = 0, expired = 0;

	(void)state;
	assert_non_null(r);
	run_lifecycle(lc, 4, r);
	for (int i = 0; i < r->n; i++) {
		if (strncmp(r->lines[i], "1 client FIN_WAIT_2>TIME_WAIT", 29) == 0)
			entered = r->ts[i];
		if (strcmp(r->lines[i], "1 client TIME_WAIT>CLOSED") == 0)
			expired = r->ts[i];
	}
	assert_true(entered > 0);
	assert_int_equal(expired - entered, 60 * SEC);
	assert_int_equal(r->ts[r->n - 1], expired);
	free(r);
}

/* Counts events per kind and end reason, for the big runs. */
struct counter {
	uint64_t packets, states, ends, time_wait_ends, evicted_ends;
	uint32_t evicted_conns; /* bit n: connection n was evicted */
};

static void count(const struct trace_event *ev, void *ctx)
{
	struct counter *c = ctx;
	char path[200];

	switch (ev->kind) {
	case EVENT_ARRIVAL:
		break;
	case EVENT_ICMP:
	case EVENT_PACKET:
		c->packets++;
		break;
	case EVENT_STATE:
		c->states++;
		break;
	case EVENT_CONN_END:
		c->ends++;
		if (strcmp(ev->end_reason, "time_wait expired") == 0) {
			c->time_wait_ends++;
			assert_string_equal(state_path_format(&ev->client_path, path, sizeof(path)),
					    CLIENT_PATH_OPEN ">FIN_WAIT_1>FIN_WAIT_2>TIME_WAIT>CLOSED");
			assert_string_equal(state_path_format(&ev->server_path, path, sizeof(path)),
					    SERVER_PATH_OPEN ">CLOSE_WAIT>LAST_ACK>CLOSED");
			assert_int_equal(ev->packets, 6);
		}
		if (strcmp(ev->end_reason, "evicted") == 0) {
			c->evicted_ends++;
			c->evicted_conns |= 1u << ev->conn;
		}
		break;
	}
}

/* 20,000 connections, each step taken by all of them before the next:
 * all end with the client in TIME_WAIT, and all are released by a tick.
 * They fill seven slabs, the last two of the largest size (flow.c). */
static void test_many_interleaved_flows(void **state)
{
	static const struct step steps[] = { HANDSHAKE, C(FA, 1, 1), S(FA, 1, 2), C(A, 2, 2) };
	enum { N = 20000 };
	struct flow_table *t = table_default();
	struct flow_table_stats st;
	struct counter c = { 0 };
	uint64_t now = T0;

	(void)state;
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		for (unsigned k = 0; k < N; k++) {
			/* spread over client addresses too, to exercise the hash */
			struct segment seg = segment_make(&steps[i], k % 2 ? 4 : 6, k);

			now += 1000;
			flow_table_segment(t, &seg, now, count, &c);
		}
	}
	flow_table_stats(t, &st);
	assert_int_equal(st.live, N);
	assert_int_equal(st.total, N);
	assert_int_equal(c.packets, 6 * N);
	assert_int_equal(c.states, 10 * N);
	assert_int_equal(c.ends, 0);

	flow_table_tick(t, now + 59 * SEC, count, &c);
	assert_int_equal(c.ends, 0);
	flow_table_tick(t, now + 61 * SEC, count, &c);
	flow_table_stats(t, &st);
	assert_int_equal(c.time_wait_ends, N);
	assert_int_equal(c.states, 11 * N);
	assert_int_equal(st.live, 0);
	assert_int_equal(st.peak, N);
	assert_int_equal(st.total, N);
	assert_int_equal(st.evicted, 0);
	flow_table_free(t);
}

/* At max_flows the least recently active connection makes room. */
static void test_max_flows_evicts_least_recent(void **state)
{
	struct flow_config cfg;
	struct flow_table *t;
	struct flow_table_stats st;
	struct counter c = { 0 };
	struct step syn = C(TCP_SYN, 0, 0), again = C(TCP_SYN, 0, 0);
	uint64_t now = T0;

	(void)state;
	flow_config_default(&cfg);
	cfg.max_flows = 3;
	t = flow_table_new(&cfg);
	assert_non_null(t);
	for (unsigned k = 0; k < 3; k++) {
		struct segment seg = segment_make(&syn, 4, k);

		flow_table_segment(t, &seg, now += MS, count, &c);
	}
	{
		/* connection 1 is active again, so connection 2 is now the oldest */
		struct segment seg = segment_make(&again, 4, 0);

		flow_table_segment(t, &seg, now += MS, count, &c);
	}
	for (unsigned k = 3; k < 5; k++) {
		struct segment seg = segment_make(&syn, 4, k);

		flow_table_segment(t, &seg, now += MS, count, &c);
	}
	flow_table_stats(t, &st);
	assert_int_equal(c.evicted_ends, 2);
	assert_int_equal(c.evicted_conns, 1u << 2 | 1u << 3); /* 1 was touched after 3 */
	assert_int_equal(st.evicted, 2);
	assert_int_equal(st.live, 3);
	assert_int_equal(st.peak, 3);
	assert_int_equal(st.total, 5);
	flow_table_finish(t, now, count, &c);
	assert_int_equal(c.ends, 5);
	flow_table_stats(t, &st);
	assert_int_equal(st.live, 0);
	flow_table_free(t);
}

/* An IPv4 and an IPv6 connection with the same ports and address bytes
 * are two connections. */
static void test_ipv4_and_ipv6_are_distinct(void **state)
{
	struct flow_table *t = table_default();
	struct flow_table_stats st;
	struct counter c = { 0 };
	struct step syn = C(TCP_SYN, 0, 0);
	struct segment v4 = segment_make(&syn, 4, 0), v6 = segment_make(&syn, 6, 0);

	(void)state;
	memcpy(v6.src.addr, v4.src.addr, 4);
	memcpy(v6.dst.addr, v4.dst.addr, 4);
	memset(v6.src.addr + 4, 0, 12);
	memset(v6.dst.addr + 4, 0, 12);
	flow_table_segment(t, &v4, T0, count, &c);
	flow_table_segment(t, &v6, T0 + MS, count, &c);
	flow_table_stats(t, &st);
	assert_int_equal(st.live, 2);
	flow_table_free(t);
}

static void test_flow_size(void **state)
{
	struct flow_table *t = table_default();
	struct flow_table_stats st;

	(void)state;
	flow_table_stats(t, &st);
	assert_true(st.flow_bytes > 0 && st.flow_bytes <= 256);
	flow_table_free(t);
}

static void test_state_path(void **state)
{
	struct state_path p = { 0 };
	char buf[64], small[12];

	(void)state;
	assert_string_equal(state_path_format(&p, buf, sizeof(buf)), "");
	state_path_push(&p, TCPS_LISTEN);
	state_path_push(&p, TCPS_SYN_RCVD);
	state_path_push(&p, TCPS_TIME_WAIT);
	assert_int_equal(state_path_at(&p, 0), TCPS_LISTEN);
	assert_int_equal(state_path_at(&p, 2), TCPS_TIME_WAIT);
	assert_string_equal(state_path_format(&p, buf, sizeof(buf)), "LISTEN>SYN_RCVD>TIME_WAIT");
	/* too small: whole states only */
	assert_string_equal(state_path_format(&p, small, sizeof(small)), "LISTEN");
	for (int i = 0; i < 20; i++)
		state_path_push(&p, TCPS_CLOSED);
	assert_int_equal(p.len, STATE_PATH_CAPACITY);
	assert_int_equal(state_path_at(&p, 2), TCPS_TIME_WAIT);
}

/* In a record a path is one more piece: whole, or the record is refused. */
static void test_state_path_put(void **state)
{
	struct state_path p = { 0 };
	char buf[32];
	struct outbuf o = outbuf_at(buf, sizeof(buf), 0);

	(void)state;
	state_path_push(&p, TCPS_SYN_SENT);
	state_path_push(&p, TCPS_ESTABLISHED);
	outbuf_lit(&o, "path=");
	state_path_put(&o, &p);
	assert_int_equal(outbuf_finish(&o), (int)strlen("path=SYN_SENT>ESTABLISHED"));
	assert_string_equal(buf, "path=SYN_SENT>ESTABLISHED");
	o = outbuf_at(buf, 12, 0);
	state_path_put(&o, &p);
	assert_int_equal(outbuf_finish(&o), -1);
}

/* STATE_PATH_STRLEN holds the longest path: the longest name, every time. */
static void test_state_path_strlen_fits_longest(void **state)
{
	struct state_path p = { 0 };
	char buf[STATE_PATH_STRLEN];
	enum tcp_state longest = TCPS_CLOSED;

	(void)state;
	for (int s = 0; s < TCP_NSTATES; s++)
		if (strlen(tcp_state_name((enum tcp_state)s)) > strlen(tcp_state_name(longest)))
			longest = (enum tcp_state)s;
	for (int i = 0; i < STATE_PATH_CAPACITY; i++)
		state_path_push(&p, longest);
	state_path_format(&p, buf, sizeof(buf));
	assert_int_equal(strlen(buf), STATE_PATH_CAPACITY * (strlen(tcp_state_name(longest)) + 1) - 1);
}

/* ---- a two-host wire: each segment with its send and arrival time ---- */

/* A segment from 'c' or 's', sent and arrived (0: lost) ms after T0;
 * steps are fed in send order. */
struct wire_step {
	char from;
	uint8_t flags;
	uint32_t seq, ack;
	unsigned sent_ms, arrived_ms;
};

struct wire_lifecycle {
	const char *name;
	struct wire_step steps[12];
	const char *events[40];
};

#define W_HANDSHAKE { 'c', TCP_SYN, 0, 0, 0, 100 }, { 's', SA, 0, 1, 100, 200 }, { 'c', A, 1, 1, 200, 300 }

static const struct wire_lifecycle wire_lifecycles[] = {
	{ "crossed FINs: each side FIN_WAIT_1, CLOSING, TIME_WAIT at its own host's time",
	  { W_HANDSHAKE, { 'c', FA, 1, 1, 1000, 1100 }, { 's', FA, 1, 1, 1050, 1150 }, { 's', A, 2, 2, 1100, 1200 },
	    { 'c', A, 2, 2, 1150, 1250 } },
	  { "c SYN seq=0 ack=0 sent=0 arrived=100",
	    "client CLOSED>SYN_SENT @0",
	    "c SYN arrived @100",
	    "s SYN|ACK seq=0 ack=1 sent=100 arrived=200",
	    "server LISTEN>SYN_RCVD @100",
	    "s SYN|ACK arrived @200",
	    "client SYN_SENT>ESTABLISHED @200",
	    "c ACK seq=1 ack=1 sent=200 arrived=300",
	    "c ACK arrived @300",
	    "server SYN_RCVD>ESTABLISHED @300",
	    "c FIN|ACK seq=1 ack=1 sent=1000 arrived=1100",
	    "client ESTABLISHED>FIN_WAIT_1 @1000",
	    "s FIN|ACK seq=1 ack=1 sent=1050 arrived=1150 note=fins_crossed",
	    "server ESTABLISHED>FIN_WAIT_1 @1050",
	    "c FIN|ACK arrived @1100",
	    "server FIN_WAIT_1>CLOSING @1100",
	    "s ACK seq=2 ack=2 sent=1100 arrived=1200",
	    "s FIN|ACK arrived @1150",
	    "client FIN_WAIT_1>CLOSING @1150",
	    "c ACK seq=2 ack=2 sent=1150 arrived=1250",
	    "s ACK arrived @1200",
	    "client CLOSING>TIME_WAIT @1200",
	    "c ACK arrived @1250",
	    "server CLOSING>TIME_WAIT @1250" } },
	{ "a lost SYN: the client waits in SYN_SENT, the server hears only the retransmission",
	  { { 'c', TCP_SYN, 0, 0, 0, 0 }, { 'c', TCP_SYN, 0, 0, 1000, 1100 }, { 's', SA, 0, 1, 1100, 1200 },
	    { 'c', A, 1, 1, 1200, 1300 } },
	  { "c SYN seq=0 ack=0 sent=0 lost",
	    "client CLOSED>SYN_SENT @0",
	    "c SYN seq=0 ack=0 sent=1000 arrived=1100 retrans",
	    "c SYN arrived @1100",
	    "s SYN|ACK seq=0 ack=1 sent=1100 arrived=1200",
	    "server LISTEN>SYN_RCVD @1100",
	    "s SYN|ACK arrived @1200",
	    "client SYN_SENT>ESTABLISHED @1200",
	    "c ACK seq=1 ack=1 sent=1200 arrived=1300",
	    "c ACK arrived @1300",
	    "server SYN_RCVD>ESTABLISHED @1300" } },
	{ "a lost FIN: the server stays ESTABLISHED until the retransmission arrives",
	  { W_HANDSHAKE, { 'c', FA, 1, 1, 1000, 0 }, { 'c', FA, 1, 1, 1300, 1400 }, { 's', A, 1, 2, 1400, 1500 },
	    { 's', FA, 1, 2, 1600, 1700 }, { 'c', A, 2, 2, 1700, 1800 } },
	  { "c SYN seq=0 ack=0 sent=0 arrived=100",
	    "client CLOSED>SYN_SENT @0",
	    "c SYN arrived @100",
	    "s SYN|ACK seq=0 ack=1 sent=100 arrived=200",
	    "server LISTEN>SYN_RCVD @100",
	    "s SYN|ACK arrived @200",
	    "client SYN_SENT>ESTABLISHED @200",
	    "c ACK seq=1 ack=1 sent=200 arrived=300",
	    "c ACK arrived @300",
	    "server SYN_RCVD>ESTABLISHED @300",
	    "c FIN|ACK seq=1 ack=1 sent=1000 lost",
	    "client ESTABLISHED>FIN_WAIT_1 @1000",
	    "c FIN|ACK seq=1 ack=1 sent=1300 arrived=1400 retrans",
	    "c FIN|ACK arrived @1400",
	    "server ESTABLISHED>CLOSE_WAIT @1400",
	    "s ACK seq=1 ack=2 sent=1400 arrived=1500",
	    "s ACK arrived @1500",
	    "client FIN_WAIT_1>FIN_WAIT_2 @1500",
	    "s FIN|ACK seq=1 ack=2 sent=1600 arrived=1700",
	    "server CLOSE_WAIT>LAST_ACK @1600",
	    "s FIN|ACK arrived @1700",
	    "client FIN_WAIT_2>TIME_WAIT @1700",
	    "c ACK seq=2 ack=2 sent=1700 arrived=1800",
	    "c ACK arrived @1800",
	    "server LAST_ACK>CLOSED @1800" } },
	{ "4-way close in 3 segments, 100 ms each way",
	  { W_HANDSHAKE, { 'c', FA, 1, 1, 1000, 1100 }, { 's', FA, 1, 2, 1100, 1200 }, { 'c', A, 2, 2, 1200, 1300 } },
	  { "c SYN seq=0 ack=0 sent=0 arrived=100",
	    "client CLOSED>SYN_SENT @0",
	    "c SYN arrived @100",
	    "s SYN|ACK seq=0 ack=1 sent=100 arrived=200",
	    "server LISTEN>SYN_RCVD @100",
	    "s SYN|ACK arrived @200",
	    "client SYN_SENT>ESTABLISHED @200",
	    "c ACK seq=1 ack=1 sent=200 arrived=300",
	    "c ACK arrived @300",
	    "server SYN_RCVD>ESTABLISHED @300",
	    "c FIN|ACK seq=1 ack=1 sent=1000 arrived=1100",
	    "client ESTABLISHED>FIN_WAIT_1 @1000",
	    "c FIN|ACK arrived @1100",
	    "server ESTABLISHED>CLOSE_WAIT @1100",
	    "s FIN|ACK seq=1 ack=2 sent=1100 arrived=1200 note=three_segment_close",
	    "server CLOSE_WAIT>LAST_ACK @1100",
	    "s FIN|ACK arrived @1200",
	    "client FIN_WAIT_1>FIN_WAIT_2 @1200",
	    "client FIN_WAIT_2>TIME_WAIT @1200",
	    "c ACK seq=2 ack=2 sent=1200 arrived=1300",
	    "c ACK arrived @1300",
	    "server LAST_ACK>CLOSED @1300" } },
};

struct wire_recorder {
	int n;
	char lines[40][160];
};

static void wire_record(const struct trace_event *ev, void *ctx)
{
	struct wire_recorder *r = ctx;
	char flags[32];

	if (ev->kind == EVENT_CONN_END)
		return;
	assert_true(r->n < 40);
	if (ev->kind == EVENT_PACKET) {
		char arrived[32] = " lost";

		assert_true(ev->wire);
		assert_int_equal(ev->ts_ns, ev->sent_ns);
		if (ev->arrived_ns)
			snprintf(arrived, sizeof(arrived), " arrived=%llu", (unsigned long long)((ev->arrived_ns - T0) / MS));
		snprintf(r->lines[r->n++], sizeof(r->lines[0]), "%c %s seq=%u ack=%u sent=%llu%s%s%s%s",
			 ev->from_client ? 'c' : 's', tcp_flags_format(ev->seg->flags, flags, sizeof(flags)), ev->rel_seq,
			 ev->rel_ack, (unsigned long long)((ev->sent_ns - T0) / MS), arrived,
			 ev->retransmission ? " retrans" : "", ev->note != WHY_NONE ? " note=" : "",
			 ev->note != WHY_NONE ? why_key(ev->note) : "");
	} else if (ev->kind == EVENT_ARRIVAL) {
		assert_int_equal(ev->ts_ns, ev->arrived_ns);
		snprintf(r->lines[r->n++], sizeof(r->lines[0]), "%c %s arrived @%llu", ev->from_client ? 'c' : 's',
			 tcp_flags_format(ev->seg->flags, flags, sizeof(flags)), (unsigned long long)((ev->ts_ns - T0) / MS));
	} else if (ev->kind == EVENT_STATE) {
		snprintf(r->lines[r->n++], sizeof(r->lines[0]), "%s %s>%s @%llu", tcp_role_name(ev->role),
			 tcp_state_name(ev->from), tcp_state_name(ev->to), (unsigned long long)((ev->ts_ns - T0) / MS));
	}
}

static void test_wire_lifecycles(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(wire_lifecycles) / sizeof(wire_lifecycles[0]); i++) {
		const struct wire_lifecycle *lc = &wire_lifecycles[i];
		struct flow_table *t = table_default();
		struct wire_recorder r = { 0 };
		int k;

		for (const struct wire_step *w = lc->steps; w->from; w++) {
			struct step st = { w->from, w->flags, w->seq, w->ack, 0, 0 };
			struct segment seg = segment_make(&st, 4, 0);

			flow_table_wire_segment(t, &seg, T0 + w->sent_ms * MS, w->arrived_ms ? T0 + w->arrived_ms * MS : 0,
						wire_record, &r);
		}
		flow_table_finish(t, T0 + 5 * SEC, wire_record, &r);
		if (getenv("FLOW_DUMP")) {
			printf("== %s\n", lc->name);
			for (k = 0; k < r.n; k++)
				printf("    \"%s\",\n", r.lines[k]);
			flow_table_free(t);
			continue;
		}
		for (k = 0; k < r.n && lc->events[k]; k++)
			if (strcmp(r.lines[k], lc->events[k]) != 0)
				fail_msg("%s: event %d is\n  \"%s\"\nexpected\n  \"%s\"", lc->name, k, r.lines[k], lc->events[k]);
		if (k < r.n)
			fail_msg("%s: unexpected event %d \"%s\"", lc->name, k, r.lines[k]);
		if (lc->events[k])
			fail_msg("%s: missing event %d \"%s\"", lc->name, k, lc->events[k]);
		flow_table_free(t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lifecycles),
		cmocka_unit_test(test_wire_lifecycles),
		cmocka_unit_test(test_icmp_source_quench),
		cmocka_unit_test(test_lifecycles_ipv6),
		cmocka_unit_test(test_time_wait_expiry_time),
		cmocka_unit_test(test_many_interleaved_flows),
		cmocka_unit_test(test_max_flows_evicts_least_recent),
		cmocka_unit_test(test_ipv4_and_ipv6_are_distinct),
		cmocka_unit_test(test_flow_size),
		cmocka_unit_test(test_state_path),
		cmocka_unit_test(test_state_path_put),
		cmocka_unit_test(test_state_path_strlen_fits_longest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
