/* timeline.c: rows in a ring, sorted by time on insertion; connection
 * summaries in a ring indexed by id (ids grow 1, 2, 3, ...). */
#include "timeline.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screen_words.h"
#include "why.h"

#define DEFAULT_MAX_CONNS 4096
#define MAX_OPEN_CALLS 32
#define MAX_PENDING 32
/* How far back a state event looks for its packet, and a call exit for its
 * enter: the two sources are at most a few hundred rows apart in practice. */
#define ATTACH_SCAN 64
#define TIE_SCAN 4096
#define STATE_UNSET 0xff

/* A call exit whose connection has not been seen yet (the capture lags the
 * channel): tied when the connection's first packet arrives. */
struct pending_tie {
	enum tcp_role proc;
	int pid, fd;     /* fd: the descriptor the connection lives on */
	long seq;
	struct endpoint local, peer;
};

/* Which calls of one process arrived, to see a gap in their seq numbers:
 * bit i of seen is call max - i. Threads may send slightly out of order, so
 * a call counts as lost only once it falls 64 calls behind. */
/* A descriptor whose socket had connection N keeps N for its life (until
 * close), whatever the wire did: a read() that fails with ECONNRESET after
 * the RST has no endpoints left, but it is still that connection's call. */
#define MAX_FD_TIES 512
#define MAX_PIDS 1024

struct fd_tie {
	int pid, fd;
	uint32_t conn;
};

#define SEQ_WINDOW 64
#define MAX_SEQ_TRACKS 256

struct seq_track {
	int pid;
	long first, max; /* the first call seen, the newest */
	uint64_t seen;
};

struct timeline {
	struct row *rows;
	size_t cap, head, count;
	uint64_t dropped, skipped;
	uint64_t packets; /* segments seen, kept as rows or not */
	struct conn_info *conns;
	size_t nconns;
	uint32_t last_conn, pinned;
	struct open_call open[MAX_OPEN_CALLS];
	size_t nopen;
	struct pending_tie pending[MAX_PENDING];
	size_t npending;
	struct seq_track seqs[MAX_SEQ_TRACKS];
	size_t nseqs, next_seq_slot;
	uint64_t calls_lost;
	char lost_note[LANG_COUNT][128]; /* [LANG_EN] goes into the recording */
	enum lang lang;
	struct fd_tie ties[MAX_FD_TIES];
	size_t nties, next_tie;
	uint64_t t0_ns;            /* the first record's time: the session's zero */
	int conn_pids[MAX_PIDS];   /* processes with a connection: the others' calls show in every view */
	size_t npids, next_pid;
};

static struct fd_tie *fd_tie_find(struct timeline *tl, int pid, int fd)
{
	for (size_t i = 0; i < tl->nties; i++)
		if (tl->ties[i].pid == pid && tl->ties[i].fd == fd)
			return &tl->ties[i];
	return NULL;
}

static void fd_tie_set(struct timeline *tl, int pid, int fd, uint32_t conn)
{
	struct fd_tie *t = fd_tie_find(tl, pid, fd);

	if (fd < 0)
		return;
	if (!t)
		t = &tl->ties[tl->nties < MAX_FD_TIES ? tl->nties++ : tl->next_tie++ % MAX_FD_TIES];
	*t = (struct fd_tie){pid, fd, conn};
}

static void fd_tie_drop(struct timeline *tl, int pid, int fd)
{
	struct fd_tie *t = fd_tie_find(tl, pid, fd);

	if (t)
		*t = tl->ties[--tl->nties];
}

static bool pid_has_conn(const struct timeline *tl, int pid)
{
	for (size_t i = 0; i < tl->npids; i++)
		if (tl->conn_pids[i] == pid)
			return true;
	return false;
}

static void pid_add_conn(struct timeline *tl, int pid)
{
	if (pid <= 0 || pid_has_conn(tl, pid))
		return;
	tl->conn_pids[tl->npids < MAX_PIDS ? tl->npids++ : tl->next_pid++ % MAX_PIDS] = pid;
}

/* The descriptor a call's connection lives on: accept()'s is the one it
 * returns, every other call's the one it works on. */
