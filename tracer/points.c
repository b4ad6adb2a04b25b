/* points.c: two capture points fed to the pairing (points.h). */
#include "points.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A file's next copy, read ahead so the two files merge by time. */
struct slot {
	bool full, eof;
	bool is_arp;           /* the copy is an ARP frame (arp), not a segment */
	struct arp_packet arp;
	struct segment seg;
	uint64_t ts;
	struct capture_frame frame;
	uint8_t *bytes; /* the frame's copy */
	size_t cap;
};

struct points {
	struct capture *cap[2];
	struct wirepair *pair;
	struct slot slot[2];
	bool live, finished;
};

static void on_live_arp(const struct arp_packet *arp, uint64_t ts_ns, void *ctx);
static void on_file_arp(const struct arp_packet *arp, uint64_t ts_ns, void *ctx);

struct points *points_open(const struct capture_opts opts[2], const struct wirepair_config *cfg, char *err,
			   size_t errlen)
{
	struct points *p = calloc(1, sizeof(*p));

	if (!p) {
		snprintf(err, errlen, "capture points: out of memory");
		return NULL;
	}
	if (!opts[0].file != !opts[1].file) {
		snprintf(err, errlen, "capture points: both are files or both are live");
		free(p);
		return NULL;
	}
	for (int i = 0; i < 2; i++) {
		p->cap[i] = capture_open(&opts[i], err, errlen);
		if (!p->cap[i]) {
			points_close(p);
			return NULL;
		}
	}
	p->live = capture_is_live(p->cap[0]);
	for (int i = 0; i < 2; i++)
		capture_set_arp(p->cap[i], p->live ? on_live_arp : on_file_arp);
	p->pair = wirepair_new(cfg);
	if (!p->pair) {
		snprintf(err, errlen, "capture points: out of memory");
		points_close(p);
		return NULL;
	}
	return p;
}

void points_close(struct points *p)
{
	if (!p)
		return;
	for (int i = 0; i < 2; i++) {
		capture_close(p->cap[i]);
		free(p->slot[i].bytes);
	}
	wirepair_free(p->pair);
	free(p);
}

int points_is_live(const struct points *p)
{
	return p->live;
}

int points_fd(const struct points *p, int i)
{
	return capture_fd(p->cap[i & 1]);
}

const char *points_source(const struct points *p, int i)
{
	return capture_source(p->cap[i & 1]);
}

const char *points_filter(const struct points *p)
{
	return capture_filter(p->cap[0]);
}

struct live_ctx {
	struct points *p;
	int point;
	const struct points_handlers *h;
};

static void on_live(const struct segment *seg, uint64_t ts_ns, void *ctx)
{
	struct live_ctx *l = ctx;

	if (l->h->on_copy) {
		struct capture_frame f;

		if (capture_current_frame(l->p->cap[l->point], &f) == 0)
			l->h->on_copy(l->point, seg, ts_ns, &f, l->h->ctx);
	}
	wirepair_copy(l->p->pair, l->point, seg, ts_ns, l->h->on_segment, l->h->ctx);
}

/* An ARP frame: into the recording on its host's interface, and paired. */
static void on_live_arp(const struct arp_packet *arp, uint64_t ts_ns, void *ctx)
{
	struct live_ctx *l = ctx;

	if (l->h->on_copy) {
		struct capture_frame f;

		if (capture_current_frame(l->p->cap[l->point], &f) == 0)
			l->h->on_copy(l->point, NULL, ts_ns, &f, l->h->ctx);
	}
	wirepair_arp(l->p->pair, l->point, arp, ts_ns, l->h->on_segment, l->h->ctx);
}

/* Keeps the copy (and its frame: the payload points into it) in the slot:
 * a segment (seg) or an ARP frame (arp). */
static void keep_copy(struct live_ctx *l, const struct segment *seg, const struct arp_packet *arp, uint64_t ts_ns)
{
	struct slot *s = &l->p->slot[l->point];
	struct capture_frame f = { 0 };

	s->is_arp = arp != NULL;
	if (arp) {
		s->arp = *arp;
		s->seg = (struct segment){ 0 };
	} else {
		s->seg = *seg;
	}
	s->ts = ts_ns;
	s->full = true;
	if (capture_current_frame(l->p->cap[l->point], &f) < 0)
		return;
	if (f.caplen > s->cap) {
		uint8_t *b = realloc(s->bytes, f.caplen);

		if (!b) { /* out of memory: the copy goes on without its frame */
			s->seg.payload = NULL;
			s->seg.payload_caplen = 0;
			s->frame = (struct capture_frame){ 0 };
			return;
		}
		s->bytes = b;
		s->cap = f.caplen;
	}
	memcpy(s->bytes, f.bytes, f.caplen);
	s->frame = f;
	s->frame.bytes = s->bytes;
	if (!arp && seg->payload && seg->payload >= f.bytes && seg->payload < f.bytes + f.caplen)
		s->seg.payload = s->bytes + (seg->payload - f.bytes);
	else
		s->seg.payload = NULL;
}

