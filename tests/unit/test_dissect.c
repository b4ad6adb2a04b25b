/* test_dissect.c: real frames from tests/golden/ dissected into layers and
 * fields; the values are tshark's for the same frames (tshark -T fields;
 * tests/it/it_dissect_tshark.sh compares every field of every golden
 * frame). Every frame is also cut at every length: no read past the cut
 * (ASan), every field and layer inside what was captured, the cut said. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "dissect.h"
#include "golden_frames.h"


static const struct dissect_field *find(const struct dissection *d, enum dissect_field_id id)
{
	for (uint32_t i = 0; i < d->nfields; i++)
		if (d->fields[i].id == id)
			return &d->fields[i];
	fail_msg("field %s not found", dissect_field_name(id, LANG_EN));
	return NULL;
}

static void expect(const struct dissection *d, enum dissect_field_id id, uint32_t off, uint32_t len, const char *value)
{
	const struct dissect_field *f = find(d, id);

	assert_string_equal(f->value, value);
	assert_int_equal(f->off, off);
	assert_int_equal(f->len, len);
}

static void layers_are(const struct dissection *d, const enum dissect_layer_id *ids, uint32_t n)
{
	assert_int_equal(d->nlayers, n);
	for (uint32_t i = 0; i < n; i++)
		assert_int_equal(d->layers[i].id, ids[i]);
}

static void tcp_over_ethernet_ipv4(void **state)
{
	struct dissection d;
	static const enum dissect_layer_id ids[] = {DL_ETHERNET, DL_IPV4, DL_TCP};

	(void)state;
	dissect_frame(LINK_ETHERNET, echo_syn, echo_syn_len, echo_syn_len, &d);
	layers_are(&d, ids, 3);
	assert_false(d.cut);
	expect(&d, DF_ETH_TYPE, 12, 2, "IPv4 (0x0800)");
	expect(&d, DF_IP_ID, 18, 2, "0x987a (39034)");
	expect(&d, DF_IP_CHECKSUM, 24, 2, "0xa43f");
	expect(&d, DF_IP_SRC, 26, 4, "127.0.0.1");
	expect(&d, DF_TCP_SRCPORT, 34, 2, "60182");
	expect(&d, DF_TCP_DSTPORT, 36, 2, "47311");
	expect(&d, DF_TCP_SEQ, 38, 4, "4019044359");
	expect(&d, DF_TCP_FLAGS, 46, 2, "0x002 (SYN)");
	expect(&d, DF_TCP_WINDOW, 48, 2, "65495");
	expect(&d, DF_TCP_OPT_MSS, 54, 4, "65495");
	expect(&d, DF_TCP_OPT_TSVAL, 60, 6, "2051815087");
	expect(&d, DF_TCP_OPT_WSCALE, 71, 3, "10 (×1024)");
	expect(&d, DF_TCP_OPTIONS, 54, 20, "20 bytes: MSS 65495, SACK_PERM, TS val 2051815087 ecr 0, WS 10");
	/* the layers cover the frame: 14 + 20 + 40 */
	assert_int_equal(d.layers[2].off, 34);
	assert_int_equal(d.layers[2].len, 40);
	assert_int_equal(dissect_layer_at(&d, 35), 2);
	assert_int_equal(dissect_layer_at(&d, 0), 0);
	assert_string_equal(d.layers[2].summary, "60182 → 47311 [SYN] len 0");
}

static void payload_is_a_layer(void **state)
{
	struct dissection d;

	(void)state;
	dissect_frame(LINK_ETHERNET, echo_data, echo_data_len, 0, &d);
	assert_int_equal(d.nlayers, 4);
	assert_int_equal(d.layers[3].id, DL_PAYLOAD);
	expect(&d, DF_TCP_FLAGS, 46, 2, "0x018 (PSH, ACK)");
	expect(&d, DF_DATA, 66, 5, "5 bytes: hello");
}