static int call_conn_fd(const struct ui_call *c)
{
	bool accepts = strcmp(c->call, "accept") == 0 || strcmp(c->call, "accept4") == 0;

	if (accepts)
		return c->exit && c->has_ret && c->ret >= 0 ? (int)c->ret : -1;
	return c->fd;
}

/* Counts the calls of c's process that will never arrive: those that fall
 * out of the window unseen (calls before the first one seen do not count:
 * the lab was not listening yet). */
static void track_seq(struct timeline *tl, const struct ui_call *c)
{
	struct seq_track *t = NULL;
	uint64_t lost = 0;
	long d;

	if (c->seq < 0)
		return;
	for (size_t i = 0; i < tl->nseqs && !t; i++)
		if (tl->seqs[i].pid == c->pid)
			t = &tl->seqs[i];
	if (!t) {
		size_t i = tl->nseqs < MAX_SEQ_TRACKS ? tl->nseqs++ : tl->next_seq_slot++ % MAX_SEQ_TRACKS;

		tl->seqs[i] = (struct seq_track){c->pid, c->seq, c->seq, 1};
		return;
	}
	d = c->seq - t->max;
	if (d <= 0) {
		if (-d < SEQ_WINDOW)
			t->seen |= 1ull << -d;
		return;
	}
	for (long j = SEQ_WINDOW - (d < SEQ_WINDOW ? d : SEQ_WINDOW); j < SEQ_WINDOW; j++)
		if (t->max - j >= t->first && !(t->seen >> j & 1))
			lost++;
	if (d > SEQ_WINDOW)
		lost += (uint64_t)(d - SEQ_WINDOW);
	t->seen = d < SEQ_WINDOW ? t->seen << d | 1 : 1;
	t->max = c->seq;
	if (lost) {
		tl->calls_lost += lost;
		for (int l = 0; l < LANG_COUNT; l++) {
			const struct screen_words *w = screen_words((enum lang)l);

			snprintf(tl->lost_note[l], sizeof(tl->lost_note[l]),
				 lost == 1 ? w->calls_lost_one : w->calls_lost_many, (unsigned long long)lost,
				 why_role_word((enum lang)l, c->proc == ROLE_SERVER), c->pid);
		}
	}
}

uint64_t timeline_t0(const struct timeline *tl)
{
	return tl->t0_ns;
}

enum lang timeline_lang(const struct timeline *tl)
{
	return tl->lang;
}

uint64_t timeline_calls_lost(const struct timeline *tl, const char **last)
{
	if (last)
		*last = tl->lost_note[LANG_EN];
	return tl->calls_lost;
}

const char *timeline_calls_lost_said(const struct timeline *tl)
{
	return tl->lost_note[(unsigned)tl->lang < LANG_COUNT ? tl->lang : LANG_EN];
}

struct timeline *timeline_new(const struct timeline_config *cfg)
{
	struct timeline *tl = calloc(1, sizeof(*tl));

	if (!tl)
		return NULL;
	tl->cap = cfg && cfg->max_rows ? cfg->max_rows : TIMELINE_MAX_ROWS;
	tl->nconns = cfg && cfg->max_conns ? cfg->max_conns : DEFAULT_MAX_CONNS;
	tl->lang = cfg ? cfg->lang : LANG_EN;
	tl->rows = calloc(tl->cap, sizeof(*tl->rows));
	tl->conns = calloc(tl->nconns, sizeof(*tl->conns));
	if (!tl->rows || !tl->conns) {
		timeline_free(tl);
		return NULL;
	}
	return tl;
}

static void row_release(struct row *r)
{
	for (unsigned i = 0; i < r->nchanges; i++)
		free(r->changes[i].why);
	free(r->changes);
	free(r->ev);
	memset(r, 0, sizeof(*r));
}

static struct row *at(const struct timeline *tl, size_t pos)
{
	return &tl->rows[(tl->head + pos) % tl->cap];
}

