/* step.c: the step gate. The reply socket lives in the channel's private
 * directory, so only this user's UI can release a call. */
#include "step.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "callrec.h"
#include "events.h"
#include "json.h"
#include "errtext.h"

static struct {
	bool on;
	int reply_fd;          /* where "go" datagrams arrive */
	int tty_fd;            /* the terminal, for Enter; -1 without one */
	pid_t owner;           /* the process that bound reply_path */
	bool warned;           /* "running without stepping" said once */
	char reply_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	pthread_mutex_t turn;  /* one call waits at a time */
} st = {.reply_fd = -1, .tty_fd = -1, .turn = PTHREAD_MUTEX_INITIALIZER};

static void bind_reply_socket(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	const char *chan = events_channel_path();
	const char *slash = strrchr(chan, '/');
	int dirlen = slash ? (int)(slash - chan) : 1;
	int len;

	len = snprintf(st.reply_path, sizeof(st.reply_path), "%.*s/step-%d.sock", dirlen,
		       slash ? chan : ".", (int)getpid());
	st.reply_fd = events_fd_out_of_the_way(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
	if (len < 0 || (size_t)len >= sizeof(st.reply_path) || st.reply_fd < 0)
		goto fail;
	memcpy(sa.sun_path, st.reply_path, sizeof(sa.sun_path));
	unlink(st.reply_path); /* a stale socket of a process that had this pid */
	if (bind(st.reply_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail;
	st.owner = getpid();
	return;
fail:
	fprintf(stderr, "%s: step reply socket %s: %s (only Enter can release a call)\n",
		events_proc(), st.reply_path, errtext(errno));
	if (st.reply_fd >= 0)
		close(st.reply_fd);
	st.reply_fd = -1;
	st.reply_path[0] = '\0';
}

void step_enable(void)
{
	st.on = true;
	st.tty_fd = events_fd_out_of_the_way(open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC));
	bind_reply_socket();
}

bool step_enabled(void)
{
	return st.on;
}

void step_after_fork(void)
{
	if (!st.on)
		return;
	if (st.reply_fd >= 0)
		close(st.reply_fd);
	st.reply_fd = -1;
	bind_reply_socket();
}

void step_disable(void)
{
	if (st.reply_fd >= 0) {
		close(st.reply_fd);
		if (st.owner == getpid())
			unlink(st.reply_path);
	}
	if (st.tty_fd >= 0)
		close(st.tty_fd);
	st.reply_fd = st.tty_fd = -1;
	st.on = false;
}

/* A background job must not read the terminal (it would be stopped by
 * SIGTTIN), so Enter counts only while we are in the foreground. */
static bool tty_usable(void)
{
	return st.tty_fd >= 0 && tcgetpgrp(st.tty_fd) == getpgrp();
}

static bool send_step_record(unsigned seq, const char *call, int fd, const char *args)
{
	char rec[EVENTS_RECORD_MAX];
	struct outbuf o = outbuf_at(rec, sizeof(rec), 0);
	struct call_origin who;
	int len;

	if (st.reply_fd < 0)
		return false;
	who = events_origin();
	callrec_put_header(&o, "step", events_now_ns(), &who);
	outbuf_lit(&o, ",\"seq\":");
	outbuf_u64(&o, seq);
	outbuf_lit(&o, ",\"call\":");
	outbuf_json_string(&o, call);
	outbuf_lit(&o, ",\"fd\":");
	outbuf_i64(&o, fd);
	outbuf_lit(&o, ",\"args\":");
	outbuf_json_string(&o, args);
	outbuf_lit(&o, ",\"reply\":");
	outbuf_json_string(&o, st.reply_path);
	outbuf_char(&o, '}');
	len = outbuf_finish(&o);
	return len >= 0 && events_send(rec, (size_t)len) == 0;
}

/* True when the datagram is {"type":"go","seq":seq}. */
static bool is_go_for(const char *buf, size_t len, unsigned seq)
{
	json_t *msg = json_loadb(buf, len, 0, NULL);
	const char *type = json_string_value(json_object_get(msg, "type"));
	json_t *jseq = json_object_get(msg, "seq");
	bool ok = type && strcmp(type, "go") == 0 && json_is_integer(jseq) &&
		  json_integer_value(jseq) == (json_int_t)seq;

	json_decref(msg);
	return ok;
}

/* Waits on both the reply socket and the terminal, so the UI and the Enter
 * key can each release the call. */
static void wait_for_go(unsigned seq)
{
	char buf[512];

	for (;;) {
		struct pollfd fds[2] = {{.fd = st.reply_fd, .events = POLLIN},
					{.fd = tty_usable() ? st.tty_fd : -1, .events = POLLIN}};
		ssize_t n;

		if (poll(fds, 2, -1) < 0)
			return; /* a stop signal: let the program wind down */
		if (fds[0].revents & POLLIN) {
			n = recv(st.reply_fd, buf, sizeof(buf), 0);
			if (n > 0 && is_go_for(buf, (size_t)n, seq))
				return;
		}
		if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(st.tty_fd, buf, sizeof(buf));
			if (n > 0)
				return;
			close(st.tty_fd);
			st.tty_fd = -1;
			if (st.reply_fd < 0)
				return;
		}
	}
}

void step_gate(unsigned seq, const char *call, int fd, const char *args)
{
	bool delivered;

	if (!st.on)
		return;
	pthread_mutex_lock(&st.turn);
	delivered = send_step_record(seq, call, fd, args);
	if (!delivered && !tty_usable()) {
		if (!st.warned)
			fprintf(stderr, "step: nobody listens on %s and there is no terminal: "
				"running without stepping\n", events_channel_path());
		st.warned = true;
	} else {
		if (!delivered)
			fprintf(stderr, "step: press Enter to run %s(%s)\n", call, args);
		wait_for_go(seq);
	}
	pthread_mutex_unlock(&st.turn);
}
