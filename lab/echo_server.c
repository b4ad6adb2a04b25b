/* echo_server.c: the lab's TCP echo server, the C twin of the seed's Go
 * server. Read main() from the top: socket, bind, listen, then accept in a
 * loop; serve_connection() does read, write, close. Every lab_X() is the
 * POSIX call X (calls.h): it also reports the call to stderr and to the
 * socklab UI, and with --step waits for a go-ahead first.
 *
 * The default mode gives each connection its own thread, as the seed gives
 * each one a goroutine; --mode fork and --mode iterative differ from it in
 * one place, the switch after accept; --mode epoll is in reactor.c,
 * --mode uring in proactor.c. --mode reuseport and --mode prefork run the
 * epoll reactor in several worker processes (workers.c starts them): see
 * serve_workers() below. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "calls.h"
#include "echo.h"
#include "options.h"
#include "proactor.h"
#include "reactor.h"
#include "workers.h"

static struct server_options opt;

/* --no-read: wait until the client's bytes are in our receive buffer, and
 * then close without reading them. Closing with unread data makes the
 * kernel send RST instead of FIN (RFC 9293 3.6.1, RFC 2525 2.17). */
static void wait_readable(int fd)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};

	lab_poll(&pfd, 1, -1);
}

/* --reply-at-eof: read until the client's FIN (read returns 0), and only
 * then write one reply with what was read. The client has shut down its
 * sending side by then, and still reads this reply: a half-close. */
static void reply_at_eof(int fd, const char *peer)
{
	char buf[ECHO_READ_MAX], more[ECHO_READ_MAX], reply[ECHO_REPLY_MAX];
	size_t got = 0;
	ssize_t n;

	while ((n = lab_read(fd, more, sizeof(more))) > 0) {
		size_t keep = (size_t)n < sizeof(buf) - got ? (size_t)n : sizeof(buf) - got;
		echo_print_received(peer, more, (size_t)n);
		memcpy(buf + got, more, keep);
		got += keep;
	}
	if (n < 0) {
		lab_report_error("read from", peer, errno, NULL);
		return;
	}
	/* write after the FIN: the client's direction is closed, ours is not */
	if (lab_write_all(fd, reply, echo_reply(buf, got, reply)) < 0)
		lab_report_error("write to", peer, errno, NULL);
}

/* One client connection, from accept() to close(): the seed's handler. */
static void serve_connection(int fd, const char *peer)
{
	char buf[ECHO_READ_MAX], reply[ECHO_REPLY_MAX];
	enum after_reply next = KEEP_SERVING;
	bool write_shut = false;
	int replies = 0;
	ssize_t n = 0;

	if (opt.no_read)
		wait_readable(fd);
	if (opt.reply_at_eof)
		reply_at_eof(fd, peer);
	/* read: take what has arrived from the receive buffer, waiting while it
	 * is empty; 0 means the client's FIN came: it will send no more. */
	while (!opt.no_read && !opt.reply_at_eof && (n = lab_read(fd, buf, sizeof(buf))) > 0) {
		echo_print_received(peer, buf, (size_t)n);
		if (write_shut)
			continue; /* after shutdown(SHUT_WR) we may only listen */
		/* write: copy the reply into the send buffer; the kernel sends it
		 * and retransmits it until the client's ACK covers it. */
		if (lab_write_all(fd, reply, echo_reply(buf, (size_t)n, reply)) < 0) {
			lab_report_error("write to", peer, errno, NULL);
			break;
		}
		next = echo_after_reply(&opt, ++replies);
		if (next == CLOSE_NOW)
			break;
		if (next == SHUT_WRITE) {
			/* shutdown(SHUT_WR): send FIN but keep the socket open for reading */
			lab_shutdown(fd, SHUT_WR);
			write_shut = true;
		}
	}
	if (n < 0 && !calls_stopping())
		lab_report_error("read from", peer, errno, NULL);
	/* close: release the socket; the kernel sends FIN (RST with --linger0)
	 * and, if we are the first to close, keeps the connection in TIME_WAIT. */
	echo_close(fd, opt.linger0);
	printf("connection from %s closed\n", peer);
}

struct connection {
	int fd;
	char peer[ENDPOINT_STRLEN];
};

static void *connection_thread(void *arg)
{
	struct connection *c = arg;

	serve_connection(c->fd, c->peer);
	free(c);
	return NULL;
}

/* A thread per connection. The thread blocks SIGINT, SIGTERM and the
 * SIGALRM that follows them, so the stop signal lands in the main thread's
 * accept(). */