void timeline_free(struct timeline *tl)
{
	if (!tl)
		return;
	if (tl->rows)
		for (size_t i = 0; i < tl->count; i++)
			row_release(at(tl, i));
	free(tl->rows);
	free(tl->conns);
	free(tl);
}

size_t timeline_count(const struct timeline *tl)
{
	return tl->count;
}

uint64_t timeline_dropped(const struct timeline *tl)
{
	return tl->dropped;
}

uint64_t timeline_skipped(const struct timeline *tl)
{
	return tl->skipped;
}

uint64_t timeline_packets(const struct timeline *tl)
{
	return tl->packets;
}

const struct row *timeline_row(const struct timeline *tl, size_t pos)
{
	return pos < tl->count ? at(tl, pos) : NULL;
}

static struct conn_info *conn_slot(const struct timeline *tl, uint32_t id)
{
	struct conn_info *c = &tl->conns[id % tl->nconns];

	return id && c->id == id ? c : NULL;
}

const struct conn_info *timeline_conn(const struct timeline *tl, uint32_t id)
{
	return conn_slot(tl, id);
}

uint32_t timeline_last_conn(const struct timeline *tl)
{
	return tl->last_conn;
}

uint32_t timeline_conn_next(const struct timeline *tl, uint32_t id, int dir)
{
	uint32_t lo = tl->last_conn > tl->nconns ? tl->last_conn - (uint32_t)tl->nconns + 1 : 1;
	uint32_t i = id + (uint32_t)dir;

	if (dir > 0 && i < lo) /* from 0 (or a summary no longer kept): the oldest kept */
		i = lo;
	for (; i >= lo && i <= tl->last_conn; i += (uint32_t)dir)
		if (conn_slot(tl, i))
			return i;
	return 0;
}

void timeline_pin(struct timeline *tl, uint32_t conn)
{
	tl->pinned = conn;
}

/* Finds a connection by the endpoints a call reported: a client's socket
 * has local == client, a server's accepted socket local == server. */
static struct conn_info *conn_by_endpoints(struct timeline *tl, enum tcp_role proc,
					   const struct endpoint *local, const struct endpoint *peer)
{
	const struct endpoint *c = proc == ROLE_CLIENT ? local : peer;
	const struct endpoint *s = proc == ROLE_CLIENT ? peer : local;

	for (uint32_t id = tl->last_conn; id > 0 && tl->last_conn - id < tl->nconns; id--) {
		struct conn_info *ci = conn_slot(tl, id);
		if (ci && endpoint_equal(&ci->client, c) && endpoint_equal(&ci->server, s))
			return ci;
	}
	return NULL;
}

/* Rows already in the timeline keep their connection: a row is drawn as
 * soon as it goes in (and `--plain` prints it for good), so what it says
 * must be what was known then, and a replay of the same records says the
 * same. accept()'s enter waits on the listening socket, connect()'s goes
 * in before its SYN made the connection: their exits do not tie them
 * afterwards, however long the call took.
 *
 * The one exception: an exit whose connection's first packet came after
 * it (the channel ran ahead of the capture; the handshake's frames were
 * already in the capture's ring when the call returned, so they come in
 * the same turn of the loop, before anything is printed). That exit row,
 * found scanning back from pos, gets ci. */
static void tie_pending_exit(struct timeline *tl, long pos, int pid, long seq, const struct conn_info *ci)
{
	for (long i = pos; i >= 0 && pos - i < TIE_SCAN; i--) {
		struct row *r = at(tl, (size_t)i);
		if (r->kind == ROW_CALL && r->conn == 0 && r->ev->u.call.exit && r->ev->u.call.pid == pid &&
		    r->ev->u.call.seq == seq) {
			r->conn = ci->id;
			break;
		}
	}
}

