/* decode.c: one captured frame -> one TCP segment.
 *
 * Layers are peeled link -> IP -> TCP, each reading only through bytes.h.
 * Two lengths are tracked for the IP payload: what the capture holds
 * (snaplen-limited) and what the IP header declares. A header that needs
 * bytes the IP header says exist but the capture lacks is TRUNCATED; one that
 * needs bytes the IP header says do not exist is MALFORMED. */
#include "decode.h"

#include <net/ethernet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bytes.h"
#include "json.h"

enum {
	SLL_HDR_LEN = 16,        /* protocol at offset 14 */
	SLL2_HDR_LEN = 20,       /* protocol at offset 0 */
	C_HDLC_HDR_LEN = 4,      /* address, control, ethertype */
	IPOIB_HDR_LEN = 44,      /* a 40-byte GRH or address pseudo-header, ethertype, reserved */
	PPP_ADDRESS = 0xff, PPP_CONTROL = 0x03,
	PPP_IPV4 = 0x0021, PPP_IPV6 = 0x0057,
	C_HDLC_UNICAST = 0x0f, C_HDLC_BROADCAST = 0x8f,
	WLAN_HDR_LEN = 24,       /* frame control, duration, 3 addresses, sequence control */
	WLAN_ADDR4_LEN = 6, WLAN_QOS_LEN = 2, WLAN_HT_LEN = 4,
	LLC_SNAP_LEN = 8,        /* DSAP, SSAP, control, OUI, ethertype */
	RADIOTAP_MIN_LEN = 8, PPI_MIN_LEN = 8,
	DLT_IEEE802_11 = 105, DLT_EN10MB = 1,
	VLAN_TAG_LEN = 4,        /* TCI, then the inner ethertype */
	ETHERTYPE_QINQ = 0x88a8, /* 802.1ad outer tag, skipped like 802.1Q */
	IPV4_MIN_HDR_LEN = 20,
	IPV6_HDR_LEN = 40,
	TCP_MIN_HDR_LEN = 20,
	IPV4_FRAG_OFFSET_MASK = 0x1fff,
	IPV6_FRAG_OFFSET_MASK = 0xfff8,
	IPV6_FRAG_HDR_LEN = 8,
	SACK_BLOCK_LEN = 8,
	ICMP_HDR_LEN = 8,    /* type, code, checksum, 4 bytes that depend on the type */
	TCP_QUOTE_MIN = 8,   /* what RFC 792 promises of the quoted TCP header: ports, seq */
	ICMP_FRAG_NEEDED_TYPE = 3, ICMP_FRAG_NEEDED_CODE = 4,
	ICMP6_PACKET_TOO_BIG = 2,
};

/* The link decoders pass on how many bytes of the frame the snaplen cut
 * off (0: captured whole), or this when the wire length is not known. */
#define WIRE_UNKNOWN SIZE_MAX

/* The bytes after an IP header (and, for IPv6, after the extension headers
 * walked so far): data is what was captured, never more than len, the length
 * the IP header declares. data stops at len so link-layer padding (short
 * Ethernet frames are padded to 60 bytes) is never taken for payload. */
struct ip_payload {
	struct bytes data;
	size_t len;
};

static struct ip_payload ip_payload_make(const struct bytes *ip, size_t hdr_len, size_t declared)
{
	return (struct ip_payload){ .data = bytes_sub(ip, hdr_len, declared), .len = declared };
}

/* Why n bytes at off could not be read: the IP length fields say they are
 * not there (malformed) or the capture cut them off (truncated). */
static enum decode_result missing(const struct ip_payload *pl, size_t off, size_t n)
{
	return n > pl->len || off > pl->len - n ? DECODE_MALFORMED : DECODE_TRUNCATED;
}

/* One option of the TCP header; v holds its bytes after kind and length.
 * Lengths are fixed by RFC 9293 section 3.2 (MSS), RFC 7323 (window scale,
 * timestamps) and RFC 2018 (SACK). The window scale shift is stored raw:
 * clamping it to 14 (RFC 7323 section 2.3) is the flow table's job. */
static enum decode_result decode_tcp_option(uint8_t kind, const struct bytes *v,
					    struct tcp_options *opt)
{
	size_t nblocks;

	switch (kind) {
	case TCPOPT_MAXSEG:
		if (v->len != TCPOLEN_MAXSEG - 2 || !bytes_be16(v, 0, &opt->mss))
			return DECODE_MALFORMED;
		opt->has |= TCPOPT_HAS_MSS;
		break;
	case TCPOPT_WINDOW:
		if (v->len != TCPOLEN_WINDOW - 2 || !bytes_u8(v, 0, &opt->wscale))
			return DECODE_MALFORMED;
		opt->has |= TCPOPT_HAS_WSCALE;
		break;
	case TCPOPT_SACK_PERMITTED:
		if (v->len != TCPOLEN_SACK_PERMITTED - 2)
			return DECODE_MALFORMED;
		opt->has |= TCPOPT_HAS_SACK_PERM;
		break;
	case TCPOPT_SACK:
		nblocks = v->len / SACK_BLOCK_LEN;
		if (v->len % SACK_BLOCK_LEN != 0 || nblocks == 0 || nblocks > TCP_MAX_SACK_BLOCKS)
			return DECODE_MALFORMED;
		for (size_t i = 0; i < nblocks; i++) {
			if (!bytes_be32(v, i * SACK_BLOCK_LEN, &opt->sack[i].left) ||
			    !bytes_be32(v, i * SACK_BLOCK_LEN + 4, &opt->sack[i].right))
				return DECODE_MALFORMED;
		}
		opt->nsack = (uint8_t)nblocks;
		opt->has |= TCPOPT_HAS_SACK;
		break;
	case TCPOPT_TIMESTAMP:
		if (v->len != TCPOLEN_TIMESTAMP - 2 || !bytes_be32(v, 0, &opt->ts_val) ||
		    !bytes_be32(v, 4, &opt->ts_ecr))
			return DECODE_MALFORMED;
		opt->has |= TCPOPT_HAS_TS;
		break;
	default: /* unknown kinds are skipped by their length */
		break;
	}
	return DECODE_OK;
}

