/* lab_channel.h: for the lab's unit tests, a real event channel listener
 * (an AF_UNIX SOCK_SEQPACKET socket in a fresh temporary directory, as the
 * UI listens) and a reader of the records it receives on every connection.
 * Header-only: included by one test each. */
#ifndef SOCKLAB_TEST_LAB_CHANNEL_H
#define SOCKLAB_TEST_LAB_CHANNEL_H

#include <jansson.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "net.h"

#define TEST_CHANNEL_CONNS 8

struct test_channel {
	char dir[64];
	char path[108];
	int fd;                          /* listening */
	int conns[TEST_CHANNEL_CONNS];   /* accepted, -1 when free */
	int last;                        /* the connection the last record came on */
};

/* Listens on dir/events.sock; returns 0 or -1. */
static inline int test_channel_open(struct test_channel *ch)
{
	snprintf(ch->dir, sizeof(ch->dir), "/tmp/socklab-test-XXXXXX");
	if (!mkdtemp(ch->dir))
		return -1;
	snprintf(ch->path, sizeof(ch->path), "%s/events.sock", ch->dir);
	ch->fd = net_unix_listen(ch->path);
	for (int i = 0; i < TEST_CHANNEL_CONNS; i++)
		ch->conns[i] = -1;
	ch->last = -1;
	return 0;
}

static inline void test_channel_close(struct test_channel *ch)
{
	char cmd[128];

	for (int i = 0; i < TEST_CHANNEL_CONNS; i++)
		if (ch->conns[i] >= 0)
			close(ch->conns[i]);
	close(ch->fd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", ch->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", ch->dir);
}

/* The next record on any connection, parsed; NULL if none arrives within
 * timeout_ms. New connections are accepted on the way. */
static inline json_t *test_channel_next(struct test_channel *ch, int timeout_ms)
{
	for (;;) {
		struct pollfd pfd[TEST_CHANNEL_CONNS + 1];
		char buf[2048];
		ssize_t n;

		pfd[0] = (struct pollfd){.fd = ch->fd, .events = POLLIN};
		for (int i = 0; i < TEST_CHANNEL_CONNS; i++)
			pfd[i + 1] = (struct pollfd){.fd = ch->conns[i], .events = POLLIN};
		if (poll(pfd, TEST_CHANNEL_CONNS + 1, timeout_ms) <= 0)
			return NULL;
		if (pfd[0].revents & POLLIN) {
			int c = accept(ch->fd, NULL, NULL);

			for (int i = 0; i < TEST_CHANNEL_CONNS && c >= 0; i++)
				if (ch->conns[i] < 0) {
					ch->conns[i] = c;
					c = -1;
				}
			if (c >= 0)
				close(c);
			continue;
		}
		for (int i = 0; i < TEST_CHANNEL_CONNS; i++) {
			if (!(pfd[i + 1].revents & (POLLIN | POLLHUP)))
				continue;
			n = recv(ch->conns[i], buf, sizeof(buf), 0);
			if (n <= 0) {
				close(ch->conns[i]);
				ch->conns[i] = -1;
				continue;
			}
			ch->last = ch->conns[i];
			return json_loadb(buf, (size_t)n, 0, NULL);
		}
	}
}

/* Sends {"type":"go","seq":seq} on the connection the last record came on,
 * as the UI releases a stepping call. */
static inline void test_channel_send_go(struct test_channel *ch, long long seq)
{
	char msg[64];
	int len = snprintf(msg, sizeof(msg), "{\"type\":\"go\",\"seq\":%lld}", seq);

	if (ch->last < 0 || send(ch->last, msg, (size_t)len, MSG_NOSIGNAL) != len)
		fprintf(stderr, "go %lld: no connection to send it on\n", seq);
}

#endif
