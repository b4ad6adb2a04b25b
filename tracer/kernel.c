/* kernel.c: tracefs and sock_diag, the two ways to hear the kernel's own
 * TCP states. Parsing and diffing are kstate's; this file only opens,
 * reads and cleans up. */
#include "kernel.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "errtext.h"

#define SOCK_DIAG_INTERVAL_MS 10
/* A dump walks the kernel's whole TCP hash table, shared by every network
 * namespace unless it has one of its own (30-40 ms here, with 14 000
 * TIME_WAIT sockets of other programs): polls are spaced at least this many
 * times a dump's duration apart, so asking takes at most half a CPU. */
#define SOCK_DIAG_DUTY 2
/* The tracepoint path still wakes up this often to release held records. */
#define TRACE_INTERVAL_MS 50

struct kernel_source {
	enum kstate_source kind;
	int port;
	int fd; /* trace_pipe, or the NETLINK_SOCK_DIAG socket */
	char fallback[256];

	/* tracepoint */
	char instance[256];   /* the private tracefs instance directory */
	pid_t guardian;       /* keeps root to remove the instance */
	int guardian_pipe;    /* closing it tells the guardian to clean up */
	int64_t mono_to_real; /* CLOCK_REALTIME - CLOCK_MONOTONIC */
	char line[4096];
	size_t linelen;

	/* sock_diag */
	struct kstate_sock *prev, *cur;
	size_t nprev, ncur, cap;
	uint64_t next_poll_ns;
	uint64_t interval_ns; /* between polls: SOCK_DIAG_INTERVAL_MS or more */
	uint64_t last_poll_ns; /* CLOCK_REALTIME */
	uint64_t dump_ns;      /* how long a poll's dumps take, smoothed */
};

int kernel_mode_parse(const char *s)
{
	if (strcmp(s, "auto") == 0)
		return KERNEL_AUTO;
	if (strcmp(s, "tracepoint") == 0)
		return KERNEL_TRACEPOINT;
	if (strcmp(s, "sock_diag") == 0)
		return KERNEL_SOCK_DIAG;
	return -1;
}

/* ---- tracefs ---- */

static int write_file(const char *dir, const char *name, const char *text, char *err, size_t errlen)
{
	char path[512];
	int fd, ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "open %s: %s", path, errtext(errno));
		return -1;
	}
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	if (!ok)
		snprintf(err, errlen, "write '%s' to %s: %s", text, path, errtext(errno));
	close(fd);
	return ok ? 0 : -1;
}

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Finds tracefs, mounting it on /sys/kernel/tracing when nothing is there
 * yet; older systems only have it under debugfs. */
static const char *tracefs_root(char *err, size_t errlen)
{
	static const char *const roots[] = {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"};

	if (!is_dir("/sys/kernel/tracing/instances") && is_dir("/sys/kernel/tracing") &&
	    mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL) < 0)
		snprintf(err, errlen, "mount tracefs on /sys/kernel/tracing: %s", errtext(errno));
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		char path[256];
		snprintf(path, sizeof(path), "%s/instances", roots[i]);
		if (is_dir(path))
			return roots[i];
	}
	if (!*err)
		snprintf(err, errlen, "tracefs not found (no /sys/kernel/tracing/instances)");
	return NULL;
}

/* The guardian keeps root after socklab-trace gives it up, waits until its
 * pipe closes (a normal exit, a signal, or a crash of the tracer) and then
 * removes the instance. The kernel refuses while trace_pipe is still open,
 * so it retries for a while. */
static void guardian_run(int pipe_fd, const char *instance)
{
	char c;

	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	if (dup2(pipe_fd, 3) < 0)
		_exit(1);
	close_range(4, ~0u, 0);
	while (read(3, &c, 1) > 0 || errno == EINTR)
		;
	for (int i = 0; i < 500 && rmdir(instance) < 0 && errno == EBUSY; i++)
		usleep(10000);
	_exit(0);
}

