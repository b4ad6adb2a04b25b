/* lesson_lab.c: the lab a lesson runs in: a session (capture, the event
 * channel, step requests), the lab programs (demo.c) and the release of
 * their calls. */
#include "lesson_lab.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/io_uring.h>

#include "capture.h"
#include "chanpath.h"
#include "privileges.h"
#include "clock.h"
#include "demo.h"
#include "lesson_hosts.h"
#include "wire.h"

#define MAX_PROCS 16
#define SETTLE_NS 250000000ull /* what the last call caused arrives a moment later */
#define MS 1000000ull
#define WIRE_LESSON_PORT 7000 /* on the wire: the server's port; the spare one and {local} follow */

struct proc {
	struct demo *demo;       /* on loopback */
	int host_id;             /* on the wire: its id at its host's launcher; -1: none */
	enum tcp_role role;
	int step;                /* the step that started it */
	char output[160];        /* its stdout and stderr (show: output), or "" */
	char errors[160];        /* a server's stderr, quoted should it exit before it listens; or "" */
	struct demo_scenario scenario;
	char args[LESSON_MAX_ARGS][64];
};

struct lesson_lab {
	struct lesson_lab_opts o;
	struct timeline *tl;
	struct session *sess;
	struct frames *frames;   /* the captured frames, for the details (d) */
	struct wire *wire;       /* two hosts, or NULL: loopback */
	struct lesson_hosts *hosts;
	struct session_point points[2];
	int port, spare, local;
	struct proc procs[MAX_PROCS];
	int nprocs;
	int cur;                 /* the step running */
	/* clients wait for the server: they start once its listen() (UDP: bind()) returned */
	bool server_ready;
	char ready_call[8];
	const struct lesson_run *pending[LESSON_MAX_RUNS];
	int npending;
	uint64_t step_start[LESSON_MAX_STEPS + 1];
	const char *skipped[LESSON_MAX_STEPS];   /* a step skipped: the program it needs, missing here */
	char uring_refused[64];  /* why this kernel refuses io_uring ("" : it does not) */
	uint64_t deadline, last_release, settle;
	/* the running step's server exited before its ready call: turns seen
	 * so (its last records are read on the next turn), then why ("": it
	 * did not, or not yet) */
	int gone_turns;
	char gone[512];
};

struct timeline *lesson_lab_timeline(const struct lesson_lab *lab)
{
	return lab->tl;
}

const char *lesson_lab_wire(const struct lesson_lab *lab, char *buf, size_t n)
{
	if (!lab->wire)
		return NULL;
	impair_describe(wire_impair(lab->wire), buf, n);
	return buf;
}

uint64_t lesson_lab_horizon_ns(const struct lesson_lab *lab)
{
	return lab->wire ? wire_horizon_ns(lab->wire) : 0;
}

static bool proc_running(const struct proc *p)
{
	return p->demo || p->host_id >= 0;
}

/* Has the program exited? */
static bool proc_done(struct lesson_lab *lab, struct proc *p)
{
	if (p->host_id >= 0)
		return lesson_hosts_done(lab->hosts, p->role, p->host_id);
	if (!p->demo)
		return true;
	return p->role == ROLE_CLIENT ? demo_client_done(p->demo) : demo_server_done(p->demo);
}

static void proc_stop(struct lesson_lab *lab, struct proc *p)
{
	if (p->host_id >= 0)
		lesson_hosts_stop(lab->hosts, p->role, p->host_id);
	demo_stop(p->demo);
	p->demo = NULL;
	p->host_id = -1;
}

const struct frames *lesson_lab_frames(const struct lesson_lab *lab)
{
	return lab->frames;
}

struct session *lesson_lab_session(const struct lesson_lab *lab)
{
	return lab->sess;
}

uint64_t lesson_lab_step_start(const struct lesson_lab *lab, int idx)
{
	return idx >= 0 && idx <= LESSON_MAX_STEPS ? lab->step_start[idx] : 0;
}

/* The connection step idx's words are about: the newest one with a row
 * stamped while the step was the last one run (from its start to the next
 * step's); for a step not run yet, the newest so far. 0: none. */
