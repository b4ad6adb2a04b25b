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
#include <unistd.h>

#include "errtext.h"
#include "args.h"
#include "capture.h"
#include "clock.h"
#include "flow.h"
#include "kernel.h"
#include "kview.h"
#include "output.h"
#include "points.h"
#include "privileges.h"
#include "why.h"

enum format { FORMAT_TEXT, FORMAT_JSON, FORMAT_SUMMARY };

struct tracer {
	enum format format;
	struct flow_table *flows;
	uint64_t t0_ns;       /* first packet: text times are relative to it */
	uint64_t last_ns;     /* newest packet time */
	int write_failed;
	struct kview *kview; /* --kernel: the kernel's own states, else NULL */
	struct output_style style; /* --explain, --lang */
	bool immediate;            /* live capture hands over each packet at once */
	/* Two capture points: ARP arrivals waiting for their time, so the
	 * records come out in time order (oldest first). */
	struct pending_arp {
		struct arp_packet arp;
		struct arp_wire w;
	} arp_wait[32];
	size_t arp_waiting;
};

/* Records are formatted straight into this buffer (out_reserve, 128 KiB), a
 * newline after each, and written out in one piece when it is full, after
 * each batch of a live capture and at the end (out_flush); stdout itself
 * is unbuffered, so a record is never copied again on its way out. */
static char out_buf[1 << 17];
static size_t out_len;
static volatile sig_atomic_t stop_requested;
static struct capture *active_capture;

static void on_signal(int sig)
{
	(void)sig;
	if (stop_requested < 2)
		stop_requested++; /* a second Ctrl-C cuts the drain short */
	if (active_capture)
		capture_breakloop(active_capture);
}

/* Writes out what the buffer holds; returns -1 (and marks the tracer) if
 * the write failed. */
static int out_flush(struct tracer *t)
{
	if (out_len && fwrite_unlocked(out_buf, 1, out_len, stdout) != out_len)
		t->write_failed = 1;
	out_len = 0;
	return t->write_failed ? -1 : 0;
}

/* Room for one record, OUTPUT_LINE_MAX bytes, at the buffer's end: pass it
 * to an output_* function as its buffer, then its length to emit_line. */
static char *out_reserve(struct tracer *t)
{
	if (sizeof(out_buf) - out_len < OUTPUT_LINE_MAX)
		out_flush(t);
	return out_buf + out_len;
}

/* Takes the record just formatted at out_reserve's place (len bytes, or
 * -1 when it was too long) and ends it with a newline. */
static void emit_line(struct tracer *t, int len)
{
	(void)t;
	if (len < 0) {
		fprintf(stderr, "socklab-trace: an output record was too long and was skipped\n");
		return;
	}
	out_buf[out_len + (size_t)len] = '\n'; /* len < OUTPUT_LINE_MAX: outbuf_finish's NUL fitted */
	out_len += (size_t)len + 1;
}

static void on_kernel_event(const struct kview_event *ev, void *ctx)
{
	struct tracer *t = ctx;

	if (!t->t0_ns)
		t->t0_ns = ev->ts_ns;
	if (t->format == FORMAT_JSON)
		emit_line(t, output_kernel_json(ev, out_reserve(t), OUTPUT_LINE_MAX));
	else if (t->format == FORMAT_TEXT || ev->kind == KVIEW_CHECK)
		emit_line(t, output_kernel_text(ev, t->t0_ns, out_reserve(t), OUTPUT_LINE_MAX));
}

static void on_kernel_record(const struct kstate_record *rec, void *ctx)
{
	kview_record(ctx, rec);
}

static void emit_arp_wire(struct tracer *t, const struct arp_packet *arp, const struct arp_wire *w)
{
	if (t->format == FORMAT_JSON)
		emit_line(t, output_arp_wire_json(arp, w, out_reserve(t), OUTPUT_LINE_MAX));
	else if (t->format == FORMAT_TEXT)
		emit_line(t, output_arp_wire_text(arp, w, t->t0_ns, out_reserve(t), OUTPUT_LINE_MAX));
}

