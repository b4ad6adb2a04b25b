/* flow.c: the flow table (flow.h).
 *
 * Memory: flows come from growing slabs (reused once released), none per packet. A chained hash
 * table, doubled when its load passes 1, finds a flow by its 4-tuple, hashed
 * so both directions land in the same bucket. Every flow sits on an
 * intrusive LRU list (idle expiry and eviction at max_flows take from its
 * least recently active end) and, while a timer runs, on one of two FIFOs:
 * TIME_WAIT or closed-linger. Each timer has a fixed length, so a FIFO is in
 * deadline order and expiring costs O(expired), never O(flows). */
#include "flow.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "json.h"

#define NS_PER_SEC 1000000000ull

/* An intrusive doubly linked list; a node alone points to itself. */
struct dlink {
	struct dlink *prev, *next;
};

static void dlink_init(struct dlink *l)
{
	l->prev = l->next = l;
}

static bool dlink_empty(const struct dlink *l)
{
	return l->next == l;
}

static void dlink_remove(struct dlink *l)
{
	l->prev->next = l->next;
	l->next->prev = l->prev;
	dlink_init(l);
}

static void dlink_append(struct dlink *head, struct dlink *l)
{
	l->prev = head->prev;
	l->next = head;
	head->prev->next = l;
	head->prev = l;
}

#define FLOW_OF(link, member) ((struct flow *)((char *)(link) - offsetof(struct flow, member)))

/* Which SYNs an endpoint sent, so a repeat is seen as a retransmission. */
enum { SENT_SYN = 1, SENT_SYNACK = 2 };

/* What an endpoint received but has not yet shown it took in: a capture
 * point can see a segment leave without it ever arriving (dropped after
 * the capture, or lost on the wire), so the receiver's transition waits
 * for evidence, its ACK or its reply. */
enum { PEND_SYNACK = 1, PEND_FIN = 2, PEND_ACK_AFTER_FIN = 4 };

/* On a two-point wire, what an endpoint was seen to receive: a SYN or FIN
 * arriving again is a retransmission only for a receiver that got the
 * first (the first copy may have been lost on the wire). */
enum { GOT_SYN = 1, GOT_SYNACK = 2, GOT_FIN = 4 };

/* One endpoint: its machine and what its segments told us. */
struct side {
	enum tcp_state state;
	uint32_t isn;         /* initial sequence number (guessed when joined mid-stream) */
	uint32_t snd_nxt;     /* highest seq + len (+1 for SYN, FIN) sent: the peer's RCV.NXT */
	uint32_t acked;       /* highest ack it sent, with has_acked: its RCV.NXT as shown */
	uint32_t fin_rel_ack; /* the held-back FIN's ack, for its why */
	uint64_t pend_ts;     /* when what is held back arrived, as far as the wire shows: the
			       * last copy captured, or later if the endpoint sent after it
			       * without acknowledging it */
	uint32_t fin_seq;     /* sequence number of its FIN, with fin_sent */
	uint32_t rcv_wnd;     /* last window it advertised, scaled */
	struct state_path path;
	uint16_t syn_data;    /* bytes of data on its SYN that the peer has not acknowledged */
	uint8_t syns;         /* SENT_SYN | SENT_SYNACK */
	uint8_t pending;      /* PEND_*: received, arrival not yet shown */
	uint8_t got;          /* GOT_*: on a two-point wire, what it was seen to receive */
	uint8_t wscale;       /* window shift from its SYN, with has_wscale */
	bool has_wscale, isn_known, fin_sent, has_acked;
	bool resent;          /* it sent a SYN or FIN again: its timers run (see icmp_hold) */
};

struct flow {
	struct flow *hash_next;
	struct dlink lru;   /* least recently active first */
	struct dlink timer; /* on the TIME_WAIT or the linger FIFO, or alone */
	uint64_t timer_deadline;
	uint64_t last_ts;
	uint32_t hash;
	uint32_t conn;
	uint32_t packets;
	struct endpoint client, server;
	bool ended;          /* CONN_END sent: kept only to recognise late segments */
	bool icmp_held;      /* an ICMP error waits in the table's holds (see hold_icmp) */
	struct side side[2]; /* indexed by enum tcp_role */
};

_Static_assert(sizeof(struct flow) <= 256, "a tracked flow must cost at most 256 bytes");

/* Flows are allocated many at a time: the first slab holds FLOW_SLAB_MIN
 * (about 54 KiB), each next one twice the one before, up to FLOW_SLAB_MAX
 * (about 1.7 MiB). One malloc for many connections instead of a calloc
 * each, and neighbours in memory. */
#define FLOW_SLAB_MIN 256
#define FLOW_SLAB_MAX 8192

struct flow_slab {
	struct flow_slab *next;
	size_t count;
	struct flow flows[];
};

/* An ICMP error about the first copy of a segment that would abort the
 * connection if the socket was free. Linux (tcp_v4_err) only notes it as a
 * soft error when the socket is busy, i.e. its program is inside a call on
 * it, which is always so on loopback: the error comes back while connect()
 * is still sending the SYN. The wire tells which later: the segment sent
 * again (not aborted), or nothing more (aborted). */
#define ICMP_HOLDS 64
#define ICMP_SETTLE_NS (1500 * 1000000ull) /* past Linux's first SYN retransmission (1 s) */

struct icmp_hold {
	struct flow *f;
	uint64_t ts;
	struct segment seg;
	enum tcp_role xr;
};

/* A segment of a two-point wire that left its sender and arrives at its
 * receiver later: the receiver's part waits for the table's time to pass
 * arrived (flow_table_wire_segment). */
struct arrival {
	uint64_t at;        /* arrived_ns */
	uint64_t sent;      /* sent_ns (0: not captured leaving) */
	uint64_t order;     /* ties: in the order sent */
	uint32_t conn;
	enum tcp_role yr;   /* the receiver */
	struct tcpfsm_input in; /* the facts as the sender sent it */
	bool sent_again;    /* sequence space the sender had sent before (see flow_segment) */
	struct segment seg; /* headers only (payload NULL) */
};

struct flow_table {
	struct flow_config cfg;
	struct arrival *arrivals; /* a min-heap by (at, order) */
	size_t narrivals, arrivals_cap;
	uint64_t arrivals_sent;
	struct icmp_hold holds[ICMP_HOLDS];
	size_t nholds;
	struct flow *free_flows; /* released flows kept for reuse (linked by hash_next): no
				  * malloc and free per connection once the table is warm */
	struct flow_slab *slabs; /* every slab, newest first; flows are handed out of the */
	size_t slab_used;        /* newest one in order, once the free list is empty */
	struct flow **buckets;
	size_t mask; /* bucket count - 1, the count a power of two */
	struct dlink lru, time_wait, linger;
	uint32_t next_conn;
	struct flow_table_stats stats;
};

struct sink {
	event_sink_fn fn;
	void *ctx;
};

static void settle_icmp(struct flow_table *t, struct flow *f, bool busy, const struct sink *out);

/* State changes one segment causes, reported after its PACKET event. */
struct changes {
	int n;
	enum tcp_role role[8];
	struct tcpfsm_change c[8];
	uint64_t at[8]; /* when it happened, if not at the segment's own time (0) */
};

void flow_config_default(struct flow_config *cfg)
{
	cfg->max_flows = 1000000;
	cfg->time_wait_ns = 60 * NS_PER_SEC;
	cfg->idle_timeout_ns = 0; /* never: a long silence is no new connection */
	cfg->closed_linger_ns = 5 * NS_PER_SEC;
}

