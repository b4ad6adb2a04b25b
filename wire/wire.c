/* wire.c: the two hosts, the relay process, and `socklab host` (wire.h). */
#include "wire.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "chanpath.h"
#include "errtext.h"
#include "netns.h"

#define RELAY_COMM "socklab-wire"
#define MTU 1514

static const char *const addrs[2] = {"10.77.0.1", "10.77.0.2"};
static const char *const names[2] = {"client", "server"};
/* the middle namespace's veth to each host */
static const char *const wire_ifs[2] = {"to-client", "to-server"};

struct wire {
	struct impair_cfg cfg;
	int ns[2];        /* the hosts' network namespaces */
	int ctl;          /* to the relay: a byte stops it; it answers its counters */
	pid_t relay;
	bool userns;
	char published[PATH_MAX]; /* the lab file wire_publish wrote, or "" */
};

const char *wire_addr(enum wire_host h)
{
	return addrs[h];
}

const char *wire_host_name(enum wire_host h)
{
	return names[h];
}

int wire_host_parse(const char *s)
{
	for (int h = 0; h < 2; h++)
		if (s && strcmp(s, names[h]) == 0)
			return h;
	return -1;
}

int wire_netns_fd(const struct wire *w, enum wire_host h)
{
	return w->ns[h];
}

uint64_t wire_horizon_ns(const struct wire *w)
{
	return impair_horizon_ns(&w->cfg, RELAY_QUEUE, MTU);
}

const struct impair_cfg *wire_impair(const struct wire *w)
{
	return &w->cfg;
}

bool wire_userns(const struct wire *w)
{
	return w->userns;
}

pid_t wire_relay_pid(const struct wire *w)
{
	return w->relay;
}

int wire_enter(const struct wire *w, enum wire_host h, char *err, size_t n)
{
	struct stat want, here;

	/* already there (a lesson's launcher, which can no longer setns) */
	if (fstat(w->ns[h], &want) == 0 && stat("/proc/self/ns/net", &here) == 0 && want.st_ino == here.st_ino &&
	    want.st_dev == here.st_dev)
		return 0;
	return netns_enter(w->ns[h], names[h], err, n);
}

int wire_drop(struct wire *w, const struct impair_rule *rules, size_t nrules, char *err, size_t n)
{
	struct relay_rules_msg msg = {.op = 'r', .nrules = (uint32_t)nrules};
	char ack;
	ssize_t got;

	if (nrules > IMPAIR_MAX_RULES) {
		snprintf(err, n, "wire: at most %d drop rules at a time", IMPAIR_MAX_RULES);
		return -1;
	}
	memcpy(msg.rules, rules, nrules * sizeof(*rules));
	if (send(w->ctl, &msg, sizeof(msg), MSG_NOSIGNAL) != (ssize_t)sizeof(msg)) {
		snprintf(err, n, "wire: tell the relay its drop rules: %s", errtext(errno));
		return -1;
	}
	do
		got = recv(w->ctl, &ack, 1, 0);
	while (got < 0 && errno == EINTR);
	if (got != 1 || ack != 'k') {
		snprintf(err, n, "wire: the relay did not take its drop rules (it ended?)");
		return -1;
	}
	return 0;
}

/* ---- the relay process ---- */

/* One host: no IPv6, offloads off, its address, eth0 and lo up. */
static int host_setup(int ns, enum wire_host h, char *err, size_t n)
{
	uint32_t a;

	inet_pton(AF_INET, addrs[h], &a);
	if (netns_enter(ns, names[h], err, n) < 0 || netns_offloads_off(WIRE_IFACE, err, n) < 0 ||
	    netns_addr(WIRE_IFACE, a, 24, err, n) < 0 || netns_up(WIRE_IFACE, err, n) < 0 || netns_up("lo", err, n) < 0)
		return -1;
	return 0;
}

/* The answer the relay process sends once the wire is up (or not). */
struct hello {
	int ok;
	char err[300];
};

static void send_hello(int ctl, const struct hello *h, const int *fds)
{
	char cbuf[CMSG_SPACE(2 * sizeof(int))];
	struct iovec iov = {(void *)h, sizeof(*h)};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};

	if (fds) {
		memset(cbuf, 0, sizeof(cbuf));
		m.msg_control = cbuf;
		m.msg_controllen = sizeof(cbuf);
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(2 * sizeof(int));
		memcpy(CMSG_DATA(c), fds, 2 * sizeof(int));
	}
	(void)!sendmsg(ctl, &m, MSG_NOSIGNAL);
}

