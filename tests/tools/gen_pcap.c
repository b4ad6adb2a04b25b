/* gen_pcap: writes a synthetic but well-formed capture for the tracer
 * benchmark: CONNS connections, each a full lifecycle of 10 segments
 * (handshake, one echo, 3-segment close), interleaved WINDOW at a time, one
 * packet every STEP_US microseconds, Ethernet framing as on Linux lo.
 *
 * usage: gen_pcap OUT.pcap [CONNS [WINDOW [STEP_US]]] */
#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

struct conn {
	uint16_t cport;
	uint32_t cisn, sisn;
};

struct step {
	int from_client;
	uint8_t flags;
	uint32_t seq, ack; /* relative to the sender's / the receiver's ISN */
	uint16_t len;
};

/* Client connect, write "hello", server echoes "server-hello", client
 * closes, server's FIN carries the ACK of the client's FIN. */
static const struct step lifecycle[] = {
	{1, TCP_SYN, 0, 0, 0},
	{0, TCP_SYN | TCP_ACK, 0, 1, 0},
	{1, TCP_ACK, 1, 1, 0},
	{1, TCP_PSH | TCP_ACK, 1, 1, 5},
	{0, TCP_ACK, 1, 6, 0},
	{0, TCP_PSH | TCP_ACK, 1, 6, 12},
	{1, TCP_ACK, 6, 13, 0},
	{1, TCP_FIN | TCP_ACK, 6, 13, 0},
	{0, TCP_FIN | TCP_ACK, 13, 7, 0},
	{1, TCP_ACK, 7, 14, 0},
};
#define NSTEPS (sizeof(lifecycle) / sizeof(lifecycle[0]))

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)(v >> 16)); put16(p + 2, (uint16_t)v); }

static size_t build(uint8_t *f, const struct conn *c, const struct step *s)
{
	uint8_t *ip = f + 14, *tcp = ip + 20;
	size_t tcplen = 20 + (s->flags & TCP_SYN ? 4 : 0);
	uint16_t sport = s->from_client ? c->cport : 8080, dport = s->from_client ? 8080 : c->cport;
	uint32_t seq = (s->from_client ? c->cisn : c->sisn) + s->seq;
	uint32_t ack = (s->from_client ? c->sisn : c->cisn) + s->ack;

	memset(f, 0, 14 + 20 + tcplen + s->len);
	put16(f + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + tcplen + s->len));
	ip[8] = 64;
	ip[9] = 6;
	ip[12] = 127, ip[15] = 1;
	ip[16] = 127, ip[19] = 1;
	put16(tcp, sport);
	put16(tcp + 2, dport);
	put32(tcp + 4, seq);
	put32(tcp + 8, s->flags & TCP_ACK ? ack : 0);
	tcp[12] = (uint8_t)((tcplen / 4) << 4);
	tcp[13] = s->flags;
	put16(tcp + 14, 65483);
	if (s->flags & TCP_SYN) {
		tcp[20] = 2, tcp[21] = 4;
		put16(tcp + 22, 65495);
	}
	memcpy(tcp + tcplen, s->from_client ? "hello" : "server-hello", s->len);
	return 14 + 20 + tcplen + s->len;
}

int main(int argc, char **argv)
{
	long conns = argc > 2 ? atol(argv[2]) : 100000, window = argc > 3 ? atol(argv[3]) : 1000;
	long step_us = argc > 4 ? atol(argv[4]) : 80;
	struct conn *batch;
	pcap_t *dead;
	pcap_dumper_t *d;
	uint8_t frame[128];
	uint64_t t_us = 1764000000ull * 1000000;
	uint32_t rng = 12345;

	if (argc < 2 || conns <= 0 || window <= 0 || step_us <= 0 || conns > 60000L * 1000) {
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
	 * interleave round-robin, so the flow table always holds WINDOW live ones. */
	for (long base = 0; base < conns; base += window) {
		long n = conns - base < window ? conns - base : window;
		for (long i = 0; i < n; i++) {
			long id = base + i;
			/* A distinct 4-tuple per connection: ports cycle, the source
			 * address varies beyond 60,000 connections. */
			batch[i].cport = (uint16_t)(1024 + id % 60000);
			if (batch[i].cport >= 8080) /* never the server's own port */
				batch[i].cport++;
			rng = rng * 1103515245u + 12345u;
			batch[i].cisn = rng;
			rng = rng * 1103515245u + 12345u;
			batch[i].sisn = rng;
		}
		for (size_t s = 0; s < NSTEPS; s++) {
			for (long i = 0; i < n; i++) {
				struct pcap_pkthdr h;
				size_t len = build(frame, &batch[i], &lifecycle[s]);
				long id = base + i;
				frame[14 + 12 + 2] = frame[14 + 16 + 2] = (uint8_t)(id / 60000);
				h.ts.tv_sec = (time_t)(t_us / 1000000);
				h.ts.tv_usec = (suseconds_t)(t_us % 1000000);
				h.caplen = h.len = (bpf_u_int32)len;
				pcap_dump((u_char *)d, &h, frame);
				t_us += (uint64_t)step_us;
			}
		}
	}
	pcap_dump_close(d);
	pcap_close(dead);
	free(batch);
	return 0;
}
