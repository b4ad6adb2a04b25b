/* kview.c: the kernel's records held until the wire catches up, tied to
 * the flow table's connections, and each ended connection's endpoints
 * compared (kstate_compare) once its last records are in. */
#include "kview.h"

#include <stdlib.h>
#include <string.h>

/* Records wait this long for the packets they belong with (pcap and
 * trace_pipe are read separately); ended connections wait a little longer
 * for the kernel's last records before they are compared. */
#define KVIEW_HOLD_NS (100 * 1000000ull)
#define KVIEW_GRACE_NS (300 * 1000000ull)
/* A connect() no connection has claimed yet waits longer: its SYN leaves
 * only once ARP has found the server (on a two-host wire; up to 3 s when
 * requests are lost: 3 tries a second apart). */
#define KVIEW_CONNECT_WAIT_NS (4000 * 1000000ull)
/* A bound on memory if records pile up that no connection claims. */
#define KVIEW_MAX_QUEUED 65536
/* Compared (and forgotten) connections whose last tcp_info is still
 * given out: a lesson quotes a connection that ended a moment ago. */
#define KVIEW_GONE_KEEP 32

/* A state path and when each of its states began (for the comparison of
 * a connection still open at the end, up to a moment both views saw). */
struct timed_path {
	struct state_path path;
	uint64_t ts[STATE_PATH_CAPACITY];
};

/* Adds from (unless the path already ends there) and to, both at ts. */
static void timed_path_add(struct timed_path *t, enum tcp_state from, enum tcp_state to, uint64_t ts)
{
	struct state_path *p = &t->path;

	if (p->len == 0 || state_path_at(p, p->len - 1u) != from) {
		if (p->len < STATE_PATH_CAPACITY)
			t->ts[p->len] = ts;
		state_path_push(p, from);
	}
	if (p->len < STATE_PATH_CAPACITY)
		t->ts[p->len] = ts;
	state_path_push(p, to);
}

/* The states that began by cutoff. */
static struct state_path timed_path_until(const struct timed_path *t, uint64_t cutoff)
{
	struct state_path out = {0};

	for (unsigned i = 0; i < t->path.len && t->ts[i] <= cutoff; i++)
		state_path_push(&out, state_path_at(&t->path, i));
	return out;
}

/* No cut: every state counts. */
static const uint64_t SEEN_ALL[2] = {UINT64_MAX, UINT64_MAX};

/* One traced connection and what the kernel said about its two sockets. */
struct kconn {
	uint32_t id;
	struct endpoint client, server;
	struct timed_path kpath[2]; /* by role */
	enum kstate_source source;
	bool ended;
	uint64_t end_ns;      /* its CONN_END; while it lives, its latest wire event */
	struct state_path wire[2]; /* the summary's at CONN_END */
	struct timed_path wire_seen[2]; /* until then, the changes seen */
	struct kstate_tcp_info info[2]; /* by role: the last the kernel gave */
};

struct kqueued {
	struct kstate_record rec;
	uint32_t conn; /* 0 while no connection claims it */
	enum kview_owner owner;
	bool info;     /* a KVIEW_INFO: the tcp_info moved, not the state */
};

struct kview {
	struct kconn *conns;
	size_t nconns, capconns;
	struct kqueued *queue;
	size_t nqueued, capqueued;
	uint32_t newest_conn; /* flow ids grow in order of first sight */
	uint64_t wire_wait_ns; /* added to the hold and the grace */
	bool show_retrans;     /* KVIEW_INFO events */
	struct {
		uint32_t id;
		struct kstate_tcp_info info[2];
	} gone[KVIEW_GONE_KEEP]; /* a ring: the last compared connections' tcp_info */
	size_t gone_next;
	uint64_t lost; /* records not kept: the queue was full (or memory ran out) */
};

void kview_set_wire_wait(struct kview *v, uint64_t wait_ns)
{
	v->wire_wait_ns = wait_ns;
}

void kview_show_retransmissions(struct kview *v, bool on)
{
	v->show_retrans = on;
}

struct kview *kview_new(void)
{
	return calloc(1, sizeof(struct kview));
}

void kview_free(struct kview *v)
{
	if (!v)
		return;
	free(v->conns);
	free(v->queue);
	free(v);
}

