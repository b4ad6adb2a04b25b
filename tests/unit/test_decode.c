/* test_decode.c: the packet decoder against packets built field by field,
 * every link type, every prefix of every valid packet, malformed headers,
 * and the real captures of tests/golden and tests/data. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "decode.h"
#include "json.h"

/* ---- packet builder: appends big-endian fields, patches lengths later ---- */

struct pkt {
	uint8_t b[512];
	size_t len;
};

static void put(struct pkt *p, const void *data, size_t n)
{
	assert_true(p->len + n <= sizeof(p->b));
	memcpy(p->b + p->len, data, n);
	p->len += n;
}

static void put8(struct pkt *p, unsigned v)
{
	uint8_t b = (uint8_t)v;
	put(p, &b, 1);
}

static void put16(struct pkt *p, unsigned v)
{
	put8(p, v >> 8);
	put8(p, v);
}

static void put32(struct pkt *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p, v & 0xffff);
}

static void patch16(struct pkt *p, size_t off, unsigned v)
{
	p->b[off] = (uint8_t)(v >> 8);
	p->b[off + 1] = (uint8_t)v;
}

static void zeros(struct pkt *p, size_t n)
{
	static const uint8_t z[64];
	assert_true(n <= sizeof(z));
	put(p, z, n);
}

enum { ETH_IPV4 = 0x0800, ETH_IPV6 = 0x86dd, ETH_ARP = 0x0806, ETH_VLAN = 0x8100 };
enum { PROTO_HOPOPTS = 0, PROTO_ICMP = 1, PROTO_TCP = 6, PROTO_UDP = 17, PROTO_ROUTING = 43,
       PROTO_FRAGMENT = 44, PROTO_ESP = 50, PROTO_AH = 51, PROTO_NONE = 59, PROTO_DSTOPTS = 60 };

static void ethernet(struct pkt *p, unsigned ethertype)
{
	static const uint8_t macs[12] = { 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2 };
	put(p, macs, sizeof(macs));
	put16(p, ethertype);
}

static void vlan_tag(struct pkt *p, unsigned vid, unsigned inner)
{
	put16(p, vid);
	put16(p, inner);
}

static void null_header(struct pkt *p, uint32_t af, int little_endian)
{
	if (little_endian) {
		put8(p, af);
		put8(p, af >> 8);
		put8(p, af >> 16);
		put8(p, af >> 24);
	} else {
		put32(p, af);
	}
}

static void sll_header(struct pkt *p, unsigned proto)
{
	put16(p, 0);  /* packet type: to us */
	put16(p, 772); /* ARPHRD_LOOPBACK */
	put16(p, 6);   /* address length */
	zeros(p, 8);
	put16(p, proto);
}

static void sll2_header(struct pkt *p, unsigned proto)
{
	put16(p, proto);
	put16(p, 0);  /* reserved */
	put32(p, 1);  /* interface index */
	put16(p, 772);
	put8(p, 0);   /* packet type */
	put8(p, 6);   /* address length */
	zeros(p, 8);
}

static const uint8_t v4_src[4] = { 192, 0, 2, 1 }, v4_dst[4] = { 198, 51, 100, 7 };
static const uint8_t v6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t v6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

/* Starts an IPv4 header with opt_len bytes of options (NOPs); ipv4_end
 * fills in the total length. Returns where the header starts. */
static size_t ipv4_begin(struct pkt *p, unsigned proto, size_t opt_len)
{
	size_t at = p->len;
	put8(p, 0x40 | (unsigned)(5 + opt_len / 4));
	put8(p, 0);
	put16(p, 0); /* total length, patched */
	put16(p, 0x1234);
	put16(p, 0x4000); /* DF */
	put8(p, 64);
	put8(p, proto);
	put16(p, 0);
	put(p, v4_src, 4);
	put(p, v4_dst, 4);
	for (size_t i = 0; i < opt_len; i++)
		put8(p, 1);
	return at;
}

static void ipv4_end(struct pkt *p, size_t at)
{
	patch16(p, at + 2, (unsigned)(p->len - at));
}

static size_t ipv6_begin(struct pkt *p, unsigned next)
{
	size_t at = p->len;
	put32(p, 0x60000000);
	put16(p, 0); /* payload length, patched */
	put8(p, next);
	put8(p, 64);
	put(p, v6_src, 16);
	put(p, v6_dst, 16);
	return at;
}

static void ipv6_end(struct pkt *p, size_t at)
{
	patch16(p, at + 4, (unsigned)(p->len - at - 40));
}

/* Hop-by-hop, routing or destination options header of units*8 bytes. */
static void ipv6_ext(struct pkt *p, unsigned next, unsigned units)
{
	put8(p, next);
	put8(p, units - 1);
	zeros(p, units * 8 - 2);
}

static void ipv6_frag(struct pkt *p, unsigned next, unsigned offset, int more)
{
	put8(p, next);
	put8(p, 0);
	put16(p, offset << 3 | (more ? 1 : 0));
	put32(p, 0xabcd);
}

static void ipv6_ah(struct pkt *p, unsigned next)
{
	put8(p, next);
	put8(p, 4); /* (4 + 2) * 4 = 24 bytes: 12 fixed + 12 ICV */
	zeros(p, 22);
}

/* ---- TCP options ---- */

static void opt_mss(struct pkt *o, unsigned mss)
{
	put8(o, 2);
	put8(o, 4);
	put16(o, mss);
}

static void opt_wscale(struct pkt *o, unsigned shift)
{
	put8(o, 3);
	put8(o, 3);
	put8(o, shift);
}

static void opt_sack_perm(struct pkt *o)
{
	put8(o, 4);
	put8(o, 2);
}

static void opt_ts(struct pkt *o, uint32_t val, uint32_t ecr)
{
	put8(o, 8);
	put8(o, 10);
	put32(o, val);
	put32(o, ecr);
}

static void opt_sack(struct pkt *o, unsigned nblocks, uint32_t first_left)
{
	put8(o, 5);
	put8(o, 2 + 8 * nblocks);
	for (unsigned i = 0; i < nblocks; i++) {
		put32(o, first_left + 1000 * i);
		put32(o, first_left + 1000 * i + 500);
	}
}

static void opt_nop(struct pkt *o)
{
	put8(o, 1);
}

static const uint32_t SEQ = 0x11223344, ACK = 0x55667788;
static const uint16_t SPORT = 50322, DPORT = 8080, WIN = 65495;
static const char PAYLOAD[] = "hello, socklab";

/* A TCP header carrying the options in o (padded with EOL to 4 bytes),
 * then payload. */
static void tcp_segment(struct pkt *p, uint8_t flags, const struct pkt *o, const char *payload)
{
	size_t opt_len = o ? o->len : 0, padded = (opt_len + 3) / 4 * 4;

	put16(p, SPORT);
	put16(p, DPORT);
	put32(p, SEQ);
	put32(p, ACK);
	put8(p, (unsigned)(5 + padded / 4) << 4);
	put8(p, flags);
	put16(p, WIN);
	put16(p, 0); /* checksum */
	put16(p, 0); /* urgent pointer */
	if (o)
		put(p, o->b, o->len);
	zeros(p, padded - opt_len);
	if (payload)
		put(p, payload, strlen(payload));
}

/* The options a SYN of Linux carries, plus two SACK blocks: 40 bytes, the
 * most a TCP header can hold. */
static void full_options(struct pkt *o)
{
	opt_mss(o, 65495);
	opt_sack_perm(o);
	opt_ts(o, 2864150917u, 77);
	opt_nop(o);
	opt_wscale(o, 7);
	opt_sack(o, 2, 1000);
}

static void tcp_full(struct pkt *p)
{
	struct pkt o = { .len = 0 };
	full_options(&o);
	tcp_segment(p, TCP_PSH | TCP_ACK, &o, PAYLOAD);
}

