/* test_lesson_progress.c: the progression through a lesson's steps, driven by
 * tables of events (what the student and the checkpoint do) with the
 * action and the place each one must lead to. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "lesson_progress.h"

/* Three steps: the second asks a question (answer 2 of 3). */
static const char three_steps[] =
	"lesson: 2\ntitle: t\nseed: s\n"
	"step: one\nrun: server\nexpect: call server listen exit\n"
	"step: two\npredict: q?\nchoice: a\nchoice: b\nchoice: c\nanswer: 2\nhint: think\n"
	"run: client\nexpect: state client ESTABLISHED\n"
	"step: three\nexpect: call server read enter\n";

struct move {
	enum progress_event ev;
	int choice;
	enum progress_action action;
	enum progress_phase phase;
	int cur, shown;
};

#define END_OF_MOVES {STUDENT_STOP, -1, 0, 0, 0, 0}

static const struct {
	const char *what;
	struct move moves[20];
} tables[] = {
	{"a student who predicts right goes through every step",
	 {{STUDENT_CONTINUE, 0, DO_RUN_STEP, PHASE_RUNNING, 0, 0},
	  {CHECKPOINT_MET, 0, DO_SHOW_OUTCOME, PHASE_DONE, 0, 0},
	  {STUDENT_CONTINUE, 0, DO_SHOW_STEP, PHASE_PREDICT, 1, 1},
	  {STUDENT_ANSWER, 2, DO_RUN_STEP, PHASE_RUNNING, 1, 1},
	  {CHECKPOINT_MET, 0, DO_SHOW_OUTCOME, PHASE_DONE, 1, 1},
	  {STUDENT_CONTINUE, 0, DO_SHOW_STEP, PHASE_READ, 2, 2},
	  {STUDENT_CONTINUE, 0, DO_RUN_STEP, PHASE_RUNNING, 2, 2},
	  {CHECKPOINT_MET, 0, DO_SHOW_OUTCOME, PHASE_DONE, 2, 2},
	  {STUDENT_CONTINUE, 0, DO_END, PHASE_FINISHED, 2, 2},
	  END_OF_MOVES}},
	{"a question waits for a choice that exists; continue does not skip it",
	 {{STUDENT_CONTINUE, 0, DO_RUN_STEP, PHASE_RUNNING, 0, 0},
	  {CHECKPOINT_MET, 0, DO_SHOW_OUTCOME, PHASE_DONE, 0, 0},
	  {STUDENT_CONTINUE, 0, DO_SHOW_STEP, PHASE_PREDICT, 1, 1},
	  {STUDENT_CONTINUE, 0, DO_NOTHING, PHASE_PREDICT, 1, 1},
	  {STUDENT_ANSWER, 0, DO_NOTHING, PHASE_PREDICT, 1, 1},
	  {STUDENT_ANSWER, 4, DO_NOTHING, PHASE_PREDICT, 1, 1},
	  {STUDENT_HINT, 0, DO_SHOW_HINT, PHASE_PREDICT, 1, 1},
	  {STUDENT_ANSWER, 1, DO_RUN_STEP, PHASE_RUNNING, 1, 1},
	  {STUDENT_ANSWER, 2, DO_NOTHING, PHASE_RUNNING, 1, 1},
	  END_OF_MOVES}},
	{"a running step moves on only with its checkpoint",
	 {{CHECKPOINT_MET, 0, DO_NOTHING, PHASE_READ, 0, 0},
	  {STUDENT_CONTINUE, 0, DO_RUN_STEP, PHASE_RUNNING, 0, 0},
	  {STUDENT_CONTINUE, 0, DO_NOTHING, PHASE_RUNNING, 0, 0},
	  {CHECKPOINT_TIMEOUT, 0, DO_SHOW_FAILURE, PHASE_FAILED, 0, 0},
	  {CHECKPOINT_MET, 0, DO_NOTHING, PHASE_FAILED, 0, 0},
	  {STUDENT_ANSWER, 1, DO_NOTHING, PHASE_FAILED, 0, 0},
	  END_OF_MOVES}},
	{"a step that failed runs again, from the step that started its server, without questions",
	 {{STUDENT_CONTINUE, 0, DO_RUN_STEP, PHASE_RUNNING, 0, 0},
	  {CHECKPOINT_MET, 0, DO_SHOW_OUTCOME, PHASE_DONE, 0, 0},
	  {STUDENT_CONTINUE, 0, DO_SHOW_STEP, PHASE_PREDICT, 1, 1},
	  {STUDENT_ANSWER, 2, DO_RUN_STEP, PHASE_RUNNING, 1, 1},
	  {CHECKPOINT_MET, 0, DO_SHOW_OUTCOME, PHASE_DONE, 1, 1},
	  {STUDENT_CONTINUE, 0, DO_SHOW_STEP, PHASE_READ, 2, 2},
	  {STUDENT_CONTINUE, 0, DO_RUN_STEP, PHASE_RUNNING, 2, 2},
	  {CHECKPOINT_TIMEOUT, 0, DO_SHOW_FAILURE, PHASE_FAILED, 2, 2},
	  {STUDENT_CONTINUE, 0, DO_RERUN_STEP, PHASE_RUNNING, 0, 0},
	  {CHECKPOINT_MET, 0, DO_RUN_STEP, PHASE_RUNNING, 1, 1},
	  {CHECKPOINT_TIMEOUT, 0, DO_SHOW_FAILURE, PHASE_FAILED, 1, 1},
	  {STUDENT_CONTINUE, 0, DO_RERUN_STEP, PHASE_RUNNING, 0, 0},
	  {CHECKPOINT_MET, 0, DO_RUN_STEP, PHASE_RUNNING, 1, 1},
	  {CHECKPOINT_MET, 0, DO_RUN_STEP, PHASE_RUNNING, 2, 2},
	  {CHECKPOINT_MET, 0, DO_SHOW_OUTCOME, PHASE_DONE, 2, 2},
	  END_OF_MOVES}},
	{"q once the last checkpoint is reached finishes the lesson",
	 {{STUDENT_CONTINUE, 0, DO_RUN_STEP, PHASE_RUNNING, 0, 0},
	  {CHECKPOINT_MET, 0, DO_SHOW_OUTCOME, PHASE_DONE, 0, 0},
	  {STUDENT_CONTINUE, 0, DO_SHOW_STEP, PHASE_PREDICT, 1, 1},
	  {STUDENT_ANSWER, 1, DO_RUN_STEP, PHASE_RUNNING, 1, 1},
	  {CHECKPOINT_MET, 0, DO_SHOW_OUTCOME, PHASE_DONE, 1, 1},
	  {STUDENT_CONTINUE, 0, DO_SHOW_STEP, PHASE_READ, 2, 2},
	  {STUDENT_CONTINUE, 0, DO_RUN_STEP, PHASE_RUNNING, 2, 2},
	  {CHECKPOINT_MET, 0, DO_SHOW_OUTCOME, PHASE_DONE, 2, 2},
	  {STUDENT_BACK, 0, DO_SHOW_REVIEW, PHASE_DONE, 2, 1},
	  {STUDENT_STOP, 0, DO_END, PHASE_FINISHED, 2, 1},
	  END_OF_MOVES}},
	{"q before the last checkpoint stops the lesson",
	 {{STUDENT_CONTINUE, 0, DO_RUN_STEP, PHASE_RUNNING, 0, 0},
	  {CHECKPOINT_MET, 0, DO_SHOW_OUTCOME, PHASE_DONE, 0, 0},
	  {STUDENT_STOP, 0, DO_END, PHASE_QUIT, 0, 0},
	  END_OF_MOVES}},
	{"back shows earlier steps, continue walks forward to where the student was",
	 {{STUDENT_BACK, 0, DO_NOTHING, PHASE_READ, 0, 0},
	  {STUDENT_CONTINUE, 0, DO_RUN_STEP, PHASE_RUNNING, 0, 0},
	  {CHECKPOINT_MET, 0, DO_SHOW_OUTCOME, PHASE_DONE, 0, 0},
	  {STUDENT_CONTINUE, 0, DO_SHOW_STEP, PHASE_PREDICT, 1, 1},
	  {STUDENT_BACK, 0, DO_SHOW_REVIEW, PHASE_PREDICT, 1, 0},
	  {STUDENT_ANSWER, 2, DO_NOTHING, PHASE_PREDICT, 1, 0},
	  {STUDENT_BACK, 0, DO_NOTHING, PHASE_PREDICT, 1, 0},
	  {STUDENT_CONTINUE, 0, DO_SHOW_REVIEW, PHASE_PREDICT, 1, 1},
	  {STUDENT_ANSWER, 3, DO_RUN_STEP, PHASE_RUNNING, 1, 1},
	  {STUDENT_BACK, 0, DO_SHOW_REVIEW, PHASE_RUNNING, 1, 0},
	  {CHECKPOINT_MET, 0, DO_SHOW_OUTCOME, PHASE_DONE, 1, 0},
	  {STUDENT_CONTINUE, 0, DO_SHOW_REVIEW, PHASE_DONE, 1, 1},
	  {STUDENT_CONTINUE, 0, DO_SHOW_STEP, PHASE_READ, 2, 2},
	  END_OF_MOVES}},
	{"q stops at any point, and nothing happens after",
	 {{STUDENT_CONTINUE, 0, DO_RUN_STEP, PHASE_RUNNING, 0, 0},
	  {STUDENT_STOP, 0, DO_END, PHASE_QUIT, 0, 0},
	  {CHECKPOINT_MET, 0, DO_END, PHASE_QUIT, 0, 0},
	  {STUDENT_CONTINUE, 0, DO_END, PHASE_QUIT, 0, 0},
	  END_OF_MOVES}},
};