static int start_guardian(struct kernel_source *k, char *err, size_t errlen)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe: %s", errtext(errno));
		return -1;
	}
	k->guardian = fork();
	if (k->guardian < 0) {
		snprintf(err, errlen, "fork: %s", errtext(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (k->guardian == 0) {
		close(p[1]);
		guardian_run(p[0], k->instance);
	}
	close(p[0]);
	k->guardian_pipe = p[1];
	return 0;
}

/* The offset from the trace clock ("mono" = CLOCK_MONOTONIC) to
 * CLOCK_REALTIME, read between two monotonic samples to halve the error. */
static int64_t mono_to_realtime(void)
{
	uint64_t a = clock_ns(CLOCK_MONOTONIC), r = clock_ns(CLOCK_REALTIME), b = clock_ns(CLOCK_MONOTONIC);

	return (int64_t)(r - (a + (b - a) / 2));
}

static int open_tracepoint(struct kernel_source *k, char *err, size_t errlen)
{
	const char *root = tracefs_root(err, errlen);
	char filter[128], path[320];

	if (!root)
		return -1;
	snprintf(path, sizeof(path), "%s/events/sock/inet_sock_set_state", root);
	if (!is_dir(path)) {
		snprintf(err, errlen, "this kernel has no sock:inet_sock_set_state tracepoint (%s)", path);
		return -1;
	}
	snprintf(k->instance, sizeof(k->instance), "%s/instances/socklab-%ld", root, (long)getpid());
	if (mkdir(k->instance, 0700) < 0) {
		snprintf(err, errlen, "create tracing instance %s: %s%s", k->instance, errtext(errno),
			 errno == EACCES || errno == EPERM ? " (tracing needs root)" : "");
		k->instance[0] = '\0';
		return -1;
	}
	if (start_guardian(k, err, errlen) < 0) {
		rmdir(k->instance);
		k->instance[0] = '\0';
		return -1;
	}
	if (k->port)
		snprintf(filter, sizeof(filter), "protocol == 6 && (sport == %d || dport == %d)", k->port, k->port);
	else
		snprintf(filter, sizeof(filter), "protocol == 6");
	snprintf(path, sizeof(path), "%s/events/sock/inet_sock_set_state", k->instance);
	if (write_file(k->instance, "trace_clock", "mono", err, errlen) < 0 ||
	    write_file(path, "filter", filter, err, errlen) < 0 || write_file(path, "enable", "1", err, errlen) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/trace_pipe", k->instance);
	k->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (k->fd < 0) {
		snprintf(err, errlen, "open %s: %s", path, errtext(errno));
		return -1;
	}
	k->mono_to_real = mono_to_realtime();
	return 0;
}

/* Passes records on with their time moved to CLOCK_REALTIME, counting them. */
struct delivery {
	int64_t offset;
	kstate_record_fn fn;
	void *ctx;
	int n;
};

static void deliver(const struct kstate_record *rec, void *arg)
{
	struct delivery *d = arg;
	struct kstate_record r = *rec;

	r.ts_ns = (uint64_t)((int64_t)r.ts_ns + d->offset);
	d->fn(&r, d->ctx);
	d->n++;
}

static int read_tracepoint(struct kernel_source *k, kstate_record_fn fn, void *ctx, char *err, size_t errlen)
{
	struct delivery d = {k->mono_to_real, fn, ctx, 0};

	for (;;) {
		ssize_t got = read(k->fd, k->line + k->linelen, sizeof(k->line) - 1 - k->linelen);
		char *start, *nl;

		if (got < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return d.n;
			snprintf(err, errlen, "read %s/trace_pipe: %s", k->instance, errtext(errno));
			return -1;
		}
		if (got == 0)
			return d.n;
		k->linelen += (size_t)got;
		k->line[k->linelen] = '\0';
		start = k->line;
		while ((nl = strchr(start, '\n'))) {
			struct kstate_record r;

			*nl = '\0';
			if (kstate_parse_trace_line(start, &r) == 1)
				deliver(&r, &d);
			start = nl + 1;
		}
		k->linelen -= (size_t)(start - k->line);
		memmove(k->line, start, k->linelen);
		if (k->linelen == sizeof(k->line) - 1)
			k->linelen = 0; /* a line longer than any record: drop it */
	}
}

/* ---- sock_diag ---- */

/* The attributes after a socket's inet_diag_msg: its tcp_info and its
 * congestion control's name. The kernel may send a shorter or a longer
 * tcp_info than these headers know: only what both have is read. */
static void diag_info(const struct nlmsghdr *h, struct kstate_tcp_info *out)
{
	size_t head = NLMSG_LENGTH(NLMSG_ALIGN(sizeof(struct inet_diag_msg)));
	const struct rtattr *a;
	unsigned int left;

	memset(out, 0, sizeof(*out));
	if (h->nlmsg_len <= head)
		return;
	a = (const struct rtattr *)((const char *)h + head);
	left = h->nlmsg_len - (unsigned int)head;
	for (; RTA_OK(a, left); a = RTA_NEXT(a, left)) {
		size_t len = RTA_PAYLOAD(a);

		if (a->rta_type == INET_DIAG_INFO) {
			struct tcp_info ti;

			memset(&ti, 0, sizeof(ti));
			memcpy(&ti, RTA_DATA(a), len < sizeof(ti) ? len : sizeof(ti));
			if (len < offsetof(struct tcp_info, tcpi_total_retrans) + sizeof(ti.tcpi_total_retrans))
				continue; /* older than any kernel this lab runs on */
			out->valid = true;
			out->rto_us = ti.tcpi_rto;
			out->rtt_us = ti.tcpi_rtt;
			out->rttvar_us = ti.tcpi_rttvar;
			out->snd_cwnd = ti.tcpi_snd_cwnd;
			out->retransmits = ti.tcpi_retransmits;
			out->total_retrans = ti.tcpi_total_retrans;
		} else if (a->rta_type == INET_DIAG_CONG) {
			size_t n = strnlen(RTA_DATA(a), len);

			if (n >= sizeof(out->cong))
				n = sizeof(out->cong) - 1;
			memcpy(out->cong, RTA_DATA(a), n);
			out->cong[n] = '\0';
		}
	}
	if (!out->valid)
		out->cong[0] = '\0'; /* a name without the numbers says nothing on its own */
}

static int diag_add(struct kernel_source *k, const struct nlmsghdr *h)
{
	const struct inet_diag_msg *d = NLMSG_DATA(h);
	uint16_t sport = ntohs(d->id.idiag_sport), dport = ntohs(d->id.idiag_dport);
	int family = d->idiag_family == AF_INET ? 4 : 6;
	int state = kstate_from_kernel_number(d->idiag_state);
	struct kstate_sock *s;

	if (state < 0 || (k->port && sport != k->port && dport != k->port))
		return 0;
	if (k->ncur == k->cap) {
		size_t ncap = k->cap ? k->cap * 2 : 64;
		struct kstate_sock *a = realloc(k->cur, ncap * sizeof(*a)), *b;
		if (!a)
			return -1;
		k->cur = a;
		b = realloc(k->prev, ncap * sizeof(*b));
		if (!b)
			return -1;
		k->prev = b;
		k->cap = ncap;
	}
	s = &k->cur[k->ncur++];
	kstate_endpoint_set(&s->local, family, d->id.idiag_src, sport);
	kstate_endpoint_set(&s->peer, family, d->id.idiag_dst, dport);
	s->state = (enum tcp_state)state;
	if (s->state != TCPS_LISTEN) /* a listener's timers and window say nothing of a connection */
		diag_info(h, &s->info);
	else
		memset(&s->info, 0, sizeof(s->info));
	return 0;
}

/* One dump of every TCP socket of a family, in every state. */
static int diag_dump(struct kernel_source *k, int family, char *err, size_t errlen)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;
		struct nlattr bc_attr;
		struct inet_diag_bc_op bc[5];
	} msg = {
		.nlh = {.nlmsg_len = offsetof(__typeof__(msg), bc_attr), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP},
		.req = {.sdiag_family = (uint8_t)family, .sdiag_protocol = IPPROTO_TCP, .idiag_states = ~0u,
			.idiag_ext = (1u << (INET_DIAG_INFO - 1)) | (1u << (INET_DIAG_CONG - 1))},
	};
	static _Alignas(struct nlmsghdr) char buf[32768];

	_Static_assert(offsetof(__typeof__(msg), bc_attr) == NLMSG_LENGTH(sizeof(struct inet_diag_req_v2)),
		       "the filter follows the request");
	if (k->port) {
		/* The kernel's own filter, sport == PORT || dport == PORT, as ss
		 * writes it: the kernel builds no message for the namespace's
		 * other sockets (thousands of TIME_WAITs on a busy machine halve
		 * a dump's time). An op moves on by yes bytes when it holds, by
		 * no when not (a port test's second op holds the port); a socket
		 * matches when the moves end exactly at the end. A JMP never
		 * holds; the kernel accepts only ops reachable by yes moves. */
		enum { OP = sizeof(struct inet_diag_bc_op) };
		msg.bc[0] = (struct inet_diag_bc_op){INET_DIAG_BC_S_EQ, 2 * OP, 3 * OP}; /* no: to bc[3] */
		msg.bc[1] = (struct inet_diag_bc_op){0, 0, (uint16_t)k->port};
		msg.bc[2] = (struct inet_diag_bc_op){INET_DIAG_BC_JMP, OP, 3 * OP};      /* to the end: a match */
		msg.bc[3] = (struct inet_diag_bc_op){INET_DIAG_BC_D_EQ, 2 * OP, 3 * OP}; /* no: past the end */
		msg.bc[4] = (struct inet_diag_bc_op){0, 0, (uint16_t)k->port};
		msg.bc_attr = (struct nlattr){.nla_len = NLA_HDRLEN + sizeof(msg.bc), .nla_type = INET_DIAG_REQ_BYTECODE};
		msg.nlh.nlmsg_len = sizeof(msg);
	}
	if (send(k->fd, &msg, msg.nlh.nlmsg_len, 0) < 0) {
		snprintf(err, errlen, "sock_diag request: %s", errtext(errno));
		return -1;
	}
	for (;;) {
		ssize_t got = recv(k->fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h = (struct nlmsghdr *)buf;
		size_t left;

		if (got < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "sock_diag reply: %s", errtext(errno));
			return -1;
		}
		for (left = (size_t)got; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);
				snprintf(err, errlen, "sock_diag: %s", errtext(-e->error));
				return -1;
			}
			if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct inet_diag_msg)) &&
			    diag_add(k, h) < 0) {
				snprintf(err, errlen, "sock_diag: out of memory");
				return -1;
			}
		}
	}
}

