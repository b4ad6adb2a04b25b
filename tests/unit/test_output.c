/* test_output.c: JSON and text formatting of trace events. Every JSON
 * record is parsed back with jansson, so escaping is checked by a real
 * parser, not by comparing our own strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <string.h>

#include "output.h"
#include "json.h"

static json_t *parse(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, JSON_DECODE_ANY, &e);

	if (!j)
		fail_msg("not JSON (%s): %s", e.text, text);
	return j;
}

/* Every special character at every offset (so the 8-byte fast path and the
 * byte loop both meet it) survives a round trip through a JSON parser. */
static void json_string_round_trips(void **state)
{
	static const char specials[] = {'"', '\\', '\n', '\r', '\t', 0x01, 0x1f, 0x7f};
	char in[40], buf[512];

	(void)state;
	for (size_t k = 0; k < sizeof(specials); k++) {
		for (size_t at = 0; at < 24; at++) {
			size_t pos = 0;
			json_t *j;

			memset(in, 'a', sizeof(in));
			in[at] = specials[k];
			memcpy(in + 25, "\xe4\xb8\xad\xe6\x96\x87 ok", 10); /* UTF-8 passes through */
			in[35] = '\0';
			assert_int_equal(json_put_string(buf, sizeof(buf), &pos, in), 0);
			assert_int_equal(strlen(buf), pos);
			j = parse(buf);
			assert_true(json_is_string(j));
			assert_string_equal(json_string_value(j), in);
			json_decref(j);
		}
	}
}

static void json_string_too_long_is_refused(void **state)
{
	char buf[8];
	size_t pos = 0;

	(void)state;
	assert_int_equal(json_put_string(buf, sizeof(buf), &pos, "much too long for eight"), -1);
	assert_int_equal(pos, 0);
}

static struct segment syn_segment(void)
{
	struct segment s;

	memset(&s, 0, sizeof(s));
	endpoint_parse("127.0.0.1:50322", &s.src);
	endpoint_parse("127.0.0.1:8080", &s.dst);
	s.seq = 1000;
	s.flags = TCP_SYN;
	s.win = 65495;
	s.opt.has = TCPOPT_HAS_MSS | TCPOPT_HAS_WSCALE | TCPOPT_HAS_SACK_PERM | TCPOPT_HAS_TS;
	s.opt.mss = 65495;
	s.opt.wscale = 7;
	s.opt.ts_val = 11;
	return s;
}

static void packet_record_has_every_field(void **state)
{
	struct segment s = syn_segment();
	struct trace_event ev = {.kind = EVENT_PACKET, .ts_ns = 1764107207123456789ull, .conn = 3,
				 .seg = &s, .from_client = true, .note = "a \"quoted\" note"};
	char buf[OUTPUT_LINE_MAX];
	json_t *j, *opts;

	(void)state;
	ev.client = s.src;
	ev.server = s.dst;
	assert_true(output_json(&ev, buf, sizeof(buf)) > 0);
	j = parse(buf);
	assert_string_equal(json_string_value(json_object_get(j, "type")), "packet");
	assert_true(json_integer_value(json_object_get(j, "ts_ns")) == 1764107207123456789ll);
	assert_int_equal(json_integer_value(json_object_get(j, "conn")), 3);
	assert_string_equal(json_string_value(json_object_get(j, "src")), "127.0.0.1:50322");
	assert_string_equal(json_string_value(json_object_get(j, "dir")), "c2s");
	assert_string_equal(json_string_value(json_object_get(j, "flags")), "SYN");
	assert_int_equal(json_integer_value(json_object_get(j, "abs_seq")), 1000);
	assert_string_equal(json_string_value(json_object_get(j, "note")), "a \"quoted\" note");
	opts = json_object_get(j, "opts");
	assert_int_equal(json_integer_value(json_object_get(opts, "mss")), 65495);
	assert_int_equal(json_integer_value(json_object_get(opts, "wscale")), 7);
	assert_true(json_is_true(json_object_get(opts, "sack_perm")));
	assert_int_equal(json_integer_value(json_array_get(json_object_get(opts, "ts"), 0)), 11);
	json_decref(j);
}

static void state_record_and_text_line(void **state)
{
	struct trace_event ev = {.kind = EVENT_STATE, .ts_ns = 2000500000, .conn = 1, .role = ROLE_SERVER,
				 .from = TCPS_LISTEN, .to = TCPS_SYN_RCVD, .why = "it answered"};
	char buf[OUTPUT_LINE_MAX];
	json_t *j;

	(void)state;
	endpoint_parse("[::1]:40000", &ev.client);
	endpoint_parse("[::1]:8080", &ev.server);
	assert_true(output_json(&ev, buf, sizeof(buf)) > 0);
	j = parse(buf);
	assert_string_equal(json_string_value(json_object_get(j, "client")), "[::1]:40000");
	assert_string_equal(json_string_value(json_object_get(j, "role")), "server");
	assert_string_equal(json_string_value(json_object_get(j, "from")), "LISTEN");
	assert_string_equal(json_string_value(json_object_get(j, "to")), "SYN_RCVD");
	json_decref(j);
	assert_true(output_text(&ev, 1000000000, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "1.000500 #1   server LISTEN -> SYN_RCVD: it answered");
}

static void numbers_at_their_limits(void **state)
{
	struct capture_stats st = {.seen = UINT64_MAX, .tcp = 0, .dropped = 9, .truncated = 10,
				   .invalid = 99, .not_tcp = 100, .connections = 1234567890123ull};
	char buf[OUTPUT_LINE_MAX];
	json_t *j;

	(void)state;
	assert_true(output_stats_json(&st, 0, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "\"seen\":18446744073709551615,"));
	assert_non_null(strstr(buf, "\"tcp\":0,"));
	assert_non_null(strstr(buf, "\"connections\":1234567890123}"));
	st.seen = 5;
	assert_true(output_stats_json(&st, 0, buf, sizeof(buf)) > 0);
	j = parse(buf);
	assert_int_equal(json_integer_value(json_object_get(j, "invalid")), 99);
	assert_int_equal(json_integer_value(json_object_get(j, "not_tcp")), 100);
	json_decref(j);
	assert_int_equal(output_stats_json(&st, 0, buf, 20), -1); /* too small: refused, not cut */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_string_round_trips),
		cmocka_unit_test(json_string_too_long_is_refused),
		cmocka_unit_test(packet_record_has_every_field),
		cmocka_unit_test(state_record_and_text_line),
		cmocka_unit_test(numbers_at_their_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
