/* timeline.h: the merged, time-ordered model the ladder shows.
 *
 * Rows come from two sources that deliver slightly out of order: the
 * capture (packets with the state changes they caused, connection ends) and
 * the event channel (socket calls). Rows are inserted sorted by time, so a
 * call's enter and exit bracket the packets stamped between them. State
 * events attach to the packet row that caused them; each row keeps its
 * connection's client and server state as of that row, so the view can go
 * back in time.
 *
 * A call is tied to its connection by its endpoints (local/peer against
 * client/server), or by its descriptor's connection. A row keeps the
 * connection it went in with (it may already be drawn, or printed for
 * good by --plain), so a live session and its replay show the same rows:
 * an enter without endpoints (connect, accept) is not tied afterwards by
 * its exit. The one row that learns its connection later is an exit the
 * channel delivered before the capture delivered the connection's first
 * segment (those frames come in the same turn of the loop).
 *
 * Memory is bounded: at most max_rows rows (the oldest are dropped and
 * counted) and a window of the latest connections' summaries. Once the rows
 * are nearly full, data packets of connections no lab call is tied to (and
 * that are not pinned) update only their summary.
 *
 * Pure: no I/O, no globals. */
#ifndef SOCKLAB_UI_TIMELINE_H
#define SOCKLAB_UI_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "records.h"

enum row_kind {
	ROW_PACKET, /* a segment, with the state changes it caused */
	ROW_CALL,   /* a socket call's enter or exit */
	ROW_STATE,  /* a state change without a packet (TIME_WAIT expiry), or an ICMP
		     * error (ev->type UEV_ICMP) with the change it caused, if any,
		     * or an ARP request or reply (UEV_ARP, conn 0) */
	ROW_END,    /* a connection released */
};

#define ROW_MAX_CHANGES 4

struct row_change {
	enum tcp_role role;
	enum tcp_state from, to;
	char *why;
};

struct row {
	enum row_kind kind;
	uint64_t ts_ns;
	uint32_t conn;            /* 0: a call not tied to a connection */
	uint8_t state[2];         /* enum tcp_state per role, as of this row */
	uint8_t nchanges;
	struct row_change *changes;
	struct ui_event *ev;      /* the record (only as large as its type needs) */
};

/* One connection's summary: kept after its rows are dropped. */
struct conn_info {
	uint32_t id;
	struct endpoint client, server;
	uint8_t state[2];         /* current, per role */
	uint8_t first_state[2];   /* before the first change seen */
	int pid[2];               /* lab process per role, 0 when unknown */
	uint64_t first_ns, last_ns, packets;
	bool ended;
	uint64_t time_wait_ns;    /* when an endpoint entered TIME_WAIT, 0 if none */
};

#define TIMELINE_MAX_ROWS 100000 /* the default row cap */

struct timeline_config {
	size_t max_rows;   /* default TIMELINE_MAX_ROWS */
	size_t max_conns;  /* connection summaries kept, default 4096 */
	enum lang lang;    /* the language of the explanations (why.h), default English */
};

struct timeline;

struct timeline *timeline_new(const struct timeline_config *cfg); /* NULL cfg: defaults */
void timeline_free(struct timeline *tl);

/* The session's zero: the earliest time of a row-making record seen (0 when
 * none), kept when old rows are dropped, the same in every view. */
uint64_t timeline_t0(const struct timeline *tl);

/* The language the timeline's explanations are written in. */
enum lang timeline_lang(const struct timeline *tl);

/* Adds one record. Returns the position of the row it created or changed,
 * or -1 when it made no row (hello, step, stats, unknown types, skipped
 * traffic). *inserted_before is set when a new row went in before the end
 * (rows at that position and later moved down by one). */
long timeline_add(struct timeline *tl, const struct ui_event *ev, bool *inserted_before);

size_t timeline_count(const struct timeline *tl);
/* Rows dropped from the front so far (because of max_rows); positions are
 * relative to the current front. */
uint64_t timeline_dropped(const struct timeline *tl);

/* Calls of the lab programs that never arrived, seen as gaps in each
 * process's call seq numbers (a call 64 behind the newest of its process
 * is given up); *last, if not NULL, says the latest loss in English words,
 * for the recording ("3 calls of server pid 812 lost"). */
uint64_t timeline_calls_lost(const struct timeline *tl, const char **last);
/* The latest loss in the timeline's language, for the screen ("" if none). */
const char *timeline_calls_lost_said(const struct timeline *tl);
/* Segments seen (a two-host wire's arrivals not counted again), rows or not. */
uint64_t timeline_packets(const struct timeline *tl);
/* Packets not kept as rows (their connections' summaries were updated). */
uint64_t timeline_skipped(const struct timeline *tl);
const struct row *timeline_row(const struct timeline *tl, size_t pos);

/* Connection summaries, newest last; NULL for an id no longer kept. */
const struct conn_info *timeline_conn(const struct timeline *tl, uint32_t id);
uint32_t timeline_last_conn(const struct timeline *tl);
/* The connection after (dir > 0) or before id that is still kept; 0 if none. */
uint32_t timeline_conn_next(const struct timeline *tl, uint32_t id, int dir);

/* The view's connection: its rows are always kept. */
void timeline_pin(struct timeline *tl, uint32_t conn);

/* Does row belong to the view of connection conn (0: every row)? Calls not
 * tied to a connection belong to it when they come from its processes. */
bool timeline_row_in_view(const struct timeline *tl, const struct row *r, uint32_t conn);

/* The next position after (dir > 0) or before pos in the view of conn;
 * -1 when there is none. pos may be -1 (start) or count (end). */
long timeline_step(const struct timeline *tl, long pos, int dir, uint32_t conn);

/* An ARP row (ev->type UEV_ARP, conn 0): the role (enum tcp_role) of the
 * host that sent it in connection conn (0: the newest connection one of
 * whose hosts sent it), or -1 when it is neither of conn's hosts. */
int timeline_arp_side(const struct timeline *tl, const struct row *r, uint32_t conn);

/* State of role as of row pos in the view of conn (the nearest row of conn
 * at or before pos; before the first, the state its first change left). */
enum tcp_state timeline_state_at(const struct timeline *tl, long pos, uint32_t conn, enum tcp_role role);

/* A call in progress at some moment. */
struct open_call {
	enum tcp_role proc;
	int pid;
	long seq;
	char call[24];
	uint32_t conn;
};
/* The calls in progress at ts_ns (entered at or before it, not returned
 * before it) that may belong to conn: those tied to it, and untied ones of
 * its processes. Looks at the latest rows only (a few thousand). Returns
 * how many were written (at most max). */
size_t timeline_calls_at(const struct timeline *tl, uint32_t conn, uint64_t ts_ns, struct open_call *out,
			 size_t max);

#endif
