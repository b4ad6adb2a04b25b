/* test_why.c: the catalog of explanations: every key unique and parsable,
 * every sentence present in every language, every placeholder filled. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "why.h"

static void test_every_row_renders_in_every_language(void **state)
{
	(void)state;
	for (int w = 1; w < WHY_COUNT; w++) {
		for (int l = 0; l < LANG_COUNT; l++) {
			for (int server = 0; server <= 1; server++) {
				char buf[WHY_TEXT_MAX];
				int len = why_format((enum tcp_why)w, (enum lang)l, server, 7, 13, buf, sizeof(buf));

				if (len < 40)
					fail_msg("%s in %s: %d bytes", why_key((enum tcp_why)w), lang_name((enum lang)l), len);
				if (strchr(buf, '{') || strchr(buf, '}'))
					fail_msg("%s in %s: a placeholder survived: %s", why_key((enum tcp_why)w),
						 lang_name((enum lang)l), buf);
				assert_int_equal((int)strlen(buf), len);
			}
		}
	}
}

static void test_keys_are_unique_and_parse_back(void **state)
{
	(void)state;
	assert_string_equal(why_key(WHY_NONE), "");
	for (int w = 1; w < WHY_COUNT; w++) {
		const char *k = why_key((enum tcp_why)w);

		assert_true(strlen(k) > 2);
		assert_true(strlen(k) < WHY_KEY_MAX);
		for (const char *p = k; *p; p++)
			assert_true((*p >= 'a' && *p <= 'z') || *p == '_');
		assert_int_equal(why_parse(k), w);
	}
	assert_int_equal(why_parse("the client's connect() sent a SYN"), -1);
	assert_int_equal(why_parse(""), -1);
	assert_string_equal(why_key(WHY_COUNT), "");
}

static void test_placeholders_name_roles_and_numbers(void **state)
{
	char buf[WHY_TEXT_MAX];

	(void)state;
	assert_true(why_format(WHY_FIN_ACKED, LANG_EN, false, 1, 8, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "the server's ACK (ack=8) covers the client's FIN"));
	assert_true(why_format(WHY_FIN_ACKED, LANG_EN, true, 1, 8, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "the client's ACK (ack=8) covers the server's FIN"));
	assert_true(why_format(WHY_RESET, LANG_ZH, false, 4294967295u, 0, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "连接被服务器重置"));
	assert_non_null(strstr(buf, "seq=4294967295"));
	assert_non_null(strstr(buf, "客户端的下一次 read()"));
}

static void test_a_short_buffer_gives_nothing_cut(void **state)
{
	char buf[32] = "x";

	(void)state;
	assert_int_equal(why_format(WHY_TIME_WAIT, LANG_EN, false, 0, 0, buf, sizeof(buf)), -1);
	assert_string_equal(buf, "");
	assert_int_equal(why_format(WHY_COUNT, LANG_EN, false, 0, 0, buf, sizeof(buf)), -1);
	assert_int_equal(why_format(WHY_CONNECT, (enum lang)LANG_COUNT, false, 0, 0, buf, sizeof(buf)), -1);
	assert_int_equal(why_format(WHY_CONNECT, LANG_EN, false, 0, 0, buf, 0), -1);
}

static void test_lang_names(void **state)
{
	(void)state;
	assert_int_equal(lang_parse("en"), LANG_EN);
	assert_int_equal(lang_parse("zh"), LANG_ZH);
	assert_int_equal(lang_parse("fr"), -1);
	assert_int_equal(lang_parse(NULL), -1);
	assert_string_equal(lang_name(LANG_ZH), "zh");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_row_renders_in_every_language),
		cmocka_unit_test(test_keys_are_unique_and_parse_back),
		cmocka_unit_test(test_placeholders_name_roles_and_numbers),
		cmocka_unit_test(test_a_short_buffer_gives_nothing_cut),
		cmocka_unit_test(test_lang_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
