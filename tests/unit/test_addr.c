/* test_addr.c: resolving and writing socket addresses (lab/addr.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "net.h"

static void resolve_and_format_round_trip(void **state)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char err[128], buf[ENDPOINT_STRLEN];
	(void)state;

	assert_int_equal(addr_resolve("127.0.0.1", "8080", SOCK_STREAM, &ss, &len, err, sizeof(err)), 0);
	assert_string_equal(addr_format((struct sockaddr *)&ss, len, buf, sizeof(buf)), "127.0.0.1:8080");
	assert_int_equal(addr_resolve("::1", "80", SOCK_DGRAM, &ss, &len, err, sizeof(err)), 0);
	assert_string_equal(addr_format((struct sockaddr *)&ss, len, buf, sizeof(buf)), "[::1]:80");
}

static void a_bad_name_is_one_lower_case_line(void **state)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char err[128];
	(void)state;

	assert_int_equal(addr_resolve("1.2.3.999", "80", SOCK_STREAM, &ss, &len, err, sizeof(err)), -1);
	assert_true(strncmp(err, "1.2.3.999 port 80: ", 19) == 0);
	assert_true(err[19] >= 'a' && err[19] <= 'z');
}

static void local_and_peer_only_when_known(void **state)
{
	struct net_addr sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0), lfd;
	char local[ENDPOINT_STRLEN], peer[ENDPOINT_STRLEN], want[ENDPOINT_STRLEN];
	(void)state;

	assert_int_equal(addr_local(fd, local, sizeof(local)), -1); /* not bound yet */
	assert_string_equal(local, "");
	lfd = net_listen_loopback(AF_INET, 1, &sa);
	assert_int_equal(addr_peer(fd, peer, sizeof(peer)), -1);
	assert_int_equal(connect(fd, net_sa(&sa), sa.len), 0);
	assert_int_equal(addr_peer(fd, peer, sizeof(peer)), 0);
	assert_string_equal(peer, addr_format(net_sa(&sa), sa.len, want, sizeof(want)));
	assert_int_equal(addr_local(fd, local, sizeof(local)), 0);
	assert_true(strncmp(local, "127.0.0.1:", 10) == 0);
	close(fd);
	close(lfd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(resolve_and_format_round_trip),
		cmocka_unit_test(a_bad_name_is_one_lower_case_line),
		cmocka_unit_test(local_and_peer_only_when_known),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
