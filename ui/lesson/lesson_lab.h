/* lesson_lab.h: the lab a lesson runs in: a session (session.h: a capture
 * on lo and a private event channel merged into a timeline), the lab
 * programs each step starts (in --step mode) and the release of their
 * calls one at a time until the step's checkpoint is met. The front end's
 * loop (loop.h) polls the session. An edge (sockets, capture, processes)
 * shared by the text runner and the curses lab; it never talks to the
 * student. */
#ifndef SOCKLAB_UI_LESSON_LAB_H
#define SOCKLAB_UI_LESSON_LAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lesson.h"
#include "session.h"
#include "timeline.h"

struct lesson_lab_opts {
	const struct lesson *les;
	const char *bindir;      /* where echo-server and echo-client are */
	int pace_ms;             /* between released calls */
	int timeout_s;           /* a checkpoint's default time */
	enum lang lang;          /* of the state explanations */
	session_row_fn on_row;   /* a row went into the timeline */
	void *ctx;
	/* enabled: the programs run on two hosts with this wire between them
	 * (docs/wire.md), captured at each host */
	struct impair_cfg wire;
};

/* LAB_FAILED: the step cannot go on before its timeout (its server exited
 * before it listened); lesson_lab_failure_words says why. */
enum lesson_lab_state { LAB_RUNNING, LAB_MET, LAB_TIMEOUT, LAB_FAILED };

struct lesson_lab;

/* With a wire: makes the hosts and their launchers (lesson_hosts.h) first.
 * Opens the capture (as root), drops root, listens on a channel of its own.
 * NULL with err on failure; *capture_refused tells the capture was the
 * cause. */
struct lesson_lab *lesson_lab_open(const struct lesson_lab_opts *o, bool *capture_refused, char *err,
				   size_t errlen);
/* Step idx was skipped because a program it needs (go) is not installed:
 * the words that say so, in the lesson's language, into buf; NULL when it
 * was not. Its checkpoint counts as reached. */
const char *lesson_lab_skipped(const struct lesson_lab *lab, int idx, char *buf, size_t n);

/* Stops the programs, closes the session (which removes the channel's
 * directory). NULL is fine. */
void lesson_lab_close(struct lesson_lab *lab);

struct timeline *lesson_lab_timeline(const struct lesson_lab *lab);
/* The wire the lab runs on ("delay 100 ms, ... seed 42"), into buf; NULL
 * on loopback. */
const char *lesson_lab_wire(const struct lesson_lab *lab, char *buf, size_t n);
/* How long a segment may take to cross the wire (a lost one's row comes
 * that late); 0 on loopback. */
uint64_t lesson_lab_horizon_ns(const struct lesson_lab *lab);
struct session *lesson_lab_session(const struct lesson_lab *lab);
/* The frames the lab captured, for the details of a row (d). */
const struct frames *lesson_lab_frames(const struct lesson_lab *lab);

/* Step idx begins: its stop: lines, then its run: lines (a client waits
 * for the server's listen()); its checkpoint's clock starts. */
int lesson_lab_start_step(struct lesson_lab *lab, int idx, char *err, size_t errlen);

/* A step run again: stops every program (their waiting calls dropped) and
 * picks a fresh port for {local}, so the steps that follow start afresh
 * (a port of the last run may still be in TIME_WAIT). */
void lesson_lab_restart(struct lesson_lab *lab);

/* When step idx started (rows from then on count for its checkpoint); 0
 * for a step not run yet. */
uint64_t lesson_lab_step_start(const struct lesson_lab *lab, int idx);

/* Why step idx's checkpoint was not reached, when the lab or the step
 * knows: the step ended early (the server exited before it listened, and
 * the last line it wrote on stderr); else its fail-say: once a row like
 * its fail-seen: was stamped since its scene began (lesson_scene_start);
 * else NULL. */
const char *lesson_lab_failure_words(const struct lesson_lab *lab, int idx);
/* Did step idx fail before its timeout (LAB_FAILED)? Its failure words
 * then say why, not its fail-say:. */
bool lesson_lab_ended_early(const struct lesson_lab *lab, int idx);

/* text, one of step idx's words (say:, then:), as the student reads it:
 * each {tcp_info:ROLE.FIELD} filled from the kernel's latest tcp_info of
 * that endpoint of the step's connection (the newest one the step's rows
 * show; lesson.h), or saying it is not known. malloc'd (free it); NULL for
 * a NULL text or out of memory. */
char *lesson_lab_words(const struct lesson_lab *lab, int idx, const char *text);

/* Seconds step idx's checkpoint may take. */
int lesson_lab_timeout_s(const struct lesson_lab *lab, int idx);

/* Reaps the lab programs that exited (the front end's loop calls it each
 * turn). */
void lesson_lab_reap(struct lesson_lab *lab);

/* Moves the running step on: starts the clients waiting for the server,
 * releases one call every pace, and matches the checkpoint into met[].
 * LAB_MET once every expectation is met (and, with show: output, the
 * step's clients exited) and what the last call caused had a moment to
 * arrive; LAB_FAILED at once when the clients wait for a server that
 * exited before it listened. -1 with err when a program cannot start. */
int lesson_lab_advance(struct lesson_lab *lab, uint64_t now_ns, bool met[LESSON_MAX_EXPECTS], char *err,
		       size_t errlen);

/* show: output: each line step idx's clients printed (the files are
 * removed). */
void lesson_lab_outputs(struct lesson_lab *lab, int idx, void (*line)(const char *proc, const char *text, void *ctx),
			void *ctx);

#endif
