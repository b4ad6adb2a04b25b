/* decode.h: packet bytes -> one decoded TCP segment.
 *
 * Pure code: no I/O and no libpcap types. The caller maps its link-layer
 * type (a pcap DLT, by libpcap's name for it) to enum link_type with
 * link_type_from_pcap_name(). Every byte is read through the bounds-checked
 * accessors of bytes.h; a packet cut short or with inconsistent headers is
 * reported, never read past its end. */
#ifndef SOCKLAB_DECODE_H
#define SOCKLAB_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "endpoint.h"

/* The link layers socklab decodes. Everything else about each one (its
 * numbers, names and header decoder) is its row of the one table in
 * decode.c: adding a link type adds a value here and a row there. */
enum link_type {
	LINK_ETHERNET, /* Linux lo, real NICs; 802.1Q tags skipped */
	LINK_NULL,     /* BSD/macOS loopback, host-order AF word */
	LINK_LOOP,     /* OpenBSD loopback, network-order AF word */
	LINK_SLL,      /* "-i any", 16-byte cooked header */
	LINK_SLL2,     /* 20-byte cooked header */
	LINK_RAW,      /* starts at the IP header */
	LINK_PPP,      /* PPP, address and control optional (RFC 1661, RFC 1662) */
	LINK_PPP_SERIAL, /* PPP in HDLC-like framing, or Cisco HDLC */
	LINK_C_HDLC,   /* Cisco HDLC: address, control, an ethertype */
	LINK_80211,    /* 802.11 frames; data frames carry LLC/SNAP and an ethertype */
	LINK_80211_RADIOTAP, /* a radiotap header, then an 802.11 frame */
	LINK_PPI,      /* a Per-Packet Information header, then 802.11 (or Ethernet) */
	LINK_IPOIB,    /* IP over InfiniBand: a 40-byte pseudo-header, then RFC 4391's ethertype */
	LINK_COUNT
};

#define LINK_PCAP_NAMES_MAX 3

struct link_info {
	uint16_t linktype; /* LINKTYPE_* number, as pcap and pcapng files store it */
	/* libpcap's names for the DLTs decoded this way (pcap_datalink_val_to_name:
	 * "EN10MB", "LINUX_SLL2", ...), unused slots NULL. Names, not DLT
	 * numbers: DLT_RAW's number differs between systems. */
	const char *pcap_names[LINK_PCAP_NAMES_MAX];
	const char *kind; /* for messages: "Ethernet", "loopback", "Linux cooked", "raw IP", "PPP", ... */
};

/* The facts about lt, or NULL for a value that is not a link type. */
const struct link_info *link_info(enum link_type lt);

/* The link type libpcap calls name; -1 when socklab does not decode it. */
int link_type_from_pcap_name(const char *name, enum link_type *out);

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

/* Which TCP options a segment carried: bits of tcp_options.has (the
 * options' kind numbers are <netinet/tcp.h>'s TCPOPT_MAXSEG, ...). */
enum {
	TCPOPT_HAS_MSS = 0x01,
	TCPOPT_HAS_WSCALE = 0x02,
	TCPOPT_HAS_SACK_PERM = 0x04,
	TCPOPT_HAS_SACK = 0x08,
	TCPOPT_HAS_TS = 0x10,
	TCPOPT_CUT = 0x20, /* the capture's snaplen cut the option area: the rest is unknown */
};
#define TCP_MAX_SACK_BLOCKS 4

struct tcp_options {
	uint8_t has;    /* TCPOPT_HAS_* bits */
	uint8_t wscale; /* shift count, valid with TCPOPT_HAS_WSCALE */
	uint8_t nsack;  /* number of SACK blocks, valid with TCPOPT_HAS_SACK */
	uint16_t mss;
	uint32_t ts_val, ts_ecr;
	struct {
		uint32_t left, right;
	} sack[TCP_MAX_SACK_BLOCKS];
};

/* An ICMP or ICMPv6 error about a TCP segment (RFC 792, RFC 4443): the
 * error quotes the start of the packet that caused it, at least the IP
 * header and 8 bytes of TCP (ports and seq). */
struct icmp_error {
	uint8_t version;          /* 4: ICMP, 6: ICMPv6; 0: the segment is no ICMP error */
	uint8_t type, code;
	bool quoted_full;         /* the quote holds ack, flags and window too, not only ports and seq */
	uint32_t mtu;             /* fragmentation needed / packet too big: the next-hop MTU */
	struct endpoint reporter; /* the error's sender (outer source address, port 0) */
};

