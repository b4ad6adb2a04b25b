/* test_callrec.c: the call record and the stderr line (common/callrec.c),
 * table-driven: one row for each call the lab programs make, with the exact
 * record and stderr line it must produce. Records are also parsed back with
 * jansson. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "callrec.h"

#define TS 1764107207123456789ull /* 2025-11-25 21:46:47.123456789 UTC */
#define WHO_client {.proc = "client", .pid = 4242, .tid = 4243}
#define WHO_server {.proc = "server", .pid = 4241, .tid = 4250}
/* A call at TS: CALL(EXIT, client, seq, name, fd, args[, addr], .field = ...) */
#define CALL(phase_, who_, seq_, name_, fd_, ...) \
	{.who = WHO_##who_, .phase = CALL_##phase_, .ts_ns = TS, .seq = seq_, .name = name_, .fd = fd_, \
	 .args = __VA_ARGS__}
#define HEAD_C "{\"type\":\"call\",\"ts_ns\":1764107207123456789,\"proc\":\"client\",\"pid\":4242,\"tid\":4243"
#define T "21:46:47.123456 " /* TS as the stderr line's time of day */
#define HEAD_S_FIELDS "\"ts_ns\":1764107207123456789,\"proc\":\"server\",\"pid\":4241,\"tid\":4250"
#define HEAD_S "{\"type\":\"call\"," HEAD_S_FIELDS

