/* socklab: the lab. A ladder diagram of a TCP connection in the terminal:
 * the client's socket calls on the left, the segments in the middle, the
 * server's calls on the right, both endpoints' states as they change.
 *
 *   socklab [live] [-p PORT] [-i IFACE]   capture + the lab programs' calls
 *   socklab demo [NAME] | --list          start server and client for a scenario
 *   socklab record FILE                   live, and write FILE.jsonl + FILE.pcapng
 *   socklab replay FILE                   a .jsonl recording, or a pcap (wire only)
 *   socklab export FILE --format F        text, mermaid, csv, svg or html
 *   socklab lesson [N]                    a lesson on real sockets (lesson_run.c)
 *   socklab host client|server -- CMD     CMD on a host of a lab run with --delay ...
 *
 * This file is the edge: arguments, the subcommands, privileges. The poll
 * loop and the draw are loop.c's, the model timeline.c, the picture
 * ladder.c and screen.c. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "capture.h"
#include "privileges.h"
#include "chanpath.h"
#include "clock.h"
#include "demo.h"
#include "errtext.h"
#include "export.h"
#include "lesson_run.h"
#include "loop.h"
#include "portcheck.h"
#include "recording.h"
#include "runcmd.h"
#include "screen.h"
#include "screen_words.h"
#include "session.h"
#include "text_ladder.h"
#include "timeline.h"
#include "view.h"
#include "wire.h"

#define DEFAULT_PORT 8080
#define CLIENT_START_TIMEOUT_NS 3000000000ull
#define PLAIN_DEMO_SETTLE_NS 700000000ull
#define MAX_GAP_NS 1500000000ull     /* replay: longer silences are skipped */
#define WAIT_MS 250                  /* nothing to draw: poll this long at most */
#define WAIT_PLAYING_MS 33           /* a replay playing reveals rows on time */

enum command { CMD_LIVE, CMD_DEMO, CMD_RECORD, CMD_REPLAY, CMD_EXPORT, CMD_LESSON, CMD_RUN, CMD_HOST, CMD_COUNT };

struct options {
	enum command cmd;
	const char *file, *iface, *filter, *events, *scenario;
	const char *record;      /* demo --record FILE */
	struct wire_opts wire;   /* --delay and the other wire switches: two hosts */
	int port;
	bool step, plain, big, ascii, mono, list;
	double speed;
	enum lang lang;          /* of the explanations: --lang en|zh */
	enum export_format format;
	long conn;
	long first, last;        /* export --rows A-B */
	int width;
};

struct app {
	struct options opt;
	struct loop loop;        /* the timeline, the session, the screen */
	struct frames *frames;   /* the captured frames, for the details (d) */
	struct capture *cap;     /* a recording's .pcapng while its frames are read */
	struct demo *demo;
	struct wire *wire;       /* two hosts and the wire, or NULL: loopback */
	struct session_point points[2]; /* the capture points on its hosts */
	struct file_maker *maker; /* started as root: creates what `r` records (privileges.h) */
	struct text_ladder text; /* --plain, export: what goes to stdout */
	uint64_t started_ns, client_done_ns;
	char message[600];
	char mode[96];
	char waiting[64];        /* the first call waiting for space */
	char bindir[PATH_MAX];
	/* replay playing */
	bool playing;
	uint64_t play_wall0, play_ts0;
};

/* The subcommands, in the style of git.c's table of builtins: a name, the
 * function that runs it, what it needs. run returns the exit status. */
#define OWN_ARGS   (1u << 0) /* parses its own arguments (argv from its name on) */
#define NEEDS_FILE (1u << 1) /* its argument is a file */
#define FROM_FILE  (1u << 2) /* reads a recording or pcap, does not capture */

struct cmd_struct {
	const char *name;
	int (*run)(struct app *a, int argc, char **argv);
	unsigned flags;
};

static int cmd_live(struct app *a, int argc, char **argv);
static int cmd_demo(struct app *a, int argc, char **argv);
static int cmd_replay(struct app *a, int argc, char **argv);
static int cmd_export(struct app *a, int argc, char **argv);
static int cmd_lesson(struct app *a, int argc, char **argv);
static int cmd_run(struct app *a, int argc, char **argv);
static int cmd_host(struct app *a, int argc, char **argv);

static const struct cmd_struct commands[CMD_COUNT] = {
	[CMD_LIVE] = {"live", cmd_live, 0},
	[CMD_DEMO] = {"demo", cmd_demo, 0},
	[CMD_RECORD] = {"record", cmd_live, NEEDS_FILE},
	[CMD_REPLAY] = {"replay", cmd_replay, NEEDS_FILE | FROM_FILE},
	[CMD_EXPORT] = {"export", cmd_export, NEEDS_FILE | FROM_FILE},
	[CMD_LESSON] = {"lesson", cmd_lesson, OWN_ARGS},
	[CMD_RUN] = {"run", cmd_run, OWN_ARGS},
	[CMD_HOST] = {"host", cmd_host, OWN_ARGS},
};

