/* lesson_view.c: a lesson in the curses lab. The ladder, status line,
 * overlays, navigation and the loop are screen.c's and loop.c's; this file
 * adds the lesson pane (laid out into off-screen grids, pure) and the
 * lesson's hooks (keys, the lab's checkpoint, the status). */
#include "lesson_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loop.h"
#include "screen.h"
#include "session.h"
#include "view.h"

#define PANE_MIN_LINES 6
#define PANE_MAX_LINES 64
#define CHECK_MIN_W 36            /* "✓ packet s2c SYN|ACK seq=0 ack=1" and a margin */
#define WAIT_RUNNING_MS 10        /* a running step releases calls at its pace */
#define WAIT_IDLE_MS 100

/* The pane laid out once a redraw: each column in full into a grid of its
 * own, and the lines that decide what gives way when the pane is shorter. */
struct pane_layout {
	struct grid words, check;
	int words_lines, check_lines, check_title_lines;
	int say_at, question_at;  /* a question waiting: where the narrative and the question begin; else -1 */
	bool split;               /* the step runs: the checkpoint is on the right */
	bool summed_up;           /* reached, and the words need the room: the checkpoint in one line */
	int left;                 /* the checkpoint column's divider is at left - 1 */
	int lines;                /* what the pane takes */
};

struct lesson_view {
	struct lesson_view_opts o;
	struct lesson_progress progress;
	struct loop loop;
	struct lesson_lab *lab;
	bool met[LESSON_MAX_EXPECTS];
	bool quit;
	char output[1024];           /* show: output: what the step's clients printed */
	char title[256], keys[256], mode[64];
	struct screen_pane pane;
	struct pane_layout layout;
};

struct lesson_view *lesson_view_new(const struct lesson_view_opts *o)
{
	struct lesson_view *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	v->o = *o;
	lesson_progress_init(&v->progress, o->les);
	screen_init(&v->loop.scr, false, false, o->ascii);
	v->loop.scr.ascii_lines = o->ascii_lines; /* as the lab's screen: the words stay, Chinese included */
	v->loop.scr.help = o->w->help;
	v->loop.scr.nhelp = o->w->nhelp;
	return v;
}

void lesson_view_free(struct lesson_view *v)
{
	if (!v)
		return;
	loop_free(&v->loop);
	grid_free(&v->layout.words);
	grid_free(&v->layout.check);
	free(v);
}

/* The view follows the connection the running step is about: a row that
 * one of its expectations waits for brings its connection into view
 * (the student's own choice, made with Tab, l or j/k, is left alone). */
static void follow_step_conn(struct lesson_view *v, long pos)
{
	const struct lesson_step *s = &v->o.les->steps[v->progress.cur];
	struct screen *scr = &v->loop.scr;
	const struct row *r;

	if (pos < 0 || v->progress.phase != PHASE_RUNNING || lesson_progress_reviewing(&v->progress) || !scr->follow ||
	    scr->overlay != OVERLAY_NONE || scr->searching || !(r = timeline_row(v->loop.tl, (size_t)pos)) || !r->conn ||
	    r->conn == scr->conn)
		return;
	for (int i = 0; i < s->nexpects; i++) {
		if (!s->expects[i].absent && lesson_row_matches(&s->expects[i], r)) {
			/* as the connection list's Enter does it */
			scr->conn_cursor = r->conn;
			scr->overlay = OVERLAY_CONNS;
			screen_key(scr, v->loop.tl, SK_ENTER, v->loop.grid.h);
			return;
		}
	}
}

void lesson_view_on_row(long pos, bool inserted_before, uint64_t dropped_before, void *ctx)
{
	struct lesson_view *v = ctx;

	if (!v->loop.tl)
		return;
	loop_rows_changed(&v->loop, pos, inserted_before, dropped_before);
	follow_step_conn(v, pos);
}

/* ---- the pane (pure: the progress and the checkpoint into the grid) ---- */

struct pen {
	struct grid *g;
	int x, w, y, end;
	bool ascii;  /* the terminal shows ASCII only: text too */
	bool marks;  /* ticks as ok/x/- (--ascii or ASCII only) */
};

/* A paragraph, wrapped; nothing once the column is full. */
static void say(struct pen *p, const char *text, uint8_t attr)
{
	if (text && *text && p->y < p->end)
		p->y += grid_put_wrapped(p->g, p->x, p->y, p->w, p->end - p->y, text, attr, p->ascii);
}