/* 70 bytes: more than a record carries (64) and a line shows (40) */
static const char long_data[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01234567";

/* Each call, its record and its stderr line (none on entry). */
static const struct {
	const char *what;
	struct call c;
	const char *record, *line;
} rows[] = {
	{"socket enter: no fd yet",
	 CALL(ENTER, client, 1, "socket", -1, "AF_INET, SOCK_STREAM, 0"),
	 HEAD_C ",\"phase\":\"enter\",\"seq\":1,\"call\":\"socket\",\"fd\":-1,\"args\":\"AF_INET, SOCK_STREAM, 0\"}",
	 NULL},
	{"socket exit",
	 CALL(EXIT, client, 1, "socket", 3, "AF_INET, SOCK_STREAM, 0", .ret = 3, .blocked_ns = 21000),
	 HEAD_C ",\"phase\":\"exit\",\"seq\":1,\"call\":\"socket\",\"fd\":3,\"args\":\"AF_INET, SOCK_STREAM, 0\","
		"\"ret\":3,\"errno\":null,\"blocked_ns\":21000}",
	 T "client socket(AF_INET, SOCK_STREAM, 0) = 3  [0.021 ms]"},
	{"setsockopt exit",
	 CALL(EXIT, server, 2, "setsockopt", 3, "3, SOL_SOCKET, SO_REUSEADDR, [1], 4", .blocked_ns = 1),
	 HEAD_S ",\"phase\":\"exit\",\"seq\":2,\"call\":\"setsockopt\",\"fd\":3,"
		"\"args\":\"3, SOL_SOCKET, SO_REUSEADDR, [1], 4\",\"ret\":0,\"errno\":null,\"blocked_ns\":1}",
	 T "server setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0  [0.000 ms]"},
	{"bind enter: the address argument",
	 CALL(ENTER, server, 3, "bind", 3, "3, 127.0.0.1:8080", "127.0.0.1:8080"),
	 HEAD_S ",\"phase\":\"enter\",\"seq\":3,\"call\":\"bind\",\"fd\":3,\"args\":\"3, 127.0.0.1:8080\","
		"\"addr\":\"127.0.0.1:8080\"}",
	 NULL},
	{"bind exit: the local endpoint",
	 CALL(EXIT, server, 3, "bind", 3, "3, 127.0.0.1:8080", "127.0.0.1:8080", .blocked_ns = 13000,
	      .local = "127.0.0.1:8080"),
	 HEAD_S ",\"phase\":\"exit\",\"seq\":3,\"call\":\"bind\",\"fd\":3,\"args\":\"3, 127.0.0.1:8080\","
		"\"addr\":\"127.0.0.1:8080\",\"ret\":0,\"errno\":null,\"blocked_ns\":13000,\"local\":\"127.0.0.1:8080\"}",
	 T "server bind(3, 127.0.0.1:8080) = 0  local 127.0.0.1:8080  [0.013 ms]"},
	{"bind fails: errno name and text",
	 CALL(EXIT, server, 3, "bind", 3, "3, 127.0.0.1:8080", "127.0.0.1:8080", .ret = -1, .err = EADDRINUSE,
	      .blocked_ns = 9000, .local = ""),
	 HEAD_S ",\"phase\":\"exit\",\"seq\":3,\"call\":\"bind\",\"fd\":3,\"args\":\"3, 127.0.0.1:8080\","
		"\"addr\":\"127.0.0.1:8080\",\"ret\":-1,\"errno\":\"EADDRINUSE\",\"error\":\"address already in use\","
		"\"blocked_ns\":9000}",
	 T "server bind(3, 127.0.0.1:8080) = -1 EADDRINUSE (address already in use)  [0.009 ms]"},
	{"listen exit: the line shows no endpoint",
	 CALL(EXIT, server, 4, "listen", 3, "3, 4096", .blocked_ns = 7875, .local = "127.0.0.1:8080"),
	 HEAD_S ",\"phase\":\"exit\",\"seq\":4,\"call\":\"listen\",\"fd\":3,\"args\":\"3, 4096\",\"ret\":0,"
		"\"errno\":null,\"blocked_ns\":7875,\"local\":\"127.0.0.1:8080\"}",
	 T "server listen(3, 4096) = 0  [0.008 ms]"},
	{"accept exit: the new connection's endpoints",
	 CALL(EXIT, server, 5, "accept", 3, "3, &peer, &len", .ret = 4, .blocked_ns = 2000000000,
	      .local = "127.0.0.1:8080", .peer = "127.0.0.1:50322"),
	 HEAD_S ",\"phase\":\"exit\",\"seq\":5,\"call\":\"accept\",\"fd\":3,\"args\":\"3, &peer, &len\",\"ret\":4,"
		"\"errno\":null,\"blocked_ns\":2000000000,\"local\":\"127.0.0.1:8080\",\"peer\":\"127.0.0.1:50322\"}",
	 T "server accept(3, &peer, &len) = 4  peer 127.0.0.1:50322  [2000.000 ms]"},
	{"accept4 on a non-blocking socket: EAGAIN",
	 CALL(EXIT, server, 7, "accept4", 3, "3, &peer, &len, SOCK_NONBLOCK", .ret = -1, .err = EAGAIN,
	      .blocked_ns = 11892),
	 HEAD_S ",\"phase\":\"exit\",\"seq\":7,\"call\":\"accept4\",\"fd\":3,\"args\":\"3, &peer, &len, SOCK_NONBLOCK\","
		"\"ret\":-1,\"errno\":\"EAGAIN\",\"error\":\"resource temporarily unavailable\",\"blocked_ns\":11892}",
	 T "server accept4(3, &peer, &len, SOCK_NONBLOCK) = -1 EAGAIN (resource temporarily unavailable)  [0.012 ms]"},
	{"connect refused: the local endpoint the kernel picked",
	 CALL(EXIT, client, 2, "connect", 3, "3, 127.0.0.1:8080", "127.0.0.1:8080", .ret = -1,
	      .err = ECONNREFUSED, .blocked_ns = 83000, .local = "0.0.0.0:44294"),
	 HEAD_C ",\"phase\":\"exit\",\"seq\":2,\"call\":\"connect\",\"fd\":3,\"args\":\"3, 127.0.0.1:8080\","
		"\"addr\":\"127.0.0.1:8080\",\"ret\":-1,\"errno\":\"ECONNREFUSED\",\"error\":\"connection refused\","
		"\"blocked_ns\":83000,\"local\":\"0.0.0.0:44294\"}",
	 T "client connect(3, 127.0.0.1:8080) = -1 ECONNREFUSED (connection refused)  local 0.0.0.0:44294  [0.083 ms]"},
	{"connect over IPv6",
	 CALL(EXIT, client, 2, "connect", 3, "3, [::1]:8080", "[::1]:8080", .blocked_ns = 105000,
	      .local = "[::1]:50322", .peer = "[::1]:8080"),
	 HEAD_C ",\"phase\":\"exit\",\"seq\":2,\"call\":\"connect\",\"fd\":3,\"args\":\"3, [::1]:8080\","
		"\"addr\":\"[::1]:8080\",\"ret\":0,\"errno\":null,\"blocked_ns\":105000,\"local\":\"[::1]:50322\","
		"\"peer\":\"[::1]:8080\"}",
	 T "client connect(3, [::1]:8080) = 0  local [::1]:50322  [0.105 ms]"},
	{"read exit: the bytes read",
	 CALL(EXIT, server, 9, "read", 4, "4, buf, 4096", .ret = 4, .blocked_ns = 10630, .local = "127.0.0.1:8080",
	      .peer = "127.0.0.1:50322", .data = "ping"),
	 HEAD_S ",\"phase\":\"exit\",\"seq\":9,\"call\":\"read\",\"fd\":4,\"args\":\"4, buf, 4096\",\"ret\":4,"
		"\"errno\":null,\"blocked_ns\":10630,\"local\":\"127.0.0.1:8080\",\"peer\":\"127.0.0.1:50322\","
		"\"data\":\"ping\"}",
	 T "server read(4, buf, 4096) = 4  \"ping\"  [0.011 ms]"},
	{"read of 70 bytes: a record carries 64, a line shows 40",
	 CALL(EXIT, server, 9, "read", 4, "4, buf, 4096", .ret = 70, .data = long_data),
	 HEAD_S ",\"phase\":\"exit\",\"seq\":9,\"call\":\"read\",\"fd\":4,\"args\":\"4, buf, 4096\",\"ret\":70,"
		"\"errno\":null,\"blocked_ns\":0,"
		"\"data\":\"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01\"}",
	 T "server read(4, buf, 4096) = 70  \"0123456789abcdefghijklmnopqrstuvwxyzABCD\"...  [0.000 ms]"},
	{"read at end of stream: no data",
	 CALL(EXIT, server, 9, "read", 4, "4, buf, 4096", .ret = 0, .data = "stale"),
	 HEAD_S ",\"phase\":\"exit\",\"seq\":9,\"call\":\"read\",\"fd\":4,\"args\":\"4, buf, 4096\",\"ret\":0,"
		"\"errno\":null,\"blocked_ns\":0}",
	 T "server read(4, buf, 4096) = 0  [0.000 ms]"},
	{"write exit: quotes, backslash and control bytes escaped",
	 CALL(EXIT, client, 3, "write", 3, "3, buf, 10", .ret = 10, .data = "a \"q\" \\\n\t\x01"),
	 HEAD_C ",\"phase\":\"exit\",\"seq\":3,\"call\":\"write\",\"fd\":3,\"args\":\"3, buf, 10\",\"ret\":10,"
		"\"errno\":null,\"blocked_ns\":0,\"data\":\"a \\\"q\\\" \\\\\\n\\t\\u0001\"}",
	 T "client write(3, buf, 10) = 10  \"a \\\"q\\\" \\\\\\n\\x09\\x01\"  [0.000 ms]"},
	{"write exit: UTF-8 kept, NUL and invalid bytes become '?' (the line shows them)",
	 CALL(EXIT, client, 3, "write", 3, "3, buf, 7", .ret = 7, .data = "caf\xc3\xa9\0\xff"),
	 HEAD_C ",\"phase\":\"exit\",\"seq\":3,\"call\":\"write\",\"fd\":3,\"args\":\"3, buf, 7\",\"ret\":7,"
		"\"errno\":null,\"blocked_ns\":0,\"data\":\"caf\xc3\xa9??\"}",
	 T "client write(3, buf, 7) = 7  \"caf\\xc3\\xa9\\x00\\xff\"  [0.000 ms]"},
	{"recvfrom exit: the sender",
	 CALL(EXIT, server, 4, "recvfrom", 3, "3, buf, 4096, 0, &from, &len", "127.0.0.1:48392", .ret = 4,
	      .blocked_ns = 5727526000, .local = "127.0.0.1:8080", .data = "ping"),
	 HEAD_S ",\"phase\":\"exit\",\"seq\":4,\"call\":\"recvfrom\",\"fd\":3,\"args\":\"3, buf, 4096, 0, &from, &len\","
		"\"addr\":\"127.0.0.1:48392\",\"ret\":4,\"errno\":null,\"blocked_ns\":5727526000,"
		"\"local\":\"127.0.0.1:8080\",\"data\":\"ping\"}",
	 T "server recvfrom(3, buf, 4096, 0, &from, &len) = 4  from 127.0.0.1:48392  \"ping\"  [5727.526 ms]"},
	{"recvfrom interrupted: no sender",
	 CALL(EXIT, server, 6, "recvfrom", 3, "3, buf, 4096, 0, &from, &len", .ret = -1, .err = EINTR,
	      .blocked_ns = 330062000),
	 HEAD_S ",\"phase\":\"exit\",\"seq\":6,\"call\":\"recvfrom\",\"fd\":3,\"args\":\"3, buf, 4096, 0, &from, &len\","
		"\"ret\":-1,\"errno\":\"EINTR\",\"error\":\"interrupted system call\",\"blocked_ns\":330062000}",
	 T "server recvfrom(3, buf, 4096, 0, &from, &len) = -1 EINTR (interrupted system call)  [330.062 ms]"},
	{"recvfrom exit, no address asked on a connected socket: the peer sent it",
	 CALL(EXIT, client, 8, "recvfrom", 3, "3, buf, 5, 0, NULL, NULL", .ret = 5, .blocked_ns = 41000,
	      .local = "127.0.0.1:50322", .peer = "127.0.0.1:8080", .data = "hello"),
	 HEAD_C ",\"phase\":\"exit\",\"seq\":8,\"call\":\"recvfrom\",\"fd\":3,\"args\":\"3, buf, 5, 0, NULL, NULL\","
		"\"ret\":5,\"errno\":null,\"blocked_ns\":41000,\"local\":\"127.0.0.1:50322\",\"peer\":\"127.0.0.1:8080\","
		"\"data\":\"hello\"}",
	 T "client recvfrom(3, buf, 5, 0, NULL, NULL) = 5  from 127.0.0.1:8080  \"hello\"  [0.041 ms]"},
	{"recvfrom exit, no address and no peer known: no \"from\" at all",
	 CALL(EXIT, server, 9, "recvfrom", 3, "3, buf, 4096, 0, NULL, NULL", .ret = 0, .blocked_ns = 1000),
	 HEAD_S ",\"phase\":\"exit\",\"seq\":9,\"call\":\"recvfrom\",\"fd\":3,\"args\":\"3, buf, 4096, 0, NULL, NULL\","
		"\"ret\":0,\"errno\":null,\"blocked_ns\":1000}",
	 T "server recvfrom(3, buf, 4096, 0, NULL, NULL) = 0  [0.001 ms]"},
	{"sendto exit",
	 CALL(EXIT, server, 5, "sendto", 3, "3, buf, 11, 0, 127.0.0.1:48392", "127.0.0.1:48392", .ret = 11,
	      .blocked_ns = 47000, .local = "127.0.0.1:8080", .data = "server-ping"),
	 HEAD_S ",\"phase\":\"exit\",\"seq\":5,\"call\":\"sendto\",\"fd\":3,\"args\":\"3, buf, 11, 0, 127.0.0.1:48392\","
		"\"addr\":\"127.0.0.1:48392\",\"ret\":11,\"errno\":null,\"blocked_ns\":47000,"
		"\"local\":\"127.0.0.1:8080\",\"data\":\"server-ping\"}",
	 T "server sendto(3, buf, 11, 0, 127.0.0.1:48392) = 11  \"server-ping\"  [0.047 ms]"},
	{"poll exit",
	 CALL(EXIT, client, 3, "poll", 3, "{fd=3, POLLIN}, 1, 2000", .ret = 1, .blocked_ns = 300,
	      .local = "0.0.0.0:49860"),
	 HEAD_C ",\"phase\":\"exit\",\"seq\":3,\"call\":\"poll\",\"fd\":3,\"args\":\"{fd=3, POLLIN}, 1, 2000\","
		"\"ret\":1,\"errno\":null,\"blocked_ns\":300,\"local\":\"0.0.0.0:49860\"}",
	 T "client poll({fd=3, POLLIN}, 1, 2000) = 1  [0.000 ms]"},
	{"shutdown exit",
	 CALL(EXIT, client, 5, "shutdown", 3, "3, SHUT_WR", .local = "127.0.0.1:50322", .peer = "127.0.0.1:8080"),
	 HEAD_C ",\"phase\":\"exit\",\"seq\":5,\"call\":\"shutdown\",\"fd\":3,\"args\":\"3, SHUT_WR\",\"ret\":0,"
		"\"errno\":null,\"blocked_ns\":0,\"local\":\"127.0.0.1:50322\",\"peer\":\"127.0.0.1:8080\"}",
	 T "client shutdown(3, SHUT_WR) = 0  peer 127.0.0.1:8080  [0.000 ms]"},
	{"close exit: the endpoints the socket had",
	 CALL(EXIT, client, 6, "close", 3, "3", .blocked_ns = 22000, .local = "127.0.0.1:50322",
	      .peer = "127.0.0.1:8080"),
	 HEAD_C ",\"phase\":\"exit\",\"seq\":6,\"call\":\"close\",\"fd\":3,\"args\":\"3\",\"ret\":0,\"errno\":null,"
		"\"blocked_ns\":22000,\"local\":\"127.0.0.1:50322\",\"peer\":\"127.0.0.1:8080\"}",
	 T "client close(3) = 0  peer 127.0.0.1:8080  [0.022 ms]"},
	{"epoll_wait interrupted",
	 CALL(EXIT, server, 14, "epoll_wait", 4, "4, events, 256, -1", .ret = -1, .err = EINTR,
	      .blocked_ns = 312344743),
	 HEAD_S ",\"phase\":\"exit\",\"seq\":14,\"call\":\"epoll_wait\",\"fd\":4,\"args\":\"4, events, 256, -1\","
		"\"ret\":-1,\"errno\":\"EINTR\",\"error\":\"interrupted system call\",\"blocked_ns\":312344743}",
	 T "server epoll_wait(4, events, 256, -1) = -1 EINTR (interrupted system call)  [312.345 ms]"},
	{"an errno without a name",
	 CALL(EXIT, client, 2, "write", 3, "3, buf, 1", .ret = -1, .err = 4095),
	 HEAD_C ",\"phase\":\"exit\",\"seq\":2,\"call\":\"write\",\"fd\":3,\"args\":\"3, buf, 1\",\"ret\":-1,"
		"\"errno\":\"E?\",\"error\":\"unknown error 4095\",\"blocked_ns\":0}",
	 T "client write(3, buf, 1) = -1 E? (unknown error 4095)  [0.000 ms]"},
	{"a worker process: the record carries its number, the line its tag",
	 {.who = {.proc = "server", .pid = 4244, .tid = 4244, .worker = 2}, .phase = CALL_EXIT,
	  .ts_ns = 1764107207123456789ull, .seq = 9, .name = "accept4", .fd = 3,
	  .args = "3, &peer, &len, SOCK_NONBLOCK", .ret = -1, .err = EAGAIN},
	 "{\"type\":\"call\",\"ts_ns\":1764107207123456789,\"proc\":\"server\",\"pid\":4244,\"tid\":4244,"
		"\"worker\":2,\"phase\":\"exit\",\"seq\":9,\"call\":\"accept4\",\"fd\":3,"
		"\"args\":\"3, &peer, &len, SOCK_NONBLOCK\",\"ret\":-1,\"errno\":\"EAGAIN\","
		"\"error\":\"resource temporarily unavailable\",\"blocked_ns\":0}",
	 T "server w2 accept4(3, &peer, &len, SOCK_NONBLOCK) = -1 EAGAIN (resource temporarily unavailable)  [0.000 ms]"},
	{"a process name that needs escaping",
	 {.who = {.proc = "my \"prog\"", .pid = 1, .tid = 1}, .phase = CALL_ENTER, .ts_ns = 5, .seq = 1,
	  .name = "close", .fd = 7, .args = "7"},
	 "{\"type\":\"call\",\"ts_ns\":5,\"proc\":\"my \\\"prog\\\"\",\"pid\":1,\"tid\":1,\"phase\":\"enter\","
		"\"seq\":1,\"call\":\"close\",\"fd\":7,\"args\":\"7\"}",
	 NULL},	/* io_uring operations: "submit" and "complete" records linked by "op" */
	{"submit recv: an operation handed to the kernel, no result yet",
	 CALL(SUBMIT, server, 7, "recv", 5, "5, buf, 4096, 0"),
	 "{\"type\":\"submit\"," HEAD_S_FIELDS ",\"op\":7,\"call\":\"recv\",\"fd\":5,\"args\":\"5, buf, 4096, 0\"}",
	 T "server submit recv(5, buf, 4096, 0)  op 7"},
	{"complete recv: the bytes the kernel already read, and the time since the submission",
	 CALL(COMPLETE, server, 7, "recv", 5, "5, buf, 4096, 0", .ret = 6, .blocked_ns = 333000,
	      .local = "127.0.0.1:8080", .peer = "127.0.0.1:50322", .data = "hello\n"),
	 "{\"type\":\"complete\"," HEAD_S_FIELDS ",\"op\":7,\"call\":\"recv\",\"fd\":5,\"args\":\"5, buf, 4096, 0\","
		"\"ret\":6,\"errno\":null,\"blocked_ns\":333000,\"local\":\"127.0.0.1:8080\","
		"\"peer\":\"127.0.0.1:50322\",\"data\":\"hello\\n\"}",
	 T "server complete recv(5, buf, 4096, 0) = 6  \"hello\\n\"  op 7  [0.333 ms]"},
	{"complete accept, multishot: the new socket's endpoints, and more to come",
	 CALL(COMPLETE, server, 5, "accept", 3, "3, multishot", .ret = 6, .blocked_ns = 1000000,
	      .local = "127.0.0.1:8080", .peer = "127.0.0.1:50322", .more = true),
	 "{\"type\":\"complete\"," HEAD_S_FIELDS ",\"op\":5,\"call\":\"accept\",\"fd\":3,\"args\":\"3, multishot\","
		"\"ret\":6,\"errno\":null,\"blocked_ns\":1000000,\"local\":\"127.0.0.1:8080\","
		"\"peer\":\"127.0.0.1:50322\",\"more\":true}",
	 T "server complete accept(3, multishot) = 6  peer 127.0.0.1:50322  op 5  [1.000 ms]"},
	{"complete send failed: the completion's -errno",
	 CALL(COMPLETE, server, 9, "send", 5, "5, buf, 12, 0", .ret = -1, .err = EPIPE, .blocked_ns = 0),
	 "{\"type\":\"complete\"," HEAD_S_FIELDS ",\"op\":9,\"call\":\"send\",\"fd\":5,\"args\":\"5, buf, 12, 0\","
		"\"ret\":-1,\"errno\":\"EPIPE\",\"error\":\"broken pipe\",\"blocked_ns\":0}",
	 T "server complete send(5, buf, 12, 0) = -1 EPIPE (broken pipe)  op 9  [0.000 ms]"},
};

/* The first row for call name that prints a line. */
static const struct call *row_of(const char *name)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (strcmp(rows[i].c.name, name) == 0 && rows[i].line)
			return &rows[i].c;
	fail_msg("no row for %s", name);
	return NULL;
}

