/* test_explain.c: the explanation pane's words for what a non-blocking
 * program does (accept4 = -1 EAGAIN, connect = -1 EINPROGRESS,
 * getsockopt(SO_ERROR), epoll, fcntl O_NONBLOCK, the vector and message
 * calls) and for an ICMP error's row, in English and Chinese, from the
 * records socklab run and socklab-trace write. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event_parse.h"
#include "fixture.h"
#include "explain.h"
#include "timeline.h"
#include "why.h"

static long add_json(struct timeline *tl, const char *json)
{
	struct ui_event ev;
	char err[256];
	long pos;

	if (ui_event_parse(json, strlen(json), &ev, err, sizeof(err)) < 0)
		fail_msg("%s: %s", json, err);
	pos = timeline_add(tl, &ev, NULL);
	assert_true(pos >= 0);
	return pos;
}

/* One call's exit, made by proc, as socklab run reports it. */
static long add_call(struct timeline *tl, const char *proc, const char *call, const char *args, const char *ret,
		     const char *err)
{
	static long seq = 1;
	char json[1024];

	snprintf(json, sizeof(json),
		 "{\"type\":\"call\",\"ts_ns\":%ld,\"phase\":\"exit\",\"proc\":\"%s\",\"pid\":%d,\"seq\":%ld,"
		 "\"call\":\"%s\",\"fd\":3,\"args\":\"%s\",\"ret\":%s,\"errno\":%s%s%s}",
		 1764107299000000000L + seq * 1000, proc, strcmp(proc, "server") == 0 ? 200 : 300, seq, call, args,
		 ret, err ? "\"" : "", err ? err : "null", err ? "\"" : "");
	seq++;
	return add_json(tl, json);
}

static struct timeline *new_timeline(enum lang lang)
{
	struct timeline_config cfg = {.lang = lang};
	struct timeline *tl = timeline_new(&cfg);

	assert_non_null(tl);
	return tl;
}

/* The catalog's sentence of key about the server or the client, as the
 * pane must contain it. */
static const char *sentence(enum tcp_why key, enum lang lang, bool server, uint32_t seq)
{
	static char buf[WHY_TEXT_MAX];

	assert_true(why_format(key, lang, server, seq, 0, buf, sizeof(buf)) > 0);
	return buf;
}

static void assert_has(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("'%s' is not in '%s'", part, text);
}

static void assert_lacks(const char *text, const char *part)
{
	if (strstr(text, part))
		fail_msg("'%s' should not be in '%s'", part, text);
}

struct call_case {
	const char *proc, *call, *args, *ret, *err;
	enum tcp_why what, result;                /* result WHY_NONE: no result sentence */
	const char *en, *zh;                      /* words the pane must hold in each language */
};

