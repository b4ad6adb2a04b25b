/* test_gorec.c: the go record (common/gorec.c) that the lab's --step gate
 * and socklab run --step both wait for. The records are the bytes the UI
 * sends (ui/channel.c writes {"type":"go","seq":N}). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "gorec.h"

static long seq_of(const char *s)
{
	return gorec_seq(s, strlen(s));
}

static void a_go_gives_its_seq(void **state)
{
	(void)state;
	assert_int_equal(seq_of("{\"type\":\"go\",\"seq\":7}"), 7);
	assert_int_equal(seq_of("{\"type\":\"go\",\"seq\":0}"), 0);
	assert_int_equal(seq_of("{\"seq\":4294967295,\"type\":\"go\"}"), 4294967295L);
	assert_int_equal(seq_of(" { \"type\" : \"go\", \"seq\" : 12, \"extra\": [1] } "), 12);
}

/* the datagram is not NUL-terminated: only len bytes count */
static void only_len_bytes_are_read(void **state)
{
	(void)state;
	const char buf[] = "{\"type\":\"go\",\"seq\":31}{\"type\":\"go\",\"seq\":5}";

	assert_int_equal(gorec_seq(buf, 22), 31);
	assert_int_equal(gorec_seq(buf, 21), -1); /* cut before its brace */
	assert_int_equal(gorec_seq(buf, sizeof(buf) - 1), -1); /* two records: not one */
}

static void anything_else_is_not_a_go(void **state)
{
	(void)state;
	static const char *const not_go[] = {
		"",
		"go",
		"{}",
		"{\"type\":\"go\"}",
		"{\"type\":\"go\",\"seq\":-1}",
		"{\"type\":\"go\",\"seq\":\"7\"}",
		"{\"type\":\"go\",\"seq\":7.0}",
		"{\"type\":\"step\",\"seq\":7}",
		"{\"type\":\"Go\",\"seq\":7}",
		"{\"type\":7,\"seq\":7}",
		"[\"go\",7]",
		"{\"type\":\"go\",\"seq\":7",
	};

	for (size_t i = 0; i < sizeof(not_go) / sizeof(not_go[0]); i++)
		if (seq_of(not_go[i]) != -1)
			fail_msg("taken for a go: %s", not_go[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_go_gives_its_seq),
		cmocka_unit_test(only_len_bytes_are_read),
		cmocka_unit_test(anything_else_is_not_a_go),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
