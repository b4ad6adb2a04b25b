/* flood: writes a hostile capture for the tracer's hardening tests (issue 6):
 * N random segments, each from a random 4-tuple (IPv4 in 10/8, one in ten
 * IPv6 in fd00::/8) with random flags, sequence numbers, window, option
 * bytes (or well-formed options) and payload length, one in twenty cut short by the snaplen, half of
 * them SYNs (a SYN flood). Into the flood go the packets of real
 * connections (Ethernet pcaps such as tests/golden/echo.pcap), one real
 * packet after every GAP random ones, in their order, with times shifted
 * onto the flood's clock (one packet a microsecond).
 *
 * usage: flood OUT.pcap N SEED GAP REAL.pcap... */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

#define FRAME_MAX 256
#define ETH_LEN 14

struct frame {
	uint32_t len;
	uint8_t bytes[FRAME_MAX];
};

/* xorshift64*: the same SEED gives the same capture. */
static uint64_t rng_state;

static uint32_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ull) >> 32);
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)(v >> 16)); put16(p + 2, (uint16_t)v); }

/* One random TCP segment in an Ethernet frame; returns the frame's length
 * on the wire (the payload is counted, not written: captures are cut at
 * the headers anyway). *caplen is what was captured. */
static uint32_t random_segment(uint8_t *f, uint32_t *caplen)
{
	int v6 = rnd() % 10 == 0;
	uint32_t iplen = v6 ? 40 : 20, optlen = 4 * (rnd() % 11), payload = rnd() % 3 == 0 ? rnd() % 1460 : 0;
	uint32_t tcplen = 20 + optlen, hdrs = ETH_LEN + iplen + tcplen;
	uint8_t *ip = f + ETH_LEN, *tcp = ip + iplen;

	memset(f, 0, hdrs);
	put16(f + 12, v6 ? 0x86dd : 0x0800);
	if (v6) {
		ip[0] = 0x60;
		put16(ip + 4, (uint16_t)(tcplen + payload));
		ip[6] = 6;
		ip[7] = 64;
		ip[8] = 0xfd;
		ip[24] = 0xfd;
		for (int i = 9; i < 24; i++)
			ip[i] = (uint8_t)rnd();
		for (int i = 25; i < 40; i++)
			ip[i] = (uint8_t)rnd();
	} else {
		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)(iplen + tcplen + payload));
		ip[8] = 64;
		ip[9] = 6;
		put32(ip + 12, 0x0a000000 | (rnd() & 0xffffff));
		put32(ip + 16, 0x0a000000 | (rnd() & 0xffffff));
	}
	put16(tcp, (uint16_t)rnd());
	put16(tcp + 2, (uint16_t)rnd());
	put32(tcp + 4, rnd());
	put32(tcp + 8, rnd());
	tcp[12] = (uint8_t)((tcplen / 4) << 4);
	tcp[13] = rnd() % 2 ? TCP_SYN : (uint8_t)rnd();
	put16(tcp + 14, (uint16_t)rnd());
	if (optlen && rnd() % 2) {
		for (uint32_t i = 0; i < optlen; i++)
			tcp[20 + i] = (uint8_t)rnd();
	} else if (optlen) {
		memset(tcp + 20, 1, optlen); /* NOPs, and an option as Linux sends it */
		if (optlen >= 4)
			tcp[20] = 2, tcp[21] = 4, put16(tcp + 22, (uint16_t)rnd());
		if (optlen >= 16)
			tcp[26] = 8, tcp[27] = 10, put32(tcp + 28, rnd());
	}
	*caplen = rnd() % 20 == 0 ? rnd() % hdrs : hdrs;
	return hdrs + payload;
}

static int read_real(const char *path, struct frame **frames, size_t *n)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *bytes;
	pcap_t *p = pcap_open_offline(path, ebuf);

	if (!p) {
		fprintf(stderr, "flood: %s\n", ebuf);
		return -1;
	}
	if (pcap_datalink(p) != DLT_EN10MB) {
		fprintf(stderr, "flood: %s: not an Ethernet capture\n", path);
		pcap_close(p);
		return -1;
	}
	while (pcap_next_ex(p, &h, &bytes) == 1) {
		struct frame *more = realloc(*frames, (*n + 1) * sizeof(**frames));
		if (!more) {
			pcap_close(p);
			return -1;
		}
		*frames = more;
		more[*n].len = h->caplen < FRAME_MAX ? h->caplen : FRAME_MAX;
		memcpy(more[*n].bytes, bytes, more[*n].len);
		(*n)++;
	}
	pcap_close(p);
	return 0;
}

static void dump(pcap_dumper_t *d, uint64_t ts_ns, const uint8_t *f, uint32_t caplen, uint32_t len)
{
	struct pcap_pkthdr h = {
		.ts = {.tv_sec = (time_t)(ts_ns / 1000000000u), .tv_usec = (suseconds_t)(ts_ns % 1000000000u)},
		.caplen = caplen,
		.len = len,
	};
	pcap_dump((u_char *)d, &h, f);
}

int main(int argc, char **argv)
{
	struct frame *real = NULL;
	size_t nreal = 0, next_real = 0;
	uint64_t ts = 1764107200000000000ull;
	long n, gap;
	pcap_t *dead;
	pcap_dumper_t *d;
	uint8_t f[FRAME_MAX];

	if (argc < 6 || (n = atol(argv[2])) < 0 || (gap = atol(argv[4])) < 1) {
		fprintf(stderr, "usage: flood OUT.pcap N SEED GAP REAL.pcap...\n");
		return 2;
	}
	rng_state = strtoull(argv[3], NULL, 10) | 1;
	for (int i = 5; i < argc; i++)
		if (read_real(argv[i], &real, &nreal) < 0)
			return 1;
	dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 65535, PCAP_TSTAMP_PRECISION_NANO);
	d = pcap_dump_open(dead, argv[1]);
	if (!d) {
		fprintf(stderr, "flood: %s: %s\n", argv[1], pcap_geterr(dead));
		return 1;
	}
	for (long i = 0; i < n || next_real < nreal; i++, ts += 1000) {
		if (i < n) {
			uint32_t caplen, len = random_segment(f, &caplen);
			dump(d, ts, f, caplen, len);
		}
		if ((i + 1) % gap == 0 || i >= n) {
			if (next_real < nreal) {
				dump(d, ts + 500, real[next_real].bytes, real[next_real].len, real[next_real].len);
				next_real++;
			}
		}
	}
	pcap_dump_close(d);
	pcap_close(dead);
	free(real);
	return 0;
}