/* ts + d, saturating: a huge timeout means "never". */
static uint64_t deadline(uint64_t ts, uint64_t d)
{
	return ts > UINT64_MAX - d ? UINT64_MAX : ts + d;
}

/* Sequence numbers compare modulo 2^32 (RFC 9293 3.4). */
static bool seq_before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

/* Asks the kernel for all of [p, p + n)'s pages at once: a storm of new
 * connections otherwise takes a page fault every 19 flows, and on a
 * virtual machine a fault costs microseconds. Best effort: a kernel before
 * 5.14 (no MADV_POPULATE_WRITE) faults the pages in one by one as before. */
static void memory_populate(void *p, size_t n)
{
#ifdef MADV_POPULATE_WRITE
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t from = ((uintptr_t)p + page - 1) & ~(page - 1);
	uintptr_t to = ((uintptr_t)p + n) & ~(page - 1);

	if (to > from)
		(void)madvise((void *)from, to - from, MADV_POPULATE_WRITE);
#else
	(void)p;
	(void)n;
#endif
}

/* Symmetric, so both directions of a connection hash the same. */
static uint32_t tuple_hash(const struct endpoint *a, const struct endpoint *b)
{
	return (uint32_t)hash_mix64(endpoint_hash(a) + endpoint_hash(b));
}

static struct flow *flow_find(const struct flow_table *t, uint32_t h, const struct segment *seg,
			      bool *from_client)
{
	for (struct flow *f = t->buckets[h & t->mask]; f; f = f->hash_next) {
		if (f->hash != h)
			continue;
		if (endpoint_equal(&f->client, &seg->src) && endpoint_equal(&f->server, &seg->dst)) {
			*from_client = true;
			return f;
		}
		if (endpoint_equal(&f->server, &seg->src) && endpoint_equal(&f->client, &seg->dst)) {
			*from_client = false;
			return f;
		}
	}
	return NULL;
}

/* Doubles the bucket array; on allocation failure chains just grow longer. */
static void table_grow(struct flow_table *t)
{
	size_t n = (t->mask + 1) * 2;
	struct flow **b = calloc(n, sizeof(*b));

	if (!b)
		return;
	memory_populate(b, n * sizeof(*b));
	for (size_t i = 0; i <= t->mask; i++) {
		struct flow *f = t->buckets[i], *next;

		for (; f; f = next) {
			next = f->hash_next;
			f->hash_next = b[f->hash & (n - 1)];
			b[f->hash & (n - 1)] = f;
		}
	}
	free(t->buckets);
	t->buckets = b;
	t->mask = n - 1;
}

static void flow_release(struct flow_table *t, struct flow *f)
{
	struct flow **pp = &t->buckets[f->hash & t->mask];

	for (size_t i = 0; f->icmp_held && i < t->nholds;)
		if (t->holds[i].f == f)
			t->holds[i] = t->holds[--t->nholds];
		else
			i++;

	while (*pp != f)
		pp = &(*pp)->hash_next;
	*pp = f->hash_next;
	dlink_remove(&f->lru);
	dlink_remove(&f->timer);
	f->hash_next = t->free_flows;
	t->free_flows = f;
	t->stats.live--;
}

/* Makes *ev an event of f with every other field zero: copied from a
 * zero constant in place, since gcc clears a compound literal's 200 bytes
 * with rep stos (slow to start) and a returned struct is copied again;
 * this runs for every packet and state change. */
static void event_init(struct trace_event *ev, const struct flow *f, enum trace_event_kind kind, uint64_t ts)
{
	static const struct trace_event none;

	*ev = none;
	ev->kind = kind;
	ev->ts_ns = ts;
	ev->conn = f->conn;
	ev->client = f->client;
	ev->server = f->server;
}

static void report_end(const struct flow *f, const char *reason, uint64_t ts, const struct sink *out)
{
	struct trace_event ev;

	event_init(&ev, f, EVENT_CONN_END, ts);

	ev.client_path = f->side[ROLE_CLIENT].path;
	ev.server_path = f->side[ROLE_SERVER].path;
	ev.end_reason = reason;
	ev.packets = f->packets;
	out->fn(&ev, out->ctx);
}

static bool in_time_wait(const struct flow *f)
{
	return f->side[ROLE_CLIENT].state == TCPS_TIME_WAIT || f->side[ROLE_SERVER].state == TCPS_TIME_WAIT;
}

/* (Re)starts the 2MSL timer: the flow goes to the tail of the FIFO. */
static void start_time_wait(struct flow_table *t, struct flow *f, uint64_t ts)
{
	f->timer_deadline = deadline(ts, t->cfg.time_wait_ns);
	dlink_remove(&f->timer);
	dlink_append(&t->time_wait, &f->timer);
}

/* Reports one state change (already made) and keeps the state path and
 * the TIME_WAIT FIFO in step with it. Only the active closer enters
 * TIME_WAIT (the second FIN's sender has always received the first), so a
 * flow waits on one 2MSL timer. */
static void report_change(struct flow_table *t, struct flow *f, enum tcp_role role,
			  const struct tcpfsm_change *c, uint64_t ts, const struct sink *out)
{
	struct trace_event ev;

	event_init(&ev, f, EVENT_STATE, ts);

	state_path_push(&f->side[role].path, c->to);
	if (c->to == TCPS_TIME_WAIT)
		start_time_wait(t, f, ts);
	else if (c->from == TCPS_TIME_WAIT && !in_time_wait(f))
		dlink_remove(&f->timer);
	ev.role = role;
	ev.from = c->from;
	ev.to = c->to;
	ev.why = c->why;
	ev.why_seq = c->seq;
	ev.why_ack = c->ack;
	out->fn(&ev, out->ctx);
}

/* Applies a transition no segment causes; returns 1 if it applied. */
static int apply_event(struct flow *f, enum tcp_role role, enum tcpfsm_event ev, struct tcpfsm_change *c)
{
	return tcpfsm_apply_event(&f->side[role].state, role, ev, c);
}

static void queue_event(struct flow *f, enum tcp_role role, enum tcpfsm_event ev, struct changes *ch)
{
	int n = apply_event(f, role, ev, &ch->c[ch->n]);

	if (n) {
		ch->at[ch->n] = 0;
		ch->role[ch->n++] = role;
	}
}

/* Applies in to role's machine; the changes happened at time at (0: at the
 * time of the segment being handled). */
static int queue_step_at(struct flow *f, enum tcp_role role, const struct tcpfsm_input *in, struct changes *ch,
			 uint64_t at)
{
	int n = tcpfsm_step(&f->side[role].state, role, in, &ch->c[ch->n]);

	for (int i = 0; i < n; i++) {
		ch->at[ch->n] = at;
		ch->role[ch->n++] = role;
	}
	return n;
}

static int queue_step(struct flow *f, enum tcp_role role, const struct tcpfsm_input *in, struct changes *ch)
{
	return queue_step_at(f, role, in, ch, 0);
}

/* Evicts the least recently active flow to make room. */
static void evict_one(struct flow_table *t, uint64_t ts, const struct sink *out)
{
	struct flow *f = FLOW_OF(t->lru.next, lru);

	settle_icmp(t, f, false, out);
	if (!f->ended) {
		report_end(f, "evicted", ts, out);
		t->stats.evicted++;
	}
	flow_release(t, f);
}

static void side_init(struct side *s, enum tcp_state initial)
{
	s->state = initial;
	state_path_push(&s->path, initial);
}