static void on_file(const struct segment *seg, uint64_t ts_ns, void *ctx)
{
	keep_copy(ctx, seg, NULL, ts_ns);
}

static void on_file_arp(const struct arp_packet *arp, uint64_t ts_ns, void *ctx)
{
	keep_copy(ctx, NULL, arp, ts_ns);
}

/* Reads point i's file up to its next copy, TCP or ARP (or its end). */
static int fill(struct points *p, int i, const struct points_handlers *h, char *err, size_t errlen)
{
	struct live_ctx l = { p, i, h };

	while (!p->slot[i].full && !p->slot[i].eof) {
		int n = capture_dispatch(p->cap[i], 1, on_file, &l, err, errlen);

		if (n == CAPTURE_EOF)
			p->slot[i].eof = true;
		else if (n < 0)
			return -1;
	}
	return 0;
}

static int dispatch_files(struct points *p, int max, const struct points_handlers *h, char *err, size_t errlen)
{
	int n = 0;

	while (max <= 0 || n < max) {
		int i;

		if (fill(p, 0, h, err, errlen) < 0 || fill(p, 1, h, err, errlen) < 0)
			return -1;
		if (!p->slot[0].full && !p->slot[1].full)
			break;
		i = !p->slot[0].full || (p->slot[1].full && p->slot[1].ts < p->slot[0].ts);
		if (h->on_copy)
			h->on_copy(i, p->slot[i].is_arp ? NULL : &p->slot[i].seg, p->slot[i].ts,
				   p->slot[i].frame.bytes ? &p->slot[i].frame : NULL, h->ctx);
		if (p->slot[i].is_arp)
			wirepair_arp(p->pair, i, &p->slot[i].arp, p->slot[i].ts, h->on_segment, h->ctx);
		else
			wirepair_copy(p->pair, i, &p->slot[i].seg, p->slot[i].ts, h->on_segment, h->ctx);
		p->slot[i].full = false;
		n++;
	}
	if (p->slot[0].eof && p->slot[1].eof && !p->slot[0].full && !p->slot[1].full) {
		if (!p->finished)
			wirepair_finish(p->pair, h->on_segment, h->ctx);
		p->finished = true;
		return n ? n : CAPTURE_EOF;
	}
	return n;
}

int points_dispatch(struct points *p, int max, const struct points_handlers *h, char *err, size_t errlen)
{
	int total = 0;

	if (!p->live)
		return dispatch_files(p, max, h, err, errlen);
	for (int i = 0; i < 2; i++) {
		struct live_ctx l = { p, i, h };
		int n = capture_dispatch(p->cap[i], max, on_live, &l, err, errlen);

		if (n < 0)
			return -1;
		total += n;
	}
	return total;
}

void points_tick(struct points *p, uint64_t now_ns, const struct points_handlers *h)
{
	wirepair_tick(p->pair, now_ns, h->on_segment, h->ctx);
}

void points_finish(struct points *p, const struct points_handlers *h)
{
	if (!p->finished)
		wirepair_finish(p->pair, h->on_segment, h->ctx);
	p->finished = true;
}

void points_get_stats(struct points *p, struct capture_stats *out)
{
	struct capture_stats b;

	capture_get_stats(p->cap[0], out);
	capture_get_stats(p->cap[1], &b);
	out->seen += b.seen;
	out->tcp += b.tcp;
	out->dropped += b.dropped;
	out->if_dropped += b.if_dropped;
	out->truncated += b.truncated;
	out->invalid += b.invalid;
	out->not_tcp += b.not_tcp;
	out->icmp += b.icmp;
	out->time_carried += b.time_carried;
}

void points_wire_stats(const struct points *p, struct wirepair_stats *out)
{
	wirepair_stats(p->pair, out);
}

void points_breakloop(struct points *p)
{
	capture_breakloop(p->cap[0]);
	capture_breakloop(p->cap[1]);
}