/* The command called name, or -1. */
static int find_command(const char *name)
{
	for (int i = 0; i < CMD_COUNT; i++)
		if (strcmp(name, commands[i].name) == 0)
			return i;
	return -1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: socklab [-p PORT] [-i IFACE] [-f 'BPF'] [--step] [--plain] [--big] [--lang en|zh]\n"
	      "       socklab demo [NAME] [--step] [--plain] [--lang en|zh] [--record FILE]  (socklab demo --list)\n"
	      "       socklab [demo [NAME]] --delay MS [--jitter MS] [--loss PCT] [--reorder PCT] [--rate KBIT] [--seed N]\n"
	      "       socklab host client|server -- CMD [ARGS...]   CMD on a host of the lab started with --delay\n"
	      "       socklab record FILE [-p PORT] [-i IFACE]\n"
	      "       socklab replay FILE.jsonl|FILE.pcap [--speed X] [--plain]\n"
	      "       socklab export FILE --format text|mermaid|csv|svg|html [--conn N] [--width N]\n"
	      "                      [--rows A-B] [--lang en|zh]   (svg: a picture; html: a page that plays it)\n"
	      "       socklab lesson [N] [--lang en|zh] [--auto]   (socklab lesson --help)\n"
	      "       socklab run [--step] [-q] -- CMD [ARGS...]  (socklab run --help)\n"
	      "\n"
	      "The TCP lab: a ladder diagram of real connections, the client's socket calls on the\n"
	      "left, the segments in the middle, the server's calls on the right, and both\n"
	      "endpoints' TCP states as they change. Start bin/echo-server and bin/echo-client in\n"
	      "other terminals (or run a demo) and watch them appear.\n"
	      "\n"
	      "  -p, --port PORT     TCP port to watch (default 8080)\n"
	      "  -i, --interface IF  capture on IF (default lo)\n"
	      "  -f, --filter 'BPF'  a libpcap filter instead of the port\n"
	      "      --step          demo: the programs wait before each socket call; space lets one run\n"
	      "      --plain         no curses: the merged timeline as text\n"
	      "      --big           projector: a blank line between rows (key z)\n"
	      "      --ascii         lines and arrows in ASCII (text stays);  --mono  no colours\n"
	      "      --events PATH   the event channel (default $SOCKLAB_EVENTS, $XDG_RUNTIME_DIR/socklab/\n"
	      "                      events.sock or /tmp/socklab-UID/events.sock)\n"
	      "      --record FILE   demo: also write FILE.jsonl and FILE.pcapng\n"
	      "%s"
	      "      --speed X       replay: play at X times real time (default 1)\n"
	      "      --format F      export: text, mermaid, csv, svg or html\n"
	      "      --conn N        export: only connection N (default: all)\n"
	      "      --rows A-B      export svg: only rows A to B of the view (1-based; A- to the end)\n"
	      "      --width N       export/--plain text: columns (default 100)\n"
	      "      --lang en|zh    the language of the screen and its explanations (default: zh when\n"
	      "                      LC_ALL, else LC_MESSAGES, else LANG starts with zh; en otherwise)\n"
	      "  -h, --help          this help; in the lab, ? lists the keys\n"
	      "\n"
	      "Capturing needs root or CAP_NET_RAW (`sudo make setcap`); root is dropped once the\n"
	      "capture is open.\n",
	      impair_usage);
}

static int parse_long(const char *what, const char *s, long min, long max, long *out)
{
	char err[160];

	if (args_number(what, s, min, max, out, err, sizeof(err)) == 0)
		return 0;
	fprintf(stderr, "socklab: %s\n", err);
	return -1;
}

/* --rows A-B, A- or A: 1-based rows of the exported view. */
static int parse_rows(const char *s, long *first, long *last)
{
	char a[24], *dash;

	snprintf(a, sizeof(a), "%s", s);
	dash = strchr(a, '-');
	if (dash)
		*dash = '\0';
	if (parse_long("rows", a, 1, LONG_MAX, first) < 0 ||
	    (dash && dash[1] && parse_long("rows", dash + 1, *first, LONG_MAX, last) < 0))
		return -1;
	if (!dash)
		*last = *first;
	return 0;
}

