/* proactor.c: the io_uring mode, a proactor.
 *
 * The epoll mode (reactor.c) is a reactor: the kernel tells it "this socket
 * is ready", and the program then makes the read() or write() itself. A
 * proactor hands the kernel the whole operation up front, "receive from this
 * socket into this buffer", and is told later "done: here is what was
 * received". The operations go into a ring of memory the program shares with
 * the kernel (the submission queue); their results come back in another (the
 * completion queue). One system call, io_uring_enter(), hands the kernel what
 * was queued and sleeps until a result is there. So this server makes no
 * accept(), read() or write() calls: the kernel does that work inside
 * io_uring_enter, or when data arrives.
 *
 * Read proactor_serve() from the top: set up the ring, submit one accept
 * that goes on accepting (multishot), then the loop: enter the kernel, and
 * for each completion submit that connection's next operation:
 *   accept done -> recv;  recv done -> send the reply;  send done -> recv;
 *   recv = 0 (the client's FIN) -> close;  close done -> forget it.
 * A connection has one operation in flight at a time, like the thread of the
 * default mode, which is also always in one call. */
#include "proactor.h"

#include <errno.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "calls.h"
#include "echo.h"
#include "errtext.h"

#define RING_ENTRIES 1024 /* submission queue slots; the completion queue has twice as many */

enum op_kind { OP_ACCEPT, OP_RECV, OP_SEND, OP_CLOSE };

struct conn;

/* One operation in flight. Its address travels with it through the kernel
 * (the submission's user_data comes back in its completion), so a
 * completion says which operation of which connection is done. */
struct op {
	enum op_kind kind;
	struct conn *c;       /* NULL for the accept */
	struct lab_op report; /* the lab's submit/complete records (calls.h) */
};

struct conn {
	int fd;
	int replies;
	struct op op;            /* the one operation in flight */
	size_t out_len, out_off; /* the reply, and how much of it is sent */
	char in[ECHO_READ_MAX];  /* the kernel receives into this... */
	char out[ECHO_REPLY_MAX];/* ...and sends from this, while we do other things */
	char peer[ENDPOINT_STRLEN];
	struct conn *prev, *next; /* every open connection, freed at stop */
};

struct proactor {
	struct io_uring ring;
	int lfd;
	const struct server_options *opt;
	struct op accept_op;
	struct conn *conns;
};

/* Each submit_X() below takes a free entry of the submission queue (the
 * loop takes completions only while there is room for what they lead to),
 * prepares the operation in it, and gives it the operation's address
 * (user_data), which comes back in its completion. The kernel sees the
 * entry at the next io_uring_enter. */

/* accept, multishot: one submission, and a completion for every connection
 * the kernel accepts from then on, each with the new socket's fd. */
static void submit_accept(struct proactor *p)
{
	struct io_uring_sqe *sqe;

	p->accept_op.kind = OP_ACCEPT;
	lab_submit(&p->accept_op.report, "accept", p->lfd, "%d, multishot", p->lfd);
	sqe = io_uring_get_sqe(&p->ring);
	io_uring_prep_multishot_accept(sqe, p->lfd, NULL, NULL, 0);
	io_uring_sqe_set_data(sqe, &p->accept_op);
}

/* recv: "when data comes, copy it into c->in". Nothing is read now; the
 * kernel does it when the client's bytes arrive. */
static void submit_recv(struct proactor *p, struct conn *c)
{
	struct io_uring_sqe *sqe;

	c->op.kind = OP_RECV;
	lab_submit(&c->op.report, "recv", c->fd, "%d, buf, %zu, 0", c->fd, sizeof(c->in));
	sqe = io_uring_get_sqe(&p->ring);
	io_uring_prep_recv(sqe, c->fd, c->in, sizeof(c->in), 0);
	io_uring_sqe_set_data(sqe, &c->op);
}