static void ipv4_tcp(struct pkt *p, size_t ip_opt_len)
{
	size_t ip = ipv4_begin(p, PROTO_TCP, ip_opt_len);
	tcp_full(p);
	ipv4_end(p, ip);
}

static void ipv6_tcp(struct pkt *p)
{
	size_t ip = ipv6_begin(p, PROTO_TCP);
	tcp_full(p);
	ipv6_end(p, ip);
}

/* ---- the valid samples: every link type and IP variant ---- */

static void build_ethernet_v4(struct pkt *p) { ethernet(p, ETH_IPV4); ipv4_tcp(p, 0); }
static void build_ethernet_v6(struct pkt *p) { ethernet(p, ETH_IPV6); ipv6_tcp(p); }
static void build_ethernet_v4_options(struct pkt *p) { ethernet(p, ETH_IPV4); ipv4_tcp(p, 12); }

static void build_vlan_v4(struct pkt *p)
{
	ethernet(p, ETH_VLAN);
	vlan_tag(p, 42, ETH_IPV4);
	ipv4_tcp(p, 0);
}

static void build_qinq_v6(struct pkt *p)
{
	ethernet(p, 0x88a8);
	vlan_tag(p, 7, ETH_VLAN);
	vlan_tag(p, 42, ETH_IPV6);
	ipv6_tcp(p);
}

static void build_null_le_v4(struct pkt *p) { null_header(p, 2, 1); ipv4_tcp(p, 0); }
static void build_null_be_v4(struct pkt *p) { null_header(p, 2, 0); ipv4_tcp(p, 0); }
static void build_null_le_v6_macos(struct pkt *p) { null_header(p, 30, 1); ipv6_tcp(p); }
static void build_null_be_v6_freebsd(struct pkt *p) { null_header(p, 28, 0); ipv6_tcp(p); }
static void build_loop_v6(struct pkt *p) { null_header(p, 24, 0); ipv6_tcp(p); }
static void build_loop_v4(struct pkt *p) { null_header(p, 2, 0); ipv4_tcp(p, 0); }
static void build_sll_v4(struct pkt *p) { sll_header(p, ETH_IPV4); ipv4_tcp(p, 0); }
static void build_sll2_v6(struct pkt *p) { sll2_header(p, ETH_IPV6); ipv6_tcp(p); }
static void build_raw_v4(struct pkt *p) { ipv4_tcp(p, 8); }
static void build_raw_v6(struct pkt *p) { ipv6_tcp(p); }

static void build_v6_ext_chain(struct pkt *p)
{
	size_t ip = ipv6_begin(p, PROTO_HOPOPTS);
	ipv6_ext(p, PROTO_DSTOPTS, 1);
	ipv6_ext(p, PROTO_ROUTING, 2);
	ipv6_ext(p, PROTO_FRAGMENT, 1);
	ipv6_frag(p, PROTO_AH, 0, 1); /* first fragment: TCP header present */
	ipv6_ah(p, PROTO_TCP);
	tcp_full(p);
	ipv6_end(p, ip);
}

static void build_raw_v6_ext_chain(struct pkt *p) { build_v6_ext_chain(p); }
static void build_ethernet_v6_ext_chain(struct pkt *p) { ethernet(p, ETH_IPV6); build_v6_ext_chain(p); }

/* PPP: HDLC-like address and control, then the protocol (2 bytes), or
 * both compressed (no address and control, a 1-byte protocol). */
static void ppp_header(struct pkt *p, unsigned proto, int compressed)
{
	if (compressed) {
		put8(p, proto);
		return;
	}
	put8(p, 0xff);
	put8(p, 0x03);
	put16(p, proto);
}

static void c_hdlc_header(struct pkt *p, unsigned ethertype)
{
	put8(p, 0x0f);
	put8(p, 0x00);
	put16(p, ethertype);
}

/* An 802.11 data frame's MAC header (to the AP; with four addresses and
 * QoS when asked), then LLC/SNAP with the ethertype. */
static void wlan_header(struct pkt *p, unsigned ethertype, int qos, int four_addresses)
{
	static const uint8_t snap[6] = { 0xaa, 0xaa, 0x03, 0, 0, 0 };
	put8(p, qos ? 0x88 : 0x08);
	put8(p, four_addresses ? 0x03 : 0x01);
	put16(p, 0);   /* duration */
	zeros(p, 18);  /* three addresses */
	put16(p, 0x10); /* sequence control */
	if (four_addresses)
		zeros(p, 6);
	if (qos)
		put16(p, 0);
	put(p, snap, sizeof(snap));
	put16(p, ethertype);
}

static void radiotap_header(struct pkt *p)
{
	put8(p, 0);     /* version */
	put8(p, 0);
	put8(p, 12);    /* length, little-endian */
	put8(p, 0);
	put8(p, 0x06);  /* present: flags, rate */
	zeros(p, 3);
	put8(p, 0);     /* flags */
	put8(p, 2);     /* rate */
	zeros(p, 2);
}

static void ppi_header(struct pkt *p, uint32_t dlt)
{
	put8(p, 0);     /* version */
	put8(p, 0);     /* flags */
	put8(p, 8);     /* length, little-endian */
	put8(p, 0);
	put8(p, dlt);   /* DLT, little-endian */
	put8(p, dlt >> 8);
	zeros(p, 2);
}

static void ipoib_header(struct pkt *p, unsigned ethertype)
{
	zeros(p, 40);   /* 20 zero bytes, the destination address */
	put16(p, ethertype);
	put16(p, 0);
}

static void build_ppp_v4(struct pkt *p) { ppp_header(p, 0x0021, 0); ipv4_tcp(p, 0); }
static void build_ppp_compressed_v6(struct pkt *p) { ppp_header(p, 0x57, 1); ipv6_tcp(p); }
static void build_ppp_serial_v4(struct pkt *p) { ppp_header(p, 0x0021, 0); ipv4_tcp(p, 0); }
static void build_ppp_serial_c_hdlc_v6(struct pkt *p) { c_hdlc_header(p, ETH_IPV6); ipv6_tcp(p); }
static void build_c_hdlc_v4(struct pkt *p) { c_hdlc_header(p, ETH_IPV4); ipv4_tcp(p, 0); }
static void build_wlan_v4(struct pkt *p) { wlan_header(p, ETH_IPV4, 0, 0); ipv4_tcp(p, 0); }
static void build_wlan_qos_4addr_v6(struct pkt *p) { wlan_header(p, ETH_IPV6, 1, 1); ipv6_tcp(p); }
static void build_radiotap_v6(struct pkt *p) { radiotap_header(p); wlan_header(p, ETH_IPV6, 1, 0); ipv6_tcp(p); }
static void build_ppi_v4(struct pkt *p) { ppi_header(p, 105); wlan_header(p, ETH_IPV4, 0, 0); ipv4_tcp(p, 0); }
static void build_ppi_ethernet_v6(struct pkt *p) { ppi_header(p, 1); ethernet(p, ETH_IPV6); ipv6_tcp(p); }
static void build_ipoib_v6(struct pkt *p) { ipoib_header(p, ETH_IPV6); ipv6_tcp(p); }
static void build_ipoib_v4(struct pkt *p) { ipoib_header(p, ETH_IPV4); ipv4_tcp(p, 0); }

struct sample {
	const char *name;
	enum link_type lt;
	void (*build)(struct pkt *p);
	int family;
};

