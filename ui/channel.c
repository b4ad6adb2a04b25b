/* channel.c: the event channel listener. */
#include "channel.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "chanpath.h"
#include "clock.h"
#include "errtext.h"

#define CONNS_MAX 256 /* lab programs connected at once */

struct channel {
	int fd;                  /* listening SOCK_SEQPACKET */
	int epfd;                /* the listener and every connection: what the loop polls */
	int conns[CONNS_MAX];    /* connected programs, -1 when free */
	pid_t pids[CONNS_MAX];   /* each connection's program (SO_PEERCRED) */
	uint64_t order[CONNS_MAX]; /* when it was accepted: older first */
	bool given_up[CONNS_MAX]; /* closed by its program before it connected again */
	uint64_t accepted;
	int next;                /* where the round-robin read goes on */
	uid_t uid;
	int owner;
	uint64_t rejected;
	bool private_dir;        /* channel_open_private made the directory: closing removes it */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

static int make_addr(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return -1;
	memcpy(sa->sun_path, path, strlen(path) + 1);
	return 0;
}

/* Is somebody answering on path? A connect succeeds only while a socket
 * listens there. */
static int somebody_listens(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	int rc;

	if (fd < 0)
		return 0;
	rc = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	close(fd);
	return rc;
}

struct channel *channel_open(const char *path, int owner, char *err, size_t errlen)
{
	struct channel *ch = calloc(1, sizeof(*ch));
	struct sockaddr_un sa;
	struct stat st;
	struct epoll_event ev = {.events = EPOLLIN};

	if (!ch) {
		snprintf(err, errlen, "event channel: out of memory");
		return NULL;
	}
	ch->fd = ch->epfd = -1;
	for (int i = 0; i < CONNS_MAX; i++)
		ch->conns[i] = -1;
	ch->uid = getuid();
	ch->owner = owner;
	snprintf(ch->path, sizeof(ch->path), "%s", path);
	if (make_addr(path, &sa) < 0) {
		snprintf(err, errlen, "event channel %s: path too long for a UNIX socket", path);
		goto fail;
	}
	if (chanpath_private_dir(path, owner, err, errlen) < 0)
		goto fail;
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "event channel %s: exists and is not a socket (remove it)", path);
			goto fail;
		}
		if (somebody_listens(&sa)) {
			snprintf(err, errlen,
				 "event channel %s: another socklab is already listening there (close it, or use --events PATH)",
				 path);
			goto fail;
		}
		unlink(path); /* left behind by a socklab that died */
	}
	ch->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	ch->epfd = epoll_create1(EPOLL_CLOEXEC);
	ev.data.fd = ch->fd;
	if (ch->fd < 0 || ch->epfd < 0 || bind(ch->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(ch->fd, 128) < 0 || epoll_ctl(ch->epfd, EPOLL_CTL_ADD, ch->fd, &ev) < 0) {
		snprintf(err, errlen, "event channel %s: %s", path, errtext(errno));
		goto fail;
	}
	if (owner >= 0 && chown(path, (uid_t)owner, (gid_t)-1) < 0) {
		snprintf(err, errlen, "event channel %s: chown: %s", path, errtext(errno));
		channel_close(ch);
		return NULL;
	}
	return ch;
fail:
	if (ch->fd >= 0)
		close(ch->fd);
	if (ch->epfd >= 0)
		close(ch->epfd);
	free(ch);
	return NULL;
}

struct channel *channel_open_private(const char *name, int owner, char *err, size_t errlen)
{
	char path[CHANPATH_MAX];
	struct channel *ch;

	if (chanpath_private_create(name, path, sizeof(path), err, errlen) < 0)
		return NULL;
	ch = channel_open(path, owner, err, errlen);
	if (!ch) {
		chanpath_private_remove(path);
		return NULL;
	}
	ch->private_dir = true;
	return ch;
}

int channel_fd(const struct channel *ch)
{
	return ch->epfd;
}

const char *channel_path(const struct channel *ch)
{
	return ch->path;
}

uint64_t channel_rejected(const struct channel *ch)
{
	return ch->rejected;
}

/* Only this user's programs (or root's, or the owner's the UI drops to)
 * may report to the lab and be stepped by it. */
