/* echo.c: the pieces every echo mode shares. */
#include "echo.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "addr.h"
#include "calls.h"
#include "events.h"
#include "step.h"

size_t echo_reply(const char *in, size_t n, char *out)
{
	memcpy(out, ECHO_PREFIX, ECHO_PREFIX_LEN);
	memcpy(out + ECHO_PREFIX_LEN, in, n);
	return ECHO_PREFIX_LEN + n;
}

void echo_print_received(const char *peer, const char *data, size_t n)
{
	printf("received from %s: %.*s\n", peer, (int)n, data);
}

enum after_reply echo_after_reply(const struct server_options *o, int replies_sent)
{
	if (replies_sent != 1)
		return KEEP_SERVING;
	if (o->close_first || o->linger0)
		return CLOSE_NOW;
	return o->half_close ? SHUT_WRITE : KEEP_SERVING;
}

void echo_linger0(int fd)
{
	struct linger lg = {.l_onoff = 1, .l_linger = 0};

	/* SO_LINGER with a zero timeout: close() drops the connection with RST */
	lab_setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
}

int echo_close(int fd, bool rst)
{
	if (rst)
		echo_linger0(fd);
	return lab_close(fd);
}

void echo_raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

void echo_start(const char *prog, const char *proc, bool quiet, const char *events_path, bool step,
		int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	calls_init(prog, quiet);
	events_open(events_path, proc);
	events_hello(argc, argv);
	if (step)
		step_enable();
}

bool echo_step_needs_lab(const char *prog)
{
	if (!step_enabled() || events_listening())
		return false;
	fprintf(stderr, "%s: --step with --workers needs the lab listening (start socklab first): "
		"several worker processes cannot share one terminal's Enter\n", prog);
	return true;
}

void echo_after_fork(void)
{
	events_after_fork();
}

void echo_finish(void)
{
	step_disable();
	events_close();
}

int echo_usage_exit(int parse_rc, const char *prog, const char *usage, const char *err)
{
	if (parse_rc > 0) {
		fputs(usage, stdout);
		return 0;
	}
	fprintf(stderr, "%s: %s (try --help)\n", prog, err);
	return 2;
}

int echo_resolve(const char *prog, const char *host, const char *port, bool udp, struct sockaddr_storage *addr,
		 socklen_t *len, char *text, size_t n)
{
	char err[256];

	if (addr_resolve(host, port, udp ? SOCK_DGRAM : SOCK_STREAM, addr, len, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return -1;
	}
	addr_format((struct sockaddr *)addr, *len, text, n);
	return 0;
}

void sleep_ms(int ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};

	nanosleep(&ts, NULL);
}
