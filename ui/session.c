/* session.c: capture, flow table, channel and recording, feeding one
 * timeline. */
#include "session.h"
#include "json.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errtext.h"

#include "capture.h"
#include "points.h"
#include "channel.h"
#include "event_parse.h"
#include "flow.h"
#include "kernel.h"
#include "kview.h"
#include "recording.h"
#include "screen_words.h"

#define MAX_STEPS 16
#define DATAGRAM_MAX 4096

struct step_request {
	enum tcp_role proc;
	int conn;      /* the connection the step came on: its go goes back there */
	long seq;
	char what[48];
};

struct session {
	struct timeline *tl;
	struct capture *cap;
	struct points *points;  /* a two-host wire's two capture points, instead of cap */
	char point_if[2][64];   /* their interfaces in a recording: "client:eth0" */
	struct flow_table *flows;
	struct channel *chan;
	struct recording *rec;
	session_row_fn on_row;
	session_event_fn on_event;
	session_held_fn held;
	void *ctx;
	struct step_request steps[MAX_STEPS];
	size_t nsteps;
	char notice[512];
	char record_error[512]; /* why the recording stopped, "" while it runs */
	/* the state changes of the segment being handled, for its pcapng comment */
	char comment[1024];
	size_t comment_len;
	uint32_t comment_conn;
	uint64_t calls_lost;    /* as last said */
	struct frames *frames;  /* or NULL */
	/* A two-host wire: the kernel's own view of each host (sock_diag in
	 * its namespace), compared with the wire's; kernel records and checks
	 * go into the recording (docs/kernel-view.md). */
	struct kernel_source *kernel[2];
	struct kview *kview;
	bool kview_done;
	bool closing; /* session_close: events go into the recording only (the
		       * program's hooks, and what they use, may be gone) */
};

static void add_event(struct session *s, const struct ui_event *ev)
{
	uint64_t dropped = timeline_dropped(s->tl);
	bool before;
	long pos = timeline_add(s->tl, ev, &before);

	if (pos >= 0 && s->on_row)
		s->on_row(pos, before, dropped, s->ctx);
}

/* A recording that cannot be written (disk full) stops, and says so. */
static void recording_failed(struct session *s)
{
	const struct screen_words *w = screen_words(timeline_lang(s->tl));

	snprintf(s->record_error, sizeof(s->record_error), w->record_stopped,
		 recording_error(s->rec) ? recording_error(s->rec) : w->record_write_failed);
	snprintf(s->notice, sizeof(s->notice), "%s", s->record_error);
	recording_close(s->rec);
	s->rec = NULL;
}

static void record_line(struct session *s, const char *json, size_t len)
{
	if (s->rec && recording_write_line(s->rec, json, len) < 0)
		recording_failed(s);
}

/* The packet record plus its first payload bytes ("payload", UI
 * recordings only, docs/trace-format.md). */
static void record_trace_event(struct session *s, const struct trace_event *ev, const struct ui_event *uev)
{
	char line[OUTPUT_LINE_MAX + 128];
	int len = output_json(ev, NULL, line, OUTPUT_LINE_MAX);
	size_t pos;

	if (len < 0)
		return;
	pos = (size_t)len;
	if (ev->kind == EVENT_PACKET && uev->u.packet.payload[0]) {
		pos--; /* reopen the object */
		if (snprintf(line + pos, sizeof(line) - pos, ",\"payload\":") > 0) {
			pos += strlen(line + pos);
			if (json_put_string(line, sizeof(line) - 1, &pos, uev->u.packet.payload) < 0)
				return;
			line[pos++] = '}';
			line[pos] = '\0';
		}
	}
	record_line(s, line, pos);
}

static void comment_add(struct session *s, const char *fmt, const char *a, const char *b, const char *c)
{
	size_t room = sizeof(s->comment) - s->comment_len;
	int n;

	if (room < 2)
		return;
	n = snprintf(s->comment + s->comment_len, room, "%s", s->comment_len ? "; " : "");
	if (n > 0 && (size_t)n < room)
		s->comment_len += (size_t)n;
	room = sizeof(s->comment) - s->comment_len;
	n = snprintf(s->comment + s->comment_len, room, fmt, a, b, c);
	if (n > 0)
		s->comment_len += (size_t)n < room ? (size_t)n : room - 1;
}