static uint32_t step_conn(const struct lesson_lab *lab, int idx)
{
	uint64_t from = lesson_lab_step_start(lab, idx), to = lesson_lab_step_start(lab, idx + 1);
	uint32_t conn = 0;

	if (!from)
		return timeline_last_conn(lab->tl);
	if (to <= from) /* not run since (a step run again starts later) */
		to = UINT64_MAX;
	for (size_t i = timeline_count(lab->tl); i-- > 0;) {
		const struct row *r = timeline_row(lab->tl, i);
		if (r->ts_ns < from)
			break;
		if (r->ts_ns < to && r->conn > conn)
			conn = r->conn;
	}
	return conn;
}

struct step_info {
	const struct lesson_lab *lab;
	uint32_t conn;
};

static int step_tcp_info(void *ctx, enum tcp_role role, struct kstate_tcp_info *out)
{
	const struct step_info *si = ctx;
	int got = session_tcp_info(si->lab->sess, si->conn, role, out);

	return got > 0 && !si->conn ? 0 : got;
}

char *lesson_lab_words(const struct lesson_lab *lab, int idx, const char *text)
{
	struct step_info si = {lab, 0};

	if (!text)
		return NULL;
	if (!strstr(text, "{tcp_info:"))
		return strdup(text);
	si.conn = step_conn(lab, idx);
	return lesson_fill_tcp_info(text, lab->o.lang, step_tcp_info, &si);
}

int lesson_lab_timeout_s(const struct lesson_lab *lab, int idx)
{
	int t = lab->o.les->steps[idx].timeout_s;

	return t ? t : lab->o.timeout_s;
}

bool lesson_lab_ended_early(const struct lesson_lab *lab, int idx)
{
	return idx == lab->cur && lab->gone[0];
}

const char *lesson_lab_failure_words(const struct lesson_lab *lab, int idx)
{
	const struct lesson_step *s = &lab->o.les->steps[idx];
	uint64_t since = lab->step_start[lesson_scene_start(lab->o.les, idx)];

	if (lesson_lab_ended_early(lab, idx))
		return lab->gone;
	return lesson_fail_seen(s, lab->tl, since) ? s->fail_say : NULL;
}

/* What the lab says when a client's kernel gave up in SYN_SENT: nothing
 * goes on the wire then, so the capture cannot see the end. */
static const char *const gave_up_words[LANG_COUNT] = {
	[LANG_EN] = "connect() returned ETIMEDOUT: the client's kernel stopped resending its unanswered SYN "
		    "(net.ipv4.tcp_syn_retries) and dropped the socket; nothing more goes on the wire",
	[LANG_ZH] = "connect() 返回 ETIMEDOUT：客户端内核不再重发没有得到应答的 SYN（net.ipv4.tcp_syn_retries），"
		    "并丢弃了这个套接字；线路上不会再有报文段",
};

/* What the lab says when the server it started exited before its listen()
 * (UDP: bind()) returned: the step's clients wait for that call, so the
 * step cannot go on. The first %s is the call, the second the last line
 * the server wrote on stderr. */
static const char *const server_gone_words[LANG_COUNT] = {
	[LANG_EN] = "the server exited before its %s() returned, so this step's clients never started. "
		    "Its last line on stderr: %s",
	[LANG_ZH] = "服务器在它的 %s() 返回之前就退出了，所以这一步的客户端没有启动。它在 stderr 上的最后一行：%s",
};
static const char *const server_silent_words[LANG_COUNT] = {
	[LANG_EN] = "the server exited before its %s() returned, so this step's clients never started; "
		    "it wrote nothing on stderr",
	[LANG_ZH] = "服务器在它的 %s() 返回之前就退出了，所以这一步的客户端没有启动；它没有在 stderr 上写任何内容",
};

/* What the lab says of a step whose program is not installed here. */
static const char *const skipped_words[LANG_COUNT] = {
	[LANG_EN] = "skipped: this step needs %s, which is not installed here (Debian: sudo make deps); the lesson "
		    "goes on",
	[LANG_ZH] = "已跳过：这一步需要 %s，这台机器没有安装（Debian：sudo make deps）；课程继续",
};

/* ... and of a step whose echo-server --mode uring this kernel refuses. */
static const char uring_needed[] = "io_uring";
static const char *const uring_refused_words[LANG_COUNT] = {
	[LANG_EN] = "skipped: this step runs echo-server --mode uring, and this kernel refuses io_uring (%s); "
		    "the lesson goes on",
	[LANG_ZH] = "已跳过：这一步运行 echo-server --mode uring，而这个内核拒绝 io_uring（%s）；课程继续",
};