/* Walks the option area (RFC 9293 section 3.1): EOL ends it, NOP is one
 * byte, every other kind carries a length byte counting kind and length. */
static enum decode_result decode_tcp_options(const struct bytes *area, bool cut, struct tcp_options *opt)
{
	size_t off = 0;
	uint8_t kind, len;

	*opt = (struct tcp_options){ 0 };
	if (cut)
		opt->has |= TCPOPT_CUT;
	while (bytes_u8(area, off, &kind) && kind != TCPOPT_EOL) {
		if (kind == TCPOPT_NOP) {
			off++;
			continue;
		}
		/* An option running past a cut area is one the capture lost, not
		 * a malformed header: the options before it still count. */
		if (cut && (!bytes_u8(area, off + 1, &len) || (len >= 2 && !bytes_has(area, off, len))))
			return DECODE_OK;
		if (!bytes_u8(area, off + 1, &len) || len < 2 || !bytes_has(area, off, len))
			return DECODE_MALFORMED;
		struct bytes value = bytes_sub(area, off + 2, (size_t)len - 2);
		enum decode_result r = decode_tcp_option(kind, &value, opt);
		if (r != DECODE_OK)
			return r;
		off += len;
	}
	return DECODE_OK;
}

/* The TCP header (RFC 9293 section 3.1) at the start of pl. The payload
 * length comes from the IP length fields, not from the capture. */
static enum decode_result decode_tcp(const struct ip_payload *pl, struct segment *out)
{
	const struct bytes *d = &pl->data;
	uint8_t offset_byte;

	if (!bytes_be16(d, 0, &out->src.port) || !bytes_be16(d, 2, &out->dst.port) ||
	    !bytes_be32(d, 4, &out->seq) || !bytes_be32(d, 8, &out->ack) ||
	    !bytes_u8(d, 12, &offset_byte) || !bytes_u8(d, 13, &out->flags) ||
	    !bytes_be16(d, 14, &out->win))
		return missing(pl, 0, TCP_MIN_HDR_LEN);

	size_t hdr_len = (size_t)(offset_byte >> 4) * 4;
	if (hdr_len < TCP_MIN_HDR_LEN)
		return DECODE_MALFORMED;
	/* A header-only capture (snaplen 68, tcpdump's old default) cuts the
	 * options of a SYN: ports, flags, seq, ack and window are all there,
	 * so the segment counts, with its options marked cut. */
	bool cut = !bytes_has(d, 0, hdr_len);
	if (cut && missing(pl, 0, hdr_len) == DECODE_MALFORMED)
		return DECODE_MALFORMED;

	struct bytes area = bytes_sub(d, TCP_MIN_HDR_LEN, hdr_len - TCP_MIN_HDR_LEN);
	enum decode_result r = decode_tcp_options(&area, cut, &out->opt);
	if (r != DECODE_OK)
		return r;

	struct bytes payload = bytes_sub(d, hdr_len, SIZE_MAX);
	out->len = (uint32_t)(pl->len - hdr_len);
	out->payload_caplen = (uint32_t)payload.len;
	out->payload = payload.len > 0 ? payload.p : NULL;
	return DECODE_OK;
}

/* ---- ICMP and ICMPv6 errors about TCP segments ---- */

/* The errors that quote the packet that caused them: ICMP destination
 * unreachable, source quench, redirect, time exceeded, parameter problem
 * (RFC 792); ICMPv6 destination unreachable, packet too big, time
 * exceeded, parameter problem (RFC 4443). */
static bool icmp_is_error(int version, uint8_t type)
{
	if (version == 4)
		return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
	return type >= 1 && type <= 4;
}

/* The quoted TCP header: ports and seq at least; ack, flags and window
 * when the quote reaches them (Linux quotes all it can). */
static enum decode_result decode_quoted_tcp(const struct ip_payload *pl, struct segment *out)
{
	const struct bytes *d = &pl->data;

	if (!bytes_be16(d, 0, &out->src.port) || !bytes_be16(d, 2, &out->dst.port) ||
	    !bytes_be32(d, 4, &out->seq))
		return missing(pl, 0, TCP_QUOTE_MIN);
	out->icmp.quoted_full = bytes_be32(d, 8, &out->ack) && bytes_u8(d, 13, &out->flags) &&
				bytes_be16(d, 14, &out->win);
	if (!out->icmp.quoted_full) {
		out->ack = 0;
		out->flags = 0;
		out->win = 0;
	}
	out->len = 0;
	out->opt = (struct tcp_options){ 0 };
	out->payload = NULL;
	out->payload_caplen = 0;
	return DECODE_ICMP_ERROR;
}