/* Root: the relay needs nothing more once its sockets are open. */
static int relay_drop_root(char *err, size_t n)
{
	struct passwd *pw;

	if (geteuid() != 0)
		return 0;
	pw = getpwnam("nobody");
	if (!pw || setgroups(0, NULL) < 0 || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0) {
		snprintf(err, n, "wire relay: cannot drop root to nobody");
		return -1;
	}
	return 0;
}

/* The relay process: makes the three namespaces and the veths, hands the
 * hosts' namespaces to the lab, then relays until told to stop. */
static void relay_main(int ctl, pid_t lab, const struct wire_opts *o, const struct impair_cfg *cfg)
{
	struct hello h = {0};
	int ns[3] = {-1, -1, -1}, port[2] = {-1, -1}, first = -1;
	FILE *log = NULL;
	struct relay_stats st;
	char *err = h.err;
	size_t n = sizeof(h.err);

	/* gone with the lab, even on SIGKILL; Ctrl-C is the lab's to handle */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != lab)
		_exit(1);
	signal(SIGINT, SIG_IGN);
	prctl(PR_SET_NAME, RELAY_COMM);
	/* Each namespace is made from the one before, and passes on a TCP
	 * hash table of the next one's own (the kernel view's sock_diag dumps
	 * walk it): the first from a namespace made only for that, never the
	 * machine's, whose setting would reach every later namespace. */
	if (netns_new(&first, err, n) < 0 || netns_own_tcp_hash(err, n) < 0)
		goto fail;
	close(first);
	for (int i = 0; i < 3; i++)
		if (netns_new(&ns[i], err, n) < 0 || netns_no_ipv6(err, n) < 0 || netns_own_tcp_hash(err, n) < 0)
			goto fail;
	/* now in the middle namespace, the wire */
	for (int hh = 0; hh < 2; hh++)
		if (netns_veth(wire_ifs[hh], WIRE_IFACE, ns[hh], err, n) < 0 ||
		    netns_offloads_off(wire_ifs[hh], err, n) < 0 || netns_up(wire_ifs[hh], err, n) < 0)
			goto fail;
	for (int hh = 0; hh < 2; hh++)
		if (host_setup(ns[hh], (enum wire_host)hh, err, n) < 0)
			goto fail;
	if (netns_enter(ns[2], "wire", err, n) < 0)
		goto fail;
	for (int hh = 0; hh < 2; hh++)
		if ((port[hh] = relay_port(wire_ifs[hh], err, n)) < 0)
			goto fail;
	if (o->log_path && !(log = fopen(o->log_path, "we"))) {
		snprintf(err, n, "wire relay: log %s: %s", o->log_path, errtext(errno));
		goto fail;
	}
	if (relay_drop_root(err, n) < 0)
		goto fail;
	h.ok = 1;
	send_hello(ctl, &h, ns);
	close(ns[0]);
	close(ns[1]);
	close(ns[2]);
	if (relay_run(port, cfg, ctl, log, &st, err, n) < 0)
		_exit(3);
	if (log)
		fclose(log);
	/* relay_run read the stop message: a socket closed with unread data
	 * would reset the connection before the lab reads the counters */
	(void)!write(ctl, &st, sizeof(st));
	_exit(0);
fail:
	send_hello(ctl, &h, NULL);
	_exit(2);
}

static int recv_hello(int ctl, struct hello *h, int fds[2])
{
	char cbuf[CMSG_SPACE(2 * sizeof(int))];
	struct iovec iov = {h, sizeof(*h)};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	ssize_t got;

	do
		got = recvmsg(ctl, &m, MSG_CMSG_CLOEXEC);
	while (got < 0 && errno == EINTR);
	if (got != (ssize_t)sizeof(*h))
		return -1;
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	if (h->ok && c && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(2 * sizeof(int))) {
		memcpy(fds, CMSG_DATA(c), 2 * sizeof(int));
		return 0;
	}
	return h->ok ? -1 : 0;
}

struct wire *wire_open(const struct wire_opts *o, char *err, size_t n)
{
	struct wire *w = calloc(1, sizeof(*w));
	struct hello h = {0};
	int sv[2];
	pid_t lab = getpid();