/* send: "copy what is left of the reply into the send buffer". */
static void submit_send(struct proactor *p, struct conn *c)
{
	struct io_uring_sqe *sqe;

	c->op.kind = OP_SEND;
	lab_submit(&c->op.report, "send", c->fd, "%d, buf, %zu, 0", c->fd, c->out_len - c->out_off);
	sqe = io_uring_get_sqe(&p->ring);
	io_uring_prep_send(sqe, c->fd, c->out + c->out_off, c->out_len - c->out_off, 0);
	io_uring_sqe_set_data(sqe, &c->op);
}

/* close: as close() would, the kernel sends FIN (RST with --linger0). */
static void submit_close(struct proactor *p, struct conn *c)
{
	struct io_uring_sqe *sqe;

	if (p->opt->linger0)
		echo_linger0(c->fd);
	c->op.kind = OP_CLOSE;
	lab_submit(&c->op.report, "close", c->fd, "%d", c->fd);
	sqe = io_uring_get_sqe(&p->ring);
	io_uring_prep_close(sqe, c->fd);
	io_uring_sqe_set_data(sqe, &c->op);
}

static void conn_forget(struct proactor *p, struct conn *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		p->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	free(c);
}

/* A new connection (res is its fd): start receiving on it. */
static void accept_done(struct proactor *p, int res, bool more)
{
	struct conn *c;

	if (!more && !calls_stopping())
		submit_accept(p); /* the kernel ended the multishot accept: start another */
	if (res < 0) {
		if (!calls_stopping())
			lab_report_error("accept on", NULL, -res, NULL);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		lab_close(res);
		return;
	}
	c->fd = res;
	c->op.c = c;
	addr_peer(res, c->peer, sizeof(c->peer));
	c->next = p->conns;
	if (p->conns)
		p->conns->prev = c;
	p->conns = c;
	submit_recv(p, c);
}

/* res bytes are in c->in already: the kernel read them for us. */
static void recv_done(struct proactor *p, struct conn *c, int res)
{
	if (res <= 0) { /* 0: the client's FIN; < 0: an error */
		if (res < 0)
			lab_report_error("recv from", c->peer, -res, NULL);
		submit_close(p, c);
		return;
	}
	echo_print_received(c->peer, c->in, (size_t)res);
	c->out_len = echo_reply(c->in, (size_t)res, c->out);
	c->out_off = 0;
	c->replies++;
	submit_send(p, c);
}

/* res bytes of the reply went into the send buffer. */
static void send_done(struct proactor *p, struct conn *c, int res)
{
	if (res < 0) {
		lab_report_error("send to", c->peer, -res, NULL);
		submit_close(p, c);
		return;
	}
	c->out_off += (size_t)res;
	if (c->out_off < c->out_len)
		submit_send(p, c); /* the send buffer took part of it: the rest */
	else if (echo_after_reply(p->opt, c->replies) == CLOSE_NOW)
		submit_close(p, c); /* --close-first, --linger0 */
	else
		submit_recv(p, c);
}

/* One completion: which operation is done, and what came of it. */
static void completed(struct proactor *p, struct io_uring_cqe *cqe)
{
	struct op *op = io_uring_cqe_get_data(cqe);
	bool more = cqe->flags & IORING_CQE_F_MORE; /* a multishot operation goes on */
	struct conn *c = op->c;

	lab_complete(&op->report, cqe->res, c ? (op->kind == OP_SEND ? c->out + c->out_off : c->in) : NULL, more);
	switch (op->kind) {
	case OP_ACCEPT: accept_done(p, cqe->res, more); break;
	case OP_RECV: recv_done(p, c, cqe->res); break;
	case OP_SEND: send_done(p, c, cqe->res); break;
	case OP_CLOSE:
		printf("connection from %s closed\n", c->peer);
		conn_forget(p, c);
		break;
	}
}

