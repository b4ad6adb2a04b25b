/* test_impair.c: the wire's impairment model (wire/impair.c): delays,
 * order, the rate limit, and seeded losses that depend only on the seed,
 * the direction and the frame's index. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "impair.h"

#define MS 1000000ull

static struct impair_cfg cfg_of(uint64_t delay_ms, uint64_t jitter_ms, uint32_t loss_ppm, uint64_t seed)
{
	return (struct impair_cfg){.delay_ns = delay_ms * MS, .jitter_ns = jitter_ms * MS, .loss_ppm = loss_ppm,
				   .seed = seed, .enabled = true};
}

static void a_frame_leaves_after_the_delay(void **state)
{
	struct impair_cfg c = cfg_of(100, 0, 0, 1);
	struct impair m;
	struct impair_fate f;
	(void)state;

	impair_init(&m, &c);
	impair_decide(&m, IMPAIR_TO_SERVER, 5 * MS, 60, &f);
	assert_false(f.lost);
	assert_int_equal(f.index, 0);
	assert_int_equal(f.send_at_ns, 105 * MS);
	impair_decide(&m, IMPAIR_TO_CLIENT, 6 * MS, 60, &f);
	assert_int_equal(f.index, 0); /* each direction counts its own frames */
	assert_int_equal(f.send_at_ns, 106 * MS);
	impair_decide(&m, IMPAIR_TO_SERVER, 7 * MS, 60, &f);
	assert_int_equal(f.index, 1);
	assert_int_equal(f.send_at_ns, 107 * MS);
}

static void jitter_stays_in_its_bounds_and_keeps_the_order(void **state)
{
	struct impair_cfg c = cfg_of(100, 20, 0, 7);
	struct impair m;
	struct impair_fate f;
	uint64_t last = 0, lo = UINT64_MAX, hi = 0;
	(void)state;

	impair_init(&m, &c);
	for (uint64_t i = 0; i < 2000; i++) {
		uint64_t now = i * 50 * MS; /* far apart: no frame waits for another */
		impair_decide(&m, IMPAIR_TO_SERVER, now, 100, &f);
		assert_true(f.send_at_ns >= now + 80 * MS && f.send_at_ns <= now + 120 * MS);
		assert_true(f.send_at_ns >= last);
		last = f.send_at_ns;
		lo = f.send_at_ns - now < lo ? f.send_at_ns - now : lo;
		hi = f.send_at_ns - now > hi ? f.send_at_ns - now : hi;
	}
	assert_true(lo < 82 * MS && hi > 118 * MS); /* the whole range is used */
	/* close together: a frame never overtakes the one before it */
	impair_init(&m, &c);
	last = 0;
	for (uint64_t i = 0; i < 200; i++) {
		impair_decide(&m, IMPAIR_TO_CLIENT, i * MS, 100, &f);
		assert_true(f.send_at_ns >= last);
		last = f.send_at_ns;
	}
}

static void losses_follow_the_seed_and_the_index_only(void **state)
{
	struct impair_cfg c = cfg_of(10, 5, 200000, 42), d = cfg_of(10, 5, 200000, 43);
	struct impair m;
	struct impair_fate f;
	unsigned lost = 0, differ = 0;
	(void)state;

	impair_init(&m, &c);
	for (uint64_t i = 0; i < 10000; i++) {
		/* frames of the other direction in between change nothing */
		if (i % 3 == 0)
			impair_decide(&m, IMPAIR_TO_CLIENT, i * MS, 60, &f);
		impair_decide(&m, IMPAIR_TO_SERVER, i * MS, 60, &f);
		assert_int_equal(f.index, i);
		assert_int_equal(f.lost, impair_lost_at(&c, IMPAIR_TO_SERVER, i));
		lost += f.lost;
		differ += impair_lost_at(&c, IMPAIR_TO_SERVER, i) != impair_lost_at(&d, IMPAIR_TO_SERVER, i);
	}
	assert_in_range(lost, 1800, 2200); /* 20% of 10000 */
	assert_true(differ > 2000);        /* another seed, other frames */
	c.loss_ppm = 0;
	for (uint64_t i = 0; i < 1000; i++)
		assert_false(impair_lost_at(&c, IMPAIR_TO_SERVER, i));
	c.loss_ppm = 1000000;
	for (uint64_t i = 0; i < 1000; i++)
		assert_true(impair_lost_at(&c, IMPAIR_TO_CLIENT, i));
}