enum { OPT_RECORD = 256, OPT_WIRE }; /* OPT_WIRE + i: wire switch i (impair.h) */

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option own[] = {
		{"port", required_argument, NULL, 'p'},   {"interface", required_argument, NULL, 'i'},
		{"filter", required_argument, NULL, 'f'}, {"step", no_argument, NULL, 'S'},
		{"plain", no_argument, NULL, 'P'},        {"big", no_argument, NULL, 'B'},
		{"ascii", no_argument, NULL, 'A'},        {"mono", no_argument, NULL, 'M'},
		{"events", required_argument, NULL, 'E'}, {"speed", required_argument, NULL, 'v'},
		{"format", required_argument, NULL, 'F'}, {"conn", required_argument, NULL, 'c'},
		{"width", required_argument, NULL, 'w'},  {"list", no_argument, NULL, 'L'},
		{"lang", required_argument, NULL, 'g'},   {"rows", required_argument, NULL, 'R'},
		{"help", no_argument, NULL, 'h'},         {"record", required_argument, NULL, OPT_RECORD},
	};
	struct option longopts[sizeof(own) / sizeof(own[0]) + IMPAIR_NSWITCHES + 1] = {{NULL, 0, NULL, 0}};
	char err[160];
	int c, nargs = 0, cmd;
	const char *args[2] = {NULL, NULL};
	long v;
	char *end;

	memset(o, 0, sizeof(*o));
	o->lang = screen_words_lang_from_env(); /* as lessons do; --lang overrides */
	o->port = DEFAULT_PORT;
	o->speed = 1.0;
	o->width = 100;
	o->format = EXPORT_TEXT;
	memcpy(longopts, own, sizeof(own));
	impair_longopts(longopts + sizeof(own) / sizeof(own[0]), OPT_WIRE);
	while ((c = getopt_long(argc, argv, "-:p:i:f:h", longopts, NULL)) != -1) {
		switch (c) {
		case 1:
			if (nargs == 2) {
				fprintf(stderr, "socklab: unexpected argument '%s'; try --help\n", optarg);
				return -1;
			}
			args[nargs++] = optarg;
			break;
		case 'p':
			if (parse_long("port", optarg, 1, 65535, &v) < 0)
				return -1;
			o->port = (int)v;
			break;
		case 'i': o->iface = optarg; break;
		case 'f': o->filter = optarg; break;
		case 'S': o->step = true; break;
		case 'P': o->plain = true; break;
		case 'B': o->big = true; break;
		case 'A': o->ascii = true; break;
		case 'M': o->mono = true; break;
		case 'E': o->events = optarg; break;
		case 'L': o->list = true; break;
		case 'g':
			if (lang_parse(optarg) < 0) {
				fprintf(stderr, "socklab: --lang %s: expected en or zh\n", optarg);
				return -1;
			}
			o->lang = (enum lang)lang_parse(optarg);
			break;
		case 'v':
			o->speed = strtod(optarg, &end);
			if (*end || !(o->speed >= 0.01 && o->speed <= 1000)) {
				fprintf(stderr, "socklab: speed '%s': expected a number from 0.01 to 1000\n", optarg);
				return -1;
			}
			break;
		case 'F':
			if (export_format_parse(optarg, &o->format) < 0) {
				fprintf(stderr, "socklab: format '%s': expected text, mermaid, csv, svg or html\n", optarg);
				return -1;
			}
			break;
		case 'c':
			if (parse_long("conn", optarg, 1, UINT32_MAX, &o->conn) < 0)
				return -1;
			break;
		case 'R':
			if (parse_rows(optarg, &o->first, &o->last) < 0)
				return -1;
			break;
		case 'w':
			if (parse_long("width", optarg, SCREEN_MIN_W, 1000, &v) < 0)
				return -1;
			o->width = (int)v;
			break;
		case OPT_RECORD: o->record = optarg; break;
		case 'h': usage(stdout); exit(0);
		case ':':
			fprintf(stderr, "socklab: option '%s' needs a value; try --help\n", argv[optind - 1]);
			return -1;
		default:
			if (c >= OPT_WIRE && c < OPT_WIRE + IMPAIR_NSWITCHES) {
				if (impair_parse_switch(c - OPT_WIRE, optarg, &o->wire.impair, err, sizeof(err)) < 0) {
					fprintf(stderr, "socklab: %s\n", err);
					return -1;
				}
				break;
			}
			fprintf(stderr, "socklab: unknown option '%s'; try --help\n", argv[optind - 1]);
			return -1;
		}
	}
	/* the first word names the command (live when there is none); a
	 * command with its own arguments is one only as the first of argv */
	cmd = nargs ? find_command(args[0]) : CMD_LIVE;
	if (cmd < 0 || (commands[cmd].flags & OWN_ARGS)) {
		fprintf(stderr, "socklab: unknown command '%s' (demo, record, replay, export, lesson); try --help\n", args[0]);
		return -1;
	}
	o->cmd = (enum command)cmd;
	if (o->record && o->cmd != CMD_DEMO) {
		fprintf(stderr, "socklab: --record is for demo (live: socklab record FILE)\n");
		return -1;
	}
	if (o->wire.impair.enabled && (o->cmd == CMD_REPLAY || o->cmd == CMD_EXPORT || o->iface || o->list)) {
		fprintf(stderr, "socklab: the wire switches (--delay ...) are for live, record and demo, which then "
				"capture on the two hosts (no -i)\n");
		return -1;
	}
	if (o->cmd == CMD_DEMO) {
		o->scenario = args[1];
	} else if (commands[cmd].flags & NEEDS_FILE) {
		if (!args[1]) {
			fprintf(stderr, "socklab %s: which file? try --help\n", args[0]);
			return -1;
		}
		o->file = args[1];
	} else if (args[1]) {
		fprintf(stderr, "socklab: unexpected argument '%s'; try --help\n", args[1]);
		return -1;
	}
	return 0;
}

/* ---- rows arriving ---- */

/* The session's row hook (and the replay's, for each record read). */
static void on_row(long pos, bool inserted_before, uint64_t dropped_before, void *ctx)
{
	struct app *a = ctx;
	const struct row *r = timeline_row(a->loop.tl, (size_t)pos);

	loop_rows_changed(&a->loop, pos, inserted_before, dropped_before);
	if (a->opt.plain)
		text_ladder_row_added(&a->text, pos, inserted_before, dropped_before);
	/* the demo's client starts once the server listens */
	if (a->demo && !demo_client_started(a->demo) && r && r->kind == ROW_CALL && r->ev->u.call.exit &&
	    r->ev->u.call.proc == ROLE_SERVER && strcmp(r->ev->u.call.call, "listen") == 0) {
		if (demo_start_client(a->demo, a->message, sizeof(a->message)) < 0)
			loop_stop();
	}
}

static void add_replayed(const struct ui_event *ev, void *ctx)
{
	struct app *a = ctx;
	uint64_t dropped = timeline_dropped(a->loop.tl);
	bool before;
	long pos = timeline_add(a->loop.tl, ev, &before);

	if (pos >= 0)
		on_row(pos, before, dropped, a);
}

/* ---- replay playing ---- */

static void play_toggle(struct app *a)
{
	long first;

	a->playing = !a->playing;
	if (!a->playing) {
		a->loop.scr.limit = LONG_MAX;
		return;
	}
	if (a->loop.scr.sel < 0 || a->loop.scr.sel >= screen_last(&a->loop.scr, a->loop.tl)) {
		first = timeline_step(a->loop.tl, -1, 1, a->loop.scr.conn);
		a->loop.scr.sel = first;
	}
	if (a->loop.scr.sel < 0) {
		a->playing = false;
		return;
	}
	a->loop.scr.limit = a->loop.scr.sel + 1;
	a->play_ts0 = timeline_row(a->loop.tl, (size_t)a->loop.scr.sel)->ts_ns;
	a->play_wall0 = clock_ns(CLOCK_REALTIME);
}

