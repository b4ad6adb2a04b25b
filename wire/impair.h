/* impair.h: the wire's impairments as a pure model: delay, jitter, loss,
 * reordering and a rate limit, and the seeded random numbers that decide
 * each frame's fate. No I/O: the relay (relay.c) feeds it each frame's
 * direction, arrival time and length and sends the frame at the time it
 * answers, or drops it.
 *
 * Same seed, same fates: a frame's fate depends only on the seed, its
 * direction and its index in that direction (0 for the first frame the
 * wire carries from the client to the server, 0 again for the first one
 * back), never on the clock or on the other direction. The same frames in
 * the same order in each direction meet the same losses, reorderings and
 * jitter offsets. */
#ifndef SOCKLAB_WIRE_IMPAIR_H
#define SOCKLAB_WIRE_IMPAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <getopt.h>

enum impair_dir { IMPAIR_TO_SERVER, IMPAIR_TO_CLIENT };

struct impair_cfg {
	uint64_t delay_ns;    /* one way, each direction */
	uint64_t jitter_ns;   /* each frame's delay is delay +- up to jitter (uniform) */
	uint32_t loss_ppm;    /* frames lost, per million */
	uint32_t reorder_ppm; /* frames sent at once, ahead of the delayed ones, per million */
	uint64_t rate_kbit;   /* 0: no limit; else each direction carries at most this */
	uint64_t seed;
	bool enabled;         /* a wire switch was given: the lab runs on two hosts */
	bool seeded;          /* --seed given (else the lab picks one and says it) */
};

struct impair_fate {
	uint64_t index;      /* the frame's index in its direction */
	bool lost;
	bool reordered;
	uint64_t send_at_ns; /* when to send it (the clock of now_ns) */
};

struct impair {
	struct impair_cfg cfg;
	struct {
		uint64_t next_index;
		uint64_t last_send_ns; /* delayed frames leave in order */
		uint64_t busy_until_ns; /* the rate limit: the link is sending until then */
	} dir[2];
};

void impair_init(struct impair *m, const struct impair_cfg *cfg);
/* The fate of the next frame of direction d, arriving at now_ns, len bytes
 * long (the whole Ethernet frame). */
void impair_decide(struct impair *m, enum impair_dir d, uint64_t now_ns, size_t len, struct impair_fate *out);
/* Is frame index of direction d lost with this configuration? What
 * impair_decide says for it, without running the frames before it. */
bool impair_lost_at(const struct impair_cfg *cfg, enum impair_dir d, uint64_t index);
/* How long a frame may take to cross: delay + jitter + the time a full
 * queue of queue_frames frames of mtu bytes takes at the rate + margin. */
uint64_t impair_horizon_ns(const struct impair_cfg *cfg, size_t queue_frames, size_t mtu);

/* ---- drop rules: a lesson's "lose exactly this frame" ----
 * A rule drops the next count frames of direction dir that are IPv4 TCP
 * segments matching it: with flags, the TCP flags exactly (as a lesson's
 * expect: writes them, SYN, SYN|ACK, FIN|ACK ...); with data, a segment
 * that carries payload. The relay asks the rules before the model: a frame
 * a rule drops takes no index in its direction (the seed's fates are those
 * of the frames the rules let through). A lesson writes one as
 * "wire: drop c2s SYN", "wire: drop s2c data count=3", "wire: drop c2s data skip=1" (the
 * second data segment) (ui/lesson parses
 * it); docs/wire.md. */
enum { IMPAIR_MAX_RULES = 4 };

struct impair_rule {
	enum impair_dir dir;
	bool has_flags;
	uint8_t flags;  /* TCP flag bits (FIN 0x01 ... URG 0x20), exact */
	bool data;      /* only segments with payload */
	uint32_t skip;  /* matching frames still to let through before dropping */
	uint32_t count; /* frames still to drop; 0: used up */
};

/* Does the Ethernet frame (len bytes) of direction d match r (its count
 * aside)? Reads the bytes through bounds-checked accessors: a short or
 * foreign frame (ARP, IPv6, a fragment) never matches. */
bool impair_rule_matches(const struct impair_rule *r, enum impair_dir d, const unsigned char *frame, size_t len);
/* The first rule of rules[0..n) with frames left that the frame matches
 * takes it: lets it through while its skip lasts (skip goes down), else
 * drops it (count goes down); true: drop the frame. */
bool impair_rules_take(struct impair_rule *rules, size_t n, enum impair_dir d, const unsigned char *frame,
		       size_t len);

/* The wire switches, one table for socklab live, demo and lesson:
 * --delay MS --jitter MS --loss PCT --reorder PCT --rate KBIT --seed N. */
enum { IMPAIR_NSWITCHES = 6 };
/* Appends the switches to a getopt_long table at out[0..IMPAIR_NSWITCHES),
 * their values base, base + 1, ... */
void impair_longopts(struct option *out, int base);
/* Takes switch number i (val - base) with its value; returns 0, or -1 with
 * err ("--loss 120: expected a percentage from 0 to 100"). */
int impair_parse_switch(int i, const char *value, struct impair_cfg *cfg, char *err, size_t n);
/* The number of switch name ("delay", "loss" ...), or -1. */
int impair_switch_index(const char *name);
/* One line for --help: the switches and what they do. */
extern const char impair_usage[];
/* "delay 100 ms, jitter 0 ms, loss 5%, reorder 0%, rate unlimited, seed 42" */
void impair_describe(const struct impair_cfg *cfg, char *buf, size_t n);

#endif
