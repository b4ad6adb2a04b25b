/* lab_channel.h: for the lab's unit tests, a real event channel listener
 * (an AF_UNIX datagram socket in a fresh temporary directory) and a reader
 * of the records it receives. Header-only: included by one test each. */
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

struct test_channel {
	char dir[64];
	char path[108];
	int fd;
};

/* Binds dir/events.sock; returns 0 or -1. */
static int test_channel_open(struct test_channel *ch)
{
	snprintf(ch->dir, sizeof(ch->dir), "/tmp/socklab-test-XXXXXX");
	if (!mkdtemp(ch->dir))
		return -1;
	snprintf(ch->path, sizeof(ch->path), "%s/events.sock", ch->dir);
	ch->fd = net_unix_bind(ch->path);
	return 0;
}

static void test_channel_close(struct test_channel *ch)
{
	char cmd[128];

	close(ch->fd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", ch->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", ch->dir);
}

/* The next record, parsed; NULL if none arrives within timeout_ms. */
static json_t *test_channel_next(struct test_channel *ch, int timeout_ms)
{
	struct pollfd pfd = {.fd = ch->fd, .events = POLLIN};
	char buf[2048];
	ssize_t n;

	if (poll(&pfd, 1, timeout_ms) <= 0)
		return NULL;
	n = recv(ch->fd, buf, sizeof(buf), 0);
	return n > 0 ? json_loadb(buf, (size_t)n, 0, NULL) : NULL;
}

#endif