static int diag_snapshot(struct kernel_source *k, char *err, size_t errlen)
{
	k->ncur = 0;
	if (diag_dump(k, AF_INET, err, errlen) < 0 || diag_dump(k, AF_INET6, err, errlen) < 0)
		return -1;
	kstate_snapshot_sort(k->cur, k->ncur);
	return 0;
}

static void diag_swap(struct kernel_source *k)
{
	struct kstate_sock *t = k->prev;

	k->prev = k->cur;
	k->nprev = k->ncur;
	k->cur = t;
}

/* The netlink socket, made inside netns_fd's network namespace when it
 * is one (>= 0): a socket belongs for good to the namespace it was made in,
 * and sock_diag answers about that namespace's sockets only. This thread
 * enters it for the socket() call and goes back at once. */
static int diag_socket_in(int netns_fd, char *err, size_t errlen)
{
	int home, fd, saved;

	if (netns_fd < 0) {
		fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
		if (fd < 0)
			snprintf(err, errlen, "sock_diag socket: %s", errtext(errno));
		return fd;
	}
	home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0) {
		snprintf(err, errlen, "sock_diag: open /proc/thread-self/ns/net: %s", errtext(errno));
		return -1;
	}
	if (setns(netns_fd, CLONE_NEWNET) < 0) {
		snprintf(err, errlen, "sock_diag: enter the host's network namespace: %s (needs root, or the user "
			 "namespace that owns it)", errtext(errno));
		close(home);
		return -1;
	}
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	saved = errno;
	if (setns(home, CLONE_NEWNET) < 0) { /* never expected: we were just there */
		snprintf(err, errlen, "sock_diag: return to the lab's network namespace: %s", errtext(errno));
		if (fd >= 0)
			close(fd);
		close(home);
		return -1;
	}
	close(home);
	if (fd < 0)
		snprintf(err, errlen, "sock_diag socket in the host's network namespace: %s", errtext(saved));
	return fd;
}

