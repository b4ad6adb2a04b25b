/* trace.c: the ptrace edge of socklab run. A seccomp-bpf filter in the
 * tracee returns SECCOMP_RET_TRACE only for the watched calls (strace's
 * --seccomp-bpf), so every other call runs at full speed; a watched call
 * stops at its entry (PTRACE_EVENT_SECCOMP), and at its exit only when the
 * decoder needs the result. PTRACE_GET_SYSCALL_INFO gives the number,
 * arguments and result, process_vm_readv the tracee's buffers, and
 * pidfd_getfd a copy of a tracee's descriptor to ask the kernel what it is
 * and its endpoints. PTRACE_O_EXITKILL: if socklab run dies, its tracees
 * die with it rather than stay stopped. */
#include "trace.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "calldecode.h"
#include "clock.h"
#include "errtext.h"
#include "syscalls.h"

#ifndef PTRACE_GET_SYSCALL_INFO
#define PTRACE_GET_SYSCALL_INFO 0x420e
#endif
enum { INFO_NONE, INFO_ENTRY, INFO_EXIT, INFO_SECCOMP };

/* The kernel's struct ptrace_syscall_info (glibc 2.36 does not have it). */
struct syscall_info {
	uint8_t op;
	uint8_t pad[3];
	uint32_t arch;
	uint64_t instruction_pointer, stack_pointer;
	union {
		struct {
			uint64_t nr, args[6];
		} entry;
		struct {
			int64_t rval;
			uint8_t is_error;
		} exit;
		struct {
			uint64_t nr, args[6];
			uint32_t ret_data;
		} seccomp;
	};
};

/* The env variable that tells an echo program (lab/events.c) not to send
 * its own records: socklab run reports its calls. */
#define TRACED_ENV "SOCKLAB_TRACED"

struct tproc {
	int pid;                 /* the thread group's id */
	struct fdtable *t;
	struct proc_report *rep;
	int pidfd;               /* for pidfd_getfd */
	unsigned seq;            /* the last call's */
	int threads;
	bool said_foreign;       /* "is a 32-bit program" said */
};

struct tthread {
	int tid;
	struct tproc *p;         /* NULL: its parent's fork event has not come yet */
	bool fresh;              /* its first stop (SIGSTOP) is the attach's, not a signal */
	bool in_call;            /* between a watched call's entry and exit */
	bool held;               /* --step: waiting at the call's entry for the lab's go (or Enter) */
	unsigned long held_order;
	struct run_call call;
	long nr;                 /* the call's number */
	unsigned seq;
	uint64_t mono0;          /* when the call started (CLOCK_MONOTONIC) */
	/* A call whose exit showed one of the kernel's restart codes: a signal
	 * interrupted it, and the program is still to see EINTR or the same
	 * call restarted. It waits here, stopping the thread at every system
	 * call, until the handler's rt_sigreturn says which, or the call comes
	 * again (no handler ran: the kernel restarts it at once). */
	bool interrupted;
	bool in_sigreturn;       /* interrupted, and a handler is returning */
	bool saw_handler;        /* a handler returned meanwhile */
	bool restart_due;        /* the handler's return restored the call: its next entry is the restart */
	long pend_nr;
	struct run_call pend;
	unsigned pend_seq;
	uint64_t pend_mono0;
};

struct tracer {
	const struct trace_opts *o;
	bool attach;             /* syscall stops everywhere (no filter) */
	struct tthread **th;
	int nth, cap;
	int main_pid, main_status;
	bool main_done;
	int sfd;                 /* signalfd of SIGCHLD, for waiting on a go and a child at once */
	int tty_fd;              /* --step: the terminal, whose Enter releases a call (as lab/step.c's) */
	bool step_warned;        /* "running without stepping" said */
	unsigned long holds;     /* calls held so far: the order Enter releases them in */
};

static volatile sig_atomic_t interrupted;
static volatile pid_t forward_to; /* the command: SIGTERM and SIGHUP go on to it */

static void on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void on_forward(int sig)
{
	if (forward_to > 0)
		kill(forward_to, sig);
}

/* ---- the tracee, as the decoder sees it ---- */

