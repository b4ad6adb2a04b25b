/* wirepair.c: pairing a segment's two copies (wirepair.h).
 *
 * Memory: one pool of entries (an entry holds one segment: its first copy,
 * and the time of the second once seen), grown by doubling up to
 * max_copies, so nothing is allocated per segment once warm. Entries are
 * found by key in a chained hash (indices, not pointers, so the pool can
 * move) and kept on one list in send order (the time of their earlier
 * copy): the head is handed on once it is paired or its horizon passed. */
#include "wirepair.h"

#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX
#define NS_PER_SEC 1000000000ull

struct entry {
	union {
		struct segment seg;  /* the first copy's headers; payload in pay */
		struct arp_packet arp; /* is_arp */
	};
	uint8_t pay[WIREPAIR_PAYLOAD];
	uint64_t ts[2];              /* when each point saw it, with seen */
	uint64_t order;              /* its send time as far as known: the earlier copy */
	uint32_t hash;
	uint32_t hash_next;          /* chain of its bucket */
	uint32_t prev, next;         /* the send-order list, or the free list (next) */
	uint8_t seen;                /* bit p: point p saw it */
	bool is_arp;
};

struct wirepair {
	struct wirepair_config cfg;
	struct entry *pool;
	uint32_t *buckets; /* cap of them (a power of two) */
	uint32_t cap, used_top; /* pool size; entries ever used (the rest are untouched) */
	uint32_t free_list, head, tail;
	uint64_t now;
	struct endpoint host[2];
	bool host_known[2];
	struct wirepair_stats stats;
};

void wirepair_config_default(struct wirepair_config *cfg)
{
	cfg->max_copies = 65536;
	cfg->horizon_ns = NS_PER_SEC;
}

static uint32_t key_hash(const struct segment *s)
{
	uint64_t h = endpoint_hash(&s->src) * 31 + endpoint_hash(&s->dst);

	h = hash_mix64(h ^ ((uint64_t)s->seq << 32 | s->ack));
	h = hash_mix64(h ^ ((uint64_t)s->len << 32 | (uint64_t)s->ip_id << 16 | (uint64_t)s->flags << 8 | s->icmp.version));
	h = hash_mix64(h ^ ((s->opt.has & TCPOPT_HAS_TS) ? s->opt.ts_val : 0));
	return (uint32_t)h;
}

static bool same_key(const struct segment *a, const struct segment *b)
{
	bool ts_a = a->opt.has & TCPOPT_HAS_TS, ts_b = b->opt.has & TCPOPT_HAS_TS;

	return endpoint_equal(&a->src, &b->src) && endpoint_equal(&a->dst, &b->dst) && a->seq == b->seq &&
	       a->ack == b->ack && a->flags == b->flags && a->len == b->len && a->ip_id == b->ip_id &&
	       ts_a == ts_b && (!ts_a || a->opt.ts_val == b->opt.ts_val) && a->icmp.version == b->icmp.version &&
	       (!a->icmp.version || (a->icmp.type == b->icmp.type && a->icmp.code == b->icmp.code));
}

static uint32_t arp_hash(const struct arp_packet *a)
{
	uint64_t h = endpoint_hash(&a->sender_ip) * 31 + endpoint_hash(&a->target_ip), mac = 0;

	for (int i = 0; i < 6; i++)
		mac = mac << 8 | (uint64_t)(a->sender_mac[i] ^ a->target_mac[i]);
	return (uint32_t)hash_mix64(h ^ mac << 8 ^ a->op);
}

static bool same_arp(const struct arp_packet *a, const struct arp_packet *b)
{
	return a->op == b->op && memcmp(a->sender_mac, b->sender_mac, 6) == 0 &&
	       memcmp(a->target_mac, b->target_mac, 6) == 0 && endpoint_equal(&a->sender_ip, &b->sender_ip) &&
	       endpoint_equal(&a->target_ip, &b->target_ip);
}

static bool same_host(const struct endpoint *a, const struct endpoint *b)
{
	return a->family == b->family && memcmp(a->addr, b->addr, a->family == 6 ? 16 : 4) == 0;
}

struct wirepair *wirepair_new(const struct wirepair_config *cfg)
{
	struct wirepair *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->cfg = *cfg;
	if (w->cfg.max_copies < 2)
		w->cfg.max_copies = 2;
	if (w->cfg.max_copies > NONE / 2)
		w->cfg.max_copies = NONE / 2;
	w->free_list = w->head = w->tail = NONE;
	w->stats.copy_bytes = sizeof(struct entry) + sizeof(uint32_t);
	return w;
}

void wirepair_free(struct wirepair *w)
{
	if (!w)
		return;
	free(w->pool);
	free(w->buckets);
	free(w);
}

void wirepair_set_host(struct wirepair *w, int point, const struct endpoint *addr)
{
	w->host[point & 1] = *addr;
	w->host_known[point & 1] = true;
}

/* Doubles the pool (to at most max_copies) and rebuilds the buckets;
 * false when it cannot grow. */
