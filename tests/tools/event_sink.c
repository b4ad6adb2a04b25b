/* event_sink: listens on an event channel path the way the UI does and
 * prints every record it receives as one line on stdout. Step records wait
 * until released: with --go-auto at once, otherwise one per line read on
 * stdin (a line read before the step comes releases it on arrival). Lets
 * shell tests see and drive the lab programs.
 *
 *   event_sink PATH [--go-auto]
 * Each lab program connects (SOCK_SEQPACKET); the go for a step goes back on
 * the connection it came on. Runs until SIGINT or SIGTERM, then removes PATH. */
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
#define CONNS_MAX 256

struct pending_step {
	long long seq;
	int conn; /* the connection the step came on: its go goes back there */
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void send_go(const struct pending_step *p)
{
	char msg[64];
	int len = snprintf(msg, sizeof(msg), "{\"type\":\"go\",\"seq\":%lld}", p->seq);

	if (send(p->conn, msg, (size_t)len, MSG_NOSIGNAL) < 0)
		fprintf(stderr, "event_sink: go %lld: %s\n", p->seq, strerror(errno));
}

/* A step record goes to the queue of calls waiting for their go. */
static void queue_step(const char *buf, size_t len, int conn, struct pending_step *q, int *nq)
{
	json_t *rec = json_loadb(buf, len, 0, NULL);
	const char *type = json_string_value(json_object_get(rec, "type"));
	int is_step = type && strcmp(type, "step") == 0 && *nq < PENDING_MAX;

	if (is_step) {
		q[*nq].seq = json_integer_value(json_object_get(rec, "seq"));
		q[*nq].conn = conn;
		(*nq)++;
	}
	json_decref(rec);
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct pending_step q[PENDING_MAX];
	struct pollfd fds[CONNS_MAX + 2];
	int nq = 0, go_auto = argc > 2 && strcmp(argv[2], "--go-auto") == 0;
	int fd, stdin_open = !go_auto, credits = 0, nconns = 0;
	char buf[4096];

	if (argc < 2 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: event_sink PATH [--go-auto]\n");
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	strcpy(sa.sun_path, argv[1]);
	unlink(argv[1]);
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 64) < 0) {
		fprintf(stderr, "event_sink: listen %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* fds[0] listens, fds[1] is stdin, then one per connection */
	while (!stop) {
		fds[0] = (struct pollfd){.fd = fd, .events = POLLIN};
		fds[1] = (struct pollfd){.fd = stdin_open ? 0 : -1, .events = POLLIN};
		if (poll(fds, (nfds_t)(nconns + 2), -1) < 0)
			continue;
		if ((fds[0].revents & POLLIN) && nconns < CONNS_MAX) {
			int c = accept(fd, NULL, NULL);

			if (c >= 0)
				fds[2 + nconns++] = (struct pollfd){.fd = c, .events = POLLIN};
		}
		for (int i = 0; i < nconns; i++) {
			struct pollfd *p = &fds[2 + i];
			ssize_t n;

			if (!(p->revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = recv(p->fd, buf, sizeof(buf) - 1, 0);
			if (n > 0) {
				buf[n] = '\0';
				printf("%s\n", buf);
				queue_step(buf, (size_t)n, p->fd, q, &nq);
			} else if (n == 0 || errno != EINTR) {
				close(p->fd);
				p->fd = -1; /* kept in place: a pending go to it fails quietly */
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
			send_go(&q[0]);
			memmove(q, q + 1, (size_t)--nq * sizeof(q[0]));
			credits -= !go_auto;
		}
	}
	for (int i = 0; i < nconns; i++)
		if (fds[2 + i].fd >= 0)
			close(fds[2 + i].fd);
	close(fd);
	unlink(argv[1]);
	return 0;
}
