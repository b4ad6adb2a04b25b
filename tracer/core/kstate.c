/* kstate.c: kernel state records (parsing, snapshots), their ties to the
 * wire's connections, and the comparison of both views. See kstate.h and
 * docs/kernel-view.md for the sequences the kernel really reports. */
#include "kstate.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "json.h"

/* Records wait this long for the packets they belong with (pcap and
 * trace_pipe are read separately); ended connections wait a little longer
 * for the kernel's last records before they are compared. */
#define KVIEW_HOLD_NS (100 * 1000000ull)
#define KVIEW_GRACE_NS (300 * 1000000ull)
/* A bound on memory if records pile up that no connection claims. */
#define KVIEW_MAX_QUEUED 65536

const char *kstate_source_name(enum kstate_source s)
{
	return s == KSTATE_SOCK_DIAG ? "sock_diag" : "tracepoint";
}

const char *kstate_verdict_name(enum kstate_verdict v)
{
	static const char *const names[] = {"agree", "disagree", "unseen"};
	return names[v];
}

/* The kernel's numbers and names, from include/net/tcp_states.h;
 * TCP_NEW_SYN_RECV is a request socket: the kernel's SYN_RCVD before a full
 * socket exists. */
static const struct {
	const char *name;
	enum tcp_state state;
} kernel_states[] = {
	[1] = {"TCP_ESTABLISHED", TCPS_ESTABLISHED}, [2] = {"TCP_SYN_SENT", TCPS_SYN_SENT},
	[3] = {"TCP_SYN_RECV", TCPS_SYN_RCVD},       [4] = {"TCP_FIN_WAIT1", TCPS_FIN_WAIT_1},
	[5] = {"TCP_FIN_WAIT2", TCPS_FIN_WAIT_2},    [6] = {"TCP_TIME_WAIT", TCPS_TIME_WAIT},
	[7] = {"TCP_CLOSE", TCPS_CLOSED},            [8] = {"TCP_CLOSE_WAIT", TCPS_CLOSE_WAIT},
	[9] = {"TCP_LAST_ACK", TCPS_LAST_ACK},       [10] = {"TCP_LISTEN", TCPS_LISTEN},
	[11] = {"TCP_CLOSING", TCPS_CLOSING},        [12] = {"TCP_NEW_SYN_RECV", TCPS_SYN_RCVD},
};
#define KERNEL_NSTATES (sizeof(kernel_states) / sizeof(kernel_states[0]))

int kstate_from_kernel_name(const char *name)
{
	for (size_t i = 1; i < KERNEL_NSTATES; i++)
		if (strcmp(name, kernel_states[i].name) == 0)
			return (int)kernel_states[i].state;
	return -1;
}

int kstate_from_kernel_number(int number)
{
	if (number < 1 || (size_t)number >= KERNEL_NSTATES)
		return -1;
	return (int)kernel_states[number].state;
}

void kstate_endpoint_set(struct endpoint *e, int family, const void *addr, uint16_t port)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	memset(e, 0, sizeof(*e));
	e->port = port;
	if (family == 4) {
		e->family = 4;
		memcpy(e->addr, addr, 4);
	} else if (memcmp(addr, mapped, sizeof(mapped)) == 0) {
		e->family = 4;
		memcpy(e->addr, (const uint8_t *)addr + 12, 4);
	} else {
		e->family = 6;
		memcpy(e->addr, addr, 16);
	}
}

/* ---- parsing trace_pipe text ---- */

static const char EVENT_TAG[] = " inet_sock_set_state: ";

