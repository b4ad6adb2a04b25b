/* lesson_run.c: `socklab lesson`: the arguments, the lesson files, and the
 * text front end (stdin/stdout) around lesson_lab.c (the programs and the
 * capture) and lesson_progress.c (the steps). In a terminal the lesson runs in
 * the curses lab instead (lesson_view.c). */
#include "lesson_run.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "screen_words.h"
#include "demo.h"
#include "chanpath.h"
#include "clock.h"
#include "grid.h"
#include "lesson.h"
#include "lesson_progress.h"
#include "lesson_lab.h"
#include "lesson_view.h"
#include "lesson_words.h"
#include "loop.h"
#include "text_ladder.h"
#include "timeline.h"
#include "view.h"
#include "args.h"
#include "errtext.h"
#include "impair.h"
#include "wire.h"

#define MAX_FILES 100
#define FILE_MAX (256 * 1024)
#define CHECKPOINT_WAIT_MS 10 /* calls are released at the lesson's pace */

struct opts {
	/* the wire switches given (impair.h), applied over the lesson's wire: line */
	struct {
		int index;
		const char *value;
	} wire[IMPAIR_NSWITCHES * 4];
	int nwire;
	int number;
	enum lang lang;
	bool autorun, check, ascii, plain;
	const char *script, *dir;
	int timeout_s, pace_ms, width;
};

struct runner {
	struct opts o;
	const struct lesson_words *w;
	struct lesson les;
	char path[PATH_MAX + 256], bindir[PATH_MAX];
	struct lesson_lab *lab;
	struct timeline *tl;
	struct lesson_progress progress;
	FILE *script;
	struct text_ladder text;
	/* the step whose checkpoint the loop waits for */
	int checking;
	int lab_state;
	bool met[LESSON_MAX_EXPECTS];
};

static void usage(FILE *f)
{
	fprintf(f, "usage: socklab lesson                        list the lessons\n"
	      "       socklab lesson N [--lang en|zh] [--auto | --script FILE | --plain] [--timeout S]\n"
	      "       socklab lesson --check FILE...       check lesson files\n"
	      "\n"
	      "Runs lesson N on real sockets: each step explains, asks you to predict, runs the\n"
	      "echo server and client one socket call at a time, and waits until the expected\n"
	      "calls, segments and states have really been seen.\n"
	      "\n"
	      "      --lang L       en or zh (default: from LC_ALL, LC_MESSAGES or LANG)\n"
	      "      --auto         a scripted student: predictions answered, no pauses\n"
	      "      --script FILE  read the student's answers and commands from FILE\n"
	      "      --plain        text on stdin/stdout even in a terminal (the default elsewhere)\n"
	      "      --timeout S    seconds a checkpoint may take (default 10)\n"
	      "      --pace MS      pause between released calls (default 400, --auto 60)\n"
	      "      --dir DIR      the lessons directory (default $SOCKLAB_LESSONS, next to the program)\n"
	      "      --width N      ladder columns (default 100);  --ascii  no UTF-8 box drawing\n"
	      "\n"
	      "On two hosts with a wire between them (docs/wire.md); a lesson whose file has a\n"
	      "wire: line always runs there, and these change its values:\n"
	      "%s"
	      "\n"
	      "In a terminal the lesson runs in the lab's ladder view: space/Enter runs a step and\n"
	      "goes on, 1-9 answers a prediction, h hint, b back a step, j/k rows, ? help, q quit.\n"
	      "As text: a number answers a prediction, h shows the hint, b goes back a step, q quits.\n"
	      "Capturing needs root or CAP_NET_RAW (`sudo make setcap`).\n",
	      impair_usage);
}

static int parse_num(const char *what, const char *s, long min, long max, int *out)
{
	char err[160];
	long v;

	if (args_number(what, s, min, max, &v, err, sizeof(err)) < 0) {
		fprintf(stderr, "socklab lesson: %s\n", err);
		return -1;
	}
	*out = (int)v;
	return 0;
}