/* The ARP arrivals due by ts_ns (all: UINT64_MAX) go out. */
static void flush_arp_arrivals(struct tracer *t, uint64_t ts_ns)
{
	size_t done = 0;

	while (done < t->arp_waiting && t->arp_wait[done].w.arrived_ns <= ts_ns) {
		emit_arp_wire(t, &t->arp_wait[done].arp, &t->arp_wait[done].w);
		done++;
	}
	if (done) {
		memmove(t->arp_wait, t->arp_wait + done, (t->arp_waiting - done) * sizeof(t->arp_wait[0]));
		t->arp_waiting -= done;
	}
}

static void on_event(const struct trace_event *ev, void *ctx)
{
	struct tracer *t = ctx;

	if (t->arp_waiting)
		flush_arp_arrivals(t, ev->ts_ns);

	if (t->kview)
		kview_wire_event(t->kview, ev, on_kernel_event, t);
	switch (t->format) {
	case FORMAT_JSON:
		emit_line(t, output_json(ev, &t->style, out_reserve(t), OUTPUT_LINE_MAX));
		break;
	case FORMAT_TEXT: {
		struct trace_event said = *ev; /* the end reason in the words of --lang */

		if (ev->kind == EVENT_CONN_END && ev->end_reason)
			said.end_reason = why_end_reason(t->style.lang, ev->end_reason);
		emit_line(t, output_text(&said, t->t0_ns, &t->style, out_reserve(t), OUTPUT_LINE_MAX));
		break;
	}
	case FORMAT_SUMMARY:
		if (ev->kind == EVENT_CONN_END)
			emit_line(t, output_summary(ev, out_reserve(t), OUTPUT_LINE_MAX));
		break;
	}
}

/* The stats line of the text timeline in the words of --lang. */
/* Time advances with the packets (flow_table_segment fires the timers due
 * first), so a pcap file expires TIME_WAIT exactly as the live capture did. */
static void on_segment(const struct segment *seg, uint64_t ts_ns, void *ctx)
{
	struct tracer *t = ctx;

	if (!t->t0_ns)
		t->t0_ns = ts_ns;
	if (ts_ns > t->last_ns)
		t->last_ns = ts_ns;
	flow_table_segment(t->flows, seg, ts_ns, on_event, t);
}

/* An ARP request or reply: a line (or an "arp" record) of its own; not
 * part of any connection, not in --summary. */
static void on_arp(const struct arp_packet *arp, uint64_t ts_ns, void *ctx)
{
	struct tracer *t = ctx;

	if (!t->t0_ns)
		t->t0_ns = ts_ns;
	if (t->format == FORMAT_JSON)
		emit_line(t, output_arp_json(arp, ts_ns, out_reserve(t), OUTPUT_LINE_MAX));
	else if (t->format == FORMAT_TEXT)
		emit_line(t, output_arp_text(arp, ts_ns, t->t0_ns, out_reserve(t), OUTPUT_LINE_MAX));
}

/* Two capture points, an ARP frame: its record at the send (the flow
 * table's arrivals due before it first), its arrival's record kept until
 * the records reach that time. */
static void on_wire_arp(struct tracer *t, const struct wirepair_seg *ws, uint64_t ts)
{
	static const char *const host[2] = { "client", "server" };
	struct arp_wire w = { .sent_ns = ws->sent_ns, .arrived_ns = ws->arrived_ns,
			      .sent_at = ws->sent_point >= 0 ? host[ws->sent_point] : NULL,
			      .arrived_at = ws->arrived_point >= 0 ? host[ws->arrived_point] : NULL };
	size_t i;

	flow_table_tick(t->flows, ts, on_event, t);
	flush_arp_arrivals(t, ts);
	if (ws->sent_ns)
		emit_arp_wire(t, ws->arp, &w);
	if (!ws->arrived_ns)
		return;
	w.arrival = true;
	if (t->arp_waiting == sizeof(t->arp_wait) / sizeof(t->arp_wait[0]))
		flush_arp_arrivals(t, t->arp_wait[0].w.arrived_ns);
	for (i = t->arp_waiting; i > 0 && t->arp_wait[i - 1].w.arrived_ns > w.arrived_ns; i--)
		t->arp_wait[i] = t->arp_wait[i - 1];
	t->arp_wait[i] = (struct pending_arp){ *ws->arp, w };
	t->arp_waiting++;
}