const char *lesson_lab_skipped(const struct lesson_lab *lab, int idx, char *buf, size_t n)
{
	if (idx < 0 || idx >= LESSON_MAX_STEPS || !lab->skipped[idx])
		return NULL;
	if (lab->skipped[idx] == uring_needed)
		snprintf(buf, n, uring_refused_words[lab->o.lang], lab->uring_refused);
	else
		snprintf(buf, n, skipped_words[lab->o.lang], lab->skipped[idx]);
	return buf;
}

static bool runs_uring(const struct lesson_run *r)
{
	for (int i = 0; i + 1 < r->argc; i++)
		if (strcmp(r->argv[i], "--mode") == 0 && strcmp(r->argv[i + 1], "uring") == 0)
			return true;
	return false;
}

/* Whether this kernel lets this user set up an io_uring, as echo-server
 * --mode uring is about to (the lab programs run as this process's user);
 * when not, why, in reason: the sysctl kernel.io_uring_disabled, or the
 * errno. */
static bool io_uring_refused(char *reason, size_t n)
{
	struct io_uring_params params;
	long fd;
	FILE *f;
	int disabled = -1;

	memset(&params, 0, sizeof(params));
	fd = syscall(__NR_io_uring_setup, 1, &params);
	if (fd >= 0) {
		close((int)fd);
		return false;
	}
	f = fopen("/proc/sys/kernel/io_uring_disabled", "r");
	if (f) {
		if (fscanf(f, "%d", &disabled) != 1)
			disabled = -1;
		fclose(f);
	}
	if (errno == EPERM && disabled > 0)
		snprintf(reason, n, "kernel.io_uring_disabled = %d", disabled);
	else
		snprintf(reason, n, "io_uring_setup: %s", strerrorname_np(errno) ? strerrorname_np(errno) : "E?");
	return true;
}

/* The connection a connect() row is about: its own, or (a connect() that
 * failed has no endpoints left to tie it by) the first connection in
 * SYN_SENT whose first SYN came after that process's connect() began. */
static const struct conn_info *connect_conn(const struct timeline *tl, long pos)
{
	const struct row *r = timeline_row(tl, (size_t)pos);
	const struct conn_info *best = NULL;
	uint64_t began = 0;

	if (r->conn)
		return timeline_conn(tl, r->conn);
	for (long i = pos - 1; i >= 0 && !began; i--) {
		const struct row *e = timeline_row(tl, (size_t)i);
		if (e->kind == ROW_CALL && !e->ev->u.call.exit && e->ev->u.call.pid == r->ev->u.call.pid &&
		    strcmp(e->ev->u.call.call, "connect") == 0)
			began = e->ts_ns;
	}
	for (uint32_t id = timeline_conn_next(tl, 0, 1); began && id; id = timeline_conn_next(tl, id, 1)) {
		const struct conn_info *ci = timeline_conn(tl, id);
		if (ci->state[ROLE_CLIENT] == TCPS_SYN_SENT && ci->first_ns >= began && (!best || ci->first_ns < best->first_ns))
			best = ci;
	}
	return best;
}

/* A connect() that timed out while its connection's client was in
 * SYN_SENT (ETIMEDOUT after tcp_syn_retries) ends that client's SYN_SENT
 * in the timeline: without it the connection list says SYN_SENT for ever. */
static void connect_gave_up(struct lesson_lab *lab, long pos)
{
	const struct row *r = pos >= 0 ? timeline_row(lab->tl, (size_t)pos) : NULL;
	const struct conn_info *ci;
	struct ui_event ev = {.type = UEV_STATE};
	uint64_t dropped;
	bool before;
	long at;

	if (!r || r->kind != ROW_CALL || !r->ev->u.call.exit || strcmp(r->ev->u.call.call, "connect") != 0 ||
	    strcmp(r->ev->u.call.err, "ETIMEDOUT") != 0 || !(ci = connect_conn(lab->tl, pos)) ||
	    ci->state[ROLE_CLIENT] != TCPS_SYN_SENT)
		return;
	ev.ts_ns = r->ts_ns;
	ev.u.state = (struct ui_state){.conn = ci->id, .client = ci->client, .server = ci->server, .role = ROLE_CLIENT,
				       .from = TCPS_SYN_SENT, .to = TCPS_CLOSED};
	snprintf(ev.u.state.why, sizeof(ev.u.state.why), "%s", gave_up_words[lab->o.lang]);
	dropped = timeline_dropped(lab->tl);
	at = timeline_add(lab->tl, &ev, &before);
	if (at >= 0 && lab->o.on_row)
		lab->o.on_row(at, before, dropped, lab->o.ctx);
}