/* Reveals the rows whose time has come at the chosen speed. */
static void play_advance(struct app *a)
{
	uint64_t target = a->play_ts0 + (uint64_t)((double)(clock_ns(CLOCK_REALTIME) - a->play_wall0) * a->opt.speed);
	long count = (long)timeline_count(a->loop.tl);
	const struct row *next;

	while (a->loop.scr.limit < count && timeline_row(a->loop.tl, (size_t)a->loop.scr.limit)->ts_ns <= target)
		a->loop.scr.limit++;
	if (a->loop.scr.limit >= count) {
		a->playing = false;
		a->loop.scr.limit = LONG_MAX;
	} else if ((next = timeline_row(a->loop.tl, (size_t)a->loop.scr.limit))->ts_ns > target + MAX_GAP_NS) {
		a->play_ts0 = next->ts_ns; /* skip a long silence */
		a->play_wall0 = clock_ns(CLOCK_REALTIME);
	}
	a->loop.scr.sel = screen_last(&a->loop.scr, a->loop.tl);
	a->loop.dirty = true;
}

/* ---- the loop's hooks ---- */

static int make_file(void *ctx, const char *path, char *err, size_t errlen)
{
	return privileges_file_make(ctx, path, err, errlen);
}

/* Recording starts after root is dropped: started as root, the helper
 * forked before the drop creates the files in the start directory (given to
 * the sudo caller), so `r` writes where `socklab record FILE` would. */
static void record_now(struct app *a)
{
	char base[64];
	time_t t = time(NULL);
	struct recording_files files = {make_file, a->maker};

	if (!a->loop.sess || a->opt.cmd == CMD_REPLAY) {
		snprintf(a->message, sizeof(a->message), "%s", screen_words(a->opt.lang)->record_live_only);
		return;
	}
	strftime(base, sizeof(base), "socklab-%Y%m%d-%H%M%S", localtime(&t));
	if (session_record(a->loop.sess, base, a->maker ? &files : NULL, a->message, sizeof(a->message)) == 0)
		snprintf(a->message, sizeof(a->message), screen_words(a->opt.lang)->recording_to, base, base);
}

static int on_key(void *ctx, int key, char *err, size_t errlen)
{
	struct app *a = ctx;
	int w, h, rc = LOOP_GO_ON;

	(void)err;
	(void)errlen;
	view_size(&w, &h);
	a->loop.dirty = true;
	if (key == 0) /* resized */
		return LOOP_GO_ON;
	a->message[0] = '\0';
	switch (screen_key(&a->loop.scr, a->loop.tl, key, h)) {
	case ACT_QUIT: rc = LOOP_END; break;
	case ACT_STEP_GO:
		if (a->loop.sess)
			session_step_go(a->loop.sess, a->message, sizeof(a->message));
		break;
	case ACT_RECORD: record_now(a); break;
	case ACT_PLAY: play_toggle(a); break;
	case ACT_FASTER: a->opt.speed = a->opt.speed * 2 <= 64 ? a->opt.speed * 2 : 64; break;
	case ACT_SLOWER: a->opt.speed = a->opt.speed / 2 >= 0.125 ? a->opt.speed / 2 : 0.125; break;
	case ACT_REDRAW:
	case ACT_NONE: break;
	}
	return rc;
}

/* --plain --step: each line typed on stdin (Enter) lets one call run. */
static int on_line(void *ctx, char *err, size_t errlen)
{
	struct app *a = ctx;
	char line[256];

	(void)err;
	(void)errlen;
	if (!fgets(line, sizeof(line), stdin)) {
		a->opt.step = false; /* end of input: stop listening to it */
		a->loop.lines = false;
		return LOOP_GO_ON;
	}
	if (session_step_go(a->loop.sess, a->message, sizeof(a->message)) < 0)
		fprintf(stderr, "socklab: %s\n", a->message);
	return LOOP_GO_ON;
}

static int on_turn(void *ctx, uint64_t now, char *err, size_t errlen)
{
	struct app *a = ctx;

	/* `record --plain` has no status line: a recording that had to stop
	 * (disk full) ends the run with the reason. */
	if (a->opt.plain && a->loop.sess && session_record_error(a->loop.sess)) {
		snprintf(err, errlen, "%s", session_record_error(a->loop.sess));
		return -1;
	}
	if (a->demo) {
		if (!demo_client_started(a->demo) &&
		    (demo_find(a->opt.scenario)->no_server || (!a->opt.step && now - a->started_ns > CLIENT_START_TIMEOUT_NS)) &&
		    demo_start_client(a->demo, err, errlen) < 0)
			return -1;
		if (demo_client_done(a->demo) && !a->client_done_ns)
			a->client_done_ns = now;
		/* --plain has no user to quit: the demo ends with its client */
		if (a->opt.plain && a->client_done_ns && now - a->client_done_ns > PLAIN_DEMO_SETTLE_NS)
			return LOOP_END;
	}
	if (a->playing)
		play_advance(a);
	a->loop.wait_ms = a->playing ? WAIT_PLAYING_MS : WAIT_MS;
	if (a->opt.plain && text_ladder_print(&a->text, clock_ns(CLOCK_REALTIME) - TEXT_LADDER_HOLD_NS) < 0)
		return LOOP_END;
	return LOOP_GO_ON;
}

static void on_status(void *ctx, struct screen_status *st)
{
	struct app *a = ctx;
	struct session *sess = a->loop.sess;

	if (sess) {
		st->steps_waiting = session_steps_waiting(sess, a->waiting, sizeof(a->waiting));
		st->waiting_call = a->waiting;
		st->recording = session_recording(sess);
		if (!a->message[0] && session_notice(sess))
			st->message = session_notice(sess);
	} else {
		st->source = a->opt.file;
	}
	if (a->message[0])
		st->message = a->message;
	if (a->opt.cmd == CMD_REPLAY)
		snprintf(a->mode, sizeof(a->mode), screen_words(a->opt.lang)->mode_replay, a->opt.speed); /* the status adds playing/paused */
	st->mode = a->mode;
}

/* The lab on the terminal (curses), or as text (--plain), until q, a
 * signal, or the end of a --plain demo. Returns the exit status. */