/* Two capture points: each segment (or ARP frame) once, paired, in send order. */
static void on_wire_segment(const struct wirepair_seg *ws, void *ctx)
{
	struct tracer *t = ctx;
	uint64_t ts = ws->sent_ns ? ws->sent_ns : ws->arrived_ns;

	if (!t->t0_ns)
		t->t0_ns = ts;
	if (ws->arrived_ns > t->last_ns)
		t->last_ns = ws->arrived_ns;
	if (ts > t->last_ns)
		t->last_ns = ts;
	if (ws->arp) {
		on_wire_arp(t, ws, ts);
		return;
	}
	flow_table_wire_segment(t->flows, ws->seg, ws->sent_ns, ws->arrived_ns, on_event, t);
}

/* -r CLIENT_HOST.pcap -r SERVER_HOST.pcap: the files merged by time,
 * paired, and through the flow table. */
static int run_points(struct tracer *t, const struct capture_opts opts[2], struct capture_stats *stats)
{
	const struct points_handlers h = { .on_segment = on_wire_segment, .ctx = t };
	struct wirepair_config cfg;
	struct wirepair_stats ws;
	struct points *p;
	char err[512];
	int n;

	wirepair_config_default(&cfg);
	p = points_open(opts, &cfg, err, sizeof(err));
	if (!p) {
		fprintf(stderr, "socklab-trace: %s\n", err);
		return -1;
	}
	while ((n = points_dispatch(p, 4096, &h, err, sizeof(err))) >= 0 && !stop_requested && !t->write_failed)
		;
	if (n == -1)
		fprintf(stderr, "socklab-trace: %s\n", err);
	points_finish(p, &h);
	flow_table_finish(t->flows, t->last_ns, on_event, t);
	flush_arp_arrivals(t, UINT64_MAX);
	points_get_stats(p, stats);
	points_wire_stats(p, &ws);
	if (t->format == FORMAT_JSON)
		emit_line(t, output_wire_json(&ws, t->last_ns, out_reserve(t), OUTPUT_LINE_MAX));
	else
		emit_line(t, output_wire_text(&ws, out_reserve(t), OUTPUT_LINE_MAX));
	points_close(p);
	return n == -1 ? -1 : 0;
}

static void usage(FILE *f)
{
	fputs("usage: socklab-trace [-i IFACE | -r FILE] [-p PORT | -f 'BPF FILTER'] [--json [--explain]] [-w OUT.pcap]\n"
	      "                     [--summary] [--lang en|zh] [--kernel[=auto|tracepoint|sock_diag]]\n"
	      "\n"
	      "Captures TCP segments and shows both endpoints' TCP states as they change.\n"
	      "\n"
	      "  -i, --interface IFACE  capture live on IFACE (default: lo)\n"
	      "  -r, --read FILE        read a pcap or pcapng file instead (gzip-compressed too)\n"
	      "  -r CLIENT -r SERVER    two files captured at the client's host and at the server's\n"
	      "                         (a two-host wire): each segment's send and arrival times,\n"
	      "                         segments lost on the wire (docs/wire-pairing.md)\n"
	      "  -p, --port PORT        only connections to or from this TCP port (and the ICMP errors\n"
	      "                         about their segments)\n"
	      "  -f, --filter 'BPF'     a libpcap filter, e.g. 'tcp port 8080 or tcp port 9090'\n"
	      "  -w, --write OUT.pcap   also save every captured packet (tcpdump/Wireshark open it)\n"
	      "      --json             JSON Lines records (docs/trace-format.md); each state change\n"
	      "                         says why with a stable key, e.g. \"why\":\"fin_acked\"\n"
	      "      --explain          with --json, also the sentence of each key (\"text\")\n"
	      "      --lang en|zh       the language of the sentences (default en)\n"
	      "      --summary          one line per connection with both state paths\n"
	      "      --max-flows N      connections tracked at once (default 1000000)\n"
	      "      --kernel[=HOW]     live only: also show the kernel's own state changes and check\n"
	      "                         them against the wire's (docs/kernel-view.md); HOW is\n"
	      "                         tracepoint (root), sock_diag (polled) or auto (the default)\n"
	      "  -h, --help             this help\n"
	      "\n"
	      "Capturing needs root or CAP_NET_RAW (`sudo make setcap`); root is dropped once the\n"
	      "capture is open. Ctrl-C prints the capture counters and exits.\n",
	      f);
}