/* A kernel record or check, ready: into the recording. An endpoint's news
 * that it sent something again: a row in its lane, and a kernel_resent
 * record, from which a replay draws the same row. */
static void on_kernel_event(const struct kview_event *ev, void *ctx)
{
	struct session *s = ctx;
	char line[OUTPUT_LINE_MAX];
	int len;

	struct ui_event uev = {.type = UEV_KERNEL, .ts_ns = ev->ts_ns};

	if (ev->kind == KVIEW_INFO && ev->owner != KVIEW_CLIENT && ev->owner != KVIEW_SERVER)
		return;
	if (s->rec && (len = output_kernel_json(ev, line, sizeof(line))) > 0)
		record_line(s, line, (size_t)len); /* for KVIEW_INFO: a replay draws the row too */
	if (ev->kind != KVIEW_INFO || s->closing)
		return;
	uev.u.kernel = (struct ui_kernel){.conn = ev->conn, .role = (uint8_t)ev->owner,
					  .total_retrans = ev->info.total_retrans, .retransmits = ev->info.retransmits,
					  .rto_us = ev->info.rto_us};
	add_event(s, &uev);
}

static void on_kernel_record(const struct kstate_record *rec, void *ctx)
{
	kview_record(ctx, rec);
}

static void on_trace_event(const struct trace_event *ev, void *ctx)
{
	struct session *s = ctx;
	struct ui_event *uev;

	if (s->kview) /* the kernel's records from before this event go first */
		kview_wire_event(s->kview, ev, on_kernel_event, s);
	if (!(uev = malloc(sizeof(*uev))))
		return;
	ui_event_from_trace(ev, uev);
	if (s->rec) {
		record_trace_event(s, ev, uev);
		if (ev->kind == EVENT_PACKET)
			s->comment_conn = ev->conn;
		if (s->rec && ev->kind == EVENT_STATE && ev->conn == s->comment_conn)
			comment_add(s, "%s %s -> %s", tcp_role_name(ev->role), tcp_state_name(ev->from),
				    tcp_state_name(ev->to));
	}
	if (!s->closing)
		add_event(s, uev);
	free(uev);
}

/* The socket calls in progress this packet belongs to, for its comment. */
static void comment_calls(struct session *s, uint64_t ts_ns)
{
	struct open_call open[4];
	size_t n = timeline_calls_at(s->tl, s->comment_conn, ts_ns, open, 4);
	char pid[16];

	for (size_t i = 0; i < n; i++) {
		snprintf(pid, sizeof(pid), "%d", open[i].pid);
		comment_add(s, "call: %s() by %s pid %s", open[i].call, tcp_role_name(open[i].proc), pid);
	}
}

static void on_segment(const struct segment *seg, uint64_t ts_ns, void *ctx)
{
	struct session *s = ctx;
	struct capture_frame frame;

	s->comment_len = 0;
	s->comment[0] = '\0';
	s->comment_conn = 0;
	if (s->frames && capture_current_frame(s->cap, &frame) == 0)
		frames_add(s->frames, frame.link, ts_ns, frame.bytes, frame.caplen, frame.wirelen);
	flow_table_segment(s->flows, seg, ts_ns, on_trace_event, s);
	if (s->rec && capture_current_frame(s->cap, &frame) == 0) {
		comment_calls(s, ts_ns);
		if (recording_write_packet(s->rec, frame.link, ts_ns, frame.bytes, frame.caplen, frame.wirelen,
					   s->comment) < 0)
			recording_failed(s);
	}
}

/* An ARP request or reply (a two-host wire's Ethernet): a row of its
 * own, an "arp" record and its frame in the recording. */
static void on_arp(const struct arp_packet *arp, uint64_t ts_ns, void *ctx)
{
	struct session *s = ctx;
	struct ui_event ev = {.type = UEV_ARP, .ts_ns = ts_ns, .u.arp = *arp};
	struct capture_frame frame;
	char line[OUTPUT_LINE_MAX];
	struct outbuf o = outbuf_at(s->comment, sizeof(s->comment), 0);
	int len;

	if (capture_current_frame(s->cap, &frame) == 0) {
		if (s->frames)
			frames_add(s->frames, frame.link, ts_ns, frame.bytes, frame.caplen, frame.wirelen);
		if (s->rec && (len = output_arp_json(arp, ts_ns, line, sizeof(line))) > 0) {
			record_line(s, line, (size_t)len);
			output_arp_words(&o, arp);
			outbuf_finish(&o);
			if (s->rec && recording_write_packet(s->rec, frame.link, ts_ns, frame.bytes, frame.caplen,
							     frame.wirelen, s->comment) < 0)
				recording_failed(s);
		}
	}
	add_event(s, &ev);
}