static int utc(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	return 0;
}

static void every_call_encodes_to_its_record(void **state)
{
	char buf[1024];

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct outbuf o = outbuf_at(buf, sizeof(buf), 0);
		json_error_t e;
		json_t *j;
		int len = callrec_encode(&o, &rows[i].c);

		if (len < 0 || strcmp(buf, rows[i].record) != 0)
			fail_msg("%s:\n got  %s\n want %s", rows[i].what, len < 0 ? "(-1)" : buf, rows[i].record);
		assert_int_equal(len, strlen(rows[i].record));
		j = json_loads(buf, 0, &e);
		if (!j)
			fail_msg("%s: not JSON (%s): %s", rows[i].what, e.text, buf);
		assert_string_equal(json_string_value(json_object_get(j, "call")), rows[i].c.name);
		json_decref(j);
	}
}

static void every_return_prints_its_line(void **state)
{
	char buf[1024];

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct outbuf o = outbuf_at(buf, sizeof(buf), 0);
		int len;

		if (!rows[i].line)
			continue;
		len = callrec_line(&o, &rows[i].c);
		if (len < 0 || strcmp(buf, rows[i].line) != 0)
			fail_msg("%s:\n got  %s\n want %s", rows[i].what, len < 0 ? "(-1)" : buf, rows[i].line);
		assert_int_equal(len, strlen(rows[i].line));
	}
}

