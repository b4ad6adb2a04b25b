/* explain.c: the explanation pane and the details overlay. */
#include "explain.h"
#include "json.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ladder.h"

static const struct {
	const char *call, *what;
} calls[] = {
	{"socket", "creates an endpoint and returns a descriptor; no packet is sent"},
	{"setsockopt", "sets an option on the socket (SO_REUSEADDR lets a server bind while old connections sit in TIME_WAIT); no packet is sent"},
	{"bind", "gives the socket its local address and port; no packet is sent"},
	{"listen", "marks the socket passive; the kernel now answers SYNs and keeps two queues: SYN queue (half-open) and accept queue (finished handshakes)"},
	{"accept", "takes a connection whose handshake the kernel already finished from the accept queue; sends nothing"},
	{"accept4", "takes a connection whose handshake the kernel already finished from the accept queue; sends nothing"},
	{"connect", "picks a local port, sends SYN, and returns once the SYN|ACK arrives (the kernel answers it with ACK)"},
	{"read", "copies bytes the kernel already received (and ACKed) out of the receive buffer; returns 0 once the peer's FIN arrived"},
	{"recv", "copies bytes the kernel already received (and ACKed) out of the receive buffer; returns 0 once the peer's FIN arrived"},
	{"recvfrom", "receives a datagram (UDP) or stream bytes, with the sender's address"},
	{"write", "copies bytes into the kernel's send buffer and returns; the kernel sends them as segments when it can"},
	{"send", "copies bytes into the kernel's send buffer and returns; the kernel sends them as segments when it can"},
	{"sendto", "sends a datagram to the given address (UDP: no connection, no handshake)"},
	{"shutdown", "half-closes: SHUT_WR sends FIN (no more data from us) but the socket can still read what the peer sends"},
	{"close", "releases the descriptor; if it was the last, the kernel sends FIN (or RST if unread data is queued)"},
	{"poll", "waits until one of the descriptors is ready to read or write"},
	{"epoll_wait", "waits until one of the registered descriptors is ready; the server then handles only those"},
};

const char *explain_call(const char *call)
{
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		if (strcmp(calls[i].call, call) == 0)
			return calls[i].what;
	return NULL;
}

/* The words of a row go into the one bounded appender (common/json.h):
 * what does not fit is left out whole, never overrun. */
struct text {
	struct outbuf o;
	enum lang lang; /* of the explanations from the catalog (why.h) */
};

__attribute__((format(printf, 2, 3))) static void add(struct text *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	outbuf_vprintf(&t->o, fmt, ap);
	va_end(ap);
}

/* A packet's note in fmt: a key in the catalog as its sentence (about the
 * segment's sender), an older recording's sentence as written. */
static void add_note(struct text *t, const struct ui_packet *p, const char *fmt)
{
	char sentence[WHY_TEXT_MAX];
	int key = why_parse(p->note);

	if (!p->note[0])
		return;
	if (key > 0 && why_format((enum tcp_why)key, t->lang, !p->from_client, p->seq, p->ack, sentence,
				  sizeof(sentence)) >= 0)
		add(t, fmt, sentence);
	else
		add(t, fmt, p->note);
}

static void explain_flags(struct text *t, const struct ui_packet *p)
{
	const char *from = p->from_client ? "client" : "server", *to = p->from_client ? "server" : "client";

	if (p->flags & TCP_RST)
		add(t, "RST: the %s aborts the connection; the %s drops it at once, any data still queued is lost. ",
		    from, to);
	if ((p->flags & TCP_SYN) && !(p->flags & TCP_ACK))
		add(t, "SYN: the %s asks to open a connection; its initial sequence number (%" PRIu32
		       " on the wire) counts as seq=0. ", from, p->abs_seq);
	if ((p->flags & TCP_SYN) && (p->flags & TCP_ACK))
		add(t, "SYN|ACK: the %s accepts and sends its own SYN (seq=0 is %" PRIu32 " on the wire). ", from,
		    p->abs_seq);
	if (p->flags & TCP_FIN)
		add(t, "FIN: the %s has no more data to send (its close() or shutdown()); the FIN uses one sequence number. ",
		    from);
	if (p->len)
		add(t, "%" PRIu32 " bytes of data, seq=%" PRIu32 " is the number of its first byte. ", p->len, p->seq);
	if ((p->flags & TCP_ACK) && p->ack == 1 && (p->flags & TCP_SYN))
		add(t, "ack=1: the %s acknowledges the %s's SYN, which used sequence number 0. ", from, to);
	else if (p->flags & TCP_ACK)
		add(t, "ack=%" PRIu32 ": the %s has everything the %s sent before byte %" PRIu32 ". ", p->ack, from, to,
		    p->ack);
	if (p->retrans)
		add(t, "Seen before: a retransmission. ");
	add_note(t, p, "%s. ");
}