static int parse_args(int argc, char **argv, struct opts *o, int *first_file)
{
	enum { OPT_WIRE = 256 }; /* OPT_WIRE + i: wire switch i (impair.h) */
	enum { NOWN = 11 };
	struct option longopts[NOWN + IMPAIR_NSWITCHES + 1] = {
		{"lang", required_argument, NULL, 'l'},  {"auto", no_argument, NULL, 'a'},
		{"script", required_argument, NULL, 's'}, {"check", no_argument, NULL, 'c'},
		{"dir", required_argument, NULL, 'd'},   {"timeout", required_argument, NULL, 't'},
		{"pace", required_argument, NULL, 'p'},  {"width", required_argument, NULL, 'w'},
		{"ascii", no_argument, NULL, 'A'},       {"help", no_argument, NULL, 'h'},
		{"plain", no_argument, NULL, 'P'},
	};
	struct impair_cfg check = {0};
	char err[160];
	int c;

	impair_longopts(longopts + NOWN, OPT_WIRE);
	longopts[NOWN + IMPAIR_NSWITCHES] = (struct option){NULL, 0, NULL, 0};

	memset(o, 0, sizeof(*o));
	o->lang = screen_words_lang_from_env();
	o->timeout_s = 10;
	o->pace_ms = -1;
	o->width = 100;
	optind = 0; /* glibc: start afresh, whatever parsed argv before */
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (lesson_lang_parse(optarg, &o->lang) < 0) {
				fprintf(stderr, "socklab lesson: language '%s': expected en or zh\n", optarg);
				return -1;
			}
			break;
		case 'a': o->autorun = true; break;
		case 's': o->script = optarg; break;
		case 'c': o->check = true; break;
		case 'd': o->dir = optarg; break;
		case 't':
			if (parse_num("timeout", optarg, 1, 600, &o->timeout_s) < 0)
				return -1;
			break;
		case 'p':
			if (parse_num("pace", optarg, 0, 10000, &o->pace_ms) < 0)
				return -1;
			break;
		case 'w':
			if (parse_num("width", optarg, 80, 1000, &o->width) < 0)
				return -1;
			break;
		case 'A': o->ascii = true; break;
		case 'P': o->plain = true; break;
		case 'h': usage(stdout); exit(0);
		case ':':
			fprintf(stderr, "socklab lesson: option '%s' needs a value; try --help\n", argv[optind - 1]);
			return -1;
		default:
			if (c >= OPT_WIRE && c < OPT_WIRE + IMPAIR_NSWITCHES &&
			    o->nwire < (int)(sizeof(o->wire) / sizeof(o->wire[0]))) {
				if (impair_parse_switch(c - OPT_WIRE, optarg, &check, err, sizeof(err)) < 0) {
					fprintf(stderr, "socklab lesson: %s\n", err);
					return -1;
				}
				o->wire[o->nwire].index = c - OPT_WIRE;
				o->wire[o->nwire++].value = optarg;
				break;
			}
			fprintf(stderr, "socklab lesson: unknown option '%s'; try --help\n", argv[optind - 1]);
			return -1;
		}
	}
	if (o->pace_ms < 0)
		o->pace_ms = o->autorun || o->script ? 60 : 400;
	*first_file = optind;
	if (o->check) {
		if (optind == argc) {
			fprintf(stderr, "socklab lesson --check: which files?\n");
			return -1;
		}
		return 0;
	}
	if (optind < argc && parse_num("lesson", argv[optind++], 1, 99, &o->number) < 0)
		return -1;
	if (optind < argc) {
		fprintf(stderr, "socklab lesson: unexpected argument '%s'; try --help\n", argv[optind]);
		return -1;
	}
	return 0;
}

/* ---- lesson files ---- */

static int lesson_load(const char *path, struct lesson *l, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *text;
	size_t n;
	int rc;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, errtext(errno));
		return -1;
	}
	text = malloc(FILE_MAX + 1);
	if (!text) {
		fclose(f);
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	n = fread(text, 1, FILE_MAX + 1, f);
	if (ferror(f) || n > FILE_MAX) {
		snprintf(err, errlen, "%s: %s", path, ferror(f) ? errtext(errno) : "larger than 256 KiB");
		rc = -1;
	} else {
		rc = lesson_parse(text, n, path, l, err, errlen);
	}
	free(text);
	fclose(f);
	return rc;
}