/* "1503.705278" (seconds.fraction) -> ns; the token ends at end. */
static int parse_trace_ts(const char *start, const char *end, uint64_t *ns)
{
	uint64_t sec = 0, frac = 0;
	const char *p = start;
	int digits = 0;

	if (p == end || *p < '0' || *p > '9')
		return -1;
	while (p < end && *p >= '0' && *p <= '9')
		sec = sec * 10 + (uint64_t)(*p++ - '0');
	if (p < end && *p == '.')
		for (p++; p < end && *p >= '0' && *p <= '9' && digits < 9; digits++)
			frac = frac * 10 + (uint64_t)(*p++ - '0');
	if (p != end || sec > UINT64_MAX / 1000000000u - 1)
		return -1;
	while (digits++ < 9)
		frac *= 10;
	*ns = sec * 1000000000u + frac;
	return 0;
}

/* Finds the start of the timestamp before the event tag: the task name may
 * contain spaces, the timestamp never does. */
static int parse_line_ts(const char *line, const char *tag, uint64_t *ns)
{
	const char *end = tag, *start;

	if (end == line || end[-1] != ':')
		return -1;
	end--;
	start = end;
	while (start > line && start[-1] != ' ')
		start--;
	return parse_trace_ts(start, end, ns);
}

/* An address and port as the tracepoint prints them. */
static int parse_endpoint(const char *addr, const char *port, int family, struct endpoint *e)
{
	uint8_t bytes[16];
	char *end;
	long v = strtol(port, &end, 10);

	if (end == port || *end || v < 0 || v > 65535)
		return -1;
	if (inet_pton(family == 4 ? AF_INET : AF_INET6, addr, bytes) != 1)
		return -1;
	kstate_endpoint_set(e, family, bytes, (uint16_t)v);
	return 0;
}

/* The fields of one record, as text still. */
struct trace_fields {
	char family[16], protocol[16], sport[8], dport[8];
	char saddr[16], daddr[16], saddrv6[48], daddrv6[48];
	char oldstate[24], newstate[24];
};

static char *field_slot(struct trace_fields *f, const char *key, size_t klen, size_t *cap)
{
	static const struct {
		const char *name;
		size_t off, cap;
	} slots[] = {
#define SLOT(n) {#n, offsetof(struct trace_fields, n), sizeof(((struct trace_fields *)0)->n)}
		SLOT(family), SLOT(protocol), SLOT(sport),   SLOT(dport),    SLOT(saddr),
		SLOT(daddr),  SLOT(saddrv6),  SLOT(daddrv6), SLOT(oldstate), SLOT(newstate),
#undef SLOT
	};
	for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
		if (strlen(slots[i].name) == klen && memcmp(slots[i].name, key, klen) == 0) {
			*cap = slots[i].cap;
			return (char *)f + slots[i].off;
		}
	}
	return NULL;
}

/* Splits "key=value key=value ..." into the known fields; unknown keys
 * are skipped so a newer kernel's extra fields do no harm. */
static int split_fields(const char *p, struct trace_fields *f)
{
	memset(f, 0, sizeof(*f));
	while (*p) {
		const char *key = p, *eq, *val, *end;
		size_t cap;
		char *slot;

		while (*p && *p != ' ' && *p != '\n')
			p++;
		end = p;
		while (*p == ' ' || *p == '\n')
			p++;
		if (end == key)
			continue;
		eq = memchr(key, '=', (size_t)(end - key));
		if (!eq)
			return -1;
		val = eq + 1;
		slot = field_slot(f, key, (size_t)(eq - key), &cap);
		if (!slot)
			continue;
		if ((size_t)(end - val) >= cap)
			return -1;
		memcpy(slot, val, (size_t)(end - val));
		slot[end - val] = '\0';
	}
	return 0;
}

