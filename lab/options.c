/* options.c: command-line parsing for the lab programs. getopt_long with its
 * own messages turned off, so every mistake becomes one line of ours. */
#include "options.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

const char server_usage[] =
	"usage: echo-server [-b ADDR] [-p PORT] [--mode thread|fork|iterative|epoll|reuseport|prefork|uring] [options]\n"
	"TCP echo server: replies \"server-\" + what it read (default 127.0.0.1:8080).\n"
	"  -b, --bind ADDR       address to listen on (127.0.0.1; ::1 for IPv6, 0.0.0.0 for all)\n"
	"  -p, --port PORT       port (8080)\n"
	"      --mode MODE       thread: one thread per connection (default)\n"
	"                        fork: one process per connection\n"
	"                        iterative: one connection at a time\n"
	"                        epoll: one thread, an epoll reactor\n"
	"                        reuseport: --workers processes, each with its own listening\n"
	"                        socket (SO_REUSEPORT) and epoll reactor\n"
	"                        prefork: --workers processes sharing one listening socket,\n"
	"                        each with its own epoll reactor (EPOLLEXCLUSIVE)\n"
	"      --workers N       reuseport, prefork: worker processes, 1 to 64 (4)\n"
	"      --herd            prefork: register without EPOLLEXCLUSIVE: every worker wakes\n"
	"                        for a connection, one accept() wins, the others get EAGAIN\n"
	"                        uring: one thread, an io_uring proactor (no read/write calls)\n"
	"      --backlog N       listen() backlog: finished handshakes waiting for accept (4096)\n"
	"      --accept-delay MS wait MS before each accept(): the handshake completes without it\n"
	"      --close-first     close after the first reply: the server ends in TIME_WAIT\n"
	"      --linger0         close after the first reply with SO_LINGER 0: RST, no TIME_WAIT\n"
	"      --no-read         close without reading the client's data: the kernel sends RST\n"
	"      --shutdown        shutdown(SHUT_WR) after the first reply (half-close), keep reading\n"
	"      --reply-at-eof    read until the client's FIN, then reply once and close: the\n"
	"                        other half of a half-close (thread, fork and iterative modes)\n"
	"      --udp             the same echo over UDP: no handshake, no connection\n"
	"  -q, --quiet           do not print each socket call on stderr\n"
	"      --step            wait for a go-ahead (socklab UI or Enter) before each socket call\n"
	"      --events PATH     event channel socket (default $SOCKLAB_EVENTS,\n"
	"                        $XDG_RUNTIME_DIR/socklab/events.sock or /tmp/socklab-UID/events.sock)\n"
	"  -h, --help            this help\n";

const char client_usage[] =
	"usage: echo-client [HOST [PORT]] [options]\n"
	"Connects to an echo server (default 127.0.0.1 8080). Interactive: each line typed\n"
	"is sent and the reply printed; q, Q or end of input closes.\n"
	"  -m, --message MSG     send MSG (repeatable) instead of reading stdin\n"
	"      --count N         send the messages N times (default 1; \"hello\" without -m)\n"
	"      --close HOW       close (FIN, default), shutdown (half-close, read to EOF), rst\n"
	"      --half-close      send the messages, shutdown(SHUT_WR), then read the replies that\n"
	"                        come after our FIN, until the server's FIN\n"
	"      --hold MS         stay connected MS after the last reply, watching for the server\n"
	"      --bind-port P     connect from local port P (again too soon: EADDRINUSE, TIME_WAIT)\n"
	"      --udp             talk UDP: sendto/recvfrom, no connection\n"
	"      --bench           benchmark: requests per second and p50/p99 latency\n"
	"  -c, --conns N         --bench: concurrent connections (1)\n"
	"  -n, --requests N      --bench: requests in all (10000)\n"
	"  -t, --threads N       --bench: threads sharing the connections (1)\n"
	"      --reconnect       --bench: a new connection for every request\n"
	"  -q, --quiet           do not print each socket call on stderr\n"
	"      --step            wait for a go-ahead (socklab UI or Enter) before each socket call\n"
	"      --events PATH     event channel socket (see echo-server --help)\n"
	"  -h, --help            this help\n";

enum {
	OPT_MODE = 256, OPT_BACKLOG, OPT_ACCEPT_DELAY, OPT_CLOSE_FIRST, OPT_LINGER0, OPT_NO_READ,
	OPT_SHUTDOWN, OPT_UDP, OPT_STEP, OPT_EVENTS, OPT_COUNT, OPT_CLOSE, OPT_HOLD, OPT_BIND_PORT,
	OPT_BENCH, OPT_RECONNECT, OPT_REPLY_AT_EOF, OPT_HALF_CLOSE, OPT_WORKERS, OPT_HERD,
};

/* What getopt_long rejected (c is ':' for a missing value), in one line. */
static int bad_option(int c, char **argv, char *err, size_t n)
{
	const char *arg = argv[optind - 1];

	if (c == ':')
		snprintf(err, n, "option %s needs a value", arg);
	else if (optopt > 0 && optopt < 256 && strncmp(arg, "--", 2) != 0)
		snprintf(err, n, "unknown option -%c", optopt);
	else
		snprintf(err, n, "unknown option %s", arg);
	return -1;
}

