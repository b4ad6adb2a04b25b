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

#include "portcheck.h"

/* A socket bound to a free loopback port; listening when listen_too. */
static int bound_socket(int family, bool listen_too, int *port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd = socket(family, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		len = sizeof(*sin6);
	}
	assert_int_equal(bind(fd, (struct sockaddr *)&ss, len), 0);
	if (listen_too)
		assert_int_equal(listen(fd, 1), 0);
	len = sizeof(ss);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
	*port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port : ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

static void finds_our_own_listener(void **state)
{
	char who[96], want[32];
	int port, fd;

	(void)state;
	for (int family = AF_INET; family; family = family == AF_INET ? AF_INET6 : 0) {
		fd = bound_socket(family, true, &port);
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
	int port, fd = bound_socket(AF_INET, false, &port);

	(void)state;
	assert_int_equal(port_listener(port, who, sizeof(who)), 0);
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