static void say_prefixed(struct pen *p, const char *prefix, const char *text, uint8_t attr)
{
	char buf[2048];

	snprintf(buf, sizeof(buf), "%s%s", prefix, text);
	say(p, buf, attr);
}

/* One of step idx's words (say:, then:), its kernel numbers filled in as
 * they are now (lesson_lab_words). */
static void say_step(const struct lesson_view *v, struct pen *p, int idx, const char *text, uint8_t attr)
{
	char *words = lesson_lab_words(v->lab, idx, text);

	say(p, words ? words : text, attr);
	free(words);
}

/* Has the current step not run yet (and is it shown)? */
static bool before_run(const struct lesson_progress *f)
{
	return !lesson_progress_reviewing(f) && (f->phase == PHASE_READ || f->phase == PHASE_PREDICT);
}

/* The step's words: narrative, question, outcome, then:, as far as it got.
 * A question waiting for its answer marks where the narrative and the
 * question begin: when the pane is short, the narrative gives way. */
static void draw_words(const struct lesson_view *v, struct pen *p, struct pane_layout *lay)
{
	const struct lesson_progress *f = &v->progress;
	const struct lesson_words *w = v->o.w;
	const struct lesson_step *s = &v->o.les->steps[f->shown];
	bool here = !lesson_progress_reviewing(f);
	char buf[512];

	snprintf(buf, sizeof(buf), w->step_title, f->shown + 1, v->o.les->nsteps, s->title);
	say(p, buf, ATTR_HEADER);
	if (before_run(f) || lay->summed_up) { /* before: the checkpoint would give the prediction away, only its size */
		int used = utf8_width(buf) + 4;
		if (lay->summed_up)
			snprintf(buf, sizeof(buf), w->checkpoint_all, p->marks ? "ok" : "✓", s->nexpects, s->nexpects);
		else
			snprintf(buf, sizeof(buf), w->checkpoint_later, s->nexpects);
		if (used + utf8_width(buf) <= p->w)
			grid_put(p->g, p->x + p->w - utf8_width(buf), p->y - 1, buf, p->w,
				 lay->summed_up ? ATTR_RETURN : ATTR_DIM, p->ascii);
		else
			say(p, buf, lay->summed_up ? ATTR_RETURN : ATTR_DIM);
	}
	if (f->hint)
		say_prefixed(p, w->hint, s->hint ? s->hint : w->hint_none, ATTR_STATE);
	if (!here) {
		say_step(v, p, f->shown, s->say, ATTR_NORMAL);
		if (!lesson_lab_skipped(v->lab, f->shown, buf, sizeof(buf)))
			say_step(v, p, f->shown, s->then, ATTR_RETURN);
		return;
	}
	switch (f->phase) {
	case PHASE_DONE:
	case PHASE_FINISHED:
		if (f->phase == PHASE_FINISHED)
			say(p, w->finished, ATTR_RETURN);
		if (lesson_lab_skipped(v->lab, f->cur, buf, sizeof(buf))) {
			/* nothing ran: the prediction was not checked, and then: (what the step showed) is not said */
			say(p, buf, ATTR_STATE);
			if (s->predict) {
				snprintf(buf, sizeof(buf), w->not_checked, s->choices[f->predicted - 1]);
				say(p, buf, ATTR_DIM);
			}
			return;
		}
		if (s->predict) {
			if (lesson_progress_predicted_right(f))
				snprintf(buf, sizeof(buf), w->right, s->choices[s->answer - 1]);
			else
				snprintf(buf, sizeof(buf), w->wrong, s->choices[f->predicted - 1], s->choices[s->answer - 1]);
			say_prefixed(p, lesson_progress_predicted_right(f) ? (p->marks ? "ok " : "✓ ") : (p->marks ? "x " : "✗ "),
				     buf, lesson_progress_predicted_right(f) ? ATTR_RETURN : ATTR_ERROR);
		}
		say(p, v->output, ATTR_CALL);
		say_step(v, p, f->cur, s->then ? s->then : s->say, ATTR_NORMAL);
		return;
	case PHASE_FAILED:
		if (lesson_lab_ended_early(v->lab, f->cur))
			snprintf(buf, sizeof(buf), "%s", w->not_reached_early);
		else
			snprintf(buf, sizeof(buf), w->not_reached, lesson_lab_timeout_s(v->lab, f->cur));
		say(p, buf, ATTR_ERROR);
		say(p, lesson_lab_failure_words(v->lab, f->cur), ATTR_STATE);
		break;
	default:
		break;
	}
	if (f->shown == 0 && before_run(f)) /* the lesson's opening words come before its first step */
		say(p, v->o.les->intro, ATTR_NORMAL);
	if (s->predict && !f->predicted)
		lay->say_at = p->y;
	say_step(v, p, f->shown, s->say, ATTR_NORMAL);
	if (!s->predict)
		return;
	if (f->predicted) {
		snprintf(buf, sizeof(buf), w->your_choice, f->predicted, s->choices[f->predicted - 1]);
		say(p, buf, ATTR_DIM);
		return;
	}
	lay->question_at = p->y;
	say_prefixed(p, "? ", s->predict, ATTR_CALL);
	for (int i = 0; i < s->nchoices; i++) {
		snprintf(buf, sizeof(buf), "  %d) %s", i + 1, s->choices[i]);
		say(p, buf, ATTR_CALL);
	}
}