/* A new flow. The client is the side that sent the first SYN; joined
 * mid-stream there is none, so the side with the lower port (ties: the
 * destination) is taken as the server: servers listen on well-known or
 * configured ports, clients get high ephemeral ones. */
static struct flow *flow_create(struct flow_table *t, uint32_t h, const struct segment *seg, bool opening,
				uint64_t ts, const struct sink *out)
{
	bool synack = (seg->flags & (TCP_SYN | TCP_ACK | TCP_RST)) == (TCP_SYN | TCP_ACK);
	bool src_is_client = opening || (!synack && seg->src.port >= seg->dst.port);
	struct flow *f;

	while (t->stats.live >= t->cfg.max_flows && !dlink_empty(&t->lru))
		evict_one(t, ts, out);
	f = t->free_flows;
	if (f) {
		t->free_flows = f->hash_next;
	} else {
		if (!t->slabs || t->slab_used == t->slabs->count) {
			size_t count = t->slabs ? t->slabs->count * 2 : FLOW_SLAB_MIN;
			struct flow_slab *slab;

			if (count > FLOW_SLAB_MAX)
				count = FLOW_SLAB_MAX;
			slab = malloc(sizeof(*slab) + count * sizeof(struct flow));
			if (!slab)
				return NULL;
			slab->count = count;
			memory_populate(slab, sizeof(*slab) + count * sizeof(struct flow));
			slab->next = t->slabs;
			t->slabs = slab;
			t->slab_used = 0;
		}
		f = &t->slabs->flows[t->slab_used++];
	}
	memset(f, 0, sizeof(*f));
	f->client = src_is_client ? seg->src : seg->dst;
	f->server = src_is_client ? seg->dst : seg->src;
	f->hash = h;
	f->conn = ++t->next_conn;
	/* Caught at the SYN|ACK, the client had sent its SYN (3.10.1 OPEN). */
	side_init(&f->side[ROLE_CLIENT], synack ? TCPS_SYN_SENT : TCPS_CLOSED);
	if (synack) {
		struct side *c = &f->side[ROLE_CLIENT];

		c->isn = seg->ack - 1;
		c->snd_nxt = seg->ack;
		c->isn_known = true;
		c->syns = SENT_SYN;
	}
	/* A SYN to a port implies a listener; a RST or a SYN of its own
	 * later shows there was none (see retract_listener). */
	side_init(&f->side[ROLE_SERVER], opening || synack ? TCPS_LISTEN : TCPS_CLOSED);
	dlink_init(&f->timer);
	dlink_append(&t->lru, &f->lru);
	f->hash_next = t->buckets[h & t->mask];
	t->buckets[h & t->mask] = f;
	t->stats.total++;
	if (++t->stats.live > t->stats.peak)
		t->stats.peak = t->stats.live;
	if (t->stats.live > t->mask + 1)
		table_grow(t);
	return f;
}

/* Each side's ISN comes from its SYN. Without one (joined mid-stream, or a
 * RST answering a SYN) it is guessed so that relative numbers start at 1,
 * as Wireshark does; an ACK tells the receiver's ISN the same way. */
static void learn_isns(struct side *x, struct side *y, const struct segment *seg)
{
	if (!x->isn_known) {
		x->isn = seg->flags & TCP_SYN ? seg->seq : seg->seq - 1;
		x->snd_nxt = seg->seq;
		x->isn_known = true;
	}
	if ((seg->flags & TCP_ACK) && !y->isn_known) {
		y->isn = seg->ack - 1;
		y->snd_nxt = seg->ack;
		y->isn_known = true;
	}
}

/* The sequence-space facts the machines need, for a segment from x to y,
 * from what x and y sent before it. */
static void read_facts(const struct side *x, const struct side *y, const struct segment *seg,
		       struct tcpfsm_input *in)
{
	bool ack = seg->flags & TCP_ACK;

	in->flags = seg->flags;
	in->rel_seq = seg->seq - x->isn;
	in->rel_ack = ack ? seg->ack - y->isn : 0;
	in->retransmission = ((seg->flags & TCP_SYN) && seg->seq == x->isn &&
			      (x->syns & (ack ? SENT_SYNACK : SENT_SYN))) ||
			     ((seg->flags & TCP_FIN) && x->fin_sent && seg->seq + seg->len == x->fin_seq);
	/* 3.10.7.3 and 3.10.7.4 fifth: an ACK is acceptable only for
	 * something sent (SND.UNA < SEG.ACK =< SND.NXT). */
	bool ack_ok = ack && !seq_before(y->snd_nxt + y->syn_data, seg->ack);

	in->acks_syn = ack_ok && y->syns && seq_before(y->isn, seg->ack);
	in->acks_fin = ack_ok && y->fin_sent && seq_before(y->fin_seq, seg->ack);
	if (y->state == TCPS_SYN_SENT) /* 3.10.7.3: the RST must acknowledge the SYN */
		in->rst_acceptable = ack && seg->ack == y->isn + 1;
	else /* 3.10.7.4 first: exactly RCV.NXT, as far as the wire shows it: all
	      * that x sent, or what y's own ACKs said it expects (Linux:
	      * tcp_validate_incoming; RCV.NXT-1 after a FIN) */
		in->rst_acceptable = seg->seq == x->snd_nxt ||
				     (y->state >= TCPS_ESTABLISHED && y->has_acked && (seg->seq == y->acked ||
						       (x->fin_sent && seg->seq == y->acked - 1)));
}

/* Records what x just sent: its SYN (and window scale), its FIN, how far
 * its data reaches and the window it offers. */
static void track_sent(struct side *x, struct side *y, const struct segment *seg)
{
	uint8_t fl = seg->flags;
	uint32_t end = seg->seq + seg->len;

	/* x acknowledges the data on y's SYN: Fast Open took it. */
	if ((fl & TCP_ACK) && y->syn_data && seq_before(y->snd_nxt, seg->ack) &&
	    !seq_before(y->snd_nxt + y->syn_data, seg->ack)) {
		y->snd_nxt = seg->ack;
		y->syn_data = 0;
	}
	if ((fl & TCP_ACK) && !(fl & TCP_RST) && (!x->has_acked || seq_before(x->acked, seg->ack))) {
		x->acked = seg->ack;
		x->has_acked = true;
	}
	if (fl & TCP_RST)
		return; /* a RST takes no sequence space and offers no window */
	if (fl & TCP_SYN) {
		x->syns |= fl & TCP_ACK ? SENT_SYNACK : SENT_SYN;
		x->has_wscale = seg->opt.has & TCPOPT_HAS_WSCALE;
		x->wscale = seg->opt.wscale > 14 ? 14 : seg->opt.wscale; /* RFC 7323 2.3 */
		/* Data on a SYN is taken only with Fast Open; until the peer
		 * acknowledges it, the peer's RCV.NXT is just past the SYN. */
		x->syn_data = seg->len > UINT16_MAX ? UINT16_MAX : (uint16_t)seg->len;
		end = seg->seq + 1;
	}
	if (fl & TCP_FIN) {
		if (!x->fin_sent) {
			x->fin_sent = true;
			x->fin_seq = end;
		}
		end++;
	}
	if (seq_before(x->snd_nxt, end))
		x->snd_nxt = end;
	/* RFC 7323 2.2: scaling applies when both SYNs offered it, never to a SYN. */
	if ((fl & TCP_SYN) || !(x->has_wscale && y->has_wscale))
		x->rcv_wnd = seg->win;
	else
		x->rcv_wnd = (uint32_t)seg->win << x->wscale;
}