static void follows_the_tables(void **state)
{
	struct lesson les;
	char err[256];

	(void)state;
	assert_int_equal(lesson_parse(three_steps, strlen(three_steps), "t.lesson", &les, err, sizeof(err)), 0);
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		struct lesson_progress f;
		lesson_progress_init(&f, &les);
		assert_int_equal(f.phase, PHASE_READ);
		for (const struct move *m = tables[t].moves; m->choice >= 0; m++) {
			enum progress_action a = lesson_progress_event(&f, m->ev, m->choice);
			if (a != m->action || f.phase != m->phase || f.cur != m->cur || f.shown != m->shown)
				fail_msg("%s, move %td: action %d phase %d step %d shown %d; expected %d %d %d %d", tables[t].what,
					 m - tables[t].moves, a, f.phase, f.cur, f.shown, m->action, m->phase, m->cur, m->shown);
		}
	}
	lesson_free(&les);
}

static void remembers_the_prediction_and_the_hint(void **state)
{
	struct lesson les;
	struct lesson_progress f;
	char err[256];

	(void)state;
	assert_int_equal(lesson_parse(three_steps, strlen(three_steps), "t.lesson", &les, err, sizeof(err)), 0);
	lesson_progress_init(&f, &les);
	lesson_progress_event(&f, STUDENT_CONTINUE, 0);
	lesson_progress_event(&f, CHECKPOINT_MET, 0);
	assert_false(lesson_progress_predicted_right(&f)); /* no question, no right answer */
	lesson_progress_event(&f, STUDENT_CONTINUE, 0);
	lesson_progress_event(&f, STUDENT_HINT, 0);
	assert_true(f.hint);
	lesson_progress_event(&f, STUDENT_ANSWER, 3);
	assert_int_equal(f.predicted, 3);
	assert_false(lesson_progress_predicted_right(&f));
	lesson_progress_event(&f, STUDENT_HINT, 0);
	assert_false(f.hint); /* h again hides it */
	lesson_progress_event(&f, CHECKPOINT_MET, 0);
	lesson_progress_event(&f, STUDENT_CONTINUE, 0);
	assert_int_equal(f.predicted, 0); /* a new step starts afresh */

	lesson_progress_init(&f, &les);
	lesson_progress_event(&f, STUDENT_CONTINUE, 0);
	lesson_progress_event(&f, CHECKPOINT_MET, 0);
	lesson_progress_event(&f, STUDENT_CONTINUE, 0);
	lesson_progress_event(&f, STUDENT_ANSWER, 2);
	assert_true(lesson_progress_predicted_right(&f));

	/* run again: the failed step keeps the prediction made for it */
	lesson_progress_event(&f, CHECKPOINT_TIMEOUT, 0);
	assert_int_equal(lesson_progress_event(&f, STUDENT_CONTINUE, 0), DO_RERUN_STEP);
	assert_true(lesson_progress_again(&f));
	lesson_progress_event(&f, CHECKPOINT_MET, 0);
	assert_int_equal(f.cur, 1);
	assert_int_equal(f.predicted, 2);
	assert_int_equal(lesson_progress_event(&f, CHECKPOINT_MET, 0), DO_SHOW_OUTCOME);
	assert_false(lesson_progress_again(&f));
	assert_true(lesson_progress_predicted_right(&f));
	lesson_free(&les);
}

