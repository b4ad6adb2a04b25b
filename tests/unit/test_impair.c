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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_frame_leaves_after_the_delay),
		cmocka_unit_test(jitter_stays_in_its_bounds_and_keeps_the_order),
		cmocka_unit_test(losses_follow_the_seed_and_the_index_only),
		cmocka_unit_test(reordered_frames_leave_at_once),
		cmocka_unit_test(the_rate_spaces_frames_by_their_length),
		cmocka_unit_test(switches_are_parsed_with_one_line_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
