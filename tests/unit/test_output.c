/* test_output.c: JSON and text formatting of trace events and of the
 * kernel view's events. Every JSON record is parsed back with jansson, so
 * escaping is checked by a real parser, not by comparing our own strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>
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
				 .seg = &s, .from_client = true, .note = NOTE_FINS_CROSSED, .win_scaled = 65535};
	char buf[OUTPUT_LINE_MAX];
	json_t *j, *opts;

	(void)state;
	ev.client = s.src;
	ev.server = s.dst;
	assert_true(output_json(&ev, NULL, buf, sizeof(buf)) > 0);
	j = parse(buf);
	assert_string_equal(json_string_value(json_object_get(j, "type")), "packet");
	assert_true(json_integer_value(json_object_get(j, "ts_ns")) == 1764107207123456789ll);
	assert_int_equal(json_integer_value(json_object_get(j, "conn")), 3);
	assert_string_equal(json_string_value(json_object_get(j, "src")), "127.0.0.1:50322");
	assert_string_equal(json_string_value(json_object_get(j, "dir")), "c2s");
	assert_string_equal(json_string_value(json_object_get(j, "flags")), "SYN");
	assert_int_equal(json_integer_value(json_object_get(j, "abs_seq")), 1000);
	assert_string_equal(json_string_value(json_object_get(j, "note")), "fins_crossed");
	assert_null(json_object_get(j, "note_text")); /* only with --explain */
	assert_int_equal(json_integer_value(json_object_get(j, "win_scaled")), 65535);
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
				 .from = TCPS_LISTEN, .to = TCPS_SYN_RCVD, .why = WHY_ANSWERED_SYN, .why_ack = 1};
	struct output_style explained = {.explain = true, .lang = LANG_EN}, zh = {.explain = true, .lang = LANG_ZH};
	char buf[OUTPUT_LINE_MAX];
	json_t *j;

	(void)state;
	endpoint_parse("[::1]:40000", &ev.client);
	endpoint_parse("[::1]:8080", &ev.server);
	assert_true(output_json(&ev, NULL, buf, sizeof(buf)) > 0);
	j = parse(buf);
	assert_string_equal(json_string_value(json_object_get(j, "client")), "[::1]:40000");
	assert_string_equal(json_string_value(json_object_get(j, "role")), "server");
	assert_string_equal(json_string_value(json_object_get(j, "from")), "LISTEN");
	assert_string_equal(json_string_value(json_object_get(j, "to")), "SYN_RCVD");
	assert_string_equal(json_string_value(json_object_get(j, "why")), "answered_syn");
	assert_int_equal(json_integer_value(json_object_get(j, "ack")), 1);
	assert_null(json_object_get(j, "text"));
	json_decref(j);
	/* --explain adds the sentence, in --lang */
	assert_true(output_json(&ev, &explained, buf, sizeof(buf)) > 0);
	j = parse(buf);
	assert_non_null(strstr(json_string_value(json_object_get(j, "text")),
			       "the server's listening socket got the client's SYN and answered SYN|ACK"));
	json_decref(j);
	assert_true(output_json(&ev, &zh, buf, sizeof(buf)) > 0);
	j = parse(buf);
	assert_non_null(strstr(json_string_value(json_object_get(j, "text")), "服务器的监听套接字收到客户端的 SYN"));
	json_decref(j);
	assert_true(output_text(&ev, 1000000000, NULL, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "1.000500 #1   server LISTEN -> SYN_RCVD: the server's listening socket got"));
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
	assert_non_null(strstr(buf, "\"connections\":1234567890123,\"kernel_lost\":0}"));
	st.seen = 5;
	assert_true(output_stats_json(&st, 0, buf, sizeof(buf)) > 0);
	j = parse(buf);
	assert_int_equal(json_integer_value(json_object_get(j, "invalid")), 99);
	assert_int_equal(json_integer_value(json_object_get(j, "not_tcp")), 100);
	json_decref(j);
	assert_int_equal(output_stats_json(&st, 0, buf, 20), -1); /* too small: refused, not cut */
}

/* An icmp record: the error, the quoted segment, its effect and note; the
 * text line says the same in words. Stats count icmp errors and carried
 * times, and the text line warns about the latter only when there were some. */