static int grow(void **arr, size_t *cap, size_t need, size_t size)
{
	size_t ncap = *cap ? *cap * 2 : 16;
	void *p;

	if (need <= *cap)
		return 0;
	p = realloc(*arr, ncap * size);
	if (!p)
		return -1;
	*arr = p;
	*cap = ncap;
	return 0;
}

/* A listening socket has no peer; a connect()ing one has no local port yet. */
static bool is_listener(const struct kstate_record *r)
{
	return r->peer.port == 0 && (r->from == TCPS_LISTEN || r->to == TCPS_LISTEN);
}

static bool is_unbound_connect(const struct kstate_record *r)
{
	return r->local.port == 0 && r->to == TCPS_SYN_SENT;
}

/* Does record r belong to connection c, and as which endpoint? */
static int record_role(const struct kconn *c, const struct kstate_record *r)
{
	if (endpoint_equal(&r->local, &c->client) && endpoint_equal(&r->peer, &c->server))
		return ROLE_CLIENT;
	if (endpoint_equal(&r->local, &c->server) && endpoint_equal(&r->peer, &c->client))
		return ROLE_SERVER;
	/* Before its port was chosen: the connect() towards this server whose
	 * client side the kernel has said nothing about yet. */
	if (is_unbound_connect(r) && endpoint_equal(&r->peer, &c->server) && c->kpath[ROLE_CLIENT].path.len == 0)
		return ROLE_CLIENT;
	return -1;
}

static void kpath_add(struct kconn *c, enum tcp_role role, const struct kstate_record *r)
{
	if (r->info.valid)
		c->info[role] = r->info;
	if (r->from == r->to)
		return; /* the tcp_info moved, not the state */
	timed_path_add(&c->kpath[role], r->from, r->to, r->ts_ns);
	c->source = r->source;
}

/* Ties a record to conn c as role; an unbound connect takes the client's
 * endpoint, so it reads like the kernel's later records. */
static void claim(struct kconn *c, struct kqueued *q, int role)
{
	q->conn = c->id;
	q->owner = (enum kview_owner)role;
	if (is_unbound_connect(&q->rec))
		q->rec.local = c->client;
	kpath_add(c, (enum tcp_role)role, &q->rec);
}

/* Live connections first, newest first: a reused 4-tuple belongs to the
 * latest connection; an ended one still takes its late records. */
static struct kconn *find_owner(struct kview *v, const struct kstate_record *r, int *role)
{
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = v->nconns; i-- > 0;) {
			struct kconn *c = &v->conns[i];
			if (c->ended != (pass == 1))
				continue;
			*role = record_role(c, r);
			if (*role >= 0)
				return c;
		}
	}
	return NULL;
}

static void emit_record(const struct kqueued *q, kview_sink_fn sink, void *ctx)
{
	struct kview_event ev = {
		.kind = q->info ? KVIEW_INFO : KVIEW_RECORD, .ts_ns = q->rec.ts_ns, .conn = q->conn, .owner = q->owner,
		.source = q->rec.source, .local = q->rec.local, .peer = q->rec.peer,
		.from = q->rec.from, .to = q->rec.to, .info = q->rec.info,
	};
	sink(&ev, ctx);
}

/* Emits and removes, in order, the queued records pick() selects. */
static void release_if(struct kview *v, bool (*pick)(const struct kqueued *, uint64_t), uint64_t arg,
		       kview_sink_fn sink, void *ctx)
{
	size_t kept = 0;

	for (size_t i = 0; i < v->nqueued; i++) {
		if (pick(&v->queue[i], arg))
			emit_record(&v->queue[i], sink, ctx);
		else
			v->queue[kept++] = v->queue[i];
	}
	v->nqueued = kept;
}

static bool pick_placed_until(const struct kqueued *q, uint64_t ts)
{
	return q->owner != KVIEW_UNKNOWN && q->rec.ts_ns <= ts;
}

static bool pick_held_since(const struct kqueued *q, uint64_t cutoff)
{
	if (q->owner == KVIEW_UNKNOWN && q->rec.to == TCPS_SYN_SENT)
		return q->rec.ts_ns + KVIEW_CONNECT_WAIT_NS <= cutoff;
	return q->rec.ts_ns <= cutoff;
}