static struct conn_info *conn_create(struct timeline *tl, uint32_t id, const struct endpoint *client,
				     const struct endpoint *server, uint64_t ts)
{
	struct conn_info *ci = &tl->conns[id % tl->nconns];

	memset(ci, 0, sizeof(*ci));
	ci->id = id;
	ci->client = *client;
	ci->server = *server;
	ci->state[ROLE_CLIENT] = TCPS_CLOSED;
	ci->state[ROLE_SERVER] = TCPS_LISTEN;
	ci->first_state[ROLE_CLIENT] = ci->first_state[ROLE_SERVER] = STATE_UNSET;
	ci->first_ns = ci->last_ns = ts;
	if (id > tl->last_conn)
		tl->last_conn = id;
	for (size_t i = 0; i < tl->npending;) {
		struct pending_tie *p = &tl->pending[i];
		if (conn_by_endpoints(tl, p->proc, &p->local, &p->peer) == ci) {
			ci->pid[p->proc] = p->pid;
			pid_add_conn(tl, p->pid);
			fd_tie_set(tl, p->pid, p->fd, ci->id);
			tie_pending_exit(tl, (long)tl->count - 1, p->pid, p->seq, ci);
			*p = tl->pending[--tl->npending];
		} else {
			i++;
		}
	}
	return ci;
}

static void drop_front(struct timeline *tl)
{
	row_release(at(tl, 0));
	tl->head = (tl->head + 1) % tl->cap;
	tl->count--;
	tl->dropped++;
}

/* Inserts after every row stamped at or before ts: the position it took. */
static long insert_row(struct timeline *tl, const struct row *r, bool *inserted_before)
{
	size_t pos;

	if (tl->count == tl->cap)
		drop_front(tl);
	pos = tl->count;
	while (pos > 0 && at(tl, pos - 1)->ts_ns > r->ts_ns)
		pos--;
	for (size_t i = tl->count; i > pos; i--)
		*at(tl, i) = *at(tl, i - 1);
	*at(tl, pos) = *r;
	tl->count++;
	if (inserted_before)
		*inserted_before = pos + 1 < tl->count;
	return (long)pos;
}

static struct ui_event *event_copy(const struct ui_event *ev)
{
	size_t n = ui_event_size(ev->type);
	struct ui_event *copy = malloc(n);

	if (copy)
		memcpy(copy, ev, n);
	return copy;
}

static long add_row(struct timeline *tl, enum row_kind kind, const struct ui_event *ev,
		    const struct conn_info *ci, bool *inserted_before)
{
	struct row r = {.kind = kind, .ts_ns = ev->ts_ns, .conn = ci ? ci->id : 0};

	if (ci) {
		r.state[ROLE_CLIENT] = ci->state[ROLE_CLIENT];
		r.state[ROLE_SERVER] = ci->state[ROLE_SERVER];
	}
	r.ev = event_copy(ev);
	if (!r.ev)
		return -1;
	return insert_row(tl, &r, inserted_before);
}

/* Near the row cap, connections no lab call is tied to cost only their
 * summary: a flood of unrelated traffic cannot push the lesson out. */
static bool keep_rows_of(const struct timeline *tl, const struct conn_info *ci)
{
	return tl->count < tl->cap - tl->cap / 10 || ci->id == tl->pinned || ci->pid[0] || ci->pid[1];
}

static long add_packet(struct timeline *tl, const struct ui_event *ev, bool *inserted_before)
{
	const struct ui_packet *p = &ev->u.packet;
	struct conn_info *ci = conn_slot(tl, p->conn);

	if (!ci)
		ci = conn_create(tl, p->conn, p->from_client ? &p->src : &p->dst,
				 p->from_client ? &p->dst : &p->src, ev->ts_ns);
	if (!p->arrival) { /* a two-host wire's arrival row is the same segment's other end */
		ci->packets++;
		tl->packets++;
	}
	ci->last_ns = ev->ts_ns;
	if (!keep_rows_of(tl, ci)) {
		tl->skipped++;
		return -1;
	}
	return add_row(tl, ROW_PACKET, ev, ci, inserted_before);
}

/* The explanation as a student reads it: a key in the catalog becomes its
 * sentence in the timeline's language; anything else (a recording made
 * before keys) is kept as it was written. */
static char *why_sentence(const struct timeline *tl, const struct ui_state *s)
{
	char text[WHY_TEXT_MAX];
	int key = why_parse(s->why);

	if (key > 0 && why_format((enum tcp_why)key, tl->lang, s->role == ROLE_SERVER, s->why_seq, s->why_ack, text,
				  sizeof(text)) >= 0)
		return strdup(text);
	return strdup(s->why);
}

