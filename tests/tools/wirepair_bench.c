/* wirepair_bench: what pairing a two-host wire's copies costs
 * (tests/bench/wire_bench.sh). N segments on C connections, one sent every
 * GAP_US microseconds, each arriving DELAY_MS later at the other point
 * (1 in 100 lost), fed in time order as two live points would: first
 * wirepair alone, then wirepair and the flow table's two-time path.
 *
 *   wirepair_bench [N [C [GAP_US [DELAY_MS]]]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "flow.h"
#include "wirepair.h"

struct run {
	struct flow_table *flows; /* NULL: pairing alone */
	unsigned long out;
};

static void on_event(const struct trace_event *ev, void *ctx)
{
	(void)ev;
	((struct run *)ctx)->out++;
}

static void on_seg(const struct wirepair_seg *s, void *ctx)
{
	struct run *r = ctx;

	r->out++;
	if (r->flows)
		flow_table_wire_segment(r->flows, s->seg, s->sent_ns, s->arrived_ns, on_event, r);
}

static struct segment seg_of(unsigned long i, unsigned conns)
{
	unsigned c = (unsigned)(i % conns);
	struct segment s = { .flags = 0x18, .len = 100, .win = 512 };

	s.src = (struct endpoint){ .family = 4, .port = (uint16_t)(40000 + c), .addr = { 10, 77, 0, 1 } };
	s.dst = (struct endpoint){ .family = 4, .port = 8080, .addr = { 10, 77, 0, 2 } };
	s.seq = (uint32_t)(1000 + (i / conns) * 100);
	s.ack = 1;
	s.ip_id = (uint16_t)(i / conns);
	s.opt.has = TCPOPT_HAS_TS;
	s.opt.ts_val = (uint32_t)(i / 10);
	return s;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double run(unsigned long n, unsigned conns, uint64_t gap, uint64_t delay, bool with_flows,
		  struct wirepair_stats *st)
{
	struct wirepair_config cfg;
	struct flow_config fc;
	struct run r = { 0 };
	struct wirepair *w;
	unsigned long next_arrival = 0;
	const uint64_t t0 = 1764107207ull * 1000000000ull;
	double start;

	wirepair_config_default(&cfg);
	flow_config_default(&fc);
	w = wirepair_new(&cfg);
	r.flows = with_flows ? flow_table_new(&fc) : NULL;
	start = now_s();
	for (unsigned long i = 0; i < n; i++) {
		uint64_t sent = t0 + i * gap;
		struct segment s;

		/* the arrivals due before this send (a constant delay: in order) */
		while (next_arrival < i && t0 + next_arrival * gap + delay <= sent) {
			if (next_arrival % 100 != 7) { /* 1 in 100 is lost on the wire */
				s = seg_of(next_arrival, conns);
				wirepair_copy(w, 1, &s, t0 + next_arrival * gap + delay, on_seg, &r);
			}
			next_arrival++;
		}
		s = seg_of(i, conns);
		wirepair_copy(w, 0, &s, sent, on_seg, &r);
	}
	for (; next_arrival < n; next_arrival++) {
		struct segment s = seg_of(next_arrival, conns);

		if (next_arrival % 100 != 7)
			wirepair_copy(w, 1, &s, t0 + next_arrival * gap + delay, on_seg, &r);
	}
	wirepair_finish(w, on_seg, &r);
	if (r.flows)
		flow_table_finish(r.flows, t0 + n * gap + delay, on_event, &r);
	wirepair_stats(w, st);
	wirepair_free(w);
	flow_table_free(r.flows);
	return now_s() - start;
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
	unsigned conns = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 100;
	uint64_t gap = (argc > 3 ? strtoull(argv[3], NULL, 10) : 10) * 1000ull;
	uint64_t delay = (argc > 4 ? strtoull(argv[4], NULL, 10) : 50) * 1000000ull;
	struct wirepair_stats st;
	double t;

	if (!n || !conns || !gap) {
		fprintf(stderr, "usage: wirepair_bench [N [CONNS [GAP_US [DELAY_MS]]]] (all > 0)\n");
		return 2;
	}
	t = run(n, conns, gap, delay, false, &st);
	printf("pairing alone: %lu segments (%lu copies) in %.3f s: %.0f ns per segment; %llu paired, %llu lost, "
	       "%llu evicted; at most %zu copies waiting, %zu bytes each (%.1f MiB)\n",
	       n, n * 2 - n / 100, t, t * 1e9 / (double)n, (unsigned long long)st.paired, (unsigned long long)st.lost,
	       (unsigned long long)st.evicted, st.peak, st.copy_bytes, (double)st.peak * (double)st.copy_bytes / 1048576.0);
	t = run(n, conns, gap, delay, true, &st);
	printf("pairing + flow table (two times): %.3f s: %.0f ns per segment\n", t, t * 1e9 / (double)n);
	return 0;
}