static const struct call_case calls[] = {
	{"server", "accept4", "3, &peer, &len, SOCK_NONBLOCK | SOCK_CLOEXEC", "-1", "EAGAIN", CALL_ACCEPT4,
	 RESULT_ACCEPT_EAGAIN, "no finished connection is in the accept queue yet", "accept 队列里还没有"},
	{"server", "accept4", "3, &peer, &len, SOCK_NONBLOCK | SOCK_CLOEXEC", "4", NULL, CALL_ACCEPT4, WHY_NONE,
	 "SOCK_NONBLOCK", "SOCK_NONBLOCK"},
	{"server", "accept", "3", "-1", "EWOULDBLOCK", CALL_ACCEPT, RESULT_ACCEPT_EAGAIN, "instead of waiting",
	 "而不是等待"},
	{"client", "connect", "3, 127.0.0.1:8080", "-1", "EINPROGRESS", CALL_CONNECT, RESULT_CONNECT_EINPROGRESS,
	 "the handshake goes on in the kernel", "握手在内核里继续"},
	{"client", "getsockopt", "3, SOL_SOCKET, SO_ERROR, [0], [4]", "0", NULL, CALL_GETSOCKOPT,
	 RESULT_SO_ERROR_NONE, "the handshake finished and the connection is open", "握手已完成"},
	{"client", "getsockopt", "3, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [4]", "0", NULL, CALL_GETSOCKOPT,
	 RESULT_SO_ERROR_SET, "why the connection did not open", "连接因它而失败"},
	{"server", "epoll_pwait", "5, events, 128, -1", "1", NULL, CALL_EPOLL_WAIT, WHY_NONE,
	 "registered descriptors is ready", "已注册的描述符就绪"},
	{"server", "epoll_pwait", "5, events, 128, 0", "0", NULL, CALL_EPOLL_WAIT, RESULT_WAIT_TIMEOUT,
	 "no descriptor became ready", "没有描述符就绪"},
	{"server", "epoll_create1", "EPOLL_CLOEXEC", "3", NULL, CALL_EPOLL_CREATE, WHY_NONE, "makes an epoll set",
	 "创建一个 epoll 集合"},
	{"client", "epoll_ctl", "4, EPOLL_CTL_ADD, 3, {EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET}", "0", NULL,
	 CALL_EPOLL_CTL, WHY_NONE, "EPOLLOUT", "EPOLLOUT"},
	{"server", "fcntl", "3, F_SETFL, O_RDWR|O_NONBLOCK", "0", NULL, CALL_FCNTL, WHY_NONE, "non-blocking",
	 "非阻塞"},
	{"server", "ioctl", "3, FIONBIO, [1]", "0", NULL, CALL_FCNTL, WHY_NONE, "FIONBIO", "FIONBIO"},
	{"server", "read", "4, buf, 4096", "-1", "EAGAIN", CALL_READ, RESULT_EAGAIN, "returns at once",
	 "立即返回"},
	{"server", "readv", "4, iov, 2", "5", NULL, CALL_READV, WHY_NONE, "several buffers", "多个缓冲区"},
	{"server", "writev", "4, iov, 2", "5", NULL, CALL_WRITEV, WHY_NONE, "several buffers", "多个缓冲区"},
	{"server", "recvmsg", "4, msg, 0", "5", NULL, CALL_RECVMSG, WHY_NONE, "control messages", "控制消息"},
	{"client", "sendmsg", "3, msg, 0", "5", NULL, CALL_SENDMSG, WHY_NONE, "control messages", "控制消息"},
	{"client", "sendto", "3, \\\"hi\\\", 2, 0, 127.0.0.1:9", "2", NULL, CALL_SENDTO, WHY_NONE, "datagram",
	 "数据报"},
	{"server", "recvfrom", "4, buf, 4096, 0", "2", NULL, CALL_RECVFROM, WHY_NONE, "sender's address",
	 "发送方的地址"},
	{"server", "dup2", "4, 7", "7", NULL, CALL_DUP, WHY_NONE, "last", "最后一个"},
	{"server", "sendfile", "4, 5, NULL, 100", "100", NULL, CALL_SENDFILE, WHY_NONE, "inside the kernel",
	 "在内核里"},
};

/* Every call: its own sentence, and what its result means where the
 * result says more than "failed"; an EAGAIN is not called a failure. */
static void non_blocking_calls(void **state)
{
	(void)state;
	for (int lang = LANG_EN; lang <= LANG_ZH; lang++) {
		struct timeline *tl = new_timeline((enum lang)lang);

		for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
			const struct call_case *c = &calls[i];
			bool server = strcmp(c->proc, "server") == 0;
			char text[4096];
			long pos = add_call(tl, c->proc, c->call, c->args, c->ret, c->err);

			explain_row(tl, pos, text, sizeof(text));
			assert_has(text, sentence(c->what, (enum lang)lang, server, 0));
			assert_has(text, lang == LANG_EN ? c->en : c->zh);
			if (c->result != WHY_NONE) {
				assert_has(text, sentence(c->result, (enum lang)lang, server, 0));
				assert_lacks(text, lang == LANG_EN ? "failed with" : "失败：");
			}
			for (int k = RESULT_ACCEPT_EAGAIN; k <= RESULT_WAIT_TIMEOUT; k++)
				if (k != (int)c->result)
					assert_lacks(text, sentence((enum tcp_why)k, (enum lang)lang, server, 0));
		}
		timeline_free(tl);
	}
}

/* An error other than these still says "failed with". */
static void other_errors_say_failed(void **state)
{
	struct timeline *tl = new_timeline(LANG_EN);
	char text[4096];
	long pos = add_call(tl, "client", "connect", "3, 127.0.0.1:9", "-1", "ECONNREFUSED");

	(void)state;
	explain_row(tl, pos, text, sizeof(text));
	assert_has(text, "failed with ECONNREFUSED");
	timeline_free(tl);
}

/* epoll_ctl with EPOLLEXCLUSIVE (lesson 13's prefork workers) says what
 * the flag does; the same registration without it (--herd) does not. */