/* The checkpoint: its title, then each expectation, ticked once seen.
 * Shown from the moment the step runs: before, it would give the
 * prediction away. */
static void draw_checkpoint(const struct lesson_view *v, struct pen *p, struct pane_layout *lay)
{
	const struct lesson_progress *f = &v->progress;
	const struct lesson_step *s = &v->o.les->steps[f->shown];
	bool here = !lesson_progress_reviewing(f);
	enum lang lang = LANG_EN;
	char buf[256], text[200];
	/* a skipped step (go not installed) saw nothing: nothing ticked */
	bool skipped = lesson_lab_skipped(v->lab, f->shown, buf, sizeof(buf)) != NULL;

	lesson_lang_parse(v->o.w->code, &lang);
	say(p, v->o.w->checkpoint_title, ATTR_HEADER);
	lay->check_title_lines = p->y;
	for (int i = 0; i < s->nexpects; i++) {
		bool met = !skipped && (!here || f->phase == PHASE_DONE || f->phase == PHASE_FINISHED || v->met[i]);
		bool failed = !met && f->phase == PHASE_FAILED;
		const char *mark = met ? (p->marks ? "ok" : "✓") : failed ? "x " : (p->marks ? "- " : "·");

		uint8_t attr = met ? ATTR_RETURN : failed ? ATTR_ERROR : ATTR_DIM;
		int markw = utf8_width(mark) + 1;

		/* the mark, then the expectation wrapped beside it */
		grid_put(p->g, p->x, p->y, mark, markw, attr, p->ascii);
		if (p->y < p->end)
			p->y += grid_put_wrapped(p->g, p->x + markw, p->y, p->w - markw, p->end - p->y,
						 lesson_expect_words(&s->expects[i], lang, text, sizeof(text)), attr, p->ascii);
	}
}

/* The checkpoint column's cells, divider included: 2/5 of the screen, more
 * (up to half) so that its longest expectation reads in full
 * ("✓ call client read exit errno=ECONNRESET"); a longer one wraps. */
static int check_width(const struct lesson_view *v, int w)
{
	const struct lesson_step *s = &v->o.les->steps[v->progress.shown];
	enum lang lang = LANG_EN;
	int want = w * 2 / 5 > CHECK_MIN_W ? w * 2 / 5 : CHECK_MIN_W;
	char text[200];

	lesson_lang_parse(v->o.w->code, &lang);
	for (int i = 0; i < s->nexpects; i++) {
		int need = utf8_width(lesson_expect_words(&s->expects[i], lang, text, sizeof(text))) + 5; /* mark, margins */
		if (need > want)
			want = need < w / 2 ? need : w / 2;
	}
	return want;
}

/* A column grid w cells wide, blank. */
static int column(struct grid *g, int w)
{
	if (g->w == w && g->h == PANE_MAX_LINES) {
		grid_clear(g);
		return 0;
	}
	grid_free(g);
	return grid_init(g, w, PANE_MAX_LINES);
}

/* Lays the pane out for a terminal w x h: the words (full width before
 * the step runs; then on the left, the checkpoint on the right), and the
 * lines the pane takes: what it needs; once the step runs, the ladder
 * keeps half. */