/* The first snapshot is the baseline: sockets already there are not news. */
static int open_sock_diag(struct kernel_source *k, int netns_fd, char *err, size_t errlen)
{
	k->fd = diag_socket_in(netns_fd, err, errlen);
	if (k->fd < 0)
		return -1;
	if (diag_snapshot(k, err, errlen) < 0)
		return -1;
	diag_swap(k);
	k->next_poll_ns = clock_ns(CLOCK_MONOTONIC);
	return 0;
}

static int read_sock_diag(struct kernel_source *k, kstate_record_fn fn, void *ctx, char *err, size_t errlen)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC);
	struct delivery d = {0, fn, ctx, 0};

	uint64_t took;

	if (now < k->next_poll_ns)
		return 0;
	if (diag_snapshot(k, err, errlen) < 0)
		return -1;
	/* Stamped when the dumps are over (kernel_last_poll_ns): each change
	 * they saw had happened by then, never later, however long a busy
	 * machine made them take. */
	k->last_poll_ns = clock_ns(CLOCK_REALTIME);
	kstate_snapshot_diff(k->prev, k->nprev, k->cur, k->ncur, k->last_poll_ns, deliver, &d);
	/* Smoothed (1/8 new), so one dump slowed down by a busy machine does
	 * not space the next polls out. */
	took = clock_ns(CLOCK_MONOTONIC) - now;
	k->dump_ns = k->dump_ns ? (7 * k->dump_ns + took) / 8 : took;
	k->interval_ns = SOCK_DIAG_INTERVAL_MS * 1000000ull;
	if (k->dump_ns * SOCK_DIAG_DUTY > k->interval_ns)
		k->interval_ns = k->dump_ns * SOCK_DIAG_DUTY;
	k->next_poll_ns = now + k->interval_ns;
	diag_swap(k);
	return d.n;
}

