/* dissect.h: one captured frame -> its layers and named fields, as the
 * stack built it (Wireshark's details pane is the model): link header,
 * IP header, TCP (or ICMP, or ARP), payload; each field with its value and
 * where its bytes are in the frame, so a hex view can highlight them.
 *
 * Pure: bytes in, a struct out; every byte read through bytes.h, nothing
 * past caplen. A frame cut short (snaplen) keeps the layers and fields that
 * were whole and says where it was cut. The names of layers and fields are
 * one table (dissect.c), English and Chinese, with tshark's name for each
 * field so tests can compare against tshark. */
#ifndef SOCKLAB_DISSECT_H
#define SOCKLAB_DISSECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "lang.h"

enum dissect_layer_id {
	DL_ETHERNET, DL_VLAN, DL_LOOPBACK, DL_SLL, DL_SLL2, DL_LINK_OTHER,
	DL_IPV4, DL_IPV6, DL_TCP, DL_ICMP, DL_ICMPV6, DL_ARP, DL_PAYLOAD,
	DL_COUNT
};

/* Every field socklab names: one row each in dissect.c's table. */
enum dissect_field_id {
	DF_ETH_DST, DF_ETH_SRC, DF_ETH_TYPE,
	DF_VLAN_TCI, DF_VLAN_TYPE,
	DF_LOOP_FAMILY,
	DF_SLL_PKTTYPE, DF_SLL_HATYPE, DF_SLL_HALEN, DF_SLL_SRC, DF_SLL_PROTO, DF_SLL_IFINDEX,
	DF_LINK_HEADER,
	DF_IP_VERSION, DF_IP_HDR_LEN, DF_IP_DSFIELD, DF_IP_LEN, DF_IP_ID, DF_IP_FLAGS, DF_IP_FRAG_OFFSET,
	DF_IP_TTL, DF_IP_PROTO, DF_IP_CHECKSUM, DF_IP_SRC, DF_IP_DST, DF_IP_OPTIONS,
	DF_IP6_TCLASS, DF_IP6_FLOW, DF_IP6_PLEN, DF_IP6_NXT, DF_IP6_HLIM, DF_IP6_SRC, DF_IP6_DST, DF_IP6_EXT,
	DF_TCP_SRCPORT, DF_TCP_DSTPORT, DF_TCP_SEQ, DF_TCP_ACK, DF_TCP_HDR_LEN, DF_TCP_FLAGS, DF_TCP_WINDOW,
	DF_TCP_CHECKSUM, DF_TCP_URGENT, DF_TCP_OPTIONS,
	DF_TCP_OPT_MSS, DF_TCP_OPT_WSCALE, DF_TCP_OPT_SACK_PERM, DF_TCP_OPT_SACK, DF_TCP_OPT_TSVAL,
	DF_TCP_OPT_TSECR, DF_TCP_OPT_NOP, DF_TCP_OPT_EOL, DF_TCP_OPT_OTHER,
	DF_ICMP_TYPE, DF_ICMP_CODE, DF_ICMP_CHECKSUM, DF_ICMP_REST, DF_ICMP_MTU, DF_ICMP_QUOTE,
	DF_ARP_HTYPE, DF_ARP_PTYPE, DF_ARP_HLEN, DF_ARP_PLEN, DF_ARP_OPCODE, DF_ARP_SHA, DF_ARP_SPA,
	DF_ARP_THA, DF_ARP_TPA,
	DF_DATA,
	DF_COUNT
};

/* How tshark -T fields prints a field (tests compare with it). */
enum dissect_tshark_fmt {
	TSF_NONE,  /* tshark has no field that prints this the same way */
	TSF_DEC,   /* num in decimal */
	TSF_HEX2,  /* num as 0x%02x */
	TSF_HEX4,  /* num as 0x%04x */
	TSF_HEX8,  /* num as 0x%08x */
	TSF_HEX6,  /* num as 0x%06x (ipv6.flow) */
	TSF_TEXT,  /* the value text (addresses) */
};

struct dissect_field_info {
	const char *name[LANG_COUNT];
	const char *tshark;          /* tshark's field name, or NULL */
	enum dissect_tshark_fmt tfmt;
};

#define DISSECT_MAX_LAYERS 8
#define DISSECT_MAX_FIELDS 72
#define DISSECT_VALUE_MAX 72

struct dissect_field {
	enum dissect_field_id id;
	uint32_t off, len;          /* its bytes in the frame */
	uint64_t num;               /* the number it holds (0 for addresses) */
	char value[DISSECT_VALUE_MAX]; /* as shown: "50322", "0x012 (SYN, ACK)", "127.0.0.1" */
};

struct dissect_layer {
	enum dissect_layer_id id;
	uint32_t off, len;          /* its bytes in the frame (header, or the payload) */
	uint32_t first, nfields;    /* its fields: fields[first .. first+nfields-1] */
	char summary[DISSECT_VALUE_MAX]; /* "Src Port: 50322, Dst Port: 8080, Seq: 0, Len: 0" style, short */
};

struct dissection {
	struct dissect_layer layers[DISSECT_MAX_LAYERS];
	uint32_t nlayers;
	struct dissect_field fields[DISSECT_MAX_FIELDS];
	uint32_t nfields;
	uint32_t caplen, wirelen;
	/* The capture (its snaplen) ended before the headers did: what
	 * follows the last field was not captured. */
	bool cut;
};

/* Dissects caplen captured bytes of a frame of wirelen bytes (0: not
 * known) of link type lt. Always fills *out with what could be read (at
 * least nothing); never reads past caplen. */
void dissect_frame(enum link_type lt, const uint8_t *buf, size_t caplen, size_t wirelen, struct dissection *out);
/* The same with the words inside values and summaries ("20 bytes",
 * "request (1)") in lang (dissect.c's words table); dissect_frame is
 * English, as tshark prints. */
void dissect_frame_in(enum link_type lt, const uint8_t *buf, size_t caplen, size_t wirelen, enum lang lang,
		      struct dissection *out);

const char *dissect_layer_name(enum dissect_layer_id id, enum lang lang);
const struct dissect_field_info *dissect_field_info(enum dissect_field_id id);
const char *dissect_field_name(enum dissect_field_id id, enum lang lang);

/* The layer holding byte off of the frame (the innermost), or -1. */
int dissect_layer_at(const struct dissection *d, uint32_t off);

#endif