static bool pool_grow(struct wirepair *w)
{
	uint32_t n = w->cap ? w->cap * 2 : 64;
	struct entry *pool;
	uint32_t *buckets;

	if (w->cap >= w->cfg.max_copies)
		return false;
	if (n > w->cfg.max_copies)
		n = (uint32_t)w->cfg.max_copies;
	pool = realloc(w->pool, (size_t)n * sizeof(*pool));
	if (!pool)
		return false;
	w->pool = pool;
	/* buckets: the next power of two at or above n */
	uint32_t nb = 1;
	while (nb < n)
		nb *= 2;
	buckets = malloc((size_t)nb * sizeof(*buckets));
	if (!buckets)
		return false;
	for (uint32_t i = 0; i < nb; i++)
		buckets[i] = NONE;
	for (uint32_t i = w->head; i != NONE; i = w->pool[i].next) {
		w->pool[i].hash_next = buckets[w->pool[i].hash & (nb - 1)];
		buckets[w->pool[i].hash & (nb - 1)] = i;
	}
	free(w->buckets);
	w->buckets = buckets;
	w->cap = n;
	return true;
}

static uint32_t nbuckets(const struct wirepair *w)
{
	uint32_t nb = 1;

	while (nb < w->cap)
		nb *= 2;
	return nb;
}

/* Where an unpaired copy seen at point p stands: sent from p's host
 * (lost), or arrived there (its send not captured). Unknown hosts: a
 * send, the case a wire with a loss shows. */
static bool sent_from(const struct wirepair *w, int p, const struct entry *e)
{
	const struct segment *s = &e->seg;

	if (e->is_arp) { /* the sender's host has the sender IP */
		if (w->host_known[p])
			return same_host(&e->arp.sender_ip, &w->host[p]);
		if (w->host_known[!p])
			return !same_host(&e->arp.sender_ip, &w->host[!p]);
		return true;
	}
	if (w->host_known[p])
		return !same_host(&s->dst, &w->host[p]);
	if (w->host_known[!p])
		return same_host(&s->dst, &w->host[!p]);
	return true;
}

static void list_unlink(struct wirepair *w, uint32_t i)
{
	struct entry *e = &w->pool[i];

	if (e->prev != NONE)
		w->pool[e->prev].next = e->next;
	else
		w->head = e->next;
	if (e->next != NONE)
		w->pool[e->next].prev = e->prev;
	else
		w->tail = e->prev;
}

/* Into the send-order list by e->order, from the tail (usually its place). */
static void list_insert(struct wirepair *w, uint32_t i)
{
	struct entry *e = &w->pool[i];
	uint32_t after = w->tail;

	while (after != NONE && w->pool[after].order > e->order)
		after = w->pool[after].prev;
	e->prev = after;
	e->next = after == NONE ? w->head : w->pool[after].next;
	if (after == NONE)
		w->head = i;
	else
		w->pool[after].next = i;
	if (e->next == NONE)
		w->tail = i;
	else
		w->pool[e->next].prev = i;
}

static void hash_unlink(struct wirepair *w, uint32_t i)
{
	uint32_t *pp = &w->buckets[w->pool[i].hash & (nbuckets(w) - 1)];

	while (*pp != i)
		pp = &w->pool[*pp].hash_next;
	*pp = w->pool[i].hash_next;
}

/* Hands on the head entry and frees it. */
static void settle_head(struct wirepair *w, bool evicted, wirepair_fn fn, void *ctx)
{
	uint32_t i = w->head;
	struct entry *e = &w->pool[i];
	struct wirepair_seg out = { .sent_point = -1, .arrived_point = -1, .evicted = evicted };

	if (e->is_arp) {
		out.arp = &e->arp;
	} else {
		out.seg = &e->seg;
		e->seg.payload = e->seg.payload_caplen ? e->pay : NULL;
	}
	if (e->seen == 3) {
		int sp = e->ts[0] <= e->ts[1] ? 0 : 1;

		out.kind = WIREPAIR_PAIRED;
		out.sent_point = sp;
		out.arrived_point = !sp;
		out.sent_ns = e->ts[sp];
		out.arrived_ns = e->ts[!sp];
		w->stats.paired++;
	} else {
		int p = e->seen == 1 ? 0 : 1;

		if (sent_from(w, p, e)) {
			out.kind = WIREPAIR_LOST;
			out.sent_point = p;
			out.sent_ns = e->ts[p];
			w->stats.lost++;
		} else {
			out.kind = WIREPAIR_UNSENT;
			out.arrived_point = p;
			out.arrived_ns = e->ts[p];
			w->stats.unsent++;
		}
	}
	if (evicted)
		w->stats.evicted++;
	list_unlink(w, i);
	hash_unlink(w, i);
	w->stats.waiting--;
	fn(&out, ctx);
	e->next = w->free_list;
	w->free_list = i;
}

/* Hands on, from the head, what is settled by now. */
static void settle(struct wirepair *w, wirepair_fn fn, void *ctx)
{
	while (w->head != NONE) {
		const struct entry *e = &w->pool[w->head];

		if (e->seen != 3 && w->now - e->order < w->cfg.horizon_ns)
			break;
		settle_head(w, false, fn, ctx);
	}
}

