/* step.c: the step gate. The "go" that releases a call comes back on the
 * process's own event channel connection (events.c), so only the lab that
 * took the step record can release it, and a UI that dropped root still
 * can: it already holds the connection. */
#include "step.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "callrec.h"
#include "events.h"
#include "gorec.h"
#include "json.h"
#include "errtext.h"

static struct {
	bool on;
	int tty_fd;            /* the terminal, for Enter; -1 without one */
	bool warned;           /* "running without stepping" said once */
	pthread_mutex_t turn;  /* one call waits at a time */
} st = {.tty_fd = -1, .turn = PTHREAD_MUTEX_INITIALIZER};

void step_enable(void)
{
	/* under socklab run the calls are reported, and with its own --step
	 * stepped, by socklab run: one gate per call, not two */
	if (getenv("SOCKLAB_TRACED")) {
		fprintf(stderr, "step: under socklab run this program's --step is left out: "
			"step with socklab run --step -- CMD\n");
		return;
	}
	st.on = true;
	st.tty_fd = events_fd_out_of_the_way(open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC));
}

bool step_enabled(void)
{
	return st.on;
}

void step_disable(void)
{
	if (st.tty_fd >= 0)
		close(st.tty_fd);
	st.tty_fd = -1;
	st.on = false;
}

/* A background job must not read the terminal (it would be stopped by
 * SIGTTIN), so Enter counts only while we are in the foreground. */
static bool tty_usable(void)
{
	return st.tty_fd >= 0 && tcgetpgrp(st.tty_fd) == getpgrp();
}

static bool send_step_record(unsigned seq, bool submit, const char *call, int fd, const char *args)
{
	char rec[EVENTS_RECORD_MAX];
	struct outbuf o = outbuf_at(rec, sizeof(rec), 0);
	struct call c = {.who = events_origin(), .ts_ns = events_now_ns(), .seq = seq, .name = call, .fd = fd,
			 .args = args, .phase = submit ? CALL_SUBMIT : CALL_ENTER};
	int len = callrec_encode_step(&o, &c);

	return len >= 0 && events_send(rec, (size_t)len) == 0;
}

/* Waits on both the channel and the terminal, so the UI and the Enter key
 * can each release the call. A channel that closes leaves the terminal. */
static void wait_for_go(unsigned seq)
{
	char buf[512];

	for (;;) {
		int chan_fd = events_fd();
		struct pollfd fds[2] = {{.fd = chan_fd, .events = POLLIN},
					{.fd = tty_usable() ? st.tty_fd : -1, .events = POLLIN}};
		ssize_t n;

		if (chan_fd < 0 && fds[1].fd < 0)
			return; /* nobody can release it: run on */
		if (poll(fds, 2, -1) < 0)
			return; /* a stop signal: let the program wind down */
		if (fds[0].revents & POLLIN) {
			n = recv(chan_fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (n > 0 && gorec_seq(buf, (size_t)n) == (long)seq)
				return;
			if (n == 0)
				events_close(); /* the lab is gone */
		} else if (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			events_close();
		}
		if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(st.tty_fd, buf, sizeof(buf));
			if (n > 0)
				return;
			close(st.tty_fd);
			st.tty_fd = -1;
		}
	}
}

void step_gate(unsigned seq, bool submit, const char *call, int fd, const char *args)
{
	bool delivered;

	if (!st.on)
		return;
	pthread_mutex_lock(&st.turn);
	delivered = send_step_record(seq, submit, call, fd, args);
	if (!delivered && !tty_usable()) {
		if (!st.warned)
			fprintf(stderr, "step: nobody listens on %s and there is no terminal: "
				"running without stepping\n", events_channel_path());
		st.warned = true;
	} else {
		if (!delivered)
			fprintf(stderr, "step: press Enter to %s %s(%s)\n", submit ? "submit" : "run", call, args);
		wait_for_go(seq);
	}
	pthread_mutex_unlock(&st.turn);
}
