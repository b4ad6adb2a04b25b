/* test_session.c: the session's event channel on a real private socket:
 * records reach the timeline and the on_event hook, step requests wait
 * while the hold filter holds their program and are released oldest first
 * otherwise, a stopped program's requests are dropped, a bad datagram
 * leaves a notice, and closing removes the private directory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "net.h"
#include "session.h"

struct seen {
	int events, rows;
	char last_call[24];
	bool hold[2];
};

static void on_row(long pos, bool inserted_before, uint64_t dropped_before, void *ctx)
{
	struct seen *s = ctx;

	(void)pos;
	(void)inserted_before;
	(void)dropped_before;
	s->rows++;
}

static void on_event(const struct ui_event *ev, void *ctx)
{
	struct seen *s = ctx;

	s->events++;
	if (ev->type == UEV_CALL)
		snprintf(s->last_call, sizeof(s->last_call), "%s", ev->u.call.call);
}

static bool held(enum tcp_role proc, void *ctx)
{
	return ((struct seen *)ctx)->hold[proc];
}

static struct session *open_session(struct timeline *tl, struct seen *seen)
{
	struct session_opts o = {.no_capture = true, .on_row = on_row, .on_event = on_event, .held = held, .ctx = seen};
	char err[256];
	struct session *s = session_open(&o, tl, err, sizeof(err));

	if (!s || session_listen_private(s, "socklab-test-session", -1, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	return s;
}

/* A lab program: a connection to the session's channel. */
static int program(const struct session *s)
{
	return net_unix_connect(session_channel_path(s));
}

static void send_to(int prog, const char *msg)
{
	assert_int_equal(send(prog, msg, strlen(msg), 0), (ssize_t)strlen(msg));
}

static void send_step(int prog, const char *proc, int seq, const char *call)
{
	char msg[512];

	snprintf(msg, sizeof(msg),
		 "{\"type\":\"step\",\"ts_ns\":%d,\"proc\":\"%s\",\"pid\":7,\"seq\":%d,\"call\":\"%s\",\"fd\":3,"
		 "\"args\":\"3\"}",
		 1000 + seq, proc, seq, call);
	send_to(prog, msg);
}

/* The "go" a program got on its connection: its seq, or -1. */
static long go_seq(int fd)
{
	char buf[64];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	long seq;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return sscanf(buf, "{\"type\":\"go\",\"seq\":%ld}", &seq) == 1 ? seq : -1;
}

static void records_reach_the_timeline_and_the_hook(void **state)
{
	struct timeline *tl = timeline_new(NULL);
	struct seen seen = {0};
	struct session *s = open_session(tl, &seen);
	int prog = program(s);

	(void)state;
	send_to(prog,
		"{\"type\":\"call\",\"ts_ns\":5,\"phase\":\"exit\",\"proc\":\"server\",\"pid\":8,\"seq\":1,"
		"\"call\":\"listen\",\"fd\":3,\"args\":\"3\",\"ret\":0,\"errno\":null}");
	send_to(prog, "{\"type\":\"hello\",\"ts_ns\":4,\"proc\":\"client\",\"pid\":9,\"argv\":\"echo-client\"}");
	assert_int_equal(session_pump_channel(s), 2);
	assert_int_equal(seen.events, 2);
	assert_string_equal(seen.last_call, "listen");
	assert_int_equal(seen.rows, 1); /* the hello makes no row */
	assert_int_equal(timeline_count(tl), 1);
	assert_non_null(strstr(session_notice(s), "client pid 9 joined"));
	/* a datagram that is not a record: ignored, and said so */
	send_to(prog, "not json");
	assert_int_equal(session_pump_channel(s), 1);
	assert_int_equal(seen.events, 2);
	assert_non_null(strstr(session_notice(s), "event channel: a record was ignored"));
	close(prog);
	session_close(s);
	timeline_free(tl);
}

/* The whole of a file, or "" (the caller frees it). */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 65536);
	size_t n;

	assert_non_null(buf);
	if (f) {
		n = fread(buf, 1, 65535, f);
		buf[n] = '\0';
		fclose(f);
	}
	return buf;
}

/* A Chinese screen: the notices of the channel and the recording are
 * Chinese, their reasons included, with no English words in them; the recording's "lost" note is
 * data, and stays English. */