/* The quoted IPv4 header: its total length is the original packet's, not
 * what the quote holds, so only the ICMP message's length bounds it. */
static enum decode_result decode_quoted_ipv4(const struct ip_payload *q, struct segment *out)
{
	const struct bytes *d = &q->data;
	uint8_t version_ihl, proto;
	uint16_t frag;

	out->src = (struct endpoint){ .family = 4 };
	out->dst = (struct endpoint){ .family = 4 };
	if (!bytes_u8(d, 0, &version_ihl) || !bytes_be16(d, 6, &frag) || !bytes_u8(d, 9, &proto) ||
	    !bytes_copy(d, 12, out->src.addr, 4) || !bytes_copy(d, 16, out->dst.addr, 4))
		return missing(q, 0, IPV4_MIN_HDR_LEN);
	size_t hdr_len = (size_t)(version_ihl & 0x0f) * 4;
	if (version_ihl >> 4 != 4 || hdr_len < IPV4_MIN_HDR_LEN)
		return DECODE_MALFORMED;
	if ((frag & IPV4_FRAG_OFFSET_MASK) != 0 || proto != IPPROTO_TCP)
		return DECODE_NOT_TCP;
	if (!bytes_has(d, 0, hdr_len))
		return missing(q, 0, hdr_len);
	struct ip_payload tcp = ip_payload_make(d, hdr_len, q->len - hdr_len);
	return decode_quoted_tcp(&tcp, out);
}

static enum decode_result ipv6_ext_header(uint8_t type, const struct ip_payload *pl, size_t off,
					  uint8_t *next, size_t *len);

static enum decode_result decode_quoted_ipv6(const struct ip_payload *q, struct segment *out)
{
	const struct bytes *d = &q->data;
	uint8_t version, next;

	out->src = (struct endpoint){ .family = 6 };
	out->dst = (struct endpoint){ .family = 6 };
	if (!bytes_u8(d, 0, &version) || !bytes_u8(d, 6, &next) || !bytes_copy(d, 8, out->src.addr, 16) ||
	    !bytes_copy(d, 24, out->dst.addr, 16))
		return missing(q, 0, IPV6_HDR_LEN);
	if (version >> 4 != 6)
		return DECODE_MALFORMED;

	struct ip_payload pl = ip_payload_make(d, IPV6_HDR_LEN, q->len - IPV6_HDR_LEN);
	size_t off = 0, ext_len;

	while (next != IPPROTO_TCP) {
		enum decode_result r = ipv6_ext_header(next, &pl, off, &next, &ext_len);
		if (r != DECODE_OK)
			return r;
		off += ext_len;
	}
	struct ip_payload tcp = ip_payload_make(&pl.data, off, pl.len - off);
	return decode_quoted_tcp(&tcp, out);
}

/* An ICMP (version 4) or ICMPv6 message; out->src holds the outer source
 * address. Errors quoting TCP are DECODE_ICMP_ERROR, everything else
 * (echo, neighbour discovery, errors about UDP) is not TCP. */
static enum decode_result decode_icmp(int version, const struct ip_payload *pl, struct segment *out)
{
	struct endpoint reporter = out->src;
	uint8_t type, code;
	uint32_t rest;

	if (!bytes_u8(&pl->data, 0, &type) || !bytes_u8(&pl->data, 1, &code) || !bytes_be32(&pl->data, 4, &rest))
		return missing(pl, 0, ICMP_HDR_LEN);
	if (!icmp_is_error(version, type))
		return DECODE_NOT_TCP;
	reporter.port = 0;
	out->icmp = (struct icmp_error){ .version = (uint8_t)version, .type = type, .code = code, .reporter = reporter };
	if (version == 4 && type == ICMP_FRAG_NEEDED_TYPE && code == ICMP_FRAG_NEEDED_CODE)
		out->icmp.mtu = rest & 0xffff; /* RFC 1191 */
	else if (version == 6 && type == ICMP6_PACKET_TOO_BIG)
		out->icmp.mtu = rest;

	struct ip_payload q = ip_payload_make(&pl->data, ICMP_HDR_LEN, pl->len - ICMP_HDR_LEN);
	enum decode_result r = version == 4 ? decode_quoted_ipv4(&q, out) : decode_quoted_ipv6(&q, out);

	if (r != DECODE_ICMP_ERROR)
		out->icmp.version = 0;
	return r;
}

/* IPv4 (RFC 791): options skipped by IHL, only first fragments carry the
 * TCP header. A total length of 0 is what TCP segmentation offload leaves
 * in captures of outgoing super-segments: the frame's length stands in. A
 * total length longer than the frame was on the wire (uncaptured: the
 * bytes the snaplen cut off) is a lie: what was there counts, as tshark
 * counts it; a frame cut by the snaplen keeps the IP header's length. */
static enum decode_result decode_ipv4(const struct bytes *ip, size_t uncaptured, struct segment *out)
{
	uint8_t version_ihl, proto;
	uint16_t total_len, frag;

	out->src = (struct endpoint){ .family = 4 };
	out->dst = (struct endpoint){ .family = 4 };
	if (!bytes_u8(ip, 0, &version_ihl) || !bytes_be16(ip, 2, &total_len) ||
	    !bytes_be16(ip, 4, &out->ip_id) || !bytes_be16(ip, 6, &frag) || !bytes_u8(ip, 9, &proto) ||
	    !bytes_copy(ip, 12, out->src.addr, 4) || !bytes_copy(ip, 16, out->dst.addr, 4))
		return DECODE_TRUNCATED;