int kstate_parse_trace_line(const char *line, struct kstate_record *out)
{
	const char *tag = strstr(line, EVENT_TAG);
	struct trace_fields f;
	int family, from, to;

	if (!tag)
		return 0;
	memset(out, 0, sizeof(*out));
	if (parse_line_ts(line, tag, &out->ts_ns) < 0 || split_fields(tag + sizeof(EVENT_TAG) - 1, &f) < 0)
		return -1;
	if (!*f.protocol || !*f.family || !*f.oldstate || !*f.newstate)
		return -1;
	if (strcmp(f.protocol, "IPPROTO_TCP") != 0)
		return 0;
	if (strcmp(f.family, "AF_INET") == 0)
		family = 4;
	else if (strcmp(f.family, "AF_INET6") == 0)
		family = 6;
	else
		return -1;
	from = kstate_from_kernel_name(f.oldstate);
	to = kstate_from_kernel_name(f.newstate);
	if (from < 0 || to < 0)
		return -1;
	out->from = (enum tcp_state)from;
	out->to = (enum tcp_state)to;
	if (parse_endpoint(family == 4 ? f.saddr : f.saddrv6, f.sport, family, &out->local) < 0 ||
	    parse_endpoint(family == 4 ? f.daddr : f.daddrv6, f.dport, family, &out->peer) < 0)
		return -1;
	out->source = KSTATE_TRACEPOINT;
	return 1;
}

/* ---- sock_diag snapshots ---- */

static int endpoint_cmp(const struct endpoint *a, const struct endpoint *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	int c = memcmp(a->addr, b->addr, sizeof(a->addr));
	if (c)
		return c;
	return a->port == b->port ? 0 : a->port < b->port ? -1 : 1;
}

static int sock_cmp(const void *a, const void *b)
{
	const struct kstate_sock *x = a, *y = b;
	int c = endpoint_cmp(&x->local, &y->local);

	return c ? c : endpoint_cmp(&x->peer, &y->peer);
}

void kstate_snapshot_sort(struct kstate_sock *socks, size_t n)
{
	if (n)
		qsort(socks, n, sizeof(*socks), sock_cmp);
}

static void report_sock(const struct kstate_sock *s, enum tcp_state from, enum tcp_state to, uint64_t ts_ns,
			kstate_record_fn fn, void *ctx)
{
	struct kstate_record r = {
		.ts_ns = ts_ns, .local = s->local, .peer = s->peer, .from = from, .to = to,
		.source = KSTATE_SOCK_DIAG,
	};
	fn(&r, ctx);
}

/* A merge of two sorted lists: O(n) per poll however many sockets match. */
void kstate_snapshot_diff(const struct kstate_sock *prev, size_t nprev, const struct kstate_sock *cur,
			  size_t ncur, uint64_t ts_ns, kstate_record_fn fn, void *ctx)
{
	size_t i = 0, j = 0;

	while (i < nprev || j < ncur) {
		int c = i == nprev ? 1 : j == ncur ? -1 : sock_cmp(&prev[i], &cur[j]);

		if (c < 0) {
			report_sock(&prev[i], prev[i].state, TCPS_CLOSED, ts_ns, fn, ctx);
			i++;
		} else if (c > 0) {
			report_sock(&cur[j], TCPS_CLOSED, cur[j].state, ts_ns, fn, ctx);
			j++;
		} else {
			if (prev[i].state != cur[j].state)
				report_sock(&cur[j], prev[i].state, cur[j].state, ts_ns, fn, ctx);
			i++;
			j++;
		}
	}
}

/* ---- comparing the two views of one endpoint ---- */

/* Small edits of a state path, built only from flow's state_path API. */
static struct state_path path_slice(const struct state_path *p, unsigned from, unsigned to)
{
	struct state_path out = {0};

	for (unsigned i = from; i < to && i < p->len; i++)
		state_path_push(&out, state_path_at(p, i));
	return out;
}

static struct state_path path_replace(const struct state_path *p, unsigned at, enum tcp_state s)
{
	struct state_path out = {0};

	for (unsigned i = 0; i < p->len; i++)
		state_path_push(&out, i == at ? s : state_path_at(p, i));
	return out;
}

static bool path_equal(const struct state_path *a, const struct state_path *b)
{
	if (a->len != b->len)
		return false;
	for (unsigned i = 0; i < a->len; i++)
		if (state_path_at(a, i) != state_path_at(b, i))
			return false;
	return true;
}