/* The session's hooks: rows go to the front end; a server's listen() (UDP:
 * bind()) returning lets the step's clients start; the step's hold: lines
 * keep a program's calls waiting. */
static void on_row(long pos, bool inserted_before, uint64_t dropped_before, void *ctx)
{
	struct lesson_lab *lab = ctx;

	if (lab->o.on_row)
		lab->o.on_row(pos, inserted_before, dropped_before, lab->o.ctx);
	connect_gave_up(lab, pos);
}

static void on_event(const struct ui_event *ev, void *ctx)
{
	struct lesson_lab *lab = ctx;

	if (ev->type == UEV_CALL && ev->u.call.exit && ev->u.call.proc == ROLE_SERVER && ev->u.call.has_ret &&
	    ev->u.call.ret == 0 && strcmp(ev->u.call.call, lab->ready_call) == 0)
		lab->server_ready = true;
}

static bool held(enum tcp_role proc, void *ctx)
{
	const struct lesson_lab *lab = ctx;

	return lab->o.les->steps[lab->cur].hold[proc];
}

void lesson_lab_reap(struct lesson_lab *lab)
{
	for (int i = 0; i < lab->nprocs; i++)
		if (lab->procs[i].demo) /* on the wire the launchers reap theirs */
			demo_client_done(lab->procs[i].demo);
}

/* Lets the longest-waiting call of a program not held run; a program that
 * is gone cannot be released, the next one is. */
static bool release_one(struct lesson_lab *lab)
{
	char err[256];

	while (session_steps_waiting(lab->sess, NULL, 0))
		if (session_step_go(lab->sess, err, sizeof(err)) == 0)
			return true;
	return false;
}

static void stop_role(struct lesson_lab *lab, enum tcp_role role)
{
	for (int i = 0; i < lab->nprocs; i++)
		if (proc_running(&lab->procs[i]) && lab->procs[i].role == role)
			proc_stop(lab, &lab->procs[i]);
	session_steps_drop(lab->sess, role);
}

static bool server_alive(const struct lesson_lab *lab)
{
	for (int i = 0; i < lab->nprocs; i++)
		if (proc_running(&lab->procs[i]) && lab->procs[i].role == ROLE_SERVER)
			return true;
	return false;
}

/* The server the step's waiting clients need, when it can never come: every
 * server the lab started has exited (NULL while one still runs, or none
 * was started). */
static struct proc *server_gone(struct lesson_lab *lab)
{
	struct proc *gone = NULL;

	for (int i = 0; i < lab->nprocs; i++) {
		struct proc *p = &lab->procs[i];
		if (!proc_running(p) || p->role != ROLE_SERVER)
			continue;
		if (!proc_done(lab, p))
			return NULL;
		gone = p;
	}
	return gone;
}

/* The last line that is not empty in the file at path, or "". */
static void last_line(const char *path, char *buf, size_t n)
{
	char line[256];
	FILE *f = path[0] ? fopen(path, "r") : NULL;

	buf[0] = '\0';
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0])
			snprintf(buf, n, "%s", line);
	}
	if (f)
		fclose(f);
}

static void say_server_gone(struct lesson_lab *lab, const struct proc *p)
{
	char said[256];

	last_line(p->errors, said, sizeof(said));
	if (said[0])
		snprintf(lab->gone, sizeof(lab->gone), server_gone_words[lab->o.lang], lab->ready_call, said);
	else
		snprintf(lab->gone, sizeof(lab->gone), server_silent_words[lab->o.lang], lab->ready_call);
}

static bool has_arg(const struct lesson_run *run, const char *arg)
{
	for (int i = 0; i < run->argc; i++)
		if (strcmp(run->argv[i], arg) == 0)
			return true;
	return false;
}