static void epoll_exclusive_is_explained(void **state)
{
	(void)state;
	for (int lang = LANG_EN; lang <= LANG_ZH; lang++) {
		struct timeline *tl = new_timeline((enum lang)lang);
		char text[4096];
		long pos = add_call(tl, "server", "epoll_ctl", "4, EPOLL_CTL_ADD, 3, {EPOLLIN|EPOLLEXCLUSIVE}", "0", NULL);

		explain_row(tl, pos, text, sizeof(text));
		assert_has(text, sentence(CALL_EPOLL_CTL, (enum lang)lang, true, 0));
		assert_has(text, sentence(ARG_EPOLLEXCLUSIVE, (enum lang)lang, true, 0));
		assert_has(text, lang == LANG_EN ? "the thundering herd" : "惊群");
		pos = add_call(tl, "server", "epoll_ctl", "4, EPOLL_CTL_ADD, 3, {EPOLLIN}", "0", NULL);
		explain_row(tl, pos, text, sizeof(text));
		assert_has(text, sentence(CALL_EPOLL_CTL, (enum lang)lang, true, 0));
		assert_lacks(text, sentence(ARG_EPOLLEXCLUSIVE, (enum lang)lang, true, 0));
		timeline_free(tl);
	}
}

/* tests/golden/icmp.jsonl (socklab-trace -r icmp.pcap --json): connect()s
 * to a port with no listener on loopback; the first port unreachable comes
 * while connect() is inside the kernel (soft), the second aborts. */
static struct timeline *icmp_timeline(enum lang lang)
{
	struct timeline_config cfg = {.lang = lang};

	return fixture_load_of("icmp.jsonl", &cfg);
}

/* The rows of the ICMP errors, found by content. */
static long icmp_row(const struct timeline *tl, const char *effect)
{
	for (size_t i = 0; i < timeline_count(tl); i++) {
		const struct row *r = timeline_row(tl, i);
		if (r->kind == ROW_STATE && r->ev->type == UEV_ICMP && strcmp(r->ev->u.icmp.effect, effect) == 0)
			return (long)i;
	}
	fail_msg("no %s icmp row", effect);
	return -1;
}

static size_t count_of(const char *text, const char *part)
{
	size_t n = 0;

	for (const char *p = strstr(text, part); p; p = strstr(p + 1, part))
		n++;
	return n;
}

/* An ICMP row says what the error is, about whose segment, and what it did
 * to the connection: the soft one its note, the abort its sentence once
 * (with the state change it caused). */
static void icmp_rows(void **state)
{
	(void)state;
	for (int lang = LANG_EN; lang <= LANG_ZH; lang++) {
		struct timeline *tl = icmp_timeline((enum lang)lang);
		char text[4096];

		explain_row(tl, icmp_row(tl, "soft"), text, sizeof(text));
		assert_has(text, "ICMP port-unreachable: soft");
		assert_has(text, sentence(ICMP_ERROR, (enum lang)lang, false, 0));
		assert_has(text, sentence(NOTE_ICMP_SOCKET_BUSY, (enum lang)lang, false, 0));
		assert_lacks(text, sentence(WHY_ICMP_ABORT, (enum lang)lang, false, 0));

		explain_row(tl, icmp_row(tl, "abort"), text, sizeof(text));
		assert_has(text, "ICMP port-unreachable: abort");
		assert_has(text, sentence(ICMP_ERROR, (enum lang)lang, false, 0));
		assert_int_equal(count_of(text, sentence(WHY_ICMP_ABORT, (enum lang)lang, false, 0)), 1);
		assert_has(text, "SYN_SENT -> CLOSED");
		assert_has(text, lang == LANG_EN ? "ICMP error" : "ICMP 差错");
		timeline_free(tl);
	}
}

/* Adds every record but the state changes the ICMP aborts caused. */
static void add_but_icmp_abort_states(const struct ui_event *ev, void *ctx)
{
	if (ev->type == UEV_STATE && strcmp(ev->u.state.why, "icmp_abort") == 0)
		return;
	timeline_add(ctx, ev, NULL);
}

/* An abort whose state record is not there (a view cut short) still says
 * what the error did. */
static void icmp_abort_without_its_state(void **state)
{
	struct timeline *tl = new_timeline(LANG_EN);
	char text[4096];

	(void)state;
	fixture_read_of("icmp.jsonl", add_but_icmp_abort_states, tl);
	explain_row(tl, icmp_row(tl, "abort"), text, sizeof(text));
	assert_int_equal(count_of(text, sentence(WHY_ICMP_ABORT, LANG_EN, false, 0)), 1);
	assert_lacks(text, "SYN_SENT -> CLOSED");
	timeline_free(tl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(non_blocking_calls),
		cmocka_unit_test(other_errors_say_failed),
		cmocka_unit_test(epoll_exclusive_is_explained),
		cmocka_unit_test(icmp_rows),
		cmocka_unit_test(icmp_abort_without_its_state),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