struct tracee_ctx {
	int tid;
	struct tproc *p;
};

static int peek(void *ctx, uint64_t addr, void *buf, size_t n)
{
	const struct tracee_ctx *t = ctx;
	struct iovec local = {buf, n}, remote = {(void *)(uintptr_t)addr, n};

	if (n == 0)
		return 0;
	if (!addr)
		return -1;
	return process_vm_readv(t->tid, &local, 1, &remote, 1, 0) == (ssize_t)n ? 0 : -1;
}

/* A copy of the tracee's fd in this process, or -1. */
static int borrow(const struct tracee_ctx *t, int fd)
{
	return t->p->pidfd < 0 ? -1 : (int)syscall(SYS_pidfd_getfd, t->p->pidfd, fd, 0);
}

static enum fd_kind classify(void *ctx, int fd)
{
	enum fd_kind kind = FD_OTHER;
	int mine = borrow(ctx, fd), domain = 0;
	socklen_t len = sizeof(domain);
	struct stat st;
	char link[64], target[32];
	ssize_t n;

	if (mine < 0)
		return FD_UNKNOWN;
	if (fstat(mine, &st) == 0 && S_ISSOCK(st.st_mode)) {
		if (getsockopt(mine, SOL_SOCKET, SO_DOMAIN, &domain, &len) == 0 &&
		    (domain == AF_INET || domain == AF_INET6))
			kind = FD_INET;
	} else {
		snprintf(link, sizeof(link), "/proc/self/fd/%d", mine);
		n = readlink(link, target, sizeof(target) - 1);
		if (n > 0) {
			target[n] = '\0';
			if (strcmp(target, "anon_inode:[eventpoll]") == 0)
				kind = FD_EPOLL;
		}
	}
	close(mine);
	return kind;
}

typedef int (*name_fn)(int, struct sockaddr *, socklen_t *);

static void name_of(name_fn get, int fd, char *buf)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	size_t n;

	buf[0] = '\0';
	if (get(fd, (struct sockaddr *)&ss, &len) < 0)
		return;
	calldecode_endpoint_text(&ss, len, buf);
	n = strlen(buf);
	if (n > 2 && strcmp(buf + n - 2, ":0") == 0)
		buf[0] = '\0'; /* not bound yet */
}

static void endpoints(void *ctx, int fd, char local[ENDPOINT_STRLEN], char peer[ENDPOINT_STRLEN])
{
	int mine = borrow(ctx, fd);

	local[0] = peer[0] = '\0';
	if (mine < 0)
		return;
	name_of(getsockname, mine, local);
	name_of(getpeername, mine, peer);
	close(mine);
}

/* ---- processes and threads ---- */

static struct tthread *find(struct tracer *tr, int tid)
{
	for (int i = 0; i < tr->nth; i++)
		if (tr->th[i]->tid == tid)
			return tr->th[i];
	return NULL;
}

static struct tthread *add_thread(struct tracer *tr, int tid)
{
	struct tthread *th = calloc(1, sizeof(*th));

	if (!th)
		return NULL;
	if (tr->nth == tr->cap) {
		int cap = tr->cap ? tr->cap * 2 : 16;
		struct tthread **a = realloc(tr->th, (size_t)cap * sizeof(*a));

		if (!a) {
			free(th);
			return NULL;
		}
		tr->th = a;
		tr->cap = cap;
	}
	th->tid = tid;
	tr->th[tr->nth++] = th;
	return th;
}

static struct tproc *new_process(struct tracer *tr, int pid, struct fdtable *t)
{
	struct tproc *p = calloc(1, sizeof(*p));

	if (!p || !t) {
		free(p);
		fdtable_put(t);
		return NULL;
	}
	p->pid = pid;
	p->t = t;
	p->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	p->rep = report_open(&tr->o->report, pid);
	return p;
}

static void join(struct tthread *th, struct tproc *p)
{
	th->p = p;
	if (p)
		p->threads++;
}

static void end_process(struct tproc *p)
{
	report_close(p->rep);
	fdtable_put(p->t);
	if (p->pidfd >= 0)
		close(p->pidfd);
	free(p);
}