static int run_lab(struct app *a)
{
	char filter[1024];
	int rc = 0;

	a->loop.hooks = (struct loop_hooks){.turn = on_turn, .key = on_key, .line = on_line, .status = on_status, .ctx = a};
	a->loop.wait_ms = WAIT_MS;
	if (!a->opt.plain) {
		if (view_open_in(a->opt.mono, timeline_lang(a->loop.tl), a->message, sizeof(a->message)) < 0) {
			fprintf(stderr, "socklab: %s\n", a->message);
			return 1;
		}
		a->loop.curses = true;
		if (commands[a->opt.cmd].flags & FROM_FILE)
			a->loop.scr.sel = timeline_step(a->loop.tl, -1, 1, a->loop.scr.conn);
		a->loop.dirty = true;
	} else {
		a->loop.lines = a->opt.step;
		if (a->loop.sess)
			fprintf(stderr, "socklab: capturing on %s, filter '%s' (Ctrl-C to stop)\n",
				session_source(a->loop.sess), session_filter(a->loop.sess, LANG_EN, filter, sizeof(filter)));
	}
	rc = loop_run(&a->loop, a->message, sizeof(a->message));
	if (a->loop.curses)
		view_close();
	if (a->opt.plain)
		text_ladder_print(&a->text, TEXT_LADDER_ALL);
	if (rc < 0 && a->message[0])
		fprintf(stderr, "socklab: %s\n", a->message);
	return rc < 0 ? 1 : 0;
}

/* ---- the commands ---- */

/* The user root will become (the sudo caller, else nobody); -1 when not root. */
static void drop_target(int *uid, int *gid)
{
	uid_t u;
	gid_t g;

	*uid = *gid = -1;
	if (geteuid() == 0 && privileges_drop_target(&u, &g) == 0) {
		*uid = (int)u;
		*gid = (int)g;
	}
}

/* The channel path the lab programs of this user use by default. Under
 * sudo, that is the sudo caller's. */
static int channel_path(const struct options *o, char *buf, size_t n)
{
	const char *su = getenv("SUDO_UID"), *xdg = getenv("XDG_RUNTIME_DIR");
	unsigned uid = su && geteuid() == 0 ? (unsigned)atoi(su) : (unsigned)getuid();
	char run[64];
	struct stat st;

	if (su && geteuid() == 0 && !xdg) {
		snprintf(run, sizeof(run), "/run/user/%u", uid);
		if (stat(run, &st) == 0)
			xdg = run;
	}
	return chanpath_resolve(o->events, getenv("SOCKLAB_EVENTS"), xdg, uid, buf, n);
}

/* The recordings `r` starts: socklab-YYYYMMDD-HHMMSS.{jsonl,pcapng}. */
static const char *const record_suffixes[] = {".jsonl", ".pcapng", NULL};

/* Started as root: the file helper, forked before the capture (or anything
 * else) is opened, so it holds nothing but its connection. */
static int start_file_maker(struct app *a)
{
	a->maker = privileges_file_maker_start("socklab-", record_suffixes, a->message, sizeof(a->message));
	if (!a->maker && a->message[0]) {
		fprintf(stderr, "socklab: %s\n", a->message);
		return -1;
	}
	return 0;
}

/* Capture is opened (as root), then root is dropped. A --step go goes back
 * on the program's own channel connection, and `r` has the file helper, so
 * nothing is lost by dropping, whoever root becomes. */
static int drop_privileges(struct app *a)
{
	if (privileges_drop(a->message, sizeof(a->message)) < 0) {
		fprintf(stderr, "socklab: %s\n", a->message);
		return -1;
	}
	a->started_ns = clock_ns(CLOCK_REALTIME);
	return 0;
}

/* --delay and the other wire switches: the two hosts, made before anything
 * else is opened (a normal user's lab enters a user namespace, which needs
 * a single thread), and the session's capture points on them. */
static int open_wire(struct app *a, struct session_opts *so)
{
	char what[160];

	if (!a->opt.wire.impair.enabled)
		return 0;
	a->wire = wire_open(&a->opt.wire, a->message, sizeof(a->message));
	if (!a->wire) {
		fprintf(stderr, "socklab: %s\n", a->message);
		return -1;
	}
	for (int h = 0; h < 2; h++)
		a->points[h] = (struct session_point){wire_netns_fd(a->wire, (enum wire_host)h), WIRE_IFACE,
						      wire_host_name((enum wire_host)h)};
	so->iface = NULL;
	so->points = a->points;
	so->npoints = 2;
	so->wire_horizon_ns = wire_horizon_ns(a->wire);
	impair_describe(wire_impair(a->wire), what, sizeof(what));
	fprintf(stderr, "socklab: two hosts, %s %s and %s %s; the wire: %s\n", wire_host_name(WIRE_CLIENT),
		wire_addr(WIRE_CLIENT), wire_host_name(WIRE_SERVER), wire_addr(WIRE_SERVER), what);
	return 0;
}

/* socklab [live], socklab record FILE: the capture on the port, the channel
 * the student's programs use by default, and the recording. */