static bool pick_conn(const struct kqueued *q, uint64_t conn)
{
	return q->conn == conn;
}

static bool pick_all(const struct kqueued *q, uint64_t unused)
{
	(void)q;
	(void)unused;
	return true;
}

/* Does rec's tcp_info say c's endpoint (role) sent a copy again since the
 * kernel's last word (not an ACK that reset the backoff)? */
static bool says_resent(const struct kview *v, const struct kconn *c, int role, const struct kstate_record *rec)
{
	uint32_t total = 0, backoff = 0; /* as known before */

	if (!v->show_retrans || !rec->info.valid)
		return false;
	if (c->info[role].valid) {
		total = c->info[role].total_retrans;
		backoff = c->info[role].retransmits;
	}
	return rec->info.total_retrans > total || rec->info.retransmits > backoff;
}

static void enqueue(struct kview *v, const struct kqueued *q)
{
	if (v->nqueued == KVIEW_MAX_QUEUED || grow((void **)&v->queue, &v->capqueued, v->nqueued + 1,
						   sizeof(*q)) < 0) {
		v->lost++; /* out of room: this record is not shown, and the count says so */
		return;
	}
	v->queue[v->nqueued++] = *q;
}

uint64_t kview_lost(const struct kview *v)
{
	return v ? v->lost : 0;
}

/* A record of the kernel's: a state change, or news of the tcp_info only
 * (from == to), shown when it says "sent again". A copy sent again in the
 * same poll as a state change (the FIN resent, then acked) is news too: its
 * row follows the change's. */
void kview_record(struct kview *v, const struct kstate_record *rec)
{
	struct kqueued q = {.rec = *rec, .owner = KVIEW_UNKNOWN};
	struct kconn *c;
	bool resent = false;
	int role;

	if (rec->from == rec->to) {
		if (is_listener(rec) || !(c = find_owner(v, rec, &role)))
			return;
		resent = says_resent(v, c, role, rec);
		kpath_add(c, (enum tcp_role)role, rec);
		if (!resent)
			return;
		q.conn = c->id;
		q.owner = (enum kview_owner)role;
		q.info = true;
	} else if (is_listener(rec)) {
		q.owner = KVIEW_LISTENER;
	} else if ((c = find_owner(v, rec, &role))) {
		resent = says_resent(v, c, role, rec);
		claim(c, &q, role);
	}
	enqueue(v, &q);
	if (resent && !q.info) {
		q.info = true;
		enqueue(v, &q);
	}
}

static struct kconn *find_conn(struct kview *v, uint32_t id)
{
	for (size_t i = v->nconns; i-- > 0;)
		if (v->conns[i].id == id)
			return &v->conns[i];
	return NULL;
}

/* A connection the wire just saw for the first time claims the records
 * that arrived before its first packet (connect()'s CLOSED -> SYN_SENT). */
static void add_conn(struct kview *v, const struct trace_event *ev)
{
	struct kconn *c;

	v->newest_conn = ev->conn;
	if (grow((void **)&v->conns, &v->capconns, v->nconns + 1, sizeof(*c)) < 0)
		return;
	c = &v->conns[v->nconns++];
	memset(c, 0, sizeof(*c));
	c->id = ev->conn;
	c->client = ev->client;
	c->server = ev->server;
	for (size_t i = 0; i < v->nqueued; i++) {
		struct kqueued *q = &v->queue[i];
		int role;

		if (q->owner == KVIEW_UNKNOWN && (role = record_role(c, &q->rec)) >= 0)
			claim(c, q, role);
	}
}

void kview_wire_event(struct kview *v, const struct trace_event *ev, kview_sink_fn sink, void *ctx)
{
	struct kconn *c;

	if (ev->conn > v->newest_conn)
		add_conn(v, ev);
	release_if(v, pick_placed_until, ev->ts_ns, sink, ctx);
	if (!(c = find_conn(v, ev->conn)) || c->ended)
		return;
	if (ev->ts_ns > c->end_ns)
		c->end_ns = ev->ts_ns;
	if (ev->kind == EVENT_STATE) {
		timed_path_add(&c->wire_seen[ev->role], ev->from, ev->to, ev->ts_ns);
	} else if (ev->kind == EVENT_CONN_END) {
		c->ended = true;
		c->end_ns = ev->ts_ns;
		c->wire[ROLE_CLIENT] = ev->client_path;
		c->wire[ROLE_SERVER] = ev->server_path;
	}
}

