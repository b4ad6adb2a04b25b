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
		assert_int_equal(port_listener(port, who, sizeof(who)), 1);
		snprintf(want, sizeof(want), "(pid %d)", (int)getpid());
		assert_non_null(strstr(who, want));
		close(fd);
		assert_int_equal(port_listener(port, who, sizeof(who)), 0);
	}
}

static void bound_but_not_listening_is_free(void **state)
{
	char who[96];
	struct net_addr a;
	int fd = net_bind_loopback(AF_INET, &a);

	(void)state;
	assert_int_equal(port_listener(net_port(&a), who, sizeof(who)), 0);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(finds_our_own_listener),
		cmocka_unit_test(bound_but_not_listening_is_free),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
