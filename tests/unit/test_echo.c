/* test_echo.c: the echo protocol and the lesson switches' policy. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "echo.h"

static void reply_is_prefix_and_bytes(void **state)
{
	char out[ECHO_REPLY_MAX];
	(void)state;

	assert_int_equal(echo_reply("hi\0x", 4, out), 11);
	assert_memory_equal(out, "server-hi\0x", 11);
	assert_int_equal(echo_reply("", 0, out), 7);
	assert_memory_equal(out, "server-", 7);
}

static void after_the_first_reply_the_switch_acts(void **state)
{
	struct server_options o = {0};
	(void)state;

	assert_int_equal(echo_after_reply(&o, 1), KEEP_SERVING);
	o.close_first = true;
	assert_int_equal(echo_after_reply(&o, 1), CLOSE_NOW);
	assert_int_equal(echo_after_reply(&o, 2), KEEP_SERVING);
	o = (struct server_options){.linger0 = true};
	assert_int_equal(echo_after_reply(&o, 1), CLOSE_NOW);
	o = (struct server_options){.half_close = true};
	assert_int_equal(echo_after_reply(&o, 1), SHUT_WRITE);
	assert_int_equal(echo_after_reply(&o, 3), KEEP_SERVING);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reply_is_prefix_and_bytes),
		cmocka_unit_test(after_the_first_reply_the_switch_acts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