	size_t hdr_len = (size_t)(version_ihl & 0x0f) * 4;
	if (version_ihl >> 4 != 4 || hdr_len < IPV4_MIN_HDR_LEN ||
	    (total_len != 0 && total_len < hdr_len))
		return DECODE_MALFORMED;
	if (!bytes_has(ip, 0, hdr_len))
		return DECODE_TRUNCATED;
	/* what the frame held before the snaplen cut it, as far as known */
	size_t on_wire = uncaptured == WIRE_UNKNOWN ? ip->len : ip->len + uncaptured;
	if ((frag & IPV4_FRAG_OFFSET_MASK) != 0 || (proto != IPPROTO_TCP && proto != IPPROTO_ICMP))
		return DECODE_NOT_TCP;

	size_t declared = (total_len != 0 && (total_len <= on_wire || uncaptured == WIRE_UNKNOWN) ? total_len : on_wire) -
			  hdr_len;
	struct ip_payload pl = ip_payload_make(ip, hdr_len, declared);
	return proto == IPPROTO_TCP ? decode_tcp(&pl, out) : decode_icmp(4, &pl, out);
}

/* One IPv6 extension header (RFC 8200 section 4) at off: sets its length
 * and the header after it, or says why TCP cannot be reached past it.
 * Non-first fragments hold no TCP header; neither do ESP-protected (RFC
 * 4303) or empty (no next header) payloads. */
static enum decode_result ipv6_ext_header(uint8_t type, const struct ip_payload *pl, size_t off,
					  uint8_t *next, size_t *len)
{
	uint8_t ext_len;
	uint16_t frag;

	switch (type) {
	case IPPROTO_HOPOPTS:
	case IPPROTO_ROUTING:
	case IPPROTO_DSTOPTS:
	case IPPROTO_AH:
	case IPPROTO_FRAGMENT:
		break;
	default: /* ESP, no next header, UDP, ICMPv6, ... */
		return DECODE_NOT_TCP;
	}
	if (!bytes_u8(&pl->data, off, next) || !bytes_u8(&pl->data, off + 1, &ext_len))
		return missing(pl, off, 2);
	switch (type) {
	case IPPROTO_AH: /* RFC 4302 section 2.2: 4-octet units, minus 2 */
		*len = ((size_t)ext_len + 2) * 4;
		break;
	case IPPROTO_FRAGMENT: /* RFC 8200 section 4.5: fixed 8 octets */
		if (!bytes_be16(&pl->data, off + 2, &frag))
			return missing(pl, off, IPV6_FRAG_HDR_LEN);
		if ((frag & IPV6_FRAG_OFFSET_MASK) != 0)
			return DECODE_NOT_TCP;
		*len = IPV6_FRAG_HDR_LEN;
		break;
	default: /* 8-octet units, not counting the first 8 */
		*len = ((size_t)ext_len + 1) * 8;
		break;
	}
	return bytes_has(&pl->data, off, *len) ? DECODE_OK : missing(pl, off, *len);
}

/* IPv6 (RFC 8200): walks the extension headers to TCP. A payload length of
 * 0 (jumbogram, or TSO as for IPv4) means "as captured". */
static enum decode_result decode_ipv6(const struct bytes *ip, size_t uncaptured, struct segment *out)
{
	uint8_t version, next;
	uint16_t payload_len;

	out->src = (struct endpoint){ .family = 6 };
	out->dst = (struct endpoint){ .family = 6 };
	if (!bytes_u8(ip, 0, &version) || !bytes_be16(ip, 4, &payload_len) ||
	    !bytes_u8(ip, 6, &next) || !bytes_copy(ip, 8, out->src.addr, 16) ||
	    !bytes_copy(ip, 24, out->dst.addr, 16))
		return DECODE_TRUNCATED;
	if (version >> 4 != 6)
		return DECODE_MALFORMED;

	size_t on_wire = (uncaptured == WIRE_UNKNOWN ? ip->len : ip->len + uncaptured) - IPV6_HDR_LEN;
	size_t declared = payload_len != 0 && (payload_len <= on_wire || uncaptured == WIRE_UNKNOWN) ? payload_len
												     : on_wire;
	struct ip_payload pl = ip_payload_make(ip, IPV6_HDR_LEN, declared);
	size_t off = 0, ext_len;

	while (next != IPPROTO_TCP && next != IPPROTO_ICMPV6) {
		enum decode_result r = ipv6_ext_header(next, &pl, off, &next, &ext_len);
		if (r != DECODE_OK)
			return r;
		off += ext_len;
	}
	struct ip_payload tcp = ip_payload_make(&pl.data, off, pl.len - off);
	return next == IPPROTO_TCP ? decode_tcp(&tcp, out) : decode_icmp(6, &tcp, out);
}

/* An IP packet by version, where the link layer promised IP: a version
 * other than 4 or 6 is a broken header. */
static enum decode_result decode_ip(int version, const struct bytes *ip, size_t uncaptured, struct segment *out)
{
	switch (version) {
	case 4:
		return decode_ipv4(ip, uncaptured, out);
	case 6:
		return decode_ipv6(ip, uncaptured, out);
	default:
		return DECODE_MALFORMED;
	}
}