static enum tcp_state path_last(const struct state_path *p)
{
	return state_path_at(p, p->len - 1u);
}

/* Does p end with the two states a, b? */
static bool path_ends_with(const struct state_path *p, enum tcp_state a, enum tcp_state b)
{
	return p->len >= 2 && state_path_at(p, p->len - 2u) == a && state_path_at(p, p->len - 1u) == b;
}

/* Is a (in order, maybe with gaps) inside b? */
static bool path_within(const struct state_path *a, const struct state_path *b)
{
	unsigned j = 0;

	for (unsigned i = 0; i < a->len; i++) {
		while (j < b->len && state_path_at(b, j) != state_path_at(a, i))
			j++;
		if (j == b->len)
			return false;
		j++;
	}
	return true;
}

/* Appends one sentence to why. */
static void explain(char *why, size_t n, const char *sentence)
{
	size_t len = strlen(why);

	if (len < n)
		snprintf(why + len, n - len, "%s%s", len ? "; " : "", sentence);
}

/* The notes for students: each names a known difference between what the
 * kernel reports and what the wire shows (docs/kernel-view.md). */
static const char NOTE_TIME_WAIT_EXPIRY[] =
	"the wire's TIME_WAIT -> CLOSED (2MSL expiry) is left out: a TIME_WAIT mini-socket's end is not "
	"reported by the kernel";
static const char NOTE_CHILD_FROM_CLOSED[] =
	"the kernel's server socket starts CLOSED -> SYN_RCVD: it is created only at the final ACK, the "
	"wire's LISTEN -> SYN_RCVD is the listener answering the SYN";
static const char NOTE_HANDED_TO_TIME_WAIT[] =
	"the kernel ends %s with CLOSED: its full socket is replaced by a TIME_WAIT mini-socket, which "
	"inet_sock_set_state does not report, where the wire shows %s -> TIME_WAIT";
static const char NOTE_ORPHAN_FIN_WAIT_2[] =
	"the kernel ends FIN_WAIT_2 with CLOSED: close() had been called, so the socket was handed to a "
	"FIN_WAIT_2 mini-socket that waits for the peer's FIN, which the wire has not shown yet";
static const char NOTE_POLLED[] =
	"sock_diag polling saw %u of the wire's %u states; the others lasted less than a poll interval";

static enum kstate_verdict disagree(const struct state_path *w, const struct state_path *k, char *why,
				   size_t n)
{
	char wire[STATE_PATH_STRLEN], kern[STATE_PATH_STRLEN];
	unsigned i = 0;

	while (i < w->len && i < k->len && state_path_at(w, i) == state_path_at(k, i))
		i++;
	state_path_format(w, wire, sizeof(wire));
	state_path_format(k, kern, sizeof(kern));
	snprintf(why, n,
		 "the wire shows %s but the kernel %s: they part %s%s (wire %s, kernel %s); a segment the "
		 "capture missed (kernel drops, a filter) or a transition the wire cannot show",
		 wire, kern, i ? "after " : "at the start", i ? tcp_state_name(state_path_at(w, i - 1)) : "",
		 i < w->len ? tcp_state_name(state_path_at(w, i)) : "ends",
		 i < k->len ? tcp_state_name(state_path_at(k, i)) : "ends");
	return KSTATE_DISAGREE;
}

static enum kstate_verdict compare_polled(const struct state_path *w, struct state_path *k, char *why,
					  size_t n)
{
	char note[200];

	/* A socket sock_diag saw appear was CLOSED before only as far as the
	 * poll knows; its first real states may have come and gone between polls. */
	if (k->len > 1 && state_path_at(k, 0) == TCPS_CLOSED)
		*k = path_slice(k, 1, k->len);
	if (path_ends_with(k, TCPS_TIME_WAIT, TCPS_CLOSED))
		*k = path_slice(k, 0, k->len - 1u);
	if (!path_within(k, w) || path_last(k) != path_last(w))
		return disagree(w, k, why, n);
	snprintf(note, sizeof(note), NOTE_POLLED, (unsigned)k->len, (unsigned)w->len);
	explain(why, n, note);
	return KSTATE_AGREE;
}