/* A server still in LISTEN that sends a RST (a refused SYN) or a SYN of its
 * own (simultaneous open) never had a listening socket: its path starts
 * over at CLOSED, with no state event, since nothing changed on that host. */
static void retract_listener(struct side *server, const struct segment *seg)
{
	bool bare_syn = (seg->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN;

	if (server->state != TCPS_LISTEN || !((seg->flags & TCP_RST) || bare_syn))
		return;
	server->state = TCPS_CLOSED;
	server->path = (struct state_path){ 0 };
	state_path_push(&server->path, TCPS_CLOSED);
}

/* Why a RST the receiver y did not accept changed nothing. */
static enum tcp_why rst_note(const struct side *x, const struct side *y, const struct segment *seg)
{
	if (y->state == TCPS_CLOSED || y->state == TCPS_LISTEN)
		return WHY_NONE;
	if (y->state == TCPS_SYN_SENT)
		return NOTE_RST_NOT_ACKING_SYN;
	return seg->seq - x->snd_nxt < y->rcv_wnd ? NOTE_RST_CHALLENGE : NOTE_RST_OUTSIDE;
}

/* Both endpoints are CLOSED: report the end now, but keep the flow a
 * little, so that a segment still in flight (or the RST answering it) is
 * shown as late instead of opening a bogus mid-stream connection. */
static void end_closed(struct flow_table *t, struct flow *f, uint64_t ts, const struct sink *out)
{
	report_end(f, "closed", ts, out);
	f->ended = true;
	f->timer_deadline = deadline(ts, t->cfg.closed_linger_ns);
	dlink_remove(&f->timer);
	dlink_append(&t->linger, &f->timer);
}

/* The peer's ACK of x's FIN that came behind the peer's own held-back FIN
 * (PEND_ACK_AFTER_FIN) takes effect: after that FIN when the FIN arrived
 * first (in order), before it when the FIN had been lost and is resent. */
static void release_held_ack(struct flow *f, enum tcp_role xr, struct changes *ch)
{
	struct side *x = &f->side[xr];
	const struct tcpfsm_input in = { .flags = TCP_ACK, .acks_fin = true, .rel_ack = x->fin_seq + 1 - x->isn };

	if (!(x->pending & PEND_ACK_AFTER_FIN))
		return;
	x->pending &= (uint8_t)~PEND_ACK_AFTER_FIN;
	queue_step(f, xr, &in, ch);
}

/* What x's segment shows about what x received before: an ACK that covers
 * a held-back SYN|ACK or FIN shows it arrived, so its transition happens
 * now; a bare RST answering a held-back SYN|ACK shows x's socket was gone.
 * A segment that does not cover it (x's own FIN crossing the peer's, an
 * old ACK while the FIN is being retransmitted) leaves it held. */
static void settle_pending(struct flow *f, enum tcp_role xr, const struct segment *seg, uint64_t ts,
			   struct changes *ch)
{
	struct side *x = &f->side[xr], *y = &f->side[!xr];
	/* It arrived when it was captured unless x has said otherwise since:
	 * the change goes where it happened, on the row of that segment. A
	 * crossing ACK held back with it makes the order unclear: now. */
	uint64_t at = x->pending & PEND_ACK_AFTER_FIN ? 0 : x->pend_ts;
	bool covers;

	if (!x->pending)
		return;
	if (seg->flags & TCP_RST) {
		if ((x->pending & PEND_SYNACK) && !(seg->flags & TCP_ACK) && seg->seq == x->isn + 1)
			queue_event(f, xr, TCPFSM_GONE_IN_SYN_SENT, ch);
		x->pending = 0; /* a RST ends what x had, whatever it received */
		return;
	}
	if (!(seg->flags & TCP_ACK)) {
		x->pend_ts = ts; /* a SYN again: the SYN|ACK has not arrived yet */
		return;
	}
	if ((x->pending & PEND_SYNACK) && !seq_before(y->isn, seg->ack))
		x->pend_ts = ts;
	if ((x->pending & PEND_SYNACK) && seq_before(y->isn, seg->ack)) {
		/* 3.10.7.3: the SYN|ACK arrived; x is synchronized. */
		const struct tcpfsm_input in = { .flags = TCP_SYN | TCP_ACK, .acks_syn = true, .rel_ack = 1 };

		x->pending &= (uint8_t)~PEND_SYNACK;
		queue_step_at(f, xr, &in, ch, at);
	}
	covers = y->fin_sent && seq_before(y->fin_seq, seg->ack);
	if ((x->pending & PEND_FIN) && !covers)
		x->pend_ts = ts; /* x sent this without having the FIN */
	if ((x->pending & PEND_FIN) && !(x->pending & PEND_SYNACK) && covers) {
		/* 3.10.7.4 eighth: the FIN arrived (its ACK shows it). */
		const struct tcpfsm_input in = { .flags = TCP_FIN, .rel_seq = y->fin_seq - y->isn,
						 .rel_ack = x->fin_rel_ack };

		x->pending &= (uint8_t)~PEND_FIN;
		queue_step_at(f, xr, &in, ch, at);
		release_held_ack(f, xr, ch);
	}
}

/* The part of a segment y takes in now, and what is held back for
 * settle_pending: a SYN|ACK that would synchronize a client in SYN_SENT,
 * and a new FIN. */
static void hold_back(struct side *y, struct tcpfsm_input *in, uint64_t ts)
{
	if (y->state == TCPS_SYN_SENT && (in->flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK) &&
	    in->acks_syn) {
		y->pending |= PEND_SYNACK;
		y->pend_ts = ts;
		in->flags &= (uint8_t)~(TCP_SYN | TCP_ACK);
		in->acks_syn = false;
	}
	if ((in->flags & TCP_FIN) && !in->retransmission && !(in->flags & TCP_RST)) {
		y->pending |= PEND_FIN;
		y->pend_ts = ts;
		y->fin_rel_ack = in->rel_ack;
		in->flags &= (uint8_t)~TCP_FIN;
		in->carries_fin = true;
	}
}

/* One segment from side xr of flow f: facts, both machines, events. */
static void queue_arrival(struct flow_table *t, const struct flow *f, enum tcp_role yr, const struct segment *seg,
			  const struct tcpfsm_input *in, bool sent_again, uint64_t sent, uint64_t at);

/* When a segment seen at two points (flow_table_wire_segment) left and
 * arrived; NULL for one capture point. */
struct wire_times {
	uint64_t sent_ns, arrived_ns;
};

/* A segment of a two-point wire from x to y: the notes its send shows. */
static enum tcp_why wire_note(const struct side *y, const struct segment *seg, const struct tcpfsm_input *in)
{
	if ((seg->flags & TCP_FIN) && !in->retransmission && in->acks_fin && y->state == TCPS_FIN_WAIT_1)
		return NOTE_THREE_SEGMENT_CLOSE;
	if ((seg->flags & TCP_FIN) && !in->retransmission && y->fin_sent && !in->acks_fin)
		return NOTE_FINS_CROSSED;
	return WHY_NONE;
}

/* One segment from side xr of flow f: facts, both machines, events. With
 * wire, only the sender's machine now; the receiver's at its arrival. */
static void flow_segment(struct flow_table *t, struct flow *f, const struct segment *seg, enum tcp_role xr,
			 bool joined, uint64_t ts, const struct sink *out, const struct wire_times *wire)
{
	enum tcp_role yr = xr == ROLE_CLIENT ? ROLE_SERVER : ROLE_CLIENT;
	struct side *x = &f->side[xr], *y = &f->side[yr];
	struct tcpfsm_input in = { 0 }, taken;
	enum tcp_why note = f->ended ? NOTE_LATE : WHY_NONE;
	bool first = f->packets == 0;
	struct trace_event ev;
	struct changes ch;
	enum tcp_state x_before;
	int y_changes;
	bool sent_again;

	ch.n = 0;
	f->packets++;
	f->last_ts = ts;
	dlink_remove(&f->lru);
	dlink_append(&t->lru, &f->lru);
	if (joined) {
		queue_event(f, ROLE_CLIENT, TCPFSM_JOINED_MIDSTREAM, &ch);
		queue_event(f, ROLE_SERVER, TCPFSM_JOINED_MIDSTREAM, &ch);
	}
	learn_isns(x, y, seg);
	read_facts(x, y, seg, &in);
	/* Data x had sent before (RACK or fast retransmit, a tail loss probe,
	 * the RTO) is marked as a retransmission too. Kept apart from
	 * in.retransmission, which the machines read: a first FIN riding on
	 * resent data still counts. */
	sent_again = in.retransmission ||
		     (seg->len > 0 && !(seg->flags & TCP_SYN) && seq_before(seg->seq, x->snd_nxt));
	/* x sent again: the error did not abort it; unless x's kernel answers
	 * with a RST (the SYN|ACK found no socket): then it did. */
	for (size_t i = 0; f->icmp_held && i < t->nholds; i++)
		if (t->holds[i].f == f && t->holds[i].xr == xr)
			settle_icmp(t, f, !(seg->flags & TCP_RST), out);
	x->resent |= in.retransmission;
	settle_pending(f, xr, seg, ts, &ch);
	track_sent(x, y, seg);
	if (xr == ROLE_SERVER)
		retract_listener(x, seg);

	x_before = x->state;
	in.sent = true;
	/* A RST the receiver does not accept is no abort by the sender either:
	 * a stale duplicate, or not the sender's at all. */
	if (!(seg->flags & TCP_RST) || in.rst_acceptable)
		queue_step(f, xr, &in, &ch);
	if (!wire && x_before != TCPS_SYN_SENT && x->state == TCPS_SYN_SENT && (y->syns & SENT_SYN)) {
		/* Simultaneous open: the two SYNs crossed on the wire, so y's
		 * SYN reaches x after x's own left (RFC 9293 figure 7). */
		const struct tcpfsm_input crossed = { .flags = TCP_SYN };

		queue_step(f, xr, &crossed, &ch);
	}
	in.sent = false;
	if (wire) {
		if (note == WHY_NONE)
			note = wire_note(y, seg, &in);
		if (wire->arrived_ns)
			queue_arrival(t, f, yr, seg, &in, sent_again, wire->sent_ns, wire->arrived_ns);
		y_changes = 0;
		goto report;
	}
	taken = in;
	if ((y->pending & PEND_FIN) && (seg->flags & TCP_FIN) && in.retransmission) {
		release_held_ack(f, yr, &ch); /* x's FIN is resent: the first copy was lost */
		y->pend_ts = ts;              /* and this copy may be the one that arrives */
	}
	if ((y->pending & PEND_SYNACK) && (seg->flags & TCP_SYN) && in.retransmission)
		y->pend_ts = ts;
	if ((y->pending & PEND_FIN) && taken.acks_fin && x->fin_sent && seq_before(x->fin_seq, seg->seq)) {
		/* x's ACK of y's FIN comes from behind x's own FIN, which y has
		 * not yet shown it took in: which came first at y decides between
		 * CLOSING and FIN_WAIT_2, and is known only later. */
		y->pending |= PEND_ACK_AFTER_FIN;
		taken.acks_fin = false;
	}
	hold_back(y, &taken, ts);
	if (seg->flags & TCP_RST)
		y->pending = in.rst_acceptable ? 0 : y->pending;
	y_changes = queue_step(f, yr, &taken, &ch);

	if (note == WHY_NONE && y_changes == 1 && ch.c[ch.n - 1].from == TCPS_FIN_WAIT_1 &&
	    ch.c[ch.n - 1].to == TCPS_FIN_WAIT_2 && taken.carries_fin)
		note = NOTE_THREE_SEGMENT_CLOSE;
	if (note == WHY_NONE && (seg->flags & TCP_FIN) && !in.retransmission && y->fin_sent && !in.acks_fin)
		note = NOTE_FINS_CROSSED;
	if ((seg->flags & TCP_FIN) && y->state == TCPS_TIME_WAIT && y_changes == 0)
		start_time_wait(t, f, ts); /* the last ACK was lost: 2MSL again (3.10.7.4 eighth) */
report:
	if (note == WHY_NONE && first && (seg->flags & TCP_RST))
		note = NOTE_LONE_RST;
	if (note == WHY_NONE && first && (seg->flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK))
		note = NOTE_STARTED_AT_SYNACK;
	if (note == WHY_NONE && (seg->flags & TCP_RST) && !in.rst_acceptable)
		note = rst_note(x, y, seg);
	event_init(&ev, f, EVENT_PACKET, ts);
	if (wire) {
		ev.wire = true;
		ev.sent_ns = wire->sent_ns;
		ev.arrived_ns = wire->arrived_ns;
	}
	ev.seg = seg;
	ev.from_client = xr == ROLE_CLIENT;
	ev.rel_seq = in.rel_seq;
	ev.rel_ack = in.rel_ack;
	ev.peer_isn = y->isn;
	ev.win_scaled = x->rcv_wnd;
	ev.retransmission = sent_again;
	ev.midstream = joined;
	ev.note = note;
	out->fn(&ev, out->ctx);
	for (int i = 0; i < ch.n; i++)
		report_change(t, f, ch.role[i], &ch.c[i], ch.at[i] ? ch.at[i] : ts, out);
	if (!f->ended && x->state == TCPS_CLOSED && y->state == TCPS_CLOSED)
		end_closed(t, f, ts, out);
}

/* How Linux's TCP takes an ICMP error (tcp_v4_err, tcp_v6_err and, for a
 * half-open connection still in the listener's queue, tcp_req_err). */
enum icmp_class {
	ICMP_CLASS_NONE,  /* source quench, redirect, unknown codes: nothing */
	ICMP_CLASS_PMTU,  /* fragmentation needed, packet too big: a smaller path MTU */
	ICMP_CLASS_ERROR, /* aborts a connection being opened, soft once established */
	ICMP_CLASS_FATAL, /* also drops a half-open request (tcp_req_err's abort) */
};

static enum icmp_class icmp_class(const struct icmp_error *e)
{
	enum { V4_UNREACH = 3, V4_FRAG_NEEDED = 4, V4_NR_UNREACH = 15, V4_TIME_EXCEEDED = 11,
	       V4_PARAMETER_PROBLEM = 12, V6_UNREACH = 1, V6_TOO_BIG = 2, V6_TIME_EXCEEDED = 3,
	       V6_PARAMETER_PROBLEM = 4 };

	if (e->version == 4) {
		if (e->type == V4_TIME_EXCEEDED || e->type == V4_PARAMETER_PROBLEM)
			return ICMP_CLASS_FATAL;
		if (e->type != V4_UNREACH || e->code > V4_NR_UNREACH)
			return ICMP_CLASS_NONE;
		if (e->code == V4_FRAG_NEEDED)
			return ICMP_CLASS_PMTU;
		return e->code <= 1 ? ICMP_CLASS_FATAL : ICMP_CLASS_ERROR; /* net, host unreachable */
	}
	switch (e->type) {
	case V6_UNREACH: /* icmpv6_err_convert: no route, beyond scope, address unreachable are not fatal */
		return e->code == 0 || e->code == 2 || e->code == 3 ? ICMP_CLASS_ERROR : ICMP_CLASS_FATAL;
	case V6_TOO_BIG:
		return ICMP_CLASS_PMTU;
	case V6_TIME_EXCEEDED:
		return ICMP_CLASS_ERROR;
	case V6_PARAMETER_PROBLEM:
		return ICMP_CLASS_FATAL;
	}
	return ICMP_CLASS_NONE;
}

const char *icmp_effect_name(enum icmp_effect e)
{
	switch (e) {
	case ICMP_IGNORED: return "ignored";
	case ICMP_SOFT: return "soft";
	case ICMP_ABORT: return "abort";
	}
	return "ignored";
}

/* Linux takes an ICMP error only for a sequence number x has sent and not
 * had acknowledged: between SND.UNA and SND.NXT (a half-open request: its
 * ISN exactly). SND.UNA is what the peer's ACKs show. */
static bool icmp_seq_ok(const struct side *x, const struct side *y, enum tcp_role xr, uint32_t seq)
{
	uint32_t una = x->state != TCPS_SYN_SENT && y->has_acked ? y->acked : x->isn;

	if (xr == ROLE_SERVER && x->state == TCPS_SYN_RCVD)
		return seq == x->isn;
	return seq - una <= x->snd_nxt - una;
}

/* What the error does to x, as Linux decides it; the note says why. */
static enum icmp_effect icmp_judge(const struct side *x, const struct side *y, enum tcp_role xr,
				   const struct segment *seg, enum tcp_why *note)
{
	enum icmp_class cls = icmp_class(&seg->icmp);

	*note = WHY_NONE;
	if (x->state == TCPS_CLOSED || x->state == TCPS_LISTEN || x->state == TCPS_TIME_WAIT)
		*note = NOTE_ICMP_NO_CONNECTION; /* no socket to tell, or a TIME_WAIT one that ignores it */
	else if (!icmp_seq_ok(x, y, xr, seg->seq))
		*note = NOTE_ICMP_OUT_OF_WINDOW;
	else if (cls == ICMP_CLASS_PMTU)
		*note = NOTE_ICMP_PMTU;
	else if (cls == ICMP_CLASS_NONE)
		*note = NOTE_ICMP_NOT_ACTED_ON;
	else if (x->state == TCPS_SYN_SENT || (x->state == TCPS_SYN_RCVD && (xr == ROLE_CLIENT || cls == ICMP_CLASS_FATAL)))
		return ICMP_ABORT;
	else if (x->state == TCPS_SYN_RCVD)
		*note = NOTE_ICMP_HALF_OPEN_KEPT;
	else
		*note = NOTE_ICMP_SOFT;
	return *note == NOTE_ICMP_SOFT ? ICMP_SOFT : ICMP_IGNORED;
}

/* Reports an ICMP error about x's segment with its effect, and makes the
 * abort it causes. */
static void report_icmp(struct flow_table *t, struct flow *f, enum tcp_role xr, const struct segment *seg,
			enum icmp_effect effect, enum tcp_why note, uint64_t ts, const struct sink *out)
{
	struct side *x = &f->side[xr], *y = &f->side[!xr];
	struct trace_event ev;

	event_init(&ev, f, EVENT_ICMP, ts);
	struct tcpfsm_change c;

	ev.seg = seg;
	ev.from_client = xr == ROLE_CLIENT;
	ev.rel_seq = seg->seq - x->isn;
	ev.rel_ack = seg->icmp.quoted_full && (seg->flags & TCP_ACK) ? seg->ack - y->isn : 0;
	ev.peer_isn = y->isn;
	ev.icmp_effect = effect;
	ev.note = note;
	out->fn(&ev, out->ctx);
	if (effect != ICMP_ABORT || !apply_event(f, xr, TCPFSM_ICMP_ABORT, &c))
		return;
	c.seq = ev.rel_seq;
	x->pending = 0;
	report_change(t, f, xr, &c, ts, out);
	/* A SYN nobody answered: no listener was ever shown to be there. */
	if (xr == ROLE_CLIENT && y->state == TCPS_LISTEN && !y->syns)
		retract_listener(y, &(const struct segment){ .flags = TCP_RST });
	if (x->state == TCPS_CLOSED && y->state == TCPS_CLOSED)
		end_closed(t, f, ts, out);
}

/* Settles f's held ICMP error: an abort, or (busy) only a soft error. */
static void settle_icmp(struct flow_table *t, struct flow *f, bool busy, const struct sink *out)
{
	for (size_t i = 0; f->icmp_held && i < t->nholds; i++) {
		struct icmp_hold h = t->holds[i];

		if (h.f != f)
			continue;
		t->holds[i] = t->holds[--t->nholds];
		f->icmp_held = false;
		report_icmp(t, f, h.xr, &h.seg, busy ? ICMP_SOFT : ICMP_ABORT, busy ? NOTE_ICMP_SOCKET_BUSY : WHY_NONE,
			    h.ts, out);
	}
}

/* Held errors old enough that the segment would have been sent again by
 * now: the connection was aborted. */
static void settle_icmp_due(struct flow_table *t, uint64_t now, const struct sink *out)
{
	for (size_t i = 0; i < t->nholds;) {
		struct flow *f = t->holds[i].f;

		if (now - t->holds[i].ts < ICMP_SETTLE_NS || now < t->holds[i].ts) {
			i++;
			continue;
		}
		settle_icmp(t, f, false, out); /* moves the last hold into slot i */
	}
}

/* An ICMP error quoting a segment: matched to its connection by the
 * quoted 4-tuple, reported as an ICMP event, and, when it aborts an
 * opening connection, the state change. An abort about the first copy of
 * a segment waits for the wire to show whether the socket was busy. */
static void flow_icmp(struct flow_table *t, const struct segment *seg, uint64_t ts, const struct sink *out)
{
	bool from_client = true;
	struct flow *f = flow_find(t, tuple_hash(&seg->src, &seg->dst), seg, &from_client);
	enum tcp_role xr = from_client ? ROLE_CLIENT : ROLE_SERVER;
	struct trace_event ev = { .kind = EVENT_ICMP, .ts_ns = ts, .client = seg->src, .server = seg->dst,
				  .seg = seg, .from_client = true, .rel_seq = seg->seq, .rel_ack = seg->ack,
				  .icmp_effect = ICMP_IGNORED, .note = NOTE_ICMP_NO_CONNECTION };
	enum icmp_effect effect;
	enum tcp_why note;

	if (!f || f->ended) {
		out->fn(&ev, out->ctx);
		return;
	}
	effect = icmp_judge(&f->side[xr], &f->side[!xr], xr, seg, &note);
	if (effect == ICMP_ABORT && !f->icmp_held && !(xr == ROLE_SERVER && f->side[xr].state == TCPS_SYN_RCVD) &&
	    !f->side[xr].resent) {
		if (t->nholds == ICMP_HOLDS)
			settle_icmp(t, t->holds[0].f, false, out);
		t->holds[t->nholds++] = (struct icmp_hold){ f, ts, *seg, xr };
		f->icmp_held = true;
		return;
	}
	if (f->icmp_held) /* a second error before the first settled: the first was only soft */
		settle_icmp(t, f, true, out);
	report_icmp(t, f, xr, seg, effect, note, ts, out);
}

/* Whether a SYN (no ACK) from side xr starts a new connection on f's
 * 4-tuple. A repeat of the sender's earlier SYN (same ISN) is a
 * retransmission. Otherwise it is new when both endpoints are CLOSED or in
 * TIME_WAIT, and also when its sender had a connection here: a host sends
 * a bare SYN only from CLOSED, when connect() opens (RFC 9293 3.10.1; or on
 * a port whose old connection sits in TIME_WAIT, Linux's tcp_tw_reuse), and
 * sends it again with the same ISN. So a new ISN from a sender the table
 * still holds open means its old connection ended where the capture did
 * not see it (a capture that dropped the last FIN and ACK under a storm,
 * or a connect() that gave up in SYN_SENT); taking the SYN into the old
 * flow would fold the whole new connection into the old one. A server
 * still in LISTEN that sends a SYN is a simultaneous open (3.5). */
static bool starts_new_connection(const struct flow *f, enum tcp_role xr, uint32_t seq)
{
	const struct side *x = &f->side[xr], *y = &f->side[!xr];

	if ((x->syns & SENT_SYN) && seq == x->isn)
		return false;
	if (x->state == TCPS_LISTEN)
		return false;
	if (x->state != TCPS_CLOSED)
		return true;
	return y->state == TCPS_CLOSED || y->state == TCPS_TIME_WAIT;
}

/* Ends flow f with ev (a way out of TIME_WAIT) applied to its endpoints,
 * then its CONN_END, and frees it. */
static void end_time_wait(struct flow_table *t, struct flow *f, enum tcpfsm_event ev, const char *reason,
			  uint64_t ts, const struct sink *out)
{
	for (int r = ROLE_CLIENT; r <= ROLE_SERVER; r++) {
		struct tcpfsm_change c;

		if (apply_event(f, r, ev, &c))
			report_change(t, f, r, &c, ts, out);
	}
	report_end(f, reason, ts, out);
	flow_release(t, f);
}

/* The old connection on a 4-tuple a new SYN from side xr takes over ends
 * first. An endpoint in TIME_WAIT leaves it (the SYN really ends it, RFC
 * 6191); the sender, if the table still holds it open, closed before its
 * SYN (starts_new_connection). A receiver the capture last saw open keeps
 * its state: only its own segments could tell, and they were not captured;
 * the end's reason says the 4-tuple was reused rather than closed. */
static void end_for_new_syn(struct flow_table *t, struct flow *f, enum tcp_role xr, uint64_t ts,
			    const struct sink *out)
{
	struct tcpfsm_change c;

	if (!f->ended) /* sent again with a new ISN: the first attempt was over */
		settle_icmp(t, f, false, out);
	if (f->ended) {
		flow_release(t, f);
		return;
	}
	if (apply_event(f, xr, TCPFSM_SENT_NEW_SYN, &c))
		report_change(t, f, xr, &c, ts, out);
	end_time_wait(t, f, TCPFSM_TIME_WAIT_REUSED,
		      f->side[!xr].state == TCPS_CLOSED || f->side[!xr].state == TCPS_TIME_WAIT ? "closed"
											 : "4-tuple reused",
		      ts, out);
}

/* TIME_WAIT whose 2MSL is over goes to CLOSED, stamped with the time it
 * ran out, and the flow ends. */
static void expire_time_wait(struct flow_table *t, uint64_t now, const struct sink *out)
{
	while (!dlink_empty(&t->time_wait)) {
		struct flow *f = FLOW_OF(t->time_wait.next, timer);

		if (f->timer_deadline > now)
			break;
		end_time_wait(t, f, TCPFSM_TIME_WAIT_EXPIRED, "time_wait expired", f->timer_deadline, out);
	}
}

static void expire_linger(struct flow_table *t, uint64_t now)
{
	while (!dlink_empty(&t->linger)) {
		struct flow *f = FLOW_OF(t->linger.next, timer);

		if (f->timer_deadline > now)
			break;
		flow_release(t, f);
	}
}

static void expire_idle(struct flow_table *t, uint64_t now, const struct sink *out)
{
	if (t->cfg.idle_timeout_ns == 0)
		return;
	while (!dlink_empty(&t->lru)) {
		struct flow *f = FLOW_OF(t->lru.next, lru);
		uint64_t due = deadline(f->last_ts, t->cfg.idle_timeout_ns);

		if (due > now)
			break;
		settle_icmp(t, f, false, out);
		if (!f->ended)
			report_end(f, "idle", due, out);
		flow_release(t, f);
	}
}

struct flow_table *flow_table_new(const struct flow_config *cfg)
{
	struct flow_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->cfg = *cfg;
	if (t->cfg.max_flows == 0)
		t->cfg.max_flows = 1;
	t->mask = 1023;
	t->buckets = calloc(t->mask + 1, sizeof(*t->buckets));
	if (!t->buckets) {
		free(t);
		return NULL;
	}
	dlink_init(&t->lru);
	dlink_init(&t->time_wait);
	dlink_init(&t->linger);
	return t;
}

void flow_table_free(struct flow_table *t)
{
	if (!t)
		return;
	while (!dlink_empty(&t->lru))
		flow_release(t, FLOW_OF(t->lru.next, lru));
	while (t->slabs) {
		struct flow_slab *slab = t->slabs;

		t->slabs = slab->next;
		free(slab);
	}
	free(t->buckets);
	free(t->arrivals);
	free(t);
}

static bool arrival_before(const struct arrival *a, const struct arrival *b)
{
	return a->at < b->at || (a->at == b->at && a->order < b->order);
}

static void queue_arrival(struct flow_table *t, const struct flow *f, enum tcp_role yr, const struct segment *seg,
			  const struct tcpfsm_input *in, bool sent_again, uint64_t sent, uint64_t at)
{
	struct arrival a = { .at = at, .sent = sent, .order = t->arrivals_sent++, .conn = f->conn, .yr = yr, .in = *in,
			     .sent_again = sent_again, .seg = *seg };
	size_t i;

	if (t->narrivals == t->arrivals_cap) {
		size_t n = t->arrivals_cap ? t->arrivals_cap * 2 : 64;
		struct arrival *p = realloc(t->arrivals, n * sizeof(*p));

		if (!p)
			return; /* out of memory: the receiver's part goes untracked */
		t->arrivals = p;
		t->arrivals_cap = n;
	}
	a.seg.payload = NULL;
	a.seg.payload_caplen = 0;
	for (i = t->narrivals++; i > 0 && arrival_before(&a, &t->arrivals[(i - 1) / 2]); i = (i - 1) / 2)
		t->arrivals[i] = t->arrivals[(i - 1) / 2];
	t->arrivals[i] = a;
}

static void arrival_pop(struct flow_table *t, struct arrival *out)
{
	struct arrival last;
	size_t i = 0;

	*out = t->arrivals[0];
	last = t->arrivals[--t->narrivals];
	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= t->narrivals)
			break;
		if (c + 1 < t->narrivals && arrival_before(&t->arrivals[c + 1], &t->arrivals[c]))
			c++;
		if (!arrival_before(&t->arrivals[c], &last))
			break;
		t->arrivals[i] = t->arrivals[c];
		i = c;
	}
	if (t->narrivals)
		t->arrivals[i] = last;
}

