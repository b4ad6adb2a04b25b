/* test_event_parse.c: records as the tracer, the lab and recordings write
 * them, parsed into the UI's struct; errors name the field; unknown types
 * and fields are ignored. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "event_parse.h"
#include "output.h"

static int parse(const char *json, struct ui_event *ev, char *err, size_t n)
{
	return ui_event_parse(json, strlen(json), ev, err, n);
}

static void packet_with_options(void **state)
{
	struct ui_event ev;
	char err[256], ep[ENDPOINT_STRLEN];

	(void)state;
	assert_int_equal(parse("{\"type\":\"packet\",\"ts_ns\":1764107207123456789,\"conn\":1,\"src\":\"127.0.0.1:50322\","
			       "\"dst\":\"[::1]:8080\",\"dir\":\"s2c\",\"flags\":\"SYN|ACK\",\"seq\":0,\"ack\":1,\"len\":0,"
			       "\"win\":65495,\"abs_seq\":3861947192,\"abs_ack\":12,\"opts\":{\"mss\":65495,\"sack_perm\":true,"
			       "\"ts\":[2864150917,0],\"wscale\":7,\"sack\":[[1,5]]},\"retrans\":true,\"future\":{\"x\":1}}",
			       &ev, err, sizeof(err)), 0);
	assert_int_equal(ev.type, UEV_PACKET);
	assert_true(ev.ts_ns == 1764107207123456789ull);
	assert_string_equal(endpoint_format(&ev.u.packet.dst, ep, sizeof(ep)), "[::1]:8080");
	assert_false(ev.u.packet.from_client);
	assert_int_equal(ev.u.packet.flags, TCP_SYN | TCP_ACK);
	assert_int_equal(ev.u.packet.abs_seq, 3861947192u);
	assert_int_equal(ev.u.packet.opt.has, TCPOPT_HAS_MSS | TCPOPT_HAS_SACK_PERM | TCPOPT_HAS_TS | TCPOPT_HAS_WSCALE | TCPOPT_HAS_SACK);
	assert_int_equal(ev.u.packet.opt.wscale, 7);
	assert_int_equal(ev.u.packet.opt.ts_val, 2864150917u);
	assert_int_equal(ev.u.packet.opt.sack[0].right, 5);
	assert_true(ev.u.packet.retrans);
}

static void call_and_step(void **state)
{
	struct ui_event ev;
	char err[256];

	(void)state;
	assert_int_equal(parse("{\"type\":\"call\",\"ts_ns\":5,\"phase\":\"exit\",\"proc\":\"client\",\"pid\":4242,\"seq\":2,"
			       "\"call\":\"connect\",\"fd\":3,\"args\":\"3, 127.0.0.1:8080\",\"ret\":-1,\"errno\":\"ECONNREFUSED\","
			       "\"local\":\"127.0.0.1:50322\",\"peer\":null}", &ev, err, sizeof(err)), 0);
	assert_int_equal(ev.type, UEV_CALL);
	assert_true(ev.u.call.exit);
	assert_int_equal(ev.u.call.ret, -1);
	assert_string_equal(ev.u.call.err, "ECONNREFUSED");
	assert_int_equal(ev.u.call.local.port, 50322);
	assert_int_equal(ev.u.call.peer.family, 0);
	assert_int_equal(ev.u.call.worker, 0); /* not a worker process */
	assert_int_equal(parse("{\"type\":\"call\",\"ts_ns\":5,\"phase\":\"exit\",\"proc\":\"server\",\"pid\":4244,"
			       "\"worker\":3,\"seq\":9,\"call\":\"accept4\",\"fd\":3,\"ret\":-1,\"errno\":\"EAGAIN\"}",
			       &ev, err, sizeof(err)), 0);
	assert_int_equal(ev.u.call.worker, 3);
	assert_int_equal(parse("{\"type\":\"step\",\"ts_ns\":5,\"proc\":\"server\",\"pid\":7,\"seq\":3,\"call\":\"listen\","
			       "\"fd\":3,\"args\":\"3, 128\"}", &ev, err, sizeof(err)), 0);
	assert_int_equal(ev.type, UEV_STEP);
	assert_string_equal(ev.u.call.args, "3, 128");
	assert_int_equal(ev.u.call.seq, 3);
}