/* A two-host wire: each copy (segment or ARP) goes into the recording on
 * its host's interface, as captured, and to the details' frames (the send
 * row finds the sender's copy by its time, the arrival row the receiver's). */
static void on_point_copy(int point, const struct segment *seg, uint64_t ts_ns, const struct capture_frame *frame,
			  void *ctx)
{
	struct session *s = ctx;

	(void)seg;
	if (s->frames && frame)
		frames_add(s->frames, frame->link, ts_ns, frame->bytes, frame->caplen, frame->wirelen);
	if (s->rec && frame &&
	    recording_write_packet_on(s->rec, s->point_if[point & 1], frame->link, ts_ns, frame->bytes, frame->caplen,
				      frame->wirelen, NULL) < 0)
		recording_failed(s);
}

/* An ARP frame on the wire: a row (and an "arp" record) at its send, on
 * the sender's side, and one at its arrival, on the receiver's (the
 * timeline puts rows in time order). */
static void on_wire_arp(struct session *s, const struct wirepair_seg *ws)
{
	static const char *const host[2] = { "client", "server" };
	struct arp_wire w = { .sent_ns = ws->sent_ns, .arrived_ns = ws->arrived_ns,
			      .sent_at = ws->sent_point >= 0 ? host[ws->sent_point] : NULL,
			      .arrived_at = ws->arrived_point >= 0 ? host[ws->arrived_point] : NULL };
	struct ui_event ev = { .type = UEV_ARP };
	char line[OUTPUT_LINE_MAX];
	int len;

	ev.u.arp = *ws->arp;
	ev.u.arp_wire = (struct ui_arp_wire){ .wire = true, .lost = !ws->arrived_ns, .sent_ns = ws->sent_ns,
					      .arrived_ns = ws->arrived_ns };
	for (int arrival = 0; arrival < 2; arrival++) {
		if (arrival ? !ws->arrived_ns : !ws->sent_ns)
			continue;
		w.arrival = ev.u.arp_wire.arrival = arrival;
		ev.ts_ns = arrival ? ws->arrived_ns : ws->sent_ns;
		if (s->rec && (len = output_arp_wire_json(ws->arp, &w, line, sizeof(line))) > 0)
			record_line(s, line, (size_t)len);
		add_event(s, &ev);
	}
}

/* Each segment once, paired, in send order: sender at its send time,
 * receiver at the arrival. */
static void on_wire_segment(const struct wirepair_seg *ws, void *ctx)
{
	struct session *s = ctx;

	if (ws->arp) {
		on_wire_arp(s, ws);
		return;
	}

	flow_table_wire_segment(s->flows, ws->seg, ws->sent_ns, ws->arrived_ns, on_trace_event, s);
}

static const struct points_handlers *point_handlers(struct session *s)
{
	static _Thread_local struct points_handlers h;

	h = (struct points_handlers){ .on_copy = on_point_copy, .on_segment = on_wire_segment, .ctx = s };
	return &h;
}

/* The kernel's view of each host: a sock_diag socket made inside the
 * host's namespace (made now, while the lab may still enter it). Its
 * records wait for the wire up to the pairing horizon. Without it the lab
 * goes on, and says why. */
static void open_kernel_view(struct session *s, const struct session_opts *o, uint64_t horizon_ns)
{
	const struct screen_words *w = screen_words(timeline_lang(s->tl));
	char why[300];

	for (int i = 0; i < 2; i++) {
		s->kernel[i] = kernel_open_in_netns(o->points[i].netns_fd, o->port, why, sizeof(why));
		if (!s->kernel[i]) {
			/* point 0 is the client's host unless it says otherwise */
			int host = o->points[i].host ? strcmp(o->points[i].host, "server") == 0 : i;
			snprintf(s->notice, sizeof(s->notice), w->kview_failed, w->kview_host[host], why);
			goto fail;
		}
	}
	if (!(s->kview = kview_new())) {
		snprintf(s->notice, sizeof(s->notice), "%s", w->kview_no_memory);
		goto fail;
	}
	kview_set_wire_wait(s->kview, horizon_ns);
	kview_show_retransmissions(s->kview, true);
	return;
fail:
	for (int i = 0; i < 2; i++) {
		kernel_close(s->kernel[i]);
		s->kernel[i] = NULL;
	}
}