/* A segment arrives at its receiver y: y's machine takes it in at a->at.
 * A SYN or FIN y got before is a retransmission for y; one whose first
 * copy was lost is new to it. */
static void arrive(struct flow_table *t, const struct arrival *a, const struct sink *out)
{
	uint32_t h = tuple_hash(&a->seg.src, &a->seg.dst);
	bool from_client;
	struct flow *f = flow_find(t, h, &a->seg, &from_client);
	struct tcpfsm_input in = a->in;
	struct side *y;
	uint8_t got = 0;
	struct changes ch;
	struct trace_event ev;

	if (!f || f->conn != a->conn)
		return; /* the connection was released (evicted, or its 4-tuple reused) */
	y = &f->side[a->yr];
	if (in.flags & TCP_SYN)
		got = in.flags & TCP_ACK ? GOT_SYNACK : GOT_SYN;
	if ((in.flags & TCP_FIN) && !(in.flags & TCP_RST))
		got |= GOT_FIN;
	in.retransmission = got && (y->got & got) == got;
	y->got |= got;
	ch.n = 0;
	f->last_ts = a->at;
	event_init(&ev, f, EVENT_ARRIVAL, a->at);
	ev.seg = &a->seg;
	ev.from_client = a->yr == ROLE_SERVER;
	ev.rel_seq = in.rel_seq;
	ev.rel_ack = in.rel_ack;
	ev.peer_isn = y->isn;
	ev.retransmission = a->sent_again;
	ev.wire = true;
	ev.sent_ns = a->sent;
	ev.arrived_ns = a->at;
	out->fn(&ev, out->ctx);
	if (!queue_step(f, a->yr, &in, &ch) && (in.flags & TCP_FIN) && y->state == TCPS_TIME_WAIT)
		start_time_wait(t, f, a->at); /* the last ACK was lost: 2MSL again (3.10.7.4 eighth) */
	for (int i = 0; i < ch.n; i++)
		report_change(t, f, ch.role[i], &ch.c[i], a->at, out);
	if (!f->ended && f->side[ROLE_CLIENT].state == TCPS_CLOSED && f->side[ROLE_SERVER].state == TCPS_CLOSED)
		end_closed(t, f, a->at, out);
}

