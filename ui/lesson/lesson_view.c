/* lesson_view.c: a lesson in the curses lab. The ladder, status line,
 * overlays and navigation are screen.c's; this file adds the lesson pane
 * (drawn into the grid, pure) and the loop (the lab, keys, redraws). */
#include "lesson_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "chanpath.h"
#include "clock.h"
#include "screen.h"
#include "session.h"
#include "view.h"

#define REDRAW_NS 33000000ull     /* at most ~30 redraws a second */
#define TICK_NS 1000000000ull     /* the TIME_WAIT countdown */
#define PANE_MIN_LINES 6
#define CHECK_MIN_W 36            /* "✓ packet s2c SYN|ACK seq=0 ack=1" and a margin */

struct lesson_view {
	struct lesson_view_opts o;
	struct lesson_progress progress;
	struct screen scr;
	struct grid grid;
	struct lesson_lab *lab;
	struct timeline *tl;
	bool met[LESSON_MAX_EXPECTS];
	bool dirty, quit;
	char output[1024];           /* show: output: what the step's clients printed */
	char title[256], keys[256], mode[64];
};

struct lesson_view *lesson_view_new(const struct lesson_view_opts *o)
{
	struct lesson_view *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	v->o = *o;
	lesson_progress_init(&v->progress, o->les);
	screen_init(&v->scr, false, false, o->ascii);
	v->scr.help = o->w->help;
	v->scr.nhelp = o->w->nhelp;
	return v;
}

void lesson_view_free(struct lesson_view *v)
{
	if (!v)
		return;
	grid_free(&v->grid);
	free(v);
}

void lesson_view_on_row(long pos, bool inserted_before, uint64_t dropped_before, void *ctx)
{
	struct lesson_view *v = ctx;

	if (!v->tl)
		return;
	screen_rows_changed(&v->scr, v->tl, pos, inserted_before, dropped_before, timeline_dropped(v->tl));
	timeline_pin(v->tl, v->scr.conn); /* the shown connection keeps its rows when the cap is hit */
	v->dirty = true;
}

/* ---- the pane (pure: the progress and the checkpoint into the grid) ---- */