static int cmd_live(struct app *a, int argc, char **argv)
{
	struct session_opts so = {.iface = a->opt.iface, .filter = a->opt.filter, .on_row = on_row, .ctx = a,
				  .frames = a->frames};
	char path[CHANPATH_MAX];
	int uid, gid, owner, port = a->opt.port;

	(void)argc;
	(void)argv;
	drop_target(&uid, &gid);
	if (channel_path(&a->opt, path, sizeof(path)) < 0) {
		fprintf(stderr, "socklab: event channel path too long\n");
		return 1;
	}
	/* under sudo the student's programs send as the student */
	owner = getenv("SUDO_UID") ? uid : -1;
	so.port = a->opt.filter ? 0 : port;
	if (start_file_maker(a) < 0 || open_wire(a, &so) < 0)
		return 1;
	/* A two-host wire of one's own (docs/wire-pairing.md): SOCKLAB_POINTS */
	struct session_point pts[2] = {{-1, NULL, NULL}, {-1, NULL, NULL}};
	struct session_point_names pnames;
	if (getenv("SOCKLAB_POINTS")) {
		if (session_points_parse(getenv("SOCKLAB_POINTS"), pts, &pnames, a->message, sizeof(a->message)) < 0) {
			fprintf(stderr, "socklab: %s\n", a->message);
			return 1;
		}
		so.points = pts;
		so.npoints = 2;
	}
	a->loop.sess = session_open(&so, a->loop.tl, a->message, sizeof(a->message));
	session_points_close(pts);
	if (!a->loop.sess ||
	    session_listen(a->loop.sess, path, owner, a->message, sizeof(a->message)) < 0 ||
	    (a->wire && wire_publish(a->wire, path, owner, a->message, sizeof(a->message)) < 0) ||
	    (a->opt.cmd == CMD_RECORD && session_record(a->loop.sess, a->opt.file, NULL, a->message, sizeof(a->message)) < 0)) {
		fprintf(stderr, "socklab: %s\n", a->message);
		return 1;
	}
	a->message[0] = '\0';
	snprintf(a->mode, sizeof(a->mode), "%s",
		 a->opt.cmd == CMD_RECORD ? screen_words(a->opt.lang)->mode_recording : screen_words(a->opt.lang)->mode_live);
	if (a->wire) /* where the student's programs go */
		snprintf(a->message, sizeof(a->message), screen_words(a->opt.lang)->wire_hosts, wire_addr(WIRE_SERVER),
			 wire_addr(WIRE_SERVER));
	/* Something else on the port: echo-server's bind() would fail there. */
	else if (!a->opt.filter && port_in_use_message(port, a->opt.lang, a->message, sizeof(a->message)) == 1 &&
	    a->opt.plain)
		fprintf(stderr, "socklab: %s\n", a->message);
	if (drop_privileges(a) < 0)
		return 1;
	return run_lab(a);
}

/* socklab demo [NAME]: the scenario's programs on a free port, on a channel
 * of the demo's own (a lecturer's other terminals stay out of it), run as
 * the user root drops to. */
static int cmd_demo(struct app *a, int argc, char **argv)
{
	struct session_opts so = {.iface = a->opt.iface, .filter = a->opt.filter, .on_row = on_row, .ctx = a,
				  .frames = a->frames};
	const struct demo_scenario *scenario, *s;
	int uid, gid, port;

	(void)argc;
	(void)argv;
	if (a->opt.list) {
		for (size_t i = 0; (s = demo_at(i)); i++)
			printf("%-13s %s\n", s->name, s->what[a->opt.lang]);
		return 0;
	}
	drop_target(&uid, &gid);
	scenario = demo_find(a->opt.scenario);
	if (!scenario) {
		fprintf(stderr, "socklab demo: no scenario '%s' (socklab demo --list)\n", a->opt.scenario);
		return 1;
	}
	port = demo_free_port();
	if (port < 0 || demo_bindir(a->bindir, sizeof(a->bindir)) < 0) {
		fprintf(stderr, "socklab demo: cannot find a free port or the lab programs\n");
		return 1;
	}
	so.port = port;
	if (start_file_maker(a) < 0 || open_wire(a, &so) < 0)
		return 1;
	if (!(a->loop.sess = session_open(&so, a->loop.tl, a->message, sizeof(a->message))) ||
	    session_listen_private(a->loop.sess, "socklab-demo", uid, a->message, sizeof(a->message)) < 0 ||
	    (a->opt.record && session_record(a->loop.sess, a->opt.record, NULL, a->message, sizeof(a->message)) < 0)) {
		fprintf(stderr, "socklab: %s\n", a->message);
		return 1;
	}
	a->message[0] = '\0';
	struct demo_opts dopt = {scenario, a->bindir, session_channel_path(a->loop.sess), port, a->opt.step, uid, gid,
				 a->wire, NULL, NULL};
	a->demo = demo_start(&dopt, a->message, sizeof(a->message));
	if (!a->demo) {
		fprintf(stderr, "socklab: %s\n", a->message);
		return 1;
	}
	snprintf(a->mode, sizeof(a->mode), screen_words(a->opt.lang)->mode_demo, scenario->name);
	if (a->opt.step)
		snprintf(a->mode + strlen(a->mode), sizeof(a->mode) - strlen(a->mode), "%s",
			 screen_words(a->opt.lang)->mode_step);
	snprintf(a->message, sizeof(a->message), screen_words(a->opt.lang)->demo_what, scenario->name,
		 scenario->what[a->opt.lang]);
	if (drop_privileges(a) < 0)
		return 1;
	return run_lab(a);
}

static bool is_jsonl(const char *path)
{
	size_t n = strlen(path);

	return n > 6 && strcmp(path + n - 6, ".jsonl") == 0;
}

static void keep_frame(const struct segment *seg, uint64_t ts_ns, void *ctx)
{
	struct app *a = ctx;
	struct capture_frame f;

	(void)seg;
	if (capture_current_frame(a->cap, &f) == 0)
		frames_add(a->frames, f.link, ts_ns, f.bytes, f.caplen, f.wirelen);
}

static void keep_arp_frame(const struct arp_packet *arp, uint64_t ts_ns, void *ctx)
{
	(void)arp;
	keep_frame(NULL, ts_ns, ctx);
}

/* A recording's frames, from the .pcapng next to its .jsonl, for the
 * details (d); without one the details say so. */