/* Reads what each host's kernel has to say now. A host whose kernel view
 * fails is given up, and the notice says so. */
static void pump_kernel(struct session *s)
{
	char why[300];

	for (int i = 0; s->kview && i < 2; i++) {
		if (s->kernel[i] && kernel_read(s->kernel[i], on_kernel_record, s->kview, why, sizeof(why)) < 0) {
			const struct screen_words *w = screen_words(timeline_lang(s->tl));
			snprintf(s->notice, sizeof(s->notice), w->kview_stopped, w->kview_host[i], why);
			kernel_close(s->kernel[i]);
			s->kernel[i] = NULL;
		}
	}
}

/* The last records, and each connection's check, before the recording
 * closes. The kernel is asked once more, then the captures are read once
 * more and the wire's waiting copies handed on (a copy still on its way
 * counts as lost, as at the end of files), so the recording keeps every
 * copy the hosts sent. */
static void finish_kernel_view(struct session *s)
{
	char why[300];
	uint64_t seen_until[2];

	if (!s->kview || s->kview_done)
		return;
	s->kview_done = true;
	for (int i = 0; i < 2; i++)
		if (s->kernel[i])
			kernel_poll_now(s->kernel[i]);
	pump_kernel(s);
	if (s->points) {
		if (points_dispatch(s->points, 10000, point_handlers(s), why, sizeof(why)) < 0)
			snprintf(s->notice, sizeof(s->notice), "%s", why);
		points_finish(s->points, point_handlers(s));
	}
	/* An endpoint of a connection still open is compared up to its host
	 * kernel's last look (point 0 is the client's host): a segment that
	 * arrived after it is on the wire, not yet in the kernel's records. */
	for (int i = 0; i < 2; i++)
		seen_until[i] = s->kernel[i] && kernel_last_poll_ns(s->kernel[i]) ? kernel_last_poll_ns(s->kernel[i])
										     : UINT64_MAX;
	kview_finish_at(s->kview, seen_until, on_kernel_event, s);
}

/* One live capture per host, each opened inside the host's network
 * namespace; point 0 must be the client's host. */
static int open_points(struct session *s, const struct session_opts *o, char *err, size_t errlen)
{
	struct capture_opts co[2];
	struct wirepair_config wc;

	if (o->npoints != 2) {
		snprintf(err, errlen, "capture on a two-host wire: %zu capture points given, 2 needed (client, server)",
			 o->npoints);
		return -1;
	}
	for (int i = 0; i < 2; i++) {
		const struct session_point *p = &o->points[i];

		co[i] = (struct capture_opts){ .iface = p->iface ? p->iface : "eth0", .filter = o->filter,
					       .port = o->port, .immediate = true, .in_netns = true,
					       .netns_fd = p->netns_fd };
		snprintf(s->point_if[i], sizeof(s->point_if[i]), "%s:%s", p->host ? p->host : i ? "server" : "client",
			 co[i].iface);
	}
	wirepair_config_default(&wc);
	if (o->wire_horizon_ns)
		wc.horizon_ns = o->wire_horizon_ns;
	s->points = points_open(co, &wc, err, errlen);
	if (!s->points)
		return -1;
	open_kernel_view(s, o, wc.horizon_ns);
	return 0;
}