enum kstate_verdict kstate_compare(enum tcp_role role, const struct state_path *wire,
				   const struct state_path *kernel, enum kstate_source source, char *why,
				   size_t n)
{
	struct state_path w = *wire, k = *kernel, tw;
	char note[300];

	why[0] = '\0';
	if (path_ends_with(&w, TCPS_TIME_WAIT, TCPS_CLOSED)) {
		w = path_slice(&w, 0, w.len - 1u);
		explain(why, n, NOTE_TIME_WAIT_EXPIRY);
	}
	if (k.len == 0) {
		if (w.len <= 1) {
			snprintf(why, n, "neither view shows this endpoint change state: it had no socket of its "
					 "own (a refused connection has none on the server's side)");
			return KSTATE_AGREE;
		}
		snprintf(why, n, "the kernel reported nothing for this endpoint: it is not a socket of this "
				 "host, or its records were lost");
		return KSTATE_UNSEEN;
	}
	if (w.len == 0)
		return disagree(&w, &k, why, n);
	if (source == KSTATE_SOCK_DIAG)
		return compare_polled(&w, &k, why, n);

	if (role == ROLE_SERVER && k.len >= 2 && state_path_at(&k, 0) == TCPS_CLOSED &&
	    state_path_at(&k, 1) == TCPS_SYN_RCVD) {
		k = path_replace(&k, 0, TCPS_LISTEN);
		explain(why, n, NOTE_CHILD_FROM_CLOSED);
	}
	if (path_equal(&w, &k)) {
		explain(why, n, "the same states in the same order");
		return KSTATE_AGREE;
	}
	if (path_ends_with(&k, TCPS_FIN_WAIT_2, TCPS_CLOSED) || path_ends_with(&k, TCPS_CLOSING, TCPS_CLOSED)) {
		const char *before = tcp_state_name(state_path_at(&k, k.len - 2u));

		tw = path_replace(&k, k.len - 1u, TCPS_TIME_WAIT);
		if (path_equal(&w, &tw)) {
			snprintf(note, sizeof(note), NOTE_HANDED_TO_TIME_WAIT, before, before);
			explain(why, n, note);
			return KSTATE_AGREE;
		}
		tw = path_slice(&tw, 0, tw.len - 1u);
		if (path_last(&tw) == TCPS_FIN_WAIT_2 && path_equal(&w, &tw)) {
			explain(why, n, NOTE_ORPHAN_FIN_WAIT_2);
			return KSTATE_AGREE;
		}
	}
	return disagree(&w, &k, why, n);
}

/* ---- the view ---- */

/* One traced connection and what the kernel said about its two sockets. */
struct kconn {
	uint32_t id;
	struct endpoint client, server;
	struct state_path kpath[2]; /* by role */
	enum kstate_source source;
	bool ended;
	uint64_t end_ns;
	struct state_path wire[2];
};

struct kqueued {
	struct kstate_record rec;
	uint32_t conn; /* 0 while no connection claims it */
	enum kview_owner owner;
};

struct kview {
	struct kconn *conns;
	size_t nconns, capconns;
	struct kqueued *queue;
	size_t nqueued, capqueued;
	uint32_t newest_conn; /* flow ids grow in order of first sight */
};

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
	if (is_unbound_connect(r) && endpoint_equal(&r->peer, &c->server) && c->kpath[ROLE_CLIENT].len == 0)
		return ROLE_CLIENT;
	return -1;
}