struct pen {
	struct grid *g;
	int x, w, y, end;
	bool ascii;
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

/* Lines text takes wrapped to w cells (drawn into a grid with no lines). */
static int text_lines(const char *text, const char *prefix, int w)
{
	struct grid none = {w, 0, NULL};
	char buf[2048];

	snprintf(buf, sizeof(buf), "%s%s", prefix, text);
	return grid_put_wrapped(&none, 0, 0, w, 64, buf, ATTR_NORMAL, false);
}

/* Has the current step not run yet (and is it shown)? */
static bool before_run(const struct lesson_progress *f)
{
	return !lesson_progress_reviewing(f) && (f->phase == PHASE_READ || f->phase == PHASE_PREDICT);
}

/* The step's words: narrative, question, outcome, then:, as far as it got. */
static void draw_words(const struct lesson_view *v, struct pen *p)
{
	const struct lesson_progress *f = &v->progress;
	const struct lesson_words *w = v->o.w;
	const struct lesson_step *s = &v->o.les->steps[f->shown];
	bool here = !lesson_progress_reviewing(f);
	char buf[512];

	snprintf(buf, sizeof(buf), "%s %d/%d: %s", w->step, f->shown + 1, v->o.les->nsteps, s->title);
	say(p, buf, ATTR_HEADER);
	if (before_run(f)) { /* the checkpoint would give the prediction away: only its size */
		int used = utf8_width(buf) + 4;
		snprintf(buf, sizeof(buf), w->checkpoint_later, s->nexpects);
		if (used + utf8_width(buf) <= p->w)
			grid_put(p->g, p->x + p->w - utf8_width(buf), p->y - 1, buf, p->w, ATTR_DIM, p->ascii);
		else
			say(p, buf, ATTR_DIM);
	}
	if (f->hint)
		say_prefixed(p, w->hint, s->hint ? s->hint : w->hint_none, ATTR_STATE);
	if (!here) {
		say(p, s->say, ATTR_NORMAL);
		say(p, s->then, ATTR_RETURN);
		return;
	}
	switch (f->phase) {
	case PHASE_DONE:
	case PHASE_FINISHED:
		if (f->phase == PHASE_FINISHED)
			say(p, w->finished, ATTR_RETURN);
		if (s->predict) {
			if (lesson_progress_predicted_right(f))
				snprintf(buf, sizeof(buf), w->right, s->choices[s->answer - 1]);
			else
				snprintf(buf, sizeof(buf), w->wrong, s->choices[f->predicted - 1], s->choices[s->answer - 1]);
			say_prefixed(p, lesson_progress_predicted_right(f) ? (p->ascii ? "ok " : "✓ ") : (p->ascii ? "x " : "✗ "),
				     buf, lesson_progress_predicted_right(f) ? ATTR_RETURN : ATTR_ERROR);
		}
		say(p, v->output, ATTR_CALL);
		say(p, s->then ? s->then : s->say, ATTR_NORMAL);
		return;
	case PHASE_FAILED:
		snprintf(buf, sizeof(buf), w->not_reached, lesson_lab_timeout_s(v->lab, f->cur));
		say(p, buf, ATTR_ERROR);
		break;
	default:
		break;
	}
	if (f->shown == 0 && before_run(f)) /* the lesson's opening words come before its first step */
		say(p, v->o.les->intro, ATTR_NORMAL);
	if (s->predict && !f->predicted) { /* the question and every choice stay in view */
		int end = p->end, need = text_lines(s->predict, "? ", p->w);
		for (int i = 0; i < s->nchoices; i++)
			need += text_lines(s->choices[i], "  1) ", p->w);
		p->end = end - need > p->y + 1 ? end - need : p->y + 1;
		say(p, s->say, ATTR_NORMAL);
		p->end = end;
	} else {
		say(p, s->say, ATTR_NORMAL);
	}
	if (!s->predict)
		return;
	if (f->predicted) {
		snprintf(buf, sizeof(buf), w->your_choice, f->predicted, s->choices[f->predicted - 1]);
		say(p, buf, ATTR_DIM);
		return;
	}
	say_prefixed(p, "? ", s->predict, ATTR_CALL);
	for (int i = 0; i < s->nchoices; i++) {
		snprintf(buf, sizeof(buf), "  %d) %s", i + 1, s->choices[i]);
		say(p, buf, ATTR_CALL);
	}
}

/* The checkpoint: each expectation, ticked once seen. Shown from the
 * moment the step runs: before, it would give the prediction away. */
static void draw_checkpoint(const struct lesson_view *v, struct pen *p)
{
	const struct lesson_progress *f = &v->progress;
	const struct lesson_step *s = &v->o.les->steps[f->shown];
	bool here = !lesson_progress_reviewing(f);
	char buf[256];

	say(p, v->o.w->checkpoint_title, ATTR_HEADER);
	for (int i = 0; i < s->nexpects; i++) {
		bool met = !here || f->phase == PHASE_DONE || f->phase == PHASE_FINISHED || v->met[i];
		bool failed = !met && f->phase == PHASE_FAILED;
		const char *mark = met ? (p->ascii ? "ok" : "✓") : failed ? "x " : (p->ascii ? "- " : "·");

		if (p->y == p->end - 1 && i < s->nexpects - 1) {
			snprintf(buf, sizeof(buf), "   +%d", s->nexpects - i);
			say(p, buf, ATTR_DIM);
			return;
		}
		snprintf(buf, sizeof(buf), "%s %s", mark, s->expects[i].text);
		grid_put(p->g, p->x, p->y++, buf, p->w, met ? ATTR_RETURN : failed ? ATTR_ERROR : ATTR_DIM, p->ascii);
	}
}

/* The pane: the words; once the step runs, the checkpoint on their right.
 * Returns the lines it took. */
static int draw_pane_at(const struct lesson_view *v, struct grid *g, int y, int h)
{
	int left = g->w - (g->w * 2 / 5 > CHECK_MIN_W ? g->w * 2 / 5 : CHECK_MIN_W);
	struct pen words = {g, 1, g->w - 2, y, y + h, v->o.ascii};
	struct pen check = {g, left + 1, g->w - left - 2, y, y + h, v->o.ascii};

	if (before_run(&v->progress)) {
		draw_words(v, &words);
		return words.y - y;
	}
	words.w = left - 2;
	for (int i = 0; i < h; i++)
		grid_fill(g, left - 1, y + i, 1, v->o.ascii ? '|' : 0x2502, ATTR_DIM);
	draw_words(v, &words);
	draw_checkpoint(v, &check);
	return words.y > check.y ? words.y - y : check.y - y;
}

static void draw_pane(struct grid *g, int y, int h, void *ctx)
{
	draw_pane_at(ctx, g, y, h);
}

/* Lines the pane takes at w x h (measured by drawing into a grid with no
 * lines): what it needs; once the step runs, the ladder keeps half. */
static int pane_lines(const struct lesson_view *v, int w, int h)
{
	struct grid none = {w, 0, NULL};
	int n = draw_pane_at(v, &none, 0, 64);

	if (!before_run(&v->progress) && n > h / 2 - 2)
		n = h / 2 - 2;
	return n > PANE_MIN_LINES ? n : PANE_MIN_LINES;
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

/* ---- the edge: the lab, the keys, the terminal ---- */

static void draw(struct lesson_view *v)
{
	struct screen_status st = {0};
	struct screen_pane pane = {v->title, 0, keys_now(v), draw_pane, v};
	struct session *sess = lesson_lab_session(v->lab);
	struct capture_stats cs;
	int w, h;

	view_size(&w, &h);
	if ((w != v->grid.w || h != v->grid.h) && (grid_free(&v->grid), grid_init(&v->grid, w, h) < 0))
		return;
	pane.lines = pane_lines(v, w, h);
	session_stats(sess, &cs);
	snprintf(v->mode, sizeof(v->mode), "lesson %d  %s %d/%d", v->o.les->number, v->o.w->step, v->progress.cur + 1,
		 v->o.les->nsteps);
	st.mode = v->mode;
	st.source = session_source(sess);
	st.filter = session_filter(sess);
	st.packets = cs.tcp;
	st.drops = cs.dropped;
	st.now_ns = clock_ns(CLOCK_REALTIME);
	st.pane = &pane;
	timeline_pin(v->tl, v->scr.conn); /* a key may have chosen another connection */
	screen_compose(&v->scr, v->tl, &st, &v->grid);
	view_blit(&v->grid);
	v->dirty = false;
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
	long p = screen_last(&v->scr, v->tl);

	v->scr.follow = !lesson_progress_reviewing(&v->progress);
	if (v->scr.follow || !until)
		return;
	while (p >= 0 && timeline_row(v->tl, (size_t)p)->ts_ns >= until)
		p = timeline_step(v->tl, p, -1, v->scr.conn);
	if (p >= 0)
		v->scr.sel = p;
}

/* Carries out what the progress asked for. */
static int act(struct lesson_view *v, enum progress_action a, char *err, size_t errlen)
{
	switch (a) {
	case DO_RUN_STEP:
		memset(v->met, 0, sizeof(v->met));
		v->output[0] = '\0';
		v->scr.follow = true;
		return lesson_lab_start_step(v->lab, v->progress.cur, err, errlen);
	case DO_SHOW_OUTCOME:
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
	v->dirty = true;
	return 0;
}

static int handle_key(struct lesson_view *v, int key, char *err, size_t errlen)
{
	struct lesson_progress *f = &v->progress;

	v->dirty = true;
	if (key == 0) /* resized */
		return 0;
	if (v->scr.searching || v->scr.overlay != OVERLAY_NONE) {
		screen_key(&v->scr, v->tl, key, v->grid.h);
		return 0;
	}
	switch (key) {
	case ' ': case SK_ENTER: return act(v, lesson_progress_event(f, STUDENT_CONTINUE, 0), err, errlen);
	case 'h': return act(v, lesson_progress_event(f, STUDENT_HINT, 0), err, errlen);
	case 'b': return act(v, lesson_progress_event(f, STUDENT_BACK, 0), err, errlen);
	case 'q':
		/* a finished (or failed) lesson ends as it was */
		if (f->phase == PHASE_FINISHED || f->phase == PHASE_FAILED)
			v->quit = true;
		else
			act(v, lesson_progress_event(f, STUDENT_STOP, 0), err, errlen);
		return 0;
	default:
		if (key >= '1' && key <= '9')
			return act(v, lesson_progress_event(f, STUDENT_ANSWER, key - '0'), err, errlen);
		screen_key(&v->scr, v->tl, key, v->grid.h);
		return 0;
	}
}

int lesson_view_run(struct lesson_view *v, struct lesson_lab *lab, volatile sig_atomic_t *stop, enum progress_phase *end,
		    int *step, bool met[LESSON_MAX_EXPECTS], char *err, size_t errlen)
{
	uint64_t last_draw = 0;
	int rc = 0, key;

	v->lab = lab;
	v->tl = lesson_lab_timeline(lab);
	snprintf(v->title, sizeof(v->title), v->o.w->lesson, v->o.les->number, v->o.les->title);
	v->title[strcspn(v->title, "\n")] = '\0';
	memmove(v->title + 1, v->title, strlen(v->title) + 1);
	v->title[0] = ' ';
	strncat(v->title, " ", sizeof(v->title) - strlen(v->title) - 1);
	if (view_open(false, err, errlen) < 0)
		return -1;
	v->dirty = true;
	while (rc == 0 && !v->quit && !*stop) {
		uint64_t now;
		if ((rc = lesson_lab_poll(lab, v->progress.phase == PHASE_RUNNING ? 10 : 100, STDIN_FILENO, NULL, err, errlen)) < 0)
			break;
		while (rc == 0 && !v->quit && (key = view_read_key()) >= 0) {
			rc = handle_key(v, key, err, errlen);
			last_draw = 0; /* a key is answered at once */
		}
		now = clock_ns(CLOCK_REALTIME);
		if (rc == 0 && v->progress.phase == PHASE_RUNNING) {
			int st = lesson_lab_advance(lab, now, v->met, err, errlen);
			if (st < 0)
				rc = -1;
			else if (st == LAB_MET)
				rc = act(v, lesson_progress_event(&v->progress, CHECKPOINT_MET, 0), err, errlen);
			else if (st == LAB_TIMEOUT)
				rc = act(v, lesson_progress_event(&v->progress, CHECKPOINT_TIMEOUT, 0), err, errlen);
			v->dirty = true;
		}
		if ((v->dirty && now - last_draw >= REDRAW_NS) || now - last_draw >= TICK_NS) {
			draw(v);
			last_draw = now;
		}
	}
	view_close();
	*end = v->progress.phase;
	*step = v->progress.cur;
	memcpy(met, v->met, sizeof(v->met));
	return rc;
}