static int change_append(const struct timeline *tl, struct row *r, const struct ui_state *s)
{
	struct row_change *c = realloc(r->changes, (r->nchanges + 1u) * sizeof(*c));

	if (!c)
		return -1;
	r->changes = c;
	c[r->nchanges] = (struct row_change){s->role, s->from, s->to, why_sentence(tl, s)};
	r->nchanges++;
	r->state[s->role] = (uint8_t)s->to;
	return 0;
}

/* A change that happened at an earlier row (a SYN|ACK or FIN taken in, which
 * the receiver's ACK showed only later) holds in the rows of its connection
 * after it too, up to the next change of that endpoint. */
static void carry_state(struct timeline *tl, long pos, const struct ui_state *s)
{
	for (size_t i = (size_t)pos + 1; i < tl->count; i++) {
		struct row *r = at(tl, i);
		bool own_change = false;

		if (r->conn != s->conn || r->kind == ROW_CALL)
			continue;
		for (unsigned k = 0; k < r->nchanges; k++)
			own_change |= r->changes[k].role == s->role;
		if (own_change)
			break;
		r->state[s->role] = (uint8_t)s->to;
	}
}

static long add_state(struct timeline *tl, const struct ui_event *ev, bool *inserted_before)
{
	const struct ui_state *s = &ev->u.state;
	struct conn_info *ci = conn_slot(tl, s->conn);
	long pos;

	if (!ci)
		ci = conn_create(tl, s->conn, &s->client, &s->server, ev->ts_ns);
	if (ci->first_state[s->role] == STATE_UNSET)
		ci->first_state[s->role] = (uint8_t)s->from;
	ci->state[s->role] = (uint8_t)s->to;
	ci->time_wait_ns = s->to == TCPS_TIME_WAIT ? ev->ts_ns : s->from == TCPS_TIME_WAIT ? 0 : ci->time_wait_ns;
	if (!keep_rows_of(tl, ci))
		return -1;
	for (long i = (long)tl->count - 1; i >= 0 && (long)tl->count - i <= ATTACH_SCAN; i--) {
		struct row *r = at(tl, (size_t)i);
		bool causes = r->kind == ROW_PACKET || (r->kind == ROW_STATE && r->ev->type == UEV_ICMP);

		if (causes && r->conn == s->conn && r->ts_ns == ev->ts_ns && r->nchanges < ROW_MAX_CHANGES) {
			if (inserted_before)
				*inserted_before = false;
			if (change_append(tl, r, s) < 0)
				return -1;
			carry_state(tl, i, s);
			return i;
		}
	}
	pos = add_row(tl, ROW_STATE, ev, ci, inserted_before);
	if (pos >= 0 && change_append(tl, at(tl, (size_t)pos), s) < 0)
		return -1;
	return pos;
}

static void track_open_call(struct timeline *tl, const struct ui_call *c, uint32_t conn)
{
	for (size_t i = 0; i < tl->nopen; i++) {
		if (tl->open[i].pid == c->pid && tl->open[i].seq == c->seq) {
			tl->open[i] = tl->open[--tl->nopen];
			break;
		}
	}
	if (c->exit)
		return;
	if (tl->nopen == MAX_OPEN_CALLS) /* calls whose exit never came */
		memmove(tl->open, tl->open + 1, --tl->nopen * sizeof(tl->open[0]));
	tl->open[tl->nopen] = (struct open_call){c->proc, c->pid, c->seq, "", conn};
	memcpy(tl->open[tl->nopen].call, c->call, sizeof(c->call));
	tl->nopen++;
}

