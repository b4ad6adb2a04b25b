/* lesson_progress.c: the progression through a lesson's steps. */
#include "lesson_progress.h"

static void enter_step(struct lesson_progress *f, int idx)
{
	f->cur = f->shown = idx;
	f->choices[idx] = 0;
	f->phase = f->les->steps[idx].predict ? PHASE_PREDICT : PHASE_READ;
	f->predicted = 0;
	f->hint = false;
}

void lesson_progress_init(struct lesson_progress *f, const struct lesson *les)
{
	*f = (struct lesson_progress){.les = les, .again_to = -1};
	enter_step(f, 0);
}

bool lesson_progress_again(const struct lesson_progress *f)
{
	return f->again_to >= 0;
}

/* After a failure: back to the scene's first step, to run it and the
 * steps after it again up to the one that failed (or further, when an
 * earlier run again failed on the way). */
static enum progress_action run_again(struct lesson_progress *f)
{
	if (f->again_to < f->cur)
		f->again_to = f->cur;
	f->cur = f->shown = lesson_scene_start(f->les, f->cur);
	f->predicted = f->choices[f->cur];
	f->hint = false;
	f->phase = PHASE_RUNNING;
	return DO_RERUN_STEP;
}

bool lesson_progress_reviewing(const struct lesson_progress *f)
{
	return f->shown < f->cur;
}

bool lesson_progress_predicted_right(const struct lesson_progress *f)
{
	return f->predicted && f->predicted == f->les->steps[f->cur].answer;
}

static enum progress_action next(struct lesson_progress *f)
{
	if (lesson_progress_reviewing(f)) {
		f->shown++;
		f->hint = false;
		return DO_SHOW_REVIEW;
	}
	switch (f->phase) {
	case PHASE_READ:
		f->phase = PHASE_RUNNING;
		return DO_RUN_STEP;
	case PHASE_FAILED:
		return run_again(f);
	case PHASE_DONE:
		if (f->cur + 1 == f->les->nsteps) {
			f->phase = PHASE_FINISHED;
			return DO_END;
		}
		enter_step(f, f->cur + 1);
		return DO_SHOW_STEP;
	default:
		return DO_NOTHING; /* a question waits for its answer, a running step for its checkpoint */
	}
}

enum progress_action lesson_progress_event(struct lesson_progress *f, enum progress_event ev, int choice)
{
	if (f->phase == PHASE_QUIT)
		return DO_END;
	switch (ev) {
	case STUDENT_CONTINUE:
		return next(f);
	case STUDENT_ANSWER:
		if (f->phase != PHASE_PREDICT || lesson_progress_reviewing(f) || choice < 1 ||
		    choice > f->les->steps[f->cur].nchoices)
			return DO_NOTHING;
		f->predicted = f->choices[f->cur] = choice;
		f->phase = PHASE_RUNNING;
		return DO_RUN_STEP;
	case STUDENT_HINT:
		f->hint = !f->hint;
		return DO_SHOW_HINT;
	case STUDENT_BACK:
		if (f->shown == 0)
			return DO_NOTHING;
		f->shown--;
		f->hint = false;
		return DO_SHOW_REVIEW;
	case CHECKPOINT_MET:
		if (f->phase != PHASE_RUNNING)
			return DO_NOTHING;
		if (f->again_to > f->cur) { /* on the way back: the next step runs at once */
			f->cur = f->shown = f->cur + 1;
			f->predicted = f->choices[f->cur];
			return DO_RUN_STEP;
		}
		f->again_to = -1;
		f->phase = PHASE_DONE;
		return DO_SHOW_OUTCOME;
	case CHECKPOINT_TIMEOUT:
		if (f->phase != PHASE_RUNNING)
			return DO_NOTHING;
		f->phase = PHASE_FAILED;
		f->shown = f->cur;
		return DO_SHOW_FAILURE;
	case STUDENT_STOP:
		/* the last checkpoint reached: q finishes the lesson */
		f->phase = f->phase == PHASE_FINISHED || (f->phase == PHASE_DONE && f->cur + 1 == f->les->nsteps)
				   ? PHASE_FINISHED
				   : PHASE_QUIT;
		return DO_END;
	}
	return DO_NOTHING;
}