static void lay_out(struct lesson_view *v, int w, int h)
{
	struct pane_layout *lay = &v->layout;
	bool marks = v->o.ascii || v->o.ascii_lines;
	struct pen words = {&lay->words, 0, 0, 0, PANE_MAX_LINES, v->o.ascii, marks};
	struct pen check = {&lay->check, 0, 0, 0, PANE_MAX_LINES, v->o.ascii, marks};

	const struct lesson_progress *f = &v->progress;
	char skipped[256];
	/* the step's checkpoint reached (on real sockets: not a skipped step) */
	bool reached = !lesson_progress_reviewing(f) && (f->phase == PHASE_DONE || f->phase == PHASE_FINISHED) &&
		       !lesson_lab_skipped(v->lab, f->cur, skipped, sizeof(skipped));

	lay->split = !before_run(f);
	lay->summed_up = false;
	lay->left = w - check_width(v, w);
	for (;;) {
		words.w = lay->split ? lay->left - 2 : w - 2;
		check.w = w - lay->left - 2;
		words.y = check.y = 0;
		lay->say_at = lay->question_at = -1;
		lay->words_lines = lay->check_lines = lay->check_title_lines = 0;
		if (column(&lay->words, words.w) == 0) {
			draw_words(v, &words, lay);
			lay->words_lines = words.y;
		}
		/* reached, its ticks have said it: when then: would be cut beside them,
		 * one line says the checkpoint was reached and the words get the width */
		if (!reached || lay->summed_up || lay->words_lines <= h / 2 - 2)
			break;
		lay->split = false;
		lay->summed_up = true;
	}
	if (lay->split && column(&lay->check, check.w) == 0) {
		draw_checkpoint(v, &check, lay);
		lay->check_lines = check.y;
	}
	lay->lines = lay->words_lines > lay->check_lines ? lay->words_lines : lay->check_lines;
	if (lay->split && lay->lines > h / 2 - 2)
		lay->lines = h / 2 - 2;
	if (lay->summed_up && lay->lines > h * 2 / 3 - 2) /* the ladder keeps a third */
		lay->lines = h * 2 / 3 - 2;
	if (lay->lines < PANE_MIN_LINES)
		lay->lines = PANE_MIN_LINES;
}

/* The words column into h lines: when they do not fit, a question waiting
 * for its answer and its choices stay in view and the narrative before it
 * gives way (down to one line); anything else is cut at the bottom. */
static void place_words(const struct pane_layout *lay, struct grid *g, int x, int y, int h)
{
	int n = lay->words_lines, say_at = lay->say_at, question_at = lay->question_at, need, keep;

	if (n <= h || question_at < 0) {
		grid_copy_lines(g, x, y, &lay->words, 0, n < h ? n : h);
		return;
	}
	need = n - question_at;
	keep = (h - need > say_at + 1 ? h - need : say_at + 1) - say_at; /* the narrative's lines */
	if (keep > question_at - say_at)
		keep = question_at - say_at;
	grid_copy_lines(g, x, y, &lay->words, 0, say_at < h ? say_at : h);
	if (say_at >= h)
		return;
	if (keep > h - say_at)
		keep = h - say_at;
	grid_copy_lines(g, x, y + say_at, &lay->words, say_at, keep);
	if (say_at + keep < h)
		grid_copy_lines(g, x, y + say_at + keep, &lay->words, question_at,
				need < h - say_at - keep ? need : h - say_at - keep);
}

/* The checkpoint column into h lines: when it does not fit, its last line
 * counts the expectations not shown. */
static void place_checkpoint(const struct lesson_view *v, struct grid *g, int x, int y, int h)
{
	const struct pane_layout *lay = &v->layout;
	char more[32];

	if (lay->check_lines <= h || h - 1 < lay->check_title_lines) {
		grid_copy_lines(g, x, y, &lay->check, 0, lay->check_lines < h ? lay->check_lines : h);
		return;
	}
	grid_copy_lines(g, x, y, &lay->check, 0, h - 1);
	snprintf(more, sizeof(more), "   +%d", lay->check_lines - (h - 1));
	grid_put(g, x, y + h - 1, more, lay->check.w, ATTR_DIM, v->o.ascii);
}