static void drop_thread(struct tracer *tr, struct tthread *th)
{
	for (int i = 0; i < tr->nth; i++)
		if (tr->th[i] == th) {
			tr->th[i] = tr->th[--tr->nth];
			break;
		}
	if (th->p && --th->p->threads == 0)
		end_process(th->p);
	free(th);
}

/* ---- stops ---- */

static void resume(struct tracer *tr, struct tthread *th, int sig)
{
	ptrace(tr->attach || th->in_call || th->interrupted ? PTRACE_SYSCALL : PTRACE_CONT, th->tid, 0, sig);
}

static void report(struct tthread *th, enum call_phase phase, uint64_t blocked_ns)
{
	report_call(th->p->rep, th->tid, th->seq, &th->call, phase, clock_ns(CLOCK_REALTIME), blocked_ns);
}

/* The call starts: its enter record, then it runs to its exit stop. */
static void start_call(struct tracer *tr, struct tthread *th)
{
	th->held = false;
	report(th, CALL_ENTER, 0);
	th->mono0 = clock_ns(CLOCK_MONOTONIC);
	resume(tr, th, 0);
}

/* --step, as lab/step.c does it: a background job must not read the
 * terminal, so Enter counts only while we are in the foreground. */
static bool tty_usable(const struct tracer *tr)
{
	return tr->tty_fd >= 0 && tcgetpgrp(tr->tty_fd) == getpgrp();
}

/* --step: holds th's call at its entry when the lab took its step record,
 * or, with no lab listening, when Enter on the terminal can release it;
 * with neither it runs on, said once (the echo programs' words). */
static bool hold(struct tracer *tr, struct tthread *th)
{
	bool delivered = report_step(th->p->rep, th->tid, th->seq, &th->call) >= 0;

	if (!delivered && !tty_usable(tr)) {
		if (!tr->step_warned)
			fprintf(stderr, "step: nobody listens on %s and there is no terminal: running without stepping\n",
				tr->o->report.path);
		tr->step_warned = true;
		return false;
	}
	if (!delivered)
		fprintf(stderr, "step: press Enter to run %s(%s)\n", run_sys_name(th->call.sys), th->call.args);
	th->held = true;
	th->held_order = ++tr->holds;
	return true;
}

static void on_entry(struct tracer *tr, struct tthread *th, uint64_t nr, const uint64_t args[6])
{
	struct tracee_ctx ctx = {th->tid, th->p};
	struct run_tracee io = {&ctx, peek, classify, endpoints};

	calldecode_enter(th->p->t, &io, (long)nr, args, &th->call);
	th->nr = (long)nr;
	th->in_call = th->call.needs_exit;
	if (!th->call.report) {
		resume(tr, th, 0);
		return;
	}
	th->seq = ++th->p->seq;
	if (tr->o->step && hold(tr, th))
		return; /* stays stopped until the lab's go or Enter (wait_for_go) */
	start_call(tr, th);
}

static void on_exit_stop(struct tracer *tr, struct tthread *th, int64_t rval)
{
	struct tracee_ctx ctx = {th->tid, th->p};
	struct run_tracee io = {&ctx, peek, classify, endpoints};

	if (th->in_call) {
		th->in_call = false;
		if (calldecode_restarting((long)rval) && !th->interrupted) {
			/* not what the program sees: wait for EINTR or the restart */
			th->interrupted = true;
			th->in_sigreturn = th->saw_handler = th->restart_due = false;
			th->pend_nr = th->nr;
			th->pend = th->call;
			th->pend_seq = th->seq;
			th->pend_mono0 = th->mono0;
			resume(tr, th, 0);
			return;
		}
		calldecode_exit(th->p->t, &io, &th->call, (long)rval);
		if (th->call.report)
			report(th, CALL_EXIT, clock_ns(CLOCK_MONOTONIC) - th->mono0);
	}
	resume(tr, th, 0);
}

/* The interrupted call's end as the program sees it: EINTR (reported now),
 * or the call restarted (it goes on as the same call, one record). */
