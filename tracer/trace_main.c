/* socklab-trace: capture TCP on loopback (or read a pcap file), track every
 * connection and print both endpoints' TCP states as they change.
 *
 * This file is the edge: arguments, signals, the poll loop and stdout. The
 * work is done by capture (libpcap), flow (connections and states) and
 * output (text and JSON lines). */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture.h"
#include "flow.h"
#include "output.h"

enum format { FORMAT_TEXT, FORMAT_JSON, FORMAT_SUMMARY };

struct tracer {
	enum format format;
	struct flow_table *flows;
	uint64_t t0_ns;       /* first packet: text times are relative to it */
	uint64_t last_ns;     /* newest packet time */
	uint64_t connections; /* CONN_END events seen: the stats record counts them */
	int write_failed;
};

static volatile sig_atomic_t stop_requested;
static struct capture *active_capture;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
	if (active_capture)
		capture_breakloop(active_capture);
}

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void emit_line(struct tracer *t, const char *line, int len)
{
	if (len < 0) {
		fprintf(stderr, "socklab-trace: an output record was too long and was skipped\n");
		return;
	}
	if (fwrite(line, 1, (size_t)len, stdout) != (size_t)len || putchar('\n') == EOF)
		t->write_failed = 1;
}

static void on_event(const struct trace_event *ev, void *ctx)
{
	struct tracer *t = ctx;
	char line[OUTPUT_LINE_MAX];

	if (ev->kind == EVENT_CONN_END)
		t->connections++;
	switch (t->format) {
	case FORMAT_JSON:
		emit_line(t, line, output_json(ev, line, sizeof(line)));
		break;
	case FORMAT_TEXT:
		emit_line(t, line, output_text(ev, t->t0_ns, line, sizeof(line)));
		break;
	case FORMAT_SUMMARY:
		if (ev->kind == EVENT_CONN_END)
			emit_line(t, line, output_summary(ev, line, sizeof(line)));
		break;
	}
}

/* Time advances with the packets, so a pcap file expires TIME_WAIT exactly
 * as the live capture did. */
static void on_segment(const struct segment *seg, uint64_t ts_ns, void *ctx)
{
	struct tracer *t = ctx;

	if (!t->t0_ns)
		t->t0_ns = ts_ns;
	if (ts_ns > t->last_ns)
		t->last_ns = ts_ns;
	flow_table_tick(t->flows, ts_ns, on_event, t);
	flow_table_segment(t->flows, seg, ts_ns, on_event, t);
}

static void usage(FILE *f)
{
	fputs("usage: socklab-trace [-i IFACE | -r FILE] [-p PORT | -f 'BPF FILTER'] [--json] [-w OUT.pcap] [--summary]\n"
	      "\n"
	      "Captures TCP segments and shows both endpoints' TCP states as they change.\n"
	      "\n"
	      "  -i, --interface IFACE  capture live on IFACE (default: lo)\n"
	      "  -r, --read FILE        read a pcap or pcapng file instead\n"
	      "  -p, --port PORT        only connections to or from this TCP port\n"
	      "  -f, --filter 'BPF'     a libpcap filter, e.g. 'tcp port 8080 or tcp port 9090'\n"
	      "  -w, --write OUT.pcap   also save every captured packet (tcpdump/Wireshark open it)\n"
	      "      --json             JSON Lines records (docs/trace-format.md)\n"
	      "      --summary          one line per connection with both state paths\n"
	      "      --max-flows N      connections tracked at once (default 1000000)\n"
	      "  -h, --help             this help\n"
	      "\n"
	      "Capturing needs root or CAP_NET_RAW (`sudo make setcap`); root is dropped once the\n"
	      "capture is open. Ctrl-C prints the capture counters and exits.\n",
	      f);
}