/* An Ethernet-style payload typed by an ethertype (Ethernet, SLL, SLL2).
 * 802.1Q and 802.1ad tags are skipped: each holds the next ethertype. */
static enum decode_result decode_ethertype(uint16_t type, const struct bytes *b, size_t uncaptured,
					   struct segment *out)
{
	size_t off = 0;

	while (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ) {
		if (!bytes_be16(b, off + 2, &type))
			return DECODE_TRUNCATED;
		off += VLAN_TAG_LEN;
	}
	struct bytes ip = bytes_sub(b, off, SIZE_MAX);
	switch (type) {
	case ETHERTYPE_IP:
		return decode_ipv4(&ip, uncaptured, out);
	case ETHERTYPE_IPV6:
		return decode_ipv6(&ip, uncaptured, out);
	default: /* ARP, LLDP, ... */
		return DECODE_NOT_TCP;
	}
}

/* The IP version a BSD loopback address-family word stands for: AF_INET is
 * 2 everywhere, AF_INET6 is 24 (NetBSD, OpenBSD), 28 (FreeBSD) or 30
 * (macOS) depending on the capturing system; 0 for anything else. */
static int loopback_af_version(uint32_t af)
{
	switch (af) {
	case 2:
		return 4;
	case 24:
	case 28:
	case 30:
		return 6;
	default:
		return 0;
	}
}

/* DLT_NULL writes the AF word in the capturing host's byte order, which
 * need not be ours: whichever order gives a known family wins. DLT_LOOP
 * always uses network order. */
static enum decode_result decode_loopback(bool any_order, const struct bytes *b, size_t uncaptured,
					  struct segment *out)
{
	uint32_t af_be, af_le;
	int version;

	if (!bytes_be32(b, 0, &af_be) || !bytes_le32(b, 0, &af_le))
		return DECODE_TRUNCATED;
	version = loopback_af_version(af_be);
	if (version == 0 && any_order)
		version = loopback_af_version(af_le);
	if (version == 0) /* another address family: not IP */
		return DECODE_NOT_TCP;
	struct bytes ip = bytes_sub(b, 4, SIZE_MAX);
	return decode_ip(version, &ip, uncaptured, out);
}

/* The link-layer headers, one function each: the header's fields are
 * checked and what follows goes to the IP (or ethertype) decoders. */

/* A header of hdr_len bytes with the ethertype at type_off. */
static enum decode_result decode_typed_header(const struct bytes *frame, size_t type_off, size_t hdr_len,
					      size_t uncaptured, struct segment *out)
{
	uint16_t type;

	if (!bytes_has(frame, 0, hdr_len) || !bytes_be16(frame, type_off, &type))
		return DECODE_TRUNCATED;
	struct bytes rest = bytes_sub(frame, hdr_len, SIZE_MAX);
	return decode_ethertype(type, &rest, uncaptured, out);
}

static enum decode_result decode_ethernet(const struct bytes *frame, size_t uncaptured, struct segment *out)
{
	return decode_typed_header(frame, ETHER_HDR_LEN - 2, ETHER_HDR_LEN, uncaptured, out);
}

static enum decode_result decode_sll(const struct bytes *frame, size_t uncaptured, struct segment *out)
{
	return decode_typed_header(frame, SLL_HDR_LEN - 2, SLL_HDR_LEN, uncaptured, out);
}

static enum decode_result decode_sll2(const struct bytes *frame, size_t uncaptured, struct segment *out)
{
	return decode_typed_header(frame, 0, SLL2_HDR_LEN, uncaptured, out);
}

static enum decode_result decode_null(const struct bytes *frame, size_t uncaptured, struct segment *out)
{
	return decode_loopback(true, frame, uncaptured, out);
}

static enum decode_result decode_loop(const struct bytes *frame, size_t uncaptured, struct segment *out)
{
	return decode_loopback(false, frame, uncaptured, out);
}

static enum decode_result decode_raw(const struct bytes *frame, size_t uncaptured, struct segment *out)
{
	uint8_t version;

	if (!bytes_u8(frame, 0, &version))
		return DECODE_TRUNCATED;
	return decode_ip(version >> 4, frame, uncaptured, out);
}

/* PPP (RFC 1661) as DLT_PPP and DLT_PPP_SERIAL write it: HDLC-like
 * framing's address 0xff and control 0x03 (RFC 1662), left out when
 * compressed, then the protocol, one byte when compressed (an odd first
 * byte, RFC 1661 section 6.5). On DLT_PPP_SERIAL a Cisco HDLC address
 * (0x0f, 0x8f) means Cisco HDLC framing instead. */
static enum decode_result decode_ppp_framed(const struct bytes *frame, size_t uncaptured, bool serial,
					    struct segment *out)
{
	uint8_t address, control, first;
	uint16_t proto;
	size_t off = 0;

	if (!bytes_u8(frame, 0, &address))
		return DECODE_TRUNCATED;
	if (serial && (address == C_HDLC_UNICAST || address == C_HDLC_BROADCAST))
		return decode_typed_header(frame, 2, C_HDLC_HDR_LEN, uncaptured, out);
	if (address == PPP_ADDRESS) {
		if (!bytes_u8(frame, 1, &control))
			return DECODE_TRUNCATED;
		if (control != PPP_CONTROL)
			return DECODE_MALFORMED;
		off = 2;
	}
	if (!bytes_u8(frame, off, &first))
		return DECODE_TRUNCATED;
	if (first & 1) {
		proto = first;
		off += 1;
	} else {
		if (!bytes_be16(frame, off, &proto))
			return DECODE_TRUNCATED;
		off += 2;
	}
	struct bytes ip = bytes_sub(frame, off, SIZE_MAX);
	switch (proto) {
	case PPP_IPV4:
		return decode_ipv4(&ip, uncaptured, out);
	case PPP_IPV6:
		return decode_ipv6(&ip, uncaptured, out);
	default: /* LCP, IPCP, CHAP, ... */
		return DECODE_NOT_TCP;
	}
}