static void icmp_record_and_stats(void **state)
{
	struct segment seg = {.seq = 2518517867u, .flags = TCP_SYN,
			      .icmp = {.version = 4, .type = 3, .code = 4, .mtu = 1280, .quoted_full = true}};
	struct trace_event ev = {.kind = EVENT_ICMP, .ts_ns = 1000001000, .conn = 2, .seg = &seg,
				 .from_client = true, .icmp_effect = ICMP_IGNORED, .note = NOTE_ICMP_PMTU};
	struct output_style zh = {.explain = true, .lang = LANG_ZH};
	struct capture_stats st = {.seen = 3, .tcp = 1, .icmp = 1, .time_carried = 1};
	char buf[OUTPUT_LINE_MAX];
	json_t *j;

	(void)state;
	endpoint_parse("10.0.0.1:36988", &seg.src);
	endpoint_parse("10.0.0.2:80", &seg.dst);
	endpoint_parse("192.0.2.9:0", &seg.icmp.reporter);
	ev.client = seg.src;
	ev.server = seg.dst;
	assert_true(output_json(&ev, &zh, buf, sizeof(buf)) > 0);
	j = parse(buf);
	assert_string_equal(json_string_value(json_object_get(j, "type")), "icmp");
	assert_string_equal(json_string_value(json_object_get(j, "name")), "frag-needed");
	assert_string_equal(json_string_value(json_object_get(j, "reporter")), "192.0.2.9");
	assert_string_equal(json_string_value(json_object_get(j, "effect")), "ignored");
	assert_string_equal(json_string_value(json_object_get(j, "note")), "icmp_pmtu");
	assert_string_equal(json_string_value(json_object_get(j, "flags")), "SYN");
	assert_int_equal(json_integer_value(json_object_get(j, "mtu")), 1280);
	assert_int_equal(json_integer_value(json_object_get(j, "abs_seq")), 2518517867u);
	assert_non_null(strstr(json_string_value(json_object_get(j, "note_text")), "路径 MTU"));
	json_decref(j);
	assert_true(output_text(&ev, 1000000000, NULL, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "0.000001 #2 icmp frag-needed mtu 1280 from 192.0.2.9 about client "
				    "10.0.0.1:36988 > 10.0.0.2:80 [SYN] seq=0: ignored\n      note: not an error"));
	seg.icmp.quoted_full = false; /* an 8-byte quote: no flags */
	assert_true(output_json(&ev, NULL, buf, sizeof(buf)) > 0);
	assert_null(strstr(buf, "\"flags\""));

	assert_true(output_stats_json(&st, 0, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "\"icmp\":1,\"time_carried\":1,"));
	assert_true(output_stats_text(&st, LANG_EN, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "0 not tcp, 1 icmp errors; warning: 1 records had a fraction of a second"));
	st.icmp = st.time_carried = 0;
	assert_true(output_stats_text(&st, LANG_EN, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "0 not tcp") && !strstr(buf, "icmp") && !strstr(buf, "kernel records"));
	/* the kernel view's records not kept: said whenever there were some */
	st.kernel_lost = 7;
	assert_true(output_stats_json(&st, 0, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, ",\"kernel_lost\":7}"));
	assert_true(output_stats_text(&st, LANG_EN, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "0 not tcp, 7 kernel records not kept (more than 65536 waited for their packets at once)"));
	assert_true(output_stats_text(&st, LANG_ZH, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "，未保留的内核记录 7 条"));
}

/* With the endpoint cache every record is byte for byte what it is
 * without: IPv4 and IPv6, both directions, state and end records, and a
 * connection taking over another's slot (ids 4096 apart). */
