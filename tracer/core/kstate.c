/* kstate.c: kernel state records (parsing trace_pipe lines, diffing
 * sock_diag snapshots) and the comparison of the kernel's path of one
 * endpoint with the wire's. See kstate.h and docs/kernel-view.md for the
 * sequences the kernel really reports. */
#include "kstate.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

bool kstate_tcp_info_moved(const struct kstate_tcp_info *a, const struct kstate_tcp_info *b)
{
	return a->valid != b->valid || a->snd_cwnd != b->snd_cwnd || a->retransmits != b->retransmits ||
	       a->total_retrans != b->total_retrans || strcmp(a->cong, b->cong) != 0;
}

/* A socket that comes or goes in CLOSED (bound, not yet listening or
 * connecting; a slow program is caught there by a poll) changed no state. */
static void report_sock(const struct kstate_sock *s, enum tcp_state from, enum tcp_state to, uint64_t ts_ns,
			kstate_record_fn fn, void *ctx)
{
	if (from == to)
		return;
	struct kstate_record r = {
		.ts_ns = ts_ns, .local = s->local, .peer = s->peer, .from = from, .to = to,
		.source = KSTATE_SOCK_DIAG, .info = s->info,
	};
	fn(&r, ctx);
}

/* The same state, its tcp_info moved: a record from == to. A socket
 * whose info went away (a full socket handed to a mini-socket keeps its
 * 4-tuple only across a state change) is no news. */
static void report_info(const struct kstate_sock *s, uint64_t ts_ns, kstate_record_fn fn, void *ctx)
{
	struct kstate_record r = {
		.ts_ns = ts_ns, .local = s->local, .peer = s->peer, .from = s->state, .to = s->state,
		.source = KSTATE_SOCK_DIAG, .info = s->info,
	};

	if (s->info.valid)
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
			else if (kstate_tcp_info_moved(&prev[i].info, &cur[j].info))
				report_info(&cur[j], ts_ns, fn, ctx);
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
