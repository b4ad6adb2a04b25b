/* wire.h: two hosts and a wire between them. The lab's client runs on the
 * client host (10.77.0.1, iface eth0), its server on the server host
 * (10.77.0.2, eth0): two network namespaces, each with a veth whose peer is
 * in a third, the wire, where the relay (relay.h) carries every frame
 * (ARP too: layer 2 all the way) with the impairments asked for. docs/wire.md.
 *
 * Nothing outlives the lab: the namespaces are held by descriptors (never
 * pinned in /run/netns), the relay process ("socklab-wire") dies with the
 * lab (PR_SET_PDEATHSIG), and with the namespaces go the veths. As root the
 * namespaces are plain; a normal user's lab first enters a user namespace
 * of its own (netns_user). Edge. */
#ifndef SOCKLAB_WIRE_WIRE_H
#define SOCKLAB_WIRE_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "impair.h"
#include "relay.h"

enum wire_host { WIRE_CLIENT, WIRE_SERVER };

struct wire_opts {
	struct impair_cfg impair;
	const char *log_path; /* the relay's line per frame (relay.h), or NULL */
};

struct wire;

/* Cleans what an earlier run left (wire_cleanup), then makes the hosts and
 * starts the relay; NULL with err on failure (and nothing left behind).
 * Call it before any thread starts (a user namespace needs that). */
struct wire *wire_open(const struct wire_opts *o, char *err, size_t n);
/* The namespace of a host, held open by the wire. */
int wire_netns_fd(const struct wire *w, enum wire_host h);
const char *wire_addr(enum wire_host h); /* "10.77.0.1", "10.77.0.2" */
const char *wire_host_name(enum wire_host h); /* "client", "server" */
#define WIRE_IFACE "eth0"
/* How long a frame may take to cross the wire (impair_horizon_ns). */
uint64_t wire_horizon_ns(const struct wire *w);
const struct impair_cfg *wire_impair(const struct wire *w); /* with the seed in use */
bool wire_userns(const struct wire *w); /* the lab is in a user namespace of its own */
pid_t wire_relay_pid(const struct wire *w);
/* For a child the lab forked, before it drops privileges and execs: moves
 * it into the host's namespace. 0, or -1 with err. */
int wire_enter(const struct wire *w, enum wire_host h, char *err, size_t n);
/* Replaces the relay's drop rules (impair.h) with rules[0..nrules) (0:
 * none) and returns once the relay holds them, so a frame sent after it
 * meets them. 0, or -1 with err. */
int wire_drop(struct wire *w, const struct impair_rule *rules, size_t nrules, char *err, size_t n);
/* Stops the relay, reads its counters into st (may be NULL), closes the
 * namespaces and removes the file wire_publish wrote. NULL is accepted.
 * Returns 0, or -1 with err when the relay had failed. */
int wire_close(struct wire *w, struct relay_stats *st, char *err, size_t n);

/* What an earlier run left that can still be found: relay processes
 * ("socklab-wire") of this user whose lab is gone, and the lab file of a
 * lab no longer running. Returns how many were cleaned. */
int wire_cleanup(void);

/* socklab host: the file "wire" next to the lab's event channel chan (in
 * the user's private runtime directory) that tells `socklab host
 * client|server -- CMD` where the running lab's hosts are: its pid and
 * the descriptors holding them. owner >= 0: the uid the directory is given
 * to (root's lab under sudo). 0, or -1 with err. */
int wire_publish(struct wire *w, const char *chan, int owner, char *err, size_t n);
/* In `socklab host`: finds the lab through the file next to chan, enters
 * its user namespace (if it has one) and host h's network namespace. 0, or
 * -1 with err. */
int wire_join(const char *chan, enum wire_host h, char *err, size_t n);
/* "client" or "server" -> the host; -1 for anything else. */
int wire_host_parse(const char *s);

#endif