void explain_row(const struct timeline *tl, long pos, char *buf, size_t n)
{
	const struct row *r = pos >= 0 ? timeline_row(tl, (size_t)pos) : NULL;
	struct text t = {outbuf_at(buf, n, 0), timeline_lang(tl)};
	char label[160];

	if (n)
		buf[0] = '\0';
	if (!r)
		return;
	switch (r->kind) {
	case ROW_CALL: {
		const struct ui_call *c = &r->ev->u.call;
		const char *what = explain_call(c->call);
		ladder_call_text(c, false, label, sizeof(label));
		add(&t, "%s %s: %s", c->proc == ROLE_CLIENT ? "client" : "server", label,
		    what ? what : "a socket call");
		if (c->exit && c->err[0])
			add(&t, "\nfailed with %s", c->err);
		if (c->exit && c->blocked_ns)
			add(&t, "\nblocked %.3f ms", (double)c->blocked_ns / 1e6);
		break;
	}
	case ROW_PACKET:
		ladder_packet_label(&r->ev->u.packet, true, label, sizeof(label));
		add(&t, "%s -> %s: %s\n", r->ev->u.packet.from_client ? "client" : "server",
		    r->ev->u.packet.from_client ? "server" : "client", label);
		explain_flags(&t, &r->ev->u.packet);
		break;
	case ROW_STATE:
		break;
	case ROW_END:
		add(&t, "connection #%" PRIu32 " released (%s): client %s, server %s", r->conn, r->ev->u.end.reason,
		    r->ev->u.end.client_path, r->ev->u.end.server_path);
		break;
	}
	for (unsigned i = 0; i < r->nchanges; i++) {
		const struct row_change *c = &r->changes[i];
		add(&t, "\n%s %s -> %s: %s", tcp_role_name(c->role), tcp_state_name(c->from), tcp_state_name(c->to),
		    c->why ? c->why : "");
	}
}

static void details_packet(struct text *t, const struct ui_packet *p)
{
	char flags[48], src[ENDPOINT_STRLEN], dst[ENDPOINT_STRLEN];

	add(t, "from %s to %s (%s)\n", endpoint_format(&p->src, src, sizeof(src)),
	    endpoint_format(&p->dst, dst, sizeof(dst)), p->from_client ? "client to server" : "server to client");
	add(t, "flags %s\n", tcp_flags_format(p->flags, flags, sizeof(flags)));
	add(t, "seq %" PRIu32 " (absolute %" PRIu32 ")\n", p->seq, p->abs_seq);
	add(t, "ack %" PRIu32 " (absolute %" PRIu32 ")\n", p->ack, p->abs_ack);
	if (p->win_scaled && p->win_scaled != p->win)
		add(t, "window %" PRIu32 " (the field says %u, scaled by the sender's wscale), payload %" PRIu32
		    " bytes\n", p->win_scaled, (unsigned)p->win, p->len);
	else
		add(t, "window %u, payload %" PRIu32 " bytes\n", (unsigned)p->win, p->len);
	if (p->opt.has & TCPOPT_CUT)
		add(t, "options cut by the capture's snaplen (the rest of them is unknown)\n");
	if (p->opt.has & TCPOPT_HAS_MSS)
		add(t, "option MSS %u\n", (unsigned)p->opt.mss);
	if (p->opt.has & TCPOPT_HAS_WSCALE)
		add(t, "option window scale %u (window x %u)\n", (unsigned)p->opt.wscale, 1u << (p->opt.wscale & 15));
	if (p->opt.has & TCPOPT_HAS_SACK_PERM)
		add(t, "option SACK permitted\n");
	for (unsigned i = 0; (p->opt.has & TCPOPT_HAS_SACK) && i < p->opt.nsack; i++)
		add(t, "option SACK block %" PRIu32 "-%" PRIu32 "\n", p->opt.sack[i].left, p->opt.sack[i].right);
	if (p->opt.has & TCPOPT_HAS_TS)
		add(t, "option timestamps val %" PRIu32 " ecr %" PRIu32 "\n", p->opt.ts_val, p->opt.ts_ecr);
	if (p->payload[0])
		add(t, "payload \"%s\"\n", p->payload);
	if (p->retrans)
		add(t, "retransmission\n");
	if (p->midstream)
		add(t, "joined mid-stream (handshake not captured)\n");
	add_note(t, p, "note: %s\n");
}

static void details_call(struct text *t, const struct ui_call *c)
{
	char ep[ENDPOINT_STRLEN];

	add(t, "%s pid %d, call #%ld: %s (%s)\n", c->proc == ROLE_CLIENT ? "client" : "server", c->pid, c->seq,
	    c->call, c->exit ? "returned" : "entered");
	add(t, "fd %d, arguments: %s\n", c->fd, c->args);
	if (c->exit)
		add(t, "returned %lld%s%s, blocked %.3f ms\n", c->ret, c->err[0] ? ", errno " : "", c->err,
		    (double)c->blocked_ns / 1e6);
	if (c->local.family)
		add(t, "local %s\n", endpoint_format(&c->local, ep, sizeof(ep)));
	if (c->peer.family)
		add(t, "peer %s\n", endpoint_format(&c->peer, ep, sizeof(ep)));
	if (c->data[0])
		add(t, "data \"%s\"\n", c->data);
}

void explain_details(const struct timeline *tl, long pos, uint64_t t0_ns, char *buf, size_t n)
{
	const struct row *r = pos >= 0 ? timeline_row(tl, (size_t)pos) : NULL;
	struct text t = {outbuf_at(buf, n, 0), timeline_lang(tl)};

	if (n)
		buf[0] = '\0';
	if (!r)
		return;
	add(&t, "time +%.6f s (%" PRIu64 " ns), connection #%" PRIu32 "\n",
	    (double)(r->ts_ns >= t0_ns ? r->ts_ns - t0_ns : 0) / 1e9, r->ts_ns, r->conn);
	if (r->kind == ROW_PACKET)
		details_packet(&t, &r->ev->u.packet);
	else if (r->kind == ROW_CALL)
		details_call(&t, &r->ev->u.call);
	for (unsigned i = 0; i < r->nchanges; i++)
		add(&t, "%s %s -> %s\n", tcp_role_name(r->changes[i].role), tcp_state_name(r->changes[i].from),
		    tcp_state_name(r->changes[i].to));
	add(&t, "client %s, server %s after this row",
	    tcp_state_name(timeline_state_at(tl, pos, r->conn, ROLE_CLIENT)),
	    tcp_state_name(timeline_state_at(tl, pos, r->conn, ROLE_SERVER)));
}
