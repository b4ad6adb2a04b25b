/* events.c: the event channel sender. A connected, non-blocking AF_UNIX
 * datagram socket: a record either lands in the listener's queue at once or
 * is dropped. While nobody listens the socket stays unconnected and records
 * are not even built, so an unobserved server runs at full speed. */
#include "events.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "callrec.h"
#include "clock.h"
#include "chanpath.h"
#include "json.h"
#include "errtext.h"

#define RETRY_NS 500000000ull /* look for a listener at most twice a second */

static struct {
	int fd;
	char path[CHANPATH_MAX];
	char proc[16];
	pid_t pid;
	atomic_bool connected;
	atomic_uint_fast64_t next_try_ns;
	pthread_mutex_t lock;
} chan = {.fd = -1, .lock = PTHREAD_MUTEX_INITIALIZER};

uint64_t events_now_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}

static bool try_connect(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	bool ok;

	if (chan.fd < 0)
		return false;
	memcpy(sa.sun_path, chan.path, sizeof(sa.sun_path));
	pthread_mutex_lock(&chan.lock);
	ok = connect(chan.fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	atomic_store(&chan.connected, ok);
	atomic_store(&chan.next_try_ns, events_now_ns() + RETRY_NS);
	pthread_mutex_unlock(&chan.lock);
	return ok;
}

void events_open(const char *flag_path, const char *proc)
{
	char err[256];

	snprintf(chan.proc, sizeof(chan.proc), "%s", proc);
	chan.pid = getpid();
	if (chanpath_resolve(flag_path, getenv("SOCKLAB_EVENTS"), getenv("XDG_RUNTIME_DIR"),
				(unsigned)getuid(), chan.path, sizeof(chan.path)) < 0) {
		fprintf(stderr, "%s: event channel path too long, events are off\n", proc);
		chan.path[0] = '\0';
		return;
	}
	if (chanpath_private_dir(chan.path, -1, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s; events are off\n", proc, err);
		return;
	}
	chan.fd = events_fd_out_of_the_way(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
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

void events_after_fork(void)
{
	chan.pid = getpid();
}

void events_close(void)
{
	if (chan.fd >= 0)
		close(chan.fd);
	chan.fd = -1;
	atomic_store(&chan.connected, false);
}

bool events_listening(void)
{
	if (atomic_load(&chan.connected))
		return true;
	if (chan.fd < 0 || events_now_ns() < atomic_load(&chan.next_try_ns))
		return false;
	return try_connect();
}

int events_send(const char *json, size_t len)
{
	if (!atomic_load(&chan.connected) && !try_connect())
		return -1;
	if (send(chan.fd, json, len, MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)len)
		return 0;
	/* EAGAIN: the listener is slow, drop this one but stay connected. */
	if (errno != EAGAIN)
		atomic_store(&chan.connected, false);
	return -1;
}

struct call_origin events_origin(void)
{
	return (struct call_origin){.proc = chan.proc, .pid = (int)chan.pid, .tid = (int)gettid()};
}

void events_hello(int argc, char **argv)
{
	char rec[EVENTS_RECORD_MAX], line[EVENTS_RECORD_MAX / 2];
	struct outbuf o = outbuf_at(rec, sizeof(rec), 0);
	struct call_origin who = events_origin();
	size_t used = 0;
	int len;

	line[0] = '\0';
	for (int i = 0; i < argc && used + 2 < sizeof(line); i++) {
		if (i)
			line[used++] = ' ';
		used += json_safe_text(line + used, sizeof(line) - used, argv[i], strlen(argv[i]));
	}
	callrec_put_header(&o, "hello", events_now_ns(), &who);
	outbuf_lit(&o, ",\"argv\":");
	outbuf_json_string(&o, line);
	outbuf_char(&o, '}');
	len = outbuf_finish(&o);
	if (len >= 0)
		events_send(rec, (size_t)len);
}

const char *events_channel_path(void)
{
	return chan.path;
}

const char *events_proc(void)
{
	return chan.proc;
}