static bool peer_allowed(const struct channel *ch, int fd, pid_t *pid)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return false;
	*pid = cred.pid;
	return cred.uid == ch->uid || cred.uid == 0 || (ch->owner >= 0 && cred.uid == (uid_t)ch->owner);
}

/* Has the program closed connection fd (it may still hold records)? */
static bool peer_closed(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLRDHUP};

	return poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP));
}

static void accept_all(struct channel *ch)
{
	int fd;

	while ((fd = accept4(ch->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
		int slot = -1;
		pid_t pid = 0;

		for (int i = 0; i < CONNS_MAX && slot < 0; i++)
			if (ch->conns[i] < 0)
				slot = i;
		if (!peer_allowed(ch, fd, &pid) || slot < 0 || epoll_ctl(ch->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			ch->rejected++;
			close(fd);
			continue;
		}
		ch->conns[slot] = fd;
		ch->pids[slot] = pid;
		ch->order[slot] = ++ch->accepted;
		ch->given_up[slot] = false;
		/* A program connects again after giving a connection up (events.c
		 * closes it first): look once, here, not for every record. */
		for (int j = 0; j < CONNS_MAX; j++)
			if (j != slot && ch->conns[j] >= 0 && ch->pids[j] == pid && !ch->given_up[j])
				ch->given_up[j] = peer_closed(ch->conns[j]);
	}
}

static void drop_conn(struct channel *ch, int i)
{
	epoll_ctl(ch->epfd, EPOLL_CTL_DEL, ch->conns[i], NULL);
	close(ch->conns[i]);
	ch->conns[i] = -1;
}

/* One record from connection i, or 0 when it has none now; a connection
 * that ended (its program gone, or given up) is dropped once drained. */
static ssize_t take(struct channel *ch, int i, char *buf, size_t n)
{
	ssize_t len = recv(ch->conns[i], buf, n - 1, MSG_DONTWAIT);

	if (len > 0) {
		buf[len] = '\0';
		return len;
	}
	if (len == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
		drop_conn(ch, i);
	return 0;
}

/* Where i's program's next record is: a program whose lab fell behind may
 * have given a connection up and opened another (events.c), and what is
 * still queued on the given-up one came first. Only those count: a
 * process may hold several live connections (`socklab run` reports each
 * traced process on its own), which stay round-robin. */
static int oldest_of_program(const struct channel *ch, int i)
{
	int oldest = i;

	for (int j = 0; j < CONNS_MAX; j++)
		if (ch->conns[j] >= 0 && ch->given_up[j] && ch->pids[j] == ch->pids[i] &&
		    ch->order[j] < ch->order[oldest])
			oldest = j;
	return oldest;
}

/* Round-robin over the programs, so one busy program cannot starve the
 * others; a record is read whole (SOCK_SEQPACKET keeps boundaries), and a
 * program's records in the order it sent them, across its connections. */
ssize_t channel_recv(struct channel *ch, char *buf, size_t n, int *conn)
{
	accept_all(ch);
	for (int k = 0; k < CONNS_MAX; k++) {
		int i = (ch->next + k) % CONNS_MAX, old;
		ssize_t len;

		if (ch->conns[i] < 0)
			continue;
		old = oldest_of_program(ch, i);
		if (old != i && (len = take(ch, old, buf, n)) > 0)
			i = old;
		else if ((len = take(ch, i, buf, n)) <= 0)
			continue;
		*conn = ch->conns[i];
		ch->next = (i + 1) % CONNS_MAX;
		return len;
	}
	return 0;
}

int channel_send_go(struct channel *ch, int conn, long seq, char *err, size_t errlen)
{
	char msg[64];
	int len = snprintf(msg, sizeof(msg), "{\"type\":\"go\",\"seq\":%ld}", seq);

	for (int i = 0; i < CONNS_MAX; i++)
		if (ch->conns[i] == conn && send(conn, msg, (size_t)len, MSG_NOSIGNAL | MSG_DONTWAIT) == len)
			return 0;
	snprintf(err, errlen, "step: the program that asked has gone");
	return -1;
}

void channel_close(struct channel *ch)
{
	if (!ch)
		return;
	for (int i = 0; i < CONNS_MAX; i++)
		if (ch->conns[i] >= 0)
			close(ch->conns[i]);
	close(ch->fd);
	close(ch->epfd);
	unlink(ch->path);
	if (ch->private_dir)
		chanpath_private_remove(ch->path);
	free(ch);
}
