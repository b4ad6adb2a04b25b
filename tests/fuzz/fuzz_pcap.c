/* fuzz_pcap.c: libFuzzer target for a whole capture file, through the same
 * path `socklab-trace -r FILE --json` takes: libpcap reads the file
 * (capture.c), every frame is decoded, fed to a flow table small enough that
 * eviction happens, and every event is written as JSON and as text. Each
 * JSON record must parse back (jansson): hostile input never yields output a
 * reader would reject. The input goes to a memfd opened by path, so
 * capture_open() itself is exercised. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "capture.h"
#include "flow.h"
#include "output.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct run {
	struct flow_table *flows;
	uint64_t t0_ns, last_ns;
};

static void check_json(const char *line, int len)
{
	json_error_t jerr;
	json_t *j;

	if (len < 0)
		return; /* too long for the line buffer: reported, skipped */
	j = json_loadb(line, (size_t)len, 0, &jerr);
	if (!j || !json_is_object(j) || !json_is_string(json_object_get(j, "type"))) {
		fprintf(stderr, "invalid JSON record: %.*s\n%s\n", len, line, jerr.text);
		abort();
	}
	json_decref(j);
}

static void on_event(const struct trace_event *ev, void *ctx)
{
	static const struct output_style zh = {.explain = true, .lang = LANG_ZH};
	struct run *r = ctx;
	char line[OUTPUT_LINE_MAX];

	check_json(line, output_json(ev, NULL, line, sizeof(line)));
	check_json(line, output_json(ev, &zh, line, sizeof(line)));
	output_text(ev, r->t0_ns, NULL, line, sizeof(line));
	if (ev->kind == EVENT_CONN_END)
		output_summary(ev, line, sizeof(line));
}

static void on_segment(const struct segment *seg, uint64_t ts_ns, void *ctx)
{
	struct run *r = ctx;

	if (!r->t0_ns)
		r->t0_ns = ts_ns;
	if (ts_ns > r->last_ns)
		r->last_ns = ts_ns;
	flow_table_tick(r->flows, ts_ns, on_event, r);
	flow_table_segment(r->flows, seg, ts_ns, on_event, r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct flow_config cfg;
	struct run r = {0};
	struct capture *c;
	struct capture_stats stats;
	char path[64], err[512], line[OUTPUT_LINE_MAX];
	int fd = memfd_create("fuzz.pcap", 0), n;

	if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
		perror("memfd");
		abort();
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	c = capture_open(&(struct capture_opts){.file = path}, err, sizeof(err));
	if (c) {
		flow_config_default(&cfg);
		cfg.max_flows = 4;
		r.flows = flow_table_new(&cfg);
		while ((n = capture_dispatch(c, 64, on_segment, &r, err, sizeof(err))) > 0)
			;
		flow_table_finish(r.flows, r.last_ns, on_event, &r);
		capture_get_stats(c, &stats);
		check_json(line, output_stats_json(&stats, r.last_ns, line, sizeof(line)));
		flow_table_free(r.flows);
		capture_close(c);
	}
	close(fd);
	return 0;
}