static enum decode_result decode_ppp(const struct bytes *frame, size_t uncaptured, struct segment *out)
{
	return decode_ppp_framed(frame, uncaptured, false, out);
}

static enum decode_result decode_ppp_serial(const struct bytes *frame, size_t uncaptured, struct segment *out)
{
	return decode_ppp_framed(frame, uncaptured, true, out);
}

static enum decode_result decode_c_hdlc(const struct bytes *frame, size_t uncaptured, struct segment *out)
{
	return decode_typed_header(frame, 2, C_HDLC_HDR_LEN, uncaptured, out);
}

/* IP over InfiniBand as LINKTYPE_IPOIB stores it (and Wireshark reads
 * it): the 40-byte Global Route Header, or 20 zero bytes and the 20-byte
 * destination address, then RFC 4391's 4-byte header: an ethertype and 2
 * reserved bytes. */
static enum decode_result decode_ipoib(const struct bytes *frame, size_t uncaptured, struct segment *out)
{
	return decode_typed_header(frame, IPOIB_HDR_LEN - 4, IPOIB_HDR_LEN, uncaptured, out);
}

/* An 802.11 frame (IEEE 802.11-2020 section 9.2): only data frames that
 * carry data hold IP, after the MAC header and an LLC/SNAP header (RFC
 * 1042, or 802.1H's bridge tunnel) with the ethertype. Management and
 * control frames, null data and encrypted frames are not TCP (counted so). */
static enum decode_result decode_80211(const struct bytes *frame, size_t uncaptured, struct segment *out)
{
	static const uint8_t rfc1042[6] = { 0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00 };
	static const uint8_t bridge_tunnel[6] = { 0xaa, 0xaa, 0x03, 0x00, 0x00, 0xf8 };
	uint8_t fc0, fc1, qos = 0, snap[6];
	size_t hdr = WLAN_HDR_LEN;
	uint16_t type;

	if (!bytes_u8(frame, 0, &fc0) || !bytes_u8(frame, 1, &fc1))
		return DECODE_TRUNCATED;
	if ((fc0 & 0x03) != 0) /* protocol version 0 is the only one */
		return DECODE_MALFORMED;
	if (((fc0 >> 2) & 0x03) != 2 || (fc0 & 0x40)) /* not data, or a subtype without data */
		return DECODE_NOT_TCP;
	if (fc1 & 0x40) /* protected: the payload is encrypted */
		return DECODE_NOT_TCP;
	if ((fc1 & 0x03) == 0x03) /* to and from the distribution system: a fourth address */
		hdr += WLAN_ADDR4_LEN;
	if (fc0 & 0x80) { /* QoS data: QoS control, and HT control with the order bit */
		if (!bytes_u8(frame, hdr, &qos))
			return DECODE_TRUNCATED;
		hdr += WLAN_QOS_LEN + (fc1 & 0x80 ? WLAN_HT_LEN : 0);
		if (qos & 0x80) /* an A-MSDU: subframes, not one LLC header */
			return DECODE_NOT_TCP;
	}
	if (!bytes_copy(frame, hdr, snap, sizeof(snap)) || !bytes_be16(frame, hdr + 6, &type))
		return DECODE_TRUNCATED;
	if (memcmp(snap, rfc1042, sizeof(snap)) != 0 && memcmp(snap, bridge_tunnel, sizeof(snap)) != 0)
		return DECODE_NOT_TCP; /* another LLC protocol */
	struct bytes rest = bytes_sub(frame, hdr + LLC_SNAP_LEN, SIZE_MAX);
	return decode_ethertype(type, &rest, uncaptured, out);
}

/* A little-endian 16-bit field (radiotap and PPI are little-endian). */
static bool le16_at(const struct bytes *b, size_t off, uint16_t *out)
{
	uint8_t lo, hi;

	if (!bytes_u8(b, off, &lo) || !bytes_u8(b, off + 1, &hi))
		return false;
	*out = (uint16_t)(lo | hi << 8);
	return true;
}

/* Radiotap (radiotap.org): version 0, a pad byte, the header's whole length
 * (little-endian), then fields the 802.11 frame does not need. */
static enum decode_result decode_radiotap(const struct bytes *frame, size_t uncaptured, struct segment *out)
{
	uint8_t version;
	uint16_t len;

	if (!bytes_u8(frame, 0, &version) || !le16_at(frame, 2, &len))
		return DECODE_TRUNCATED;
	if (version != 0 || len < RADIOTAP_MIN_LEN)
		return DECODE_MALFORMED;
	if (!bytes_has(frame, 0, len))
		return DECODE_TRUNCATED;
	struct bytes wlan = bytes_sub(frame, len, SIZE_MAX);
	return decode_80211(&wlan, uncaptured, out);
}

/* PPI (the Per-Packet Information header specification): version 0, flags,
 * the header's length and the DLT of what follows, little-endian. */