/* The screen_pane's draw: the laid-out columns into lines y .. y+h-1. */
static void draw_pane(struct grid *g, int y, int h, void *ctx)
{
	const struct lesson_view *v = ctx;
	const struct pane_layout *lay = &v->layout;

	if (lay->split)
		for (int i = 0; i < h; i++)
			grid_fill(g, lay->left - 1, y + i, 1, v->o.ascii ? '|' : 0x2502, ATTR_DIM);
	place_words(lay, g, 1, y, h);
	if (lay->split)
		place_checkpoint(v, g, lay->left + 1, y, h);
}

/* The key help line for where the student is. */
static const char *keys_now(struct lesson_view *v)
{
	const struct lesson_progress *f = &v->progress;
	const struct lesson_words *w = v->o.w;

	if (lesson_progress_reviewing(f)) {
		snprintf(v->keys, sizeof(v->keys), w->keys_review, f->shown + 2);
		return v->keys;
	}
	switch (f->phase) {
	case PHASE_READ: return w->keys_read;
	case PHASE_PREDICT:
		snprintf(v->keys, sizeof(v->keys), w->keys_predict, v->o.les->steps[f->cur].nchoices);
		return v->keys;
	case PHASE_RUNNING:
		snprintf(v->keys, sizeof(v->keys), w->running, v->o.pace_ms);
		snprintf(v->keys + strlen(v->keys), sizeof(v->keys) - strlen(v->keys), "   %s", w->keys_running);
		return v->keys;
	case PHASE_DONE: return f->cur + 1 == v->o.les->nsteps ? w->keys_last : w->keys_done;
	case PHASE_FINISHED: return w->keys_finished;
	default: return w->keys_failed;
	}
}

/* ---- the hooks: the lab, the keys, the status ---- */

/* The loop's status hook: the lesson's mode, its pane (laid out here, once
 * a redraw) and its key line. */
static void on_status(void *ctx, struct screen_status *st)
{
	struct lesson_view *v = ctx;

	lay_out(v, v->loop.grid.w, v->loop.grid.h);
	v->pane = (struct screen_pane){v->title, v->layout.lines, keys_now(v), draw_pane, v};
	/* the step whose words the pane shows: looking back, an earlier one */
	snprintf(v->mode, sizeof(v->mode), v->o.w->mode, v->o.les->number, v->progress.shown + 1, v->o.les->nsteps);
	st->mode = v->mode;
	st->pane = &v->pane;
}

static void collect_output(const char *proc, const char *text, void *ctx)
{
	struct lesson_view *v = ctx;
	size_t n = strlen(v->output);

	snprintf(v->output + n, sizeof(v->output) - n, "%s: %s", proc, text);
}

/* The ladder's selection goes to the last row of the step shown (back),
 * or follows the newest rows again. */
static void select_step_rows(struct lesson_view *v)
{
	uint64_t until = lesson_lab_step_start(v->lab, v->progress.shown + 1);
	struct screen *scr = &v->loop.scr;
	long p = screen_last(scr, v->loop.tl);

	scr->follow = !lesson_progress_reviewing(&v->progress);
	if (scr->follow || !until)
		return;
	while (p >= 0 && timeline_row(v->loop.tl, (size_t)p)->ts_ns >= until)
		p = timeline_step(v->loop.tl, p, -1, scr->conn);
	if (p >= 0)
		scr->sel = p;
}

/* Carries out what the progress asked for. */
static int act(struct lesson_view *v, enum progress_action a, char *err, size_t errlen)
{
	switch (a) {
	case DO_RERUN_STEP:
		lesson_lab_restart(v->lab);
		/* fall through */
	case DO_RUN_STEP:
		memset(v->met, 0, sizeof(v->met));
		v->output[0] = '\0';
		v->loop.scr.follow = true;
		return lesson_lab_start_step(v->lab, v->progress.cur, err, errlen);
	case DO_SHOW_OUTCOME:
		if (lesson_lab_skipped(v->lab, v->progress.cur, v->output, sizeof(v->output)))
			break;
		if (v->o.les->steps[v->progress.cur].show_output)
			lesson_lab_outputs(v->lab, v->progress.cur, collect_output, v);
		break;
	case DO_SHOW_STEP:
	case DO_SHOW_REVIEW:
		select_step_rows(v);
		break;
	case DO_END:
		v->quit = v->progress.phase == PHASE_QUIT;
		break;
	default:
		break;
	}
	v->loop.dirty = true;
	return 0;
}