/* Where a step run again begins: the step that started the server that
 * still runs, or one that stopped every program. */
static void scene_starts(void **state)
{
	static const char text[] =
		"lesson: 3\ntitle: t\nseed: s\n"
		"step: a\nrun: server\nexpect: call server listen exit\n"
		"step: b\nrun: server\nexpect: call server bind exit errno=EADDRINUSE\n"
		"step: c\nrun: client\nexpect: state client ESTABLISHED\n"
		"step: d\nstop: server client\nrun-free: client\nexpect: call client connect exit\n"
		"step: e\nstop: server\nrun: server\nexpect: call server listen exit\n"
		"step: f\nexpect: call server accept exit\n";
	static const int want[] = {0, 0, 0, 3, 4, 4};
	struct lesson les;
	char err[256];

	(void)state;
	assert_int_equal(lesson_parse(text, strlen(text), "s.lesson", &les, err, sizeof(err)), 0);
	for (int i = 0; i < les.nsteps; i++)
		if (lesson_scene_start(&les, i) != want[i])
			fail_msg("step %d runs again from %d, expected %d", i, lesson_scene_start(&les, i), want[i]);
	lesson_free(&les);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(follows_the_tables),
		cmocka_unit_test(remembers_the_prediction_and_the_hint),
		cmocka_unit_test(scene_starts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