static void start_thread(struct connection *c)
{
	static pthread_attr_t attr;
	static bool attr_ready;
	sigset_t stop, old;
	pthread_t tid;
	int err;

	if (!attr_ready) {
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		pthread_attr_setstacksize(&attr, 256 * 1024); /* thousands of threads fit */
		attr_ready = true;
	}
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &stop, &old);
	err = pthread_create(&tid, &attr, connection_thread, c);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		lab_report_error("thread for", c->peer, err, NULL);
		lab_close(c->fd);
		free(c);
	}
}

/* A process per connection: the child serves it, the parent goes back to
 * accept(). Both hold the connected socket after fork(), so the parent
 * closes its copy: the connection lives on in the child. The parent never
 * waits for its children, so SIGCHLD is ignored: the kernel then reaps them
 * at once instead of keeping a zombie per finished connection. */
static void start_process(int lfd, struct connection *c)
{
	pid_t pid;

	signal(SIGCHLD, SIG_IGN);
	pid = fork();

	if (pid == 0) {
		echo_after_fork();
		lab_close(lfd); /* the child never accepts */
		serve_connection(c->fd, c->peer);
		free(c);
		echo_finish();
		exit(0);
	}
	if (pid < 0)
		lab_report_error("fork for", c->peer, errno, NULL);
	lab_close(c->fd);
	free(c);
}

/* The accept loop of the thread, fork and iterative modes; returns when a
 * stop signal arrives. */
static void accept_loop(int lfd)
{
	while (!calls_stopping()) {
		struct sockaddr_storage peer;
		socklen_t len = sizeof(peer);
		struct connection *c;
		int fd;

		if (opt.accept_delay_ms) {
			sleep_ms(opt.accept_delay_ms); /* meanwhile the kernel completes handshakes alone */
			if (calls_stopping())
				break;
		}
		/* accept: take the next connection off the accept queue, waiting
		 * while it is empty. The kernel finished its three-way handshake
		 * already; accept only hands us a socket for it. */
		fd = lab_accept(lfd, (struct sockaddr *)&peer, &len);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE)
				sleep_ms(100); /* out of descriptors: let connections finish */
			if (!calls_stopping())
				lab_report_error("accept on", NULL, errno, NULL);
			continue;
		}
		c = malloc(sizeof(*c));
		if (!c) {
			lab_close(fd);
			continue;
		}
		c->fd = fd;
		addr_format((struct sockaddr *)&peer, len, c->peer, sizeof(c->peer));
		switch (opt.mode) {
		case MODE_THREAD: start_thread(c); break;
		case MODE_FORK: start_process(lfd, c); break;
		default: /* MODE_ITERATIVE: the next client waits in the accept queue */
			serve_connection(c->fd, c->peer);
			free(c);
		}
	}
}

/* --udp: one socket for every client; each datagram says who sent it. */
static void serve_udp(int fd)
{
	char buf[ECHO_READ_MAX], reply[ECHO_REPLY_MAX], peer[ENDPOINT_STRLEN];

	while (!calls_stopping()) {
		struct sockaddr_storage from;
		socklen_t len = sizeof(from);
		/* recvfrom: one whole datagram and its sender; no handshake came first */
		ssize_t n = lab_recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);

		if (n < 0)
			continue;
		addr_format((struct sockaddr *)&from, len, peer, sizeof(peer));
		echo_print_received(peer, buf, (size_t)n);
		/* sendto: one datagram back to that sender; nothing checks it arrives */
		lab_sendto(fd, reply, echo_reply(buf, (size_t)n, reply), 0, (struct sockaddr *)&from, len);
	}
}

static const char *bind_hint(int err)
{
	switch (err) {
	case EADDRINUSE: return "is another server running?";
	case EACCES: return "ports below 1024 need root";
	case EADDRNOTAVAIL: return "that address is not one of this machine's";
	default: return NULL;
	}
}


/* socket, setsockopt, bind and (TCP) listen: the server's socket, ready
 * for clients; -1 when a step failed (said on stderr). */
