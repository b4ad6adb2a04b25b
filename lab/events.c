/* events.c: the event channel sender. One connected AF_UNIX SOCK_SEQPACKET
 * socket per process: records keep their boundaries and their order, and a
 * send waits while the lab is busy (back-pressure) instead of dropping the
 * record, so every call reaches the lab, however slow a loaded machine makes
 * it. Only a lab that is gone (the connection breaks), or a stop signal to
 * this program while the lab takes nothing for 5 s (a stopped lab), loses
 * records; the gap in their seq numbers shows it and the program says so
 * on stderr.
 * While nobody listens the socket stays unconnected and records are not
 * even built, so an unobserved server runs at full speed. The lab answers
 * on the same connection with "go" records for --step. */
#include "events.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <linux/sockios.h>

#include "callrec.h"
#include "clock.h"
#include "chanpath.h"
#include "json.h"
#include "errtext.h"

#define RETRY_NS 500000000ull /* look for a listener at most twice a second */
#define SEND_SLICE_S 1     /* how often a waiting send looks at the stop flag */
#define STOP_WAIT_SLICES 5 /* once stopping, a lab that takes nothing this long is let go */

static struct {
	atomic_int fd;        /* connected socket, or -1 */
	char path[CHANPATH_MAX];
	char proc[16];
	pid_t pid;
	int worker;           /* 1..N in a worker process, else 0 */
	int argc;             /* the command line, for a worker's own hello */
	char **argv;
	atomic_uint_fast64_t next_try_ns;
	pthread_mutex_t lock; /* connecting and sending */
	const volatile sig_atomic_t *stopping; /* set by the program's stop signal */
} chan = {.fd = -1, .lock = PTHREAD_MUTEX_INITIALIZER};

uint64_t events_now_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}

/* A fresh socket connected to the lab, or -1. Called with chan.lock held. */
static int connect_lab(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct timeval tv = {.tv_sec = SEND_SLICE_S};
	int fd;

	if (!chan.path[0])
		return -1;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memcpy(sa.sun_path, chan.path, sizeof(sa.sun_path));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return events_fd_out_of_the_way(fd);
}

static bool try_connect(void)
{
	int fd;

	pthread_mutex_lock(&chan.lock);
	if (atomic_load(&chan.fd) < 0 && events_now_ns() >= atomic_load(&chan.next_try_ns)) {
		atomic_store(&chan.fd, connect_lab());
		atomic_store(&chan.next_try_ns, events_now_ns() + RETRY_NS);
	}
	fd = atomic_load(&chan.fd);
	pthread_mutex_unlock(&chan.lock);
	return fd >= 0;
}

