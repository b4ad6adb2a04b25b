/* test_channel.c: the event channel on real UNIX datagram sockets: records
 * arrive, a stale socket file is replaced, a second listener is refused,
 * "go" reaches a reply socket, a private channel's directory goes with it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "channel.h"
#include "net.h"

static char dir[] = "/tmp/socklab-test-channel-XXXXXX";
static char path[100];

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/sub/events.sock", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static void records_arrive(void **state)
{
	char err[256], buf[256];
	struct channel *ch = channel_open(path, -1, err, sizeof(err));

	(void)state;
	if (!ch)
		fail_msg("%s", err);
	assert_int_equal(channel_recv(ch, buf, sizeof(buf)), 0); /* nothing yet, and no blocking */
	net_unix_send(path, "{\"type\":\"hello\"}");
	assert_int_equal(channel_recv(ch, buf, sizeof(buf)), 16);
	assert_string_equal(buf, "{\"type\":\"hello\"}");
	assert_int_equal(channel_rejected(ch), 0);
	channel_close(ch);
	assert_int_not_equal(access(path, F_OK), 0); /* the socket file is gone */
}

static void stale_socket_replaced_live_one_refused(void **state)
{
	char err[256];
	int stale = net_unix_bind(path);
	struct channel *ch, *second;

	(void)state;
	close(stale); /* the file stays, nobody answers on it */
	ch = channel_open(path, -1, err, sizeof(err));
	if (!ch)
		fail_msg("%s", err);
	second = channel_open(path, -1, err, sizeof(err));
	assert_null(second);
	assert_non_null(strstr(err, "another socklab is already listening there"));
	channel_close(ch);
}

static void go_reaches_the_reply_socket(void **state)
{
	char err[256], reply[100], buf[64];
	struct channel *ch = channel_open(path, -1, err, sizeof(err));
	int fd;
	ssize_t n;

	(void)state;
	assert_non_null(ch);
	snprintf(reply, sizeof(reply), "%s/sub/step-1.sock", dir);
	fd = net_unix_bind(reply);
	assert_int_equal(channel_send_go(ch, reply, 7, err, sizeof(err)), 0);
	n = recv(fd, buf, sizeof(buf) - 1, 0);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, "{\"type\":\"go\",\"seq\":7}");
	close(fd);
	unlink(reply);
	assert_int_equal(channel_send_go(ch, reply, 8, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "step-1.sock"));
	channel_close(ch);
}

static void not_a_socket(void **state)
{
	char err[256], p[256];
	FILE *f;

	(void)state;
	snprintf(p, sizeof(p), "%s/plain-file", dir);
	f = fopen(p, "w");
	fclose(f);
	assert_null(channel_open(p, -1, err, sizeof(err)));
	assert_non_null(strstr(err, "is not a socket"));
}

/* A channel of its own (a demo's, a lesson's): a new private directory,
 * and closing removes it with the step socket a stopped program left. */
static void a_private_channel_takes_its_directory_with_it(void **state)
{
	char err[256], buf[64], dirpath[120], reply[140];
	struct channel *ch = channel_open_private("socklab-test-channel", -1, err, sizeof(err));
	struct channel *other;
	int fd;

	(void)state;
	if (!ch)
		fail_msg("%s", err);
	assert_int_equal(strncmp(channel_path(ch), "/tmp/socklab-test-channel-", 26), 0);
	other = channel_open_private("socklab-test-channel", -1, err, sizeof(err));
	assert_non_null(other);
	assert_string_not_equal(channel_path(ch), channel_path(other)); /* each its own */
	channel_close(other);
	send_to(channel_path(ch), "{\"type\":\"hello\"}");
	assert_int_equal(channel_recv(ch, buf, sizeof(buf)), 16);
	snprintf(dirpath, sizeof(dirpath), "%s", channel_path(ch));
	*strrchr(dirpath, '/') = '\0';
	snprintf(reply, sizeof(reply), "%s/step-99.sock", dirpath);
	fd = bound_socket(reply); /* left behind by a program stopped while it waited */
	close(fd);
	channel_close(ch);
	assert_int_not_equal(access(reply, F_OK), 0);
	assert_int_not_equal(access(dirpath, F_OK), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(records_arrive),
		cmocka_unit_test(stale_socket_replaced_live_one_refused),
		cmocka_unit_test(go_reaches_the_reply_socket),
		cmocka_unit_test(not_a_socket),
		cmocka_unit_test(a_private_channel_takes_its_directory_with_it),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
