/* records.h: one socklab record (docs/trace-format.md) as the UI keeps it:
 * what the timeline stores, the recording reads back and every view shows.
 * event_parse.h fills them from JSON lines and tracer events. */
#ifndef SOCKLAB_UI_RECORDS_H
#define SOCKLAB_UI_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "endpoint.h"
#include "tcpfsm.h"

enum ui_event_type {
	UEV_OTHER,    /* a type the UI does not use (kernel, go, future types) */
	UEV_PACKET,
	UEV_STATE,
	UEV_CALL,
	UEV_STEP,
	UEV_HELLO,
	UEV_CONN_END,
	UEV_STATS,
	UEV_ICMP,
	UEV_ARP,      /* an ARP request or reply (decode.h's struct arp_packet) */
	UEV_KERNEL,   /* a two-host wire's kernel view: an endpoint sent something again */
};

#define UEV_NOTE_MAX 200
#define UEV_DATA_MAX 48

struct ui_packet {
	uint32_t conn;
	struct endpoint src, dst;
	bool from_client;
	uint8_t flags;              /* TCP_* bits */
	uint32_t seq, ack;          /* relative */
	uint32_t abs_seq, abs_ack;
	uint32_t len;
	uint16_t win;
	struct tcp_options opt;     /* sack blocks relative, as in the records */
	bool retrans, midstream;
	char note[UEV_NOTE_MAX];    /* a note's key, or a sentence from an older recording */
	char payload[UEV_DATA_MAX];
	uint32_t win_scaled;        /* the window after wscale (0: not known, show win) */
	/* A two-host wire (two capture points): the segment's send and arrival
	 * times (0: not seen), lost on the wire; arrival: this is the row of
	 * its arrival (an "arrival" record), at the receiver's time. */
	bool wire, lost, arrival;
	uint64_t sent_ns, arrived_ns;
};

struct ui_state {
	uint32_t conn;
	struct endpoint client, server;
	enum tcp_role role;
	enum tcp_state from, to;
	char why[WHY_TEXT_MAX];     /* the key ("fin_acked"), or a sentence from an older recording */
	uint32_t why_seq, why_ack;  /* the numbers the sentence quotes */
};

/* What a call row is: a system call's enter or exit, or an asynchronous
 * operation's (io_uring) submission or completion, which the rows treat as
 * an enter and an exit (seq is then the operation id). */
enum ui_call_kind { UCALL_SYSCALL, UCALL_SUBMIT, UCALL_COMPLETE };

/* A call (enter/exit) or a step request (call about to be made). */
struct ui_call {
	bool exit;
	enum ui_call_kind kind;
	bool more;                  /* complete: a multishot operation goes on */
	enum tcp_role proc;         /* client or server */
	int pid;
	int worker;                 /* a server's worker process, 1..N; 0: none */
	long seq;                   /* -1 when absent */
	char call[24];
	int fd;
	char args[96];
	bool has_ret;
	long long ret;
	char err[24];               /* errno name, "" for none */
	struct endpoint local, peer; /* family 0 when unknown */
	char data[UEV_DATA_MAX];
	uint64_t blocked_ns;
};

struct ui_hello {
	enum tcp_role proc;
	int pid;
	char argv[160];
};

struct ui_conn_end {
	uint32_t conn;
	struct endpoint client, server;
	char reason[32];
	char client_path[160], server_path[160];
	uint64_t packets;
};

/* An ICMP/ICMPv6 error about a segment of a connection (an "icmp" record). */
struct ui_icmp {
	uint32_t conn;              /* 0: no tracked connection */
	struct endpoint client, server;
	struct endpoint src, dst;   /* the quoted segment's */
	bool from_client;           /* the quoted segment went client -> server */
	uint8_t version;            /* 4: ICMP, 6: ICMPv6 */
	uint8_t type, code;
	char name[32];              /* "port-unreachable" */
	struct endpoint reporter;   /* who sent the error (port 0) */
	uint32_t seq;               /* the quoted seq, relative */
	uint32_t mtu;               /* 0 unless the error gives one */
	char effect[8];             /* "abort", "soft", "ignored" */
	char note[UEV_NOTE_MAX];    /* a note's key */
};

/* An ARP frame on a two-host wire (two capture points): like a segment's,
 * its send and arrival times (0: not seen), lost on the wire; arrival:
 * this is the row of its arrival, at the receiver's host. */
struct ui_arp_wire {
	bool wire, lost, arrival;
	uint64_t sent_ns, arrived_ns;
};

/* A two-host wire's kernel view (session.c, kview.h's KVIEW_INFO): an
 * endpoint's tcp_info says it sent something again. Shown live, in the
 * endpoint's lane; not written to recordings (their "kernel" records are
 * the state changes). */
struct ui_kernel {
	uint32_t conn;
	uint8_t role;               /* enum tcp_role */
	uint32_t total_retrans;     /* segments sent again over the connection's life */
	uint32_t retransmits;       /* RTO expiries of the segment at the head now (its backoff) */
	uint32_t rto_us;            /* the retransmission timeout now */
};

struct ui_stats {
	uint64_t seen, tcp, dropped, truncated, invalid;
};

struct ui_event {
	enum ui_event_type type;
	uint64_t ts_ns;
	union {
		struct ui_packet packet;
		struct ui_state state;
		struct ui_call call;    /* UEV_CALL and UEV_STEP */
		struct ui_hello hello;
		struct ui_conn_end end;
		struct ui_stats stats;
		struct ui_icmp icmp;
		struct ui_kernel kernel;
		struct {
			struct arp_packet arp;
			struct ui_arp_wire arp_wire;
		};
	} u;
};

/* How many bytes of the union a record of this type needs: rows store
 * only that much. */
size_t ui_event_size(enum ui_event_type type);

#endif