/* io_uring operations: a submit is a call row's enter, its complete the
 * exit, paired by the op id as a call's by its seq. */
static void submit_and_complete(void **state)
{
	struct ui_event ev;
	char err[256];

	(void)state;
	assert_int_equal(parse("{\"type\":\"submit\",\"ts_ns\":5,\"proc\":\"server\",\"pid\":7,\"tid\":7,\"op\":12,"
			       "\"call\":\"recv\",\"fd\":5,\"args\":\"5, buf, 4096, 0\"}", &ev, err, sizeof(err)), 0);
	assert_int_equal(ev.type, UEV_CALL);
	assert_int_equal(ev.u.call.kind, UCALL_SUBMIT);
	assert_false(ev.u.call.exit);
	assert_int_equal(ev.u.call.seq, 12);
	assert_string_equal(ev.u.call.call, "recv");
	assert_int_equal(parse("{\"type\":\"complete\",\"ts_ns\":6,\"proc\":\"server\",\"pid\":7,\"tid\":7,\"op\":12,"
			       "\"call\":\"recv\",\"fd\":5,\"args\":\"5, buf, 4096, 0\",\"ret\":5,\"errno\":null,"
			       "\"blocked_ns\":900,\"local\":\"127.0.0.1:8080\",\"peer\":\"127.0.0.1:50322\","
			       "\"data\":\"hello\"}", &ev, err, sizeof(err)), 0);
	assert_int_equal(ev.u.call.kind, UCALL_COMPLETE);
	assert_true(ev.u.call.exit);
	assert_false(ev.u.call.more);
	assert_int_equal(ev.u.call.seq, 12);
	assert_int_equal(ev.u.call.ret, 5);
	assert_string_equal(ev.u.call.data, "hello");
	assert_int_equal(ev.u.call.peer.port, 50322);
	assert_int_equal(parse("{\"type\":\"complete\",\"ts_ns\":6,\"proc\":\"server\",\"pid\":7,\"op\":3,"
			       "\"call\":\"accept\",\"fd\":3,\"ret\":6,\"more\":true}", &ev, err, sizeof(err)), 0);
	assert_true(ev.u.call.more);
	/* a step record of a submission */
	assert_int_equal(parse("{\"type\":\"step\",\"ts_ns\":5,\"proc\":\"server\",\"pid\":7,\"seq\":12,\"call\":\"recv\","
			       "\"fd\":5,\"args\":\"5, buf, 4096, 0\",\"submit\":true}", &ev, err, sizeof(err)), 0);
	assert_int_equal(ev.type, UEV_STEP);
	assert_int_equal(ev.u.call.kind, UCALL_SUBMIT);
	/* the op id is what links them: required */
	assert_int_equal(parse("{\"type\":\"submit\",\"ts_ns\":5,\"proc\":\"server\",\"pid\":7,\"call\":\"recv\"}", &ev,
			       err, sizeof(err)), -1);
	assert_string_equal(err, "submit: missing field 'op'");
}

