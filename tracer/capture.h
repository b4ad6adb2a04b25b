/* capture.h: the libpcap edge. Opens a live interface or a pcap/pcapng
 * file, keeps libpcap's types to itself, decodes every frame and hands TCP
 * segments to a callback. Shared by socklab-trace and the socklab UI. */
#ifndef SOCKLAB_CAPTURE_H
#define SOCKLAB_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "output.h"

struct capture_opts {
	const char *iface;      /* live interface ("lo" when neither is set) */
	const char *file;       /* read this pcap/pcapng instead of capturing */
	const char *filter;     /* BPF filter, or NULL */
	int port;               /* > 0: shorthand for "tcp port PORT" */
	const char *write_path; /* -w: also write every captured frame here (pcap) */
	/* Live only. true: each packet is handed over as it arrives (a person
	 * watches the screen), at the cost of a wake-up per packet. false:
	 * libpcap batches packets for up to CAPTURE_BATCH_MS, so a connection
	 * storm costs a wake-up per batch, not per packet. */
	bool immediate;
	/* Live only, with in_netns: open the capture on iface inside the
	 * network namespace netns_fd (a host of a two-host wire). The calling
	 * thread enters it for the open and comes back; the socket stays
	 * bound to that namespace's interface. Needs CAP_SYS_ADMIN over the
	 * namespace's owning user namespace (root, or the unprivileged user
	 * namespace that made it). */
	bool in_netns;
	int netns_fd;
};

/* How late a batched (not immediate) live capture may hand a packet over:
 * the kernel hands over a block of packets once it is full or this old. */
#define CAPTURE_BATCH_MS 100

struct capture;

/* Opens the capture; on failure returns NULL with a one-line reason in err
 * ("capture on lo: permission denied (run as root or `make setcap`)"). */
struct capture *capture_open(const struct capture_opts *opts, char *err, size_t errlen);

/* A descriptor to poll() for readability in live mode, or -1. */
int capture_fd(const struct capture *c);

/* "lo", or the file name: for status lines. */
const char *capture_source(const struct capture *c);
/* The filter in force, as a status line shows it ("" for none): -p PORT's
 * ICMP part in words ("tcp port 8080 + icmp errors", "... + arp" on a link
 * with ARP), not its BPF. */
const char *capture_filter(const struct capture *c);
/* The same words with the ICMP part named as the caller's language has it
 * ("tcp port 8080 + " icmp_words), into buf; returns buf. */
const char *capture_filter_words(const struct capture *c, const char *icmp_words, char *buf, size_t n);
int capture_is_live(const struct capture *c);

/* Called for each decoded TCP segment; frame/caplen are the raw bytes. */
typedef void (*capture_segment_fn)(const struct segment *seg, uint64_t ts_ns, void *ctx);

/* Called for each ARP request or reply on an Ethernet or Linux cooked link,
 * with capture_dispatch's ctx (the frame is capture_current_frame's too).
 * Without one, ARP frames are only counted (not_tcp). */
typedef void (*capture_arp_fn)(const struct arp_packet *arp, uint64_t ts_ns, void *ctx);
void capture_set_arp(struct capture *c, capture_arp_fn fn);

/* The frame being handled, as captured: valid only inside a
 * capture_segment_fn callback (the UI's recorder keeps packets with it). */
struct capture_frame {
	const uint8_t *bytes;
	uint32_t caplen, wirelen;
	enum link_type link;
};
/* Returns 0, or -1 outside a callback. */
int capture_current_frame(const struct capture *c, struct capture_frame *out);

/* Handles up to max frames (max <= 0: all that are ready / the whole file).
 * Returns the number handled, 0 when none were ready, CAPTURE_EOF at the end
 * of a file, or -1 with err filled (the interface went away, a corrupt file). */
#define CAPTURE_EOF (-2)
int capture_dispatch(struct capture *c, int max, capture_segment_fn fn, void *ctx, char *err,
		     size_t errlen);

/* Makes capture_dispatch return promptly (safe from a signal handler). */
void capture_breakloop(struct capture *c);

/* Counters so far; kernel drops are read from libpcap for live captures. */
void capture_get_stats(struct capture *c, struct capture_stats *out);

void capture_close(struct capture *c);

#endif
