/* socklab: the lab. A ladder diagram of a TCP connection in the terminal:
 * the client's socket calls on the left, the segments in the middle, the
 * server's calls on the right, both endpoints' states as they change.
 *
 *   socklab [-p PORT] [-i IFACE]     live: capture + the lab programs' calls
 *   socklab demo [NAME] | --list     start server and client for a scenario
 *   socklab record FILE              live, and write FILE.jsonl + FILE.pcapng
 *   socklab replay FILE              a .jsonl recording, or a pcap (wire only)
 *   socklab export FILE --format F   text, mermaid or csv
 *
 * This file is the edge: arguments, privileges, signals and the poll loop.
 * The model is timeline.c, the picture ladder.c and screen.c. */
#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "errtext.h"
#include "args.h"
#include "capture.h"
#include "clock.h"
#include "demo.h"
#include "chanpath.h"
#include "clock.h"
#include "export.h"
#include "lesson_run.h"
#include "recording.h"
#include "screen.h"
#include "portcheck.h"
#include "session.h"
#include "text_ladder.h"
#include "timeline.h"
#include "view.h"

#define DEFAULT_PORT 8080
#define REDRAW_NS 33000000ull        /* at most ~30 redraws a second */
#define FRAMES_PER_PUMP 512          /* then keys and redraws get their turn */
#define CLIENT_START_TIMEOUT_NS 3000000000ull
#define PLAIN_DEMO_SETTLE_NS 700000000ull
#define MAX_GAP_NS 1500000000ull     /* replay: longer silences are skipped */

enum command { CMD_LIVE, CMD_DEMO, CMD_RECORD, CMD_REPLAY, CMD_EXPORT };

struct options {
	enum command cmd;
	const char *file, *iface, *filter, *events, *scenario;
	int port;
	bool step, plain, big, ascii, mono, list;
	double speed;
	enum export_format format;
	long conn;
	int width;
};

struct app {
	struct options opt;
	struct timeline *tl;
	struct session *sess;
	struct demo *demo;
	struct screen scr;
	struct grid grid;
	bool curses, dirty;
	uint64_t last_draw_ns, started_ns, client_done_ns;
	struct text_ladder text; /* --plain, export: what goes to stdout */
	char message[600];
	char mode[96];
	char events_path[108];   /* the channel (the demo's children are told it) */
	char bindir[PATH_MAX];
	/* replay playing */
	bool playing;
	uint64_t play_wall0, play_ts0;
};

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void usage(FILE *f)
{
	fputs("usage: socklab [-p PORT] [-i IFACE] [-f 'BPF'] [--step] [--plain] [--big]\n"
	      "       socklab demo [NAME] [--step] [--plain]     (socklab demo --list)\n"
	      "       socklab record FILE [-p PORT] [-i IFACE]\n"
	      "       socklab replay FILE.jsonl|FILE.pcap [--speed X] [--plain]\n"
	      "       socklab export FILE --format text|mermaid|csv [--conn N] [--width N]\n"
	      "       socklab lesson [N] [--lang en|zh] [--auto]   (socklab lesson --help)\n"
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
	      "      --ascii         no UTF-8 box drawing;  --mono  no colours\n"
	      "      --events PATH   the event channel (default $SOCKLAB_EVENTS, $XDG_RUNTIME_DIR/socklab/\n"
	      "                      events.sock or /tmp/socklab-UID/events.sock)\n"
	      "      --speed X       replay: play at X times real time (default 1)\n"
	      "      --format F      export: text, mermaid or csv\n"
	      "      --conn N        export: only connection N (default: all)\n"
	      "      --width N       export/--plain text: columns (default 100)\n"
	      "  -h, --help          this help; in the lab, ? lists the keys\n"
	      "\n"
	      "Capturing needs root or CAP_NET_RAW (`sudo make setcap`); root is dropped once the\n"
	      "capture is open.\n",
	      f);
}

