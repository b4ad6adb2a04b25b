/* test_step.c: the step gate (lab/step.c) holds a call until a "go" with
 * its seq arrives on the same event channel connection. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>

#include "events.h"
#include "lab_channel.h"
#include "net.h"
#include "step.h"

static atomic_bool released;

static void *gate_thread(void *arg)
{
	(void)arg;
	step_gate(7, false, "connect", 3, "3, 127.0.0.1:8080");
	atomic_store(&released, true);
	return NULL;
}

static void a_call_waits_for_its_go(void **state)
{
	struct test_channel ch;
	pthread_t tid;
	json_t *rec;
	(void)state;

	assert_int_equal(test_channel_open(&ch), 0);
	events_open(ch.path, "client");
	step_enable();
	assert_true(step_enabled());
	pthread_create(&tid, NULL, gate_thread, NULL);

	rec = test_channel_next(&ch, 5000);
	assert_non_null(rec);
	assert_string_equal(json_string_value(json_object_get(rec, "type")), "step");
	assert_int_equal(json_integer_value(json_object_get(rec, "seq")), 7);
	assert_string_equal(json_string_value(json_object_get(rec, "call")), "connect");
	assert_string_equal(json_string_value(json_object_get(rec, "args")), "3, 127.0.0.1:8080");
	assert_null(json_object_get(rec, "reply")); /* the go comes back on this connection */
	json_decref(rec);

	/* the step record was sent before the wait: the call cannot have run */
	assert_false(atomic_load(&released));
	test_channel_send_go(&ch, 6); /* a stale go for another call: ignored */
	usleep(100 * 1000);
	assert_false(atomic_load(&released));
	test_channel_send_go(&ch, 7);
	pthread_join(tid, NULL);
	assert_true(atomic_load(&released));

	step_disable();
	events_close();
	test_channel_close(&ch);
}

static void without_listener_or_terminal_it_runs_on(void **state)
{
	int tty = open("/dev/tty", O_RDONLY | O_NOCTTY);
	bool foreground = tty >= 0 && tcgetpgrp(tty) == getpgrp();
	struct test_channel ch;
	char nobody[160];
	(void)state;

	if (tty >= 0)
		close(tty);
	if (foreground)
		skip(); /* run by hand in a terminal: the gate would wait for Enter */
	assert_int_equal(test_channel_open(&ch), 0);
	snprintf(nobody, sizeof(nobody), "%s/nobody.sock", ch.dir); /* a channel nobody listens on */
	events_open(nobody, "client");
	step_enable();
	step_gate(1, false, "socket", -1, "AF_INET, SOCK_STREAM, 0");
	step_disable();
	events_close();
	test_channel_close(&ch);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_call_waits_for_its_go),
		cmocka_unit_test(without_listener_or_terminal_it_runs_on),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