static int start_run(struct lesson_lab *lab, const struct lesson_run *run, char *err, size_t errlen)
{
	struct proc *p;
	char local[16];

	if (lab->nprocs == MAX_PROCS) {
		snprintf(err, errlen, "too many programs in one lesson (at most %d)", MAX_PROCS);
		return -1;
	}
	p = &lab->procs[lab->nprocs];
	memset(p, 0, sizeof(*p));
	p->host_id = -1;
	p->role = run->proc;
	snprintf(local, sizeof(local), "%d", lab->local);
	for (int i = 0; i < run->argc; i++) {
		const char *at = strstr(run->argv[i], "{local}");
		if (at)
			snprintf(p->args[i], sizeof(p->args[i]), "%.*s%s%s", (int)(at - run->argv[i]), run->argv[i], local,
				 at + 7);
		else
			snprintf(p->args[i], sizeof(p->args[i]), "%s", run->argv[i]);
		if (run->proc == ROLE_SERVER)
			p->scenario.server_args[i] = p->args[i];
		else
			p->scenario.client_args[i] = p->args[i];
	}
	if (run->proc == ROLE_SERVER && !server_alive(lab)) {
		lab->server_ready = false;
		snprintf(lab->ready_call, sizeof(lab->ready_call), "%s", has_arg(run, "--udp") ? "bind" : "listen");
	}
	if (run->go_seed)
		p->scenario = demo_go_seed_server;
	p->scenario.name = "lesson";
	p->scenario.no_server = run->proc == ROLE_CLIENT;
	p->step = lab->cur;
	if (lab->o.les->steps[lab->cur].show_output && run->proc == ROLE_CLIENT)
		snprintf(p->output, sizeof(p->output), "%.100s.out%d", session_channel_path(lab->sess), lab->nprocs);
	if (run->proc == ROLE_SERVER) /* in the channel's directory, removed with it */
		snprintf(p->errors, sizeof(p->errors), "%.100s.err%d", session_channel_path(lab->sess), lab->nprocs);
	if (lab->hosts) {
		struct lesson_hosts_run hr = {run->proc, run->port == PORT_SPARE ? lab->spare : lab->port, run->step,
					      session_channel_path(lab->sess), p->output[0] ? p->output : NULL,
					      p->errors[0] ? p->errors : NULL, run->argc, {NULL}};
		if (run->go_seed) {
			snprintf(err, errlen, "run: server@go runs on loopback only, not on the wire");
			return -1;
		}
		for (int i = 0; i < run->argc; i++)
			hr.argv[i] = p->args[i];
		if ((p->host_id = lesson_hosts_start(lab->hosts, &hr, err, errlen)) < 0)
			return -1;
		lab->nprocs++;
		return 0;
	}
	struct demo_opts dopt = {&p->scenario, lab->o.bindir, session_channel_path(lab->sess),
				 run->port == PORT_SPARE ? lab->spare : lab->port, run->step, -1, -1, NULL,
				 p->output[0] ? p->output : NULL, p->errors[0] ? p->errors : NULL};
	p->demo = demo_start(&dopt, err, errlen);
	if (!p->demo)
		return -1;
	if (run->proc == ROLE_CLIENT && demo_start_client(p->demo, err, errlen) < 0)
		return -1;
	lab->nprocs++;
	return 0;
}

int lesson_lab_start_step(struct lesson_lab *lab, int idx, char *err, size_t errlen)
{
	const struct lesson_step *s = &lab->o.les->steps[idx];

	for (int role = 0; role < 2; role++)
		if (s->stop[role])
			stop_role(lab, (enum tcp_role)role);
	lab->step_start[idx] = clock_ns(CLOCK_REALTIME);
	lab->deadline = lab->step_start[idx] + (uint64_t)lesson_lab_timeout_s(lab, idx) * 1000000000ull;
	lab->last_release = 0;
	lab->settle = 0;
	lab->cur = idx;
	lab->skipped[idx] = NULL;
	lab->gone_turns = 0;
	lab->gone[0] = '\0';
	for (int i = 0; i < s->nruns; i++)
		if (s->runs[i].go_seed && !demo_available(&demo_go_seed_server))
			lab->skipped[idx] = demo_go_seed_server.needs;
		else if (runs_uring(&s->runs[i]) && io_uring_refused(lab->uring_refused, sizeof(lab->uring_refused)))
			lab->skipped[idx] = uring_needed;
	if (lab->skipped[idx]) /* nothing of it runs: the front ends say why and go on */
		return 0;
	/* its frames to lose, before anything of it is sent */
	if (s->ndrops && lab->wire && wire_drop(lab->wire, s->drops, (size_t)s->ndrops, err, errlen) < 0)
		return -1;
	for (int i = 0; i < s->nruns; i++)
		if (s->runs[i].proc == ROLE_CLIENT && s->runs[i].port == PORT_LESSON && (!lab->server_ready || lab->npending))
			lab->pending[lab->npending++] = &s->runs[i];
		else if (start_run(lab, &s->runs[i], err, errlen) < 0)
			return -1;
	return 0;
}