/* Every arrival due by now, in time order. */
static void run_arrivals(struct flow_table *t, uint64_t now, const struct sink *out)
{
	while (t->narrivals && t->arrivals[0].at <= now) {
		struct arrival a;

		arrival_pop(t, &a);
		expire_time_wait(t, a.at, out);
		arrive(t, &a, out);
	}
}

/* The flow seg belongs to (a new one if none), and which side sent it;
 * NULL when out of memory. */
static struct flow *flow_of(struct flow_table *t, const struct segment *seg, uint64_t ts_ns, const struct sink *out,
			    enum tcp_role *xr, bool *joined)
{
	bool opening = (seg->flags & (TCP_SYN | TCP_ACK | TCP_RST)) == TCP_SYN;
	uint32_t h = tuple_hash(&seg->src, &seg->dst);
	bool from_client = true, created = false;
	struct flow *f = flow_find(t, h, seg, &from_client);

	if (f && opening && starts_new_connection(f, from_client ? ROLE_CLIENT : ROLE_SERVER, seg->seq)) {
		end_for_new_syn(t, f, from_client ? ROLE_CLIENT : ROLE_SERVER, ts_ns, out);
		f = NULL;
	}
	if (!f) {
		f = flow_create(t, h, seg, opening, ts_ns, out);
		if (!f)
			return NULL;
		from_client = endpoint_equal(&f->client, &seg->src);
		created = true;
	}
	*xr = from_client ? ROLE_CLIENT : ROLE_SERVER;
	*joined = created && !opening && !(seg->flags & (TCP_RST | TCP_SYN));
	return f;
}