/* The lessons directory of the language: --dir, $SOCKLAB_LESSONS, the
 * source tree's lessons/ next to bin/, or the installed share/socklab. */
static int lessons_dir(const struct opts *o, const char *bindir, char *buf, size_t n)
{
	const char *lang = lesson_words(o->lang)->code;
	const char *base = o->dir ? o->dir : getenv("SOCKLAB_LESSONS");
	const char *tries[] = {"%s/../lessons/%s", "%s/../share/socklab/lessons/%s"};

	if (base && *base)
		return snprintf(buf, n, "%s/%s", base, lang) < (int)n ? 0 : -1;
	for (size_t i = 0; i < 2; i++) {
		DIR *d;
		if (snprintf(buf, n, tries[i], bindir, lang) >= (int)n)
			return -1;
		if ((d = opendir(buf))) {
			closedir(d);
			return 0;
		}
	}
	return -1;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The NN-name.lesson files of dir, sorted; returns how many, or -1. */
static int list_files(const char *dir, char *names[MAX_FILES])
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)) && n < MAX_FILES) {
		size_t len = strlen(e->d_name);
		if (len > 10 && strcmp(e->d_name + len - 7, ".lesson") == 0 && (names[n] = strdup(e->d_name)))
			n++;
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), by_name);
	return n;
}

static void free_names(char *names[], int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
}

/* Lists the lessons (number 0), or finds lesson number's file into path. */
static int find_lessons(struct runner *r, int number)
{
	char dir[PATH_MAX], err[1024], *names[MAX_FILES];
	int n, rc = number ? -1 : 0;

	if (lessons_dir(&r->o, r->bindir, dir, sizeof(dir)) < 0 || (n = list_files(dir, names)) < 0) {
		fprintf(stderr, "socklab lesson: no lessons directory (looked next to %s; try --dir DIR)\n", r->bindir);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		struct lesson l;
		char path[PATH_MAX + 256];
		if (number && atoi(names[i]) != number)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (lesson_load(path, &l, err, sizeof(err)) < 0) {
			fprintf(stderr, "socklab lesson: %s\n", err);
			rc = -1;
			continue;
		}
		if (number) {
			snprintf(r->path, sizeof(r->path), "%s", path);
			r->les = l;
			rc = 0;
			break;
		}
		printf("%3d  %s", l.number, l.title);
		if (l.wire.enabled)
			printf(r->w->on_wire, (int)(l.wire.delay_ns / 1000000));
		printf("\n");
		lesson_free(&l);
	}
	if (number && rc < 0 && !r->path[0])
		fprintf(stderr, "socklab lesson: no lesson %d in %s (socklab lesson lists them)\n", number, dir);
	free_names(names, n);
	return rc;
}

/* ---- the student's side ---- */

#define TEXT_WIDTH 78

/* Prints a paragraph word-wrapped as the lesson pane wraps it (grid_wrap):
 * at spaces, or between any two characters of Chinese. */
static void print_text(const char *text)
{
	const char *next;

	if (!text)
		return;
	do {
		size_t len = grid_wrap(text, TEXT_WIDTH, &next);
		printf("%.*s\n", (int)len, text);
		text = next;
	} while (*text);
}

/* One of step idx's words (say:, then:), its kernel numbers filled in
 * (lesson_lab_words). */
static void print_step_text(const struct runner *r, int idx, const char *text)
{
	char *words = lesson_lab_words(r->lab, idx, text);

	print_text(words ? words : text);
	free(words);
}

/* The next line the student types (or the script holds), without its
 * newline; NULL when there is none (auto, the end of the script). */
static const char *read_answer(struct runner *r, char *buf, size_t n)
{
	FILE *in = r->o.script ? r->script : r->o.autorun ? NULL : stdin;

	fflush(stdout);
	while (in && fgets(buf, (int)n, in)) {
		buf[strcspn(buf, "\r\n")] = '\0';
		if (buf[0] == '#' && r->o.script)
			continue;
		if (r->o.script)
			printf("%s\n", buf);
		return buf;
	}
	if (in)
		printf("\n");
	return NULL;
}