static long add_call(struct timeline *tl, const struct ui_event *ev, bool *inserted_before)
{
	const struct ui_call *c = &ev->u.call;
	struct conn_info *ci = NULL;
	long pos;

	track_seq(tl, c);
	if (c->local.family && c->peer.family) {
		ci = conn_by_endpoints(tl, c->proc, &c->local, &c->peer);
		if (!ci && c->exit) {
			if (tl->npending == MAX_PENDING)
				memmove(tl->pending, tl->pending + 1, --tl->npending * sizeof(tl->pending[0]));
			tl->pending[tl->npending++] =
				(struct pending_tie){c->proc, c->pid, call_conn_fd(c), c->seq, c->local, c->peer};
		}
	}
	/* An exit after close() has no endpoints left: it belongs where its
	 * enter went. */
	for (size_t i = 0; !ci && c->exit && i < tl->nopen; i++)
		if (tl->open[i].pid == c->pid && tl->open[i].seq == c->seq && tl->open[i].conn)
			ci = conn_slot(tl, tl->open[i].conn);
	/* A call on a descriptor whose socket had a connection: that one. */
	if (!ci && call_conn_fd(c) >= 0) {
		struct fd_tie *t = fd_tie_find(tl, c->pid, call_conn_fd(c));

		if (t)
			ci = conn_slot(tl, t->conn);
	}
	track_open_call(tl, c, ci ? ci->id : 0);
	pos = add_row(tl, ROW_CALL, ev, ci, inserted_before);
	if (pos >= 0 && ci) {
		ci->pid[c->proc] = c->pid;
		pid_add_conn(tl, c->pid);
		fd_tie_set(tl, c->pid, call_conn_fd(c), ci->id);
	}
	/* The descriptor's life ends with close(); a number socket() hands out
	 * again starts a new one. */
	if (c->exit && strcmp(c->call, "close") == 0)
		fd_tie_drop(tl, c->pid, c->fd);
	if (c->exit && strcmp(c->call, "socket") == 0 && c->has_ret && c->ret >= 0)
		fd_tie_drop(tl, c->pid, (int)c->ret);
	return pos;
}

/* An ICMP error is a row of its own, in its connection's view; the state
 * change it causes (an abort) attaches to it as to a packet. */
static long add_icmp(struct timeline *tl, const struct ui_event *ev, bool *inserted_before)
{
	struct conn_info *ci = conn_slot(tl, ev->u.icmp.conn);

	if (ci && !keep_rows_of(tl, ci))
		return -1;
	return add_row(tl, ROW_STATE, ev, ci, inserted_before);
}

/* Is addr the address (any port) of endpoint e? */
static bool same_addr(const struct endpoint *e, const struct endpoint *addr)
{
	return e->family == addr->family && memcmp(e->addr, addr->addr, e->family == 4 ? 4 : 16) == 0;
}

int timeline_arp_side(const struct timeline *tl, const struct row *r, uint32_t conn)
{
	const struct conn_info *ci;
	const struct endpoint *sender;

	if (!r || !r->ev || r->ev->type != UEV_ARP)
		return -1;
	sender = &r->ev->u.arp.sender_ip;
	/* every connection's view: the newest connection between its hosts */
	for (uint32_t id = conn ? conn : timeline_last_conn(tl); id; id = conn ? 0 : timeline_conn_next(tl, id, -1)) {
		if (!(ci = conn_slot(tl, id)))
			continue;
		if (same_addr(&ci->client, sender))
			return ROLE_CLIENT;
		if (same_addr(&ci->server, sender))
			return ROLE_SERVER;
	}
	return -1;
}

long timeline_add(struct timeline *tl, const struct ui_event *ev, bool *inserted_before)
{
	struct conn_info *ci;

	if (ev->ts_ns && (!tl->t0_ns || ev->ts_ns < tl->t0_ns) &&
	    (ev->type == UEV_PACKET || ev->type == UEV_CALL || ev->type == UEV_STATE || ev->type == UEV_ARP))
		tl->t0_ns = ev->ts_ns;
	if (inserted_before)
		*inserted_before = false;
	switch (ev->type) {
	case UEV_PACKET: return add_packet(tl, ev, inserted_before);
	case UEV_STATE: return add_state(tl, ev, inserted_before);
	case UEV_CALL: return add_call(tl, ev, inserted_before);
	case UEV_ICMP: return add_icmp(tl, ev, inserted_before);
	case UEV_ARP: /* a row of no connection; the views of its hosts' connections show it */
		return add_row(tl, ROW_STATE, ev, NULL, inserted_before);
	case UEV_KERNEL: /* a row of its connection, no change of state */
		ci = conn_slot(tl, ev->u.kernel.conn);
		return ci && keep_rows_of(tl, ci) ? add_row(tl, ROW_STATE, ev, ci, inserted_before) : -1;
	case UEV_CONN_END:
		ci = conn_slot(tl, ev->u.end.conn);
		if (!ci)
			return -1;
		ci->ended = true;
		ci->time_wait_ns = 0;
		return keep_rows_of(tl, ci) ? add_row(tl, ROW_END, ev, ci, inserted_before) : -1;
	default:
		return -1;
	}
}