void lesson_lab_restart(struct lesson_lab *lab)
{
	int local = demo_free_port();

	char err[160];

	stop_role(lab, ROLE_CLIENT);
	stop_role(lab, ROLE_SERVER);
	lab->nprocs = 0; /* every one stopped: their slots are free again */
	lab->npending = 0;
	lab->server_ready = false;
	if (lab->wire) { /* the hosts' ports are free but the client's last may be in TIME_WAIT */
		(void)wire_drop(lab->wire, NULL, 0, err, sizeof(err)); /* the steps set theirs again */
		lab->local++;
	} else if (local > 0) {
		lab->local = local;
	}
}

/* Have the clients step idx started exited? */
static bool clients_done(struct lesson_lab *lab, int idx)
{
	for (int i = 0; i < lab->nprocs; i++)
		if (proc_running(&lab->procs[i]) && lab->procs[i].step == idx && lab->procs[i].role == ROLE_CLIENT &&
		    !proc_done(lab, &lab->procs[i]))
			return false;
	return lab->npending == 0;
}

int lesson_lab_advance(struct lesson_lab *lab, uint64_t now_ns, bool met[LESSON_MAX_EXPECTS], char *err,
		       size_t errlen)
{
	const struct lesson_step *s = &lab->o.les->steps[lab->cur];
	struct proc *gone;

	if (lab->skipped[lab->cur])
		return LAB_MET;
	if (lab->npending && !lab->server_ready && (gone = server_gone(lab))) {
		/* its records were sent before it exited: the next turn has read
		 * them all, and only then is its ready call surely missing */
		if (lab->gone_turns++ > 0) {
			say_server_gone(lab, gone);
			return LAB_FAILED;
		}
	} else {
		lab->gone_turns = 0;
	}
	while (lab->npending && lab->server_ready) {
		if (start_run(lab, lab->pending[0], err, errlen) < 0)
			return -1;
		memmove(lab->pending, lab->pending + 1, (size_t)--lab->npending * sizeof(lab->pending[0]));
	}
	if (lesson_match(s, lab->tl, lab->step_start[lab->cur], met) && (!s->show_output || clients_done(lab, lab->cur))) {
		if (!lab->settle)
			lab->settle = now_ns + SETTLE_NS;
		return now_ns >= lab->settle ? LAB_MET : LAB_RUNNING;
	}
	if (now_ns > lab->deadline)
		return LAB_TIMEOUT;
	if (now_ns - lab->last_release >= (uint64_t)lab->o.pace_ms * MS && release_one(lab))
		lab->last_release = now_ns;
	return LAB_RUNNING;
}

void lesson_lab_outputs(struct lesson_lab *lab, int idx, void (*line)(const char *proc, const char *text, void *ctx),
			void *ctx)
{
	char text[512];

	for (int i = 0; i < lab->nprocs; i++) {
		FILE *f;
		if (lab->procs[i].step != idx || !lab->procs[i].output[0] || !(f = fopen(lab->procs[i].output, "r")))
			continue;
		while (fgets(text, sizeof(text), f))
			line(tcp_role_name(lab->procs[i].role), text, ctx);
		fclose(f);
		unlink(lab->procs[i].output);
	}
}

#define CHANNEL_NAME "socklab-lesson"

/* Does nobody listen on the UNIX socket at path any more (its lesson was
 * killed)? A live channel of any socket type answers connect() with
 * success or EPROTOTYPE; a dead one refuses every type. */
static bool channel_dead(const char *path)
{
	static const int types[] = {SOCK_SEQPACKET, SOCK_DGRAM, SOCK_STREAM};
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	bool dead = true;

	if (strlen(path) >= sizeof(sa.sun_path))
		return false;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]) && dead; i++) {
		int fd = socket(AF_UNIX, types[i] | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0)
			return false;
		dead = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno == ECONNREFUSED;
		close(fd);
	}
	return dead;
}

