/* test_endpoint.c: the text forms of endpoints, both ways. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "endpoint.h"
#include "json.h"

static void round_trips(void **state)
{
	static const char *good[] = {"127.0.0.1:50322", "0.0.0.0:0", "255.255.255.255:65535",
				     "[::1]:8080", "[fe80::1:2]:1", "[2001:db8::ff00:42:8329]:443"};
	char buf[ENDPOINT_STRLEN];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct endpoint e, again;
		assert_int_equal(endpoint_parse(good[i], &e), 0);
		assert_string_equal(endpoint_format(&e, buf, sizeof(buf)), good[i]);
		assert_int_equal(endpoint_parse(buf, &again), 0);
		assert_true(endpoint_equal(&e, &again));
	}
}

static void bad_text_is_refused(void **state)
{
	static const char *bad[] = {"", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1",
				    "127.0.0.1:80x", "1.2.3:80", "::1:80", "[::1]80", "[::1]:", "[]:80",
				    "[127.0.0.1]:80", "host:80", ":80"};
	struct endpoint e;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(endpoint_parse(bad[i], &e), -1);
}

static void equality_and_small_buffers(void **state)
{
	struct endpoint a, b;
	char small[8];

	(void)state;
	endpoint_parse("10.0.0.1:80", &a);
	endpoint_parse("10.0.0.1:81", &b);
	assert_false(endpoint_equal(&a, &b));
	endpoint_parse("[::ffff:10.0.0.1]:80", &b);
	assert_false(endpoint_equal(&a, &b)); /* a v4-mapped v6 address is another family */
	assert_string_equal(endpoint_format(&a, small, sizeof(small)), "10.0.0.");
}

/* Appended to a record as one more piece: whole, or the record is refused. */
static void appends_to_an_outbuf(void **state)
{
	struct endpoint v4, v6, unset = {0};
	char buf[64];
	struct outbuf o = outbuf_at(buf, sizeof(buf), 0);

	(void)state;
	endpoint_parse("192.168.100.200:65535", &v4);
	endpoint_parse("[2001:db8::1]:443", &v6);
	outbuf_lit(&o, "from ");
	endpoint_put(&o, &v4);
	outbuf_lit(&o, " to ");
	endpoint_put(&o, &v6);
	outbuf_char(&o, ' ');
	endpoint_put(&o, &unset);
	assert_int_equal(outbuf_finish(&o), (int)strlen("from 192.168.100.200:65535 to [2001:db8::1]:443 ?"));
	assert_string_equal(buf, "from 192.168.100.200:65535 to [2001:db8::1]:443 ?");

	o = outbuf_at(buf, strlen("192.168.100.200:65535"), 0); /* no room for the NUL */
	endpoint_put(&o, &v4);
	assert_int_equal(outbuf_finish(&o), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trips),
		cmocka_unit_test(bad_text_is_refused),
		cmocka_unit_test(equality_and_small_buffers),
		cmocka_unit_test(appends_to_an_outbuf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