static void ipv6(void **state)
{
	struct dissection d;

	(void)state;
	dissect_frame(LINK_ETHERNET, ipv6_syn, ipv6_syn_len, 0, &d);
	assert_int_equal(d.layers[1].id, DL_IPV6);
	expect(&d, DF_IP6_FLOW, 15, 3, "0x068cb");
	expect(&d, DF_IP6_PLEN, 18, 2, "40");
	expect(&d, DF_IP6_NXT, 20, 1, "TCP (6)");
	expect(&d, DF_IP6_SRC, 22, 16, "::1");
	expect(&d, DF_TCP_SRCPORT, 54, 2, "43226");
}

static void arp_request_fields(void **state)
{
	struct dissection d;

	(void)state;
	dissect_frame(LINK_ETHERNET, arp_request, arp_request_len, 0, &d);
	assert_int_equal(d.nlayers, 2);
	assert_int_equal(d.layers[1].id, DL_ARP);
	expect(&d, DF_ETH_DST, 0, 6, "ff:ff:ff:ff:ff:ff");
	expect(&d, DF_ARP_OPCODE, 20, 2, "request (1)");
	expect(&d, DF_ARP_SHA, 22, 6, "ce:18:06:92:c3:2e");
	expect(&d, DF_ARP_SPA, 28, 4, "10.77.0.1");
	expect(&d, DF_ARP_TPA, 38, 4, "10.77.0.2");
	assert_string_equal(d.layers[1].summary, "who-has 10.77.0.2 tell 10.77.0.1");
}

static void linux_cooked_v2(void **state)
{
	struct dissection d;

	(void)state;
	dissect_frame(LINK_SLL2, sll2_syn, sll2_syn_len, 0, &d);
	assert_int_equal(d.layers[0].id, DL_SLL2);
	expect(&d, DF_SLL_PROTO, 0, 2, "IPv4 (0x0800)");
	expect(&d, DF_SLL_IFINDEX, 4, 4, "1");
	expect(&d, DF_SLL_HATYPE, 8, 2, "772");
	expect(&d, DF_TCP_SRCPORT, 40, 2, "46014");
}

static void icmp_error(void **state)
{
	struct dissection d;

	(void)state;
	dissect_frame(LINK_ETHERNET, icmp_unreach, icmp_unreach_len, 0, &d);
	assert_int_equal(d.layers[2].id, DL_ICMP);
	expect(&d, DF_ICMP_TYPE, 34, 1, "3");
	expect(&d, DF_ICMP_CODE, 35, 1, "3");
	expect(&d, DF_ICMP_QUOTE, 42, 60, "60 bytes");
}

/* Every frame cut at every length: nothing outside the cut, and a cut
 * inside the headers is said. */
static void cut_at_every_length(void **state)
{
	const struct {
		enum link_type lt;
		const uint8_t *b;
		size_t len, headers; /* bytes of headers: cut before, it is said */
	} frames[] = {
		{LINK_ETHERNET, echo_syn, echo_syn_len, 74},
		{LINK_ETHERNET, echo_data, echo_data_len, 71},
		{LINK_ETHERNET, ipv6_syn, ipv6_syn_len, 94},
		{LINK_ETHERNET, arp_request, arp_request_len, 42},
		{LINK_SLL2, sll2_syn, sll2_syn_len, 80},
		{LINK_ETHERNET, icmp_unreach, icmp_unreach_len, 42},
	};
	struct dissection d;

	(void)state;
	for (size_t f = 0; f < sizeof(frames) / sizeof(frames[0]); f++) {
		for (size_t cut = 0; cut <= frames[f].len; cut++) {
			for (unsigned lt = 0; lt < LINK_COUNT; lt++) {
				enum link_type as = lt == 0 ? frames[f].lt : (enum link_type)lt;
				dissect_frame(as, frames[f].b, cut, frames[f].len, &d);
				assert_true(d.nlayers <= DISSECT_MAX_LAYERS);
				assert_true(d.nfields <= DISSECT_MAX_FIELDS);
				for (uint32_t i = 0; i < d.nfields; i++)
					assert_true(d.fields[i].off + d.fields[i].len <= cut);
				for (uint32_t i = 0; i < d.nlayers; i++)
					assert_true(d.layers[i].off + d.layers[i].len <= cut);
				if (as == frames[f].lt && cut < frames[f].headers && !d.cut)
					fail_msg("frame %zu cut at %zu: the cut is not said", f, cut);
				if (as == frames[f].lt && cut == frames[f].len)
					assert_false(d.cut);
			}
		}
	}
}