/* The channel directories of lessons that were killed (kill -9 leaves them
 * in /tmp): this user's, whose socket nobody listens on any more. A
 * directory without its socket may be a lesson starting now: kept. */
static void remove_stale_channels(void)
{
	DIR *d = opendir("/tmp");
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char path[CHANPATH_MAX + 32];
		struct stat st;
		if (strncmp(e->d_name, CHANNEL_NAME "-", sizeof(CHANNEL_NAME)) != 0 ||
		    snprintf(path, sizeof(path), "/tmp/%s/events.sock", e->d_name) >= (int)sizeof(path))
			continue;
		if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode) && st.st_uid == geteuid() && channel_dead(path))
			chanpath_private_remove(path);
	}
	if (d)
		closedir(d);
}

/* Capture first (as root), then root is dropped and everything else (the
 * channel, the lab programs) runs as the user root became. */
struct lesson_lab *lesson_lab_open(const struct lesson_lab_opts *o, bool *capture_refused, char *err,
				   size_t errlen)
{
	struct lesson_lab *lab = calloc(1, sizeof(*lab));
	struct session_opts so = {0};
	char filter[96];

	*capture_refused = false;
	if (!lab) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	lab->o = *o;
	if (o->wire.enabled) {
		/* before anything else is opened (a normal user's lab enters a
		 * user namespace), and the launchers before root is dropped */
		struct wire_opts wo = {o->wire, NULL};
		if (!(lab->wire = wire_open(&wo, err, errlen)) ||
		    !(lab->hosts = lesson_hosts_open(lab->wire, o->bindir, err, errlen)))
			goto fail;
		for (int h = 0; h < 2; h++)
			lab->points[h] = (struct session_point){wire_netns_fd(lab->wire, (enum wire_host)h), WIRE_IFACE,
								wire_host_name((enum wire_host)h)};
		so.iface = NULL;
		so.points = lab->points;
		so.npoints = 2;
		so.wire_horizon_ns = wire_horizon_ns(lab->wire);
		/* fresh hosts: every port is free there */
		lab->port = WIRE_LESSON_PORT;
		lab->spare = WIRE_LESSON_PORT + 1;
		lab->local = WIRE_LESSON_PORT + 2;
	} else {
		lab->port = demo_free_port();
		lab->spare = demo_free_port();
		lab->local = demo_free_port();
	}
	if (lab->port < 0 || lab->spare < 0 || lab->local < 0 || lab->spare == lab->port) {
		snprintf(err, errlen, "cannot find free ports on 127.0.0.1");
		goto fail;
	}
	/* on two hosts ARP crosses the wire too: the first connect() waits for it */
	snprintf(filter, sizeof(filter), "tcp port %d or tcp port %d%s", lab->port, lab->spare,
		 lab->wire ? " or arp" : "");
	so.filter = filter;
	so.on_row = on_row;
	so.on_event = on_event;
	so.held = held;
	so.ctx = lab;
	so.frames = lab->frames = frames_new(); /* without it the details say no bytes were kept */
	lab->tl = timeline_new(&(struct timeline_config){.lang = o->lang});
	if (!lab->tl) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	lab->sess = session_open(&so, lab->tl, err, errlen);
	if (!lab->sess) {
		*capture_refused = true;
		goto fail;
	}
	if (privileges_drop(err, errlen) < 0)
		goto fail;
	/* the lesson's own channel, opened as the user root became */
	remove_stale_channels();
	if (session_listen_private(lab->sess, CHANNEL_NAME, -1, err, errlen) < 0)
		goto fail;
	return lab;
fail:
	lesson_lab_close(lab);
	return NULL;
}

void lesson_lab_close(struct lesson_lab *lab)
{
	if (!lab)
		return;
	for (int i = 0; i < lab->nprocs; i++)
		demo_stop(lab->procs[i].demo);
	lesson_hosts_close(lab->hosts); /* the launchers stop their programs */
	session_close(lab->sess); /* and with it the channel's directory */
	if (lab->wire) {
		struct relay_stats st;
		char err[256];
		if (wire_close(lab->wire, &st, err, sizeof(err)) < 0)
			fprintf(stderr, "socklab lesson: %s\n", err);
		else {
			relay_stats_describe(&st, err, sizeof(err));
			fprintf(stderr, "socklab lesson: the wire %s\n", err);
		}
	}
	timeline_free(lab->tl);
	frames_free(lab->frames);
	free(lab);
}