/* An ended connection's endpoint: its whole paths. One still open: the
 * states both views had seen begin by seen_until (its ts_ns then). */
static void check_endpoint(const struct kconn *c, enum tcp_role role, uint64_t seen_until, kview_sink_fn sink,
			   void *ctx)
{
	char why[KSTATE_WHY_MAX];
	struct kview_event ev = {
		.kind = KVIEW_CHECK, .ts_ns = c->ended || seen_until == UINT64_MAX ? c->end_ns : seen_until, .conn = c->id, .owner = (enum kview_owner)role,
		.source = c->source, .client = c->client, .server = c->server,
		.wire = c->ended ? c->wire[role] : timed_path_until(&c->wire_seen[role], seen_until),
		.kernel = c->ended ? c->kpath[role].path : timed_path_until(&c->kpath[role], seen_until),
		.why = why, .info = c->info[role],
	};
	ev.verdict = kstate_compare(role, &ev.wire, &ev.kernel, c->source, why, sizeof(why));
	sink(&ev, ctx);
}

/* Compares the ended connections that ended by cutoff, or every one with
 * all (at the end: a live one up to seen_until); their remaining records
 * go out first. */
static void check_ended(struct kview *v, uint64_t cutoff, bool all, const uint64_t seen_until[2],
			kview_sink_fn sink, void *ctx)
{
	size_t kept = 0;

	for (size_t i = 0; i < v->nconns; i++) {
		struct kconn *c = &v->conns[i];

		if (all || (c->ended && c->end_ns <= cutoff)) {
			release_if(v, pick_conn, c->id, sink, ctx);
			check_endpoint(c, ROLE_CLIENT, seen_until[ROLE_CLIENT], sink, ctx);
			check_endpoint(c, ROLE_SERVER, seen_until[ROLE_SERVER], sink, ctx);
			v->gone[v->gone_next].id = c->id;
			memcpy(v->gone[v->gone_next].info, c->info, sizeof(c->info));
			v->gone_next = (v->gone_next + 1) % KVIEW_GONE_KEEP;
		} else {
			v->conns[kept++] = *c;
		}
	}
	v->nconns = kept;
}

void kview_tick(struct kview *v, uint64_t now_ns, kview_sink_fn sink, void *ctx)
{
	uint64_t hold = KVIEW_HOLD_NS + v->wire_wait_ns, grace = KVIEW_GRACE_NS + v->wire_wait_ns;

	if (now_ns > hold)
		release_if(v, pick_held_since, now_ns - hold, sink, ctx);
	if (now_ns > grace)
		check_ended(v, now_ns - grace, false, SEEN_ALL, sink, ctx);
}

void kview_finish_at(struct kview *v, const uint64_t seen_until[2], kview_sink_fn sink, void *ctx)
{
	release_if(v, pick_all, 0, sink, ctx);
	check_ended(v, UINT64_MAX, true, seen_until, sink, ctx);
}

void kview_finish(struct kview *v, kview_sink_fn sink, void *ctx)
{
	kview_finish_at(v, SEEN_ALL, sink, ctx);
}

bool kview_tcp_info(const struct kview *v, uint32_t conn, enum tcp_role role, struct kstate_tcp_info *out)
{
	const struct kstate_tcp_info *found = NULL;

	for (size_t i = v->nconns; i-- > 0 && !found;)
		if (v->conns[i].id == conn)
			found = &v->conns[i].info[role];
	for (size_t k = 1; k <= KVIEW_GONE_KEEP && !found; k++) { /* newest first */
		size_t i = (v->gone_next + KVIEW_GONE_KEEP - k) % KVIEW_GONE_KEEP;
		if (conn && v->gone[i].id == conn)
			found = &v->gone[i].info[role];
	}
	if (!found || !found->valid)
		return false;
	*out = *found;
	return true;
}

const char *kview_owner_name(enum kview_owner o)
{
	static const char *const names[] = {"client", "server", "listener", "unknown"};
	return names[o];
}