/* Asks the step's question until a choice, the hint or q. */
static enum progress_action ask_prediction(struct runner *r, const struct lesson_step *s)
{
	char buf[64];
	const char *a;

	printf("\n? %s\n", s->predict);
	for (int i = 0; i < s->nchoices; i++)
		printf("   %d) %s\n", i + 1, s->choices[i]);
	for (;;) {
		enum progress_action act;
		printf(r->w->predict_prompt, s->nchoices);
		if (!(a = read_answer(r, buf, sizeof(buf)))) {
			printf("%d\n", s->answer);
			return lesson_progress_event(&r->progress, STUDENT_ANSWER, s->answer);
		}
		if (strcmp(a, "q") == 0)
			return lesson_progress_event(&r->progress, STUDENT_STOP, 0);
		if (strcmp(a, "h") == 0) {
			lesson_progress_event(&r->progress, STUDENT_HINT, 0);
			print_text(s->hint ? s->hint : r->w->hint_none);
		} else if ((act = lesson_progress_event(&r->progress, STUDENT_ANSWER, atoi(a))) != DO_NOTHING) {
			return act;
		}
	}
}

/* ---- the ladder as text ---- */

static void row_added(long pos, bool inserted_before, uint64_t dropped_before, void *ctx)
{
	struct runner *r = ctx;

	text_ladder_row_added(&r->text, pos, inserted_before, dropped_before);
}

/* ---- one step ---- */

static void print_output(const char *proc, const char *text, void *ctx)
{
	(void)ctx;
	printf("  %s: %s", proc, text);
}

/* The message for a checkpoint not reached: the step and each unmet
 * expectation with its line (both front ends end with it), in the
 * lesson's language. */
static void print_unmet(const struct runner *r, int idx, const bool met[])
{
	const struct lesson_step *s = &r->les.steps[idx];
	char text[256];

	if (lesson_lab_ended_early(r->lab, idx))
		fprintf(stderr, r->w->unmet_early, r->les.number, idx + 1, s->title);
	else
		fprintf(stderr, r->w->unmet, r->les.number, idx + 1, s->title, lesson_lab_timeout_s(r->lab, idx));
	fputc('\n', stderr);
	for (int i = 0; i < s->nexpects; i++) {
		if (met[i])
			continue;
		fprintf(stderr, r->w->unmet_line, lesson_expect_words(&s->expects[i], r->o.lang, text, sizeof(text)), r->path,
			s->expects[i].line);
		fputc('\n', stderr);
	}
}

/* The loop's turn hook while a checkpoint is waited for: the lab reaps its
 * programs, releases calls and matches; the rows old enough are printed. */
static int checkpoint_turn(void *ctx, uint64_t now_ns, char *err, size_t errlen)
{
	struct runner *r = ctx;

	lesson_lab_reap(r->lab);
	r->lab_state = lesson_lab_advance(r->lab, now_ns, r->met, err, errlen);
	if (r->lab_state < 0)
		return -1;
	if (!r->les.steps[r->checking].show_output) /* a benchmark's thousands of rows would bury its numbers */
		/* on the wire, a lost segment's row comes a horizon late */
		text_ladder_print(&r->text, clock_ns(CLOCK_REALTIME) - TEXT_LADDER_HOLD_NS - lesson_lab_horizon_ns(r->lab));
	return r->lab_state == LAB_RUNNING ? LOOP_GO_ON : LOOP_END;
}

/* Releases calls until the checkpoint is met; 0, -1 (not in time, or it
 * cannot be) or -2 (an error, a stop). */
