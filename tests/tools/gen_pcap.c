/* gen_pcap: writes a synthetic but well-formed capture for the tracer
 * benchmark: CONNS connections, interleaved WINDOW at a time, one packet
 * every STEP_US microseconds, Ethernet framing as on Linux lo.
 *
 * The connections take turns through the lifecycles below (a cycle of 12,
 * 100 packets: 120,000 connections make 1,000,000 packets, the issue's
 * capture) and alternate IPv4 and IPv6 cycle by cycle, so each lifecycle
 * comes in both families.
 *
 * usage: gen_pcap OUT.pcap [CONNS [WINDOW [STEP_US]]]
 * prints: PACKETS CONNS IPV4 IPV6 */
#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

struct conn {
	uint16_t cport;
	uint8_t lifecycle, v6, net; /* net: varies the addresses past 60,000 ports */
	uint32_t cisn, sisn;
};

struct step {
	int from_client;
	uint8_t flags;
	uint32_t seq, ack; /* relative to the sender's / the receiver's ISN */
	uint16_t len;
};

#define A TCP_ACK
#define PA (TCP_PSH | TCP_ACK)
#define FA (TCP_FIN | TCP_ACK)
/* Handshake, client writes "hello", server echoes "server-hello". */
#define OPEN {1, TCP_SYN, 0, 0, 0}, {0, TCP_SYN | A, 0, 1, 0}, {1, A, 1, 1, 0}
#define ECHO {1, PA, 1, 1, 5}, {0, A, 1, 6, 0}, {0, PA, 1, 6, 12}, {1, A, 6, 13, 0}
#define END {-1, 0, 0, 0, 0}

static const struct step lifecycles[][12] = {
	/* 0: client closes; the server's FIN carries the ACK of the client's
	 * FIN (the 3-segment close Linux often shows). 10 packets. */
	{OPEN, ECHO, {1, FA, 6, 13, 0}, {0, FA, 13, 7, 0}, {1, A, 7, 14, 0}, END},
	/* 1: client closes, 4-segment close. 11 packets. */
	{OPEN, ECHO, {1, FA, 6, 13, 0}, {0, A, 13, 7, 0}, {0, FA, 13, 7, 0}, {1, A, 7, 14, 0}, END},
	/* 2: the server closes first. 10 packets. */
	{OPEN, ECHO, {0, FA, 13, 6, 0}, {1, FA, 6, 14, 0}, {0, A, 14, 7, 0}, END},
	/* 3: both close at once: each FIN leaves before the other arrives
	 * (neither acks the other's), FIN_WAIT_1 > CLOSING > TIME_WAIT. 11 packets. */
	{OPEN, ECHO, {1, FA, 6, 13, 0}, {0, FA, 13, 6, 0}, {1, A, 7, 14, 0}, {0, A, 14, 7, 0}, END},
	/* 4: the client aborts after its request (RST|ACK). 6 packets. */
	{OPEN, {1, PA, 1, 1, 5}, {0, A, 1, 6, 0}, {1, TCP_RST | A, 6, 1, 0}, END},
	/* 5: refused: no listener, RST|ACK answers the SYN. 2 packets. */
	{{1, TCP_SYN, 0, 0, 0}, {0, TCP_RST | A, 0, 1, 0}, END},
	/* 6: closed in SYN_SENT: the client's bare RST answers the SYN|ACK. 3 packets. */
	{{1, TCP_SYN, 0, 0, 0}, {0, TCP_SYN | A, 0, 1, 0}, {1, TCP_RST, 1, 0, 0}, END},
	/* 7: no data, client closes (3-segment close). 6 packets. */
	{OPEN, {1, FA, 1, 1, 0}, {0, FA, 1, 2, 0}, {1, A, 2, 2, 0}, END},
};
#define NSTEPS_MAX (sizeof(lifecycles[0]) / sizeof(lifecycles[0][0]))
/* The turn each connection takes: 3+2+2+1+1+1+1+1 connections, 100 packets. */
static const uint8_t cycle[] = {0, 1, 2, 0, 3, 4, 0, 1, 5, 2, 6, 7};
#define CYCLE (sizeof(cycle) / sizeof(cycle[0]))

static size_t steps_in(unsigned lifecycle)
{
	size_t n = 0;

	while (lifecycles[lifecycle][n].from_client >= 0)
		n++;
	return n;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)(v >> 16)); put16(p + 2, (uint16_t)v); }