static const struct sample samples[] = {
	{ "ethernet ipv4", LINK_ETHERNET, build_ethernet_v4, 4 },
	{ "ethernet ipv6", LINK_ETHERNET, build_ethernet_v6, 6 },
	{ "ethernet ipv4 with ip options", LINK_ETHERNET, build_ethernet_v4_options, 4 },
	{ "ethernet 802.1q ipv4", LINK_ETHERNET, build_vlan_v4, 4 },
	{ "ethernet 802.1ad+802.1q ipv6", LINK_ETHERNET, build_qinq_v6, 6 },
	{ "ethernet ipv6 extension chain", LINK_ETHERNET, build_ethernet_v6_ext_chain, 6 },
	{ "null little-endian ipv4", LINK_NULL, build_null_le_v4, 4 },
	{ "null big-endian ipv4", LINK_NULL, build_null_be_v4, 4 },
	{ "null little-endian ipv6 (af 30)", LINK_NULL, build_null_le_v6_macos, 6 },
	{ "null big-endian ipv6 (af 28)", LINK_NULL, build_null_be_v6_freebsd, 6 },
	{ "loop ipv4", LINK_LOOP, build_loop_v4, 4 },
	{ "loop ipv6 (af 24)", LINK_LOOP, build_loop_v6, 6 },
	{ "sll ipv4", LINK_SLL, build_sll_v4, 4 },
	{ "sll2 ipv6", LINK_SLL2, build_sll2_v6, 6 },
	{ "raw ipv4 with ip options", LINK_RAW, build_raw_v4, 4 },
	{ "raw ipv6", LINK_RAW, build_raw_v6, 6 },
	{ "raw ipv6 extension chain", LINK_RAW, build_raw_v6_ext_chain, 6 },
	{ "ppp ipv4", LINK_PPP, build_ppp_v4, 4 },
	{ "ppp compressed ipv6", LINK_PPP, build_ppp_compressed_v6, 6 },
	{ "ppp serial ipv4", LINK_PPP_SERIAL, build_ppp_serial_v4, 4 },
	{ "ppp serial as cisco hdlc ipv6", LINK_PPP_SERIAL, build_ppp_serial_c_hdlc_v6, 6 },
	{ "cisco hdlc ipv4", LINK_C_HDLC, build_c_hdlc_v4, 4 },
	{ "802.11 data ipv4", LINK_80211, build_wlan_v4, 4 },
	{ "802.11 qos data, 4 addresses, ipv6", LINK_80211, build_wlan_qos_4addr_v6, 6 },
	{ "radiotap 802.11 qos ipv6", LINK_80211_RADIOTAP, build_radiotap_v6, 6 },
	{ "ppi 802.11 ipv4", LINK_PPI, build_ppi_v4, 4 },
	{ "ppi ethernet ipv6", LINK_PPI, build_ppi_ethernet_v6, 6 },
	{ "ipoib ipv6", LINK_IPOIB, build_ipoib_v6, 6 },
	{ "ipoib ipv4", LINK_IPOIB, build_ipoib_v4, 4 },
};

#define NSAMPLES (sizeof(samples) / sizeof(samples[0]))

/* Decodes exactly n bytes held in a buffer of exactly that size, so ASan
 * catches any read past the end. */
static enum decode_result decode_exact(enum link_type lt, const uint8_t *b, size_t n,
				       struct segment *seg, uint8_t **copy)
{
	*copy = malloc(n ? n : 1);
	assert_non_null(*copy);
	memcpy(*copy, b, n);
	return decode_packet(lt, *copy, n, seg);
}

static void assert_endpoints(const struct segment *seg, int family)
{
	char src[ENDPOINT_STRLEN], dst[ENDPOINT_STRLEN];

	endpoint_format(&seg->src, src, sizeof(src));
	endpoint_format(&seg->dst, dst, sizeof(dst));
	if (family == 4) {
		assert_string_equal(src, "192.0.2.1:50322");
		assert_string_equal(dst, "198.51.100.7:8080");
	} else {
		assert_string_equal(src, "[2001:db8::1]:50322");
		assert_string_equal(dst, "[2001:db8::2]:8080");
	}
}

static void assert_full_options(const struct tcp_options *opt)
{
	assert_int_equal(opt->has, TCPOPT_HAS_MSS | TCPOPT_HAS_WSCALE | TCPOPT_HAS_SACK_PERM | TCPOPT_HAS_SACK | TCPOPT_HAS_TS);
	assert_int_equal(opt->mss, 65495);
	assert_int_equal(opt->wscale, 7);
	assert_int_equal(opt->ts_val, 2864150917u);
	assert_int_equal(opt->ts_ecr, 77);
	assert_int_equal(opt->nsack, 2);
	assert_int_equal(opt->sack[0].left, 1000);
	assert_int_equal(opt->sack[0].right, 1500);
	assert_int_equal(opt->sack[1].left, 2000);
	assert_int_equal(opt->sack[1].right, 2500);
}

static void test_every_link_type_decodes(void **state)
{
	bool covered[LINK_COUNT] = { false };

	(void)state;
	for (size_t i = 0; i < NSAMPLES; i++) {
		struct pkt p = { .len = 0 };
		struct segment seg;
		uint8_t *copy;

		print_message("%s\n", samples[i].name);
		samples[i].build(&p);
		assert_int_equal(decode_exact(samples[i].lt, p.b, p.len, &seg, &copy), DECODE_OK);
		assert_endpoints(&seg, samples[i].family);
		assert_int_equal(seg.seq, SEQ);
		assert_int_equal(seg.ack, ACK);
		assert_int_equal(seg.flags, TCP_PSH | TCP_ACK);
		assert_int_equal(seg.win, WIN);
		assert_int_equal(seg.len, strlen(PAYLOAD));
		assert_int_equal(seg.payload_caplen, strlen(PAYLOAD));
		assert_ptr_equal(seg.payload, copy + p.len - strlen(PAYLOAD));
		assert_memory_equal(seg.payload, PAYLOAD, strlen(PAYLOAD));
		assert_full_options(&seg.opt);
		assert_int_equal(seg.ip_id, samples[i].family == 4 ? 0x1234 : 0); /* IPv6 has no IP ID */
		free(copy);
		covered[samples[i].lt] = true;
	}
	for (unsigned lt = 0; lt < LINK_COUNT; lt++)
		if (!covered[lt])
			fail_msg("link type %s has no sample packet", link_info(lt)->pcap_names[0]);
}

/* The one link-type table: every type has its facts and a decoder, names
 * map back to their type, numbers are the registry's. */
static void test_link_table(void **state)
{
	static const uint16_t registry[LINK_COUNT] = {
		[LINK_ETHERNET] = 1, [LINK_NULL] = 0, [LINK_LOOP] = 108,
		[LINK_SLL] = 113, [LINK_SLL2] = 276, [LINK_RAW] = 101,
		[LINK_PPP] = 9, [LINK_PPP_SERIAL] = 50, [LINK_C_HDLC] = 104, [LINK_80211] = 105,
		[LINK_80211_RADIOTAP] = 127, [LINK_PPI] = 192, [LINK_IPOIB] = 242,
	};
	enum link_type got;
	struct segment seg;
	uint8_t *copy;

	(void)state;
	for (unsigned lt = 0; lt < LINK_COUNT; lt++) {
		const struct link_info *li = link_info(lt);

		assert_non_null(li);
		assert_non_null(li->kind);
		assert_non_null(li->pcap_names[0]);
		assert_int_equal(li->linktype, registry[lt]);
		for (unsigned i = 0; i < LINK_PCAP_NAMES_MAX && li->pcap_names[i]; i++) {
			assert_int_equal(link_type_from_pcap_name(li->pcap_names[i], &got), 0);
			assert_int_equal(got, lt);
		}
		/* an empty frame reaches the type's decoder and is cut short */
		assert_int_equal(decode_exact(lt, (const uint8_t *)"", 0, &seg, &copy), DECODE_TRUNCATED);
		free(copy);
	}
	assert_int_equal(link_type_from_pcap_name("IPV4", &got), 0);
	assert_int_equal(got, LINK_RAW);
	assert_int_equal(link_type_from_pcap_name("PRISM_HEADER", &got), -1);
	assert_int_equal(link_type_from_pcap_name("", &got), -1);
	assert_null(link_info(LINK_COUNT));
	assert_int_equal(decode_packet(LINK_COUNT, (const uint8_t *)"", 0, &seg), DECODE_NOT_TCP);
}