int session_points_parse(const char *spec, struct session_point pts[2], struct session_point_names *names, char *err,
			 size_t errlen)
{
	static const char *const hosts[2] = { "client", "server" };
	const char *p = spec;

	pts[0].netns_fd = pts[1].netns_fd = -1;
	for (int i = 0; i < 2; i++) {
		size_t hl = strlen(hosts[i]), len;
		const char *end = strchr(p, ','), *colon;
		char path[256];

		if (!end)
			end = p + strlen(p);
		if (strncmp(p, hosts[i], hl) != 0 || p[hl] != '=') {
			snprintf(err, errlen, "capture points \"%s\": expected client=NETNS:IFACE,server=NETNS:IFACE", spec);
			goto fail;
		}
		p += hl + 1;
		colon = memchr(p, ':', (size_t)(end - p));
		len = (size_t)((colon ? colon : end) - p);
		if (len == 0 || len >= sizeof(path) || (colon && (size_t)(end - colon - 1) >= sizeof(names->iface[i]))) {
			snprintf(err, errlen, "capture points \"%s\": the %s's namespace path or interface is empty or too long",
				 spec, hosts[i]);
			goto fail;
		}
		memcpy(path, p, len);
		path[len] = '\0';
		snprintf(names->iface[i], sizeof(names->iface[i]), "%.*s", colon ? (int)(end - colon - 1) : 4,
			 colon ? colon + 1 : "eth0");
		pts[i].netns_fd = open(path, O_RDONLY | O_CLOEXEC);
		if (pts[i].netns_fd < 0) {
			snprintf(err, errlen, "the %s host's network namespace %s: %s", hosts[i], path, errtext(errno));
			goto fail;
		}
		pts[i].iface = names->iface[i];
		pts[i].host = hosts[i];
		p = *end ? end + 1 : end;
	}
	if (*p) {
		snprintf(err, errlen, "capture points \"%s\": two points only (client, then server)", spec);
		goto fail;
	}
	return 0;
fail:
	session_points_close(pts);
	return -1;
}

void session_points_close(struct session_point pts[2])
{
	for (int i = 0; i < 2; i++) {
		if (pts[i].netns_fd >= 0)
			close(pts[i].netns_fd);
		pts[i].netns_fd = -1;
	}
}

struct session *session_open(const struct session_opts *o, struct timeline *tl, char *err, size_t errlen)
{
	struct session *s = calloc(1, sizeof(*s));
	/* Immediate: a person watches the screen (wire-to-screen p99 < 50 ms). */
	struct capture_opts co = {.iface = o->iface, .file = o->file, .filter = o->filter, .port = o->port,
				  .immediate = true};
	struct flow_config fc;

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->tl = tl;
	s->on_row = o->on_row;
	s->on_event = o->on_event;
	s->held = o->held;
	s->frames = o->frames;
	s->ctx = o->ctx;
	flow_config_default(&fc);
	fc.max_flows = 100000;
	s->flows = flow_table_new(&fc);
	if (!s->flows) {
		snprintf(err, errlen, "out of memory for the flow table");
		goto fail;
	}
	if (o->npoints > 0) {
		if (open_points(s, o, err, errlen) < 0)
			goto fail;
		return s;
	}
	if (!o->no_capture && !(s->cap = capture_open(&co, err, errlen)))
		goto fail;
	if (s->cap)
		capture_set_arp(s->cap, on_arp);
	return s;
fail:
	session_close(s);
	return NULL;
}

/* Records the programs sent before the lab stopped are theirs to keep: what
 * is still queued on the channel goes into the recording, not into the
 * bin with the socket. */
static void drain_to_recording(struct session *s)
{
	char buf[DATAGRAM_MAX];
	ssize_t len;
	int conn;

	if (!s->chan || !s->rec)
		return;
	while ((len = channel_recv(s->chan, buf, sizeof(buf), &conn)) > 0)
		record_line(s, buf, (size_t)len);
}

void session_close(struct session *s)
{
	if (!s)
		return;
	drain_to_recording(s);
	s->closing = true;
	finish_kernel_view(s);
	capture_close(s->cap);
	points_close(s->points);
	for (int i = 0; i < 2; i++)
		kernel_close(s->kernel[i]);
	kview_free(s->kview);
	flow_table_free(s->flows);
	channel_close(s->chan);
	recording_close(s->rec);
	free(s);
}

int session_listen(struct session *s, const char *path, int owner, char *err, size_t errlen)
{
	s->chan = channel_open(path, owner, err, errlen);
	return s->chan ? 0 : -1;
}

int session_listen_private(struct session *s, const char *name, int owner, char *err, size_t errlen)
{
	s->chan = channel_open_private(name, owner, err, errlen);
	return s->chan ? 0 : -1;
}