	if (!w) {
		snprintf(err, n, "wire: out of memory");
		return NULL;
	}
	wire_cleanup();
	w->cfg = o->impair;
	w->ns[0] = w->ns[1] = w->ctl = -1;
	if (!w->cfg.seeded) {
		uint32_t r = 0;
		if (getrandom(&r, sizeof(r), 0) != sizeof(r))
			r = (uint32_t)lab;
		w->cfg.seed = r;
		w->cfg.seeded = true;
	}
	if (geteuid() != 0) {
		int home = -1;

		/* The lab moves into a network namespace of its own too: one its
		 * user namespace owns, so it may come back to it after opening a
		 * capture inside a host (setns back into the first namespace, the
		 * machine's, would need privilege there). It needs no network of
		 * its own: the event channel is a Unix socket in the file system. */
		if (netns_user(err, n) < 0 || netns_new(&home, err, n) < 0) {
			free(w);
			return NULL;
		}
		close(home);
		w->userns = true;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		snprintf(err, n, "wire: socketpair: %s", errtext(errno));
		free(w);
		return NULL;
	}
	w->relay = fork();
	if (w->relay < 0) {
		snprintf(err, n, "wire: fork: %s", errtext(errno));
		close(sv[0]);
		close(sv[1]);
		free(w);
		return NULL;
	}
	if (w->relay == 0) {
		close(sv[0]);
		relay_main(sv[1], lab, o, &w->cfg);
	}
	close(sv[1]);
	w->ctl = sv[0];
	if (recv_hello(w->ctl, &h, w->ns) < 0 || !h.ok) {
		snprintf(err, n, "%s", h.err[0] ? h.err : "wire: the relay process ended before the wire was up");
		wire_close(w, NULL, NULL, 0);
		return NULL;
	}
	return w;
}

/* Ends (SIGTERM) the processes still on a host: those `socklab host`
 * started, which are not the lab's children. */
static void end_host_programs(const struct wire *w)
{
	struct stat ns[2], st;
	DIR *d = opendir("/proc");
	struct dirent *e;
	char path[64];

	if (!d || fstat(w->ns[0], &ns[0]) < 0 || fstat(w->ns[1], &ns[1]) < 0) {
		if (d)
			closedir(d);
		return;
	}
	while ((e = readdir(d))) {
		pid_t pid = (pid_t)atoi(e->d_name);
		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
		if (stat(path, &st) < 0)
			continue;
		for (int h = 0; h < 2; h++)
			if (st.st_ino == ns[h].st_ino && st.st_dev == ns[h].st_dev)
				kill(pid, SIGTERM);
	}
	closedir(d);
}

int wire_close(struct wire *w, struct relay_stats *st, char *err, size_t n)
{
	struct relay_stats got;
	int status = 0, rc = 0;

	if (!w)
		return 0;
	if (w->ctl >= 0) {
		(void)!write(w->ctl, "q", 1);
		if (read(w->ctl, &got, sizeof(got)) == (ssize_t)sizeof(got)) {
			if (st)
				*st = got;
		} else {
			rc = -1;
		}
		close(w->ctl);
	}
	if (w->relay > 0) {
		while (waitpid(w->relay, &status, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			rc = -1;
	}
	if (rc < 0 && err)
		snprintf(err, n, "wire: the relay failed (%s %d)", WIFEXITED(status) ? "exit" : "signal",
			 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	if (w->ns[0] >= 0 && w->ns[1] >= 0)
		end_host_programs(w);
	for (int h = 0; h < 2; h++)
		if (w->ns[h] >= 0)
			close(w->ns[h]);
	if (w->published[0])
		unlink(w->published);
	free(w);
	return rc;
}

/* ---- leftovers ---- */

/* A small file, or (line) its first line. */
static int read_text(const char *path, char *buf, size_t n, bool line)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t got;

	if (fd < 0)
		return -1;
	got = read(fd, buf, n - 1);
	close(fd);
	if (got < 0)
		return -1;
	buf[got] = '\0';
	if (line)
		buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static void comm_of(pid_t pid, char *buf, size_t n)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	if (read_text(path, buf, n, true) < 0)
		buf[0] = '\0';
}

/* The parent of pid, from /proc/PID/stat ("pid (comm) state ppid"); -1
 * for a zombie (ended, waiting for its parent to reap it). */
static pid_t parent_of(pid_t pid)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_text(path, buf, sizeof(buf), true) < 0 || !(p = strrchr(buf, ')')) || strlen(p) < 5 || p[2] == 'Z')
		return -1;
	return (pid_t)atoi(p + 4);
}