/* The oldest waiting copy of key seen at the other point only: a segment
 * (seg), or an ARP frame (arp) seen there within the horizon of ts_ns. */
static uint32_t find_partner(const struct wirepair *w, int point, const struct segment *seg,
			     const struct arp_packet *arp, uint64_t ts_ns, uint32_t h)
{
	uint32_t best = NONE;

	if (!w->cap)
		return NONE;
	for (uint32_t i = w->buckets[h & (nbuckets(w) - 1)]; i != NONE; i = w->pool[i].hash_next) {
		const struct entry *e = &w->pool[i];

		if (e->hash != h || e->seen != (1u << !point) || e->is_arp != !!arp)
			continue;
		if (arp ? !same_arp(&e->arp, arp) || (ts_ns > e->order ? ts_ns - e->order : e->order - ts_ns) >=
							   w->cfg.horizon_ns
			: !same_key(&e->seg, seg))
			continue;
		if (best == NONE || e->order < w->pool[best].order)
			best = i;
	}
	return best;
}

static void learn_hosts(struct wirepair *w, const struct entry *e)
{
	int sp = e->ts[0] <= e->ts[1] ? 0 : 1;

	if (e->is_arp) { /* the target of a request may be no host of the wire */
		if (!w->host_known[sp])
			wirepair_set_host(w, sp, &e->arp.sender_ip);
		return;
	}
	if (!w->host_known[sp])
		wirepair_set_host(w, sp, &e->seg.src);
	if (!w->host_known[!sp])
		wirepair_set_host(w, !sp, &e->seg.dst);
}

/* A free entry: from the free list, a grown pool, or the head handed on early. */
static uint32_t take_entry(struct wirepair *w, wirepair_fn fn, void *ctx)
{
	uint32_t i;

	if (w->free_list == NONE && w->used_top == w->cap && !pool_grow(w))
		settle_head(w, true, fn, ctx);
	if (w->free_list != NONE) {
		i = w->free_list;
		w->free_list = w->pool[i].next;
		return i;
	}
	return w->used_top++;
}

/* A copy seen at point: paired with its waiting partner, or waits. */
static void copy_in(struct wirepair *w, int point, const struct segment *seg, const struct arp_packet *arp,
		    uint64_t ts_ns, wirepair_fn fn, void *ctx)
{
	uint32_t h = arp ? arp_hash(arp) : key_hash(seg), i;
	struct entry *e;

	point &= 1;
	if (ts_ns > w->now)
		w->now = ts_ns;
	i = find_partner(w, point, seg, arp, ts_ns, h);
	if (i != NONE) {
		e = &w->pool[i];
		e->seen |= (uint8_t)(1u << point);
		e->ts[point] = ts_ns;
		if (ts_ns < e->order) { /* this copy is the send: its place is earlier */
			e->order = ts_ns;
			list_unlink(w, i);
			list_insert(w, i);
		}
		learn_hosts(w, e);
		settle(w, fn, ctx);
		return;
	}
	i = take_entry(w, fn, ctx);
	e = &w->pool[i];
	e->is_arp = arp != NULL;
	if (arp) {
		e->arp = *arp;
	} else {
		e->seg = *seg;
		e->seg.payload_caplen = seg->payload_caplen < WIREPAIR_PAYLOAD ? seg->payload_caplen : WIREPAIR_PAYLOAD;
		if (e->seg.payload_caplen && seg->payload)
			memcpy(e->pay, seg->payload, e->seg.payload_caplen);
		else
			e->seg.payload_caplen = 0;
		e->seg.payload = NULL; /* set when handed on: the pool may move */
	}
	e->ts[point] = ts_ns;
	e->ts[!point] = 0;
	e->seen = (uint8_t)(1u << point);
	e->order = ts_ns;
	e->hash = h;
	e->hash_next = w->buckets[h & (nbuckets(w) - 1)];
	w->buckets[h & (nbuckets(w) - 1)] = i;
	list_insert(w, i);
	if (++w->stats.waiting > w->stats.peak)
		w->stats.peak = w->stats.waiting;
	settle(w, fn, ctx);
}

void wirepair_copy(struct wirepair *w, int point, const struct segment *seg, uint64_t ts_ns, wirepair_fn fn,
		   void *ctx)
{
	copy_in(w, point, seg, NULL, ts_ns, fn, ctx);
}

void wirepair_arp(struct wirepair *w, int point, const struct arp_packet *arp, uint64_t ts_ns, wirepair_fn fn,
		  void *ctx)
{
	copy_in(w, point, NULL, arp, ts_ns, fn, ctx);
}

void wirepair_tick(struct wirepair *w, uint64_t now_ns, wirepair_fn fn, void *ctx)
{
	if (now_ns > w->now)
		w->now = now_ns;
	settle(w, fn, ctx);
}

void wirepair_finish(struct wirepair *w, wirepair_fn fn, void *ctx)
{
	while (w->head != NONE)
		settle_head(w, false, fn, ctx);
}

void wirepair_stats(const struct wirepair *w, struct wirepair_stats *out)
{
	*out = w->stats;
}