static void reordered_frames_leave_at_once(void **state)
{
	struct impair_cfg c = cfg_of(100, 0, 0, 3);
	struct impair m;
	struct impair_fate f;
	unsigned n = 0;
	(void)state;

	c.reorder_ppm = 250000;
	impair_init(&m, &c);
	for (uint64_t i = 0; i < 4000; i++) {
		impair_decide(&m, IMPAIR_TO_SERVER, i * MS, 60, &f);
		assert_int_equal(f.send_at_ns, f.reordered ? i * MS : i * MS + 100 * MS);
		n += f.reordered;
	}
	assert_in_range(n, 850, 1150);
}

static void the_rate_spaces_frames_by_their_length(void **state)
{
	struct impair_cfg c = cfg_of(0, 0, 0, 1);
	struct impair m;
	struct impair_fate f;
	(void)state;

	c.rate_kbit = 1000; /* 1000 bytes: 8 ms */
	impair_init(&m, &c);
	impair_decide(&m, IMPAIR_TO_SERVER, 0, 1000, &f);
	assert_int_equal(f.send_at_ns, 8 * MS);
	impair_decide(&m, IMPAIR_TO_SERVER, 0, 1000, &f);
	assert_int_equal(f.send_at_ns, 16 * MS); /* queued behind the first */
	impair_decide(&m, IMPAIR_TO_SERVER, 100 * MS, 500, &f);
	assert_int_equal(f.send_at_ns, 104 * MS); /* the link was idle */
	assert_true(impair_horizon_ns(&c, 1000, 1514) > 12000 * MS); /* 1000 full frames at 1 Mbit/s */
}