typedef int writer_fn(struct outbuf *o, const struct call *c);

/* Every buffer too small by even one byte gets -1, never a shorter text;
 * the smallest that fits gets the whole text. */
static void assert_refused_whole(writer_fn *write, const struct call *c)
{
	char want[1024], buf[1024];
	struct outbuf o = outbuf_at(want, sizeof(want), 0);
	int len = write(&o, c);

	assert_true(len > 0);
	for (size_t n = 0; n <= (size_t)len; n++) {
		o = outbuf_at(buf, n, 0);
		assert_int_equal(write(&o, c), -1);
		assert_false(o.ok);
	}
	o = outbuf_at(buf, (size_t)len + 1, 0);
	assert_int_equal(write(&o, c), len);
	assert_string_equal(buf, want);
}

static void what_does_not_fit_is_refused_whole(void **state)
{
	(void)state;
	assert_refused_whole(callrec_encode, row_of("recvfrom")); /* addr, local and data */
	assert_refused_whole(callrec_line, row_of("recvfrom"));
}

/* The step record a --step program sends before a call, then waits for the
 * go of its seq; only the entry's fields, whatever else c holds. */
static void step_record_names_the_call_to_release(void **state)
{
	struct call c = CALL(ENTER, client, 7, "connect", 3, "3, 127.0.0.1:8080", "127.0.0.1:8080", .ret = 5,
			     .local = "127.0.0.1:50322");
	static const char want[] = "{\"type\":\"step\",\"ts_ns\":1764107207123456789,\"proc\":\"client\",\"pid\":4242,"
				   "\"tid\":4243,\"seq\":7,\"call\":\"connect\",\"fd\":3,\"args\":\"3, 127.0.0.1:8080\"}";
	char buf[512];
	struct outbuf o = outbuf_at(buf, sizeof(buf), 0);

	(void)state;
	assert_int_equal(callrec_encode_step(&o, &c), strlen(want));
	assert_string_equal(buf, want);
	assert_refused_whole(callrec_encode_step, &c);
}