static int port_arg(const char *s, char *err, size_t n)
{
	long v;

	return args_number("port", s, 1, 65535, &v, err, n);
}

static const char *const mode_names[] = {"thread", "fork", "iterative", "epoll", "reuseport", "prefork", "uring"};
#define MODE_COUNT ((long)(sizeof(mode_names) / sizeof(mode_names[0])))

/* "--mode NAME: want thread, fork, ... or epoll", from the table. */
static void bad_mode(const char *name, char *err, size_t n)
{
	int len = snprintf(err, n, "--mode %s: want ", name);

	for (long v = 0; v < MODE_COUNT && len >= 0 && (size_t)len < n; v++)
		len += snprintf(err + len, n - (size_t)len, "%s%s", v == 0 ? "" : v == MODE_COUNT - 1 ? " or " : ", ",
				mode_names[v]);
}

static bool many_processes(enum serve_mode m)
{
	return m == MODE_REUSEPORT || m == MODE_PREFORK;
}

const char *serve_mode_name(enum serve_mode m)
{
	return mode_names[m];
}

int server_options_parse(int argc, char **argv, struct server_options *o, char *err, size_t n)
{
	static const struct option longopts[] = {
		{"bind", required_argument, NULL, 'b'},
		{"port", required_argument, NULL, 'p'},
		{"mode", required_argument, NULL, OPT_MODE},
		{"backlog", required_argument, NULL, OPT_BACKLOG},
		{"accept-delay", required_argument, NULL, OPT_ACCEPT_DELAY},
		{"close-first", no_argument, NULL, OPT_CLOSE_FIRST},
		{"linger0", no_argument, NULL, OPT_LINGER0},
		{"no-read", no_argument, NULL, OPT_NO_READ},
		{"shutdown", no_argument, NULL, OPT_SHUTDOWN},
		{"reply-at-eof", no_argument, NULL, OPT_REPLY_AT_EOF},
		{"udp", no_argument, NULL, OPT_UDP},
		{"quiet", no_argument, NULL, 'q'},
		{"step", no_argument, NULL, OPT_STEP},
		{"events", required_argument, NULL, OPT_EVENTS},
		{"workers", required_argument, NULL, OPT_WORKERS},
		{"herd", no_argument, NULL, OPT_HERD},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	bool mode_given = false, workers_given = false;
	long v;
	int c;

	*o = (struct server_options){.bind_addr = "127.0.0.1", .port = "8080", .backlog = 4096};
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":b:p:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'b': o->bind_addr = optarg; break;
		case 'p':
			if (port_arg(optarg, err, n) < 0)
				return -1;
			o->port = optarg;
			break;
		case OPT_MODE:
			mode_given = true;
			for (v = 0; v < MODE_COUNT && strcmp(optarg, serve_mode_name((enum serve_mode)v)) != 0; v++)
				;
			if (v == MODE_COUNT) {
				bad_mode(optarg, err, n);
				return -1;
			}
			o->mode = (enum serve_mode)v;
			break;
		case OPT_BACKLOG:
			if (args_number("--backlog", optarg, 0, INT_MAX, &v, err, n) < 0)
				return -1;
			o->backlog = (int)v;
			break;
		case OPT_ACCEPT_DELAY:
			if (args_number("--accept-delay", optarg, 0, 3600000, &v, err, n) < 0)
				return -1;
			o->accept_delay_ms = (int)v;
			break;
		case OPT_CLOSE_FIRST: o->close_first = true; break;
		case OPT_LINGER0: o->linger0 = true; break;
		case OPT_NO_READ: o->no_read = true; break;
		case OPT_SHUTDOWN: o->half_close = true; break;
		case OPT_REPLY_AT_EOF: o->reply_at_eof = true; break;
		case OPT_UDP: o->udp = true; break;
		case 'q': o->quiet = true; break;
		case OPT_STEP: o->step = true; break;
		case OPT_EVENTS: o->events_path = optarg; break;
		case OPT_WORKERS:
			if (args_number("--workers", optarg, 1, WORKERS_MAX, &v, err, n) < 0)
				return -1;
			o->workers = (int)v;
			workers_given = true;
			break;
		case OPT_HERD: o->herd = true; break;
		case 'h': return 1;
		default: return bad_option(c, argv, err, n);
		}
	}
	if (optind < argc) {
		snprintf(err, n, "unexpected argument %s", argv[optind]);
		return -1;
	}
	if (workers_given && !many_processes(o->mode)) {
		snprintf(err, n, "--workers starts worker processes: only with --mode reuseport or --mode prefork");
		return -1;
	}
	if (o->herd && o->mode != MODE_PREFORK) {
		snprintf(err, n, "--herd is about one listening socket shared by workers: only with --mode prefork");
		return -1;
	}
	if (!workers_given)
		o->workers = 4;
	if (o->udp && (mode_given || o->accept_delay_ms || o->close_first || o->linger0 ||
		       o->no_read || o->half_close || o->reply_at_eof)) {
		snprintf(err, n, "--udp has no connections: --mode and the TCP lesson switches do not apply");
		return -1;
	}
	if (o->mode == MODE_URING && (o->accept_delay_ms || o->no_read || o->half_close || o->reply_at_eof)) {
		snprintf(err, n, "--mode uring takes --close-first and --linger0; drop --accept-delay, "
			 "--no-read, --shutdown and --reply-at-eof");
		return -1;
	}
	if (o->reply_at_eof && (o->mode == MODE_EPOLL || many_processes(o->mode) || o->close_first || o->linger0 || o->no_read || o->half_close)) {
		snprintf(err, n, "--reply-at-eof replies once the client's FIN came: not with the epoll modes "
			 "(epoll, reuseport, prefork) or another closing switch");
		return -1;
	}
	return 0;
}