const char *session_channel_path(const struct session *s)
{
	return s->chan ? channel_path(s->chan) : NULL;
}

int session_capture_fd(const struct session *s)
{
	return s->points ? points_fd(s->points, 0) : s->cap ? capture_fd(s->cap) : -1;
}

size_t session_capture_fds(const struct session *s, int fds[2])
{
	if (s->points) {
		fds[0] = points_fd(s->points, 0);
		fds[1] = points_fd(s->points, 1);
		return 2;
	}
	fds[0] = session_capture_fd(s);
	return fds[0] >= 0;
}

int session_channel_fd(const struct session *s)
{
	return s->chan ? channel_fd(s->chan) : -1;
}

const char *session_source(const struct session *s)
{
	if (s->points)
		return "client:eth0 + server:eth0";
	return s->cap ? capture_source(s->cap) : "no capture";
}

const char *session_filter(const struct session *s, enum lang lang, char *buf, size_t n)
{
	if (s->points)
		return points_filter(s->points);
	if (!s->cap)
		return "";
	return capture_filter_words(s->cap, screen_words(lang)->icmp_errors, buf, n);
}

int session_pump_capture(struct session *s, int max, char *err, size_t errlen)
{
	if (s->points)
		return points_dispatch(s->points, max, point_handlers(s), err, errlen);
	return s->cap ? capture_dispatch(s->cap, max, on_segment, s, err, errlen) : 0;
}

static bool held(const struct session *s, const struct step_request *r)
{
	return s->held && s->held(r->proc, s->ctx);
}

static void forget_step(struct session *s, size_t i)
{
	memmove(s->steps + i, s->steps + i + 1, (--s->nsteps - i) * sizeof(s->steps[0]));
}

static void queue_step(struct session *s, const struct ui_call *c, int conn)
{
	struct step_request *r;

	if (s->nsteps == MAX_STEPS)
		forget_step(s, 0);
	r = &s->steps[s->nsteps++];
	r->proc = c->proc;
	r->conn = conn;
	r->seq = c->seq;
	if (c->kind == UCALL_SUBMIT) /* an io_uring operation about to be handed over */
		snprintf(r->what, sizeof(r->what), "%s submit %s", tcp_role_name(c->proc), c->call);
	else
		snprintf(r->what, sizeof(r->what), "%s %s()", tcp_role_name(c->proc), c->call);
}

/* Calls that never arrived are said on screen (in the screen's language)
 * and kept in the recording, never hidden: {"type":"lost","calls":N,
 * "note":"3 calls of server pid 812 lost"} (the note in English: it is
 * data; a reader that knows no such type skips it). */
static void note_lost_calls(struct session *s, uint64_t ts_ns)
{
	const char *note;
	uint64_t lost = timeline_calls_lost(s->tl, &note);
	char line[256];
	struct outbuf o = outbuf_at(line, sizeof(line), 0);
	int len;

	if (lost == s->calls_lost)
		return;
	s->calls_lost = lost;
	snprintf(s->notice, sizeof(s->notice), screen_words(timeline_lang(s->tl))->records_lost,
		 timeline_calls_lost_said(s->tl));
	outbuf_lit(&o, "{\"type\":\"lost\",\"ts_ns\":");
	outbuf_u64(&o, ts_ns);
	outbuf_lit(&o, ",\"calls\":");
	outbuf_u64(&o, lost);
	outbuf_lit(&o, ",\"note\":");
	outbuf_json_string(&o, note);
	outbuf_char(&o, '}');
	len = outbuf_finish(&o);
	if (len > 0)
		record_line(s, line, (size_t)len);
}

int session_pump_channel(struct session *s)
{
	char buf[DATAGRAM_MAX], why[256];
	struct ui_event *ev;
	int n = 0, conn;
	ssize_t len;

	if (!s->chan || !(ev = malloc(sizeof(*ev))))
		return 0;
	while ((len = channel_recv(s->chan, buf, sizeof(buf), &conn)) > 0) {
		n++;
		if (ui_event_parse_in(timeline_lang(s->tl), buf, (size_t)len, ev, why, sizeof(why)) < 0) {
			snprintf(s->notice, sizeof(s->notice), screen_words(timeline_lang(s->tl))->record_ignored, why);
			continue;
		}
		record_line(s, buf, (size_t)len);
		if (ev->type == UEV_STEP)
			queue_step(s, &ev->u.call, conn);
		else if (ev->type == UEV_HELLO)
			snprintf(s->notice, sizeof(s->notice), screen_words(timeline_lang(s->tl))->joined,
				 why_role_word(timeline_lang(s->tl), ev->u.hello.proc == ROLE_SERVER), ev->u.hello.pid,
				 ev->u.hello.argv);
		if (s->on_event)
			s->on_event(ev, s->ctx);
		add_event(s, ev);
		note_lost_calls(s, ev->ts_ns);
	}
	free(ev);
	return n;
}