/* A submission held at --step says it is one: the UI shows "submit". */
static void step_record_of_a_submission(void **state)
{
	struct call c = CALL(SUBMIT, server, 7, "recv", 5, "5, buf, 4096, 0");
	static const char want[] = "{\"type\":\"step\"," HEAD_S_FIELDS ",\"seq\":7,\"call\":\"recv\",\"fd\":5,"
				   "\"args\":\"5, buf, 4096, 0\",\"submit\":true}";
	char buf[512];
	struct outbuf o = outbuf_at(buf, sizeof(buf), 0);

	(void)state;
	assert_int_equal(callrec_encode_step(&o, &c), strlen(want));
	assert_string_equal(buf, want);
}

/* The header starts every lab record (hello, step, call); the caller closes it. */
static void header_names_type_time_and_process(void **state)
{
	struct call_origin who = {.proc = "server", .pid = 4241, .tid = 4241};
	char buf[256];
	struct outbuf o = outbuf_at(buf, sizeof(buf), 3);

	(void)state;
	memcpy(buf, "abc", 3);
	callrec_put_header(&o, "hello", 1764107207000000000ull, &who);
	outbuf_char(&o, '}');
	assert_int_equal(outbuf_finish(&o), 3 + strlen("{\"type\":\"hello\",\"ts_ns\":1764107207000000000,"
							 "\"proc\":\"server\",\"pid\":4241,\"tid\":4241}"));
	assert_string_equal(buf, "abc{\"type\":\"hello\",\"ts_ns\":1764107207000000000,\"proc\":\"server\","
				 "\"pid\":4241,\"tid\":4241}");
}