static int parse_long(const char *what, const char *s, long min, long max, long *out)
{
	char err[160];

	if (args_number(what, s, min, max, out, err, sizeof(err)) == 0)
		return 0;
	fprintf(stderr, "socklab: %s\n", err);
	return -1;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{"port", required_argument, NULL, 'p'},   {"interface", required_argument, NULL, 'i'},
		{"filter", required_argument, NULL, 'f'}, {"step", no_argument, NULL, 'S'},
		{"plain", no_argument, NULL, 'P'},        {"big", no_argument, NULL, 'B'},
		{"ascii", no_argument, NULL, 'A'},        {"mono", no_argument, NULL, 'M'},
		{"events", required_argument, NULL, 'E'}, {"speed", required_argument, NULL, 'v'},
		{"format", required_argument, NULL, 'F'}, {"conn", required_argument, NULL, 'c'},
		{"width", required_argument, NULL, 'w'},  {"list", no_argument, NULL, 'L'},
		{"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
	};
	static const char *const commands[] = {"", "demo", "record", "replay", "export"};
	int c, nargs = 0;
	const char *args[2] = {NULL, NULL};
	long v;
	char *end;

	memset(o, 0, sizeof(*o));
	o->port = DEFAULT_PORT;
	o->speed = 1.0;
	o->width = 100;
	o->format = EXPORT_TEXT;
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
		case 'v':
			o->speed = strtod(optarg, &end);
			if (*end || !(o->speed >= 0.01 && o->speed <= 1000)) {
				fprintf(stderr, "socklab: speed '%s': expected a number from 0.01 to 1000\n", optarg);
				return -1;
			}
			break;
		case 'F':
			if (export_format_parse(optarg, &o->format) < 0) {
				fprintf(stderr, "socklab: format '%s': expected text, mermaid or csv\n", optarg);
				return -1;
			}
			break;
		case 'c':
			if (parse_long("conn", optarg, 1, UINT32_MAX, &o->conn) < 0)
				return -1;
			break;
		case 'w':
			if (parse_long("width", optarg, SCREEN_MIN_W, 1000, &v) < 0)
				return -1;
			o->width = (int)v;
			break;
		case 'h': usage(stdout); exit(0);
		case ':':
			fprintf(stderr, "socklab: option '%s' needs a value; try --help\n", argv[optind - 1]);
			return -1;
		default:
			fprintf(stderr, "socklab: unknown option '%s'; try --help\n", argv[optind - 1]);
			return -1;
		}
	}
	o->cmd = CMD_LIVE;
	for (int i = 1; nargs && i < 5; i++)
		if (strcmp(args[0], commands[i]) == 0)
			o->cmd = (enum command)i;
	if (o->cmd == CMD_LIVE && nargs) {
		fprintf(stderr, "socklab: unknown command '%s' (demo, record, replay, export, lesson); try --help\n", args[0]);
		return -1;
	}
	if (o->cmd == CMD_DEMO) {
		o->scenario = args[1];
	} else if (o->cmd != CMD_LIVE) {
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

static void on_row(long pos, bool inserted_before, uint64_t dropped_before, void *ctx)
{
	struct app *a = ctx;
	const struct row *r = timeline_row(a->tl, (size_t)pos);
	uint64_t dropped_now = timeline_dropped(a->tl);

	screen_rows_changed(&a->scr, a->tl, pos, inserted_before, dropped_before, dropped_now);
	timeline_pin(a->tl, a->scr.conn); /* the shown connection keeps its rows when the cap is hit */
	if (a->opt.plain)
		text_ladder_row_added(&a->text, pos, inserted_before, dropped_before);
	a->dirty = true;
	/* the demo's client starts once the server listens */
	if (a->demo && !demo_client_started(a->demo) && r && r->kind == ROW_CALL && r->ev->u.call.exit &&
	    r->ev->u.call.proc == ROLE_SERVER && strcmp(r->ev->u.call.call, "listen") == 0) {
		if (demo_start_client(a->demo, a->message, sizeof(a->message)) < 0)
			stop_requested = 1;
	}
}

static void add_replayed(const struct ui_event *ev, void *ctx)
{
	struct app *a = ctx;
	uint64_t dropped = timeline_dropped(a->tl);
	bool before;
	long pos = timeline_add(a->tl, ev, &before);

	if (pos >= 0)
		on_row(pos, before, dropped, a);
}

/* ---- drawing ---- */

static void draw(struct app *a)
{
	struct screen_status st = {0};
	struct capture_stats cs;
	char waiting[64];
	int w, h;

	view_size(&w, &h);
	if (w != a->grid.w || h != a->grid.h) {
		grid_free(&a->grid);
		if (grid_init(&a->grid, w, h) < 0)
			return;
	}
	if (a->sess) {
		session_stats(a->sess, &cs);
		st.packets = cs.tcp;
		st.drops = cs.dropped;
		st.source = session_source(a->sess);
		st.filter = session_filter(a->sess);
		st.steps_waiting = session_steps_waiting(a->sess, waiting, sizeof(waiting));
		st.waiting_call = waiting;
		st.recording = session_recording(a->sess);
		if (!a->message[0] && session_notice(a->sess))
			st.message = session_notice(a->sess);
		st.now_ns = a->opt.cmd == CMD_REPLAY ? 0 : clock_ns(CLOCK_REALTIME);
	} else {
		st.source = a->opt.file;
	}
	if (a->message[0])
		st.message = a->message;
	if (a->opt.cmd == CMD_REPLAY)
		snprintf(a->mode, sizeof(a->mode), "replay x%g", a->opt.speed); /* the status adds playing/paused */
	st.mode = a->mode;
	timeline_pin(a->tl, a->scr.conn); /* a key may have chosen another connection */
	screen_compose(&a->scr, a->tl, &st, &a->grid);
	view_blit(&a->grid);
	a->dirty = false;
	a->last_draw_ns = clock_ns(CLOCK_REALTIME);
}

/* ---- replay playing ---- */

static void play_toggle(struct app *a)
{
	long first;

	a->playing = !a->playing;
	if (!a->playing) {
		a->scr.limit = LONG_MAX;
		return;
	}
	if (a->scr.sel < 0 || a->scr.sel >= screen_last(&a->scr, a->tl)) {
		first = timeline_step(a->tl, -1, 1, a->scr.conn);
		a->scr.sel = first;
	}
	if (a->scr.sel < 0) {
		a->playing = false;
		return;
	}
	a->scr.limit = a->scr.sel + 1;
	a->play_ts0 = timeline_row(a->tl, (size_t)a->scr.sel)->ts_ns;
	a->play_wall0 = clock_ns(CLOCK_REALTIME);
}

/* Reveals the rows whose time has come at the chosen speed. */
static void play_advance(struct app *a)
{
	uint64_t target = a->play_ts0 + (uint64_t)((double)(clock_ns(CLOCK_REALTIME) - a->play_wall0) * a->opt.speed);
	long count = (long)timeline_count(a->tl);
	const struct row *next;

	while (a->scr.limit < count && timeline_row(a->tl, (size_t)a->scr.limit)->ts_ns <= target)
		a->scr.limit++;
	if (a->scr.limit >= count) {
		a->playing = false;
		a->scr.limit = LONG_MAX;
	} else if ((next = timeline_row(a->tl, (size_t)a->scr.limit))->ts_ns > target + MAX_GAP_NS) {
		a->play_ts0 = next->ts_ns; /* skip a long silence */
		a->play_wall0 = clock_ns(CLOCK_REALTIME);
	}
	a->scr.sel = screen_last(&a->scr, a->tl);
	a->dirty = true;
}

/* ---- keys ---- */

static void record_now(struct app *a)
{
	char base[64];
	time_t t = time(NULL);

	if (!a->sess || a->opt.cmd == CMD_REPLAY) {
		snprintf(a->message, sizeof(a->message), "recording works while capturing live");
		return;
	}
	strftime(base, sizeof(base), "socklab-%Y%m%d-%H%M%S", localtime(&t));
	if (session_record(a->sess, base, a->message, sizeof(a->message)) == 0)
		snprintf(a->message, sizeof(a->message), "recording to %s.jsonl and %s.pcapng", base, base);
}

static void handle_key(struct app *a, int key)
{
	int w, h;

	view_size(&w, &h);
	if (key == 0) { /* resized */
		a->dirty = true;
		return;
	}
	a->message[0] = '\0';
	switch (screen_key(&a->scr, a->tl, key, h)) {
	case ACT_QUIT: stop_requested = 1; break;
	case ACT_STEP_GO:
		if (a->sess)
			session_step_go(a->sess, a->message, sizeof(a->message));
		break;
	case ACT_RECORD: record_now(a); break;
	case ACT_PLAY: play_toggle(a); break;
	case ACT_FASTER: a->opt.speed = a->opt.speed * 2 <= 64 ? a->opt.speed * 2 : 64; break;
	case ACT_SLOWER: a->opt.speed = a->opt.speed / 2 >= 0.125 ? a->opt.speed / 2 : 0.125; break;
	case ACT_REDRAW:
	case ACT_NONE: break;
	}
	a->dirty = true;
}

/* --plain --step: each line typed on stdin (Enter) lets one call run. */
static void plain_step_key(struct app *a)
{
	char line[256];

	if (!fgets(line, sizeof(line), stdin)) {
		a->opt.step = false; /* end of input: stop listening to it */
		return;
	}
	if (session_step_go(a->sess, a->message, sizeof(a->message)) < 0)
		fprintf(stderr, "socklab: %s\n", a->message);
}

/* ---- the loop ---- */

static int run_loop(struct app *a)
{
	char err[512];
	uint64_t last_tick = 0;

	while (!stop_requested && !a->text.failed) {
		struct pollfd pfd[3];
		int n = 0, cap = -1, chan = -1, key = -1, rc;
		uint64_t now = clock_ns(CLOCK_REALTIME);
		int timeout = a->dirty || a->playing ? 33 : 250;

		if (a->curses || (a->opt.plain && a->opt.step))
			pfd[key = n++] = (struct pollfd){STDIN_FILENO, POLLIN, 0};
		if (a->sess && session_capture_fd(a->sess) >= 0)
			pfd[cap = n++] = (struct pollfd){session_capture_fd(a->sess), POLLIN, 0};
		if (a->sess && session_channel_fd(a->sess) >= 0)
			pfd[chan = n++] = (struct pollfd){session_channel_fd(a->sess), POLLIN, 0};
		rc = poll(pfd, (nfds_t)n, timeout);
		if (rc < 0 && errno != EINTR) {
			snprintf(a->message, sizeof(a->message), "poll: %s", errtext(errno));
			return -1;
		}
		now = clock_ns(CLOCK_REALTIME);
		if (rc > 0 && chan >= 0 && (pfd[chan].revents & POLLIN))
			session_pump_channel(a->sess);
		/* POLLERR alone: the interface went away; the dispatch says so. */
		if (rc > 0 && cap >= 0 && (pfd[cap].revents & (POLLIN | POLLERR | POLLHUP | POLLNVAL)) &&
		    session_pump_capture(a->sess, FRAMES_PER_PUMP, err, sizeof(err)) < 0) {
			snprintf(a->message, sizeof(a->message), "%s", err);
			return -1;
		}
		if (!a->curses && key >= 0 && (pfd[key].revents & (POLLIN | POLLHUP)))
			plain_step_key(a);
		/* `record --plain` has no status line: a recording that had to
		 * stop (disk full) ends the run with the reason. */
		if (a->opt.plain && a->sess && session_record_error(a->sess)) {
			snprintf(a->message, sizeof(a->message), "%s", session_record_error(a->sess));
			return -1;
		}
		if (a->curses) {
			int k;
			while ((k = view_read_key()) >= 0 && !stop_requested) {
				handle_key(a, k);
				a->last_draw_ns = 0; /* a key is answered at once, not coalesced */
			}
		}
		if (a->sess && now - last_tick > 1000000000ull) {
			session_tick(a->sess, now);
			last_tick = now;
			a->dirty = true; /* the TIME_WAIT countdown */
		}
		if (a->demo) {
			if (!demo_client_started(a->demo) &&
			    (demo_find(a->opt.scenario)->no_server ||
			     (!a->opt.step && now - a->started_ns > CLIENT_START_TIMEOUT_NS)) &&
			    demo_start_client(a->demo, a->message, sizeof(a->message)) < 0)
				return -1;
			if (demo_client_done(a->demo) && !a->client_done_ns)
				a->client_done_ns = now;
			/* --plain has no user to quit: the demo ends with its client */
			if (a->opt.plain && a->client_done_ns && now - a->client_done_ns > PLAIN_DEMO_SETTLE_NS)
				break;
		}
		if (a->playing)
			play_advance(a);
		if (a->opt.plain)
			text_ladder_print(&a->text, clock_ns(CLOCK_REALTIME) - TEXT_LADDER_HOLD_NS);
		else if (a->dirty && now - a->last_draw_ns >= REDRAW_NS)
			draw(a);
	}
	return 0;
}

/* ---- setting up ---- */

/* The user root will become (the sudo caller, else nobody); -1 when not root. */
static void drop_target(int *uid, int *gid)
{
	uid_t u;
	gid_t g;

	*uid = *gid = -1;
	if (geteuid() == 0 && capture_drop_target(&u, &g) == 0) {
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

static int demo_list(void)
{
	const struct demo_scenario *s;

	for (size_t i = 0; (s = demo_at(i)); i++)
		printf("%-13s %s\n", s->name, s->what);
	return 0;
}

static int open_live(struct app *a)
{
	char *path = a->events_path, *bindir = a->bindir;
	size_t pathlen = sizeof(a->events_path);
	int uid, gid, port = a->opt.port;
	const struct demo_scenario *scenario = NULL;
	struct session_opts so = {.iface = a->opt.iface, .filter = a->opt.filter, .on_row = on_row, .ctx = a};

	drop_target(&uid, &gid);
	if (a->opt.cmd == CMD_DEMO) {
		scenario = demo_find(a->opt.scenario);
		if (!scenario) {
			fprintf(stderr, "socklab demo: no scenario '%s' (socklab demo --list)\n", a->opt.scenario);
			return -1;
		}
		port = demo_free_port();
		if (port < 0 || demo_bindir(bindir, sizeof(a->bindir)) < 0) {
			fprintf(stderr, "socklab demo: cannot find a free port or the lab programs\n");
			return -1;
		}
		/* a private channel: a lecturer's other terminals stay out of the demo */
		if (snprintf(path, pathlen, "/tmp/socklab-demo-%d/events.sock", (int)getpid()) >= (int)pathlen)
			return -1;
		so.owner = uid;
	} else {
		if (channel_path(&a->opt, path, pathlen) < 0) {
			fprintf(stderr, "socklab: event channel path too long\n");
			return -1;
		}
		/* under sudo the student's programs send as the student */
		so.owner = getenv("SUDO_UID") ? uid : -1;
	}
	so.events_path = path;
	so.port = a->opt.filter && a->opt.cmd != CMD_DEMO ? 0 : port;
	a->sess = session_open(&so, a->tl, a->message, sizeof(a->message));
	if (!a->sess) {
		fprintf(stderr, "socklab: %s\n", a->message);
		return -1;
	}
	if (a->opt.cmd == CMD_RECORD && session_record(a->sess, a->opt.file, a->message, sizeof(a->message)) < 0) {
		fprintf(stderr, "socklab: %s\n", a->message);
		return -1;
	}
	a->message[0] = '\0';
	if (scenario) {
		struct demo_opts dopt = {scenario, bindir, path, port, a->opt.step, uid, gid};
		a->demo = demo_start(&dopt, a->message, sizeof(a->message));
		if (!a->demo) {
			fprintf(stderr, "socklab: %s\n", a->message);
			return -1;
		}
		snprintf(a->mode, sizeof(a->mode), "demo %s%s", scenario->name, a->opt.step ? " (step)" : "");
		snprintf(a->message, sizeof(a->message), "demo %s: %s", scenario->name, scenario->what);
	} else {
		char who[96];

		snprintf(a->mode, sizeof(a->mode), "live%s", a->opt.cmd == CMD_RECORD ? " recording" : "");
		/* Something else on the port: echo-server's bind() would fail there. */
		if (!a->opt.filter && port_listener(port, who, sizeof(who)) == 1 && strncmp(who, "echo-server ", 12) != 0) {
			snprintf(a->message, sizeof(a->message),
				 "port %d is already in use by %s: echo-server cannot listen there; stop it, or use -p PORT on both",
				 port, who);
			if (a->opt.plain)
				fprintf(stderr, "socklab: %s\n", a->message);
		}
	}
	if (capture_drop_privileges(a->message, sizeof(a->message)) < 0) {
		fprintf(stderr, "socklab: %s\n", a->message);
		return -1;
	}
	if (geteuid() != 0 && uid >= 0 && so.owner < 0 && !a->opt.plain)
		snprintf(a->message, sizeof(a->message),
			 "running as root without sudo: root was dropped, so --step replies to root's programs may fail");
	a->started_ns = clock_ns(CLOCK_REALTIME);
	return 0;
}

static bool is_jsonl(const char *path)
{
	size_t n = strlen(path);

	return n > 6 && strcmp(path + n - 6, ".jsonl") == 0;
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
		return 0;
	} else {
		struct session_opts so = {.file = a->opt.file, .filter = a->opt.filter, .owner = -1,
					  .on_row = on_row, .ctx = a};
		uint64_t last = 0;
		int n;

		a->sess = session_open(&so, a->tl, err, sizeof(err));
		if (!a->sess) {
			fprintf(stderr, "socklab: %s\n", err);
			return -1;
		}
		while ((n = session_pump_capture(a->sess, 0, err, sizeof(err))) > 0)
			;
		if (n == -1) {
			fprintf(stderr, "socklab: %s\n", err);
			return -1;
		}
		if (timeline_count(a->tl))
			last = timeline_row(a->tl, timeline_count(a->tl) - 1)->ts_ns;
		session_finish(a->sess, last);
		session_close(a->sess);
		a->sess = NULL;
		return 0;
	}
}

static int run_export(struct app *a)
{
	struct export_opts eo = {a->opt.format, (uint32_t)a->opt.conn, a->opt.width, a->opt.ascii || !view_locale_utf8()};

	if (a->opt.conn && !timeline_conn(a->tl, (uint32_t)a->opt.conn)) {
		fprintf(stderr, "socklab export: %s has no connection #%ld\n", a->opt.file, a->opt.conn);
		return -1;
	}
	if (export_timeline(a->tl, &eo, text_ladder_line, &a->text) < 0 || fflush(stdout) == EOF || a->text.failed) {
		fprintf(stderr, "socklab export: write failed\n");
		return -1;
	}
	return 0;
}

/* The demo's private channel directory, with the step sockets of lab
 * programs that were stopped before they could remove them. */
static void remove_demo_dir(char *events_path)
{
	char pattern[160];
	glob_t g;

	snprintf(pattern, sizeof(pattern), "%s/step-*.sock", dirname(events_path));
	if (glob(pattern, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			unlink(g.gl_pathv[i]);
		globfree(&g);
	}
	rmdir(events_path);
}

/* An export is a filter like any other: `socklab export ... | head` ends it
 * quietly by SIGPIPE. Everything else has sockets and children to clean up,
 * so a closed pipe must not kill it. */
static void install_signals(bool quiet_on_closed_pipe)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal; /* no SA_RESTART: poll() returns at once */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (!quiet_on_closed_pipe)
		signal(SIGPIPE, SIG_IGN);
}

int main(int argc, char **argv)
{
	struct app a;
	int rc = 0;

	setlocale(LC_ALL, "");
	if (argc > 1 && strcmp(argv[1], "lesson") == 0)
		return lesson_main(argc - 1, argv + 1);
	memset(&a, 0, sizeof(a));
	if (parse_args(argc, argv, &a.opt) < 0)
		return 2;
	if (a.opt.cmd == CMD_DEMO && a.opt.list)
		return demo_list();
	a.tl = timeline_new(NULL);
	if (!a.tl) {
		fprintf(stderr, "socklab: out of memory\n");
		return 1;
	}
	text_ladder_init(&a.text, a.tl, a.opt.width, a.opt.ascii || !view_locale_utf8(), stdout);
	screen_init(&a.scr, a.opt.cmd == CMD_REPLAY || a.opt.cmd == CMD_EXPORT, a.opt.big,
		    a.opt.ascii || !view_locale_utf8());
	install_signals(a.opt.cmd == CMD_EXPORT);
	if (a.opt.cmd == CMD_REPLAY || a.opt.cmd == CMD_EXPORT) {
		rc = load_file(&a);
		if (rc == 0 && a.opt.cmd == CMD_EXPORT)
			rc = run_export(&a);
		else if (rc == 0 && a.opt.plain)
			text_ladder_print(&a.text, TEXT_LADDER_ALL);
	} else {
		rc = open_live(&a);
	}
	if (rc == 0 && a.opt.cmd != CMD_EXPORT && !(a.opt.cmd == CMD_REPLAY && a.opt.plain)) {
		if (!a.opt.plain) {
			if (view_open(a.opt.mono, a.message, sizeof(a.message)) < 0) {
				fprintf(stderr, "socklab: %s\n", a.message);
				rc = -1;
			} else {
				a.curses = true;
				a.scr.sel = a.opt.cmd == CMD_REPLAY ? timeline_step(a.tl, -1, 1, a.scr.conn) : a.scr.sel;
				a.dirty = true;
			}
		} else if (a.sess) {
			fprintf(stderr, "socklab: capturing on %s, filter '%s' (Ctrl-C to stop)\n", session_source(a.sess),
				session_filter(a.sess));
		}
		if (rc == 0)
			rc = run_loop(&a);
		if (a.curses)
			view_close();
		if (a.opt.plain)
			text_ladder_print(&a.text, TEXT_LADDER_ALL);
		if (rc < 0 && a.message[0])
			fprintf(stderr, "socklab: %s\n", a.message);
	}
	demo_stop(a.demo);
	session_close(a.sess);
	if (a.demo)
		remove_demo_dir(a.events_path);
	timeline_free(a.tl);
	grid_free(&a.grid);
	return rc < 0 ? 1 : 0;
}
