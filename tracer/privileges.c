/* privileges.c: dropping root and capabilities (privileges.h). */
#include "privileges.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errtext.h"

/* Clears every capability set: a binary given CAP_NET_RAW by `make setcap`
 * keeps nothing once its capture is open. */
static int drop_capabilities(char *err, size_t errlen)
{
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capset, &hdr, data) < 0) {
		snprintf(err, errlen, "drop capabilities: %s", errtext(errno));
		return -1;
	}
	return 0;
}

/* Started with sudo by a user other than root: who that was. */
static bool sudo_caller(uid_t *uid, gid_t *gid)
{
	const char *sudo_uid = getenv("SUDO_UID"), *sudo_gid = getenv("SUDO_GID");

	if (!sudo_uid || !sudo_gid || atoi(sudo_uid) <= 0)
		return false;
	*uid = (uid_t)atoi(sudo_uid);
	*gid = (gid_t)atoi(sudo_gid);
	return true;
}

int privileges_drop_target(uid_t *uid, gid_t *gid)
{
	struct passwd *pw;

	if (sudo_caller(uid, gid))
		return 0;
	if (!(pw = getpwnam("nobody")))
		return -1;
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

int privileges_give_to_sudo_caller(int fd, const char *path, char *err, size_t errlen)
{
	uid_t uid;
	gid_t gid;

	if (geteuid() != 0 || !sudo_caller(&uid, &gid) || fchown(fd, uid, gid) == 0)
		return 0;
	snprintf(err, errlen, "chown %s: %s", path, errtext(errno));
	return -1;
}

int privileges_drop(char *err, size_t errlen)
{
	uid_t uid;
	gid_t gid;

	if (geteuid() != 0)
		return drop_capabilities(err, errlen);
	if (privileges_drop_target(&uid, &gid) < 0) {
		snprintf(err, errlen, "drop root: no user 'nobody' to switch to");
		return -1;
	}
	if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(uid) < 0) {
		snprintf(err, errlen, "drop root: %s", errtext(errno));
		return -1;
	}
	if (setuid(0) == 0) {
		snprintf(err, errlen, "drop root: could still regain root, refusing to go on");
		return -1;
	}
	return 0;
}

/* ---- the file maker (privileges.h) ---- */

enum { NAME_MAX_LEN = 200, REPLY_MAX = 256 };

struct file_maker {
	int sock; /* SOCK_SEQPACKET to the helper: a name out, a reply (and a descriptor) back */
	pid_t pid;
};

/* PREFIX, then only [A-Za-z0-9._-], ending in one of suffixes: no '/', so
 * always in the start directory, and never a dot file of root's. */
static bool plain_name(const char *name, const char *prefix, const char *const *suffixes)
{
	size_t n = strlen(name), p = strlen(prefix);

	if (n > NAME_MAX_LEN || n <= p || strncmp(name, prefix, p) != 0)
		return false;
	for (const char *c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '.' ||
		      *c == '_' || *c == '-'))
			return false;
	for (; *suffixes; suffixes++) {
		size_t s = strlen(*suffixes);

		if (n > p + s && strcmp(name + n - s, *suffixes) == 0)
			return true;
	}
	return false;
}

/* One reply: the error text ("" on success) and, on success, the file. */
/* A reply: the errno of a failed open (0 otherwise), its text, and the
 * descriptor made. */
static void send_reply(int sock, int fd, int err, const char *text)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov[2] = {{&err, sizeof(err)}, {(void *)text, strlen(text) + 1}};
	struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2};

	memset(&ctl, 0, sizeof(ctl));
	if (fd >= 0) {
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		CMSG_FIRSTHDR(&msg)->cmsg_level = SOL_SOCKET;
		CMSG_FIRSTHDR(&msg)->cmsg_type = SCM_RIGHTS;
		CMSG_FIRSTHDR(&msg)->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(CMSG_FIRSTHDR(&msg)), &fd, sizeof(int));
	}
	(void)sendmsg(sock, &msg, MSG_NOSIGNAL);
}

/* The helper's whole life: it holds nothing but its connection (no
 * terminal, no capture), ignores the terminal's signals (the program it
 * serves decides when to end), and ends at the connection's end. */
static _Noreturn void file_maker_serve(int sock, const char *prefix, const char *const *suffixes)
{
	char name[NAME_MAX_LEN + 2], reply[REPLY_MAX];
	int null = open("/dev/null", O_RDWR);
	ssize_t n;

	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
	}
	if (dup2(sock, 3) < 0)
		_exit(1);
	close_range(4, ~0u, 0);
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGTERM, SIG_DFL); /* not the program's handler: a stray kill still ends it */
	for (;;) {
		int fd = -1, err = 0;

		n = recv(3, name, sizeof(name) - 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(0);
		name[n] = '\0';
		if (!plain_name(name, prefix, suffixes))
			snprintf(reply, sizeof(reply), "record %.*s: not a name this helper creates", NAME_MAX_LEN, name);
		else if ((fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0644)) < 0)
			snprintf(reply, sizeof(reply), "record %s: %s", name, errtext(err = errno));
		else if (privileges_give_to_sudo_caller(fd, name, reply, sizeof(reply)) < 0) {
			close(fd);
			unlink(name);
			fd = -1;
		} else
			reply[0] = '\0';
		send_reply(3, fd, err, reply);
		if (fd >= 0)
			close(fd);
	}
}

struct file_maker *privileges_file_maker_start(const char *prefix, const char *const *suffixes, char *err,
					       size_t errlen)
{
	struct file_maker *m;
	int sv[2];

	if (errlen)
		err[0] = '\0';
	if (geteuid() != 0)
		return NULL;
	if (!(m = calloc(1, sizeof(*m)))) {
		snprintf(err, errlen, "file helper: out of memory");
		return NULL;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		snprintf(err, errlen, "file helper: %s", errtext(errno));
		free(m);
		return NULL;
	}
	m->pid = fork();
	if (m->pid == 0) {
		close(sv[0]);
		file_maker_serve(sv[1], prefix, suffixes);
	}
	close(sv[1]);
	if (m->pid < 0) {
		snprintf(err, errlen, "file helper: %s", errtext(errno));
		close(sv[0]);
		free(m);
		return NULL;
	}
	m->sock = sv[0];
	return m;
}

int privileges_file_make(struct file_maker *m, const char *name, char *err, size_t errlen)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	char reply[REPLY_MAX];
	int cause = 0, fd = -1;
	struct iovec iov[2] = {{&cause, sizeof(cause)}, {reply, sizeof(reply) - 1}};
	struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2, .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf)};
	struct cmsghdr *c;
	ssize_t n;

	if (send(m->sock, name, strlen(name), MSG_NOSIGNAL) < 0) {
		snprintf(err, errlen, "record %s: file helper: %s", name, errtext(errno));
		return -1;
	}
	do
		n = recvmsg(m->sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < (ssize_t)sizeof(cause)) {
		snprintf(err, errlen, "record %s: file helper: %s", name, n < 0 ? errtext(errno) : "gone");
		errno = 0; /* err says it */
		return -1;
	}
	reply[n - (ssize_t)sizeof(cause)] = '\0';
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(&fd, CMSG_DATA(c), sizeof(int));
	if (fd < 0) {
		snprintf(err, errlen, "%s", reply[0] ? reply : "record: file helper sent no file");
		errno = cause; /* the open's errno, 0 when reply says something else */
	}
	return fd;
}

void privileges_file_maker_stop(struct file_maker *m)
{
	if (!m)
		return;
	close(m->sock);
	while (waitpid(m->pid, NULL, 0) < 0 && errno == EINTR)
		;
	free(m);
}