/* Every valid packet cut at every length: headers cut are TRUNCATED, but
 * TCP options cut after the fixed fields keep the segment (marked cut), and
 * a cut payload is fine (snaplen) and still reports the length the IP
 * header declares. */
static void test_every_prefix_truncated_or_ok(void **state)
{
	(void)state;
	for (size_t i = 0; i < NSAMPLES; i++) {
		struct pkt p = { .len = 0 };
		samples[i].build(&p);
		size_t hdr_end = p.len - strlen(PAYLOAD);
		bool ok_before_end = false;

		for (size_t n = 0; n < p.len; n++) {
			struct segment seg;
			uint8_t *copy;
			enum decode_result r = decode_exact(samples[i].lt, p.b, n, &seg, &copy);

			if (n < hdr_end) {
				/* the fixed TCP fields all there, the options cut (a
				 * header-only capture): the segment counts, marked cut */
				bool kept = r == DECODE_OK && (seg.opt.has & TCPOPT_CUT) && seg.len == strlen(PAYLOAD) &&
					    seg.payload_caplen == 0;

				if (r != DECODE_TRUNCATED && !kept)
					fail_msg("%s cut at %zu: %s", samples[i].name, n,
						 decode_result_name(r));
				if (kept)
					ok_before_end = true;
				else if (ok_before_end)
					fail_msg("%s cut at %zu: truncated after a shorter cut was kept", samples[i].name, n);
			} else {
				assert_int_equal(r, DECODE_OK);
				assert_int_equal(seg.len, strlen(PAYLOAD));
				assert_int_equal(seg.payload_caplen, n - hdr_end);
				if (n > hdr_end)
					assert_ptr_equal(seg.payload, copy + hdr_end);
				else
					assert_null(seg.payload);
			}
			free(copy);
		}
	}
}

/* ---- options one by one ---- */

static enum decode_result decode_with_options(const struct pkt *o, struct segment *seg)
{
	struct pkt p = { .len = 0 };
	size_t ip = ipv4_begin(&p, PROTO_TCP, 0);
	tcp_segment(&p, TCP_SYN, o, NULL);
	ipv4_end(&p, ip);

	uint8_t *copy;
	enum decode_result r = decode_exact(LINK_RAW, p.b, p.len, seg, &copy);
	free(copy);
	return r;
}

static void test_no_options(void **state)
{
	struct segment seg;
	(void)state;
	assert_int_equal(decode_with_options(NULL, &seg), DECODE_OK);
	assert_int_equal(seg.opt.has, 0);
	assert_int_equal(seg.flags, TCP_SYN);
	assert_int_equal(seg.len, 0);
	assert_int_equal(seg.payload_caplen, 0);
	assert_null(seg.payload);
}

/* Decodes a SYN carrying the options in o; asserts it decodes and carries
 * exactly the options in want. */
static struct segment decode_options_ok(const struct pkt *o, uint8_t want)
{
	struct segment seg;
	assert_int_equal(decode_with_options(o, &seg), DECODE_OK);
	assert_int_equal(seg.opt.has, want);
	return seg;
}

static void test_each_option_alone(void **state)
{
	struct pkt o = { .len = 0 };
	struct segment seg;
	(void)state;

	opt_mss(&o, 1460);
	seg = decode_options_ok(&o, TCPOPT_HAS_MSS);
	assert_int_equal(seg.opt.mss, 1460);

	o.len = 0;
	opt_wscale(&o, 15); /* above 14 kept raw: clamping is the flow table's job */
	seg = decode_options_ok(&o, TCPOPT_HAS_WSCALE);
	assert_int_equal(seg.opt.wscale, 15);

	o.len = 0;
	opt_sack_perm(&o);
	decode_options_ok(&o, TCPOPT_HAS_SACK_PERM);

	o.len = 0;
	opt_nop(&o);
	opt_nop(&o);
	opt_ts(&o, 0xfffffffeu, 0x01020304u);
	seg = decode_options_ok(&o, TCPOPT_HAS_TS);
	assert_int_equal(seg.opt.ts_val, 0xfffffffeu);
	assert_int_equal(seg.opt.ts_ecr, 0x01020304u);
}

static void test_option_sack_one_and_four_blocks(void **state)
{
	struct segment seg;
	(void)state;
	for (unsigned n = 1; n <= 4; n += 3) {
		struct pkt o = { .len = 0 };
		opt_nop(&o);
		opt_nop(&o);
		opt_sack(&o, n, 7000);
		seg = decode_options_ok(&o, TCPOPT_HAS_SACK);
		assert_int_equal(seg.opt.nsack, n);
		for (unsigned i = 0; i < n; i++) {
			assert_int_equal(seg.opt.sack[i].left, 7000 + 1000 * i);
			assert_int_equal(seg.opt.sack[i].right, 7500 + 1000 * i);
		}
	}
}

/* Unknown kinds (here MPTCP, 30) are skipped by their length. */
static void test_option_unknown_skipped(void **state)
{
	struct pkt o = { .len = 0 };
	struct segment seg;
	(void)state;
	put8(&o, 30);
	put8(&o, 6);
	put32(&o, 0xdeadbeef);
	opt_mss(&o, 536);
	seg = decode_options_ok(&o, TCPOPT_HAS_MSS);
	assert_int_equal(seg.opt.mss, 536);
}

/* Nothing after EOL is parsed, not even bytes that would be malformed. */
static void test_option_eol_ends_list(void **state)
{
	struct pkt o = { .len = 0 };
	(void)state;
	opt_mss(&o, 1460);
	put8(&o, 0); /* EOL */
	put8(&o, 8); /* a timestamp kind... */
	put8(&o, 1); /* ...with an impossible length */
	decode_options_ok(&o, TCPOPT_HAS_MSS);
}

static void test_tcp_flags_all_kinds(void **state)
{
	(void)state;
	for (unsigned f = 0; f < 256; f++) {
		struct pkt p = { .len = 0 };
		struct segment seg;
		uint8_t *copy;
		size_t ip = ipv4_begin(&p, PROTO_TCP, 0);
		tcp_segment(&p, (uint8_t)f, NULL, NULL);
		ipv4_end(&p, ip);
		assert_int_equal(decode_exact(LINK_RAW, p.b, p.len, &seg, &copy), DECODE_OK);
		assert_int_equal(seg.flags, f);
		free(copy);
	}
}

/* ---- malformed: headers that contradict themselves ---- */

struct bad_option {
	const char *name;
	uint8_t bytes[12];
	size_t len;
};