static void endpoint_cache_changes_nothing(void **state)
{
	struct output_cache *cache = output_cache_new();
	struct output_style plain = {0}, cached = {.cache = cache};
	static const char *const eps[][2] = {
		{"127.0.0.1:50322", "127.0.0.1:8080"}, {"[2001:db8::1]:40000", "[2001:db8::2]:443"},
		{"[::ffff:192.0.2.1]:1", "[::1]:65535"}, {"10.0.0.1:5", "10.0.0.2:6"},
	};
	static const uint32_t conns[] = {1, 2, 4098, 2};

	(void)state;
	assert_non_null(cache);
	for (size_t i = 0; i < sizeof(conns) / sizeof(conns[0]); i++) {
		struct segment s = syn_segment();
		struct trace_event ev = {.kind = EVENT_PACKET, .ts_ns = 5, .conn = conns[i], .seg = &s};
		char a[OUTPUT_LINE_MAX], b[OUTPUT_LINE_MAX];

		assert_int_equal(endpoint_parse(eps[i][0], &ev.client), 0);
		assert_int_equal(endpoint_parse(eps[i][1], &ev.server), 0);
		for (int k = 0; k < 4; k++) {
			ev.kind = k < 2 ? EVENT_PACKET : k == 2 ? EVENT_STATE : EVENT_CONN_END;
			ev.from_client = k == 0;
			s.src = ev.from_client ? ev.client : ev.server;
			s.dst = ev.from_client ? ev.server : ev.client;
			assert_int_equal(output_json(&ev, &plain, a, sizeof(a)), output_json(&ev, &cached, b, sizeof(b)));
			assert_string_equal(a, b);
			assert_non_null(strstr(a, eps[i][0]));
			assert_int_equal(output_text(&ev, 0, &plain, a, sizeof(a)), output_text(&ev, 0, &cached, b, sizeof(b)));
			assert_string_equal(a, b);
		}
	}
	output_cache_free(cache);
}

/* The longest packet, arrival and state records there can be (IPv6
 * endpoints of the longest text, every option with four SACK blocks,
 * numbers of the most digits, both wire times, a note with the longest
 * key), each into heap buffers of every size from 1 byte up: a record is
 * written whole or refused (-1), and under AddressSanitizer no size lets
 * a writer step past its buffer (output.c checks its bound once a record,
 * then writes unchecked). */
static void longest_records_fit_or_are_refused(void **state)
{
	struct output_cache *cache = output_cache_new();
	struct output_style styles[2] = {{0}, {.cache = cache}};
	struct segment s;
	struct trace_event ev = {.ts_ns = UINT64_MAX, .conn = UINT32_MAX, .seg = &s, .rel_seq = UINT32_MAX,
				 .rel_ack = UINT32_MAX, .win_scaled = UINT32_MAX, .retransmission = true,
				 .midstream = true, .wire = true, .sent_ns = UINT64_MAX, .arrived_ns = UINT64_MAX,
				 .from = TCPS_ESTABLISHED, .to = TCPS_ESTABLISHED, .why_seq = UINT32_MAX,
				 .why_ack = UINT32_MAX};
	static const enum trace_event_kind kinds[] = {EVENT_PACKET, EVENT_ARRIVAL, EVENT_STATE};
	size_t longest_key = 0;

	(void)state;
	assert_non_null(cache);
	for (int w = 1; w < WHY_COUNT; w++)
		if (strlen(why_key((enum tcp_why)w)) > longest_key) {
			longest_key = strlen(why_key((enum tcp_why)w));
			ev.note = ev.why = (enum tcp_why)w;
		}
	memset(&s, 0, sizeof(s));
	assert_int_equal(endpoint_parse("[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255]:65535", &ev.client), 0);
	assert_int_equal(endpoint_parse("[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.254]:65534", &ev.server), 0);
	s.src = ev.client;
	s.dst = ev.server;
	ev.from_client = true;
	s.flags = 0xff;
	s.seq = s.ack = UINT32_MAX;
	s.len = UINT16_MAX;
	s.win = UINT16_MAX;
	s.opt.has = TCPOPT_HAS_MSS | TCPOPT_HAS_WSCALE | TCPOPT_HAS_SACK_PERM | TCPOPT_HAS_SACK | TCPOPT_HAS_TS |
		    TCPOPT_CUT;
	s.opt.mss = UINT16_MAX;
	s.opt.wscale = UINT8_MAX;
	s.opt.nsack = TCP_MAX_SACK_BLOCKS;
	for (int i = 0; i < TCP_MAX_SACK_BLOCKS; i++) {
		s.opt.sack[i].left = 1; /* relative to peer_isn 2: the most digits */
		s.opt.sack[i].right = 1;
	}
	ev.peer_isn = 2;
	s.opt.ts_val = s.opt.ts_ecr = UINT32_MAX;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		for (int st = 0; st < 2; st++) {
			char whole[OUTPUT_LINE_MAX];
			int len;

			ev.kind = kinds[k];
			len = output_json(&ev, &styles[st], whole, sizeof(whole));
			assert_true(len > 0); /* (numbers past 2^63: more than jansson parses) */
			assert_true(whole[0] == '{' && whole[len - 1] == '}');
			for (size_t n = 1; n <= (size_t)len + 1100; n++) {
				char *buf = malloc(n);
				int got;

				assert_non_null(buf);
				got = output_json(&ev, &styles[st], buf, n);
				if (got >= 0) {
					assert_int_equal(got, len);
					assert_string_equal(buf, whole);
				}
				if (n > (size_t)len + 1024) /* past every bound's margin: written */
					assert_int_equal(got, len);
				free(buf);
			}
		}
	}
	output_cache_free(cache);
}