static void end_interruption(struct tthread *th, bool restarted)
{
	th->interrupted = th->in_sigreturn = th->saw_handler = th->restart_due = false;
	th->call = th->pend;
	th->seq = th->pend_seq;
	th->mono0 = th->pend_mono0;
	if (restarted) {
		th->in_call = true;
		return;
	}
	{
		struct tracee_ctx ctx = {th->tid, th->p};
		struct run_tracee io = {&ctx, peek, classify, endpoints};

		calldecode_exit(th->p->t, &io, &th->call, -EINTR);
		if (th->call.report)
			report(th, CALL_EXIT, clock_ns(CLOCK_MONOTONIC) - th->mono0);
	}
}

/* A stop of a thread whose call was interrupted (see struct tthread).
 * True when it was this call's business; false for any other call (a
 * handler's own), which is decoded as usual. */
static bool on_interrupted_stop(struct tracer *tr, struct tthread *th, const struct syscall_info *info)
{
	uint64_t nr = info->op == INFO_SECCOMP ? info->seccomp.nr : info->entry.nr;
	uint64_t arg0 = info->op == INFO_SECCOMP ? info->seccomp.args[0] : info->entry.args[0];

	if (info->op == INFO_EXIT) {
		if (!th->in_sigreturn)
			return false;
		/* rt_sigreturn gives back the registers the handler interrupted:
		 * -EINTR the program sees, or the call's number, set again to restart it */
		th->in_sigreturn = false;
		th->saw_handler = true;
		if (info->exit.rval == -EINTR)
			end_interruption(th, false);
		else if (info->exit.rval == th->pend_nr)
			th->restart_due = true;
		resume(tr, th, 0);
		return true;
	}
	if (info->op == INFO_ENTRY && nr == SYS_rt_sigreturn) {
		th->in_sigreturn = true;
		resume(tr, th, 0);
		return true;
	}
	if (info->op == INFO_ENTRY && nr == SYS_restart_syscall) { /* ERESTART_RESTARTBLOCK's restart */
		end_interruption(th, true);
		resume(tr, th, 0);
		return true;
	}
	if (info->op == INFO_ENTRY && !tr->attach) {
		resume(tr, th, 0); /* a watched call's seccomp stop follows: it decides */
		return true;
	}
	if ((long)nr == th->pend_nr && arg0 == th->pend.a[0] && (th->restart_due || !th->saw_handler)) {
		end_interruption(th, true);
		resume(tr, th, 0);
		return true;
	}
	return false;
}

static void on_syscall_stop(struct tracer *tr, struct tthread *th)
{
	struct syscall_info info;

	memset(&info, 0, sizeof(info));
	if (ptrace(PTRACE_GET_SYSCALL_INFO, th->tid, sizeof(info), &info) <= 0) {
		resume(tr, th, 0);
		return;
	}
	if (th->interrupted && info.arch == run_sys_audit_arch() && on_interrupted_stop(tr, th, &info))
		return;
	if (info.arch != run_sys_audit_arch()) { /* a 32-bit call: not decoded */
		th->in_call = false;
		resume(tr, th, 0);
	} else if (info.op == INFO_SECCOMP) {
		on_entry(tr, th, info.seccomp.nr, info.seccomp.args);
	} else if (info.op == INFO_ENTRY) {
		on_entry(tr, th, info.entry.nr, info.entry.args);
	} else if (info.op == INFO_EXIT) {
		on_exit_stop(tr, th, info.exit.rval);
	} else {
		resume(tr, th, 0);
	}
}

/* The tgid of tid, from /proc (a clone is a thread or a process). */
static int tgid_of(int tid)
{
	char path[64], line[128];
	FILE *f;
	int tgid = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Tgid: %d", &tgid) == 1)
			break;
	fclose(f);
	return tgid;
}

/* fork, vfork, clone: the child gets its table (a thread shares it) and
 * its reporter; if its first stop came already, it runs now. */
