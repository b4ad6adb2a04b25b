/* test_sockopt_names.c: the socket option names (common/sockopt_names.c)
 * that the lab's wrappers and socklab run both print. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "sockopt_names.h"

static void expect_names(int level, int name, const char *level_text, const char *name_text)
{
	const char *l = NULL, *n = NULL;

	assert_true(sockopt_names(level, name, &l, &n));
	assert_string_equal(l, level_text);
	assert_string_equal(n, name_text);
}

static void lesson_options_have_their_names(void **state)
{
	(void)state;
	expect_names(SOL_SOCKET, SO_REUSEADDR, "SOL_SOCKET", "SO_REUSEADDR");
	expect_names(SOL_SOCKET, SO_LINGER, "SOL_SOCKET", "SO_LINGER");
	expect_names(SOL_SOCKET, SO_ERROR, "SOL_SOCKET", "SO_ERROR");
	expect_names(SOL_SOCKET, SO_RCVBUF, "SOL_SOCKET", "SO_RCVBUF");
	expect_names(IPPROTO_TCP, TCP_NODELAY, "IPPROTO_TCP", "TCP_NODELAY");
	expect_names(IPPROTO_TCP, TCP_KEEPIDLE, "IPPROTO_TCP", "TCP_KEEPIDLE");
	expect_names(IPPROTO_IPV6, IPV6_V6ONLY, "IPPROTO_IPV6", "IPV6_V6ONLY");
}

/* the level decides: TCP_NODELAY and SO_DEBUG are both 1, TCP_MAXSEG and
 * SO_REUSEADDR both 2 */
static void a_number_is_named_only_at_its_level(void **state)
{
	(void)state;
	const char *l = "untouched", *n = "untouched";

	expect_names(IPPROTO_TCP, 1, "IPPROTO_TCP", "TCP_NODELAY");
	assert_false(sockopt_names(SOL_SOCKET, TCP_NODELAY, &l, &n)); /* SO_DEBUG: not in the table */
	assert_false(sockopt_names(IPPROTO_TCP, SO_REUSEADDR, &l, &n)); /* TCP_MAXSEG */
	assert_false(sockopt_names(IPPROTO_IP, SO_LINGER, &l, &n));
	assert_false(sockopt_names(SOL_SOCKET, 99999, &l, &n));
	assert_false(sockopt_names(-1, -1, &l, &n));
	assert_string_equal(l, "untouched");
	assert_string_equal(n, "untouched");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lesson_options_have_their_names),
		cmocka_unit_test(a_number_is_named_only_at_its_level),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