static size_t build(uint8_t *f, const struct conn *c, const struct step *s)
{
	size_t iplen = c->v6 ? 40 : 20;
	uint8_t *ip = f + 14, *tcp = ip + iplen;
	size_t tcplen = 20 + (s->flags & TCP_SYN ? 4 : 0);
	uint16_t sport = s->from_client ? c->cport : 8080, dport = s->from_client ? 8080 : c->cport;
	uint32_t seq = (s->from_client ? c->cisn : c->sisn) + s->seq;
	uint32_t ack = (s->from_client ? c->sisn : c->cisn) + s->ack;

	memset(f, 0, 14 + iplen + tcplen + s->len);
	if (c->v6) { /* ::1 with the net in the next-to-last byte, both ends */
		put16(f + 12, 0x86dd);
		ip[0] = 0x60;
		put16(ip + 4, (uint16_t)(tcplen + s->len));
		ip[6] = 6;
		ip[7] = 64;
		ip[8 + 14] = ip[24 + 14] = c->net;
		ip[8 + 15] = ip[24 + 15] = 1;
	} else { /* 127.N.0.1 */
		put16(f + 12, 0x0800);
		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)(20 + tcplen + s->len));
		ip[8] = 64;
		ip[9] = 6;
		ip[12] = 127, ip[13] = c->net, ip[15] = 1;
		ip[16] = 127, ip[17] = c->net, ip[19] = 1;
	}
	put16(tcp, sport);
	put16(tcp + 2, dport);
	put32(tcp + 4, seq);
	put32(tcp + 8, s->flags & TCP_ACK ? ack : 0);
	tcp[12] = (uint8_t)((tcplen / 4) << 4);
	tcp[13] = s->flags;
	put16(tcp + 14, s->flags & TCP_RST ? 0 : 65483);
	if (s->flags & TCP_SYN) {
		tcp[20] = 2, tcp[21] = 4;
		put16(tcp + 22, 65495);
	}
	memcpy(tcp + tcplen, s->from_client ? "hello" : "server-hello", s->len);
	return 14 + iplen + tcplen + s->len;
}

int main(int argc, char **argv)
{
	long conns = argc > 2 ? atol(argv[2]) : 120000, window = argc > 3 ? atol(argv[3]) : 1000;
	long step_us = argc > 4 ? atol(argv[4]) : 80;
	long packets = 0, v6 = 0;
	struct conn *batch;
	pcap_t *dead;
	pcap_dumper_t *d;
	uint8_t frame[128];
	uint64_t t_us = 1764000000ull * 1000000;
	uint32_t rng = 12345;

	if (argc < 2 || conns <= 0 || window <= 0 || step_us <= 0 || conns > 60000L * 250) {
		fprintf(stderr, "usage: gen_pcap OUT.pcap [CONNS [WINDOW [STEP_US]]]\n");
		return 2;
	}
	batch = calloc((size_t)window, sizeof(*batch));
	if (!batch) {
		fprintf(stderr, "gen_pcap: out of memory\n");
		return 1;
	}
	dead = pcap_open_dead(DLT_EN10MB, 256);
	d = pcap_dump_open(dead, argv[1]);
	if (!d) {
		fprintf(stderr, "gen_pcap: %s: %s\n", argv[1], pcap_geterr(dead));
		return 1;
	}
	/* Connections start in batches of WINDOW; within a batch their packets
	 * interleave round-robin, so the flow table always holds up to WINDOW
	 * live ones. */
	for (long base = 0; base < conns; base += window) {
		long n = conns - base < window ? conns - base : window;
		for (long i = 0; i < n; i++) {
			long id = base + i;
			/* A distinct 4-tuple per connection: ports cycle, the
			 * addresses vary beyond 60,000 connections. */
			batch[i].cport = (uint16_t)(1024 + id % 60000);
			if (batch[i].cport >= 8080) /* never the server's own port */
				batch[i].cport++;
			batch[i].net = (uint8_t)(id / 60000);
			batch[i].lifecycle = cycle[id % CYCLE];
			batch[i].v6 = (uint8_t)((id / CYCLE) % 2);
			v6 += batch[i].v6;
			rng = rng * 1103515245u + 12345u;
			batch[i].cisn = rng;
			rng = rng * 1103515245u + 12345u;
			batch[i].sisn = rng;
		}
		for (size_t s = 0; s < NSTEPS_MAX; s++) {
			for (long i = 0; i < n; i++) {
				const struct step *st = &lifecycles[batch[i].lifecycle][s];
				struct pcap_pkthdr h;
				size_t len;

				if (s >= steps_in(batch[i].lifecycle))
					continue;
				len = build(frame, &batch[i], st);
				h.ts.tv_sec = (time_t)(t_us / 1000000);
				h.ts.tv_usec = (suseconds_t)(t_us % 1000000);
				h.caplen = h.len = (bpf_u_int32)len;
				pcap_dump((u_char *)d, &h, frame);
				t_us += (uint64_t)step_us;
				packets++;
			}
		}
	}
	pcap_dump_close(d);
	pcap_close(dead);
	free(batch);
	printf("%ld %ld %ld %ld\n", packets, conns, conns - v6, v6);
	return 0;
}
