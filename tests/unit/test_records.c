/* test_records.c: a row stores only ui_event_size() bytes of its record, so
 * that size must hold every field of the record's type, and no more than
 * the record. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "records.h"

#define END_OF(member) (offsetof(struct ui_event, member) + sizeof(((struct ui_event *)0)->member))

static void each_type_holds_its_fields(void **state)
{
	static const struct {
		enum ui_event_type type;
		size_t need;
	} types[] = {
		{UEV_PACKET, END_OF(u.packet)}, {UEV_STATE, END_OF(u.state)},   {UEV_CALL, END_OF(u.call)},
		{UEV_STEP, END_OF(u.call)},     {UEV_HELLO, END_OF(u.hello)},   {UEV_CONN_END, END_OF(u.end)},
		{UEV_STATS, END_OF(u.stats)},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		assert_true(ui_event_size(types[i].type) >= types[i].need);
		assert_true(ui_event_size(types[i].type) <= sizeof(struct ui_event));
	}
	/* a type the UI does not use keeps its type and time only */
	assert_int_equal(ui_event_size(UEV_OTHER), offsetof(struct ui_event, u));
	/* smaller records take less: that is what the size is for */
	assert_true(ui_event_size(UEV_STATS) < ui_event_size(UEV_PACKET));
}

/* A step request copied as a row copies it: its call and args survive. */
static void a_step_copied_by_its_size_keeps_its_args(void **state)
{
	struct ui_event ev, *copy;

	(void)state;
	memset(&ev, 0, sizeof(ev));
	ev.type = UEV_STEP;
	ev.ts_ns = 42;
	strcpy(ev.u.call.call, "connect");
	strcpy(ev.u.call.args, "3, 127.0.0.1:8080");
	copy = calloc(1, sizeof(*copy));
	assert_non_null(copy);
	memcpy(copy, &ev, ui_event_size(ev.type));
	assert_int_equal(copy->ts_ns, 42);
	assert_string_equal(copy->u.call.call, "connect");
	assert_string_equal(copy->u.call.args, "3, 127.0.0.1:8080");
	free(copy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_type_holds_its_fields),
		cmocka_unit_test(a_step_copied_by_its_size_keeps_its_args),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
