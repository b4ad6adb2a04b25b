/* lesson_run.c: the lesson runner, the edge around lesson.c: files, the
 * lab programs (demo.c), capture (session.c), the event channel and the
 * student's terminal. */
#include "lesson_run.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "channel.h"
#include "demo.h"
#include "event_parse.h"
#include "events.h"
#include "export.h"
#include "lesson.h"
#include "session.h"
#include "timeline.h"
#include "view.h"

#define MAX_PROCS 16
#define MAX_WAITING 16
#define MAX_FILES 100
#define DATAGRAM_MAX 4096
#define FILE_MAX (256 * 1024)
#define PRINT_HOLD_NS 200000000ull  /* rows are printed once this old: late calls sort in first */
#define MS 1000000ull

enum lang { LANG_EN, LANG_ZH };

/* The runner's own words, in the lesson's language. */
struct words {
	const char *lesson, *step, *seed, *predict_prompt, *hint_none, *checkpoint, *right, *wrong,
		*next_prompt, *back, *waiting, *quit, *no_capture;
};

static const struct words words_en = {
	"Lesson %d: %s\n", "Step", "From the seed", "your prediction (1-%d, h for a hint): ", "(no hint for this step)",
	"checkpoint reached:", "Your prediction was right: %s", "You predicted \"%s\"; what happened: %s",
	"[Enter] next step, b back, h hint, q quit: ", "(back to the previous step)",
	"running; waiting for:", "lesson stopped.",
	"(a lesson checks the real segments on lo, so it needs to capture)",
};

static const struct words words_zh = {
	"第 %d 课：%s\n", "步骤", "原文", "你的预测 (1-%d，输入 h 查看提示)：", "（本步骤没有提示）",
	"检查点已到达：", "预测正确：%s", "你预测的是“%s”；实际发生的是：%s",
	"[回车] 下一步，b 上一步，h 提示，q 退出：", "（回到上一步）",
	"运行中，等待：", "课程已停止。",
	"（课程要核对 lo 上真实的报文，所以需要抓包权限）",
};

struct opts {
	int number;
	enum lang lang;
	bool autorun, check, ascii;
	const char *script, *dir;
	int timeout_s, pace_ms, width;
};

struct proc {
	struct demo *demo;
	enum tcp_role role;
	int step;                /* the step that started it */
	char output[160];        /* its stdout and stderr (show: output), or "" */
	struct demo_scenario scenario;
	char args[LESSON_MAX_ARGS][64];
};

struct waiting {
	enum tcp_role proc;
	long seq;
	char reply[108];
};

struct runner {
	struct opts o;
	const struct words *w;
	struct lesson les;
	char path[PATH_MAX + 256], bindir[PATH_MAX], chan_path[108];
	struct timeline *tl;
	struct session *sess;
	struct channel *ch;
	int port, spare, local;
	struct proc procs[MAX_PROCS];
	int nprocs;
	int cur;                 /* the step running */
	struct waiting waiting[MAX_WAITING];
	int nwaiting;
	FILE *script;
	/* clients wait for the server: they start once its listen() (UDP: bind()) returned */
	bool server_ready;
	char ready_call[8];
	const struct lesson_run *pending[LESSON_MAX_RUNS];
	int npending;
	long printed;
	uint64_t step_start[LESSON_MAX_STEPS + 1];
};

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void usage(FILE *f)
{
	fputs("usage: socklab lesson                        list the lessons\n"
	      "       socklab lesson N [--lang en|zh] [--auto | --script FILE] [--timeout S]\n"
	      "       socklab lesson --check FILE...       check lesson files\n"
	      "\n"
	      "Runs lesson N on real sockets: each step explains, asks you to predict, runs the\n"
	      "echo server and client one socket call at a time, and waits until the expected\n"
	      "calls, segments and states have really been seen.\n"
	      "\n"
	      "      --lang L       en or zh (default: from LC_ALL, LC_MESSAGES or LANG)\n"
	      "      --auto         a scripted student: predictions answered, no pauses\n"
	      "      --script FILE  read the student's answers and commands from FILE\n"
	      "      --timeout S    seconds a checkpoint may take (default 10)\n"
	      "      --pace MS      pause between released calls (default 400, --auto 60)\n"
	      "      --dir DIR      the lessons directory (default $SOCKLAB_LESSONS, next to the program)\n"
	      "      --width N      ladder columns (default 100);  --ascii  no UTF-8 box drawing\n"
	      "\n"
	      "At a prompt: a number answers a prediction, h shows the hint, b goes back a step,\n"
	      "q quits. Capturing needs root or CAP_NET_RAW (`sudo make setcap`).\n",
	      f);
}

