/* channel.c: the event channel listener. */
#include "channel.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "chanpath.h"
#include "clock.h"
#include "errtext.h"

struct channel {
	int fd, send_fd;
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

/* Is somebody answering on path? A datagram socket connects only while a
 * socket is bound there. */
static int somebody_listens(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
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
	int one = 1;

	if (!ch) {
		snprintf(err, errlen, "event channel: out of memory");
		return NULL;
	}
	ch->fd = ch->send_fd = -1;
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
	ch->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	ch->send_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (ch->fd < 0 || ch->send_fd < 0 || bind(ch->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    setsockopt(ch->fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0) {
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
	if (ch->send_fd >= 0)
		close(ch->send_fd);
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
	return ch->fd;
}

const char *channel_path(const struct channel *ch)
{
	return ch->path;
}

uint64_t channel_rejected(const struct channel *ch)
{
	return ch->rejected;
}

static int sender_allowed(const struct channel *ch, struct msghdr *msg)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
			struct ucred cred;
			memcpy(&cred, CMSG_DATA(c), sizeof(cred));
			return cred.uid == ch->uid || cred.uid == 0 || (ch->owner >= 0 && cred.uid == (uid_t)ch->owner);
		}
	}
	return 0;
}

ssize_t channel_recv(struct channel *ch, char *buf, size_t n)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} control;

	for (;;) {
		struct iovec iov = {buf, n - 1};
		struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
				     .msg_controllen = sizeof(control.buf)};
		ssize_t len = recvmsg(ch->fd, &msg, MSG_DONTWAIT);

		if (len < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
		if (!sender_allowed(ch, &msg)) {
			ch->rejected++;
			continue;
		}
		buf[len] = '\0';
		return len;
	}
}

int channel_send_go(struct channel *ch, const char *reply, long seq, char *err, size_t errlen)
{
	struct sockaddr_un sa;
	char msg[64];
	int len = snprintf(msg, sizeof(msg), "{\"type\":\"go\",\"seq\":%ld}", seq);

	if (make_addr(reply, &sa) < 0 ||
	    sendto(ch->send_fd, msg, (size_t)len, 0, (struct sockaddr *)&sa, sizeof(sa)) != len) {
		snprintf(err, errlen, "step %s: %s", reply, errtext(errno));
		return -1;
	}
	return 0;
}

void channel_close(struct channel *ch)
{
	if (!ch)
		return;
	close(ch->fd);
	close(ch->send_fd);
	unlink(ch->path);
	if (ch->private_dir)
		chanpath_private_remove(ch->path);
	free(ch);
}
