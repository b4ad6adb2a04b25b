/* reactor.c: the epoll mode. Level-triggered: a socket that still has data
 * or room is reported again, so each wake-up does one read per connection
 * and never loops to EAGAIN. A connection whose client does not read its
 * replies stops being read (it waits for EPOLLOUT), so a stalled client
 * costs one buffer, not unbounded memory. */
#include "reactor.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "calls.h"
#include "echo.h"

#define EVENTS_MAX 256

struct conn {
	int fd;
	int replies;
	bool write_shut;            /* --shutdown: FIN sent, only reading now */
	bool waiting_out;           /* watched for EPOLLOUT: the send buffer was full */
	size_t out_len, out_off;    /* unsent part of the last reply */
	char out[ECHO_REPLY_MAX];
	char peer[ENDPOINT_STRLEN];
	struct conn *prev, *next;   /* every open connection, freed at stop */
};

struct reactor {
	int epfd, lfd;
	const struct server_options *opt;
	struct conn *conns;
};

static void watch(struct reactor *r, struct conn *c, int op, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.ptr = c};

	lab_epoll_ctl(r->epfd, op, c->fd, &ev);
}

static void conn_close(struct reactor *r, struct conn *c)
{
	lab_epoll_ctl(r->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	echo_close(c->fd, r->opt->linger0);
	printf("connection from %s closed\n", c->peer);
	if (c->prev)
		c->prev->next = c->next;
	else
		r->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	free(c);
}

static void accept_ready(struct reactor *r)
{
	for (;;) {
		struct sockaddr_storage peer;
		socklen_t len = sizeof(peer);
		struct conn *c;
		int fd;

		if (r->opt->accept_delay_ms) {
			sleep_ms(r->opt->accept_delay_ms);
			if (calls_stopping())
				return;
		}
		fd = lab_accept4(r->lfd, (struct sockaddr *)&peer, &len, SOCK_NONBLOCK);
		if (fd < 0) {
			if (errno != EAGAIN && !calls_stopping())
				lab_report_error("accept on", NULL, errno, NULL);
			return; /* EAGAIN: the accept queue is empty (prefork: another worker was first) */
		}
		c = calloc(1, sizeof(*c));
		if (!c) {
			lab_close(fd);
			continue;
		}
		c->fd = fd;
		addr_format((struct sockaddr *)&peer, len, c->peer, sizeof(c->peer));
		c->next = r->conns;
		if (r->conns)
			r->conns->prev = c;
		r->conns = c;
		watch(r, c, EPOLL_CTL_ADD, EPOLLIN);
		/* a worker process (reuseport, prefork) takes one connection per
		 * wake-up, as nginx does by default: level-triggered epoll wakes
		 * it again while more wait, so an accept() = -1 EAGAIN on the
		 * ladder means another worker was first (the herd) */
		if (r->opt->mode == MODE_REUSEPORT || r->opt->mode == MODE_PREFORK)
			return;
	}
}

/* Sends what is left of the reply; once it is all out, applies the lesson
 * switches. Returns false when the connection was closed. */
static bool conn_flush(struct reactor *r, struct conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t w = lab_write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
		if (w < 0 && errno == EAGAIN) {
			if (!c->waiting_out)
				watch(r, c, EPOLL_CTL_MOD, EPOLLOUT); /* the send buffer is full */
			c->waiting_out = true;
			return true;
		}
		if (w < 0) {
			lab_report_error("write to", c->peer, errno, NULL);
			conn_close(r, c);
			return false;
		}
		c->out_off += (size_t)w;
	}
	c->out_len = c->out_off = 0;
	switch (echo_after_reply(r->opt, c->replies)) {
	case CLOSE_NOW:
		conn_close(r, c);
		return false;
	case SHUT_WRITE:
		lab_shutdown(c->fd, SHUT_WR);
		c->write_shut = true;
		break;
	case KEEP_SERVING:
		break;
	}
	/* back to reading only if we had switched to waiting for room: an
	 * epoll_ctl per reply would cost a system call per request */
	if (c->waiting_out) {
		watch(r, c, EPOLL_CTL_MOD, EPOLLIN);
		c->waiting_out = false;
	}
	return true;
}

static void conn_readable(struct reactor *r, struct conn *c)
{
	char buf[ECHO_READ_MAX];
	ssize_t n;

	if (r->opt->no_read) {
		conn_close(r, c); /* unread data: the kernel sends RST */
		return;
	}
	n = lab_read(c->fd, buf, sizeof(buf));
	if (n < 0 && errno == EAGAIN)
		return;
	if (n <= 0) {
		if (n < 0 && !calls_stopping()) /* a stop signal is no read error */
			lab_report_error("read from", c->peer, errno, NULL);
		conn_close(r, c);
		return;
	}
	echo_print_received(c->peer, buf, (size_t)n);
	if (c->write_shut)
		return;
	c->out_len = echo_reply(buf, (size_t)n, c->out);
	c->replies++;
	conn_flush(r, c);
}

void reactor_serve(int lfd, const struct server_options *o)
{
	struct reactor r = {.epfd = epoll_create1(EPOLL_CLOEXEC), .lfd = lfd, .opt = o};
	struct epoll_event events[EVENTS_MAX];
	struct epoll_event lev = {.events = EPOLLIN, .data.ptr = NULL};

	/* prefork: every worker's epoll watches the one shared listening
	 * socket. EPOLLEXCLUSIVE asks the kernel to wake one or more of the
	 * workers waiting in epoll_wait() for a connection, not all of them;
	 * --herd leaves it out, and every waiting worker wakes (epoll_ctl(2)). */
	if (o->mode == MODE_PREFORK && !o->herd)
		lev.events |= EPOLLEXCLUSIVE;
	if (r.epfd < 0) {
		lab_report_error("epoll_create1", NULL, errno, NULL);
		return;
	}
	/* accept must not block once the queue is empty: the listening socket
	 * is reported readable while finished connections wait in it. */
	if (fcntl(lfd, F_SETFL, fcntl(lfd, F_GETFL) | O_NONBLOCK) < 0 || lab_epoll_ctl(r.epfd, EPOLL_CTL_ADD, lfd, &lev) < 0) {
		lab_report_error("epoll_ctl", NULL, errno, NULL);
		close(r.epfd);
		return;
	}
	/* stdout is written once per round of events, not once per message */
	setvbuf(stdout, NULL, _IOFBF, BUFSIZ);
	while (!calls_stopping()) {
		/* epoll_wait: sleep until some socket can make progress */
		int n = lab_epoll_wait(r.epfd, events, EVENTS_MAX, -1);

		for (int i = 0; i < n; i++) {
			struct conn *c = events[i].data.ptr;

			if (!c)
				accept_ready(&r);
			else if (events[i].events & EPOLLOUT)
				conn_flush(&r, c);
			else
				conn_readable(&r, c);
		}
		fflush(stdout);
	}
	while (r.conns)
		conn_close(&r, r.conns);
	close(r.epfd);
}