static void switches_are_parsed_with_one_line_errors(void **state)
{
	struct impair_cfg c = {0};
	struct option o[IMPAIR_NSWITCHES];
	char err[128] = "", text[160];
	(void)state;

	impair_longopts(o, 300);
	assert_string_equal(o[0].name, "delay");
	assert_int_equal(o[5].val, 305);
	assert_int_equal(impair_parse_switch(0, "100", &c, err, sizeof(err)), 0);
	assert_int_equal(impair_parse_switch(2, "0.5", &c, err, sizeof(err)), 0);
	assert_int_equal(impair_parse_switch(5, "42", &c, err, sizeof(err)), 0);
	assert_true(c.enabled && c.seeded);
	assert_int_equal(c.delay_ns, 100 * MS);
	assert_int_equal(c.loss_ppm, 5000);
	assert_int_equal(c.seed, 42);
	assert_int_equal(impair_parse_switch(2, "120", &c, err, sizeof(err)), -1);
	assert_string_equal(err, "--loss '120': expected a percentage from 0 to 100");
	assert_int_equal(impair_parse_switch(4, "0", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--rate"));
	assert_int_equal(impair_parse_switch(0, "-5", &c, err, sizeof(err)), -1);
	impair_describe(&c, text, sizeof(text));
	assert_string_equal(text, "delay 100 ms, jitter 0 ms, loss 0.5%, reorder 0%, rate unlimited, seed 42");
}

/* An Ethernet frame with an IPv4 TCP segment: flags, payload bytes. */
static size_t tcp_frame(unsigned char *f, uint8_t flags, size_t payload)
{
	size_t ihl = 20, doff = 32, total = ihl + doff + payload;

	memset(f, 0, 14 + total);
	f[12] = 0x08; /* IPv4 */
	f[14] = 0x45;
	f[16] = (unsigned char)(total >> 8);
	f[17] = (unsigned char)total;
	f[20] = 0x40; /* don't fragment */
	f[23] = 6;    /* TCP */
	f[14 + ihl + 12] = (unsigned char)(doff / 4) << 4;
	f[14 + ihl + 13] = flags;
	return 14 + total;
}

static void rules_match_direction_flags_and_payload(void **state)
{
	unsigned char syn[128], synack[128], ack[128], data[256], fin[128];
	size_t nsyn = tcp_frame(syn, 0x02, 0), nsynack = tcp_frame(synack, 0x12, 0), nack = tcp_frame(ack, 0x10, 0),
	       ndata = tcp_frame(data, 0x18, 100), nfin = tcp_frame(fin, 0x11, 0);
	struct impair_rule r = {.dir = IMPAIR_TO_SERVER, .has_flags = true, .flags = 0x02, .count = 1};
	(void)state;

	assert_true(impair_rule_matches(&r, IMPAIR_TO_SERVER, syn, nsyn));
	assert_false(impair_rule_matches(&r, IMPAIR_TO_CLIENT, syn, nsyn)); /* the other direction */
	assert_false(impair_rule_matches(&r, IMPAIR_TO_SERVER, synack, nsynack)); /* flags are exact */
	assert_false(impair_rule_matches(&r, IMPAIR_TO_SERVER, ack, nack));
	r = (struct impair_rule){.dir = IMPAIR_TO_CLIENT, .data = true, .count = 1};
	assert_true(impair_rule_matches(&r, IMPAIR_TO_CLIENT, data, ndata));
	assert_false(impair_rule_matches(&r, IMPAIR_TO_CLIENT, ack, nack)); /* no payload */
	assert_false(impair_rule_matches(&r, IMPAIR_TO_CLIENT, fin, nfin));
	r = (struct impair_rule){.dir = IMPAIR_TO_CLIENT, .has_flags = true, .flags = 0x11, .count = 1};
	assert_true(impair_rule_matches(&r, IMPAIR_TO_CLIENT, fin, nfin));
	r.count = 0; /* used up */
	assert_false(impair_rule_matches(&r, IMPAIR_TO_CLIENT, fin, nfin));
}

static void rules_never_match_what_is_not_a_whole_tcp_segment(void **state)
{
	unsigned char f[128], arp[60] = {0};
	size_t n = tcp_frame(f, 0x02, 0);
	struct impair_rule r = {.dir = IMPAIR_TO_SERVER, .count = 1}; /* any TCP segment */
	(void)state;

	assert_true(impair_rule_matches(&r, IMPAIR_TO_SERVER, f, n));
	for (size_t cut = 0; cut < 14 + 20 + 14; cut++) /* up to the TCP flags: too short */
		assert_false(impair_rule_matches(&r, IMPAIR_TO_SERVER, f, cut));
	arp[12] = 0x08;
	arp[13] = 0x06;
	assert_false(impair_rule_matches(&r, IMPAIR_TO_SERVER, arp, sizeof(arp)));
	f[23] = 17; /* UDP */
	assert_false(impair_rule_matches(&r, IMPAIR_TO_SERVER, f, n));
	f[23] = 6;
	f[21] = 0x10; /* a later fragment: no TCP header in it */
	assert_false(impair_rule_matches(&r, IMPAIR_TO_SERVER, f, n));
	f[21] = 0;
	f[14] = 0x44; /* an IHL under 20 bytes */
	assert_false(impair_rule_matches(&r, IMPAIR_TO_SERVER, f, n));
}

static void rules_take_their_count_then_let_frames_pass(void **state)
{
	unsigned char syn[128], data[256];
	size_t nsyn = tcp_frame(syn, 0x02, 0), ndata = tcp_frame(data, 0x18, 10);
	struct impair_rule rules[2] = {{.dir = IMPAIR_TO_SERVER, .has_flags = true, .flags = 0x02, .count = 2},
				       {.dir = IMPAIR_TO_CLIENT, .data = true, .count = 1}};
	(void)state;

	assert_true(impair_rules_take(rules, 2, IMPAIR_TO_SERVER, syn, nsyn));
	assert_true(impair_rules_take(rules, 2, IMPAIR_TO_SERVER, syn, nsyn));
	assert_false(impair_rules_take(rules, 2, IMPAIR_TO_SERVER, syn, nsyn)); /* the third SYN passes */
	assert_false(impair_rules_take(rules, 2, IMPAIR_TO_SERVER, data, ndata));
	assert_true(impair_rules_take(rules, 2, IMPAIR_TO_CLIENT, data, ndata));
	assert_false(impair_rules_take(rules, 2, IMPAIR_TO_CLIENT, data, ndata));
	assert_int_equal(rules[0].count, 0);
	assert_int_equal(rules[1].count, 0);
	/* skip: the third data segment, not the first */
	rules[1] = (struct impair_rule){.dir = IMPAIR_TO_CLIENT, .data = true, .skip = 2, .count = 1};
	assert_false(impair_rules_take(rules, 2, IMPAIR_TO_CLIENT, syn, nsyn)); /* not data: not counted */
	assert_false(impair_rules_take(rules, 2, IMPAIR_TO_CLIENT, data, ndata));
	assert_false(impair_rules_take(rules, 2, IMPAIR_TO_CLIENT, data, ndata));
	assert_true(impair_rules_take(rules, 2, IMPAIR_TO_CLIENT, data, ndata));
	assert_false(impair_rules_take(rules, 2, IMPAIR_TO_CLIENT, data, ndata));
	assert_int_equal(impair_switch_index("loss"), 2);
	assert_int_equal(impair_switch_index("lost"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_frame_leaves_after_the_delay),
		cmocka_unit_test(jitter_stays_in_its_bounds_and_keeps_the_order),
		cmocka_unit_test(losses_follow_the_seed_and_the_index_only),
		cmocka_unit_test(reordered_frames_leave_at_once),
		cmocka_unit_test(the_rate_spaces_frames_by_their_length),
		cmocka_unit_test(switches_are_parsed_with_one_line_errors),
		cmocka_unit_test(rules_match_direction_flags_and_payload),
		cmocka_unit_test(rules_never_match_what_is_not_a_whole_tcp_segment),
		cmocka_unit_test(rules_take_their_count_then_let_frames_pass),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
