/* echo_client.c: the lab's echo client, the C twin of the seed's Go client.
 * Read main() from the top: socket, connect, then write a message and read
 * the reply, again and again, then close. Every lab_X() is the POSIX call X
 * (calls.h): it also reports the call to stderr and to the socklab UI, and
 * with --step waits for a go-ahead first.
 *
 * Interactive by default (a line typed is sent, q quits); -m sends given
 * messages; --bench hands over to bench.c. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "addr.h"
#include "bench.h"
#include "calls.h"
#include "echo.h"
#include "options.h"

#define UDP_WAIT_MS 2000

static struct client_options opt;
static char server[ENDPOINT_STRLEN]; /* "127.0.0.1:8080", for messages */

/* Where the messages come from: -m (each --count times) or stdin. */
struct message_source {
	int next, round;
	char *line;
	size_t cap;
};

/* The next message, or NULL when done: the script ran out, or end of input,
 * or the user typed q or Q (as in the seed). */
static const char *next_message(struct message_source *src)
{
	ssize_t len;

	if (opt.count) {
		const char *msg;
		if (src->round == opt.count)
			return NULL;
		msg = opt.messages[src->next++];
		if (src->next == opt.nmessages) {
			src->next = 0;
			src->round++;
		}
		return msg;
	}
	len = getline(&src->line, &src->cap, stdin);
	if (len < 0)
		return NULL;
	src->line[strcspn(src->line, "\r\n")] = '\0';
	if (strcmp(src->line, "q") == 0 || strcmp(src->line, "Q") == 0)
		return NULL;
	return src->line;
}

/* Reads until the whole reply is in; returns its length, 0 when the server
 * closed first, -1 on error. */
static ssize_t read_reply(int fd, char *buf, size_t want)
{
	size_t got = 0;

	while (got < want) {
		/* read: wait for the reply's bytes to reach our receive buffer */
		ssize_t n = lab_read(fd, buf + got, want - got);
		if (n <= 0)
			return got ? (ssize_t)got : n;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* Sends msg, prints the reply. Returns -1 when the connection is unusable. */
static int exchange_tcp(int fd, const char *msg)
{
	char reply[ECHO_REPLY_MAX];
	size_t len = strnlen(msg, ECHO_READ_MAX);
	ssize_t n;

	/* write: hand the bytes to the kernel, which sends them as segments */
	if (lab_write_all(fd, msg, len) < 0) {
		lab_report_error("write to", server, errno, errno == EPIPE ? "the server closed the connection" : NULL);
		return -1;
	}
	n = read_reply(fd, reply, ECHO_PREFIX_LEN + len);
	if (n < 0) {
		lab_report_error("read from", server, errno, NULL);
		return -1;
	}
	if (n == 0)
		printf("reply: none, the server closed its side (EOF)\n");
	else
		printf("reply: %.*s\n", (int)n, reply);
	return 0;
}

/* --hold: stay connected, but notice when the server closes or resets. */
static void hold(int fd)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	char buf[ECHO_REPLY_MAX];
	ssize_t n;

	if (lab_poll(&pfd, 1, opt.hold_ms) <= 0)
		return;
	n = lab_read(fd, buf, sizeof(buf));
	if (n == 0)
		printf("the server closed the connection (EOF)\n");
	else if (n < 0)
		lab_report_error("read from", server, errno, NULL);
	else
		printf("reply: %.*s\n", (int)n, buf);
}

/* --close: how the client ends the connection. */
static void finish(int fd)
{
	char buf[ECHO_REPLY_MAX];

	if (opt.close_how == CLOSE_SHUTDOWN) {
		/* shutdown(SHUT_WR): send FIN, yet keep reading until the server's FIN */
		lab_shutdown(fd, SHUT_WR);
		while (lab_read(fd, buf, sizeof(buf)) > 0)
			;
	}
	/* close: the kernel sends FIN (RST with --close rst); the side that
	 * closes first keeps the connection in TIME_WAIT for 60 s. */
	echo_close(fd, opt.close_how == CLOSE_RST);
}

/* --half-close: send every message, then shutdown(SHUT_WR): our FIN says
 * the request is complete. Our direction is closed, the server's is not:
 * read what it sends after our FIN until its own FIN (read returns 0). */
static int half_close(int fd)
{
	struct message_source src = {0};
	char reply[ECHO_REPLY_MAX];
	const char *msg;
	ssize_t n = 0;
	int rc = 0;

	while (rc == 0 && (msg = next_message(&src)) != NULL)
		if (lab_write_all(fd, msg, strnlen(msg, ECHO_READ_MAX)) < 0) {
			lab_report_error("write to", server, errno, NULL);
			rc = 1;
		}
	free(src.line);
	/* shutdown(SHUT_WR): send FIN, no more data from us; reading goes on */
	if (rc == 0 && lab_shutdown(fd, SHUT_WR) < 0) {
		lab_report_error("shutdown", server, errno, NULL);
		rc = 1;
	}
	while (rc == 0 && (n = lab_read(fd, reply, sizeof(reply))) > 0)
		printf("reply: %.*s\n", (int)n, reply);
	if (rc == 0 && n < 0) {
		lab_report_error("read from", server, errno, NULL);
		rc = 1;
	}
	if (rc == 0)
		printf("the server closed its side too (EOF)\n");
	lab_close(fd);
	return rc;
}

/* --bind-port: a fixed local port instead of the one connect() would pick. */
static int bind_local_port(int fd, int family)
{
	struct sockaddr_storage local = {.ss_family = (sa_family_t)family};
	char where[ENDPOINT_STRLEN];
	socklen_t len = family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);

	((struct sockaddr_in *)&local)->sin_port = htons((uint16_t)opt.bind_port); /* same place in sockaddr_in6 */
	if (lab_bind(fd, (struct sockaddr *)&local, len) == 0)
		return 0;
	lab_report_error("bind", addr_format((struct sockaddr *)&local, len, where, sizeof(where)), errno,
			 errno == EADDRINUSE ? "is the last connection from this port still in TIME_WAIT? see ss -tan" : NULL);
	return -1;
}