/* ---- the kernel view's records ---- */

static struct kview_event kernel_record(enum kview_owner owner, uint32_t conn, uint64_t ts, const char *local,
					const char *peer, enum tcp_state from, enum tcp_state to,
					enum kstate_source source)
{
	struct kview_event ev = {.kind = KVIEW_RECORD, .ts_ns = ts, .conn = conn, .owner = owner,
				 .source = source, .from = from, .to = to};

	assert_int_equal(endpoint_parse(local, &ev.local), 0);
	assert_int_equal(endpoint_parse(peer, &ev.peer), 0);
	return ev;
}

static struct kview_event kernel_check(enum kview_owner owner, enum kstate_verdict verdict,
				       const enum tcp_state *wire, size_t nwire, const enum tcp_state *kern,
				       size_t nkern, enum kstate_source source, const char *why)
{
	struct kview_event ev = {.kind = KVIEW_CHECK, .ts_ns = 30, .conn = 1, .owner = owner,
				 .source = source, .verdict = verdict, .why = why};

	assert_int_equal(endpoint_parse("127.0.0.1:50000", &ev.client), 0);
	assert_int_equal(endpoint_parse("127.0.0.1:8080", &ev.server), 0);
	for (size_t i = 0; i < nwire; i++)
		state_path_push(&ev.wire, wire[i]);
	for (size_t i = 0; i < nkern; i++)
		state_path_push(&ev.kernel, kern[i]);
	return ev;
}

/* A record that fits exactly is written; one byte less is refused, never cut. */
static void assert_exact_fit(const struct kview_event *ev, const char *want_json, const char *want_text,
			     uint64_t t0_ns)
{
	char buf[OUTPUT_LINE_MAX];
	size_t jlen = strlen(want_json), tlen = strlen(want_text);
	json_t *j;

	assert_int_equal(output_kernel_json(ev, buf, sizeof(buf)), (int)jlen);
	assert_string_equal(buf, want_json);
	j = parse(buf);
	assert_true(json_is_object(j));
	json_decref(j);
	assert_int_equal(output_kernel_json(ev, buf, jlen + 1), (int)jlen);
	assert_string_equal(buf, want_json);
	assert_int_equal(output_kernel_json(ev, buf, jlen), -1);
	assert_int_equal(output_kernel_text(ev, t0_ns, buf, sizeof(buf)), (int)tlen);
	assert_string_equal(buf, want_text);
	assert_int_equal(output_kernel_text(ev, t0_ns, buf, tlen + 1), (int)tlen);
	assert_int_equal(output_kernel_text(ev, t0_ns, buf, tlen), -1);
}

