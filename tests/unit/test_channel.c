/* test_channel.c: the event channel on real UNIX SOCK_SEQPACKET sockets:
 * records arrive whole and in order from each program, a stale socket file
 * is replaced, a second listener is refused, "go" goes back on the step's
 * connection, a private channel's directory goes with it. */
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

/* A program's record, sent on its connection. */
static void send_rec(int fd, const char *msg)
{
	assert_int_equal(send(fd, msg, strlen(msg), 0), (ssize_t)strlen(msg));
}

static void records_arrive(void **state)
{
	char err[256], buf[256];
	struct channel *ch = channel_open(path, -1, err, sizeof(err));
	int a, b, conn = -1, next[2] = {0, 0};

	(void)state;
	if (!ch)
		fail_msg("%s", err);
	assert_int_equal(channel_recv(ch, buf, sizeof(buf), &conn), 0); /* nothing yet, and no blocking */
	a = net_unix_connect(path);
	b = net_unix_connect(path);
	send_rec(a, "{\"type\":\"hello\"}");
	for (int i = 0; i < 50; i++) {
		snprintf(buf, sizeof(buf), "{\"p\":0,\"n\":%d}", i);
		send_rec(a, buf);
		snprintf(buf, sizeof(buf), "{\"p\":1,\"n\":%d}", i);
		send_rec(b, buf);
	}
	assert_int_equal(channel_recv(ch, buf, sizeof(buf), &conn), 16);
	assert_string_equal(buf, "{\"type\":\"hello\"}");
	/* each program's records whole and in its own order, none lost */
	for (int i = 0; i < 100; i++) {
		int p, n;

		assert_true(channel_recv(ch, buf, sizeof(buf), &conn) > 0);
		assert_int_equal(sscanf(buf, "{\"p\":%d,\"n\":%d}", &p, &n), 2);
		assert_true(p == 0 || p == 1);
		assert_int_equal(n, next[p]++);
	}
	assert_int_equal(next[0] + next[1], 100);
	assert_int_equal(channel_recv(ch, buf, sizeof(buf), &conn), 0);
	assert_int_equal(channel_rejected(ch), 0);
	close(a);
	close(b);
	channel_close(ch);
	assert_int_not_equal(access(path, F_OK), 0); /* the socket file is gone */
}

/* A program that gave a connection up (its lab fell behind) and opened a
 * new one: what is still queued on the old one came first, and is read
 * first, so its seq numbers arrive in order. */
static void a_given_up_connection_is_read_before_the_new_one(void **state)
{
	char err[256], buf[64];
	struct channel *ch = channel_open(path, -1, err, sizeof(err));
	int old, new, conn = -1;

	(void)state;
	assert_non_null(ch);
	old = net_unix_connect(path);
	send_rec(old, "r0");
	assert_int_equal(channel_recv(ch, buf, sizeof(buf), &conn), 2);
	assert_string_equal(buf, "r0");
	send_rec(old, "r1");
	send_rec(old, "r2");
	close(old);
	new = net_unix_connect(path);
	send_rec(new, "r3");
	send_rec(new, "r4");
	for (int i = 1; i <= 4; i++) {
		char want[16];

		snprintf(want, sizeof(want), "r%d", i);
		assert_int_equal(channel_recv(ch, buf, sizeof(buf), &conn), 2);
		assert_string_equal(buf, want);
	}
	assert_int_equal(channel_recv(ch, buf, sizeof(buf), &conn), 0);
	close(new);
	channel_close(ch);
}

static void stale_socket_replaced_live_one_refused(void **state)
{
	char err[256];
	int stale = net_unix_listen(path);
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

static void go_goes_back_on_the_steps_connection(void **state)
{
	char err[256], buf[64];
	struct channel *ch = channel_open(path, -1, err, sizeof(err));
	int prog, conn = -1;
	ssize_t n;

	(void)state;
	assert_non_null(ch);
	prog = net_unix_connect(path);
	send_rec(prog, "{\"type\":\"step\",\"seq\":7}");
	assert_true(channel_recv(ch, buf, sizeof(buf), &conn) > 0);
	assert_int_equal(channel_send_go(ch, conn, 7, err, sizeof(err)), 0);
	n = recv(prog, buf, sizeof(buf) - 1, 0);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, "{\"type\":\"go\",\"seq\":7}");
	close(prog); /* the program ends: the lab notices, and a late go says so */
	assert_int_equal(channel_recv(ch, buf, sizeof(buf), &conn), 0);
	assert_int_equal(channel_send_go(ch, conn, 8, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "has gone"));
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
 * and closing removes it with whatever a stopped program left in it. */
static void a_private_channel_takes_its_directory_with_it(void **state)
{
	char err[256], buf[64], dirpath[120], reply[140];
	struct channel *ch = channel_open_private("socklab-test-channel", -1, err, sizeof(err));
	struct channel *other;
	int fd, prog, conn;

	(void)state;
	if (!ch)
		fail_msg("%s", err);
	assert_int_equal(strncmp(channel_path(ch), "/tmp/socklab-test-channel-", 26), 0);
	other = channel_open_private("socklab-test-channel", -1, err, sizeof(err));
	assert_non_null(other);
	assert_string_not_equal(channel_path(ch), channel_path(other)); /* each its own */
	channel_close(other);
	prog = net_unix_connect(channel_path(ch));
	send_rec(prog, "{\"type\":\"hello\"}");
	assert_int_equal(channel_recv(ch, buf, sizeof(buf), &conn), 16);
	close(prog);
	snprintf(dirpath, sizeof(dirpath), "%s", channel_path(ch));
	*strrchr(dirpath, '/') = '\0';
	snprintf(reply, sizeof(reply), "%s/leftover.sock", dirpath);
	fd = net_unix_bind(reply); /* left behind by a program that was stopped */
	close(fd);
	channel_close(ch);
	assert_int_not_equal(access(reply, F_OK), 0);
	assert_int_not_equal(access(dirpath, F_OK), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(records_arrive),
		cmocka_unit_test(a_given_up_connection_is_read_before_the_new_one),
		cmocka_unit_test(stale_socket_replaced_live_one_refused),
		cmocka_unit_test(go_goes_back_on_the_steps_connection),
		cmocka_unit_test(not_a_socket),
		cmocka_unit_test(a_private_channel_takes_its_directory_with_it),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