static void on_new_child(struct tracer *tr, struct tthread *parent, int event)
{
	unsigned long msg = 0;
	struct tthread *child;
	struct tproc *p;
	int cpid;

	ptrace(PTRACE_GETEVENTMSG, parent->tid, 0, &msg);
	cpid = (int)msg;
	child = find(tr, cpid);
	if (!child) {
		child = add_thread(tr, cpid);
		if (child)
			child->fresh = true;
	}
	if (child && !child->p) {
		if (event == PTRACE_EVENT_CLONE && tgid_of(cpid) == parent->p->pid)
			p = parent->p;
		else
			p = new_process(tr, cpid, fdtable_copy(parent->p->t));
		join(child, p);
		if (!p) {
			ptrace(PTRACE_DETACH, cpid, 0, 0); /* out of memory: let it run untraced */
			drop_thread(tr, child);
		} else if (!child->fresh) {
			resume(tr, child, 0); /* its stop came before this event */
		}
	}
	resume(tr, parent, 0);
}

/* A 32-bit program (or another arch's) makes calls the filter lets go
 * and the decoder cannot read: say so, once for the process. */
static void check_arch(struct tproc *p)
{
	unsigned char hdr[64];
	char path[64], name[32] = "?";
	ssize_t n = 0;
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/exe", p->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, hdr, sizeof(hdr));
		close(fd);
	}
	if (p->said_foreign || n <= 0 || !run_sys_foreign_elf(hdr, (size_t)n))
		return;
	snprintf(path, sizeof(path), "/proc/%d/comm", p->pid);
	if ((f = fopen(path, "re")) != NULL) {
		if (fgets(name, sizeof(name), f))
			name[strcspn(name, "\n")] = '\0';
		fclose(f);
	}
	p->said_foreign = true;
	fprintf(stderr, "socklab run: pid %d (%s) is a 32-bit program: its socket calls are not shown\n", p->pid,
		name);
}

/* execve succeeded: close-on-exec descriptors are gone; a thread that was
 * not the leader takes the leader's id. */
static void on_exec(struct tracer *tr, struct tthread *th)
{
	unsigned long former = 0;
	struct tthread *old;

	ptrace(PTRACE_GETEVENTMSG, th->tid, 0, &former);
	if ((int)former != th->tid && (old = find(tr, (int)former)) != NULL) {
		/* th is the vanished leader's entry: the execing thread's state moves in */
		old->tid = th->tid;
		drop_thread(tr, th);
		th = old;
	}
	th->in_call = th->interrupted = false;
	fdtable_exec(th->p->t);
	report_exec(th->p->rep);
	check_arch(th->p);
	resume(tr, th, 0);
}

static void on_stop(struct tracer *tr, int pid, int status)
{
	struct tthread *th = find(tr, pid);
	int sig = WSTOPSIG(status), event = status >> 16;
	siginfo_t si;

	if (!th) { /* a child whose parent's fork event is still to come */
		th = add_thread(tr, pid);
		if (!th)
			ptrace(PTRACE_DETACH, pid, 0, 0);
		return;
	}
	if (!th->p) /* still waiting for the parent's event */
		return;
	if (th->fresh && (sig == SIGSTOP || event == PTRACE_EVENT_STOP)) {
		th->fresh = false;
		resume(tr, th, 0);
		return;
	}
	if (sig == (SIGTRAP | 0x80) || event == PTRACE_EVENT_SECCOMP) {
		on_syscall_stop(tr, th);
	} else if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK || event == PTRACE_EVENT_CLONE) {
		on_new_child(tr, th, event);
	} else if (event == PTRACE_EVENT_EXEC) {
		on_exec(tr, th);
	} else if (event != 0) {
		resume(tr, th, 0); /* PTRACE_EVENT_STOP and the like */
	} else if (ptrace(PTRACE_GETSIGINFO, pid, 0, &si) < 0) {
		resume(tr, th, 0); /* a group-stop: not kept (see docs/run.md) */
	} else {
		resume(tr, th, sig); /* the signal goes to the program */
	}
}

static void on_gone(struct tracer *tr, int pid, int status)
{
	struct tthread *th = find(tr, pid);

	if (pid == tr->main_pid) {
		tr->main_status = status;
		tr->main_done = true;
	}
	if (th)
		drop_thread(tr, th);
}

/* Enter on the terminal: the call held longest goes. */
static void release_oldest(struct tracer *tr)
{
	struct tthread *oldest = NULL;

	for (int i = 0; i < tr->nth; i++)
		if (tr->th[i]->held && (!oldest || tr->th[i]->held_order < oldest->held_order))
			oldest = tr->th[i];
	if (oldest)
		start_call(tr, oldest);
}

