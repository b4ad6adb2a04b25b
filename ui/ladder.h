/* ladder.h: the ladder (sequence) diagram laid out into a grid.
 *
 *  CLIENT 127.0.0.1:50322    │            #1            │ SERVER 127.0.0.1:8080
 *  ESTABLISHED               │                          │ LISTEN
 *  connect(3, 127.0.0.1:80… │                          │
 *                  SYN_SENT  │──SYN seq=0─────────────▶│ SYN_RCVD
 *               ESTABLISHED  │◀─SYN|ACK seq=0 ack=1─────│
 *
 * Left lane: the client's calls and state changes; middle: the segments as
 * arrows; right lane: the server's. The header shows both states as they
 * were at the selected row. Pure: the curses view copies the grid out. */
#ifndef SOCKLAB_UI_LADDER_H
#define SOCKLAB_UI_LADDER_H

#include <stdbool.h>
#include <stdint.h>

#include "grid.h"
#include "timeline.h"

#define LADDER_HEADER_LINES 2

struct ladder_opts {
	uint32_t conn;   /* the connection shown; 0: every row, tagged "#N" */
	long top;        /* first row drawn */
	long sel;        /* the selected row, -1 for none */
	long end;        /* rows from this position on are not drawn (replay); 0: all */
	bool big;        /* projector: a blank line between rows, shorter labels */
	bool ascii;      /* no UTF-8: '-', '|', '>' instead of box drawing */
	uint64_t t0_ns;  /* time column origin (shown when the grid is 100+ wide) */
	uint64_t now_ns; /* live: the header counts TIME_WAIT down (Linux: 60 s); 0: no clock */
};

/* Screen lines one row takes. */
int ladder_row_lines(const struct ladder_opts *o);

/* Draws the header at line y0 and the rows of the view from o->top into
 * lines y0+LADDER_HEADER_LINES .. y0+h-1. Returns the position of the last
 * row drawn, or -1 when none was. */
long ladder_draw(const struct timeline *tl, const struct ladder_opts *o, struct grid *g, int y0, int h);

/* Draws only the header (for text export). */
void ladder_draw_header(const struct timeline *tl, const struct ladder_opts *o, struct grid *g, int y0);

/* Draws row pos alone on line y (for --plain and text export). */
void ladder_draw_row(const struct timeline *tl, const struct ladder_opts *o, long pos, struct grid *g, int y);

/* The time column's text for dt_ns since the session's zero (seconds). */
void ladder_time_text(uint64_t dt_ns, char *buf, size_t n);

/* Short text of a call row: "connect(3, 127.0.0.1:8080) …" on enter,
 * "connect(3) = -1 ECONNREFUSED" on exit; a worker process's calls start
 * with its tag: "w2 accept4(3) = -1 EAGAIN". */
void ladder_call_text(const struct ui_call *c, bool ascii, char *buf, size_t n);

/* The arrow label of a packet: "SYN|ACK seq=0 ack=1", plus length and
 * options when long is set. */
void ladder_packet_label(const struct ui_packet *p, bool lng, char *buf, size_t n);

/* A two-host wire's arrival row: "SYN +50.2 ms" (flags, time on the wire). */
void ladder_arrival_text(const struct ui_packet *p, char *buf, size_t n);

/* One role's state changes on a row: "SYN_SENT", or "FIN_WAIT_2→TIME_WAIT"
 * ("->" when ascii) when one segment caused two. False when the role has
 * none on this row. */
bool ladder_changes_text(const struct row *r, enum tcp_role role, bool ascii, char *buf, size_t n);

/* An ICMP error's row: "ICMP port-unreachable: abort" (the state change
 * beside it shows whose connection it ended). */
void ladder_icmp_text(const struct ui_icmp *e, char *buf, size_t n);
/* "ARP who-has 10.77.0.2 tell 10.77.0.1", "ARP 10.77.0.2 is-at aa:bb:..". */
void ladder_arp_text(const struct arp_packet *a, char *buf, size_t n);
/* An ARP row (UEV_ARP) in the view of conn (0: all) seen as a segment
 * would be: its direction (from the side of the host that sent it), its
 * wire times, lost, arrival; seq holds its opcode. Returns the sender's
 * side (enum tcp_role), or -1 (no connection of the view has that host:
 * *p then says nothing). */
int ladder_arp_wire(const struct timeline *tl, const struct row *r, uint32_t conn, struct ui_packet *p);
/* A kernel view's row (UEV_KERNEL), in its endpoint's lane: "kernel:
 * resent 2, RTO 1208 ms" (total_retrans, the RTO now). */
void ladder_kernel_text(const struct ui_kernel *k, enum lang lang, char *buf, size_t n);
/* A two-host wire's ARP frame at its arrival: "ARP +100.2 ms". */
void ladder_arp_arrival_text(const struct ui_arp_wire *w, char *buf, size_t n);

#endif