static int run_checkpoint(struct runner *r, int idx)
{
	const struct lesson_step *s = &r->les.steps[idx];
	struct loop l = {.tl = r->tl, .sess = lesson_lab_session(r->lab), .wait_ms = CHECKPOINT_WAIT_MS,
			 .hooks = {.turn = checkpoint_turn, .ctx = r}};
	char err[512];

	if (lesson_lab_start_step(r->lab, idx, err, sizeof(err)) < 0) {
		fprintf(stderr, "socklab lesson: %s\n", err);
		return -2;
	}
	r->checking = idx;
	r->lab_state = LAB_RUNNING;
	if (loop_run(&l, err, sizeof(err)) < 0) {
		fprintf(stderr, "socklab lesson: %s\n", err);
		return -2;
	}
	if (r->lab_state == LAB_TIMEOUT || r->lab_state == LAB_FAILED) {
		if (!s->show_output) /* what was seen, up to the failure (a bind() = -1) */
			text_ladder_print(&r->text, TEXT_LADDER_ALL);
		return -1;
	}
	if (r->lab_state != LAB_MET) /* stopped */
		return -2;
	if (lesson_lab_skipped(r->lab, idx, err, sizeof(err))) {
		printf("%s\n", err);
		return 0;
	}
	if (s->show_output) {
		printf("(%ld rows of the ladder not shown)\n", text_ladder_skip(&r->text));
		lesson_lab_outputs(r->lab, idx, print_output, NULL);
	}
	text_ladder_print(&r->text, TEXT_LADDER_ALL);
	printf("%s\n", r->w->checkpoint);
	for (int i = 0; i < s->nexpects; i++) {
		char text[256];
		printf("  %s %s\n", r->o.ascii || !view_locale_utf8() ? "ok" : "✓",
		       lesson_expect_words(&s->expects[i], r->o.lang, text, sizeof(text)));
	}
	return 0;
}

static void show_step(struct runner *r, int idx)
{
	const struct lesson_step *s = &r->les.steps[idx];

	printf("\n== ");
	printf(r->w->step_title, idx + 1, r->les.nsteps, s->title);
	printf(" ==\n");
	print_step_text(r, idx, s->say);
}

/* After the checkpoint: the prediction's outcome and then:. A skipped step
 * (its program is not installed) saw nothing: the prediction was not
 * checked, and then: (what the step showed) is not said. */
static void show_outcome(struct runner *r)
{
	const struct lesson_step *s = &r->les.steps[r->progress.cur];
	char buf[256];

	if (lesson_lab_skipped(r->lab, r->progress.cur, buf, sizeof(buf))) {
		if (s->predict) {
			snprintf(buf, sizeof(buf), r->w->not_checked, s->choices[r->progress.predicted - 1]);
			print_text(buf);
		}
		return;
	}
	if (s->predict) {
		if (lesson_progress_predicted_right(&r->progress))
			printf(r->w->right, s->choices[s->answer - 1]);
		else
			printf(r->w->wrong, s->choices[r->progress.predicted - 1], s->choices[s->answer - 1]);
		printf("\n");
	}
	print_step_text(r, r->progress.cur, s->then);
}

/* The prompt after a step: Enter goes on, h, b, q. */
static enum progress_action next_command(struct runner *r)
{
	const struct lesson_step *s = &r->les.steps[r->progress.cur];
	char buf[64];
	const char *a;

	for (;;) {
		if (r->o.autorun && !r->o.script)
			return lesson_progress_event(&r->progress, STUDENT_CONTINUE, 0);
		printf("%s", r->w->next_prompt);
		if (!(a = read_answer(r, buf, sizeof(buf))) || !a[0] || strcmp(a, "n") == 0)
			return lesson_progress_event(&r->progress, STUDENT_CONTINUE, 0);
		if (strcmp(a, "q") == 0)
			return lesson_progress_event(&r->progress, STUDENT_STOP, 0);
		if (strcmp(a, "h") == 0) {
			lesson_progress_event(&r->progress, STUDENT_HINT, 0);
			print_text(s->hint ? s->hint : r->w->hint_none);
		} else if (strcmp(a, "b") == 0 && lesson_progress_event(&r->progress, STUDENT_BACK, 0) == DO_SHOW_REVIEW) {
			/* the sockets cannot rewind: show the previous step and what it saw again */
			int prev = r->progress.shown;
			printf("%s\n", r->w->back);
			show_step(r, prev);
			text_ladder_reprint(&r->text, lesson_lab_step_start(r->lab, prev), lesson_lab_step_start(r->lab, prev + 1));
			if (!lesson_lab_skipped(r->lab, prev, buf, sizeof(buf)))
				print_step_text(r, prev, r->les.steps[prev].then);
			lesson_progress_event(&r->progress, STUDENT_CONTINUE, 0);
			show_step(r, r->progress.shown);
		}
	}
}