/* --step: waits for a child event, a go from the lab for a held call, or
 * Enter on the terminal. A held call nobody can release any more (no lab
 * connection, no terminal) runs on. */
static void wait_for_go(struct tracer *tr)
{
	struct pollfd fds[2 + 64];
	struct tproc *procs[64];
	int n = 2;

	fds[0] = (struct pollfd){.fd = tr->sfd, .events = POLLIN};
	fds[1] = (struct pollfd){.fd = tty_usable(tr) ? tr->tty_fd : -1, .events = POLLIN};
	for (int i = 0; i < tr->nth && n < (int)(sizeof(fds) / sizeof(fds[0])); i++) {
		struct tthread *th = tr->th[i];
		bool seen = false;

		if (!th->held || report_step_fd(th->p->rep) < 0)
			continue;
		for (int k = 2; k < n; k++)
			seen |= procs[k - 2] == th->p;
		if (seen)
			continue;
		procs[n - 2] = th->p;
		fds[n++] = (struct pollfd){.fd = report_step_fd(th->p->rep), .events = POLLIN};
	}
	if (n == 2 && fds[1].fd < 0) { /* nobody can release them: run on */
		for (int i = 0; i < tr->nth; i++)
			if (tr->th[i]->held)
				start_call(tr, tr->th[i]);
		return;
	}
	if (poll(fds, (nfds_t)n, -1) < 0)
		return;
	if (fds[0].revents & POLLIN) {
		struct signalfd_siginfo ssi;

		while (read(tr->sfd, &ssi, sizeof(ssi)) == sizeof(ssi))
			;
	}
	if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
		char buf[256];

		if (read(tr->tty_fd, buf, sizeof(buf)) > 0) {
			release_oldest(tr);
		} else {
			close(tr->tty_fd);
			tr->tty_fd = -1;
		}
	}
	for (int k = 2; k < n; k++) {
		long seq;

		if (!(fds[k].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		seq = report_read_go(procs[k - 2]->rep);
		for (int i = 0; i < tr->nth && seq >= 0; i++) {
			struct tthread *th = tr->th[i];

			if (th->held && th->p == procs[k - 2] && (long)th->seq == seq)
				start_call(tr, th); /* released */
		}
	}
}

static bool any_held(const struct tracer *tr)
{
	for (int i = 0; i < tr->nth; i++)
		if (tr->th[i]->held)
			return true;
	return false;
}

/* Until every tracee has ended (or, attached, until interrupted). */
static void loop(struct tracer *tr)
{
	while (tr->nth > 0 && !(tr->attach && interrupted)) {
		int status;
		bool held = any_held(tr);
		pid_t pid = waitpid(-1, &status, __WALL | (held ? WNOHANG : 0));

		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break; /* ECHILD: nobody left */
		}
		if (pid == 0) {
			wait_for_go(tr);
		} else if (WIFSTOPPED(status)) {
			on_stop(tr, pid, status);
		} else if (WIFEXITED(status) || WIFSIGNALED(status)) {
			on_gone(tr, pid, status);
		}
	}
}

/* --step: the terminal, for Enter when no lab listens (-1: none). */
static int open_tty(const struct trace_opts *o)
{
	return o->step ? open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC) : -1;
}

static void free_tracer(struct tracer *tr)
{
	if (tr->tty_fd >= 0)
		close(tr->tty_fd);
	while (tr->nth > 0)
		drop_thread(tr, tr->th[tr->nth - 1]);
	free(tr->th);
	if (tr->sfd >= 0)
		close(tr->sfd);
}

/* ---- starting a command ---- */

/* The filter: SECCOMP_RET_TRACE for the watched calls of this arch, allow
 * everything else (a call of another arch, i386 on x86_64, included). */