static void load_recording_frames(struct app *a)
{
	char path[PATH_MAX], err[600];
	size_t n = strlen(a->opt.file) - strlen(".jsonl");
	int rc;

	if (!a->frames || n + sizeof(".pcapng") > sizeof(path))
		return;
	snprintf(path, sizeof(path), "%.*s.pcapng", (int)n, a->opt.file);
	a->cap = capture_open(&(struct capture_opts){.file = path}, err, sizeof(err));
	if (!a->cap) {
		a->loop.scr.frames_no_file = true;
		return;
	}
	capture_set_arp(a->cap, keep_arp_frame);
	while ((rc = capture_dispatch(a->cap, 0, keep_frame, a, err, sizeof(err))) > 0)
		;
	capture_close(a->cap);
	a->cap = NULL;
}

/* A file longer than the timeline holds: what its screen or export leaves
 * out, and how to see it all. */
static void say_rows_not_kept(const struct app *a)
{
	const struct screen_words *w = screen_words(a->opt.lang);
	uint64_t dropped = timeline_dropped(a->loop.tl), skipped = timeline_skipped(a->loop.tl);
	char d[96], s[128];

	if (!dropped && !skipped)
		return;
	snprintf(d, sizeof(d), w->rows_dropped, (unsigned long long)dropped);
	snprintf(s, sizeof(s), w->rows_skipped, (unsigned long long)skipped);
	fprintf(stderr, "socklab: ");
	fprintf(stderr, w->rows_not_kept, a->opt.file, d, s, TIMELINE_MAX_ROWS);
	fprintf(stderr, "\n");
}

/* Loads a recording (or a pcap, through the tracer) into the timeline. */
static int load_file(struct app *a)
{
	char err[600], warn[600];

	if (is_jsonl(a->opt.file)) {
		if (recording_read_jsonl(a->opt.file, add_replayed, a, err, sizeof(err), warn, sizeof(warn)) < 0) {
			fprintf(stderr, "socklab: %s\n", err);
			return -1;
		}
		if (warn[0]) {
			fprintf(stderr, "socklab: %s\n", warn);
			snprintf(a->message, sizeof(a->message), "%s", warn);
		}
		load_recording_frames(a);
	} else {
		struct session_opts so = {.file = a->opt.file, .filter = a->opt.filter, .on_row = on_row, .ctx = a,
				  .frames = a->frames};
		uint64_t last = 0;
		int n;

		a->loop.sess = session_open(&so, a->loop.tl, err, sizeof(err));
		if (!a->loop.sess) {
			fprintf(stderr, "socklab: %s\n", err);
			return -1;
		}
		while ((n = session_pump_capture(a->loop.sess, 0, err, sizeof(err))) > 0)
			;
		if (n == -1) {
			fprintf(stderr, "socklab: %s\n", err);
			return -1;
		}
		if (timeline_count(a->loop.tl))
			last = timeline_row(a->loop.tl, timeline_count(a->loop.tl) - 1)->ts_ns;
		session_finish(a->loop.sess, last);
		session_close(a->loop.sess);
		a->loop.sess = NULL;
	}
	say_rows_not_kept(a);
	return 0;
}

/* socklab replay FILE: the lab's screen over a recording (p plays it). */
static int cmd_replay(struct app *a, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (load_file(a) < 0)
		return 1;
	if (!a->opt.plain)
		return run_lab(a);
	text_ladder_print(&a->text, TEXT_LADDER_ALL);
	return 0;
}

static void add_to(const struct ui_event *ev, void *ctx)
{
	timeline_add(ctx, ev, NULL);
}

/* export --format html: the recording read again into a timeline in the
 * other language, so the page carries both; NULL for a pcap (its rows make
 * no explanations of their own beyond the packets). */
static struct timeline *load_other_lang(struct app *a)
{
	struct timeline *tl;
	char err[600], warn[600];

	if (!is_jsonl(a->opt.file))
		return NULL;
	tl = timeline_new(&(struct timeline_config){.lang = a->opt.lang == LANG_ZH ? LANG_EN : LANG_ZH});
	if (tl && recording_read_jsonl(a->opt.file, add_to, tl, err, sizeof(err), warn, sizeof(warn)) < 0) {
		timeline_free(tl);
		return NULL;
	}
	return tl;
}

/* A fresh nonce for the page's own script and style (the clock only if
 * the kernel has no random bytes to give). */
static void page_nonce(char *buf, size_t n)
{
	unsigned char r[16];
	uint64_t t = clock_ns(CLOCK_MONOTONIC) ^ clock_ns(CLOCK_REALTIME);

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		for (size_t i = 0; i < sizeof(r); i++)
			r[i] = (unsigned char)(t >> (i % 8 * 8)) ^ (unsigned char)(i * 37);
	for (size_t i = 0; i < sizeof(r) && 2 * i + 2 < n; i++)
		snprintf(buf + 2 * i, 3, "%02x", r[i]);
}

/* Rows in the view of conn (0: all). */
static long view_count(const struct timeline *tl, uint32_t conn)
{
	long n = 0;

	for (long p = timeline_step(tl, -1, 1, conn); p >= 0; p = timeline_step(tl, p, 1, conn))
		n++;
	return n;
}