int client_options_parse(int argc, char **argv, struct client_options *o, char *err, size_t n)
{
	static const struct option longopts[] = {
		{"message", required_argument, NULL, 'm'},
		{"count", required_argument, NULL, OPT_COUNT},
		{"close", required_argument, NULL, OPT_CLOSE},
		{"half-close", no_argument, NULL, OPT_HALF_CLOSE},
		{"hold", required_argument, NULL, OPT_HOLD},
		{"bind-port", required_argument, NULL, OPT_BIND_PORT},
		{"udp", no_argument, NULL, OPT_UDP},
		{"bench", no_argument, NULL, OPT_BENCH},
		{"conns", required_argument, NULL, 'c'},
		{"requests", required_argument, NULL, 'n'},
		{"reconnect", no_argument, NULL, OPT_RECONNECT},
		{"threads", required_argument, NULL, 't'},
		{"quiet", no_argument, NULL, 'q'},
		{"step", no_argument, NULL, OPT_STEP},
		{"events", required_argument, NULL, OPT_EVENTS},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	long v;
	int c;

	*o = (struct client_options){.host = "127.0.0.1", .port = "8080", .bind_port = -1,
				     .conns = 1, .requests = 10000, .threads = 1};
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":m:c:n:t:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (o->nmessages == MAX_MESSAGES) {
				snprintf(err, n, "at most %d messages (-m)", MAX_MESSAGES);
				return -1;
			}
			o->messages[o->nmessages++] = optarg;
			break;
		case OPT_COUNT:
			if (args_number("--count", optarg, 1, INT_MAX, &v, err, n) < 0)
				return -1;
			o->count = (int)v;
			break;
		case OPT_CLOSE:
			if (strcmp(optarg, "close") == 0)
				o->close_how = CLOSE_FIN;
			else if (strcmp(optarg, "shutdown") == 0)
				o->close_how = CLOSE_SHUTDOWN;
			else if (strcmp(optarg, "rst") == 0)
				o->close_how = CLOSE_RST;
			else {
				snprintf(err, n, "--close %s: want close, shutdown or rst", optarg);
				return -1;
			}
			break;
		case OPT_HALF_CLOSE: o->half_close = true; break;
		case OPT_HOLD:
			if (args_number("--hold", optarg, 0, 3600000, &v, err, n) < 0)
				return -1;
			o->hold_ms = (int)v;
			break;
		case OPT_BIND_PORT:
			if (args_number("--bind-port", optarg, 1, 65535, &v, err, n) < 0)
				return -1;
			o->bind_port = (int)v;
			break;
		case OPT_UDP: o->udp = true; break;
		case OPT_BENCH: o->bench = true; break;
		case 'c':
			if (args_number("-c", optarg, 1, 1000000, &v, err, n) < 0)
				return -1;
			o->conns = (int)v;
			break;
		case 'n':
			if (args_number("-n", optarg, 1, 10000000, &v, err, n) < 0)
				return -1;
			o->requests = v;
			break;
		case OPT_RECONNECT: o->reconnect = true; break;
		case 't':
			if (args_number("-t", optarg, 1, BENCH_THREADS_MAX, &v, err, n) < 0)
				return -1;
			o->threads = (int)v;
			break;
		case 'q': o->quiet = true; break;
		case OPT_STEP: o->step = true; break;
		case OPT_EVENTS: o->events_path = optarg; break;
		case 'h': return 1;
		default: return bad_option(c, argv, err, n);
		}
	}
	if (optind < argc)
		o->host = argv[optind++];
	if (optind < argc) {
		if (port_arg(argv[optind], err, n) < 0)
			return -1;
		o->port = argv[optind++];
	}
	if (optind < argc) {
		snprintf(err, n, "unexpected argument %s", argv[optind]);
		return -1;
	}
	if (o->count && o->nmessages == 0)
		o->messages[o->nmessages++] = "hello";
	if (o->nmessages && !o->count)
		o->count = 1;
	if (o->half_close && (o->udp || o->bench)) {
		snprintf(err, n, "--half-close shuts down a TCP connection: drop --udp and --bench");
		return -1;
	}
	if (o->threads > 1 && !o->bench) {
		snprintf(err, n, "-t runs the benchmark on threads: only with --bench");
		return -1;
	}
	if (o->bench && o->udp) {
		snprintf(err, n, "--bench measures TCP servers: drop --udp");
		return -1;
	}
	return 0;
}