/* kernel.io_uring_disabled (Linux 6.6): 0 allowed, 1 only root and the
 * group kernel.io_uring_group, 2 nobody; -1 when there is no such file. */
static int io_uring_disabled_sysctl(void)
{
	FILE *f = fopen("/proc/sys/kernel/io_uring_disabled", "r");
	int v = -1;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

void proactor_setup_error(int err, int disabled, char *buf, size_t n)
{
	if (err == ENOSYS)
		snprintf(buf, n, "io_uring_setup: this kernel has no io_uring (ENOSYS): use --mode epoll");
	else if (err == EPERM && disabled == 2)
		snprintf(buf, n, "io_uring_setup: io_uring is disabled on this machine (kernel.io_uring_disabled = 2): "
			 "use --mode epoll, or as root: sysctl -w kernel.io_uring_disabled=0");
	else if (err == EPERM && disabled == 1)
		snprintf(buf, n, "io_uring_setup: only root and the group kernel.io_uring_group may use io_uring here "
			 "(kernel.io_uring_disabled = 1): use --mode epoll");
	else
		snprintf(buf, n, "io_uring_setup: %s", errtext(err));
}

/* The accept still in flight holds the listening socket. A ring torn down
 * with it is cleaned up later by a kernel worker, and until then the port
 * stays bound: a server started on it as soon as this one has exited got
 * "address already in use" (33 times in 40 here). Cancelled synchronously
 * (Linux 6.0), the kernel lets go of the socket before exit. On an older
 * kernel this fails and the teardown does it, later. */
static void cancel_in_flight(struct io_uring *ring)
{
	struct io_uring_sync_cancel_reg all = {.fd = -1, .flags = IORING_ASYNC_CANCEL_ANY,
					       .timeout = {.tv_sec = 1, .tv_nsec = 0}};

	(void)io_uring_register_sync_cancel(ring, &all);
}

int proactor_serve(int lfd, const struct server_options *o)
{
	struct proactor p = {.lfd = lfd, .opt = o};
	struct io_uring_cqe *cqe;
	char err[256];
	int ret;

	/* io_uring_setup (in io_uring_queue_init): the two rings, shared with
	 * the kernel */
	ret = io_uring_queue_init(RING_ENTRIES, &p.ring, 0);
	if (ret < 0) {
		proactor_setup_error(-ret, io_uring_disabled_sysctl(), err, sizeof(err));
		fprintf(stderr, "echo-server: %s\n", err);
		return -1;
	}
	/* stdout is written once per round of completions, not once per message */
	setvbuf(stdout, NULL, _IOFBF, BUFSIZ);
	submit_accept(&p);
	while (!calls_stopping()) {
		/* io_uring_enter: hand the kernel what we queued, sleep until at
		 * least one operation is done */
		ret = lab_io_uring_enter(&p.ring);
		if (ret < 0 && ret != -EINTR) {
			lab_report_error("io_uring_enter", NULL, -ret, NULL);
			break;
		}
		/* a completion queues at most two new operations (an accept
		 * that ended: a new accept and the connection's recv): take
		 * completions while the submission queue has room for them */
		while (io_uring_sq_space_left(&p.ring) > 1 && io_uring_peek_cqe(&p.ring, &cqe) == 0) {
			completed(&p, cqe);
			io_uring_cqe_seen(&p.ring, cqe); /* its slot is the kernel's again */
		}
		fflush(stdout);
	}
	/* stop: cancel what is still in flight and wait until it is, then tear
	 * the ring down and close the connections as the other modes do. */
	cancel_in_flight(&p.ring);
	io_uring_queue_exit(&p.ring);
	while (p.conns) {
		if (p.conns->op.kind != OP_CLOSE) /* a close in flight may have closed it */
			echo_close(p.conns->fd, o->linger0);
		printf("connection from %s closed\n", p.conns->peer);
		conn_forget(&p, p.conns);
	}
	fflush(stdout);
	return 0;
}
