/* lesson_flow.h: where a student is in a lesson, and what each thing they
 * do (or the checkpoint) leads to. Pure: the text runner (lesson_run.c)
 * and the curses lab (lesson_view.c) feed it events and carry out the
 * actions it returns, so both walk the steps the same way.
 *
 *   READ ──continue──┐                    ┌── continue ──> next step's READ/PREDICT
 *                    ├─> RUNNING ──met──> DONE            (after the last: FINISHED)
 *   PREDICT ─choice──┘      └──timeout──> FAILED
 *
 * Back shows an earlier step's words (the sockets cannot rewind); continue
 * then walks forward again to the step where the student was. */
#ifndef SOCKLAB_UI_LESSON_FLOW_H
#define SOCKLAB_UI_LESSON_FLOW_H

#include <stdbool.h>

#include "lesson.h"

enum flow_phase {
	FLOW_READ,     /* the step's narrative: continue runs it */
	FLOW_PREDICT,  /* the step asks first: a choice runs it */
	FLOW_RUNNING,  /* programs started, calls released, checkpoint pending */
	FLOW_DONE,     /* checkpoint reached: outcome and then:; continue goes on */
	FLOW_FINISHED, /* past the last checkpoint */
	FLOW_FAILED,   /* a checkpoint not reached in time */
	FLOW_QUIT,
};

enum flow_event {
	FLOW_CONTINUE, /* space, Enter */
	FLOW_ANSWER,   /* a choice, 1-based */
	FLOW_HINT,
	FLOW_BACK,
	FLOW_MET,      /* the running step's checkpoint is reached */
	FLOW_TIMEOUT,  /* ... or not, in time */
	FLOW_STOP,     /* q */
};

enum flow_action {
	FLOW_NOTHING,      /* the event means nothing now */
	FLOW_SHOW_STEP,    /* a new step: its narrative (and question) */
	FLOW_RUN_STEP,     /* stop and start the step's programs, release its calls */
	FLOW_SHOW_OUTCOME, /* the prediction's outcome and then: */
	FLOW_SHOW_HINT,    /* the shown step's hint was turned on or off */
	FLOW_SHOW_REVIEW,  /* another step is shown while looking back (shown <= cur) */
	FLOW_END,          /* finished, failed or stopped */
};

struct lesson_flow {
	const struct lesson *les;
	int cur;                /* the step being run, or about to be */
	int shown;              /* the step whose words are shown: cur, or an earlier one */
	enum flow_phase phase;  /* of cur */
	int predicted;          /* the student's choice for cur, 0 when none */
	bool hint;              /* the shown step's hint is on */
};

void lesson_flow_init(struct lesson_flow *f, const struct lesson *les);

/* choice: for FLOW_ANSWER, else ignored. */
enum flow_action lesson_flow_event(struct lesson_flow *f, enum flow_event ev, int choice);

/* Is an earlier step shown (back was used)? */
bool lesson_flow_reviewing(const struct lesson_flow *f);

/* Was the prediction of the current step right? (false without one) */
bool lesson_flow_predicted_right(const struct lesson_flow *f);

/* The runner's own words, in the lesson's language (both front ends). */
struct lesson_words {
	const char *lesson, *step, *seed, *predict_prompt, *hint_none, *checkpoint, *right, *wrong, *next_prompt,
		*back, *waiting, *quit, *no_capture,
		/* the curses lab */
		*hint, *checkpoint_title, *checkpoint_later, *not_reached, *finished, *your_choice, *running, *keys_read, *keys_predict,
		*keys_running, *keys_done, *keys_last, *keys_review, *keys_finished, *keys_failed;
};

extern const struct lesson_words lesson_words_en, lesson_words_zh;

#endif