bool timeline_row_in_view(const struct timeline *tl, const struct row *r, uint32_t conn)
{
	const struct conn_info *ci;
	int pid;

	if (conn == 0 || r->conn == conn)
		return true;
	if (r->ev && r->ev->type == UEV_ARP)
		return timeline_arp_side(tl, r, conn) >= 0;
	if (r->conn != 0 || r->kind != ROW_CALL || !(ci = conn_slot(tl, conn)))
		return false;
	/* a call of no connection (socket(), listen(), a failed bind()): in
	 * the view of its process's connection, and in every view when its
	 * process has none */
	pid = ci->pid[r->ev->u.call.proc];
	return pid == 0 || pid == r->ev->u.call.pid || !pid_has_conn(tl, r->ev->u.call.pid);
}

long timeline_step(const struct timeline *tl, long pos, int dir, uint32_t conn)
{
	for (long i = pos + dir; i >= 0 && i < (long)tl->count; i += dir)
		if (timeline_row_in_view(tl, at(tl, (size_t)i), conn))
			return i;
	return -1;
}

enum tcp_state timeline_state_at(const struct timeline *tl, long pos, uint32_t conn, enum tcp_role role)
{
	const struct conn_info *ci = conn_slot(tl, conn);

	if (pos >= (long)tl->count)
		pos = (long)tl->count - 1;
	for (long i = pos; i >= 0; i--) {
		const struct row *r = at(tl, (size_t)i);
		if (r->conn == conn && r->kind != ROW_CALL)
			return (enum tcp_state)r->state[role];
	}
	if (!ci)
		return role == ROLE_CLIENT ? TCPS_CLOSED : TCPS_LISTEN;
	if (ci->first_state[role] != STATE_UNSET)
		return (enum tcp_state)ci->first_state[role];
	return (enum tcp_state)ci->state[role];
}

static bool call_may_belong(const struct timeline *tl, const struct row *r, uint32_t conn)
{
	return r->conn == conn || (r->conn == 0 && timeline_row_in_view(tl, r, conn));
}

size_t timeline_calls_at(const struct timeline *tl, uint32_t conn, uint64_t ts_ns, struct open_call *out,
			 size_t max)
{
	size_t n = 0;

	for (long i = (long)tl->count - 1; i >= 0 && (long)tl->count - i <= TIE_SCAN && n < max; i--) {
		const struct row *r = at(tl, (size_t)i), *x;
		const struct ui_call *c;
		bool returned = false;

		if (r->kind != ROW_CALL || r->ts_ns > ts_ns || r->ev->u.call.exit || !call_may_belong(tl, r, conn))
			continue;
		c = &r->ev->u.call;
		/* its exit, if it came before ts_ns, lies between it and the end */
		for (long j = i + 1; j < (long)tl->count && !returned; j++) {
			x = at(tl, (size_t)j);
			if (x->ts_ns > ts_ns)
				break;
			returned = x->kind == ROW_CALL && x->ev->u.call.exit && x->ev->u.call.pid == c->pid &&
				   x->ev->u.call.seq == c->seq;
		}
		if (returned)
			continue;
		out[n] = (struct open_call){c->proc, c->pid, c->seq, "", r->conn};
		memcpy(out[n].call, c->call, sizeof(c->call));
		n++;
	}
	return n;
}
