/* decode.h: packet bytes -> one decoded TCP segment.
 *
 * Pure code: no I/O and no libpcap types. The caller maps its link-layer
 * type (a pcap DLT) to enum link_type. Every byte is read through the
 * bounds-checked accessors of bytes.h; a packet cut short or with
 * inconsistent headers is reported, never read past its end. */
#ifndef SOCKLAB_DECODE_H
#define SOCKLAB_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "endpoint.h"

enum link_type {
	LINK_ETHERNET, /* DLT_EN10MB: Linux lo, real NICs; 802.1Q tags skipped */
	LINK_NULL,     /* DLT_NULL: BSD/macOS loopback, host-order AF word */
	LINK_LOOP,     /* DLT_LOOP: OpenBSD loopback, network-order AF word */
	LINK_SLL,      /* DLT_LINUX_SLL: "-i any", 16-byte cooked header */
	LINK_SLL2,     /* DLT_LINUX_SLL2: 20-byte cooked header */
	LINK_RAW,      /* DLT_RAW / DLT_IPV4 / DLT_IPV6: starts at the IP header */
};

/* TCP header flag bits (RFC 9293 section 3.1). */
enum {
	TCP_FIN = 0x01,
	TCP_SYN = 0x02,
	TCP_RST = 0x04,
	TCP_PSH = 0x08,
	TCP_ACK = 0x10,
	TCP_URG = 0x20,
	TCP_ECE = 0x40,
	TCP_CWR = 0x80,
};

/* Which options a segment carried (tcp_options.has). */
enum {
	OPT_MSS = 0x01,
	OPT_WSCALE = 0x02,
	OPT_SACK_PERM = 0x04,
	OPT_SACK = 0x08,
	OPT_TS = 0x10,
};

#define TCP_MAX_SACK_BLOCKS 4

struct tcp_options {
	uint8_t has;    /* OPT_* bits */
	uint8_t wscale; /* shift count, valid with OPT_WSCALE */
	uint8_t nsack;  /* number of SACK blocks, valid with OPT_SACK */
	uint16_t mss;
	uint32_t ts_val, ts_ecr;
	struct {
		uint32_t left, right;
	} sack[TCP_MAX_SACK_BLOCKS];
};

struct segment {
	struct endpoint src, dst;
	uint32_t seq, ack; /* absolute, as on the wire */
	uint16_t win;      /* raw window field, not scaled */
	uint8_t flags;     /* TCP_* bits */
	uint32_t len;      /* payload length from the IP length fields */
	struct tcp_options opt;
	const uint8_t *payload; /* first captured payload bytes (may be NULL) */
	uint32_t payload_caplen; /* how many payload bytes were captured */
};

enum decode_result {
	DECODE_OK = 0,
	DECODE_NOT_TCP,   /* a valid packet of another protocol: ignore it */
	DECODE_TRUNCATED, /* headers cut short by the capture (snaplen) */
	DECODE_MALFORMED, /* headers inconsistent (bad IHL, data offset, option lengths...) */
};

/* Decodes one captured frame. On DECODE_OK, *out is filled. */
enum decode_result decode_packet(enum link_type lt, const uint8_t *buf, size_t caplen,
				 struct segment *out);

const char *decode_result_name(enum decode_result r);

/* Writes flags as "SYN|ACK", "FIN|ACK", "RST", ... ("none" when zero).
 * Order: SYN FIN RST PSH ACK URG ECE CWR. Returns buf. */
const char *tcp_flags_format(uint8_t flags, char *buf, size_t n);

/* The inverse: "SYN|ACK" (any order; "none" or "" is 0) -> bits. Returns 0,
 * or -1 for an unknown flag name. */
int tcp_flags_parse(const char *s, uint8_t *out);

#endif