static enum decode_result decode_ppi(const struct bytes *frame, size_t uncaptured, struct segment *out)
{
	uint8_t version;
	uint16_t len;
	uint32_t dlt;

	if (!bytes_u8(frame, 0, &version) || !le16_at(frame, 2, &len) || !bytes_le32(frame, 4, &dlt))
		return DECODE_TRUNCATED;
	if (version != 0 || len < PPI_MIN_LEN)
		return DECODE_MALFORMED;
	if (!bytes_has(frame, 0, len))
		return DECODE_TRUNCATED;
	struct bytes inner = bytes_sub(frame, len, SIZE_MAX);
	switch (dlt) {
	case DLT_IEEE802_11:
		return decode_80211(&inner, uncaptured, out);
	case DLT_EN10MB:
		return decode_ethernet(&inner, uncaptured, out);
	default:
		return DECODE_NOT_TCP;
	}
}

/* The one link-type table: LINKTYPE numbers from the tcpdump.org link-type
 * registry, names as libpcap's pcap_datalink_val_to_name() gives them. */
static const struct link_row {
	struct link_info info;
	enum decode_result (*decode)(const struct bytes *frame, size_t uncaptured, struct segment *out);
} link_rows[] = {
	[LINK_ETHERNET] = { { 1, { "EN10MB" }, "Ethernet" }, decode_ethernet },
	[LINK_NULL] = { { 0, { "NULL" }, "loopback" }, decode_null },
	[LINK_LOOP] = { { 108, { "LOOP" }, "loopback" }, decode_loop },
	[LINK_SLL] = { { 113, { "LINUX_SLL" }, "Linux cooked" }, decode_sll },
	[LINK_SLL2] = { { 276, { "LINUX_SLL2" }, "Linux cooked" }, decode_sll2 },
	[LINK_RAW] = { { 101, { "RAW", "IPV4", "IPV6" }, "raw IP" }, decode_raw },
	[LINK_PPP] = { { 9, { "PPP" }, "PPP" }, decode_ppp },
	[LINK_PPP_SERIAL] = { { 50, { "PPP_SERIAL" }, "PPP" }, decode_ppp_serial },
	[LINK_C_HDLC] = { { 104, { "C_HDLC" }, "Cisco HDLC" }, decode_c_hdlc },
	[LINK_80211] = { { 105, { "IEEE802_11" }, "802.11" }, decode_80211 },
	[LINK_80211_RADIOTAP] = { { 127, { "IEEE802_11_RADIO" }, "802.11" }, decode_radiotap },
	[LINK_PPI] = { { 192, { "PPI" }, "802.11" }, decode_ppi },
	[LINK_IPOIB] = { { 242, { "IPOIB" }, "IPoIB" }, decode_ipoib },
};
_Static_assert(sizeof(link_rows) / sizeof(link_rows[0]) == LINK_COUNT,
	       "one link_rows entry for each enum link_type value");

const struct link_info *link_info(enum link_type lt)
{
	return (unsigned)lt < LINK_COUNT ? &link_rows[lt].info : NULL;
}

int link_type_from_pcap_name(const char *name, enum link_type *out)
{
	for (unsigned lt = 0; lt < LINK_COUNT; lt++) {
		const struct link_info *li = &link_rows[lt].info;

		for (unsigned i = 0; i < LINK_PCAP_NAMES_MAX && li->pcap_names[i]; i++) {
			if (strcmp(li->pcap_names[i], name) == 0) {
				*out = (enum link_type)lt;
				return 0;
			}
		}
	}
	return -1;
}

enum decode_result decode_frame(enum link_type lt, const uint8_t *buf, size_t caplen, size_t wirelen,
				struct segment *out)
{
	struct bytes frame = bytes_make(buf, caplen);

	if ((unsigned)lt >= LINK_COUNT)
		return DECODE_NOT_TCP;
	out->icmp.version = 0;
	out->ip_id = 0; /* IPv6 has none; IPv4 sets it */
	return link_rows[lt].decode(&frame, wirelen == 0 ? WIRE_UNKNOWN : wirelen > caplen ? wirelen - caplen : 0, out);
}

enum decode_result decode_packet(enum link_type lt, const uint8_t *buf, size_t caplen,
				 struct segment *out)
{
	return decode_frame(lt, buf, caplen, 0, out);
}

enum decode_result decode_arp(enum link_type lt, const uint8_t *buf, size_t caplen, struct arp_packet *out)
{
	struct bytes frame = bytes_make(buf, caplen);
	size_t hdr, type_off, off;
	uint16_t type, htype, ptype, op;
	uint8_t hlen, plen;

