/* test_recording.c: the pcapng we write read back by libpcap (through the
 * capture edge, as replay does), and .jsonl lines written and read back,
 * including a torn last line and a broken one. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "recording.h"

static char dir[] = "/tmp/socklab-test-recording-XXXXXX";

static int make_dir(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

/* A raw IPv4 TCP SYN from 127.0.0.1:40000 to 127.0.0.1:port. */
static size_t syn_frame(uint8_t *b, unsigned port)
{
	static const uint8_t ip[] = {0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1};
	uint8_t tcp[20] = {0x9c, 0x40, (uint8_t)(port >> 8), (uint8_t)port, 0, 0, 0, 100, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff};

	memcpy(b, ip, sizeof(ip));
	memcpy(b + sizeof(ip), tcp, sizeof(tcp));
	return sizeof(ip) + sizeof(tcp);
}

struct seen {
	int n;
	unsigned ports[8];
	uint64_t ts[8];
};

static void on_seg(const struct segment *seg, uint64_t ts_ns, void *ctx)
{
	struct seen *s = ctx;

	if (s->n < 8) {
		s->ports[s->n] = seg->dst.port;
		s->ts[s->n++] = ts_ns;
	}
}

static void pcapng_reads_back(void **state)
{
	char base[256], err[256];
	uint8_t frame[64];
	size_t len = syn_frame(frame, 8080);
	struct recording *r;
	struct capture *c;
	struct capture_opts co = {0};
	struct seen seen = {0};

	(void)state;
	snprintf(base, sizeof(base), "%s/rec", dir);
	r = recording_open(base, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(recording_write_packet(r, LINK_RAW, 1764107207123456789ull, frame, (uint32_t)len,
						(uint32_t)len, "client CLOSED -> SYN_SENT; call: connect() by client pid 1"), 0);
	syn_frame(frame, 9090);
	assert_int_equal(recording_write_packet(r, LINK_RAW, 1764107207123456790ull, frame, (uint32_t)len,
						(uint32_t)len, NULL), 0);
	assert_int_equal(recording_write_line(r, "{\"type\":\"hello\"}", 16), 0);
	assert_null(recording_error(r));
	assert_non_null(strstr(recording_pcapng_path(r), "rec.pcapng"));
	recording_close(r);

	co.file = base;
	snprintf(base + strlen(base), sizeof(base) - strlen(base), ".pcapng");
	c = capture_open(&co, err, sizeof(err));
	if (!c)
		fail_msg("%s", err);
	while (capture_dispatch(c, 0, on_seg, &seen, err, sizeof(err)) > 0)
		;
	capture_close(c);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.ports[0], 8080);
	assert_int_equal(seen.ports[1], 9090);
	/* nanosecond timestamps survive (if_tsresol 9) */
	assert_true(seen.ts[0] == 1764107207123456789ull);
}

static void count_record(const struct ui_event *ev, void *ctx)
{
	(void)ev;
	(*(int *)ctx)++;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void jsonl_torn_and_broken_lines(void **state)
{
	char path[256], err[512], warn[512];
	int n = 0;
	const char *good = "{\"type\":\"hello\",\"ts_ns\":1,\"proc\":\"server\",\"pid\":2}\n";
	char text[512];

	(void)state;
	snprintf(path, sizeof(path), "%s/torn.jsonl", dir);
	snprintf(text, sizeof(text), "%s%s{\"type\":\"pack", good, good);
	write_file(path, text);
	assert_int_equal(recording_read_jsonl(path, count_record, &n, err, sizeof(err), warn, sizeof(warn)), 2);
	assert_int_equal(n, 2);
	assert_non_null(strstr(warn, "torn.jsonl:3: last line cut short"));

	snprintf(path, sizeof(path), "%s/broken.jsonl", dir);
	snprintf(text, sizeof(text), "%s[1]\n%s", good, good);
	write_file(path, text);
	assert_int_equal(recording_read_jsonl(path, count_record, &n, err, sizeof(err), warn, sizeof(warn)), -1);
	assert_non_null(strstr(err, "broken.jsonl:2: expected an object"));

	snprintf(path, sizeof(path), "%s/missing.jsonl", dir);
	assert_int_equal(recording_read_jsonl(path, count_record, &n, err, sizeof(err), warn, sizeof(warn)), -1);
	assert_non_null(strstr(err, "missing.jsonl"));
}

static void unwritable_place_is_reported(void **state)
{
	char err[256];

	(void)state;
	assert_null(recording_open("/nonexistent-dir/rec", err, sizeof(err)));
	assert_non_null(strstr(err, "record /nonexistent-dir/rec.jsonl: "));
}

/* A recording started from a Chinese screen says why in Chinese: the
 * errno from a table (ENOENT, ENOSPC), never strerror's English. */
static int make_full(void *ctx, const char *path, char *err, size_t errlen)
{
	(void)ctx;
	(void)path;
	(void)err;
	(void)errlen;
	return open("/dev/full", O_WRONLY | O_CLOEXEC);
}

static void reasons_in_chinese(void **state)
{
	struct recording_files full = {make_full, NULL};
	char err[256];

	(void)state;
	assert_null(recording_open_with("/nonexistent-dir/rec", NULL, LANG_ZH, err, sizeof(err)));
	assert_string_equal(err, "/nonexistent-dir/rec.jsonl：没有那个文件或目录");
	if (access("/dev/full", W_OK) != 0)
		skip();
	assert_null(recording_open_with("rec", &full, LANG_ZH, err, sizeof(err)));
	assert_string_equal(err, "rec.pcapng：设备上没有空间");
	assert_null(recording_open_with("rec", &full, LANG_EN, err, sizeof(err)));
	assert_string_equal(err, "record rec.pcapng: no space left on device");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pcapng_reads_back),
		cmocka_unit_test(jsonl_torn_and_broken_lines),
		cmocka_unit_test(unwritable_place_is_reported),
		cmocka_unit_test(reasons_in_chinese),
	};
	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