static void names_in_both_languages(void **state)
{
	(void)state;
	for (int id = 0; id < DF_COUNT; id++)
		for (int l = 0; l < LANG_COUNT; l++)
			assert_true(strlen(dissect_field_name((enum dissect_field_id)id, (enum lang)l)) > 0);
	for (int id = 0; id < DL_COUNT; id++)
		for (int l = 0; l < LANG_COUNT; l++)
			assert_true(strlen(dissect_layer_name((enum dissect_layer_id)id, (enum lang)l)) > 0);
	assert_string_equal(dissect_field_name(DF_TCP_SRCPORT, LANG_ZH), "源端口");
	assert_string_equal(dissect_field_name(DF_TCP_WINDOW, LANG_ZH), "窗口");
}

/* In Chinese the words inside values and summaries are Chinese too (the
 * words table): no "bytes", "request", "len" left in English, the numbers
 * and addresses the same as in English. */
static void values_in_chinese(void **state)
{
	static const char *const english[] = {"bytes", "request", "reply", "yes", "kind", "len ", "type ", "code ",
					      "Don't", "PRI"};
	const struct {
		enum link_type lt;
		const uint8_t *b;
		size_t len;
	} frames[] = {
		{LINK_ETHERNET, echo_syn, echo_syn_len}, {LINK_ETHERNET, echo_data, echo_data_len},
		{LINK_ETHERNET, ipv6_syn, ipv6_syn_len}, {LINK_ETHERNET, arp_request, arp_request_len},
		{LINK_SLL2, sll2_syn, sll2_syn_len},     {LINK_ETHERNET, icmp_unreach, icmp_unreach_len},
	};
	struct dissection en, zh;

	(void)state;
	for (size_t f = 0; f < sizeof(frames) / sizeof(frames[0]); f++) {
		dissect_frame(frames[f].lt, frames[f].b, frames[f].len, 0, &en);
		dissect_frame_in(frames[f].lt, frames[f].b, frames[f].len, 0, LANG_ZH, &zh);
		assert_int_equal(en.nfields, zh.nfields);
		assert_int_equal(en.nlayers, zh.nlayers);
		for (uint32_t i = 0; i < zh.nfields; i++) {
			assert_int_equal(en.fields[i].num, zh.fields[i].num);
			for (size_t w = 0; w < sizeof(english) / sizeof(english[0]); w++)
				if (strstr(zh.fields[i].value, english[w]))
					fail_msg("frame %zu field %s: \"%s\" has \"%s\"", f,
						 dissect_field_name(zh.fields[i].id, LANG_EN), zh.fields[i].value, english[w]);
		}
		for (uint32_t i = 0; i < zh.nlayers; i++)
			for (size_t w = 0; w < sizeof(english) / sizeof(english[0]); w++)
				if (strstr(zh.layers[i].summary, english[w]))
					fail_msg("frame %zu layer %u: \"%s\"", f, i, zh.layers[i].summary);
	}
	dissect_frame_in(LINK_ETHERNET, arp_request, arp_request_len, 0, LANG_ZH, &zh);
	expect(&zh, DF_ARP_OPCODE, 20, 2, "请求 (1)");
	dissect_frame_in(LINK_ETHERNET, echo_syn, echo_syn_len, 0, LANG_ZH, &zh);
	expect(&zh, DF_TCP_HDR_LEN, 46, 1, "40 字节 (10)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tcp_over_ethernet_ipv4),
		cmocka_unit_test(payload_is_a_layer),
		cmocka_unit_test(ipv6),
		cmocka_unit_test(arp_request_fields),
		cmocka_unit_test(linux_cooked_v2),
		cmocka_unit_test(icmp_error),
		cmocka_unit_test(cut_at_every_length),
		cmocka_unit_test(names_in_both_languages),
		cmocka_unit_test(values_in_chinese),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
