/* test_args.c: command-line numbers (tracer/args.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>

#include "args.h"

static void whole_numbers_in_range_are_taken(void **state)
{
	char err[128] = "";
	long v = -1;
	(void)state;

	assert_int_equal(args_number("port", "1", 1, 65535, &v, err, sizeof(err)), 0);
	assert_int_equal(v, 1);
	assert_int_equal(args_number("port", "65535", 1, 65535, &v, err, sizeof(err)), 0);
	assert_int_equal(v, 65535);
	assert_int_equal(args_number("--backlog", "0", 0, INT_MAX, &v, err, sizeof(err)), 0);
	assert_int_equal(v, 0);
	assert_string_equal(err, "");
}

static void anything_else_is_one_line_naming_it(void **state)
{
	static const char *const bad[] = {"", "0", "65536", "-1", "+5", " 5", "5 ", "5x", "0x10", "1e3",
					  "99999999999999999999999"};
	char err[128];
	long v = 42;
	(void)state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char want[128];

		snprintf(want, sizeof(want), "port '%s': expected a number from 1 to 65535", bad[i]);
		assert_int_equal(args_number("port", bad[i], 1, 65535, &v, err, sizeof(err)), -1);
		assert_string_equal(err, want);
		assert_int_equal(v, 42); /* untouched on failure */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(whole_numbers_in_range_are_taken),
		cmocka_unit_test(anything_else_is_one_line_naming_it),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
