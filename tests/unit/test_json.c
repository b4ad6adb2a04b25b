/* test_json.c: the bounded appender's numbers, against printf. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "json.h"

/* outbuf_u64 writes what printf's %llu writes, at every digit count and
 * at each side of every power of ten, in place and through its scratch
 * array near the end of the buffer. */
static void numbers_match_printf(void **state)
{
	uint64_t p = 1;

	(void)state;
	for (int digits = 1; digits <= 20; digits++) {
		uint64_t vs[] = {p - 1, p, p + 1, p * 2 - 1, digits < 20 ? p * 10 - 1 : UINT64_MAX};

		for (size_t i = 0; i < sizeof(vs) / sizeof(vs[0]); i++) {
			char want[32], big[64], tight[32];
			int len = snprintf(want, sizeof(want), "%" PRIu64, vs[i]);
			struct outbuf o = outbuf_at(big, sizeof(big), 0);

			outbuf_u64(&o, vs[i]);
			assert_int_equal(outbuf_finish(&o), len);
			assert_string_equal(big, want);
			/* Exactly room for the digits and the NUL. */
			o = outbuf_at(tight, (size_t)len + 1, 0);
			outbuf_u64(&o, vs[i]);
			assert_int_equal(outbuf_finish(&o), len);
			assert_string_equal(tight, want);
			/* One byte short: refused, not cut. */
			o = outbuf_at(tight, (size_t)len, 0);
			outbuf_u64(&o, vs[i]);
			assert_int_equal(outbuf_finish(&o), -1);
		}
		if (digits < 20)
			p *= 10;
	}
}

/* The low 8 digits with their zeros, after a prefix: how a cached
 * timestamp prefix is completed; refused whole at the buffer's end. */
static void eight_digits(void **state)
{
	char buf[16], tight[9];
	struct outbuf o = outbuf_at(buf, sizeof(buf), 0);

	(void)state;
	outbuf_lit(&o, "17962");
	outbuf_digits8(&o, 42);
	assert_int_equal(outbuf_finish(&o), 13);
	assert_string_equal(buf, "1796200000042");
	o = outbuf_at(tight, sizeof(tight), 0);
	outbuf_digits8(&o, 99999999);
	assert_int_equal(outbuf_finish(&o), 8);
	assert_string_equal(tight, "99999999");
	o = outbuf_at(tight, 8, 0);
	outbuf_digits8(&o, 1);
	assert_int_equal(outbuf_finish(&o), -1);
}

static void signed_and_seconds(void **state)
{
	char buf[64];
	struct outbuf o = outbuf_at(buf, sizeof(buf), 0);

	(void)state;
	outbuf_i64(&o, INT64_MIN);
	outbuf_char(&o, ' ');
	outbuf_i64(&o, -7);
	outbuf_char(&o, ' ');
	outbuf_secs(&o, 12000345678ull);
	assert_true(outbuf_finish(&o) > 0);
	assert_string_equal(buf, "-9223372036854775808 -7 12.000345");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numbers_match_printf),
		cmocka_unit_test(eight_digits),
		cmocka_unit_test(signed_and_seconds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