static int install_filter(void)
{
	long nrs[64];
	size_t n = run_sys_numbers(nrs, 64), k = 0;
	struct sock_filter f[4 + 64 + 2];
	struct sock_fprog prog;

	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, run_sys_audit_arch(), 1, 0);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	for (size_t i = 0; i < n; i++) /* a match jumps to the last instruction: trace */
		f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nrs[i],
						      (uint8_t)(n - i), 0);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE);
	prog = (struct sock_fprog){.len = (unsigned short)k, .filter = f};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

/* In the child: traced, filtered, then the command. Tells the parent why
 * exec failed through the pipe. */
static void child(char **argv, int pipe_w, const sigset_t *mask)
{
	int err;

	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	sigprocmask(SIG_SETMASK, mask, NULL);
	setenv(TRACED_ENV, "1", 1);
	if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0 || raise(SIGSTOP) != 0 || install_filter() < 0) {
		err = -errno; /* negative: the tracing failed, not the exec */
	} else {
		execvp(argv[0], argv);
		err = errno;
	}
	if (write(pipe_w, &err, sizeof(err)) < 0)
		_exit(126);
	_exit(err == ENOENT ? 127 : 126);
}

static int traced_options(bool attach)
{
	return PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
	       PTRACE_O_TRACEEXEC | (attach ? 0 : PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL);
}

/* SIGCHLD through a signalfd, so that --step can wait for a child and the
 * lab at once; mask gets the mask to restore. */
static int child_signal_fd(sigset_t *mask)
{
	sigset_t chld;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, mask);
	return signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
}

/* The shell's exit status of status, said on stderr when a signal ended it. */
static int exit_status(const char *cmd, int status)
{
	if (WIFSIGNALED(status)) {
		const char *abbrev = sigabbrev_np(WTERMSIG(status));

		fprintf(stderr, "socklab run: %s killed by signal %d (SIG%s)\n", cmd, WTERMSIG(status),
			abbrev ? abbrev : "?");
		return 128 + WTERMSIG(status);
	}
	return WEXITSTATUS(status);
}

int trace_command(const struct trace_opts *o, char **argv, char *err, size_t errlen)
{
	struct tracer tr = {.o = o, .sfd = -1, .tty_fd = -1};
	struct sigaction ign = {.sa_handler = SIG_IGN}, fwd = {.sa_handler = on_forward, .sa_flags = SA_RESTART};
	struct sigaction old_int, old_quit, old_term, old_hup;
	sigset_t mask;
	int pipefd[2], status, exec_err = 0, rc;
	struct tthread *th;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe: %s", errtext(errno));
		return -1;
	}
	tr.sfd = child_signal_fd(&mask);
	tr.tty_fd = open_tty(o);
	/* Ctrl-C reaches the program, whose end we then report */
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	pid = fork();
	if (pid == 0)
		child(argv, pipefd[1], &mask);
	close(pipefd[1]);
	if (pid < 0 || waitpid(pid, &status, __WALL) != pid || !WIFSTOPPED(status) ||
	    ptrace(PTRACE_SETOPTIONS, pid, 0, traced_options(false)) < 0) {
		snprintf(err, errlen, "%s: cannot trace it: %s", argv[0], errtext(errno));
		if (pid > 0) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, __WALL);
		}
		close(pipefd[0]);
		free_tracer(&tr);
		sigprocmask(SIG_SETMASK, &mask, NULL);
		return -1;
	}
	tr.main_pid = pid;
	/* a kill of socklab run is meant for the program: it ends, and we report it */
	forward_to = pid;
	sigemptyset(&fwd.sa_mask);
	sigaction(SIGTERM, &fwd, &old_term);
	sigaction(SIGHUP, &fwd, &old_hup);
	th = add_thread(&tr, pid);
	if (th)
		join(th, new_process(&tr, pid, fdtable_new()));
	ptrace(PTRACE_CONT, pid, 0, 0);
	loop(&tr);
	free_tracer(&tr);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	forward_to = 0;
	sigprocmask(SIG_SETMASK, &mask, NULL);
	if (read(pipefd[0], &exec_err, sizeof(exec_err)) != sizeof(exec_err))
		exec_err = 0;
	close(pipefd[0]);
	if (exec_err < 0) {
		snprintf(err, errlen, "%s: cannot trace it: %s", argv[0], errtext(-exec_err));
		return -1;
	}
	if (exec_err) {
		fprintf(stderr, "socklab run: %s: %s\n", argv[0],
			exec_err == ENOENT ? "command not found" : errtext(exec_err));
		return exec_err == ENOENT ? 127 : 126;
	}
	rc = tr.main_done ? exit_status(argv[0], tr.main_status) : 1;
	return rc;
}