int wire_cleanup(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	char comm[32], pcomm[32], self[32], path[64];
	struct stat st;
	int cleaned = 0;

	if (!d)
		return 0;
	comm_of(getpid(), self, sizeof(self));
	while ((e = readdir(d))) {
		pid_t pid = (pid_t)atoi(e->d_name), ppid;
		if (pid <= 0 || pid == getpid())
			continue;
		comm_of(pid, comm, sizeof(comm));
		if (strcmp(comm, RELAY_COMM) != 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d", (int)pid);
		if (stat(path, &st) < 0 || (geteuid() != 0 && st.st_uid != getuid()))
			continue;
		/* a relay's parent is its lab (socklab, or a program like this
		 * one): one whose parent is anything else was left behind */
		if ((ppid = parent_of(pid)) < 0)
			continue; /* gone already, or a zombie: nothing to end */
		comm_of(ppid, pcomm, sizeof(pcomm));
		if (ppid > 1 && (strcmp(pcomm, "socklab") == 0 || strcmp(pcomm, self) == 0))
			continue;
		if (kill(pid, SIGKILL) == 0)
			cleaned++;
	}
	closedir(d);
	return cleaned;
}

/* ---- socklab host ---- */

static int lab_file(const char *chan, char *buf, size_t n)
{
	const char *slash = strrchr(chan, '/');

	return slash && snprintf(buf, n, "%.*s/wire", (int)(slash - chan), chan) < (int)n ? 0 : -1;
}

int wire_publish(struct wire *w, const char *chan, int owner, char *err, size_t n)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8], text[128];
	int fd;

	if (lab_file(chan, path, sizeof(path)) < 0) {
		snprintf(err, n, "wire: %s: no directory for the lab file", chan);
		return -1;
	}
	if (chanpath_private_dir(chan, owner, err, n) < 0)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid());
	snprintf(text, sizeof(text), "pid %d\nclient %d\nserver %d\nuserns %d\n", (int)getpid(), w->ns[0], w->ns[1],
		 w->userns);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) || (owner >= 0 && fchown(fd, (uid_t)owner, (gid_t)-1) < 0) ||
	    close(fd) < 0 || rename(tmp, path) < 0) {
		snprintf(err, n, "wire: lab file %s: %s", path, errtext(errno));
		unlink(tmp);
		return -1;
	}
	snprintf(w->published, sizeof(w->published), "%s", path);
	return 0;
}

int wire_join(const char *chan, enum wire_host h, char *err, size_t n)
{
	char path[PATH_MAX], text[256], file[64], link[64];
	int pid = 0, fds[2] = {-1, -1}, userns = 0, usr = -1, net;
	ssize_t len;

	if (lab_file(chan, path, sizeof(path)) < 0 || read_text(path, text, sizeof(text), false) < 0 ||
	    sscanf(text, "pid %d client %d server %d userns %d", &pid, &fds[0], &fds[1], &userns) != 4) {
		snprintf(err, n, "socklab host: no lab with two hosts is running (start one: socklab --delay MS)");
		return -1;
	}
	if (kill(pid, 0) < 0 && errno == ESRCH) {
		snprintf(err, n, "socklab host: the lab (pid %d) is gone; start one: socklab --delay MS", pid);
		return -1;
	}
	snprintf(file, sizeof(file), "/proc/%d/fd/%d", pid, fds[h]);
	len = readlink(file, link, sizeof(link) - 1);
	if (len < 0 || (link[len] = '\0', strncmp(link, "net:[", 5) != 0)) {
		snprintf(err, n, "socklab host: %s: %s", file,
			 len < 0 ? (errno == EACCES || errno == EPERM ? "not allowed (a lab started with sudo: use sudo)"
								       : errtext(errno))
				 : "not the lab's namespace");
		return -1;
	}
	net = open(file, O_RDONLY | O_CLOEXEC);
	if (userns) {
		snprintf(file, sizeof(file), "/proc/%d/ns/user", pid);
		usr = open(file, O_RDONLY | O_CLOEXEC);
	}
	if (net < 0 || (userns && usr < 0)) {
		snprintf(err, n, "socklab host: the lab's namespaces: %s", errtext(errno));
		return -1;
	}
	if (usr >= 0 && setns(usr, CLONE_NEWUSER) < 0) {
		snprintf(err, n, "socklab host: enter the lab's user namespace: %s", errtext(errno));
		return -1;
	}
	if (netns_enter(net, names[h], err, n) < 0)
		return -1;
	if (usr >= 0)
		close(usr);
	close(net);
	return 0;
}