static void test_bad_options_malformed(void **state)
{
	static const struct bad_option bad[] = {
		{ "length 0", { 30, 0, 0, 0 }, 4 },
		{ "length 1", { 30, 1, 0, 0 }, 4 },
		{ "length byte missing", { 1, 1, 1, 30 }, 4 },
		{ "overrunning the option area", { 1, 1, 30, 8, 0, 0, 0, 0 }, 8 },
		{ "mss length 3", { 2, 3, 5, 1 }, 4 },
		{ "mss length 6", { 2, 6, 0, 0, 5, 0xb4, 1, 1 }, 8 },
		{ "wscale length 4", { 3, 4, 7, 0 }, 4 },
		{ "sack-permitted length 3", { 4, 3, 0, 1 }, 4 },
		{ "timestamps length 8", { 8, 8, 0, 0, 0, 1, 0, 0 }, 8 },
		{ "sack length 12", { 5, 12, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0 }, 12 },
		{ "sack with no block", { 5, 2, 1, 1 }, 4 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pkt o = { .len = 0 };
		struct segment seg;
		put(&o, bad[i].bytes, bad[i].len);
		enum decode_result r = decode_with_options(&o, &seg);
		if (r != DECODE_MALFORMED)
			fail_msg("option %s: %s", bad[i].name, decode_result_name(r));
	}
}

/* Builds raw IPv4 + full TCP segment, lets fix() corrupt it, decodes it. */
static enum decode_result decode_corrupted_v4(void (*fix)(struct pkt *p))
{
	struct pkt p = { .len = 0 };
	struct segment seg;
	uint8_t *copy;

	ipv4_tcp(&p, 0);
	fix(&p);
	enum decode_result r = decode_exact(LINK_RAW, p.b, p.len, &seg, &copy);
	free(copy);
	return r;
}

static void ihl_4(struct pkt *p) { p->b[0] = 0x44; }
static void version_5(struct pkt *p) { p->b[0] = 0x55; }
static void total_len_below_tcp_header(struct pkt *p) { patch16(p, 2, 20 + 19); }
static void total_len_below_ihl(struct pkt *p) { patch16(p, 2, 19); }
static void data_offset_4(struct pkt *p) { p->b[20 + 12] = 4 << 4; }
static void data_offset_past_ip(struct pkt *p) { patch16(p, 2, 20 + 30); } /* doff is 15: 60 bytes */

static void test_bad_ip_and_tcp_headers_malformed(void **state)
{
	(void)state;
	assert_int_equal(decode_corrupted_v4(ihl_4), DECODE_MALFORMED);
	assert_int_equal(decode_corrupted_v4(version_5), DECODE_MALFORMED);
	assert_int_equal(decode_corrupted_v4(total_len_below_tcp_header), DECODE_MALFORMED);
	assert_int_equal(decode_corrupted_v4(total_len_below_ihl), DECODE_MALFORMED);
	assert_int_equal(decode_corrupted_v4(data_offset_4), DECODE_MALFORMED);
	assert_int_equal(decode_corrupted_v4(data_offset_past_ip), DECODE_MALFORMED);
}

/* A data offset past what was captured, but inside the IP length, is a
 * header-only capture (snaplen 68): the segment is kept, its options marked
 * cut. */
static void test_data_offset_past_capture_truncated(void **state)
{
	struct pkt p = { .len = 0 };
	struct segment seg;
	uint8_t *copy;
	(void)state;
	size_t ip = ipv4_begin(&p, PROTO_TCP, 0);
	tcp_segment(&p, TCP_ACK, NULL, NULL);
	ipv4_end(&p, ip);
	patch16(&p, ip + 2, 20 + 60); /* IP says 60 bytes of TCP */
	p.b[20 + 12] = 15 << 4;       /* TCP says so too; only 20 captured */
	assert_int_equal(decode_exact(LINK_RAW, p.b, p.len, &seg, &copy), DECODE_OK);
	assert_true(seg.opt.has & TCPOPT_CUT);
	assert_int_equal(seg.flags, TCP_ACK);
	assert_int_equal(seg.len, 0);
	free(copy);
}

/* An extension header longer than the IPv6 payload length. */
static void test_short_ipv6_ext_chain_malformed(void **state)
{
	struct pkt p = { .len = 0 };
	struct segment seg;
	uint8_t *copy;
	(void)state;

	size_t ip = ipv6_begin(&p, PROTO_HOPOPTS);
	ipv6_ext(&p, PROTO_DSTOPTS, 1);
	ipv6_ext(&p, PROTO_TCP, 3);
	ipv6_end(&p, ip);
	patch16(&p, ip + 4, 8 + 16); /* claims only part of the dst options */
	assert_int_equal(decode_exact(LINK_RAW, p.b, p.len, &seg, &copy), DECODE_MALFORMED);
	free(copy);

	p.len = 0;
	ip = ipv6_begin(&p, PROTO_HOPOPTS);
	ipv6_ext(&p, PROTO_TCP, 1);
	tcp_full(&p);
	ipv6_end(&p, ip);
	patch16(&p, ip + 4, 8 + 19); /* room for 19 bytes of TCP header only */
	assert_int_equal(decode_exact(LINK_RAW, p.b, p.len, &seg, &copy), DECODE_MALFORMED);
	free(copy);
}

/* ---- not TCP: valid packets the tracer ignores ---- */

static enum decode_result decode_v4_proto(unsigned proto, unsigned frag)
{
	struct pkt p = { .len = 0 };
	struct segment seg;
	uint8_t *copy;

	ethernet(&p, ETH_IPV4);
	size_t ip = ipv4_begin(&p, proto, 0);
	patch16(&p, ip + 6, frag);
	zeros(&p, 28);
	ipv4_end(&p, ip);
	enum decode_result r = decode_exact(LINK_ETHERNET, p.b, p.len, &seg, &copy);
	free(copy);
	return r;
}

static enum decode_result decode_v6_next(unsigned next, void (*ext)(struct pkt *p))
{
	struct pkt p = { .len = 0 };
	struct segment seg;
	uint8_t *copy;

	size_t ip = ipv6_begin(&p, next);
	if (ext)
		ext(&p);
	zeros(&p, 28);
	ipv6_end(&p, ip);
	enum decode_result r = decode_exact(LINK_RAW, p.b, p.len, &seg, &copy);
	free(copy);
	return r;
}

static void second_fragment_of_tcp(struct pkt *p) { ipv6_frag(p, PROTO_TCP, 185, 0); }
static void hop_by_hop_then_esp(struct pkt *p) { ipv6_ext(p, PROTO_ESP, 1); }

static void test_not_tcp(void **state)
{
	struct pkt p = { .len = 0 };
	struct segment seg;
	uint8_t *copy;
	(void)state;

	assert_int_equal(decode_v4_proto(PROTO_UDP, 0), DECODE_NOT_TCP);
	assert_int_equal(decode_v4_proto(PROTO_ICMP, 0), DECODE_NOT_TCP);
	assert_int_equal(decode_v4_proto(PROTO_TCP, 0x2000 | 185), DECODE_NOT_TCP);
	assert_int_equal(decode_v4_proto(PROTO_TCP, 185), DECODE_NOT_TCP);
	assert_int_equal(decode_v6_next(PROTO_UDP, NULL), DECODE_NOT_TCP);
	assert_int_equal(decode_v6_next(PROTO_ESP, NULL), DECODE_NOT_TCP);
	assert_int_equal(decode_v6_next(PROTO_NONE, NULL), DECODE_NOT_TCP);
	assert_int_equal(decode_v6_next(PROTO_HOPOPTS, hop_by_hop_then_esp), DECODE_NOT_TCP);
	assert_int_equal(decode_v6_next(PROTO_FRAGMENT, second_fragment_of_tcp), DECODE_NOT_TCP);

	ethernet(&p, ETH_ARP);
	zeros(&p, 28);
	assert_int_equal(decode_exact(LINK_ETHERNET, p.b, p.len, &seg, &copy), DECODE_NOT_TCP);
	free(copy);

	p.len = 0;
	null_header(&p, 7, 1); /* AF_OSI: neither IPv4 nor IPv6 */
	ipv4_tcp(&p, 0);
	assert_int_equal(decode_exact(LINK_NULL, p.b, p.len, &seg, &copy), DECODE_NOT_TCP);
	free(copy);

	/* 802.11 frames without IP: a beacon, a QoS null frame, an encrypted
	 * data frame, LLC that is not SNAP; PPP LCP; PPI of another DLT */
	static const uint8_t beacon[] = { 0x80, 0x00, 0, 0, [24] = 0 };
	static const uint8_t qos_null[] = { 0xc8, 0x01, 0, 0, [25] = 0 };
	static const uint8_t protected_data[] = { 0x08, 0x41, 0, 0, [31] = 0 };
	static const uint8_t stp_llc[] = { 0x08, 0x01, [24] = 0x42, 0x42, 0x03, 0, 0, 0, 0, 0 };
	static const uint8_t lcp[] = { 0xff, 0x03, 0xc0, 0x21, 9, 1, 0, 8 };
	static const uint8_t ppi_other[] = { 0, 0, 8, 0, 147, 0, 0, 0, 1, 2, 3 };
	static const uint8_t radiotap_v1[] = { 1, 0, 8, 0, 0, 0, 0, 0, 0x08, 0x01 };
	assert_int_equal(decode_exact(LINK_80211, beacon, sizeof(beacon), &seg, &copy), DECODE_NOT_TCP);
	free(copy);
	assert_int_equal(decode_exact(LINK_80211, qos_null, sizeof(qos_null), &seg, &copy), DECODE_NOT_TCP);
	free(copy);
	assert_int_equal(decode_exact(LINK_80211, protected_data, sizeof(protected_data), &seg, &copy), DECODE_NOT_TCP);
	free(copy);
	assert_int_equal(decode_exact(LINK_80211, stp_llc, sizeof(stp_llc), &seg, &copy), DECODE_NOT_TCP);
	free(copy);
	assert_int_equal(decode_exact(LINK_PPP, lcp, sizeof(lcp), &seg, &copy), DECODE_NOT_TCP);
	free(copy);
	assert_int_equal(decode_exact(LINK_PPI, ppi_other, sizeof(ppi_other), &seg, &copy), DECODE_NOT_TCP);
	free(copy);
	assert_int_equal(decode_exact(LINK_80211_RADIOTAP, radiotap_v1, sizeof(radiotap_v1), &seg, &copy),
			 DECODE_MALFORMED);
	free(copy);

	p.len = 0;
	null_header(&p, 2, 1); /* LOOP is network order only */
	ipv4_tcp(&p, 0);
	assert_int_equal(decode_exact(LINK_LOOP, p.b, p.len, &seg, &copy), DECODE_NOT_TCP);
	free(copy);
}

/* ---- ICMP and ICMPv6 errors quoting a TCP segment ---- */

enum { PROTO_ICMPV6 = 58 };

/* The outer header's addresses turned around: the error goes from the
 * quoted segment's destination (v4_dst, v6_dst) back to its source. */
static void swap_outer_addresses(struct pkt *p, size_t ip, int family)
{
	size_t alen = family == 6 ? 16 : 4, off = ip + (family == 6 ? 8 : 12);

	memcpy(p->b + off, family == 6 ? v6_dst : v4_dst, alen);
	memcpy(p->b + off + alen, family == 6 ? v6_src : v4_src, alen);
}

/* An ICMP (family 4) or ICMPv6 error of type/code, with `rest` as its
 * 4-byte field, quoting the IP header and quote_tcp bytes of the TCP header
 * of a segment from v4_src/v6_src:SPORT to DPORT (0: all of it, options and
 * payload). */
static void icmp_error(struct pkt *p, int family, unsigned type, unsigned code, uint32_t rest, size_t quote_tcp)
{
	size_t ip = family == 6 ? ipv6_begin(p, PROTO_ICMPV6) : ipv4_begin(p, PROTO_ICMP, 0);
	size_t q;

	put8(p, type);
	put8(p, code);
	put16(p, 0);
	put32(p, rest);
	q = family == 6 ? ipv6_begin(p, PROTO_TCP) : ipv4_begin(p, PROTO_TCP, 0);
	size_t tcp = p->len;
	tcp_full(p);
	if (family == 6)
		ipv6_end(p, q);
	else
		ipv4_end(p, q);
	if (quote_tcp)
		p->len = tcp + quote_tcp; /* the original's lengths stay as they were */
	if (family == 6)
		ipv6_end(p, ip);
	else
		ipv4_end(p, ip);
	swap_outer_addresses(p, ip, family);
}

static void assert_quoted(const struct segment *seg, int family, bool full)
{
	const uint8_t *reporter = family == 6 ? v6_dst : v4_dst, *src = family == 6 ? v6_src : v4_src;

	assert_int_equal(seg->icmp.version, family);
	assert_int_equal(seg->src.family, family);
	assert_memory_equal(seg->src.addr, src, family == 6 ? 16 : 4);
	assert_memory_equal(seg->icmp.reporter.addr, reporter, family == 6 ? 16 : 4);
	assert_int_equal(seg->icmp.reporter.port, 0);
	assert_int_equal(seg->src.port, SPORT);
	assert_int_equal(seg->dst.port, DPORT);
	assert_int_equal(seg->seq, SEQ);
	assert_int_equal(seg->len, 0);
	assert_int_equal(seg->icmp.quoted_full, full);
	assert_int_equal(seg->ack, full ? ACK : 0);
	assert_int_equal(seg->flags, full ? TCP_PSH | TCP_ACK : 0);
	assert_int_equal(seg->win, full ? WIN : 0);
	assert_null(seg->payload);
}

/* Rows: family, type, code, the 4-byte field, how much TCP is quoted, what
 * the decoder must say and name. */
static const struct icmp_row {
	int family;
	unsigned type, code;
	uint32_t rest;
	size_t quote_tcp;
	uint32_t mtu;
	const char *name;
} icmp_rows[] = {
	{ 4, 3, 3, 0, 0, 0, "port-unreachable" },
	{ 4, 3, 1, 0, 8, 0, "host-unreachable" }, /* RFC 792's minimum: ports and seq only */
	{ 4, 3, 4, 1280, 20, 1280, "frag-needed" },
	{ 4, 11, 0, 0, 28, 0, "time-exceeded" },
	{ 4, 12, 0, 0, 0, 0, "parameter-problem" },
	{ 4, 4, 0, 0, 0, 0, "source-quench" },
	{ 4, 5, 1, 0, 0, 0, "redirect" },
	{ 4, 3, 13, 0, 0, 0, "admin-prohibited" },
	{ 4, 3, 99, 0, 0, 0, "destination-unreachable" },
	{ 6, 1, 4, 0, 0, 0, "port-unreachable" },
	{ 6, 1, 0, 0, 8, 0, "no-route" },
	{ 6, 2, 0, 1280, 0, 1280, "packet-too-big" },
	{ 6, 3, 0, 0, 16, 0, "time-exceeded" },
	{ 6, 4, 0, 0, 0, 0, "parameter-problem" },
};

static void test_icmp_errors_decode(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(icmp_rows) / sizeof(icmp_rows[0]); i++) {
		const struct icmp_row *row = &icmp_rows[i];
		struct pkt p = { .len = 0 };
		struct segment seg;
		uint8_t *copy;

		ethernet(&p, row->family == 6 ? ETH_IPV6 : ETH_IPV4);
		icmp_error(&p, row->family, row->type, row->code, row->rest, row->quote_tcp);
		if (decode_exact(LINK_ETHERNET, p.b, p.len, &seg, &copy) != DECODE_ICMP_ERROR)
			fail_msg("row %zu (%s): not decoded as an ICMP error", i, row->name);
		assert_quoted(&seg, row->family, row->quote_tcp == 0 || row->quote_tcp >= 16);
		assert_int_equal(seg.icmp.type, row->type);
		assert_int_equal(seg.icmp.code, row->code);
		assert_int_equal(seg.icmp.mtu, row->mtu);
		assert_string_equal(icmp_error_name(&seg.icmp), row->name);
		free(copy);
	}
}

