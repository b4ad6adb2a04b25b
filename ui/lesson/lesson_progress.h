/* lesson_progress.h: where a student is in a lesson, and what each thing they
 * do (or the checkpoint) leads to. Pure: the text runner (lesson_run.c)
 * and the curses lab (lesson_view.c) feed it events and carry out the
 * actions it returns, so both walk the steps the same way.
 *
 *   READ ──continue──┐                    ┌── continue ──> next step's READ/PREDICT
 *                    ├─> RUNNING ──met──> DONE            (after the last: FINISHED;
 *   PREDICT ─choice──┘    ▲  └──timeout──> FAILED          q there finishes too)
 *                         └── continue ────┘
 *
 * Continue after a failure runs the step again: fresh programs, from the
 * step that began its scene (lesson_scene_start) back to it, each earlier
 * checkpoint met again on the way without a question.
 * Back shows an earlier step's words (the sockets cannot rewind); continue
 * then walks forward again to the step where the student was. */
#ifndef SOCKLAB_UI_LESSON_PROGRESS_H
#define SOCKLAB_UI_LESSON_PROGRESS_H

#include <stdbool.h>

#include "lesson.h"

enum progress_phase {
	PHASE_READ,     /* the step's narrative: continue runs it */
	PHASE_PREDICT,  /* the step asks first: a choice runs it */
	PHASE_RUNNING,  /* programs started, calls released, checkpoint pending */
	PHASE_DONE,     /* checkpoint reached: outcome and then:; continue goes on */
	PHASE_FINISHED, /* past the last checkpoint */
	PHASE_FAILED,   /* a checkpoint not reached in time */
	PHASE_QUIT,
};

enum progress_event {
	STUDENT_CONTINUE, /* space, Enter */
	STUDENT_ANSWER,   /* a choice, 1-based */
	STUDENT_HINT,
	STUDENT_BACK,
	CHECKPOINT_MET,      /* the running step's checkpoint is reached */
	CHECKPOINT_TIMEOUT,  /* ... or not, in time */
	STUDENT_STOP,     /* q */
};

enum progress_action {
	DO_NOTHING,      /* the event means nothing now */
	DO_SHOW_STEP,    /* a new step: its narrative (and question) */
	DO_RUN_STEP,     /* stop and start the step's programs, release its calls */
	DO_RERUN_STEP,   /* stop every program, then DO_RUN_STEP (a step run again) */
	DO_SHOW_FAILURE, /* the checkpoint was not reached: say why, offer to run it again */
	DO_SHOW_OUTCOME, /* the prediction's outcome and then: */
	DO_SHOW_HINT,    /* the shown step's hint was turned on or off */
	DO_SHOW_REVIEW,  /* another step is shown while looking back (shown <= cur) */
	DO_END,          /* finished, failed or stopped */
};

struct lesson_progress {
	const struct lesson *les;
	int cur;                /* the step being run, or about to be */
	int shown;              /* the step whose words are shown: cur, or an earlier one */
	enum progress_phase phase;  /* of cur */
	int predicted;          /* the student's choice for cur, 0 when none */
	bool hint;              /* the shown step's hint is on */
	int again_to;           /* running steps again up to this one; -1 when not */
	int choices[LESSON_MAX_STEPS]; /* each step's prediction, kept for a run again */
};

void lesson_progress_init(struct lesson_progress *f, const struct lesson *les);

/* choice: for STUDENT_ANSWER, else ignored. */
enum progress_action lesson_progress_event(struct lesson_progress *f, enum progress_event ev, int choice);

/* Is an earlier step shown (back was used)? */
bool lesson_progress_reviewing(const struct lesson_progress *f);

/* Are steps being run again on the way back to a failed one? */
bool lesson_progress_again(const struct lesson_progress *f);

/* Was the prediction of the current step right? (false without one) */
bool lesson_progress_predicted_right(const struct lesson_progress *f);

#endif
