/* test_portcheck.c: port_listener() on real sockets of this process. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net.h"
#include "portcheck.h"

static void finds_our_own_listener(void **state)
{
	char who[96], want[32];
	struct net_addr a;
	int port, fd;

	(void)state;
	for (int family = AF_INET; family; family = family == AF_INET ? AF_INET6 : 0) {
		fd = net_listen_loopback(family, 1, &a);
		port = net_port(&a);
		assert_int_equal(port_listener(port, LANG_EN, who, sizeof(who)), 1);
		snprintf(want, sizeof(want), "(pid %d)", (int)getpid());
		assert_non_null(strstr(who, want));
		close(fd);
		assert_int_equal(port_listener(port, LANG_EN, who, sizeof(who)), 0);
	}
}

/* The message a student reads when another program holds the lab's port,
 * in each language; the Chinese one has no English words in it. */
static void port_in_use_is_said_in_the_screens_language(void **state)
{
	char msg[512], want[64];
	struct net_addr a;
	int fd = net_listen_loopback(AF_INET, 1, &a), port = net_port(&a);

	(void)state;
	assert_int_equal(port_in_use_message(port, LANG_EN, msg, sizeof(msg)), 1);
	snprintf(want, sizeof(want), "port %d is already in use by ", port);
	assert_non_null(strstr(msg, want));
	snprintf(want, sizeof(want), "(pid %d)", (int)getpid());
	assert_non_null(strstr(msg, want));
	assert_int_equal(port_in_use_message(port, LANG_ZH, msg, sizeof(msg)), 1);
	snprintf(want, sizeof(want), "端口 %d 已被 ", port);
	assert_non_null(strstr(msg, want));
	snprintf(want, sizeof(want), "（pid %d） 占用：", (int)getpid());
	assert_non_null(strstr(msg, want));
	assert_null(strstr(msg, "already"));
	assert_null(strstr(msg, "stop it"));
	close(fd);
	assert_int_equal(port_in_use_message(port, LANG_ZH, msg, sizeof(msg)), 0);
}

static void bound_but_not_listening_is_free(void **state)
{
	char who[96];
	struct net_addr a;
	int fd = net_bind_loopback(AF_INET, &a);

	(void)state;
	assert_int_equal(port_listener(net_port(&a), LANG_EN, who, sizeof(who)), 0);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(finds_our_own_listener),
		cmocka_unit_test(port_in_use_is_said_in_the_screens_language),
		cmocka_unit_test(bound_but_not_listening_is_free),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