static int parse_num(const char *what, const char *s, long min, long max, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || !*s || *end || v < min || v > max) {
		fprintf(stderr, "socklab lesson: %s '%s': expected a number from %ld to %ld\n", what, s, min, max);
		return -1;
	}
	*out = (int)v;
	return 0;
}

/* zh when the locale says Chinese, else en. */
static enum lang lang_from_locale(void)
{
	const char *vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};

	for (size_t i = 0; i < 3; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return strncmp(v, "zh", 2) == 0 ? LANG_ZH : LANG_EN;
	}
	return LANG_EN;
}

static int parse_args(int argc, char **argv, struct opts *o, int *first_file)
{
	static const struct option longopts[] = {
		{"lang", required_argument, NULL, 'l'},  {"auto", no_argument, NULL, 'a'},
		{"script", required_argument, NULL, 's'}, {"check", no_argument, NULL, 'c'},
		{"dir", required_argument, NULL, 'd'},   {"timeout", required_argument, NULL, 't'},
		{"pace", required_argument, NULL, 'p'},  {"width", required_argument, NULL, 'w'},
		{"ascii", no_argument, NULL, 'A'},       {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->lang = lang_from_locale();
	o->timeout_s = 10;
	o->pace_ms = -1;
	o->width = 100;
	optind = 0; /* glibc: start afresh, whatever parsed argv before */
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (strcmp(optarg, "en") != 0 && strcmp(optarg, "zh") != 0) {
				fprintf(stderr, "socklab lesson: language '%s': expected en or zh\n", optarg);
				return -1;
			}
			o->lang = optarg[0] == 'z' ? LANG_ZH : LANG_EN;
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
		case 'h': usage(stdout); exit(0);
		default: fprintf(stderr, "socklab lesson: try --help\n"); return -1;
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
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
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
		snprintf(err, errlen, "%s: %s", path, ferror(f) ? strerror(errno) : "larger than 256 KiB");
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
	const char *lang = o->lang == LANG_ZH ? "zh" : "en";
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
		printf("%3d  %s\n", l.number, l.title);
		lesson_free(&l);
	}
	if (number && rc < 0 && !r->path[0])
		fprintf(stderr, "socklab lesson: no lesson %d in %s (socklab lesson lists them)\n", number, dir);
	free_names(names, n);
	return rc;
}

/* ---- the student's side ---- */

#define TEXT_WIDTH 78

/* Terminal cells of the UTF-8 sequence at s (CJK and fullwidth: two). */
static int cells_at(const char *s, int *bytes)
{
	unsigned char c = (unsigned char)s[0];
	uint32_t cp;

	*bytes = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	for (int i = 1; i < *bytes; i++)
		if (!s[i]) {
			*bytes = i;
			return 1;
		}
	if (*bytes != 3)
		return 1;
	cp = (uint32_t)(c & 0x0f) << 12 | (uint32_t)(s[1] & 0x3f) << 6 | (uint32_t)(s[2] & 0x3f);
	return cp >= 0x1100 && !(cp >= 0x2000 && cp < 0x2e80) ? 2 : 1;
}

/* Prints a paragraph text word-wrapped: at spaces, or anywhere in text
 * without spaces (Chinese). */
static void print_text(const char *text)
{
	const char *line = text, *brk = NULL, *p;
	int col = 0, n;

	if (!text)
		return;
	for (p = text; *p; p += n) {
		int w = cells_at(p, &n);
		if (*p == '\n') {
			printf("%.*s\n", (int)(p - line), line);
			line = p + 1;
			brk = NULL;
			col = 0;
			continue;
		}
		if (*p == ' ')
			brk = p;
		if (col + w > TEXT_WIDTH && p > line) {
			/* Chinese breaks between any two characters; other text at a space */
			const char *end = brk && w == 1 ? brk : p;
			printf("%.*s\n", (int)(end - line), line);
			line = end == brk ? brk + 1 : p;
			brk = NULL;
			col = 0;
			for (const char *q = line; q < p + n; q += n)
				col += cells_at(q, &n);
			continue;
		}
		col += w;
	}
	printf("%s\n", line);
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

/* Asks the step's question; returns the choice (1-based). */
static int ask_prediction(struct runner *r, const struct lesson_step *s)
{
	char buf[64];
	const char *a;

	printf("\n? %s\n", s->predict);
	for (int i = 0; i < s->nchoices; i++)
		printf("   %d) %s\n", i + 1, s->choices[i]);
	for (;;) {
		printf(r->w->predict_prompt, s->nchoices);
		if (!(a = read_answer(r, buf, sizeof(buf)))) {
			printf("%d\n", s->answer);
			return s->answer;
		}
		if (strcmp(a, "q") == 0) {
			stop_requested = 1;
			return 0;
		}
		if (strcmp(a, "h") == 0) {
			print_text(s->hint ? s->hint : r->w->hint_none);
			continue;
		}
		if (atoi(a) >= 1 && atoi(a) <= s->nchoices)
			return atoi(a);
	}
}

/* ---- the timeline and the programs ---- */

/* Prints rows from r->printed on, up to those stamped until_ns. */
static void print_new_rows(struct runner *r, uint64_t until_ns)
{
	struct export_opts eo = {EXPORT_TEXT, 0, r->o.width, r->o.ascii || !view_locale_utf8()};
	char line[2048];

	for (; r->printed < (long)timeline_count(r->tl); r->printed++) {
		if (timeline_row(r->tl, (size_t)r->printed)->ts_ns > until_ns)
			break;
		if (export_text_row(r->tl, &eo, r->printed, line, sizeof(line)) == 0)
			puts(line);
	}
}

/* Prints the rows stamped from since_ns to until_ns again. */
static void reprint_rows(struct runner *r, uint64_t since_ns, uint64_t until_ns)
{
	struct export_opts eo = {EXPORT_TEXT, 0, r->o.width, r->o.ascii || !view_locale_utf8()};
	char line[2048];

	for (size_t pos = 0; pos < timeline_count(r->tl); pos++) {
		uint64_t ts = timeline_row(r->tl, pos)->ts_ns;
		if (ts >= since_ns && ts < until_ns && export_text_row(r->tl, &eo, (long)pos, line, sizeof(line)) == 0)
			puts(line);
	}
}

/* A row went in at pos: one sorted in before what is printed stays unprinted. */
static void row_added(long pos, bool inserted_before, uint64_t dropped_before, void *ctx)
{
	struct runner *r = ctx;

	(void)dropped_before;
	if (inserted_before && pos < r->printed)
		r->printed++;
}

static void queue_step(struct runner *r, const struct ui_call *c)
{
	struct waiting *w;

	if (r->nwaiting == MAX_WAITING)
		memmove(r->waiting, r->waiting + 1, (size_t)--r->nwaiting * sizeof(r->waiting[0]));
	w = &r->waiting[r->nwaiting++];
	w->proc = c->proc;
	w->seq = c->seq;
	snprintf(w->reply, sizeof(w->reply), "%s", c->reply);
}

static void pump_channel(struct runner *r)
{
	char buf[DATAGRAM_MAX], why[256];
	struct ui_event *ev = malloc(sizeof(*ev));
	ssize_t len;
	long pos;
	bool before;

	if (!ev)
		return;
	while ((len = channel_recv(r->ch, buf, sizeof(buf))) > 0) {
		if (ui_event_parse(buf, (size_t)len, ev, why, sizeof(why)) < 0)
			continue;
		if (ev->type == UEV_STEP)
			queue_step(r, &ev->u.call);
		else if (ev->type == UEV_CALL && ev->u.call.exit && ev->u.call.proc == ROLE_SERVER &&
			 ev->u.call.has_ret && ev->u.call.ret == 0 && strcmp(ev->u.call.call, r->ready_call) == 0)
			r->server_ready = true;
		if (ev->type == UEV_STEP)
			continue;
		if ((pos = timeline_add(r->tl, ev, &before)) >= 0)
			row_added(pos, before, 0, r);
	}
	free(ev);
}

/* Waits up to ms for capture and channel input and takes it in. */
static int pump(struct runner *r, int ms, char *err, size_t errlen)
{
	struct pollfd pfd[2] = {{session_capture_fd(r->sess), POLLIN, 0}, {channel_fd(r->ch), POLLIN, 0}};

	if (poll(pfd, 2, ms) < 0 && errno != EINTR) {
		snprintf(err, errlen, "poll: %s", strerror(errno));
		return -1;
	}
	if ((pfd[0].revents & POLLIN) && session_pump_capture(r->sess, 2048, err, errlen) < 0)
		return -1;
	if (pfd[1].revents & POLLIN)
		pump_channel(r);
	for (int i = 0; i < r->nprocs; i++)
		if (r->procs[i].demo)
			demo_client_done(r->procs[i].demo);
	return 0;
}

/* Lets the longest-waiting call of a program not held run. */
static bool release_one(struct runner *r, const bool hold[2])
{
	char err[256];

	for (int i = 0; i < r->nwaiting; i++) {
		struct waiting w = r->waiting[i];
		if (hold[w.proc])
			continue;
		memmove(r->waiting + i, r->waiting + i + 1, (size_t)(r->nwaiting - i - 1) * sizeof(r->waiting[0]));
		r->nwaiting--;
		/* a program that is gone cannot be released: nothing to do */
		if (channel_send_go(r->ch, w.reply, w.seq, err, sizeof(err)) == 0)
			return true;
	}
	return false;
}

static void stop_role(struct runner *r, enum tcp_role role)
{
	for (int i = 0; i < r->nprocs; i++) {
		if (r->procs[i].demo && r->procs[i].role == role) {
			demo_stop(r->procs[i].demo);
			r->procs[i].demo = NULL;
		}
	}
	for (int i = 0; i < r->nwaiting; i++)
		if (r->waiting[i].proc == role) {
			memmove(r->waiting + i, r->waiting + i + 1, (size_t)(r->nwaiting - i - 1) * sizeof(r->waiting[0]));
			r->nwaiting--;
			i--;
		}
}

static bool server_alive(const struct runner *r)
{
	for (int i = 0; i < r->nprocs; i++)
		if (r->procs[i].demo && r->procs[i].role == ROLE_SERVER)
			return true;
	return false;
}

static bool has_arg(const struct lesson_run *run, const char *arg)
{
	for (int i = 0; i < run->argc; i++)
		if (strcmp(run->argv[i], arg) == 0)
			return true;
	return false;
}

static int start_run(struct runner *r, const struct lesson_run *run, char *err, size_t errlen)
{
	struct proc *p;
	char local[16];

	if (r->nprocs == MAX_PROCS) {
		snprintf(err, errlen, "too many programs in one lesson (at most %d)", MAX_PROCS);
		return -1;
	}
	p = &r->procs[r->nprocs];
	memset(p, 0, sizeof(*p));
	p->role = run->proc;
	snprintf(local, sizeof(local), "%d", r->local);
	for (int i = 0; i < run->argc; i++) {
		const char *at = strstr(run->argv[i], "{local}");
		if (at)
			snprintf(p->args[i], sizeof(p->args[i]), "%.*s%s%s", (int)(at - run->argv[i]), run->argv[i], local,
				 at + 7);
		else
			snprintf(p->args[i], sizeof(p->args[i]), "%s", run->argv[i]);
		if (run->proc == ROLE_SERVER)
			p->scenario.server_args[i] = p->args[i];
		else
			p->scenario.client_args[i] = p->args[i];
	}
	if (run->proc == ROLE_SERVER && !server_alive(r)) {
		r->server_ready = false;
		snprintf(r->ready_call, sizeof(r->ready_call), "%s",
			 has_arg(run, "--udp") ? "bind" : "listen");
	}
	p->scenario.name = "lesson";
	p->scenario.no_server = run->proc == ROLE_CLIENT;
	p->step = r->cur;
	if (r->les.steps[r->cur].show_output && run->proc == ROLE_CLIENT)
		snprintf(p->output, sizeof(p->output), "%.100s.out%d", r->chan_path, r->nprocs);
	struct demo_opts dopt = {&p->scenario, r->bindir, r->chan_path, run->port == PORT_SPARE ? r->spare : r->port,
				 run->step, -1, -1};
	p->demo = demo_start(&dopt, err, errlen);
	if (!p->demo)
		return -1;
	if (p->output[0])
		demo_set_output(p->demo, p->output);
	if (run->proc == ROLE_CLIENT && demo_start_client(p->demo, err, errlen) < 0)
		return -1;
	r->nprocs++;
	return 0;
}

/* ---- one step ---- */

/* Have the clients the step started exited? */
static bool clients_done(struct runner *r, int idx)
{
	for (int i = 0; i < r->nprocs; i++)
		if (r->procs[i].demo && r->procs[i].step == idx && r->procs[i].role == ROLE_CLIENT &&
		    !demo_client_done(r->procs[i].demo))
			return false;
	return r->npending == 0;
}

/* show: output: what the step's programs printed. */
static void print_outputs(struct runner *r, int idx)
{
	char line[512];

	for (int i = 0; i < r->nprocs; i++) {
		FILE *f;
		if (r->procs[i].step != idx || !r->procs[i].output[0] || !(f = fopen(r->procs[i].output, "r")))
			continue;
		while (fgets(line, sizeof(line), f))
			printf("  %s: %s", tcp_role_name(r->procs[i].role), line);
		fclose(f);
		unlink(r->procs[i].output);
	}
}

static void print_unmet(struct runner *r, const struct lesson_step *s, const bool met[], FILE *f)
{
	for (int i = 0; i < s->nexpects; i++)
		if (!met[i])
			fprintf(f, "  expect: %s (%s:%d)\n", s->expects[i].text, r->path, s->expects[i].line);
}

/* Releases calls until the checkpoint is met; 0, or -1 on a timeout. */
static int run_checkpoint(struct runner *r, int idx)
{
	const struct lesson_step *s = &r->les.steps[idx];
	int timeout = s->timeout_s ? s->timeout_s : r->o.timeout_s;
	uint64_t start = r->step_start[idx], deadline = events_now_ns() + (uint64_t)timeout * 1000000000ull, last = 0;
	bool met[LESSON_MAX_EXPECTS];
	char err[512];

	for (;;) {
		uint64_t now = events_now_ns();
		if (stop_requested)
			return -1;
		if (pump(r, 10, err, sizeof(err)) < 0) {
			fprintf(stderr, "socklab lesson: %s\n", err);
			return -1;
		}
		while (r->npending && r->server_ready) {
			if (start_run(r, r->pending[0], err, sizeof(err)) < 0) {
				fprintf(stderr, "socklab lesson: %s\n", err);
				return -1;
			}
			memmove(r->pending, r->pending + 1, (size_t)--r->npending * sizeof(r->pending[0]));
		}
		now = events_now_ns();
		if (!s->show_output) /* a benchmark's thousands of rows would bury its numbers */
			print_new_rows(r, now - PRINT_HOLD_NS);
		if (lesson_match(s, r->tl, start, met) && (!s->show_output || clients_done(r, idx)))
			break;
		if (now > deadline) {
			fflush(stdout);
			fprintf(stderr, "socklab lesson %d, step %d '%s': checkpoint not reached in %d s; still waiting for:\n",
				r->les.number, idx + 1, s->title, timeout);
			print_unmet(r, s, met, stderr);
			return -1;
		}
		if (now - last >= (uint64_t)r->o.pace_ms * MS && release_one(r, s->hold))
			last = now;
	}
	/* what the last call caused arrives a moment later: show it with this step */
	for (uint64_t settle = events_now_ns() + 250 * MS; events_now_ns() < settle;)
		if (pump(r, 20, err, sizeof(err)) < 0)
			return -1;
	if (s->show_output) {
		printf("(%ld rows of the ladder not shown)\n", (long)timeline_count(r->tl) - r->printed);
		r->printed = (long)timeline_count(r->tl);
		print_outputs(r, idx);
	}
	print_new_rows(r, UINT64_MAX);
	printf("%s\n", r->w->checkpoint);
	for (int i = 0; i < s->nexpects; i++)
		printf("  %s %s\n", r->o.ascii || !view_locale_utf8() ? "ok" : "✓", s->expects[i].text);
	return 0;
}

static void show_step(struct runner *r, int idx)
{
	const struct lesson_step *s = &r->les.steps[idx];

	printf("\n== %s %d/%d: %s ==\n", r->w->step, idx + 1, r->les.nsteps, s->title);
	print_text(s->say);
}

/* After the checkpoint: the prediction's outcome, then:, and the prompt.
 * Returns the next step's index. */
static int after_step(struct runner *r, int idx, int predicted)
{
	const struct lesson_step *s = &r->les.steps[idx];
	char buf[64];
	const char *a;

	if (s->predict) {
		if (predicted == s->answer)
			printf(r->w->right, s->choices[s->answer - 1]);
		else
			printf(r->w->wrong, s->choices[predicted - 1], s->choices[s->answer - 1]);
		printf("\n");
	}
	print_text(s->then);
	for (;;) {
		if (r->o.autorun && !r->o.script)
			return idx + 1;
		printf("%s", r->w->next_prompt);
		if (!(a = read_answer(r, buf, sizeof(buf))))
			return idx + 1;
		if (strcmp(a, "q") == 0) {
			stop_requested = 1;
			return idx;
		} else if (strcmp(a, "h") == 0) {
			print_text(s->hint ? s->hint : r->w->hint_none);
		} else if (strcmp(a, "b") == 0 && idx > 0) {
			/* the sockets cannot rewind: show the previous step and what it saw again */
			printf("%s\n", r->w->back);
			show_step(r, idx - 1);
			reprint_rows(r, r->step_start[idx - 1], r->step_start[idx]);
			print_text(r->les.steps[idx - 1].then);
			show_step(r, idx);
		} else if (!a[0] || strcmp(a, "n") == 0) {
			return idx + 1;
		}
	}
}

static int run_lesson(struct runner *r)
{
	char err[512];

	printf(r->w->lesson, r->les.number, r->les.title);
	printf("%s:\n", r->w->seed);
	print_text(r->les.seed);
	print_text(r->les.intro);
	for (int idx = 0; idx < r->les.nsteps && !stop_requested;) {
		const struct lesson_step *s = &r->les.steps[idx];
		int predicted = 0;

		show_step(r, idx);
		if (s->predict && !(predicted = ask_prediction(r, s)))
			break;
		for (int role = 0; role < 2; role++)
			if (s->stop[role])
				stop_role(r, (enum tcp_role)role);
		r->step_start[idx] = events_now_ns();
		r->cur = idx;
		for (int i = 0; i < s->nruns; i++)
			if (s->runs[i].proc == ROLE_CLIENT && s->runs[i].port == PORT_LESSON &&
			    (!r->server_ready || r->npending))
				r->pending[r->npending++] = &s->runs[i];
			else if (start_run(r, &s->runs[i], err, sizeof(err)) < 0) {
				fprintf(stderr, "socklab lesson: %s\n", err);
				return -1;
			}
		if (run_checkpoint(r, idx) < 0)
			return -1;
		idx = after_step(r, idx, predicted);
	}
	if (stop_requested)
		printf("%s\n", r->w->quit);
	return stop_requested ? -1 : 0;
}

/* ---- setting up ---- */

/* Capture first (as root), then root is dropped and everything else (the
 * channel, the lab programs) runs as the user root became. */
static int open_runner(struct runner *r)
{
	struct session_opts so = {0};
	char filter[96], err[600];

	r->port = demo_free_port();
	r->spare = demo_free_port();
	r->local = demo_free_port();
	if (r->port < 0 || r->spare < 0 || r->local < 0 || r->spare == r->port) {
		fprintf(stderr, "socklab lesson: cannot find free ports on 127.0.0.1\n");
		return -1;
	}
	snprintf(filter, sizeof(filter), "tcp port %d or tcp port %d", r->port, r->spare);
	so.filter = filter;
	so.owner = -1;
	so.on_row = row_added;
	so.ctx = r;
	r->tl = timeline_new(NULL);
	if (!r->tl) {
		fprintf(stderr, "socklab lesson: out of memory\n");
		return -1;
	}
	r->sess = session_open(&so, r->tl, err, sizeof(err));
	if (!r->sess) {
		fprintf(stderr, "socklab lesson: %s\n%s\n", err, r->w->no_capture);
		return -1;
	}
	if (capture_drop_privileges(err, sizeof(err)) < 0) {
		fprintf(stderr, "socklab lesson: %s\n", err);
		return -1;
	}
	snprintf(r->chan_path, sizeof(r->chan_path), "/tmp/socklab-lesson-%d/events.sock", (int)getpid());
	r->ch = channel_open(r->chan_path, -1, err, sizeof(err));
	if (!r->ch) {
		fprintf(stderr, "socklab lesson: %s\n", err);
		return -1;
	}
	return 0;
}

/* The channel's directory is the runner's own: a lab program killed while
 * it waited leaves its step socket there (and show: output its file). */
static void remove_private_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[PATH_MAX];

	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
		    snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) < (int)sizeof(path))
			unlink(path);
	if (d)
		closedir(d);
	rmdir(dir);
}

static void close_runner(struct runner *r)
{
	for (int i = 0; i < r->nprocs; i++)
		demo_stop(r->procs[i].demo);
	if (r->ch) {
		channel_close(r->ch);
		remove_private_dir(dirname(r->chan_path));
	}
	session_close(r->sess);
	timeline_free(r->tl);
	lesson_free(&r->les);
	if (r->script)
		fclose(r->script);
}

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

int lesson_main(int argc, char **argv)
{
	struct runner *r = calloc(1, sizeof(*r));
	struct sigaction sa;
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
	r->w = r->o.lang == LANG_ZH ? &words_zh : &words_en;
	if (demo_bindir(r->bindir, sizeof(r->bindir)) < 0 || find_lessons(r, r->o.number) < 0) {
		free(r);
		return 2;
	}
	if (!r->o.number) {
		free(r);
		return 0;
	}
	if (r->o.script && !(r->script = fopen(r->o.script, "r"))) {
		fprintf(stderr, "socklab lesson: script %s: %s\n", r->o.script, strerror(errno));
		lesson_free(&r->les);
		free(r);
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	rc = open_runner(r) < 0 || run_lesson(r) < 0 ? 1 : 0;
	fflush(stdout);
	close_runner(r);
	free(r);
	return rc;
}
