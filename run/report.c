/* report.c: a traced process's records to the lab and its stderr lines.
 * The connection is the echo programs' (lab/events.c): AF_UNIX
 * SOCK_SEQPACKET, a send waits while the lab is busy (back-pressure, at
 * most SEND_TIMEOUT_S), and the lab's "go" comes back on it. */
#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "callrec.h"
#include "clock.h"
#include "gorec.h"
#include "json.h"

#define RECORD_MAX 2048
#define RETRY_NS 500000000ull  /* look for a listener at most twice a second */
#define SEND_TIMEOUT_S 5       /* a lab that takes nothing this long is gone */
#define HELD_MAX 256           /* records held until the side shows */

struct held {
	struct run_call c;
	enum call_phase phase;
	int tid;
	unsigned seq;
	uint64_t ts_ns, blocked_ns;
};

struct proc_report {
	const struct report_cfg *cfg;
	int pid;
	int fd;              /* connected to the lab, or -1 */
	uint64_t next_try_ns;
	enum run_role side;  /* once known, every record goes at once */
	struct held *held;
	int nheld;
	bool hello_due;      /* a hello goes before the next record: new connection, or an exec */
	bool argv_known;
	char argv[CALLREC_ARGV_SHOWN]; /* the command line, words NUL-separated as /proc has it */
	size_t argv_len;
};

static int connect_lab(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct timeval tv = {.tv_sec = SEND_TIMEOUT_S};
	int fd;

	if (!path[0] || strlen(path) >= sizeof(sa.sun_path))
		return -1;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return fd;
}

static bool listening(struct proc_report *r)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC);

	if (r->fd < 0 && now >= r->next_try_ns) {
		r->fd = connect_lab(r->cfg->path);
		r->next_try_ns = now + RETRY_NS;
		r->hello_due = r->fd >= 0; /* the lab learns who we are on each connection */
	}
	return r->fd >= 0;
}

static void send_text(struct proc_report *r, const char *rec, size_t len)
{
	ssize_t n;

	if (!listening(r))
		return;
	do
		n = send(r->fd, rec, len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)len) { /* lost: the seq gap shows it; reconnect later */
		close(r->fd);
		r->fd = -1;
	}
}

struct proc_report *report_open(const struct report_cfg *cfg, int pid)
{
	struct proc_report *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->cfg = cfg;
	r->pid = pid;
	r->fd = -1;
	return r;
}

static const char *side_name(enum run_role side)
{
	return side == RUN_ROLE_SERVER ? "server" : "client";
}

/* The process's command line, read while it lives (a call of it is
 * being reported): its records may go after it ended. */
static void remember_argv(struct proc_report *r)
{
	char path[64];
	FILE *f;

	if (r->argv_known)
		return;
	r->argv_known = true;
	r->argv_len = 0;
	snprintf(path, sizeof(path), "/proc/%d/cmdline", r->pid);
	f = fopen(path, "re");
	if (!f)
		return;
	r->argv_len = fread(r->argv, 1, sizeof(r->argv) - 1, f);
	r->argv[r->argv_len] = '\0';
	fclose(f);
}

/* The hello an echo program sends when it joins the lab (lab/events.c),
 * for this process: its pid, its command line, its side. */
static void say_hello(struct proc_report *r, enum run_role side)
{
	char rec[RECORD_MAX];
	struct outbuf o = outbuf_at(rec, sizeof(rec), 0);
	struct call_origin who = {.proc = side_name(r->side != RUN_ROLE_NONE ? r->side : side), .pid = r->pid,
				  .tid = r->pid};
	char *words[CALLREC_ARGV_SHOWN / 2];
	int n = 0, len;

	if (!r->hello_due || !listening(r))
		return;
	r->hello_due = false;
	for (size_t i = 0; i < r->argv_len && n < (int)(sizeof(words) / sizeof(words[0])); i += strlen(r->argv + i) + 1)
		words[n++] = r->argv + i;
	len = callrec_encode_hello(&o, clock_ns(CLOCK_REALTIME), &who, n, words);
	if (len >= 0)
		send_text(r, rec, (size_t)len);
}

