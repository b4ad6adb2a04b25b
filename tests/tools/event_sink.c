/* event_sink: listens on an event channel path the way the UI does and
 * prints every record it receives as one line on stdout. Step records wait
 * until released: with --go-auto at once, otherwise one per line read on
 * stdin (a line read before the step comes releases it on arrival). Lets
 * shell tests see and drive the lab programs.
 *
 *   event_sink PATH [--go-auto]
 * Runs until SIGINT or SIGTERM, then removes PATH. */
#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define PENDING_MAX 256

struct pending_step {
	long long seq;
	char reply[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void send_go(int fd, const struct pending_step *p)
{
	struct sockaddr_un to = {.sun_family = AF_UNIX};
	char msg[64];
	int len = snprintf(msg, sizeof(msg), "{\"type\":\"go\",\"seq\":%lld}", p->seq);

	memcpy(to.sun_path, p->reply, sizeof(to.sun_path));
	if (sendto(fd, msg, (size_t)len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		fprintf(stderr, "event_sink: go to %s: %s\n", p->reply, strerror(errno));
}

/* A step record goes to the queue of calls waiting for their go. */
static void queue_step(const char *buf, size_t len, struct pending_step *q, int *nq)
{
	json_t *rec = json_loadb(buf, len, 0, NULL);
	const char *type = json_string_value(json_object_get(rec, "type"));
	const char *reply = json_string_value(json_object_get(rec, "reply"));
	int is_step = type && strcmp(type, "step") == 0 && reply && *nq < PENDING_MAX;

	if (is_step) {
		q[*nq].seq = json_integer_value(json_object_get(rec, "seq"));
		snprintf(q[*nq].reply, sizeof(q[*nq].reply), "%s", reply);
		(*nq)++;
	}
	json_decref(rec);
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct pending_step q[PENDING_MAX];
	int nq = 0, go_auto = argc > 2 && strcmp(argv[2], "--go-auto") == 0;
	int fd, stdin_open = !go_auto, credits = 0;
	char buf[4096];

	if (argc < 2 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: event_sink PATH [--go-auto]\n");
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	strcpy(sa.sun_path, argv[1]);
	unlink(argv[1]);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "event_sink: bind %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (!stop) {
		struct pollfd fds[2] = {{.fd = fd, .events = POLLIN},
					{.fd = stdin_open ? 0 : -1, .events = POLLIN}};

		if (poll(fds, 2, -1) < 0)
			continue;
		if (fds[0].revents & POLLIN) {
			ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);
			if (n > 0) {
				buf[n] = '\0';
				printf("%s\n", buf);
				queue_step(buf, (size_t)n, q, &nq);
			}
		}
		if (fds[1].revents & (POLLIN | POLLHUP)) {
			ssize_t n = read(0, buf, sizeof(buf));
			if (n <= 0)
				stdin_open = 0;
			for (ssize_t i = 0; i < n; i++)
				credits += buf[i] == '\n';
		}
		while (nq > 0 && (go_auto || credits > 0)) {
			send_go(fd, &q[0]);
			memmove(q, q + 1, (size_t)--nq * sizeof(q[0]));
			credits -= !go_auto;
		}
	}
	close(fd);
	unlink(argv[1]);
	return 0;
}