static void errors_name_what_is_wrong(void **state)
{
	struct ui_event ev;
	char err[256];

	(void)state;
	assert_int_equal(parse("[1,2]", &ev, err, sizeof(err)), -1);
	assert_string_equal(err, "expected an object");
	assert_int_equal(parse("{\"type\":\"state\",\"ts_ns\":1", &ev, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not valid JSON"));
	assert_int_equal(parse("{\"type\":\"state\",\"ts_ns\":1,\"conn\":1,\"client\":\"127.0.0.1:1\",\"server\":\"127.0.0.1:2\","
			       "\"role\":\"client\",\"from\":\"CLOSED\",\"to\":\"SYN_SENDING\",\"why\":\"x\"}", &ev, err, sizeof(err)), -1);
	assert_string_equal(err, "state: field 'to' is not a TCP state name");
	assert_int_equal(parse("{\"type\":\"packet\",\"ts_ns\":1,\"conn\":1,\"src\":\"127.0.0.1:1\",\"dst\":\"127.0.0.1:2\","
			       "\"flags\":\"SYN|XYZ\",\"seq\":0}", &ev, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "'flags'"));
	assert_int_equal(parse("{\"type\":\"call\",\"ts_ns\":1}", &ev, err, sizeof(err)), -1);
	assert_string_equal(err, "call: missing field 'phase'");
	/* unknown types are records too, just not ones the UI draws */
	assert_int_equal(parse("{\"type\":\"kernel\",\"ts_ns\":1,\"anything\":[1]}", &ev, err, sizeof(err)), 0);
	assert_int_equal(ev.type, UEV_OTHER);
}

/* On a Chinese screen the reasons are Chinese: jansson's (by its error
 * code), the missing field, the field of the wrong kind. */
static void errors_in_chinese(void **state)
{
	struct ui_event ev;
	char err[256];

	(void)state;
	assert_int_equal(ui_event_parse_in(LANG_ZH, "not json", strlen("not json"), &ev, err, sizeof(err)), -1);
	assert_string_equal(err, "不是有效的 JSON：语法错误（第 3 列）");
	assert_int_equal(ui_event_parse_in(LANG_ZH, "{\"type\":\"call\"", strlen("{\"type\":\"call\""), &ev, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "不是有效的 JSON：记录在中途结束了"));
	assert_int_equal(ui_event_parse_in(LANG_ZH, "[1]", strlen("[1]"), &ev, err, sizeof(err)), -1);
	assert_string_equal(err, "应该是一个 JSON 对象");
	assert_int_equal(ui_event_parse_in(LANG_ZH, "{\"type\":\"call\",\"ts_ns\":1}", strlen("{\"type\":\"call\",\"ts_ns\":1}"), &ev, err, sizeof(err)), -1);
	assert_string_equal(err, "call：缺少字段“phase”");
	assert_int_equal(ui_event_parse_in(LANG_ZH, "{\"type\":\"call\",\"ts_ns\":\"x\"}", strlen("{\"type\":\"call\",\"ts_ns\":\"x\"}"), &ev, err, sizeof(err)), -1);
	assert_string_equal(err, "call：字段“ts_ns”不是整数");
	/* English stays as it was */
	assert_int_equal(ui_event_parse_in(LANG_EN, "not json", strlen("not json"), &ev, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not valid JSON: "));
	assert_non_null(strstr(err, " (column 3)"));
}

/* What the tracer writes (output_json) parses back to the same event. */
static void tracer_records_round_trip(void **state)
{
	struct segment seg = {.seq = 1000, .ack = 5001, .win = 512, .flags = TCP_FIN | TCP_ACK, .len = 0};
	struct trace_event tev = {.kind = EVENT_PACKET, .ts_ns = 77, .conn = 4, .seg = &seg, .from_client = true,
				  .rel_seq = 6, .rel_ack = 13, .note = NOTE_THREE_SEGMENT_CLOSE};
	struct ui_event a, b;
	char json[OUTPUT_LINE_MAX], err[256];

	(void)state;
	endpoint_parse("127.0.0.1:50000", &seg.src);
	endpoint_parse("127.0.0.1:9000", &seg.dst);
	assert_true(output_json(&tev, NULL, json, sizeof(json)) > 0);
	assert_int_equal(parse(json, &a, err, sizeof(err)), 0);
	ui_event_from_trace(&tev, &b);
	assert_int_equal(a.u.packet.flags, b.u.packet.flags);
	assert_int_equal(a.u.packet.seq, 6);
	assert_int_equal(b.u.packet.ack, 13);
	assert_string_equal(a.u.packet.note, b.u.packet.note);
	assert_string_equal(a.u.packet.note, "three_segment_close");
	assert_true(endpoint_equal(&a.u.packet.src, &b.u.packet.src));
}

/* An icmp record parses back to what the tracer event gave. */
static void icmp_record_round_trip(void **state)
{
	struct segment seg = {.seq = 1000, .ack = 5001, .flags = TCP_SYN,
			      .icmp = {.version = 6, .type = 1, .code = 4, .quoted_full = true}};
	struct trace_event tev = {.kind = EVENT_ICMP, .ts_ns = 77, .conn = 4, .seg = &seg, .from_client = true,
				  .rel_seq = 0, .icmp_effect = ICMP_SOFT, .note = NOTE_ICMP_SOCKET_BUSY};
	struct ui_event a, b;
	char json[OUTPUT_LINE_MAX], err[256];

	(void)state;
	endpoint_parse("[::1]:50000", &seg.src);
	endpoint_parse("[::1]:9000", &seg.dst);
	endpoint_parse("[::1]:0", &seg.icmp.reporter);
	tev.client = seg.src;
	tev.server = seg.dst;
	assert_true(output_json(&tev, NULL, json, sizeof(json)) > 0);
	assert_non_null(strstr(json, "\"reporter\":\"[::1]\""));
	assert_int_equal(parse(json, &a, err, sizeof(err)), 0);
	ui_event_from_trace(&tev, &b);
	assert_int_equal(a.type, UEV_ICMP);
	assert_int_equal(b.type, UEV_ICMP);
	assert_int_equal(a.u.icmp.version, 6);
	assert_int_equal(a.u.icmp.code, b.u.icmp.code);
	assert_string_equal(a.u.icmp.name, "port-unreachable");
	assert_string_equal(a.u.icmp.name, b.u.icmp.name);
	assert_string_equal(a.u.icmp.effect, "soft");
	assert_string_equal(a.u.icmp.effect, b.u.icmp.effect);
	assert_string_equal(a.u.icmp.note, "icmp_socket_busy");
	assert_true(endpoint_equal(&a.u.icmp.reporter, &b.u.icmp.reporter));
	assert_true(endpoint_equal(&a.u.icmp.src, &b.u.icmp.src));
	assert_true(a.u.icmp.from_client && b.u.icmp.from_client);
}

/* What the live lab draws as "kernel: resent 2, RTO 1208 ms" goes into a
 * recording as a kernel_resent record, which a replay parses back into the
 * same row's event; a record naming no endpoint is refused with its field. */
static void kernel_resent_round_trip(void **state)
{
	struct kview_event kev = {.kind = KVIEW_INFO, .ts_ns = 99, .conn = 3, .owner = KVIEW_SERVER,
				  .info = {.valid = true, .total_retrans = 2, .retransmits = 1, .rto_us = 1208000}};
	struct ui_event a;
	char json[OUTPUT_LINE_MAX], err[256];

	(void)state;
	assert_true(output_kernel_json(&kev, json, sizeof(json)) > 0);
	assert_string_equal(json, "{\"type\":\"kernel_resent\",\"ts_ns\":99,\"conn\":3,\"role\":\"server\","
				  "\"total_retrans\":2,\"retransmits\":1,\"rto_us\":1208000}");
	assert_int_equal(parse(json, &a, err, sizeof(err)), 0);
	assert_int_equal(a.type, UEV_KERNEL);
	assert_int_equal(a.ts_ns, 99);
	assert_int_equal(a.u.kernel.conn, 3);
	assert_int_equal(a.u.kernel.role, ROLE_SERVER);
	assert_int_equal(a.u.kernel.total_retrans, 2);
	assert_int_equal(a.u.kernel.retransmits, 1);
	assert_int_equal(a.u.kernel.rto_us, 1208000);
	assert_int_equal(parse("{\"type\":\"kernel_resent\",\"ts_ns\":1,\"conn\":3,\"role\":\"listener\","
			       "\"total_retrans\":2,\"retransmits\":1,\"rto_us\":1}", &a, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "role"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(packet_with_options),
		cmocka_unit_test(call_and_step),
		cmocka_unit_test(submit_and_complete),
		cmocka_unit_test(errors_name_what_is_wrong),
		cmocka_unit_test(errors_in_chinese),
		cmocka_unit_test(tracer_records_round_trip),
		cmocka_unit_test(icmp_record_round_trip),
		cmocka_unit_test(kernel_resent_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