static int parse_number(const char *what, const char *s, long min, long max, long *out)
{
	char err[160];

	if (args_number(what, s, min, max, out, err, sizeof(err)) == 0)
		return 0;
	fprintf(stderr, "socklab-trace: %s\n", err);
	return -1;
}

/* Reads what the kernel reported so far; its records wait in the view until
 * the packets they belong with have been seen. */
static int read_kernel(struct tracer *t, struct kernel_source *k)
{
	char err[512];

	if (kernel_read(k, on_kernel_record, t->kview, err, sizeof(err)) < 0) {
		fprintf(stderr, "socklab-trace: kernel view: %s\n", err);
		return -1;
	}
	return 0;
}

/* The flow table's clock for timers: now, less how late a batched capture
 * may still hand over packets, so that no TIME_WAIT expires ahead of a
 * packet of its connection still waiting in a kernel block. */
static uint64_t tick_time(const struct tracer *t)
{
	uint64_t now = clock_ns(CLOCK_REALTIME), late = t->immediate ? 0 : CAPTURE_BATCH_MS * 1000000ull;

	return now > late ? now - late : 0;
}

/* Handles every packet ready now. */
static int dispatch(struct tracer *t, struct capture *c)
{
	char err[512];
	int n = capture_dispatch(c, 4096, on_segment, t, err, sizeof(err));

	if (n < 0 && n != CAPTURE_EOF)
		fprintf(stderr, "socklab-trace: %s\n", err);
	return n;
}

/* How long the drain may take at most: a backlog as big as the ring (64
 * MiB, some 300,000 packets) is handled in well under a second. */
#define DRAIN_MAX_NS (10 * 1000000000ull)

/* After Ctrl-C, a batched capture still holds packets the kernel has not
 * handed over (up to CAPTURE_BATCH_MS in a block not yet full), and, when
 * the tracer runs behind (a loaded machine), whole blocks not yet read:
 * wait for the block's timeout once, then take every packet captured
 * before the Ctrl-C, so the last connections are complete. It ends at the
 * first packet captured after the Ctrl-C (a storm may still be going on),
 * when the ring is empty, at a second Ctrl-C, or after DRAIN_MAX_NS with a
 * warning, never silently short. */
static int drain_batched(struct tracer *t, struct capture *c)
{
	uint64_t stop_ns = clock_ns(CLOCK_REALTIME), end = clock_ns(CLOCK_MONOTONIC) + DRAIN_MAX_NS;
	int n = 0, idle = 0;

	poll(NULL, 0, CAPTURE_BATCH_MS + 20); /* a second Ctrl-C cuts it short */
	/* The first call may return nothing but the break Ctrl-C requested. */
	while (stop_requested < 2 && (n = dispatch(t, c)) >= 0) {
		idle = n > 0 ? 0 : idle + 1;
		if (idle >= 2 || t->last_ns >= stop_ns)
			break;
		if (clock_ns(CLOCK_MONOTONIC) >= end) {
			fprintf(stderr, "socklab-trace: stopped before reading every packet captured before Ctrl-C "
				"(still behind after %llu s)\n", DRAIN_MAX_NS / 1000000000ull);
			break;
		}
	}
	return n < 0 ? -1 : 0;
}