static void a_chinese_screen_gets_chinese_notices(void **state)
{
	struct timeline *tl = timeline_new(&(struct timeline_config){.lang = LANG_ZH});
	struct seen seen = {0};
	struct session *s = open_session(tl, &seen);
	char dir[] = "/tmp/socklab-test-session-zh-XXXXXX", base[96], path[192], err[256], msg[512];
	int prog = program(s);
	char *jsonl;

	(void)state;
	send_to(prog, "not json");
	assert_int_equal(session_pump_channel(s), 1);
	assert_non_null(strstr(session_notice(s), "事件通道：忽略了一条记录：不是有效的 JSON：语法错误（第 3 列）"));
	assert_null(strstr(session_notice(s), "event channel"));

	assert_non_null(mkdtemp(dir));
	snprintf(base, sizeof(base), "%s/no-such-dir/rec", dir);
	assert_int_equal(session_record(s, base, NULL, err, sizeof(err)), -1);
	snprintf(path, sizeof(path), "无法录制：%s.jsonl：没有那个文件或目录", base); /* the reason too */
	assert_string_equal(err, path);
	snprintf(base, sizeof(base), "%s/rec", dir);
	assert_int_equal(session_record(s, base, NULL, err, sizeof(err)), 0);
	assert_int_equal(session_record(s, base, NULL, err, sizeof(err)), -1);
	snprintf(path, sizeof(path), "已经在录制到 %s.jsonl", base);
	assert_string_equal(err, path);

	/* calls 4..199 of server pid 812 never come: 133 of them are given up */
	for (int seq = 1; seq <= 200; seq = seq == 3 ? 200 : seq + 1) {
		snprintf(msg, sizeof(msg),
			 "{\"type\":\"call\",\"ts_ns\":%d,\"phase\":\"enter\",\"proc\":\"server\",\"pid\":812,"
			 "\"seq\":%d,\"call\":\"read\",\"fd\":4,\"args\":\"4\"}",
			 1000 + seq, seq);
		send_to(prog, msg);
	}
	assert_int_equal(session_pump_channel(s), 4);
	assert_string_equal(session_notice(s), "丢失了 133 个调用（服务器 pid 812）（实验程序的记录丢失了）");
	/* space for a program that has gone since it asked */
	send_step(prog, "client", 201, "connect");
	assert_int_equal(session_pump_channel(s), 1);
	close(prog);
	assert_int_equal(session_step_go(s, err, sizeof(err)), -1);
	assert_string_equal(err, "单步：发出请求的程序已经退出了");
	session_close(s);

	snprintf(path, sizeof(path), "%s.jsonl", base);
	jsonl = slurp(path);
	assert_non_null(strstr(jsonl, "\"calls\":133,\"note\":\"133 calls of server pid 812 lost\"}"));
	free(jsonl);
	unlink(path);
	snprintf(path, sizeof(path), "%s.pcapng", base);
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
	timeline_free(tl);
}

static void held_programs_wait_the_others_go_oldest_first(void **state)
{
	struct timeline *tl = timeline_new(NULL);
	struct seen seen = {.hold = {false, true}}; /* the server is held */
	struct session *s = open_session(tl, &seen);
	char first[64], err[256];
	/* the server connects first, as in a lab: the channel reads a program's
	 * connections oldest first, so its request is queued first */
	int sfd = program(s), cfd = program(s);

	(void)state;
	send_step(sfd, "server", 1, "accept");
	send_step(cfd, "client", 2, "connect");
	send_step(cfd, "client", 3, "write");
	assert_int_equal(session_pump_channel(s), 3);
	assert_int_equal(session_steps_waiting(s, first, sizeof(first)), 2); /* the held server's does not count */
	assert_string_equal(first, "client connect()");
	assert_int_equal(session_step_go(s, err, sizeof(err)), 0);
	assert_int_equal(go_seq(cfd), 2);
	assert_int_equal(go_seq(sfd), -1);
	seen.hold[ROLE_SERVER] = false; /* the server's is the oldest now waiting */
	assert_int_equal(session_step_go(s, err, sizeof(err)), 0);
	assert_int_equal(go_seq(sfd), 1);
	assert_int_equal(session_step_go(s, err, sizeof(err)), 0);
	assert_int_equal(go_seq(cfd), 3);
	assert_int_equal(session_step_go(s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no program is waiting"));
	close(cfd);
	close(sfd);
	session_close(s);
	timeline_free(tl);
}

static void a_stopped_programs_requests_are_dropped(void **state)
{
	struct timeline *tl = timeline_new(NULL);
	struct seen seen = {0};
	struct session *s = open_session(tl, &seen);
	char err[256];
	int cfd = program(s), sfd = program(s);

	(void)state;
	send_step(sfd, "server", 1, "accept");
	send_step(cfd, "client", 2, "connect");
	close(sfd); /* the server was stopped */
	assert_int_equal(session_pump_channel(s), 2);
	session_steps_drop(s, ROLE_SERVER);
	assert_int_equal(session_steps_waiting(s, NULL, 0), 1);
	assert_int_equal(session_step_go(s, err, sizeof(err)), 0); /* the client's, not the gone server's */
	assert_int_equal(go_seq(cfd), 2);
	close(cfd);
	session_close(s);
	timeline_free(tl);
}

static void closing_removes_the_private_directory(void **state)
{
	struct timeline *tl = timeline_new(NULL);
	struct seen seen = {0};
	struct session *s = open_session(tl, &seen);
	char dir[128], left[160];
	int fd;

	(void)state;
	snprintf(dir, sizeof(dir), "%s", session_channel_path(s));
	*strrchr(dir, '/') = '\0';
	snprintf(left, sizeof(left), "%s/left-by-a-killed-program", dir);
	fd = open(left, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	snprintf(dir, sizeof(dir), "%s", session_channel_path(s));
	*strrchr(dir, '/') = '\0';
	assert_int_equal(strncmp(dir, "/tmp/socklab-test-session-", 26), 0);
	assert_int_equal(access(dir, F_OK), 0);
	session_close(s);
	assert_int_not_equal(access(left, F_OK), 0);
	assert_int_not_equal(access(dir, F_OK), 0);
	timeline_free(tl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(records_reach_the_timeline_and_the_hook),
		cmocka_unit_test(a_chinese_screen_gets_chinese_notices),
		cmocka_unit_test(held_programs_wait_the_others_go_oldest_first),
		cmocka_unit_test(a_stopped_programs_requests_are_dropped),
		cmocka_unit_test(closing_removes_the_private_directory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
