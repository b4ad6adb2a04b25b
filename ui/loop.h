/* loop.h: the one poll loop of `socklab`, and its one draw. Each turn it
 * waits for the session's capture and event channel, the keyboard (curses)
 * or a line on stdin (--plain --step), or a timer; takes the input in;
 * lets TIME_WAIT expire (the session's tick); lets the program on top move
 * on (its turn hook); and redraws the lab screen when something changed,
 * at most ~30 times a second, a key answered at once. What differs between
 * the live lab, a demo, a replay and a lesson is in the hooks. An edge:
 * poll, curses, signals. */
#ifndef SOCKLAB_UI_LOOP_H
#define SOCKLAB_UI_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "grid.h"
#include "screen.h"
#include "session.h"
#include "timeline.h"

/* What a hook returns: go on, or end the loop (or -1 with err: it failed). */
enum { LOOP_GO_ON, LOOP_END };

struct loop_hooks {
	/* Each turn, once the input is in. */
	int (*turn)(void *ctx, uint64_t now_ns, char *err, size_t errlen);
	/* A key (curses), as view_read_key gives it. */
	int (*key)(void *ctx, int key, char *err, size_t errlen);
	/* stdin has a line (or its end) to read (no curses, lines on). */
	int (*line)(void *ctx, char *err, size_t errlen);
	/* Before a draw: what the status and key lines and the pane show beyond
	 * the session's source, filter and counters. */
	void (*status)(void *ctx, struct screen_status *st);
	void *ctx;
};

/* Wire-to-screen latency: from a packet's capture time to the end of the
 * first draw after its row came (curses' doupdate done), in steps of
 * LOOP_LATENCY_STEP_NS; what a person at the screen waits. */
#define LOOP_LATENCY_PENDING 4096
#define LOOP_LATENCY_STEP_NS 500000ull /* 0.5 ms */
#define LOOP_LATENCY_STEPS 2000        /* to 1 s; the last counts all beyond */
struct loop_latency {
	uint64_t pending[LOOP_LATENCY_PENDING]; /* the capture times of packet rows not drawn yet */
	size_t npending;
	uint64_t untimed;                       /* packet rows beyond pending: counted, not timed */
	uint64_t count, max_ns;
	uint32_t steps[LOOP_LATENCY_STEPS + 1];
};

struct loop {
	struct timeline *tl;
	struct session *sess;    /* NULL: nothing to poll (a replay) */
	struct screen scr;
	struct grid grid;        /* the terminal's size, drawn into */
	bool curses;             /* keys from the terminal; the screen drawn */
	bool lines;              /* no curses: stdin goes to hooks.line */
	bool dirty;              /* something changed: draw again */
	int wait_ms;             /* the longest wait for input in a turn */
	uint64_t last_draw_ns;
	struct loop_hooks hooks; /* any may be NULL */
	struct loop_latency latency;
};

/* Runs turns until a hook ends them or a signal asks (loop_catch_signals).
 * Returns 0, or -1 with err. */
int loop_run(struct loop *l, char *err, size_t errlen);

/* Draws the lab screen now. */
void loop_draw(struct loop *l);

/* Rows went into the timeline (a session_row_fn's arguments): the screen
 * keeps its place and follows, the shown connection keeps its rows. */
void loop_rows_changed(struct loop *l, long pos, bool inserted_before, uint64_t dropped_before);

/* The packet rows waiting for a draw were on the screen at now_ns
 * (loop_draw calls it once it has drawn). */
void loop_latency_drawn(struct loop *l, uint64_t now_ns);
/* The wire-to-screen latency so far as one JSON line ({"type":
 * "screen_latency","packets":N,"untimed":N,"p50_us":N,"p99_us":N,
 * "max_us":N}, each percentile the upper edge of its 0.5 ms step) in buf;
 * returns its length, or -1 if it does not fit. */
int loop_latency_json(const struct loop *l, char *buf, size_t n);

void loop_free(struct loop *l);

/* SIGINT, SIGTERM and SIGHUP (a closed terminal) end loop_run, so sockets,
 * files and children are cleaned up. A closed pipe must not kill a program
 * that has them either, so SIGPIPE is ignored, unless quiet_on_closed_pipe:
 * an export is a filter like any other, `socklab export ... | head` ends it
 * quietly by SIGPIPE. */
void loop_catch_signals(bool quiet_on_closed_pipe);
/* Asks loop_run to end, as a signal does. */
void loop_stop(void);
/* Was the loop asked to end (a signal, loop_stop)? */
bool loop_stopping(void);

#endif
