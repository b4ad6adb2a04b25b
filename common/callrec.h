/* callrec.h: the "call" record (docs/trace-format.md) and the stderr line of
 * one socket call, written the same way by every program that reports calls
 * (the lab's wrappers today; a tracer of other programs can fill the same
 * struct). Pure: a description in, text out through the bounded appender,
 * no I/O; the only outside input is the time zone of the stderr line. */
#ifndef SOCKLAB_CALLREC_H
#define SOCKLAB_CALLREC_H

#include <stdbool.h>
#include <stdint.h>

#include "json.h"

/* Bytes of a read or write carried in a record's "data". */
#define CALLREC_DATA_SHOWN 64

/* Who made the call: the fields every record of a lab program starts with. */
struct call_origin {
	const char *proc; /* "client", "server", or the program's name */
	int pid, tid;
	int worker;       /* a server's worker process: 1..N (echo-server --workers); 0: none */
};

/* A call's entry and return; or an asynchronous operation (io_uring): its
 * submission and its completion, written as "submit" and "complete"
 * records linked by the operation id, which is the seq (an operation takes
 * one number of the process's call counter, as a call does). A completion
 * has the exit fields. */
enum call_phase { CALL_ENTER, CALL_EXIT, CALL_SUBMIT, CALL_COMPLETE };

/* One socket call at its entry or its return. Text fields that are NULL or
 * "" are left out; the fields marked "exit" are written only on exit. */
struct call {
	struct call_origin who;
	enum call_phase phase;
	uint64_t ts_ns;       /* CLOCK_REALTIME: when it entered, or returned */
	unsigned seq;         /* per process; enter and exit share it */
	const char *name;     /* "connect" */
	int fd;               /* -1 for socket() on entry */
	const char *args;     /* as a C programmer writes them: "3, 127.0.0.1:8080" */
	const char *addr;     /* the address argument, or recvfrom's sender */
	long ret;             /* exit */
	int err;              /* exit: errno, 0 on success */
	uint64_t blocked_ns;  /* exit: how long the call took */
	const char *local;    /* exit: the socket's endpoints, when known */
	const char *peer;
	/* exit, read and write: the bytes moved (ret of them, when ret > 0);
	 * only the first CALLREC_DATA_SHOWN are read, so a tracer need copy
	 * no more. NULL for other calls. */
	const void *data;
	bool more;            /* complete: a multishot operation goes on ("more":true) */
};

/* Appends {"type":TYPE,"ts_ns":TS,"proc":...,"pid":...,"tid":... (and
 * "worker":N for a worker process; no closing brace): the start of every
 * record a lab program sends. */
void callrec_put_header(struct outbuf *o, const char *type, uint64_t ts_ns, const struct call_origin *who);

/* Appends c as one JSON record (no newline) and finishes o: returns the
 * length of o's text, or -1 when the record does not fit (never a record
 * cut short). A "call" record for CALL_ENTER and CALL_EXIT, a "submit" or
 * "complete" record (with "op" instead of "phase" and "seq") for the
 * others. */
int callrec_encode(struct outbuf *o, const struct call *c);

/* Appends the "step" record of c at its entry (docs/trace-format.md, "Step
 * control"): header, "seq", "call", "fd", "args" (and "submit":true for
 * an operation's submission, CALL_SUBMIT); the program then waits
 * for the go of that seq. Finishes o: length, or -1 when it does not fit. */
int callrec_encode_step(struct outbuf *o, const struct call *c);

/* Appends the "hello" record (docs/trace-format.md) of a program that joins
 * the lab: header, then "argv", its command line (argc words of argv,
 * joined by spaces, at most CALLREC_ARGV_SHOWN bytes, made safe as JSON
 * text). Finishes o: length, or -1 when it does not fit. */
#define CALLREC_ARGV_SHOWN 512
int callrec_encode_hello(struct outbuf *o, uint64_t ts_ns, const struct call_origin *who, int argc,
			 char *const *argv);

/* Appends the line printed to stderr as the call returns, without the
 * newline, the time of day in local time, and finishes o (length or -1):
 * 12:04:05.123456 client connect(3, 127.0.0.1:8080) = 0  local 127.0.0.1:50322  [0.105 ms]
 * A worker's lines name it after the process: "server w2 accept4(...)".
 * An operation's lines name it ("op 7"); its submission has no result yet:
 * 12:04:05.123456 server submit recv(5, buf, 4096)  op 7
 * 12:04:05.123789 server complete recv(5, buf, 4096) = 6  "hello\n"  op 7  [0.333 ms]
 * A recvfrom names its sender: addr, or the peer when no address was asked
 * for (a connected socket); neither known, no "from". */
int callrec_line(struct outbuf *o, const struct call *c);

#endif
