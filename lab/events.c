/* events.c: the event channel sender. A connected, non-blocking AF_UNIX
 * datagram socket: a record either lands in the listener's queue at once or
 * is dropped. While nobody listens the socket stays unconnected and records
 * are not even built, so an unobserved server runs at full speed. */
#include "events.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "output.h"
#include "errtext.h"

#define RETRY_NS 500000000ull /* look for a listener at most twice a second */

static struct {
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
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

int events_path_resolve(const char *flag, const char *env_events, const char *xdg,
			unsigned uid, char *buf, size_t n)
{
	int len;

	if (n > sizeof(chan.path))
		n = sizeof(chan.path);
	if (flag && *flag)
		len = snprintf(buf, n, "%s", flag);
	else if (env_events && *env_events)
		len = snprintf(buf, n, "%s", env_events);
	else if (xdg && *xdg)
		len = snprintf(buf, n, "%s/socklab/events.sock", xdg);
	else
		len = snprintf(buf, n, "/tmp/socklab-%u/events.sock", uid);
	return len < 0 || (size_t)len >= n ? -1 : 0;
}

/* The directory holds step reply sockets: whoever can replace a socket
 * there can drive the lab, and /tmp is shared, so one that exists already is
 * used only if it is ours (or owner's) and nobody else can write in it. */
int events_private_dir(const char *path, int owner, char *err, size_t n)
{
	char dir[sizeof(chan.path)];
	char *slash;
	struct stat st;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		snprintf(err, n, "event channel %s: %s", dir, errtext(errno));
		return -1;
	}
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) ||
	    (st.st_uid != getuid() && (owner < 0 || st.st_uid != (uid_t)owner)) || (st.st_mode & 022)) {
		snprintf(err, n,
			 "event channel %s: not a private directory of this user (another user may own it or write in it; use --events PATH)",
			 dir);
		return -1;
	}
	if (owner >= 0 && chown(dir, (uid_t)owner, (gid_t)-1) < 0) {
		snprintf(err, n, "event channel %s: chown: %s", dir, errtext(errno));
		return -1;
	}
	return 0;
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
	if (events_path_resolve(flag_path, getenv("SOCKLAB_EVENTS"), getenv("XDG_RUNTIME_DIR"),
				(unsigned)getuid(), chan.path, sizeof(chan.path)) < 0) {
		fprintf(stderr, "%s: event channel path too long, events are off\n", proc);
		chan.path[0] = '\0';
		return;
	}
	if (events_private_dir(chan.path, -1, err, sizeof(err)) < 0) {
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

/* Length of the UTF-8 sequence starting at p (at most avail bytes), or 0 if
 * it is not valid UTF-8 (overlong forms and surrogates included). */
static size_t utf8_len(const unsigned char *p, size_t avail)
{
	size_t len;
	unsigned min;
	unsigned cp;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0)
		len = 2, min = 0x80, cp = p[0] & 0x1f;
	else if ((p[0] & 0xf0) == 0xe0)
		len = 3, min = 0x800, cp = p[0] & 0x0f;
	else if ((p[0] & 0xf8) == 0xf0)
		len = 4, min = 0x10000, cp = p[0] & 0x07;
	else
		return 0;
	if (len > avail)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

size_t events_text(char *dst, size_t n, const void *src, size_t len)
{
	const unsigned char *s = src;
	size_t in = 0, out = 0;

	if (n == 0)
		return 0;
	while (in < len) {
		size_t clen = s[in] ? utf8_len(s + in, len - in) : 0;
		size_t take = clen ? clen : 1;

		if (out + take >= n)
			break;
		if (clen)
			memcpy(dst + out, s + in, clen);
		else
			dst[out] = '?';
		out += take;
		in += clen ? clen : 1;
	}
	dst[out] = '\0';
	return out;
}

int events_putf(char *buf, size_t n, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int len;

	if (*pos >= n)
		return -1;
	va_start(ap, fmt);
	len = vsnprintf(buf + *pos, n - *pos, fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= n - *pos)
		return -1;
	*pos += (size_t)len;
	return 0;
}

int events_put_header(char *buf, size_t n, size_t *pos, const char *type, uint64_t ts_ns)
{
	if (events_putf(buf, n, pos, "{\"type\":\"%s\",\"ts_ns\":%llu,\"proc\":", type,
			(unsigned long long)ts_ns) < 0 ||
	    json_put_string(buf, n, pos, chan.proc) < 0)
		return -1;
	return events_putf(buf, n, pos, ",\"pid\":%d,\"tid\":%d", (int)chan.pid, (int)gettid());
}

void events_hello(int argc, char **argv)
{
	char rec[EVENTS_RECORD_MAX], line[EVENTS_RECORD_MAX / 2];
	size_t pos = 0, used = 0;

	line[0] = '\0';
	for (int i = 0; i < argc && used + 2 < sizeof(line); i++) {
		if (i)
			line[used++] = ' ';
		used += events_text(line + used, sizeof(line) - used, argv[i], strlen(argv[i]));
	}
	if (events_put_header(rec, sizeof(rec), &pos, "hello", events_now_ns()) == 0 &&
	    events_putf(rec, sizeof(rec), &pos, ",\"argv\":") == 0 &&
	    json_put_string(rec, sizeof(rec), &pos, line) == 0 &&
	    events_putf(rec, sizeof(rec), &pos, "}") == 0)
		events_send(rec, pos);
}

const char *events_channel_path(void)
{
	return chan.path;
}

const char *events_proc(void)
{
	return chan.proc;
}
