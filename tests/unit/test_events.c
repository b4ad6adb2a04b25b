/* test_events.c: the event channel sender (lab/events.c) against a real
 * UNIX datagram listener, and with nobody listening. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>

#include <errno.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "events.h"
#include "chanpath.h"
#include "json.h"
#include "lab_channel.h"

static void path_follows_flag_env_xdg_tmp(void **state)
{
	char buf[108];
	(void)state;

	assert_int_equal(chanpath_resolve("/x/f.sock", "/e.sock", "/run/user/7", 7, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/x/f.sock");
	assert_int_equal(chanpath_resolve(NULL, "/e.sock", "/run/user/7", 7, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/e.sock");
	assert_int_equal(chanpath_resolve("", "", "/run/user/7", 7, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/run/user/7/socklab/events.sock");
	assert_int_equal(chanpath_resolve(NULL, NULL, NULL, 1000, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/tmp/socklab-1000/events.sock");
}

static void path_too_long_is_refused(void **state)
{
	char buf[108], longpath[200];
	(void)state;

	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	assert_int_equal(chanpath_resolve(longpath, NULL, NULL, 0, buf, sizeof(buf)), -1);
}

static void text_keeps_utf8_and_replaces_the_rest(void **state)
{
	char out[32];
	(void)state;

	assert_int_equal(json_safe_text(out, sizeof(out), "h\xc3\xa9llo", 6), 6);
	assert_string_equal(out, "h\xc3\xa9llo");
	assert_int_equal(json_safe_text(out, sizeof(out), "a\0b\xff\xc3", 5), 5);
	assert_string_equal(out, "a?b??");
	/* an overlong encoding of '/' is not valid UTF-8 */
	json_safe_text(out, sizeof(out), "\xc0\xaf", 2);
	assert_string_equal(out, "??");
	/* a 3-byte character that does not fit is left out whole */
	assert_int_equal(json_safe_text(out, 4, "ab\xe4\xb8\xad", 5), 2);
	assert_string_equal(out, "ab");
}

static void nobody_listening_drops_without_blocking(void **state)
{
	struct test_channel ch;
	char path[160];
	(void)state;

	assert_int_equal(test_channel_open(&ch), 0);
	snprintf(path, sizeof(path), "%s/nobody.sock", ch.dir);
	events_open(path, "client");
	assert_false(events_listening());
	for (int i = 0; i < 100; i++)
		assert_int_equal(events_send("{}", 2), -1);
	events_close();
	test_channel_close(&ch);
}

#define BURST 3000

static void *send_burst(void *arg)
{
	int *delivered = arg;
	char rec[64];

	for (int i = 0; i < BURST; i++) {
		int len = snprintf(rec, sizeof(rec), "{\"type\":\"x\",\"i\":%d}", i);

		*delivered += events_send(rec, (size_t)len) == 0;
	}
	return NULL;
}

/* The lab reads slower than the program sends: the sender waits instead of
 * dropping, and every record arrives, in order. */
static void a_busy_lab_loses_nothing(void **state)
{
	struct test_channel ch;
	int delivered = 0;
	pthread_t tid;
	(void)state;

	assert_int_equal(test_channel_open(&ch), 0);
	events_open(ch.path, "server");
	assert_true(events_listening());
	pthread_create(&tid, NULL, send_burst, &delivered);
	usleep(200 * 1000); /* let the socket buffer fill first */
	for (int i = 0; i < BURST; i++) {
		json_t *rec = test_channel_next(&ch, 5000);

		assert_non_null(rec);
		assert_int_equal(json_integer_value(json_object_get(rec, "i")), i);
		json_decref(rec);
	}
	pthread_join(tid, NULL);
	assert_int_equal(delivered, BURST);
	events_close();
	test_channel_close(&ch);
}

static void hello_arrives_with_identity(void **state)
{
	struct test_channel ch;
	char *argv[] = {"echo-server", "--step", "caf\xc3\xa9"};
	json_t *rec;
	struct stat st;
	(void)state;

	assert_int_equal(test_channel_open(&ch), 0);
	events_open(ch.path, "server");
	assert_string_equal(events_channel_path(), ch.path);
	events_hello(3, argv);
	rec = test_channel_next(&ch, 2000);
	assert_non_null(rec);
	assert_string_equal(json_string_value(json_object_get(rec, "type")), "hello");
	assert_string_equal(json_string_value(json_object_get(rec, "proc")), "server");
	assert_int_equal(json_integer_value(json_object_get(rec, "pid")), getpid());
	assert_string_equal(json_string_value(json_object_get(rec, "argv")), "echo-server --step caf\xc3\xa9");
	assert_true(json_integer_value(json_object_get(rec, "ts_ns")) > 1600000000000000000ll);
	json_decref(rec);
	events_close();
	assert_int_equal(stat(ch.dir, &st), 0);
	test_channel_close(&ch);
}

/* A forked worker (echo-server --workers) says hello again on a connection
 * of its own, with its own pid and its worker number. */
static void a_worker_says_hello_on_its_own_connection(void **state)
{
	struct test_channel ch;
	char *argv[] = {"echo-server", "--mode", "prefork"};
	json_t *rec;
	int parent_conn, status;
	pid_t pid;
	(void)state;

	assert_int_equal(test_channel_open(&ch), 0);
	events_open(ch.path, "server");
	events_hello(3, argv);
	rec = test_channel_next(&ch, 2000);
	assert_non_null(rec);
	assert_null(json_object_get(rec, "worker")); /* the parent is no worker */
	parent_conn = ch.last;
	json_decref(rec);
	pid = fork();
	if (pid == 0) {
		events_after_fork();
		events_set_worker(2);
		events_hello_again();
		events_close();
		_exit(0);
	}
	rec = test_channel_next(&ch, 5000);
	assert_non_null(rec);
	assert_string_equal(json_string_value(json_object_get(rec, "type")), "hello");
	assert_int_equal(json_integer_value(json_object_get(rec, "pid")), pid);
	assert_int_equal(json_integer_value(json_object_get(rec, "worker")), 2);
	assert_string_equal(json_string_value(json_object_get(rec, "argv")), "echo-server --mode prefork");
	assert_int_not_equal(ch.last, parent_conn);
	json_decref(rec);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	events_close();
	test_channel_close(&ch);
}

static void missing_directory_is_created_private(void **state)
{
	struct test_channel ch;
	char path[160], dir[140];
	struct stat st;
	(void)state;

	assert_int_equal(test_channel_open(&ch), 0);
	snprintf(dir, sizeof(dir), "%s/sub", ch.dir);
	snprintf(path, sizeof(path), "%s/events.sock", dir);
	events_open(path, "client");
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	events_close();
	test_channel_close(&ch);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(path_follows_flag_env_xdg_tmp),
		cmocka_unit_test(path_too_long_is_refused),
		cmocka_unit_test(text_keeps_utf8_and_replaces_the_rest),
		cmocka_unit_test(nobody_listening_drops_without_blocking),
		cmocka_unit_test(a_busy_lab_loses_nothing),
		cmocka_unit_test(hello_arrives_with_identity),
		cmocka_unit_test(a_worker_says_hello_on_its_own_connection),
		cmocka_unit_test(missing_directory_is_created_private),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