/* socklab export FILE --format F: the ladder for other media, on stdout. */
static int cmd_export(struct app *a, int argc, char **argv)
{
	struct export_opts eo = {a->opt.format, (uint32_t)a->opt.conn, a->opt.width, a->opt.ascii || !view_locale_utf8()};
	struct export_web_opts wo = {.first = a->opt.first, .last = a->opt.last, .lang = a->opt.lang};
	struct timeline *other = NULL;
	const char *base = strrchr(a->opt.file, '/');
	char nonce[40];
	int rc;

	(void)argc;
	(void)argv;
	a->loop.scr.conn = (uint32_t)a->opt.conn; /* near the row cap, the connection exported keeps its rows */
	if (load_file(a) < 0)
		return 1;
	wo.title = base ? base + 1 : a->opt.file;
	wo.frames = a->frames; /* the page's details: each row's layers and bytes */
	wo.frames_no_file = a->loop.scr.frames_no_file;
	if (eo.format == EXPORT_HTML) {
		page_nonce(nonce, sizeof(nonce));
		wo.nonce = nonce;
		wo.other = other = load_other_lang(a);
	}
	if (a->opt.conn && !timeline_conn(a->loop.tl, (uint32_t)a->opt.conn)) {
		fprintf(stderr, "socklab export: %s has no connection #%ld\n", a->opt.file, a->opt.conn);
		return 1;
	}
	if (a->opt.first && eo.format != EXPORT_SVG) {
		fprintf(stderr, "socklab export: --rows is for --format svg (a picture of some rows)\n");
		return 2;
	}
	if (a->opt.first > view_count(a->loop.tl, eo.conn)) {
		fprintf(stderr, "socklab export: --rows %ld: the view has only %ld rows\n", a->opt.first,
			view_count(a->loop.tl, eo.conn));
		return 1;
	}
	rc = export_web(a->loop.tl, &eo, &wo, text_ladder_line, &a->text);
	timeline_free(other);
	if (rc < 0 || fflush(stdout) == EOF || a->text.failed) {
		fprintf(stderr, "socklab export: write failed\n");
		return 1;
	}
	return 0;
}

/* socklab lesson ...: its own arguments and front ends (lesson_run.c). */
static int cmd_lesson(struct app *a, int argc, char **argv)
{
	(void)a;
	return lesson_main(argc, argv);
}

/* socklab host client|server -- CMD: CMD on a host of the running lab
 * started with --delay (its user namespace too, if it has one), as the user
 * root drops to. */
static int cmd_host(struct app *a, int argc, char **argv)
{
	struct options o = {0};
	char path[CHANPATH_MAX], err[300];
	int h = argc > 1 ? wire_host_parse(argv[1]) : -1;

	(void)a;
	if (h < 0 || argc < 4 || strcmp(argv[2], "--") != 0) {
		fprintf(stderr, "usage: socklab host client|server -- CMD [ARGS...]   (a lab started with --delay runs)\n");
		return 2;
	}
	if (channel_path(&o, path, sizeof(path)) < 0 || wire_join(path, (enum wire_host)h, err, sizeof(err)) < 0 ||
	    (geteuid() == 0 && privileges_drop(err, sizeof(err)) < 0)) {
		fprintf(stderr, "socklab: %s\n", path[0] ? err : "event channel path too long");
		return 1;
	}
	execvp(argv[3], argv + 3);
	fprintf(stderr, "socklab host: %s: %s\n", argv[3], errtext(errno));
	return 127;
}

/* socklab run ...: any program's socket calls in the lab (run/runcmd.c). */
static int cmd_run(struct app *a, int argc, char **argv)
{
	(void)a;
	return run_main(argc, argv);
}

/* SOCKLAB_SCREEN_LATENCY=FILE: the wire-to-screen latency of this run
 * goes into FILE as one JSON line at the end (tests/bench/ui_bench.sh).
 * FILE is opened at the start, before a capturing socklab gives up root. */
static int write_screen_latency(const struct loop *l, FILE *f, const char *path)
{
	char line[256];
	bool ok = loop_latency_json(l, line, sizeof(line)) >= 0 && fprintf(f, "%s\n", line) >= 0;

	if (fclose(f) != 0 || !ok) {
		fprintf(stderr, "socklab: SOCKLAB_SCREEN_LATENCY %s: %s\n", path, errtext(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct app a;
	int cmd, rc;
	const char *latency_path;
	FILE *latency_file = NULL;

	view_locale_init();
	if (argc > 1 && (cmd = find_command(argv[1])) >= 0 && (commands[cmd].flags & OWN_ARGS))
		return commands[cmd].run(NULL, argc - 1, argv + 1);
	memset(&a, 0, sizeof(a));
	if (parse_args(argc, argv, &a.opt) < 0)
		return 2;
	if ((latency_path = getenv("SOCKLAB_SCREEN_LATENCY")) && !(latency_file = fopen(latency_path, "we"))) {
		fprintf(stderr, "socklab: SOCKLAB_SCREEN_LATENCY %s: %s (a file this user may write)\n", latency_path,
			errtext(errno));
		return 2;
	}
	a.loop.tl = timeline_new(&(struct timeline_config){.lang = a.opt.lang});
	if (!a.loop.tl) {
		fprintf(stderr, "socklab: out of memory\n");
		return 1;
	}
	a.frames = frames_new();
	text_ladder_init(&a.text, a.loop.tl, a.opt.width, a.opt.ascii || !view_locale_utf8(), stdout);
	screen_init(&a.loop.scr, (commands[a.opt.cmd].flags & FROM_FILE) != 0, a.opt.big, !view_locale_utf8());
	a.loop.scr.ascii_lines = a.opt.ascii;
	a.loop.scr.frames = a.frames;
	loop_catch_signals(a.opt.cmd == CMD_EXPORT);
	rc = commands[a.opt.cmd].run(&a, argc, argv);
	demo_stop(a.demo);
	session_close(a.loop.sess); /* and a demo's channel directory with it */
	if (a.wire) {
		struct relay_stats st;
		char err[300];
		if (wire_close(a.wire, &st, err, sizeof(err)) < 0)
			fprintf(stderr, "socklab: %s\n", err);
		else {
			relay_stats_describe(&st, err, sizeof(err));
			fprintf(stderr, "socklab: the wire %s\n", err);
		}
	}
	privileges_file_maker_stop(a.maker);
	if (latency_file && write_screen_latency(&a.loop, latency_file, latency_path) < 0)
		rc = 1;
	timeline_free(a.loop.tl);
	frames_free(a.frames);
	loop_free(&a.loop);
	return rc;
}