void flow_table_wire_segment(struct flow_table *t, const struct segment *seg, uint64_t sent_ns,
			     uint64_t arrived_ns, event_sink_fn sink, void *ctx)
{
	const struct sink out = { sink, ctx };
	const struct wire_times wire = { sent_ns, arrived_ns };
	uint64_t ts = sent_ns ? sent_ns : arrived_ns;
	enum tcp_role xr;
	bool joined;
	struct flow *f;

	flow_table_tick(t, ts, sink, ctx);
	if (seg->icmp.version) {
		flow_icmp(t, seg, ts, &out);
		return;
	}
	f = flow_of(t, seg, ts, &out, &xr, &joined);
	if (f)
		flow_segment(t, f, seg, xr, joined, ts, &out, &wire);
}

void flow_table_segment(struct flow_table *t, const struct segment *seg, uint64_t ts_ns,
			event_sink_fn sink, void *ctx)
{
	const struct sink out = { sink, ctx };
	enum tcp_role xr;
	bool joined;
	struct flow *f;

	flow_table_tick(t, ts_ns, sink, ctx);
	if (seg->icmp.version) {
		flow_icmp(t, seg, ts_ns, &out);
		return;
	}
	f = flow_of(t, seg, ts_ns, &out, &xr, &joined);
	if (f) /* else out of memory: the segment goes untracked */
		flow_segment(t, f, seg, xr, joined, ts_ns, &out, NULL);
}