/* Every prefix of an ICMP error: cut before ports and seq of the quote it
 * is truncated (the outer IP header says more was there), never read past
 * its end; from there on the error counts. */
static void test_icmp_every_prefix(void **state)
{
	(void)state;
	for (int family = 4; family <= 6; family += 2) {
		struct pkt p = { .len = 0 };
		size_t need = (family == 6 ? 40 + 8 + 40 : 20 + 8 + 20) + 8;

		icmp_error(&p, family, family == 6 ? 1 : 3, family == 6 ? 4 : 3, 0, 0);
		for (size_t n = 0; n <= p.len; n++) {
			struct segment seg;
			uint8_t *copy;
			enum decode_result r = decode_exact(LINK_RAW, p.b, n, &seg, &copy);

			if (n < need && r != DECODE_TRUNCATED)
				fail_msg("ICMPv%d cut at %zu: %s", family == 6 ? 6 : 4, n, decode_result_name(r));
			if (n >= need) {
				assert_int_equal(r, DECODE_ICMP_ERROR);
				assert_quoted(&seg, family, n >= need + 8);
			}
			free(copy);
		}
	}
}

/* A quote the ICMP message itself ends before ports and seq is malformed;
 * errors about other protocols and ICMP that is no error are not TCP. */
static void test_icmp_not_tcp_or_malformed(void **state)
{
	struct pkt p = { .len = 0 };
	struct segment seg;
	uint8_t *copy;
	(void)state;

	icmp_error(&p, 4, 3, 3, 0, 6);
	assert_int_equal(decode_exact(LINK_RAW, p.b, p.len, &seg, &copy), DECODE_MALFORMED);
	assert_int_equal(seg.icmp.version, 0);
	free(copy);

	p.len = 0;
	icmp_error(&p, 6, 1, 4, 0, 0);
	p.b[40 + 8 + 6] = PROTO_UDP; /* the quoted IPv6 header's next header */
	assert_int_equal(decode_exact(LINK_RAW, p.b, p.len, &seg, &copy), DECODE_NOT_TCP);
	free(copy);

	p.len = 0;
	icmp_error(&p, 4, 8, 0, 0, 0); /* echo request */
	assert_int_equal(decode_exact(LINK_RAW, p.b, p.len, &seg, &copy), DECODE_NOT_TCP);
	free(copy);

	p.len = 0;
	icmp_error(&p, 6, 128, 0, 0, 0); /* ICMPv6 echo request */
	assert_int_equal(decode_exact(LINK_RAW, p.b, p.len, &seg, &copy), DECODE_NOT_TCP);
	free(copy);

	p.len = 0;
	icmp_error(&p, 4, 3, 3, 0, 0);
	p.b[20 + 8] = 0x35; /* quoted IHL 5, version 3 */
	assert_int_equal(decode_exact(LINK_RAW, p.b, p.len, &seg, &copy), DECODE_MALFORMED);
	free(copy);
}