	switch (lt) {
	case LINK_ETHERNET: hdr = ETHER_HDR_LEN; type_off = ETHER_HDR_LEN - 2; break;
	case LINK_SLL: hdr = SLL_HDR_LEN; type_off = SLL_HDR_LEN - 2; break;
	case LINK_SLL2: hdr = SLL2_HDR_LEN; type_off = 0; break;
	default: return DECODE_NOT_TCP;
	}
	if (!bytes_be16(&frame, type_off, &type))
		return DECODE_TRUNCATED;
	for (off = hdr; type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ; off += VLAN_TAG_LEN)
		if (!bytes_be16(&frame, off + 2, &type))
			return DECODE_TRUNCATED;
	if (type != ETHERTYPE_ARP)
		return DECODE_NOT_TCP;
	if (!bytes_be16(&frame, off, &htype) || !bytes_be16(&frame, off + 2, &ptype) ||
	    !bytes_u8(&frame, off + 4, &hlen) || !bytes_u8(&frame, off + 5, &plen) || !bytes_be16(&frame, off + 6, &op))
		return DECODE_TRUNCATED;
	if (htype != 1 || ptype != ETHERTYPE_IP || hlen != 6 || plen != 4 || (op != ARP_REQUEST && op != ARP_REPLY))
		return DECODE_NOT_TCP;
	memset(out, 0, sizeof(*out));
	out->op = op;
	out->sender_ip.family = out->target_ip.family = 4;
	if (!bytes_copy(&frame, off + 8, out->sender_mac, 6) || !bytes_copy(&frame, off + 14, out->sender_ip.addr, 4) ||
	    !bytes_copy(&frame, off + 18, out->target_mac, 6) || !bytes_copy(&frame, off + 24, out->target_ip.addr, 4))
		return DECODE_TRUNCATED;
	return DECODE_OK;
}

const char *mac_format(const uint8_t mac[6], char *buf, size_t n)
{
	snprintf(buf, n, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

const char *decode_result_name(enum decode_result r)
{
	switch (r) {
	case DECODE_OK:
		return "ok";
	case DECODE_NOT_TCP:
		return "not tcp";
	case DECODE_TRUNCATED:
		return "truncated";
	case DECODE_MALFORMED:
		return "malformed";
	case DECODE_ICMP_ERROR:
		return "icmp error";
	}
	return "unknown";
}

/* ICMP destination-unreachable codes (RFC 792, RFC 1122, RFC 1812) and
 * ICMPv6 ones (RFC 4443), by code. */
static const char *const icmp4_unreach[] = {
	"net-unreachable", "host-unreachable", "prot-unreachable", "port-unreachable",
	"frag-needed", "source-route-failed", "net-unknown", "host-unknown",
	"host-isolated", "net-prohibited", "host-prohibited", "net-tos-unreachable",
	"host-tos-unreachable", "admin-prohibited", "host-precedence-violation", "precedence-cutoff",
};
static const char *const icmp6_unreach[] = {
	"no-route", "admin-prohibited", "beyond-scope", "addr-unreachable",
	"port-unreachable", "policy-fail", "reject-route",
};

const char *icmp_error_name(const struct icmp_error *e)
{
	if (e->version == 4) {
		switch (e->type) {
		case 3:
			return e->code < sizeof(icmp4_unreach) / sizeof(icmp4_unreach[0]) ? icmp4_unreach[e->code]
											  : "destination-unreachable";
		case 4: return "source-quench";
		case 5: return "redirect";
		case 11: return "time-exceeded";
		case 12: return "parameter-problem";
		}
	} else if (e->version == 6) {
		switch (e->type) {
		case 1:
			return e->code < sizeof(icmp6_unreach) / sizeof(icmp6_unreach[0]) ? icmp6_unreach[e->code]
											  : "destination-unreachable";
		case 2: return "packet-too-big";
		case 3: return "time-exceeded";
		case 4: return "parameter-problem";
		}
	}
	return "unknown";
}

static const struct {
	uint8_t bit;
	char name[4];
} flag_names[] = {
	{ TCP_SYN, "SYN" }, { TCP_FIN, "FIN" }, { TCP_RST, "RST" }, { TCP_PSH, "PSH" },
	{ TCP_ACK, "ACK" }, { TCP_URG, "URG" }, { TCP_ECE, "ECE" }, { TCP_CWR, "CWR" },
};
#define N_FLAG_NAMES (sizeof(flag_names) / sizeof(flag_names[0]))

char *tcp_flags_at(char *p, uint8_t flags)
{
	char *start = p;

	for (size_t i = 0; i < N_FLAG_NAMES; i++) {
		if (!(flags & flag_names[i].bit))
			continue;
		if (p != start)
			*p++ = '|';
		p = cur_mem(p, flag_names[i].name, 3);
	}
	return p != start ? p : CUR_LIT(p, "none");
}

/* Through a scratch array: what fits is kept however short o's room. */
void tcp_flags_put(struct outbuf *o, uint8_t flags)
{
	char text[TCP_FLAGS_MAX];

	outbuf_mem(o, text, (size_t)(tcp_flags_at(text, flags) - text));
}

const char *tcp_flags_format(uint8_t flags, char *buf, size_t n)
{
	char text[sizeof("SYN|FIN|RST|PSH|ACK|URG|ECE|CWR")];
	struct outbuf o = outbuf_at(text, sizeof(text), 0);

	tcp_flags_put(&o, flags);
	return outbuf_copy_cut(&o, buf, n);
}

int tcp_flags_parse(const char *s, uint8_t *out)
{
	uint8_t bits = 0;

	if (strcmp(s, "none") == 0 || *s == '\0') {
		*out = 0;
		return 0;
	}
	while (*s) {
		size_t n = strcspn(s, "|");
		size_t i;

		for (i = 0; i < N_FLAG_NAMES; i++)
			if (n == 3 && strncmp(s, flag_names[i].name, 3) == 0)
				break;
		if (i == N_FLAG_NAMES)
			return -1;
		bits |= flag_names[i].bit;
		s += n;
		if (*s == '|')
			s++;
	}
	*out = bits;
	return 0;
}
