/* test_epoll_names.c: epoll_ctl's operation and event names
 * (common/epoll_names.c) that the lab's epoll_ctl and socklab run's both
 * print. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/epoll.h>

#include "epoll_names.h"

static void operations_have_their_names(void **state)
{
	(void)state;
	assert_string_equal(epoll_op_name(EPOLL_CTL_ADD), "EPOLL_CTL_ADD");
	assert_string_equal(epoll_op_name(EPOLL_CTL_MOD), "EPOLL_CTL_MOD");
	assert_string_equal(epoll_op_name(EPOLL_CTL_DEL), "EPOLL_CTL_DEL");
	assert_string_equal(epoll_op_name(99), "?");
}

static void events_are_joined_in_one_order(void **state)
{
	char buf[160];

	(void)state;
	assert_string_equal(epoll_events_names(EPOLLIN | EPOLLEXCLUSIVE, buf, sizeof(buf)), "EPOLLIN|EPOLLEXCLUSIVE");
	assert_string_equal(epoll_events_names(EPOLLEXCLUSIVE | EPOLLIN, buf, sizeof(buf)), "EPOLLIN|EPOLLEXCLUSIVE");
	assert_string_equal(epoll_events_names(EPOLLOUT, buf, sizeof(buf)), "EPOLLOUT");
	assert_string_equal(epoll_events_names(0, buf, sizeof(buf)), "");
	/* a bit the table does not know: its value, not dropped */
	assert_string_equal(epoll_events_names(EPOLLIN | 0x400000, buf, sizeof(buf)), "EPOLLIN|0x400000");
	assert_string_equal(epoll_events_names(0x400000, buf, sizeof(buf)), "0x400000");
	/* too small a buffer: nothing half written */
	assert_string_equal(epoll_events_names(EPOLLIN | EPOLLEXCLUSIVE, buf, 8), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(operations_have_their_names),
		cmocka_unit_test(events_are_joined_in_one_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
