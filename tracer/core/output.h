/* output.h: trace events and the kernel view's events -> text timeline
 * lines and JSON Lines records (docs/trace-format.md). Pure formatting into
 * caller buffers; no I/O. */
#ifndef SOCKLAB_OUTPUT_H
#define SOCKLAB_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow.h"
#include "kview.h"
#include "wirepair.h"

#define OUTPUT_LINE_MAX 2048

/* How records are written: explain adds the sentence of each "why" and
 * "note" key to JSON ("text", "note_text"); lang picks the language of every
 * sentence (the text timeline always has them). NULL means neither. */
struct output_cache;

struct output_style {
	bool explain;
	enum lang lang;
	struct output_cache *cache; /* endpoint text per connection, or NULL (output_cache_new) */
};

/* Each connection's client and server text ("[2001:db8::1]:8080"), kept
 * so that a trace formats them once per connection instead of once per
 * record (inet_ntop for every IPv6 packet was 9% of socklab-trace -r
 * --json). A fixed table, slots taken over by newer connections. */
struct output_cache *output_cache_new(void);
void output_cache_free(struct output_cache *c);

/* One JSON object (no newline) for a PACKET or STATE event; CONN_END gives a
 * "conn_end" record. Returns the length written, or -1 if buf is too small. */
int output_json(const struct trace_event *ev, const struct output_style *st, char *buf, size_t n);

/* One readable line (no newline) with time relative to t0_ns. */
int output_text(const struct trace_event *ev, uint64_t t0_ns, const struct output_style *st, char *buf, size_t n);

/* One --summary line for a CONN_END event. */
int output_summary(const struct trace_event *ev, char *buf, size_t n);

struct capture_stats {
	uint64_t seen;      /* frames handed to the decoder */
	uint64_t tcp;       /* TCP segments decoded */
	uint64_t dropped;   /* dropped by the kernel (pcap_stats ps_drop) */
	uint64_t if_dropped;
	uint64_t truncated; /* headers cut short */
	uint64_t invalid;   /* malformed headers */
	uint64_t not_tcp;
	uint64_t icmp;      /* ICMP/ICMPv6 errors quoting a TCP segment */
	uint64_t time_carried; /* records whose fraction of a second was 1 s or more: carried
				* into the seconds (a writer's bug), the packet kept */
	uint64_t connections;
	uint64_t kernel_lost; /* --kernel: the kernel's records not kept (kview_lost) */
};
int output_stats_json(const struct capture_stats *s, uint64_t ts_ns, char *buf, size_t n);

/* The first record of a trace or recording: {"type":"format","ts_ns":...,
 * "version":OUTPUT_FORMAT_VERSION,"producer":...}. Version 2: explanations
 * are keys. */
#define OUTPUT_FORMAT_VERSION 2
int output_format_json(const char *producer, uint64_t ts_ns, char *buf, size_t n);
int output_stats_text(const struct capture_stats *s, enum lang lang, char *buf, size_t n);

/* A two-point wire's pairing counters: a "wire" record
 * ({"type":"wire","ts_ns":...,"paired":N,"lost":N,"unsent":N,"evicted":N,
 * "peak_waiting":N}) or its text line. */
int output_wire_json(const struct wirepair_stats *s, uint64_t ts_ns, char *buf, size_t n);
int output_wire_text(const struct wirepair_stats *s, char *buf, size_t n);

/* The kernel's view: a "kernel" or "kernel_check" JSON record
 * (docs/trace-format.md), or a text timeline line with time relative to
 * t0_ns. Return the length, or -1 if buf is too small. */
/* An ARP request or reply (an "arp" record, docs/trace-format.md) as JSON,
 * and as a text timeline line: "0.000000 ARP who-has 10.77.0.2 tell
 * 10.77.0.1 (from aa:bb:..)", "ARP 10.77.0.2 is-at aa:bb:..". */
int output_arp_json(const struct arp_packet *a, uint64_t ts_ns, char *buf, size_t n);
int output_arp_text(const struct arp_packet *a, uint64_t ts_ns, uint64_t t0_ns, char *buf, size_t n);
/* An ARP frame on a two-host wire (two capture points): its send and
 * arrival times (0: not seen) and the hosts that saw them ("client",
 * "server"). The "arp" record at the send carries both times (or
 * "lost":true); the one at the arrival says "arrival":true. Text:
 * "0.000000 client ARP who-has .. (arrived 0.100200, +100.2 ms)" and
 * "0.100200 server <- ARP who-has .. arrived (+100.2 ms)". */
struct arp_wire {
	uint64_t sent_ns, arrived_ns;
	const char *sent_at, *arrived_at;
	bool arrival;
};
int output_arp_wire_json(const struct arp_packet *a, const struct arp_wire *w, char *buf, size_t n);
int output_arp_wire_text(const struct arp_packet *a, const struct arp_wire *w, uint64_t t0_ns, char *buf, size_t n);
/* The words alone, "ARP who-has 10.77.0.2 tell 10.77.0.1", onto o. */
struct outbuf;
void output_arp_words(struct outbuf *o, const struct arp_packet *a);

int output_kernel_json(const struct kview_event *ev, char *buf, size_t n);
int output_kernel_text(const struct kview_event *ev, uint64_t t0_ns, char *buf, size_t n);

#endif