static int parse_number(const char *what, const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "socklab-trace: %s '%s': expected a number from %ld to %ld\n", what, s, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

static int run_capture(struct tracer *t, struct capture *c)
{
	char err[512];
	int fd = capture_fd(c);

	while (!stop_requested) {
		int n;

		if (capture_is_live(c)) {
			struct pollfd pfd = {fd, POLLIN, 0};
			if (poll(&pfd, 1, 200) < 0 && errno != EINTR) {
				fprintf(stderr, "socklab-trace: poll: %s\n", strerror(errno));
				return -1;
			}
			flow_table_tick(t->flows, realtime_ns(), on_event, t);
		}
		n = capture_dispatch(c, 4096, on_segment, t, err, sizeof(err));
		if (n == CAPTURE_EOF)
			break;
		if (n < 0) {
			fprintf(stderr, "socklab-trace: %s\n", err);
			return -1;
		}
		if (capture_is_live(c) && fflush(stdout) == EOF)
			t->write_failed = 1;
		if (t->write_failed)
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"interface", required_argument, NULL, 'i'},
		{"read", required_argument, NULL, 'r'},
		{"port", required_argument, NULL, 'p'},
		{"filter", required_argument, NULL, 'f'},
		{"write", required_argument, NULL, 'w'},
		{"json", no_argument, NULL, 'J'},
		{"summary", no_argument, NULL, 'S'},
		{"max-flows", required_argument, NULL, 'M'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct capture_opts copts = {0};
	struct flow_config fcfg;
	struct tracer t = {0};
	struct capture_stats stats;
	char err[512], line[OUTPUT_LINE_MAX];
	struct sigaction sa;
	long v;
	int opt, rc;

	flow_config_default(&fcfg);
	while ((opt = getopt_long(argc, argv, "i:r:p:f:w:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'i': copts.iface = optarg; break;
		case 'r': copts.file = optarg; break;
		case 'f': copts.filter = optarg; break;
		case 'w': copts.write_path = optarg; break;
		case 'J': t.format = FORMAT_JSON; break;
		case 'S': t.format = FORMAT_SUMMARY; break;
		case 'p':
			if (parse_number("port", optarg, 1, 65535, &v) < 0)
				return 2;
			copts.port = (int)v;
			break;
		case 'M':
			if (parse_number("max-flows", optarg, 1, 100000000, &v) < 0)
				return 2;
			fcfg.max_flows = (size_t)v;
			break;
		case 'h': usage(stdout); return 0;
		default:
			fprintf(stderr, "socklab-trace: try --help\n");
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "socklab-trace: unexpected argument '%s' (a filter goes after -f, in quotes); try --help\n",
			argv[optind]);
		return 2;
	}
	if (copts.iface && copts.file) {
		fprintf(stderr, "socklab-trace: -i and -r exclude each other: capture live or read a file\n");
		return 2;
	}

	active_capture = capture_open(&copts, err, sizeof(err));
	if (!active_capture) {
		fprintf(stderr, "socklab-trace: %s\n", err);
		return 1;
	}
	if (capture_drop_privileges(err, sizeof(err)) < 0) {
		fprintf(stderr, "socklab-trace: %s\n", err);
		capture_close(active_capture);
		return 1;
	}
	t.flows = flow_table_new(&fcfg);
	if (!t.flows) {
		fprintf(stderr, "socklab-trace: out of memory for the flow table\n");
		capture_close(active_capture);
		return 1;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (capture_is_live(active_capture)) {
		const char *f = capture_filter(active_capture);
		fprintf(stderr, "socklab-trace: capturing on %s%s%s%s (Ctrl-C to stop)\n", capture_source(active_capture),
			*f ? ", filter '" : "", f, *f ? "'" : "");
	} else {
		/* A file is read at full speed: buffer generously. */
		setvbuf(stdout, NULL, _IOFBF, 1 << 20);
	}

	rc = run_capture(&t, active_capture);
	flow_table_finish(t.flows, capture_is_live(active_capture) ? realtime_ns() : t.last_ns, on_event, &t);
	capture_get_stats(active_capture, &stats);
	stats.connections = t.connections;
	if (t.format == FORMAT_JSON)
		emit_line(&t, line, output_stats_json(&stats, capture_is_live(active_capture) ? realtime_ns() : t.last_ns, line, sizeof(line)));
	else
		emit_line(&t, line, output_stats_text(&stats, line, sizeof(line)));
	if (fflush(stdout) == EOF || t.write_failed) {
		fprintf(stderr, "socklab-trace: write to standard output: %s\n", strerror(errno));
		rc = -1;
	}
	flow_table_free(t.flows);
	capture_close(active_capture);
	return rc < 0 ? 1 : 0;
}