struct segment {
	struct endpoint src, dst;
	uint32_t seq, ack; /* absolute, as on the wire */
	uint16_t win;      /* raw window field, not scaled */
	uint8_t flags;     /* TCP_* bits */
	uint32_t len;      /* payload length from the IP length fields */
	uint16_t ip_id;    /* IPv4 identification (RFC 791); 0 for IPv6, which has none: with
			    * seq, ack and TSval it tells a segment's copies at two capture
			    * points from its retransmissions (wirepair.h) */
	struct tcp_options opt;
	const uint8_t *payload; /* first captured payload bytes (may be NULL) */
	uint32_t payload_caplen; /* how many payload bytes were captured */
	/* With DECODE_ICMP_ERROR: the error; src, dst and seq (with
	 * icmp.quoted_full also ack, flags and win) are those of the quoted
	 * segment, which the endpoint src sent; len is 0. */
	struct icmp_error icmp;
};

enum decode_result {
	DECODE_OK = 0,
	DECODE_NOT_TCP,   /* a valid packet of another protocol: ignore it */
	DECODE_TRUNCATED, /* headers cut short by the capture (snaplen) */
	DECODE_MALFORMED, /* headers inconsistent (bad IHL, data offset, option lengths...) */
	DECODE_ICMP_ERROR, /* an ICMP/ICMPv6 error quoting a TCP segment: *out says which (out->icmp) */
};

/* Decodes one captured frame, caplen bytes of the wirelen it had on the
 * wire (pcap's caplen and len; 0: not known). On DECODE_OK, *out is filled. An IP length
 * longer than the frame was on the wire is not believed: out->len counts
 * what was there; a frame cut by the snaplen keeps the IP header's length. */
enum decode_result decode_frame(enum link_type lt, const uint8_t *buf, size_t caplen, size_t wirelen,
				struct segment *out);

/* The same when the wire length is not known: the IP header's lengths are
 * believed (a cut frame is truncated, as if the snaplen had cut it). */
enum decode_result decode_packet(enum link_type lt, const uint8_t *buf, size_t caplen,
				 struct segment *out);

const char *decode_result_name(enum decode_result r);

/* An ARP request or reply for IPv4 over Ethernet (RFC 826): who asks for
 * which address's link-layer (MAC) address, and the answer. */
enum { ARP_REQUEST = 1, ARP_REPLY = 2 };
struct arp_packet {
	uint16_t op;                 /* ARP_REQUEST, ARP_REPLY (others are not decoded) */
	uint8_t sender_mac[6], target_mac[6];
	struct endpoint sender_ip, target_ip; /* port 0 */
};

/* Decodes an ARP frame on an Ethernet or Linux cooked link: DECODE_OK
 * with *out, DECODE_NOT_TCP for anything else (another link type,
 * another ethertype, ARP for another hardware or protocol),
 * DECODE_TRUNCATED when cut short. */
enum decode_result decode_arp(enum link_type lt, const uint8_t *buf, size_t caplen, struct arp_packet *out);

/* "aa:bb:cc:dd:ee:ff" into buf (18 bytes hold it); returns buf. */
const char *mac_format(const uint8_t mac[6], char *buf, size_t n);

/* The error's name, as nftables and tcpdump spell it: "port-unreachable",
 * "time-exceeded", "packet-too-big", ... */
const char *icmp_error_name(const struct icmp_error *e);

struct outbuf;

/* Appends flags as "SYN|ACK", "FIN|ACK", "RST", ... ("none" when zero) to
 * o (json.h's bounded appender). Order: SYN FIN RST PSH ACK URG ECE CWR. */
void tcp_flags_put(struct outbuf *o, uint8_t flags);
/* The same at cursor p (json.h), which has TCP_FLAGS_MAX bytes free (the
 * most it writes); returns the cursor after them. */
#define TCP_FLAGS_MAX (sizeof("SYN|FIN|RST|PSH|ACK|URG|ECE|CWR") - 1)
char *tcp_flags_at(char *p, uint8_t flags);

/* The same into buf, cut to fit (32 bytes hold every combination); returns buf. */
const char *tcp_flags_format(uint8_t flags, char *buf, size_t n);

/* The inverse: "SYN|ACK" (any order; "none" or "" is 0) -> bits. Returns 0,
 * or -1 for an unknown flag name. */
int tcp_flags_parse(const char *s, uint8_t *out);

#endif