void session_tick(struct session *s, uint64_t now_ns)
{
	if (s->points)
		points_tick(s->points, now_ns, point_handlers(s));
	flow_table_tick(s->flows, now_ns, on_trace_event, s);
	if (s->kview && !s->kview_done) {
		pump_kernel(s);
		kview_tick(s->kview, now_ns, on_kernel_event, s);
	}
}

int session_wait_ms(const struct session *s)
{
	int ms = -1;

	for (int i = 0; i < 2; i++)
		if (s->kernel[i] && (ms < 0 || kernel_poll_ms(s->kernel[i]) < ms))
			ms = kernel_poll_ms(s->kernel[i]);
	return ms;
}

void session_finish(struct session *s, uint64_t now_ns)
{
	if (s->points)
		points_finish(s->points, point_handlers(s));
	flow_table_finish(s->flows, now_ns, on_trace_event, s);
	finish_kernel_view(s);
}

int session_record(struct session *s, const char *base, const struct recording_files *files, char *err,
		   size_t errlen)
{
	char why[512];

	if (s->rec) {
		snprintf(err, errlen, screen_words(timeline_lang(s->tl))->already_recording,
			 recording_jsonl_path(s->rec));
		return -1;
	}
	s->rec = recording_open_with(base, files, timeline_lang(s->tl), why, sizeof(why));
	if (!s->rec) {
		snprintf(err, errlen, screen_words(timeline_lang(s->tl))->record_failed, why);
		return -1;
	}
	if (s->cap) /* live: the interface captured */
		recording_set_interface(s->rec, capture_source(s->cap));
	return 0;
}

const char *session_recording(const struct session *s)
{
	return s->rec ? recording_jsonl_path(s->rec) : NULL;
}

size_t session_steps_waiting(const struct session *s, char *first, size_t n)
{
	size_t count = 0;

	if (n)
		first[0] = '\0';
	for (size_t i = 0; i < s->nsteps; i++)
		if (!held(s, &s->steps[i]) && count++ == 0 && n)
			snprintf(first, n, "%s", s->steps[i].what);
	return count;
}

int session_step_go(struct session *s, char *err, size_t errlen)
{
	for (size_t i = 0; i < s->nsteps; i++) {
		struct step_request r = s->steps[i];
		if (held(s, &r))
			continue;
		forget_step(s, i);
		/* the one way it fails: the program's connection is gone */
		if (channel_send_go(s->chan, r.conn, r.seq, err, errlen) < 0) {
			snprintf(err, errlen, "%s", screen_words(timeline_lang(s->tl))->step_gone);
			return -1;
		}
		return 0;
	}
	snprintf(err, errlen, "%s", screen_words(timeline_lang(s->tl))->no_step_waiting);
	return -1;
}

void session_steps_drop(struct session *s, enum tcp_role proc)
{
	for (size_t i = s->nsteps; i-- > 0;)
		if (s->steps[i].proc == proc)
			forget_step(s, i);
}

void session_stats(struct session *s, struct capture_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (s->cap)
		capture_get_stats(s->cap, out);
	if (s->points)
		points_get_stats(s->points, out);
	out->kernel_lost = kview_lost(s->kview);
}

int session_tcp_info(const struct session *s, uint32_t conn, enum tcp_role role, struct kstate_tcp_info *out)
{
	if (!s->kview)
		return -1;
	return kview_tcp_info(s->kview, conn, role, out) ? 1 : 0;
}

const char *session_notice(const struct session *s)
{
	return s->notice[0] ? s->notice : NULL;
}

const char *session_record_error(const struct session *s)
{
	return s->record_error[0] ? s->record_error : NULL;
}
