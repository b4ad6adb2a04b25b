/* relay.h: the wire's userspace relay (used where the kernel has no
 * sch_netem): two AF_PACKET sockets on the middle namespace's veths, each
 * frame given its fate by the impairment model (impair.h) and sent out the
 * other veth at its time, from one poll loop with a timerfd. Each
 * direction's queue holds RELAY_QUEUE frames; a frame that finds it full
 * is dropped and counted. Edge (sockets); the decisions are impair.c's. */
#ifndef SOCKLAB_WIRE_RELAY_H
#define SOCKLAB_WIRE_RELAY_H

#include <stdint.h>
#include <stdio.h>

#include "impair.h"

#define RELAY_QUEUE 1000   /* frames per direction, as netem's default limit */
#define RELAY_FRAME_MAX 2048 /* longer frames (offloads left on) are dropped and counted */

struct relay_stats {
	uint64_t rx[2];        /* frames received, by direction (impair_dir) */
	uint64_t sent[2];
	uint64_t lost[2];      /* lost by the model (--loss) */
	uint64_t dropped[2];   /* dropped by a drop rule (a lesson's wire: drop) */
	uint64_t reordered[2]; /* sent ahead (--reorder) */
	uint64_t overflow[2];  /* dropped: the queue was full */
	uint64_t oversize;     /* dropped: longer than RELAY_FRAME_MAX */
	uint64_t send_errors;  /* the kernel refused to send (ENOBUFS...) */
	uint64_t kernel_drops; /* frames the kernel dropped before the relay read them (full socket buffer) */
};

/* The counters in one line: "carried 30 frames to the server and 23 back;
 * lost 0, dropped 4 by drop rules, 0 (queue full) and 0 (relay too slow)". */
void relay_stats_describe(const struct relay_stats *st, char *buf, size_t n);

/* A packet socket on ifname that does not see its own frames go out;
 * returns it, or -1 with err. */
int relay_port(const char *ifname, char *err, size_t n);
/* What the lab sends the relay on ctl: the drop rules (impair.h) that
 * replace the ones it had (nrules 0: none); the relay answers one byte
 * once they hold. Any other message (the lab's "q") stops the relay. */
struct relay_rules_msg {
	char op; /* 'r' */
	uint32_t nrules;
	struct impair_rule rules[IMPAIR_MAX_RULES];
};

/* Relays until a stop message arrives on ctl (which it reads) or ctl closes: frames received on
 * port[IMPAIR_TO_SERVER] (the veth to the client) go out port[IMPAIR_TO_CLIENT]
 * (the veth to the server) and back. log (or NULL): a line per frame,
 * "DIR INDEX LEN FATE DELAY_US" (DIR '>' to the server, '<' to the client;
 * FATE sent, lost, reordered, overflow; a frame a drop rule took is
 * "DIR - LEN dropped 0": it has no index). Returns 0, or -1 with err. */
int relay_run(const int port[2], const struct impair_cfg *cfg, int ctl, FILE *log, struct relay_stats *st,
	      char *err, size_t n);

#endif