void report_exec(struct proc_report *r)
{
	r->argv_known = false; /* a new program: a new hello names it */
	r->hello_due = true;
}

static void emit(struct proc_report *r, int tid, unsigned seq, const struct run_call *c, enum call_phase phase,
		 uint64_t ts_ns, uint64_t blocked_ns, enum run_role side)
{
	char rec[RECORD_MAX];
	struct outbuf o = outbuf_at(rec, sizeof(rec), 0);
	struct call k = calldecode_record(c, phase);
	int len;

	k.who = (struct call_origin){.proc = side_name(side), .pid = r->pid, .tid = tid};
	k.seq = seq;
	k.ts_ns = ts_ns;
	k.blocked_ns = blocked_ns;
	len = callrec_encode(&o, &k);
	say_hello(r, side);
	if (len >= 0)
		send_text(r, rec, (size_t)len);
	if (phase == CALL_EXIT && !r->cfg->quiet) {
		o = outbuf_at(rec, sizeof(rec), 0);
		if (callrec_line(&o, &k) >= 0)
			fprintf(stderr, "%s\n", rec);
	}
}

static void flush_held(struct proc_report *r, enum run_role side)
{
	for (int i = 0; i < r->nheld; i++) {
		struct held *h = &r->held[i];

		emit(r, h->tid, h->seq, &h->c, h->phase, h->ts_ns, h->blocked_ns,
		     h->c.role != RUN_ROLE_NONE ? h->c.role : side);
	}
	r->nheld = 0;
}

static void decide_side(struct proc_report *r, enum run_role side)
{
	if (r->side != RUN_ROLE_NONE)
		return;
	r->side = side;
	flush_held(r, side);
}

void report_call(struct proc_report *r, int tid, unsigned seq, const struct run_call *c, enum call_phase phase,
		 uint64_t ts_ns, uint64_t blocked_ns)
{
	remember_argv(r);
	if (c->role != RUN_ROLE_NONE)
		decide_side(r, c->role);
	if (r->side == RUN_ROLE_NONE) {
		if (!r->held)
			r->held = malloc(HELD_MAX * sizeof(*r->held));
		if (!r->held || r->nheld == HELD_MAX) {
			decide_side(r, RUN_ROLE_CLIENT); /* too many to hold: the records go */
		} else {
			r->held[r->nheld++] = (struct held){*c, phase, tid, seq, ts_ns, blocked_ns};
			return;
		}
	}
	emit(r, tid, seq, c, phase, ts_ns, blocked_ns, c->role != RUN_ROLE_NONE ? c->role : r->side);
}

int report_step(struct proc_report *r, int tid, unsigned seq, const struct run_call *c)
{
	char rec[RECORD_MAX];
	struct outbuf o = outbuf_at(rec, sizeof(rec), 0);
	struct call k = calldecode_record(c, CALL_ENTER);
	enum run_role side;
	int len;

	remember_argv(r);
	/* a held call cannot wait for the side, lab or no lab (its stderr line neither) */
	decide_side(r, c->role != RUN_ROLE_NONE ? c->role : RUN_ROLE_CLIENT);
	if (!listening(r))
		return -1;
	side = c->role != RUN_ROLE_NONE ? c->role : r->side;
	say_hello(r, side);
	k.who = (struct call_origin){.proc = side_name(side), .pid = r->pid, .tid = tid};
	k.ts_ns = clock_ns(CLOCK_REALTIME);
	k.seq = seq;
	len = callrec_encode_step(&o, &k);
	if (len < 0)
		return -1;
	send_text(r, rec, (size_t)len);
	return r->fd;
}

int report_step_fd(const struct proc_report *r)
{
	return r->fd;
}

long report_read_go(struct proc_report *r)
{
	char buf[512];
	ssize_t n;

	if (r->fd < 0)
		return -2;
	n = recv(r->fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return -1;
	if (n <= 0) {
		close(r->fd);
		r->fd = -1;
		return -2;
	}
	return gorec_seq(buf, (size_t)n);
}

void report_close(struct proc_report *r)
{
	if (!r)
		return;
	decide_side(r, RUN_ROLE_CLIENT);
	if (r->fd >= 0)
		close(r->fd);
	free(r->held);
	free(r);
}