/* An IP length longer than the frame was on the wire: what was there
 * counts (as tshark counts it); a frame the snaplen cut keeps the IP
 * header's length. IPv4 and IPv6. */
static void test_ip_length_longer_than_the_frame(void **state)
{
	(void)state;
	for (int family = 4; family <= 6; family += 2) {
		struct pkt p = { .len = 0 };
		size_t tcp_hdr = 20 + 40, payload = strlen(PAYLOAD);
		struct segment seg;
		uint8_t *copy;

		ethernet(&p, family == 6 ? ETH_IPV6 : ETH_IPV4);
		if (family == 6)
			ipv6_tcp(&p);
		else
			ipv4_tcp(&p, 0);
		patch16(&p, 14 + (family == 6 ? 4 : 2), family == 6 ? 1000 : 1000 + 20); /* 1000 bytes of TCP */
		copy = malloc(p.len);
		assert_non_null(copy);
		memcpy(copy, p.b, p.len); /* exactly its size: ASan sees a read past the end */
		assert_int_equal(decode_frame(LINK_ETHERNET, copy, p.len, p.len, &seg), DECODE_OK);
		assert_int_equal(seg.len, payload); /* caplen = wirelen: only what was there */
		free(copy);
		assert_int_equal(decode_frame(LINK_ETHERNET, p.b, p.len, p.len + 5000, &seg), DECODE_OK);
		assert_int_equal(seg.len, 1000 - tcp_hdr); /* cut by the snaplen: the IP header's */
		assert_int_equal(decode_frame(LINK_ETHERNET, p.b, p.len, p.len + 10, &seg), DECODE_OK);
		assert_int_equal(seg.len, payload + 10); /* cut, but the IP length is longer still */
		assert_int_equal(seg.payload_caplen, payload);
	}
}

/* ---- lengths: padding, TSO ---- */

/* Ethernet pads short frames to 60 bytes: the padding is not payload. */
static void test_ethernet_padding_not_payload(void **state)
{
	struct pkt p = { .len = 0 };
	struct segment seg;
	uint8_t *copy;
	(void)state;

	ethernet(&p, ETH_IPV4);
	size_t ip = ipv4_begin(&p, PROTO_TCP, 0);
	tcp_segment(&p, TCP_SYN | TCP_ACK, NULL, NULL);
	ipv4_end(&p, ip);
	zeros(&p, 60 - p.len);
	assert_int_equal(decode_exact(LINK_ETHERNET, p.b, p.len, &seg, &copy), DECODE_OK);
	assert_int_equal(seg.len, 0);
	assert_int_equal(seg.payload_caplen, 0);
	assert_null(seg.payload);
	free(copy);
}

/* TSO leaves total length 0 in captures of outgoing super-segments. */
static void test_ipv4_total_length_zero_uses_capture(void **state)
{
	struct pkt p = { .len = 0 };
	struct segment seg;
	uint8_t *copy;
	(void)state;

	ipv4_tcp(&p, 0);
	patch16(&p, 2, 0);
	assert_int_equal(decode_exact(LINK_RAW, p.b, p.len, &seg, &copy), DECODE_OK);
	assert_int_equal(seg.len, strlen(PAYLOAD));
	assert_int_equal(seg.payload_caplen, strlen(PAYLOAD));
	free(copy);
}

/* ---- names ---- */

static void test_tcp_flags_format(void **state)
{
	char buf[40];
	(void)state;
	assert_string_equal(tcp_flags_format(0, buf, sizeof(buf)), "none");
	assert_string_equal(tcp_flags_format(TCP_SYN | TCP_ACK, buf, sizeof(buf)), "SYN|ACK");
	assert_string_equal(tcp_flags_format(TCP_ACK | TCP_FIN, buf, sizeof(buf)), "FIN|ACK");
	assert_string_equal(tcp_flags_format(TCP_RST, buf, sizeof(buf)), "RST");
	assert_string_equal(tcp_flags_format(TCP_ACK | TCP_PSH, buf, sizeof(buf)), "PSH|ACK");
	assert_string_equal(tcp_flags_format(0xff, buf, sizeof(buf)),
			    "SYN|FIN|RST|PSH|ACK|URG|ECE|CWR");
	assert_string_equal(tcp_flags_format(TCP_SYN | TCP_ACK, buf, 4), "SYN");
	buf[0] = 'x';
	tcp_flags_format(TCP_SYN, buf, 0);
	assert_int_equal(buf[0], 'x');
}

static void test_tcp_flags_put(void **state)
{
	char buf[40];
	struct outbuf o = outbuf_at(buf, sizeof(buf), 0);

	(void)state;
	outbuf_char(&o, '[');
	tcp_flags_put(&o, TCP_FIN | TCP_ACK);
	outbuf_lit(&o, "] [");
	tcp_flags_put(&o, 0);
	outbuf_char(&o, ']');
	assert_int_equal(outbuf_finish(&o), (int)strlen("[FIN|ACK] [none]"));
	assert_string_equal(buf, "[FIN|ACK] [none]");
	o = outbuf_at(buf, 7, 0); /* "SYN|ACK" and its NUL need 8 */
	tcp_flags_put(&o, TCP_SYN | TCP_ACK);
	assert_int_equal(outbuf_finish(&o), -1);
}