void events_open(const char *flag_path, const char *proc)
{
	char err[256];

	snprintf(chan.proc, sizeof(chan.proc), "%s", proc);
	chan.pid = getpid();
	if (getenv("SOCKLAB_TRACED")) { /* under socklab run, which reports our calls */
		chan.path[0] = '\0';
		return;
	}
	if (chanpath_resolve(flag_path, getenv("SOCKLAB_EVENTS"), getenv("XDG_RUNTIME_DIR"),
				(unsigned)getuid(), chan.path, sizeof(chan.path)) < 0) {
		fprintf(stderr, "%s: event channel path too long, events are off\n", proc);
		chan.path[0] = '\0';
		return;
	}
	if (chanpath_private_dir(chan.path, -1, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s; events are off\n", proc, err);
		chan.path[0] = '\0';
		return;
	}
	atomic_store(&chan.next_try_ns, 0);
	try_connect();
}

int events_fd_out_of_the_way(int fd)
{
	int high;

	if (fd < 0)
		return fd;
	high = fcntl(fd, F_DUPFD_CLOEXEC, 100);
	if (high < 0)
		return fd;
	close(fd);
	return high;
}

/* The child gets a connection of its own: its records keep their own order,
 * and the "go" records meant for it cannot be read by its parent. */
void events_after_fork(void)
{
	int fd = atomic_exchange(&chan.fd, -1);

	chan.pid = getpid();
	if (fd >= 0) {
		close(fd);
		atomic_store(&chan.next_try_ns, 0);
		try_connect();
	}
}

void events_set_worker(int worker)
{
	chan.worker = worker;
}

void events_give_up_on_stop(const volatile sig_atomic_t *stopping)
{
	chan.stopping = stopping;
}

void events_close(void)
{
	int fd = atomic_exchange(&chan.fd, -1);

	if (fd >= 0)
		close(fd);
}

bool events_listening(void)
{
	return atomic_load(&chan.fd) >= 0 || try_connect();
}

int events_fd(void)
{
	return atomic_load(&chan.fd);
}

/* Called once a waiting send's slice ran out: true when the lab has not
 * taken any of this connection's queued records for STOP_WAIT_SLICES
 * slices running (SIOCOUTQ: bytes it has not read yet). A lab that reads,
 * however slowly, is waited for. */
static bool lab_took_nothing(int fd, int *queued, int *idle)
{
	int now;

	if (ioctl(fd, SIOCOUTQ, &now) < 0)
		return true;
	if (*queued < 0 || now < *queued)
		*idle = 0;
	else
		++*idle;
	*queued = now;
	return *idle >= STOP_WAIT_SLICES;
}

int events_send(const char *json, size_t len)
{
	int fd;
	ssize_t n;

	if (!events_listening())
		return -1;
	pthread_mutex_lock(&chan.lock);
	fd = atomic_load(&chan.fd);
	/* A stop signal (no SA_RESTART, so that accept() returns) must not
	 * cost the record being sent: the program winds down and its last
	 * calls are the ones a student looks for. A lab that takes nothing for
	 * a while is busy, not gone (a gone one breaks the connection): keep
	 * waiting, unless this program was told to stop meanwhile. */
	for (int queued = -1, idle = 0;;) {
		n = fd >= 0 ? send(fd, json, len, MSG_NOSIGNAL) : -1;
		if (n >= 0 || fd < 0 || (errno != EINTR && errno != EAGAIN))
			break;
		if (errno == EAGAIN && chan.stopping && *chan.stopping && lab_took_nothing(fd, &queued, &idle))
			break;
	}
	if (n != (ssize_t)len && fd >= 0) {
		/* This record is lost (the seq gap shows it); try a new
		 * connection later. The program says so too. */
		int err = n < 0 ? errno : EMSGSIZE;

		atomic_store(&chan.fd, -1);
		close(fd);
		if (err == EAGAIN)
			fprintf(stderr, "%s: lab channel %s: stopping, and the lab took no record for %d s; "
				"the calls from here on may not reach it\n", chan.proc, chan.path,
				SEND_SLICE_S * STOP_WAIT_SLICES);
		else
			fprintf(stderr, "%s: lab channel %s: %s; calls go unreported until the lab is back\n",
				chan.proc, chan.path, errtext(err));
	}
	pthread_mutex_unlock(&chan.lock);
	return n == (ssize_t)len ? 0 : -1;
}

struct call_origin events_origin(void)
{
	return (struct call_origin){.proc = chan.proc, .pid = (int)chan.pid, .tid = (int)gettid(), .worker = chan.worker};
}

void events_hello(int argc, char **argv)
{
	char rec[EVENTS_RECORD_MAX];
	struct outbuf o = outbuf_at(rec, sizeof(rec), 0);
	struct call_origin who = events_origin();
	int len = callrec_encode_hello(&o, events_now_ns(), &who, argc, argv);

	chan.argc = argc;
	chan.argv = argv;
	if (len >= 0)
		events_send(rec, (size_t)len);
}

void events_hello_again(void)
{
	if (chan.argv)
		events_hello(chan.argc, chan.argv);
}

const char *events_channel_path(void)
{
	return chan.path;
}

const char *events_proc(void)
{
	return chan.proc;
}