/* A checkpoint not reached: what was missing, why when the step knows,
 * and the choice to run the step again (a scripted --auto student ends
 * there: the lesson failed). */
static enum progress_action show_failure(struct runner *r)
{
	const char *why = lesson_lab_failure_words(r->lab, r->progress.cur);
	char buf[64];
	const char *a;

	fflush(stdout);
	print_unmet(r, r->progress.cur, r->met);
	if (why)
		print_text(why);
	if (r->o.autorun && !r->o.script)
		return DO_END; /* the lesson failed */
	for (;;) {
		printf("%s", r->w->again_prompt);
		if (!(a = read_answer(r, buf, sizeof(buf))) || strcmp(a, "q") == 0)
			return lesson_progress_event(&r->progress, STUDENT_STOP, 0);
		if (!a[0])
			return lesson_progress_event(&r->progress, STUDENT_CONTINUE, 0);
	}
}

/* The text front end: what the progress asks for, printed, and the student's
 * lines read back. */
static int run_lesson(struct runner *r)
{
	enum progress_action act = DO_SHOW_STEP;

	printf(r->w->lesson, r->les.number, r->les.title);
	printf("%s\n", r->w->seed);
	print_text(r->les.seed);
	print_text(r->les.intro);
	lesson_progress_init(&r->progress, &r->les);
	while (act != DO_END && !loop_stopping()) {
		const struct lesson_step *s = &r->les.steps[r->progress.cur];
		switch (act) {
		case DO_SHOW_STEP:
			show_step(r, r->progress.cur);
			act = s->predict ? ask_prediction(r, s) : lesson_progress_event(&r->progress, STUDENT_CONTINUE, 0);
			break;
		case DO_RERUN_STEP:
			lesson_lab_restart(r->lab);
			printf(r->w->again, r->progress.cur + 1);
			printf("\n");
			/* fall through */
		case DO_RUN_STEP: {
			int rc;
			if (lesson_progress_again(&r->progress)) {
				printf("\n== ");
				printf(r->w->step_title, r->progress.cur + 1, r->les.nsteps, s->title);
				printf(" ==\n");
			}
			rc = run_checkpoint(r, r->progress.cur);
			act = lesson_progress_event(&r->progress, rc == -2 ? STUDENT_STOP : rc < 0 ? CHECKPOINT_TIMEOUT : CHECKPOINT_MET, 0);
			break;
		}
		case DO_SHOW_FAILURE:
			act = show_failure(r);
			break;
		case DO_SHOW_OUTCOME:
			show_outcome(r);
			act = next_command(r);
			break;
		default:
			act = DO_END;
			break;
		}
	}
	if (loop_stopping() || r->progress.phase == PHASE_QUIT)
		printf("%s\n", r->w->quit);
	else if (r->progress.phase == PHASE_FINISHED)
		printf("%s\n", r->w->finished);
	return r->progress.phase == PHASE_FINISHED && !loop_stopping() ? 0 : -1;
}

/* The curses front end, then one line on the terminal it leaves. */
static int run_lesson_view(struct runner *r, struct lesson_view *v)
{
	bool met[LESSON_MAX_EXPECTS];
	char err[512] = "";
	int step = 0;
	enum progress_phase end;

	if (lesson_view_run(v, r->lab, &end, &step, met, err, sizeof(err)) < 0) {
		fprintf(stderr, "socklab lesson: %s\n", err);
		return -1;
	}
	if (end == PHASE_FINISHED) {
		printf(r->w->lesson, r->les.number, r->les.title);
		printf("%s\n", r->w->finished);
		return 0;
	}
	if (end == PHASE_FAILED)
		print_unmet(r, step, met);
	else
		printf("%s\n", r->w->quit);
	return -1;
}

