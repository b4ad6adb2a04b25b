/* options.h: the command lines of echo-server and echo-client (docs/lab.md
 * lists every flag). Parsing is pure: argv in, a struct out. */
#ifndef SOCKLAB_LAB_OPTIONS_H
#define SOCKLAB_LAB_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

enum serve_mode {
	MODE_THREAD,    /* one thread per connection (the seed's goroutines) */
	MODE_FORK,      /* one process per connection */
	MODE_ITERATIVE, /* one connection at a time */
	MODE_EPOLL,     /* one thread, an epoll reactor */
	MODE_REUSEPORT, /* --workers processes, each its own SO_REUSEPORT listening socket and reactor */
	MODE_PREFORK,   /* --workers processes sharing one listening socket, each its own reactor */
	MODE_URING,     /* one thread, an io_uring proactor */
};

#define WORKERS_MAX 64
#define BENCH_THREADS_MAX 64

/* "thread", "fork", "iterative", "epoll", "reuseport", "prefork", "uring": the --mode names. */
const char *serve_mode_name(enum serve_mode m);


enum close_how {
	CLOSE_FIN,      /* close(): FIN */
	CLOSE_SHUTDOWN, /* shutdown(SHUT_WR), read to EOF, then close() */
	CLOSE_RST,      /* SO_LINGER {1, 0}, then close(): RST */
};

#define MAX_MESSAGES 64

struct server_options {
	const char *bind_addr; /* "127.0.0.1" */
	const char *port;      /* "8080" */
	enum serve_mode mode;
	int backlog;
	int accept_delay_ms;
	bool close_first;      /* close after the first reply: the server ends in TIME_WAIT */
	bool linger0;          /* close after the first reply with RST */
	bool no_read;          /* close with the client's data unread: RST */
	bool half_close;       /* --shutdown: shutdown(SHUT_WR) after the first reply, keep reading */
	bool reply_at_eof;     /* read to the client's FIN, then reply once and close */
	bool udp;
	bool quiet, step;
	const char *events_path;
	int workers;           /* reuseport, prefork: processes (default 4) */
	bool herd;             /* prefork: register the listening socket without EPOLLEXCLUSIVE */
};

struct client_options {
	const char *host;      /* "127.0.0.1" */
	const char *port;      /* "8080" */
	const char *messages[MAX_MESSAGES];
	int nmessages;
	int count;             /* times the messages are sent; 0: interactive */
	enum close_how close_how;
	bool half_close;       /* send, shutdown(SHUT_WR), then read the replies to EOF */
	int hold_ms;
	int bind_port;         /* -1: the kernel picks */
	bool udp;
	bool quiet, step;
	const char *events_path;
	bool bench, reconnect;
	int conns;
	long requests;
	int threads;           /* --bench: threads sharing the connections (1) */
};

/* Each returns 0 (run), 1 (--help was asked: print the usage) or -1 with a
 * one-line message in err. */
int server_options_parse(int argc, char **argv, struct server_options *o, char *err, size_t n);
int client_options_parse(int argc, char **argv, struct client_options *o, char *err, size_t n);

extern const char server_usage[];
extern const char client_usage[];

#endif