/* The loop's key hook. */
static int on_key(void *ctx, int key, char *err, size_t errlen)
{
	struct lesson_view *v = ctx;
	struct lesson_progress *f = &v->progress;
	struct screen *scr = &v->loop.scr;
	int rc = 0;

	v->loop.dirty = true;
	if (key == 0) /* resized */
		return LOOP_GO_ON;
	if (scr->searching || scr->overlay != OVERLAY_NONE) {
		screen_key(scr, v->loop.tl, key, v->loop.grid.h);
		return LOOP_GO_ON;
	}
	switch (key) {
	case ' ': case SK_ENTER: rc = act(v, lesson_progress_event(f, STUDENT_CONTINUE, 0), err, errlen); break;
	case 'h': rc = act(v, lesson_progress_event(f, STUDENT_HINT, 0), err, errlen); break;
	case 'b': rc = act(v, lesson_progress_event(f, STUDENT_BACK, 0), err, errlen); break;
	case 'q':
		/* a finished (or failed) lesson ends as it was */
		if (f->phase != PHASE_FINISHED && f->phase != PHASE_FAILED)
			act(v, lesson_progress_event(f, STUDENT_STOP, 0), err, errlen); /* past the last checkpoint: finished */
		v->quit = true;
		break;
	default:
		if (key >= '1' && key <= '9')
			rc = act(v, lesson_progress_event(f, STUDENT_ANSWER, key - '0'), err, errlen);
		else
			screen_key(scr, v->loop.tl, key, v->loop.grid.h);
		break;
	}
	return rc < 0 ? -1 : v->quit ? LOOP_END : LOOP_GO_ON;
}

/* The loop's turn hook: the lab reaps its programs and, while a step
 * runs, releases calls and matches the checkpoint. */
static int on_turn(void *ctx, uint64_t now_ns, char *err, size_t errlen)
{
	struct lesson_view *v = ctx;
	int st, rc = 0;

	lesson_lab_reap(v->lab);
	if (v->progress.phase == PHASE_RUNNING) {
		st = lesson_lab_advance(v->lab, now_ns, v->met, err, errlen);
		if (st < 0)
			rc = -1;
		else if (st == LAB_MET)
			rc = act(v, lesson_progress_event(&v->progress, CHECKPOINT_MET, 0), err, errlen);
		else if (st == LAB_TIMEOUT || st == LAB_FAILED)
			rc = act(v, lesson_progress_event(&v->progress, CHECKPOINT_TIMEOUT, 0), err, errlen);
		v->loop.dirty = true;
	}
	v->loop.wait_ms = v->progress.phase == PHASE_RUNNING ? WAIT_RUNNING_MS : WAIT_IDLE_MS;
	return rc < 0 ? -1 : v->quit ? LOOP_END : LOOP_GO_ON;
}

int lesson_view_run(struct lesson_view *v, struct lesson_lab *lab, enum progress_phase *end, int *step,
		    bool met[LESSON_MAX_EXPECTS], char *err, size_t errlen)
{
	int rc;

	v->lab = lab;
	v->loop.tl = lesson_lab_timeline(lab);
	v->loop.sess = lesson_lab_session(lab);
	v->loop.scr.frames = lesson_lab_frames(lab);
	v->loop.curses = true;
	v->loop.dirty = true;
	v->loop.wait_ms = WAIT_IDLE_MS;
	v->loop.hooks = (struct loop_hooks){.turn = on_turn, .key = on_key, .status = on_status, .ctx = v};
	snprintf(v->title, sizeof(v->title), v->o.w->lesson, v->o.les->number, v->o.les->title);
	v->title[strcspn(v->title, "\n")] = '\0';
	memmove(v->title + 1, v->title, strlen(v->title) + 1);
	v->title[0] = ' ';
	strncat(v->title, " ", sizeof(v->title) - strlen(v->title) - 1);
	if (view_open(false, err, errlen) < 0)
		return -1;
	rc = loop_run(&v->loop, err, errlen);
	view_close();
	*end = v->progress.phase;
	*step = v->progress.cur;
	memcpy(met, v->met, sizeof(v->met));
	return rc;
}