static const char *connect_hint(int err)
{
	switch (err) {
	case ECONNREFUSED: return "is echo-server running?";
	case ETIMEDOUT: return "no answer to our SYN";
	case EADDRNOTAVAIL: return "no local port left: too many connections in TIME_WAIT?";
	case EADDRINUSE: return "this local port and server are still in TIME_WAIT";
	default: return NULL;
	}
}

static int talk_tcp(const struct sockaddr *addr, socklen_t addrlen)
{
	struct message_source src = {0};
	char local[ENDPOINT_STRLEN];
	const char *msg;
	int fd, rc = 0;

	/* socket: a new endpoint in the kernel; nothing goes on the wire yet. */
	fd = lab_socket(addr->sa_family, SOCK_STREAM, 0);
	if (fd < 0) {
		lab_report_error("socket", NULL, errno, NULL);
		return 1;
	}
	if (opt.bind_port > 0 && bind_local_port(fd, addr->sa_family) < 0) {
		lab_close(fd);
		return 1;
	}
	/* connect: the kernel picks a free local port (unless we bound one),
	 * sends SYN and returns once the server's SYN|ACK came and our ACK went
	 * out: the three-way handshake, done by the kernel. */
	if (lab_connect(fd, addr, addrlen) < 0) {
		lab_report_error("connect", server, errno, connect_hint(errno));
		lab_close(fd);
		return 1;
	}
	addr_local(fd, local, sizeof(local));
	printf("connected to %s from %s\n", server, local);
	if (opt.half_close)
		return half_close(fd);
	while ((msg = next_message(&src)) != NULL) {
		if (*msg == '\0')
			continue; /* an empty write sends nothing, and no reply would come */
		if (exchange_tcp(fd, msg) < 0) {
			rc = 1;
			break;
		}
	}
	free(src.line);
	if (opt.hold_ms && rc == 0)
		hold(fd);
	finish(fd);
	return rc;
}

/* --udp: no connection. Each message is one datagram to the server and the
 * reply one datagram back, if it comes at all. */
static int talk_udp(const struct sockaddr *addr, socklen_t addrlen)
{
	struct message_source src = {0};
	char reply[ECHO_REPLY_MAX];
	const char *msg;
	int fd;

	fd = lab_socket(addr->sa_family, SOCK_DGRAM, 0);
	if (fd < 0) {
		lab_report_error("socket", NULL, errno, NULL);
		return 1;
	}
	while ((msg = next_message(&src)) != NULL) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		struct sockaddr_storage from;
		socklen_t fromlen = sizeof(from);
		ssize_t n;

		/* sendto: one datagram, straight away: no handshake before it */
		if (lab_sendto(fd, msg, strnlen(msg, ECHO_READ_MAX), 0, addr, addrlen) < 0) {
			lab_report_error("sendto", server, errno, NULL);
			break;
		}
		/* poll: UDP neither retransmits nor reports a loss, so wait a while */
		if (lab_poll(&pfd, 1, UDP_WAIT_MS) <= 0) {
			printf("reply: none within %d ms (is echo-server --udp running?)\n", UDP_WAIT_MS);
			continue;
		}
		n = lab_recvfrom(fd, reply, sizeof(reply), 0, (struct sockaddr *)&from, &fromlen);
		if (n >= 0)
			printf("reply: %.*s\n", (int)n, reply);
	}
	free(src.line);
	lab_close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char err[256];
	int rc;

	rc = client_options_parse(argc, argv, &opt, err, sizeof(err));
	if (rc != 0)
		return echo_usage_exit(rc, "echo-client", client_usage, err);
	if (echo_resolve("echo-client", opt.host, opt.port, opt.udp, &addr, &addrlen, server, sizeof(server)) < 0)
		return 2;
	echo_start("echo-client", "client", opt.quiet, opt.events_path, opt.step, argc, argv);

	if (opt.bench)
		rc = bench_run(&opt, (struct sockaddr *)&addr, addrlen);
	else if (opt.udp)
		rc = talk_udp((struct sockaddr *)&addr, addrlen);
	else
		rc = talk_tcp((struct sockaddr *)&addr, addrlen);

	echo_finish();
	return rc;
}