void flow_table_tick(struct flow_table *t, uint64_t now_ns, event_sink_fn sink, void *ctx)
{
	const struct sink out = { sink, ctx };

	run_arrivals(t, now_ns, &out);
	settle_icmp_due(t, now_ns, &out);
	expire_time_wait(t, now_ns, &out);
	expire_linger(t, now_ns);
	expire_idle(t, now_ns, &out);
}

void flow_table_finish(struct flow_table *t, uint64_t now_ns, event_sink_fn sink, void *ctx)
{
	const struct sink out = { sink, ctx };

	run_arrivals(t, UINT64_MAX, &out); /* what left before the end arrived before the end */
	flow_table_tick(t, now_ns, sink, ctx);
	while (!dlink_empty(&t->lru)) {
		struct flow *f = FLOW_OF(t->lru.next, lru);

		settle_icmp(t, f, false, &out);
		if (!f->ended)
			report_end(f, "capture ended", now_ns, &out);
		flow_release(t, f);
	}
}

void flow_table_stats(const struct flow_table *t, struct flow_table_stats *out)
{
	*out = t->stats;
	out->flow_bytes = sizeof(struct flow);
}

/* 4 bits a state, in one uint64_t. */
_Static_assert(TCP_NSTATES <= 16 && STATE_PATH_CAPACITY * 4 <= 64, "a state path packs 4-bit states");

void state_path_push(struct state_path *p, enum tcp_state s)
{
	if (p->len >= STATE_PATH_CAPACITY)
		return; /* a longer path keeps its first states */
	p->packed |= (uint64_t)s << (4 * p->len);
	p->len++;
}

enum tcp_state state_path_at(const struct state_path *p, unsigned i)
{
	return i < p->len ? (enum tcp_state)((p->packed >> (4 * i)) & 0xf) : TCPS_CLOSED;
}

void state_path_put(struct outbuf *o, const struct state_path *p)
{
	for (unsigned i = 0; i < p->len; i++) {
		if (i > 0)
			outbuf_char(o, '>');
		outbuf_lit(o, tcp_state_name(state_path_at(p, i)));
	}
}

const char *state_path_format(const struct state_path *p, char *buf, size_t n)
{
	char text[STATE_PATH_STRLEN];
	struct outbuf o = outbuf_at(text, sizeof(text), 0);
	size_t len;

	if (n == 0)
		return buf;
	state_path_put(&o, p);
	len = o.pos;
	if (len >= n) { /* cut before the '>' of the first state that does not fit */
		const char *sep = memrchr(text, '>', n);
		len = sep ? (size_t)(sep - text) : 0;
	}
	memcpy(buf, text, len);
	buf[len] = '\0';
	return buf;
}
