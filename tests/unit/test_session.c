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

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

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

static void send_to(const char *path, const char *msg)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	assert_int_equal(sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&sa, sizeof(sa)), (ssize_t)strlen(msg));
	close(fd);
}

/* A reply socket in the channel's directory, as a stepping program binds. */
static int reply_socket(const struct session *s, const char *name, char *path, size_t n)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);

	snprintf(path, n, "%s", session_channel_path(s));
	snprintf(strrchr(path, '/') + 1, n - (size_t)(strrchr(path, '/') + 1 - path), "%s", name);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

static void send_step(const struct session *s, const char *proc, int seq, const char *call, const char *reply)
{
	char msg[512];

	snprintf(msg, sizeof(msg),
		 "{\"type\":\"step\",\"ts_ns\":%d,\"proc\":\"%s\",\"pid\":7,\"seq\":%d,\"call\":\"%s\",\"fd\":3,"
		 "\"args\":\"3\",\"reply\":\"%s\"}",
		 1000 + seq, proc, seq, call, reply);
	send_to(session_channel_path(s), msg);
}

/* The "go" a reply socket got: its seq, or -1. */
static long go_seq(int fd)
{
	char buf[64];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);
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

	(void)state;
	send_to(session_channel_path(s),
		"{\"type\":\"call\",\"ts_ns\":5,\"phase\":\"exit\",\"proc\":\"server\",\"pid\":8,\"seq\":1,"
		"\"call\":\"listen\",\"fd\":3,\"args\":\"3\",\"ret\":0,\"errno\":null}");
	send_to(session_channel_path(s), "{\"type\":\"hello\",\"ts_ns\":4,\"proc\":\"client\",\"pid\":9,\"argv\":\"echo-client\"}");
	assert_int_equal(session_pump_channel(s), 2);
	assert_int_equal(seen.events, 2);
	assert_string_equal(seen.last_call, "listen");
	assert_int_equal(seen.rows, 1); /* the hello makes no row */
	assert_int_equal(timeline_count(tl), 1);
	assert_non_null(strstr(session_notice(s), "client pid 9 joined"));
	/* a datagram that is not a record: ignored, and said so */
	send_to(session_channel_path(s), "not json");
	assert_int_equal(session_pump_channel(s), 1);
	assert_int_equal(seen.events, 2);
	assert_non_null(strstr(session_notice(s), "event channel: a record was ignored"));
	session_close(s);
	timeline_free(tl);
}

static void held_programs_wait_the_others_go_oldest_first(void **state)
{
	struct timeline *tl = timeline_new(NULL);
	struct seen seen = {.hold = {false, true}}; /* the server is held */
	struct session *s = open_session(tl, &seen);
	char client[128], server[128], first[64], err[256];
	int cfd = reply_socket(s, "step-1.sock", client, sizeof(client));
	int sfd = reply_socket(s, "step-2.sock", server, sizeof(server));

	(void)state;
	send_step(s, "server", 1, "accept", server);
	send_step(s, "client", 2, "connect", client);
	send_step(s, "client", 3, "write", client);
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
	char client[128], err[256];
	int cfd = reply_socket(s, "step-1.sock", client, sizeof(client));

	(void)state;
	send_step(s, "server", 1, "accept", "/nonexistent/step-2.sock");
	send_step(s, "client", 2, "connect", client);
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
	char dir[128], reply[128];
	int fd = reply_socket(s, "step-5.sock", reply, sizeof(reply)); /* left by a program that was killed */

	(void)state;
	close(fd);
	snprintf(dir, sizeof(dir), "%s", session_channel_path(s));
	*strrchr(dir, '/') = '\0';
	assert_int_equal(strncmp(dir, "/tmp/socklab-test-session-", 26), 0);
	assert_int_equal(access(dir, F_OK), 0);
	session_close(s);
	assert_int_not_equal(access(reply, F_OK), 0);
	assert_int_not_equal(access(dir, F_OK), 0);
	timeline_free(tl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(records_reach_the_timeline_and_the_hook),
		cmocka_unit_test(held_programs_wait_the_others_go_oldest_first),
		cmocka_unit_test(a_stopped_programs_requests_are_dropped),
		cmocka_unit_test(closing_removes_the_private_directory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