static int open_listener(const struct sockaddr_storage *addr, socklen_t addrlen, const char *where)
{
	int one = 1, fd;

	/* socket: a new endpoint in the kernel; nothing goes on the wire yet. */
	fd = lab_socket(addr->ss_family, opt.udp ? SOCK_DGRAM : SOCK_STREAM, 0);
	if (fd < 0) {
		lab_report_error("socket", NULL, errno, NULL);
		return -1;
	}
	/* setsockopt SO_REUSEADDR: bind even while old connections on this port
	 * sit in TIME_WAIT, so the server can restart at once. */
	lab_setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* setsockopt SO_REUSEPORT (--mode reuseport): several sockets of this
	 * user may bind the same port; the kernel gives each new connection to
	 * one of them, chosen by a hash of its addresses and ports. */
	if (opt.mode == MODE_REUSEPORT)
		lab_setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	/* bind: claim the address and port that clients will connect to. */
	if (lab_bind(fd, (const struct sockaddr *)addr, addrlen) < 0) {
		lab_report_error("bind", where, errno, bind_hint(errno));
		lab_close(fd);
		return -1;
	}
	/* listen: the socket turns passive. From now on the kernel answers
	 * SYNs by itself: half-open connections wait in the SYN queue,
	 * finished ones in the accept queue (at most backlog of them). */
	if (!opt.udp && lab_listen(fd, opt.backlog) < 0) {
		lab_report_error("listen on", where, errno, NULL);
		lab_close(fd);
		return -1;
	}
	return fd;
}

struct listener {
	const struct sockaddr_storage *addr;
	socklen_t addrlen;
	const char *where;
	int fd; /* prefork: the one listening socket every worker shares */
};

/* One worker process. reuseport: it opens a listening socket of its own on
 * the same port. prefork: it serves the socket its parent opened, which
 * fork() handed to every worker. Either way: its own epoll reactor. */
static int serve_worker(int worker, void *ctx)
{
	struct listener *l = ctx;
	int fd = l->fd;

	(void)worker;
	if (opt.mode == MODE_REUSEPORT && (fd = open_listener(l->addr, l->addrlen, l->where)) < 0)
		return 1;
	workers_ready();
	reactor_serve(fd, &opt);
	lab_close(fd); /* prefork: this worker's reference; the socket lives on in the others */
	return 0;
}

/* --mode reuseport and prefork: opt.workers processes; returns the exit
 * status. l->fd is the shared listening socket (prefork) or -1. */
static int serve_workers(struct listener *l)
{
	char line[160];

	snprintf(line, sizeof(line), "echo-server: listening on %s (%s mode, %d workers%s)", l->where,
		 serve_mode_name(opt.mode), opt.workers, opt.herd ? ", herd: no EPOLLEXCLUSIVE" : "");
	return workers_run(opt.workers, serve_worker, l, line);
}

int main(int argc, char **argv)
{
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char err[256], where[ENDPOINT_STRLEN];
	int fd, rc;

	rc = server_options_parse(argc, argv, &opt, err, sizeof(err));
	if (rc != 0)
		return echo_usage_exit(rc, "echo-server", server_usage, err);
	if (echo_resolve("echo-server", opt.bind_addr, opt.port, opt.udp, &addr, &addrlen, where, sizeof(where)) < 0)
		return 2;
	echo_raise_fd_limit();
	echo_start("echo-server", "server", opt.quiet, opt.events_path, opt.step, argc, argv);
	calls_catch_stop_signals();
	rc = 2;
	if ((opt.mode == MODE_REUSEPORT || opt.mode == MODE_PREFORK) && echo_step_needs_lab("echo-server"))
		goto out;

	if (opt.mode == MODE_REUSEPORT) { /* each worker opens its own socket */
		rc = serve_workers(&(struct listener){&addr, addrlen, where, -1});
		goto out;
	}
	rc = 1;
	fd = open_listener(&addr, addrlen, where);
	if (fd < 0)
		goto out;
	if (opt.udp) {
		printf("echo-server: UDP on %s\n", where);
		serve_udp(fd);
		rc = 0;
	} else if (opt.mode == MODE_PREFORK) { /* opened before fork: shared */
		rc = serve_workers(&(struct listener){&addr, addrlen, where, fd});
	} else {
		printf("echo-server: listening on %s (%s mode)\n", where, serve_mode_name(opt.mode));
		rc = 0;
		if (opt.mode == MODE_EPOLL)
			reactor_serve(fd, &opt);
		else if (opt.mode == MODE_URING)
			rc = proactor_serve(fd, &opt) < 0 ? 1 : 0; /* < 0: this kernel refuses io_uring */
		else
			accept_loop(fd);
	}
	/* close the listening socket: connections still in the accept queue,
	 * never accepted, are reset. */
	lab_close(fd);
out:
	echo_finish();
	return rc;
}