/* ---- the interface ---- */

static struct kernel_source *source_new(enum kstate_source kind, int port)
{
	struct kernel_source *k = calloc(1, sizeof(*k));

	if (k) {
		k->kind = kind;
		k->port = port;
		k->fd = -1;
		k->guardian_pipe = -1;
	}
	return k;
}

static struct kernel_source *source_open(enum kstate_source kind, int port, int netns_fd, char *err,
					 size_t errlen)
{
	struct kernel_source *k = source_new(kind, port);
	int rc;

	if (!k) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	err[0] = '\0';
	rc = kind == KSTATE_TRACEPOINT ? open_tracepoint(k, err, errlen) : open_sock_diag(k, netns_fd, err, errlen);
	if (rc < 0) {
		kernel_close(k);
		return NULL;
	}
	return k;
}

struct kernel_source *kernel_open(enum kernel_mode mode, int port, char *err, size_t errlen)
{
	char why[256];
	struct kernel_source *k;

	if (mode == KERNEL_SOCK_DIAG)
		return source_open(KSTATE_SOCK_DIAG, port, -1, err, errlen);
	k = source_open(KSTATE_TRACEPOINT, port, -1, err, errlen);
	if (k || mode == KERNEL_TRACEPOINT)
		return k;
	snprintf(why, sizeof(why), "%s", err);
	k = source_open(KSTATE_SOCK_DIAG, port, -1, err, errlen);
	if (k)
		snprintf(k->fallback, sizeof(k->fallback), "%s", why);
	return k;
}

struct kernel_source *kernel_open_in_netns(int netns_fd, int port, char *err, size_t errlen)
{
	return source_open(KSTATE_SOCK_DIAG, port, netns_fd, err, errlen);
}

const char *kernel_fallback_reason(const struct kernel_source *k)
{
	return k->fallback;
}

int kernel_fd(const struct kernel_source *k)
{
	return k->kind == KSTATE_TRACEPOINT ? k->fd : -1;
}

int kernel_poll_ms(const struct kernel_source *k)
{
	if (k->kind == KSTATE_TRACEPOINT)
		return TRACE_INTERVAL_MS;
	return k->interval_ns ? (int)(k->interval_ns / 1000000u) : SOCK_DIAG_INTERVAL_MS;
}

int kernel_read(struct kernel_source *k, kstate_record_fn fn, void *ctx, char *err, size_t errlen)
{
	if (k->kind == KSTATE_TRACEPOINT)
		return read_tracepoint(k, fn, ctx, err, errlen);
	return read_sock_diag(k, fn, ctx, err, errlen);
}

void kernel_poll_now(struct kernel_source *k)
{
	k->next_poll_ns = 0;
}

uint64_t kernel_last_poll_ns(const struct kernel_source *k)
{
	return k->last_poll_ns;
}

void kernel_close(struct kernel_source *k)
{
	if (!k)
		return;
	if (k->fd >= 0)
		close(k->fd);
	if (k->guardian > 0) {
		close(k->guardian_pipe);
		while (waitpid(k->guardian, NULL, 0) < 0 && errno == EINTR)
			;
	} else if (k->instance[0]) {
		rmdir(k->instance);
	}
	free(k->prev);
	free(k->cur);
	free(k);
}