/* The hello of a program joining the lab: its command line, words joined
 * by spaces, made JSON-safe (a quote escaped, a byte that is no UTF-8 a
 * '?'), cut at CALLREC_ARGV_SHOWN bytes. */
static void hello_carries_the_command_line(void **state)
{
	struct call_origin who = {.proc = "client", .pid = 812, .tid = 812};
	char *argv[] = {"curl", "-s", "http://127.0.0.1:8000/\"a b\"", "\xff"};
	static char long_word[2 * CALLREC_ARGV_SHOWN];
	char *long_argv[] = {"python3", long_word};
	char buf[2048];
	struct outbuf o = outbuf_at(buf, sizeof(buf), 0);

	(void)state;
	assert_true(callrec_encode_hello(&o, 1764107207000000000ull, &who, 4, argv) > 0);
	assert_string_equal(buf, "{\"type\":\"hello\",\"ts_ns\":1764107207000000000,\"proc\":\"client\",\"pid\":812,"
				 "\"tid\":812,\"argv\":\"curl -s http://127.0.0.1:8000/\\\"a b\\\" ?\"}");
	memset(long_word, 'x', sizeof(long_word) - 1);
	o = outbuf_at(buf, sizeof(buf), 0);
	assert_true(callrec_encode_hello(&o, 1, &who, 2, long_argv) > 0);
	assert_int_equal(strlen(strstr(buf, "\"argv\":\"") + 8), CALLREC_ARGV_SHOWN - 1 + 2); /* text, quote, brace */
	o = outbuf_at(buf, 40, 0);
	assert_int_equal(callrec_encode_hello(&o, 1, &who, 4, argv), -1); /* refused whole */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_call_encodes_to_its_record),
		cmocka_unit_test(every_return_prints_its_line),
		cmocka_unit_test(what_does_not_fit_is_refused_whole),
		cmocka_unit_test(header_names_type_time_and_process),
		cmocka_unit_test(step_record_names_the_call_to_release),
		cmocka_unit_test(step_record_of_a_submission),
		cmocka_unit_test(hello_carries_the_command_line),
	};
	return cmocka_run_group_tests(tests, utc, NULL);
}