static int run_capture(struct tracer *t, struct capture *c, struct kernel_source *k)
{
	while (!stop_requested) {
		int n;

		if (capture_is_live(c)) {
			struct pollfd pfd[2] = {{capture_fd(c), POLLIN, 0}, {k ? kernel_fd(k) : -1, POLLIN, 0}};
			if (poll(pfd, 2, k ? kernel_poll_ms(k) : 200) < 0 && errno != EINTR) {
				fprintf(stderr, "socklab-trace: poll: %s\n", errtext(errno));
				return -1;
			}
			if (k && read_kernel(t, k) < 0)
				return -1;
		}
		n = dispatch(t, c);
		if (n == CAPTURE_EOF)
			break;
		if (n < 0)
			return -1;
		if (capture_is_live(c))
			flow_table_tick(t->flows, tick_time(t), on_event, t);
		if (k)
			kview_tick(t->kview, clock_ns(CLOCK_REALTIME), on_kernel_event, t);
		if (capture_is_live(c) && (out_flush(t) < 0 || fflush(stdout) == EOF))
			t->write_failed = 1;
		if (t->write_failed)
			return -1;
	}
	if (capture_is_live(c) && !t->immediate && drain_batched(t, c) < 0)
		return -1;
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
		{"kernel", optional_argument, NULL, 'K'},
		{"explain", no_argument, NULL, 'E'},
		{"lang", required_argument, NULL, 'L'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct capture_opts copts = {0}, wire_opts[2] = {{0}, {0}};
	const char *second_file = NULL;
	struct flow_config fcfg;
	struct tracer t = {0};
	struct capture_stats stats;
	struct kernel_source *kernel = NULL;
	int kernel_mode = -1;
	char err[512];
	struct sigaction sa;
	long v;
	int opt, rc;

	opterr = 0; /* our own one-line messages below */

	flow_config_default(&fcfg);
	while ((opt = getopt_long(argc, argv, ":i:r:p:f:w:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'i': copts.iface = optarg; break;
		case 'r':
			if (copts.file && second_file) {
				fprintf(stderr, "socklab-trace: -r at most twice (the client's host, then the server's)\n");
				return 2;
			}
			if (copts.file)
				second_file = optarg;
			else
				copts.file = optarg;
			break;
		case 'f': copts.filter = optarg; break;
		case 'w': copts.write_path = optarg; break;
		case 'J': t.format = FORMAT_JSON; break;
		case 'S': t.format = FORMAT_SUMMARY; break;
		case 'E': t.style.explain = true; break;
		case 'L':
			if (lang_parse(optarg) < 0) {
				fprintf(stderr, "socklab-trace: --lang %s: expected en or zh\n", optarg);
				return 2;
			}
			t.style.lang = (enum lang)lang_parse(optarg);
			break;
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
		case 'K':
			kernel_mode = optarg ? kernel_mode_parse(optarg) : KERNEL_AUTO;
			if (kernel_mode < 0) {
				fprintf(stderr, "socklab-trace: --kernel=%s: expected auto, tracepoint or sock_diag\n", optarg);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		case ':':
			fprintf(stderr, "socklab-trace: option '%s' needs a value; try --help\n", argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr, "socklab-trace: unknown option '%s'; try --help\n", argv[optind - 1]);
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
	if (second_file && (copts.write_path || kernel_mode >= 0)) {
		fprintf(stderr, "socklab-trace: two -r files (a two-host wire) take neither -w nor --kernel\n");
		return 2;
	}
	if (second_file) {
		wire_opts[0] = copts;
		wire_opts[1] = copts;
		wire_opts[1].file = second_file;
		t.flows = flow_table_new(&fcfg);
		t.style.cache = output_cache_new();
		if (!t.flows) {
			fprintf(stderr, "socklab-trace: out of memory for the flow table\n");
			return 1;
		}
		setvbuf(stdout, NULL, _IONBF, 0); /* out_buf is the buffer */
		if (t.format == FORMAT_JSON)
			emit_line(&t,
				  output_format_json("socklab-trace", clock_ns(CLOCK_REALTIME), out_reserve(&t), OUTPUT_LINE_MAX));
		rc = run_points(&t, wire_opts, &stats);
		{
			struct flow_table_stats fs;

			flow_table_stats(t.flows, &fs);
			stats.connections = fs.total;
		}
		if (rc == 0 && t.format == FORMAT_JSON)
			emit_line(&t, output_stats_json(&stats, t.last_ns, out_reserve(&t), OUTPUT_LINE_MAX));
		else if (rc == 0)
			emit_line(&t, output_stats_text(&stats, t.style.lang, out_reserve(&t), OUTPUT_LINE_MAX));
		if (out_flush(&t) < 0 || fflush(stdout) == EOF) {
			fprintf(stderr, "socklab-trace: write to standard output: %s\n", errtext(errno));
			rc = -1;
		}
		flow_table_free(t.flows);
		output_cache_free(t.style.cache);
		return rc < 0 ? 1 : 0;
	}
	if (kernel_mode >= 0 && copts.file) {
		fprintf(stderr, "socklab-trace: --kernel asks the running kernel: it needs a live capture, not -r\n");
		return 2;
	}

	/* A wake-up per packet only where a person waits on the screen: stdout
	 * is a terminal. --kernel also needs it: the kernel view holds its
	 * records only KVIEW_HOLD_NS for the wire to catch up. So does -w: each
	 * packet reaches the file as it comes, so a kill, a crash or a full
	 * disk (shared with other writers) keeps what came before it, not what
	 * came a batch before it. Otherwise (--json to a file or a pipe, a
	 * bench) packets come in batches. */
	copts.immediate = t.immediate = isatty(STDOUT_FILENO) || kernel_mode >= 0 || copts.write_path;
	active_capture = capture_open(&copts, err, sizeof(err));
	if (!active_capture) {
		fprintf(stderr, "socklab-trace: %s\n", err);
		return 1;
	}
	capture_set_arp(active_capture, on_arp);
	/* The kernel view is set up while still root (tracefs needs it). */
	if (kernel_mode >= 0) {
		kernel = kernel_open((enum kernel_mode)kernel_mode, copts.port, err, sizeof(err));
		if (!kernel) {
			fprintf(stderr, "socklab-trace: kernel view: %s\n", err);
			capture_close(active_capture);
			return 1;
		}
		if (*kernel_fallback_reason(kernel))
			fprintf(stderr, "socklab-trace: kernel view: %s; polling sock_diag every %d ms instead "
				"(short-lived states can be missed)\n", kernel_fallback_reason(kernel), kernel_poll_ms(kernel));
	}
	if (privileges_drop(err, sizeof(err)) < 0) {
		fprintf(stderr, "socklab-trace: %s\n", err);
		kernel_close(kernel);
		capture_close(active_capture);
		return 1;
	}
	t.flows = flow_table_new(&fcfg);
	t.style.cache = output_cache_new(); /* without it, only slower */
	t.kview = kernel ? kview_new() : NULL;
	if (!t.flows || (kernel && !t.kview)) {
		fprintf(stderr, "socklab-trace: out of memory for the flow table\n");
		flow_table_free(t.flows);
		kernel_close(kernel);
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
	}
	/* Records gather in out_buf (128 KiB: small enough to stay in the
	 * CPU's cache as it is filled again and again; 1 MiB measured a few
	 * per cent slower): a file, or a batch of packets, is written in pieces of up
	 * to 128 KiB, a live capture's after each
	 * batch (each packet, in immediate mode: a terminal sees every line
	 * as it comes). stdio's own buffer would only copy them again (and,
	 * left to glibc, write every st_blksize: 4 KiB on /dev/null and
	 * pipes, 25,000 writes for a 20,000-connection storm). */
	setvbuf(stdout, NULL, _IONBF, 0);

	if (t.format == FORMAT_JSON)
		emit_line(&t, output_format_json("socklab-trace", clock_ns(CLOCK_REALTIME), out_reserve(&t), OUTPUT_LINE_MAX));
	rc = run_capture(&t, active_capture, kernel);
	if (kernel && read_kernel(&t, kernel) < 0)
		rc = -1;
	flow_table_finish(t.flows, capture_is_live(active_capture) ? clock_ns(CLOCK_REALTIME) : t.last_ns, on_event, &t);
	if (t.kview)
		kview_finish(t.kview, on_kernel_event, &t);
	capture_get_stats(active_capture, &stats);
	{
		struct flow_table_stats fs;

		flow_table_stats(t.flows, &fs); /* every flow has ended by now: total = connections */
		stats.connections = fs.total;
	}
	stats.kernel_lost = kview_lost(t.kview);
	if (t.format == FORMAT_JSON)
		emit_line(&t, output_stats_json(&stats, capture_is_live(active_capture) ? clock_ns(CLOCK_REALTIME) : t.last_ns, out_reserve(&t), OUTPUT_LINE_MAX));
	else
		emit_line(&t, output_stats_text(&stats, t.style.lang, out_reserve(&t), OUTPUT_LINE_MAX));
	if (out_flush(&t) < 0 || fflush(stdout) == EOF) {
		fprintf(stderr, "socklab-trace: write to standard output: %s\n", errtext(errno));
		rc = -1;
	}
	flow_table_free(t.flows);
	output_cache_free(t.style.cache);
	kview_free(t.kview);
	kernel_close(kernel);
	capture_close(active_capture);
	return rc < 0 ? 1 : 0;
}