static void kpath_add(struct kconn *c, enum tcp_role role, const struct kstate_record *r)
{
	struct state_path *p = &c->kpath[role];

	if (p->len == 0 || state_path_at(p, p->len - 1u) != r->from)
		state_path_push(p, r->from);
	state_path_push(p, r->to);
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
		.kind = KVIEW_RECORD, .ts_ns = q->rec.ts_ns, .conn = q->conn, .owner = q->owner,
		.source = q->rec.source, .local = q->rec.local, .peer = q->rec.peer,
		.from = q->rec.from, .to = q->rec.to,
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

void kview_record(struct kview *v, const struct kstate_record *rec)
{
	struct kqueued q = {.rec = *rec, .owner = KVIEW_UNKNOWN};
	struct kconn *c;
	int role;

	if (is_listener(rec)) {
		q.owner = KVIEW_LISTENER;
	} else if ((c = find_owner(v, rec, &role))) {
		claim(c, &q, role);
	}
	if (v->nqueued == KVIEW_MAX_QUEUED || grow((void **)&v->queue, &v->capqueued, v->nqueued + 1,
						   sizeof(q)) < 0)
		return; /* out of room: this record is not shown */
	v->queue[v->nqueued++] = q;
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
	if (ev->kind == EVENT_CONN_END && (c = find_conn(v, ev->conn))) {
		c->ended = true;
		c->end_ns = ev->ts_ns;
		c->wire[ROLE_CLIENT] = ev->client_path;
		c->wire[ROLE_SERVER] = ev->server_path;
	}
}

static void check_endpoint(const struct kconn *c, enum tcp_role role, kview_sink_fn sink, void *ctx)
{
	char why[KSTATE_WHY_MAX];
	struct kview_event ev = {
		.kind = KVIEW_CHECK, .ts_ns = c->end_ns, .conn = c->id, .owner = (enum kview_owner)role,
		.source = c->source, .client = c->client, .server = c->server,
		.wire = c->wire[role], .kernel = c->kpath[role], .why = why,
	};
	ev.verdict = kstate_compare(role, &c->wire[role], &c->kpath[role], c->source, why, sizeof(why));
	sink(&ev, ctx);
}

/* Compares the ended connections (all of them with cutoff UINT64_MAX);
 * their remaining records go out first. */
static void check_ended(struct kview *v, uint64_t cutoff, kview_sink_fn sink, void *ctx)
{
	size_t kept = 0;

	for (size_t i = 0; i < v->nconns; i++) {
		struct kconn *c = &v->conns[i];

		if (c->ended && c->end_ns <= cutoff) {
			release_if(v, pick_conn, c->id, sink, ctx);
			check_endpoint(c, ROLE_CLIENT, sink, ctx);
			check_endpoint(c, ROLE_SERVER, sink, ctx);
		} else {
			v->conns[kept++] = *c;
		}
	}
	v->nconns = kept;
}

void kview_tick(struct kview *v, uint64_t now_ns, kview_sink_fn sink, void *ctx)
{
	if (now_ns > KVIEW_HOLD_NS)
		release_if(v, pick_held_since, now_ns - KVIEW_HOLD_NS, sink, ctx);
	if (now_ns > KVIEW_GRACE_NS)
		check_ended(v, now_ns - KVIEW_GRACE_NS, sink, ctx);
}

void kview_finish(struct kview *v, kview_sink_fn sink, void *ctx)
{
	release_if(v, pick_all, 0, sink, ctx);
	check_ended(v, UINT64_MAX, sink, ctx);
}

/* ---- formatting ---- */

static const char *owner_name(enum kview_owner o)
{
	static const char *const names[] = {"client", "server", "listener", "unknown"};
	return names[o];
}

int kview_json(const struct kview_event *ev, char *buf, size_t n)
{
	char a[ENDPOINT_STRLEN], b[ENDPOINT_STRLEN], wire[160], kern[160];
	size_t pos;
	int len;

	if (ev->kind == KVIEW_RECORD)
		len = snprintf(buf, n,
			       "{\"type\":\"kernel\",\"ts_ns\":%" PRIu64 ",\"conn\":%" PRIu32 ",\"role\":\"%s\","
			       "\"local\":\"%s\",\"peer\":\"%s\",\"from\":\"%s\",\"to\":\"%s\",\"source\":\"%s\"}",
			       ev->ts_ns, ev->conn, owner_name(ev->owner), endpoint_format(&ev->local, a, sizeof(a)),
			       endpoint_format(&ev->peer, b, sizeof(b)), tcp_state_name(ev->from),
			       tcp_state_name(ev->to), kstate_source_name(ev->source));
	else
		len = snprintf(buf, n,
			       "{\"type\":\"kernel_check\",\"ts_ns\":%" PRIu64 ",\"conn\":%" PRIu32 ",\"client\":\"%s\","
			       "\"server\":\"%s\",\"role\":\"%s\",\"verdict\":\"%s\",\"wire\":\"%s\",\"kernel\":\"%s\","
			       "\"source\":\"%s\",\"why\":",
			       ev->ts_ns, ev->conn, endpoint_format(&ev->client, a, sizeof(a)),
			       endpoint_format(&ev->server, b, sizeof(b)), owner_name(ev->owner),
			       kstate_verdict_name(ev->verdict), state_path_format(&ev->wire, wire, sizeof(wire)),
			       state_path_format(&ev->kernel, kern, sizeof(kern)), kstate_source_name(ev->source));
	if (len < 0 || (size_t)len >= n)
		return -1;
	if (ev->kind == KVIEW_RECORD)
		return len;
	pos = (size_t)len;
	if (json_put_string(buf, n, &pos, ev->why) < 0 || pos + 2 > n)
		return -1;
	buf[pos++] = '}';
	buf[pos] = '\0';
	return (int)pos;
}

int kview_text(const struct kview_event *ev, uint64_t t0_ns, char *buf, size_t n)
{
	char a[ENDPOINT_STRLEN], b[ENDPOINT_STRLEN], wire[160], kern[160], when[32], conn[16];
	uint64_t us = (ev->ts_ns >= t0_ns ? ev->ts_ns - t0_ns : 0) / 1000;
	const char *polled = ev->source == KSTATE_SOCK_DIAG ? " (sock_diag)" : "";
	int len;

	snprintf(when, sizeof(when), "%" PRIu64 ".%06" PRIu64, us / 1000000, us % 1000000);
	if (ev->conn)
		snprintf(conn, sizeof(conn), "#%" PRIu32, ev->conn);
	else
		snprintf(conn, sizeof(conn), "#-");
	if (ev->kind == KVIEW_CHECK)
		len = snprintf(buf, n, "%s %s   %s: %s wire %s, kernel %s%s: %s", when, conn,
			       kstate_verdict_name(ev->verdict), owner_name(ev->owner),
			       state_path_format(&ev->wire, wire, sizeof(wire)),
			       ev->kernel.len ? state_path_format(&ev->kernel, kern, sizeof(kern)) : "(nothing)",
			       polled, ev->why);
	else if (ev->owner == KVIEW_CLIENT || ev->owner == KVIEW_SERVER)
		len = snprintf(buf, n, "%s %s   kernel %s %s -> %s%s", when, conn, owner_name(ev->owner),
			       tcp_state_name(ev->from), tcp_state_name(ev->to), polled);
	else if (ev->owner == KVIEW_LISTENER)
		len = snprintf(buf, n, "%s %s   kernel listener %s %s -> %s%s", when, conn,
			       endpoint_format(&ev->local, a, sizeof(a)), tcp_state_name(ev->from),
			       tcp_state_name(ev->to), polled);
	else
		len = snprintf(buf, n, "%s %s   kernel %s > %s %s -> %s%s", when, conn,
			       endpoint_format(&ev->local, a, sizeof(a)), endpoint_format(&ev->peer, b, sizeof(b)),
			       tcp_state_name(ev->from), tcp_state_name(ev->to), polled);
	return len < 0 || (size_t)len >= n ? -1 : len;
}