static void kernel_records_json_and_text(void **state)
{
	static const enum tcp_state wire[] = {TCPS_ESTABLISHED, TCPS_FIN_WAIT_1};
	static const enum tcp_state kern[] = {TCPS_ESTABLISHED, TCPS_CLOSED};
	struct kview_event ev;

	(void)state;
	ev = kernel_record(KVIEW_CLIENT, 1, 20, "127.0.0.1:50000", "127.0.0.1:8080", TCPS_ESTABLISHED,
			   TCPS_CLOSED, KSTATE_TRACEPOINT);
	assert_exact_fit(&ev,
			 "{\"type\":\"kernel\",\"ts_ns\":20,\"conn\":1,\"role\":\"client\","
			 "\"local\":\"127.0.0.1:50000\",\"peer\":\"127.0.0.1:8080\","
			 "\"from\":\"ESTABLISHED\",\"to\":\"CLOSED\",\"source\":\"tracepoint\"}",
			 "0.000000 #1   kernel client ESTABLISHED -> CLOSED", 10);

	ev = kernel_record(KVIEW_LISTENER, 0, 1234567890, "[::1]:8080", "[::]:0", TCPS_CLOSED, TCPS_LISTEN,
			   KSTATE_SOCK_DIAG);
	assert_exact_fit(&ev,
			 "{\"type\":\"kernel\",\"ts_ns\":1234567890,\"conn\":0,\"role\":\"listener\","
			 "\"local\":\"[::1]:8080\",\"peer\":\"[::]:0\","
			 "\"from\":\"CLOSED\",\"to\":\"LISTEN\",\"source\":\"sock_diag\"}",
			 "1.234567 #-   kernel listener [::1]:8080 CLOSED -> LISTEN (sock_diag)", 0);

	ev = kernel_record(KVIEW_UNKNOWN, 0, 5, "127.0.0.1:40000", "127.0.0.1:9", TCPS_ESTABLISHED, TCPS_CLOSED,
			   KSTATE_TRACEPOINT);
	assert_exact_fit(&ev,
			 "{\"type\":\"kernel\",\"ts_ns\":5,\"conn\":0,\"role\":\"unknown\","
			 "\"local\":\"127.0.0.1:40000\",\"peer\":\"127.0.0.1:9\","
			 "\"from\":\"ESTABLISHED\",\"to\":\"CLOSED\",\"source\":\"tracepoint\"}",
			 "0.000000 #-   kernel 127.0.0.1:40000 > 127.0.0.1:9 ESTABLISHED -> CLOSED", 10);

	ev = kernel_check(KVIEW_CLIENT, KSTATE_DISAGREE, wire, 2, kern, 2, KSTATE_TRACEPOINT,
			  "they part \"after\" ESTABLISHED\\");
	assert_exact_fit(&ev,
			 "{\"type\":\"kernel_check\",\"ts_ns\":30,\"conn\":1,\"client\":\"127.0.0.1:50000\","
			 "\"server\":\"127.0.0.1:8080\",\"role\":\"client\",\"verdict\":\"disagree\","
			 "\"wire\":\"ESTABLISHED>FIN_WAIT_1\",\"kernel\":\"ESTABLISHED>CLOSED\","
			 "\"source\":\"tracepoint\",\"why\":\"they part \\\"after\\\" ESTABLISHED\\\\\"}",
			 "0.000000 #1   disagree: client wire ESTABLISHED>FIN_WAIT_1, kernel ESTABLISHED>CLOSED: "
			 "they part \"after\" ESTABLISHED\\",
			 30);

	ev = kernel_check(KVIEW_SERVER, KSTATE_AGREE, wire, 1, NULL, 0, KSTATE_SOCK_DIAG, "no socket");
	assert_exact_fit(&ev,
			 "{\"type\":\"kernel_check\",\"ts_ns\":30,\"conn\":1,\"client\":\"127.0.0.1:50000\","
			 "\"server\":\"127.0.0.1:8080\",\"role\":\"server\",\"verdict\":\"agree\","
			 "\"wire\":\"ESTABLISHED\",\"kernel\":\"\",\"source\":\"sock_diag\",\"why\":\"no socket\"}",
			 "0.000000 #1   agree: server wire ESTABLISHED, kernel (nothing) (sock_diag): no socket", 40);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_string_round_trips),
		cmocka_unit_test(json_string_too_long_is_refused),
		cmocka_unit_test(packet_record_has_every_field),
		cmocka_unit_test(icmp_record_and_stats),
		cmocka_unit_test(endpoint_cache_changes_nothing),
		cmocka_unit_test(state_record_and_text_line),
		cmocka_unit_test(numbers_at_their_limits),
		cmocka_unit_test(longest_records_fit_or_are_refused),
		cmocka_unit_test(kernel_records_json_and_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
