/* calldecode.h: a system call of a traced program, turned into the lab's
 * "call" record (common/callrec.h). Pure: the number, the arguments and
 * the result come in, and what the tracee's memory and the kernel say about
 * its descriptors comes through struct run_tracee, which the ptrace edge
 * (trace.c) fills and the unit tests fake. The descriptor table (fdtable.h)
 * decides which calls are reported: those on AF_INET/AF_INET6 sockets, and
 * the poll, select and epoll calls that wait on them. */
#ifndef SOCKLAB_RUN_CALLDECODE_H
#define SOCKLAB_RUN_CALLDECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "callrec.h"
#include "endpoint.h"
#include "fdtable.h"
#include "syscalls.h"

/* The tracee, as the decoder may ask about it. */
struct run_tracee {
	void *ctx;
	/* Copies n bytes at addr of the tracee's memory into buf: 0, or -1. */
	int (*peek)(void *ctx, uint64_t addr, void *buf, size_t n);
	/* What the tracee's fd is, asked of the kernel (FD_INET, FD_EPOLL or
	 * FD_OTHER; FD_UNKNOWN when it cannot tell). */
	enum fd_kind (*classify)(void *ctx, int fd);
	/* The endpoints of the tracee's socket fd ("" each when not known). */
	void (*endpoints)(void *ctx, int fd, char local[ENDPOINT_STRLEN], char peer[ENDPOINT_STRLEN]);
};

/* One call from its entry to its exit: what the records carry, owning its
 * text. Make it with calldecode_enter, finish it with calldecode_exit. */
struct run_call {
	enum run_sys sys;
	uint64_t a[6];        /* the arguments */
	bool report;          /* a record goes to the lab */
	bool needs_exit;      /* the exit changes the table or the record */
	enum run_role role;   /* of the socket ("proc"); RUN_ROLE_NONE: not known yet */
	int fd;
	char args[192];
	char addr[ENDPOINT_STRLEN];
	char local[ENDPOINT_STRLEN], peer[ENDPOINT_STRLEN];
	long ret;
	int err;
	unsigned char data[CALLREC_DATA_SHOWN];
	bool has_data;
};

/* The entry of system call nr with arguments a: fills c. After it,
 * c->needs_exit says whether calldecode_exit must see the call's return
 * (false: the tracee may run on without an exit stop). */
void calldecode_enter(struct fdtable *t, const struct run_tracee *tr, long nr, const uint64_t a[6],
		      struct run_call *c);

/* The exit: ret is the kernel's return value (a negative errno on error).
 * Updates the table and the record's result, endpoints and data. */
void calldecode_exit(struct fdtable *t, const struct run_tracee *tr, struct run_call *c, long ret);

/* True when ret is one of the kernel's restart codes (ERESTARTSYS,
 * ERESTARTNOINTR, ERESTARTNOHAND, ERESTART_RESTARTBLOCK): the call was
 * interrupted by a signal, and what the program sees is still to come
 * (EINTR, or the same call restarted). calldecode_exit writes it EINTR. */
bool calldecode_restarting(long ret);

/* A sockaddr of len bytes (in this process's memory) as "127.0.0.1:8080";
 * "" when it is no AF_INET/AF_INET6 address. */
void calldecode_endpoint_text(const void *sa, size_t len, char buf[ENDPOINT_STRLEN]);

/* The record of c in the lab's struct call (pointing into c): phase, name,
 * fd, args, addr and, at exit, ret, errno, endpoints and data. The caller
 * sets who, seq, ts_ns and blocked_ns. */
struct call calldecode_record(const struct run_call *c, enum call_phase phase);

#endif