/* ---- setting up ---- */

static int check_files(char **files, int n)
{
	struct lesson l;
	char err[1024];
	int bad = 0;

	for (int i = 0; i < n; i++) {
		if (lesson_load(files[i], &l, err, sizeof(err)) < 0) {
			fprintf(stderr, "%s\n", err);
			bad++;
			continue;
		}
		printf("%s: lesson %d, %d steps: ok\n", files[i], l.number, l.nsteps);
		lesson_free(&l);
	}
	return bad ? 2 : 0;
}

/* Opens the lab and runs the lesson in the front end that fits: the
 * curses lab on a terminal, text otherwise. */
static int run(struct runner *r)
{
	bool curses = !r->o.plain && !r->o.autorun && !r->o.script && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	struct lesson_view_opts vo = {&r->les, r->w, !view_locale_utf8(), r->o.ascii, r->o.pace_ms};
	struct lesson_view *v = curses ? lesson_view_new(&vo) : NULL;
	struct lesson_lab_opts lo = {&r->les,
				     r->bindir,
				     r->o.pace_ms,
				     r->o.timeout_s,
				     r->o.lang,
				     curses ? lesson_view_on_row : row_added,
				     curses ? (void *)v : (void *)r,
				     r->les.wire};
	bool refused;
	char err[600], what[160];
	int rc;

	/* the lesson's wire, then the switches (checked when parsed) */
	for (int i = 0; i < r->o.nwire; i++)
		(void)impair_parse_switch(r->o.wire[i].index, r->o.wire[i].value, &lo.wire, err, sizeof(err));

	if (curses && !v) {
		fprintf(stderr, "socklab lesson: out of memory\n");
		return -1;
	}
	r->lab = lesson_lab_open(&lo, &refused, err, sizeof(err));
	if (!r->lab) {
		fprintf(stderr, "socklab lesson: %s\n", err);
		if (refused)
			fprintf(stderr, "%s\n", r->w->no_capture);
		lesson_view_free(v);
		return -1;
	}
	if (lesson_lab_wire(r->lab, what, sizeof(what))) /* the seed, to run it again */
		fprintf(stderr, "socklab lesson: two hosts, client %s and server %s; the wire: %s\n", wire_addr(WIRE_CLIENT),
			wire_addr(WIRE_SERVER), what);
	r->tl = lesson_lab_timeline(r->lab);
	text_ladder_init(&r->text, r->tl, r->o.width, r->o.ascii || !view_locale_utf8(), stdout);
	rc = curses ? run_lesson_view(r, v) : run_lesson(r);
	fflush(stdout);
	lesson_lab_close(r->lab);
	lesson_view_free(v);
	return rc;
}

int lesson_main(int argc, char **argv)
{
	struct runner *r = calloc(1, sizeof(*r));
	int first, rc;

	if (!r) {
		fprintf(stderr, "socklab lesson: out of memory\n");
		return 1;
	}
	if (parse_args(argc, argv, &r->o, &first) < 0) {
		free(r);
		return 2;
	}
	if (r->o.check) {
		rc = check_files(argv + first, argc - first);
		free(r);
		return rc;
	}
	r->w = lesson_words(r->o.lang);
	if (demo_bindir(r->bindir, sizeof(r->bindir)) < 0 || find_lessons(r, r->o.number) < 0) {
		free(r);
		return 2;
	}
	if (!r->o.number) {
		free(r);
		return 0;
	}
	if (r->o.script && !(r->script = fopen(r->o.script, "r"))) {
		fprintf(stderr, "socklab lesson: script %s: %s\n", r->o.script, errtext(errno));
		lesson_free(&r->les);
		free(r);
		return 2;
	}
	loop_catch_signals(false); /* a closed terminal ends the lesson cleanly */
	rc = run(r) < 0 ? 1 : 0;
	lesson_free(&r->les);
	if (r->script)
		fclose(r->script);
	free(r);
	return rc;
}