/* Every combination of bits reads back from its text; unknown names fail. */
static void test_tcp_flags_parse_inverts_format(void **state)
{
	char buf[40];
	uint8_t bits;
	(void)state;
	for (unsigned flags = 0; flags < 256; flags++) {
		assert_int_equal(tcp_flags_parse(tcp_flags_format((uint8_t)flags, buf, sizeof(buf)), &bits), 0);
		assert_int_equal(bits, flags);
	}
	assert_int_equal(tcp_flags_parse("ACK|SYN", &bits), 0);
	assert_int_equal(bits, TCP_SYN | TCP_ACK);
	assert_int_equal(tcp_flags_parse("SYN|NOP", &bits), -1);
	assert_int_equal(tcp_flags_parse("SY", &bits), -1);
	assert_int_equal(tcp_flags_parse("SYNACK", &bits), -1);
}

static void test_decode_result_name(void **state)
{
	(void)state;
	assert_string_equal(decode_result_name(DECODE_OK), "ok");
	assert_string_equal(decode_result_name(DECODE_NOT_TCP), "not tcp");
	assert_string_equal(decode_result_name(DECODE_TRUNCATED), "truncated");
	assert_string_equal(decode_result_name(DECODE_MALFORMED), "malformed");
}

/* ---- real captures ---- */

/* A segment handed out by the capture edge: its payload never exceeds the
 * length the IP header declares. */
static void check_segment(const struct segment *seg, uint64_t ts_ns, void *ctx)
{
	size_t *tcp = ctx;
	(void)ts_ns;
	assert_true(seg->src.family == 4 || seg->src.family == 6);
	assert_int_equal(seg->src.family, seg->dst.family);
	assert_true(seg->payload_caplen <= seg->len);
	assert_true(seg->payload_caplen == 0 || seg->payload != NULL);
	if (seg->icmp.version) /* an ICMP error quoting a segment: counted apart */
		assert_int_equal(seg->icmp.version, seg->src.family);
	else
		(*tcp)++;
}

/* Every frame of every real capture (tests/golden, tests/data), read
 * through the capture edge, decodes as TCP, an ICMP error or not-TCP: real kernels never
 * send the malformed headers tested above, and these captures keep every
 * header (snaplen 256). */
static void test_real_captures(void **state)
{
	static const char *const dirs[] = { "tests/golden", "tests/data" };
	const char *root = getenv("SOCKLAB_ROOT");
	char pattern[4096], err[256];
	glob_t g = { 0 };
	(void)state;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(pattern, sizeof(pattern), "%s/%s/*.pcap*", root ? root : ".", dirs[i]);
		glob(pattern, i > 0 ? GLOB_APPEND : 0, NULL, &g);
	}
	if (g.gl_pathc == 0) {
		globfree(&g);
		skip();
	}
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct capture_opts opts = { .file = g.gl_pathv[i] };
		struct capture *c = capture_open(&opts, err, sizeof(err));
		struct capture_stats st;
		size_t tcp = 0;
		int n;

		if (!c)
			fail_msg("%s", err);
		while ((n = capture_dispatch(c, 0, check_segment, &tcp, err, sizeof(err))) > 0)
			;
		if (n == -1)
			fail_msg("%s", err);
		capture_get_stats(c, &st);
		capture_close(c);
		print_message("%s: %zu frames, %zu tcp\n", g.gl_pathv[i], (size_t)st.seen, tcp);
		assert_true(st.seen > 0);
		assert_int_equal(st.tcp, tcp);
		assert_true(tcp > 0);
		assert_int_equal(st.invalid, 0);
		assert_int_equal(st.truncated, 0);
		assert_int_equal(st.seen, st.tcp + st.not_tcp + st.icmp);
	}
	globfree(&g);
}

/* A capture file's record header is untrusted too: a time before 1970
 * (libpcap reads the seconds as signed) would make ts_ns overflow the
 * signed 64 bits readers parse it as (found by tests/fuzz/fuzz_pcap:
 * corpus/pcap/crash-negative-time): such frames are counted invalid and
 * never reach the flow table. A fraction of a second of a second or more
 * (a writer's bug) is carried into the seconds and counted. */
static void check_time(const struct segment *seg, uint64_t ts_ns, void *ctx)
{
	(void)seg;
	assert_true(ts_ns <= (uint64_t)INT64_MAX);
	(*(size_t *)ctx)++;
}

static void test_record_time_out_of_range_invalid(void **state)
{
	const char *root = getenv("SOCKLAB_ROOT");
	char src[4096], path[] = "/tmp/socklab-test-time-XXXXXX", err[256];
	uint8_t buf[4096];
	size_t len, off = 24, tcp = 0;
	struct capture_stats st;
	struct capture *c;
	FILE *f;
	int fd;
	(void)state;

	snprintf(src, sizeof(src), "%s/tests/golden/echo.pcap", root ? root : ".");
	f = fopen(src, "rb");
	assert_non_null(f);
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	/* records 5 and 6 (little-endian headers: sec, nsec, caplen, len) */
	for (int i = 0; i < 6; i++) {
		uint32_t caplen = (uint32_t)buf[off + 8] | (uint32_t)buf[off + 9] << 8;

		if (i == 4)
			memcpy(buf + off, (const uint8_t[]){0, 0, 0, 0xb1}, 4); /* seconds < 0 */
		if (i == 5)
			memcpy(buf + off + 4, (const uint8_t[]){0, 0x94, 0x35, 0x77}, 4); /* 2e9 ns */
		off += 16 + caplen;
	}
	assert_true(off < len);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
	c = capture_open(&(struct capture_opts){.file = path}, err, sizeof(err));
	assert_non_null(c);
	while (capture_dispatch(c, 0, check_time, &tcp, err, sizeof(err)) > 0)
		;
	capture_get_stats(c, &st);
	capture_close(c);
	unlink(path);
	/* the negative time is invalid; 2e9 ns is carried into the seconds
	 * (2 s later), counted, and the packet kept */
	assert_int_equal(st.seen, 10);
	assert_int_equal(st.invalid, 1);
	assert_int_equal(st.time_carried, 1);
	assert_int_equal(tcp, 9);
	assert_int_equal(st.tcp, 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_link_type_decodes),
		cmocka_unit_test(test_link_table),
		cmocka_unit_test(test_every_prefix_truncated_or_ok),
		cmocka_unit_test(test_no_options),
		cmocka_unit_test(test_each_option_alone),
		cmocka_unit_test(test_option_sack_one_and_four_blocks),
		cmocka_unit_test(test_option_unknown_skipped),
		cmocka_unit_test(test_option_eol_ends_list),
		cmocka_unit_test(test_tcp_flags_all_kinds),
		cmocka_unit_test(test_bad_options_malformed),
		cmocka_unit_test(test_bad_ip_and_tcp_headers_malformed),
		cmocka_unit_test(test_data_offset_past_capture_truncated),
		cmocka_unit_test(test_short_ipv6_ext_chain_malformed),
		cmocka_unit_test(test_not_tcp),
		cmocka_unit_test(test_icmp_errors_decode),
		cmocka_unit_test(test_icmp_every_prefix),
		cmocka_unit_test(test_icmp_not_tcp_or_malformed),
		cmocka_unit_test(test_ethernet_padding_not_payload),
		cmocka_unit_test(test_ip_length_longer_than_the_frame),
		cmocka_unit_test(test_ipv4_total_length_zero_uses_capture),
		cmocka_unit_test(test_tcp_flags_format),
		cmocka_unit_test(test_tcp_flags_put),
		cmocka_unit_test(test_tcp_flags_parse_inverts_format),
		cmocka_unit_test(test_decode_result_name),
		cmocka_unit_test(test_real_captures),
		cmocka_unit_test(test_record_time_out_of_range_invalid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