/* ---- attaching ---- */

static int attach_error(int pid, int e, char *err, size_t errlen)
{
	char scope[8] = "";
	FILE *f = fopen("/proc/sys/kernel/yama/ptrace_scope", "re");

	if (f) {
		if (!fgets(scope, sizeof(scope), f))
			scope[0] = '\0';
		scope[strcspn(scope, "\n")] = '\0';
		fclose(f);
	}
	if (e == ESRCH)
		snprintf(err, errlen, "--pid %d: no such process", pid);
	else if (e == EPERM && scope[0] && strcmp(scope, "0") != 0)
		snprintf(err, errlen,
			 "--pid %d: not allowed: kernel.yama.ptrace_scope is %s (run as root, or set it to 0, "
			 "or start the program under socklab run)", pid, scope);
	else if (e == EPERM)
		snprintf(err, errlen, "--pid %d: not allowed: it is not yours (run as root, or start the program "
			 "under socklab run)", pid);
	else
		snprintf(err, errlen, "--pid %d: %s", pid, errtext(e));
	return -1;
}

int trace_attach(const struct trace_opts *o, int pid, char *err, size_t errlen)
{
	struct tracer tr = {.o = o, .attach = true, .sfd = -1, .tty_fd = -1};
	struct sigaction stop = {.sa_handler = on_interrupt}, old_int, old_term; /* no SA_RESTART */
	struct tproc *p;
	struct dirent *de;
	sigset_t mask;
	char path[64];
	int rc, threads = 0, first_err = 0;
	DIR *d;

	if (pid == getpid()) {
		snprintf(err, errlen, "--pid %d: that is socklab run itself", pid);
		return -1;
	}
	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	if (pid <= 0 || kill(pid, 0) < 0 || !(d = opendir(path)))
		return attach_error(pid, pid <= 0 || errno == ENOENT ? ESRCH : errno, err, errlen);
	tr.sfd = child_signal_fd(&mask);
	tr.tty_fd = open_tty(o);
	tr.main_pid = pid;
	p = new_process(&tr, pid, fdtable_new());
	/* every thread now; one started meanwhile is followed by TRACECLONE */
	while (p && (de = readdir(d)) != NULL) {
		int tid = atoi(de->d_name);
		struct tthread *th;

		if (tid <= 0)
			continue;
		if (ptrace(PTRACE_SEIZE, tid, 0, traced_options(true)) < 0) {
			first_err = first_err ? first_err : errno;
			continue;
		}
		th = add_thread(&tr, tid);
		if (!th) {
			ptrace(PTRACE_DETACH, tid, 0, 0);
			continue;
		}
		join(th, p);
		th->fresh = true;
		ptrace(PTRACE_INTERRUPT, tid, 0, 0);
		threads++;
	}
	closedir(d);
	if (threads == 0) {
		if (p)
			end_process(p);
		free_tracer(&tr);
		sigprocmask(SIG_SETMASK, &mask, NULL);
		return attach_error(pid, first_err ? first_err : ENOMEM, err, errlen);
	}
	check_arch(p);
	fprintf(stderr, "socklab run: attached to %d (%d thread%s). A filter cannot be added from outside, "
		"so it stops at every system call, not only socket calls, and runs slower until you press "
		"Ctrl-C here, which lets it go.\n", pid, threads, threads == 1 ? "" : "s");
	sigemptyset(&stop.sa_mask);
	sigaction(SIGINT, &stop, &old_int);
	sigaction(SIGTERM, &stop, &old_term);
	loop(&tr);
	/* interrupted: socklab run ends and the kernel lets every tracee go */
	rc = tr.main_done ? exit_status(path + 6, tr.main_status) : 0;
	free_tracer(&tr);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigprocmask(SIG_SETMASK, &mask, NULL);
	return rc;
}
