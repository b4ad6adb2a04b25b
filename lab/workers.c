/* workers.c: the worker processes of echo-server --mode reuseport and
 * --mode prefork. The parent forks them and then only watches: a pipe tells
 * it when each worker is ready, SIGCHLD when one ends, SIGINT/SIGTERM when
 * to stop them. Those signals are blocked except inside ppoll(), so none
 * can slip in between a check and the wait. */
#include "workers.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "calls.h"
#include "echo.h"
#include "events.h"
#include "options.h"

static int ready_fd = -1; /* a worker's end of the pipe that says "ready" */

void workers_ready(void)
{
	char ready = 'r';

	if (ready_fd < 0)
		return;
	if (write(ready_fd, &ready, 1) != 1)
		perror("echo-server: telling the parent this worker is ready");
	close(ready_fd);
	ready_fd = -1;
}

static void on_child(int sig)
{
	(void)sig; /* only wakes the parent's ppoll() */
}

/* In the child: its own pid in the records, its own channel connection and
 * hello, its worker number; it stops with the parent (PR_SET_PDEATHSIG:
 * a parent killed with SIGKILL leaves no worker behind). */
static void worker_main(int k, worker_fn fn, void *ctx, int pipe_fds[2], pid_t parent, const sigset_t *mask)
{
	int rc;

	sigprocmask(SIG_SETMASK, mask, NULL);
	signal(SIGCHLD, SIG_DFL);
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent)
		_exit(1);
	close(pipe_fds[0]);
	ready_fd = pipe_fds[1];
	echo_after_fork();
	events_set_worker(k);
	events_hello_again();
	rc = fn(k, ctx);
	echo_finish();
	fflush(stdout);
	exit(rc);
}

/* "worker w2 (pid 4242) was killed by signal 9 (Killed)" when a worker
 * ended badly; nothing for a worker that stopped as asked. */
static bool report_end(int k, pid_t pid, int status, int left)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return false;
	if (WIFSIGNALED(status))
		fprintf(stderr, "echo-server: worker w%d (pid %d) was killed by signal %d (%s); %d worker%s left\n", k,
			(int)pid, WTERMSIG(status), strsignal(WTERMSIG(status)), left, left == 1 ? "" : "s");
	else
		fprintf(stderr, "echo-server: worker w%d (pid %d) exited with status %d; %d worker%s left\n", k,
			(int)pid, WEXITSTATUS(status), left, left == 1 ? "" : "s");
	return true;
}

static void stop_all(const pid_t *pids, int n)
{
	for (int i = 0; i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
}

int workers_run(int n, worker_fn fn, void *ctx, const char *listening_line)
{
	struct sigaction sa = {.sa_handler = on_child};
	sigset_t block, old;
	pid_t pids[WORKERS_MAX], parent = getpid();
	int pipe_fds[2], alive = 0, ready = 0, rc = 0;
	bool told = false, give_up = false; /* give_up: a worker could not start, stop them all */

	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &old);
	if (pipe2(pipe_fds, O_CLOEXEC) < 0) {
		lab_report_error("pipe for the workers", NULL, errno, NULL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		return 1;
	}
	fflush(stdout); /* nothing buffered is written twice */
	fflush(stderr);
	for (int k = 1; k <= n; k++) {
		/* fork: a copy of this process; the child is worker k */
		pid_t pid = fork();

		if (pid == 0)
			worker_main(k, fn, ctx, pipe_fds, parent, &old);
		pids[k - 1] = pid;
		if (pid < 0) {
			lab_report_error("fork for a worker", NULL, errno, NULL);
			rc = 1;
			give_up = true;
			n = k - 1;
			break;
		}
		alive++;
	}
	close(pipe_fds[1]);
	while (alive > 0) {
		struct pollfd pfd = {.fd = pipe_fds[0], .events = POLLIN};
		int status;
		pid_t pid;

		if ((calls_stopping() || give_up) && !told) {
			stop_all(pids, n);
			told = true;
		}
		if (ppoll(&pfd, 1, NULL, &old) > 0 && pfd.revents) {
			char buf[WORKERS_MAX];
			ssize_t got = read(pipe_fds[0], buf, sizeof(buf));

			if (got > 0 && (ready += (int)got) == n)
				printf("%s\n", listening_line);
			if (got <= 0) { /* every worker is ready, or gone */
				close(pipe_fds[0]);
				pipe_fds[0] = -1;
				if (ready < n && !calls_stopping()) {
					fprintf(stderr, "echo-server: %d of %d workers did not start; stopping\n", n - ready, n);
					rc = 1;
					give_up = true;
				}
			}
		}
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			for (int i = 0; i < n; i++) {
				if (pids[i] != pid)
					continue;
				pids[i] = 0;
				alive--;
				if (report_end(i + 1, pid, status, alive) && !told)
					rc = 1; /* the others serve on */
			}
		}
	}
	if (pipe_fds[0] >= 0)
		close(pipe_fds[0]);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}
