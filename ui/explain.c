/* explain.c: the explanation pane and the details overlay. */
#include "explain.h"
#include "json.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ladder.h"
#include "screen_words.h"

/* The call's sentence in the catalog (why.h: "call_" and its name; calls
 * that do the same as another say its sentence), or WHY_NONE. */
static enum tcp_why call_key(const char *call)
{
	static const char *const same_as[][2] = {
		{"accept4", "accept_flags"}, {"recv", "read"}, {"send", "write"},	     {"epoll_pwait", "epoll_wait"},
		{"epoll_pwait2", "epoll_wait"}, {"ppoll", "poll"},   {"select", "poll"},
		{"pselect6", "poll"},	 {"ioctl", "fcntl"},	     {"dup2", "dup"},
		{"dup3", "dup"},		{"epoll_create1", "epoll_create"},
	};
	char key[64];
	int w;

	for (size_t i = 0; i < sizeof(same_as) / sizeof(same_as[0]); i++)
		if (strcmp(call, same_as[i][0]) == 0)
			call = same_as[i][1];
	if (snprintf(key, sizeof(key), "call_%s", call) >= (int)sizeof(key))
		return WHY_NONE;
	w = why_parse(key);
	return w > 0 ? (enum tcp_why)w : WHY_NONE;
}

static bool is_call(const char *call, const char *const *names)
{
	for (; *names; names++)
		if (strcmp(call, *names) == 0)
			return true;
	return false;
}

/* What a call's result means where it says more than "failed" (a
 * non-blocking socket's EAGAIN and EINPROGRESS, SO_ERROR's value, a wait
 * that timed out), or WHY_NONE. */
static enum tcp_why result_key(const struct ui_call *c)
{
	static const char *const accepts[] = {"accept", "accept4", NULL};
	static const char *const waits[] = {"epoll_wait", "epoll_pwait", "epoll_pwait2", "poll",
					    "ppoll",	  "select",	 "pselect6",	 NULL};

	if (!c->exit)
		return WHY_NONE;
	if (strcmp(c->err, "EAGAIN") == 0 || strcmp(c->err, "EWOULDBLOCK") == 0)
		return is_call(c->call, accepts) ? RESULT_ACCEPT_EAGAIN : RESULT_EAGAIN;
	if (strcmp(c->err, "EINPROGRESS") == 0 && strcmp(c->call, "connect") == 0)
		return RESULT_CONNECT_EINPROGRESS;
	if (c->err[0])
		return WHY_NONE;
	/* the value is the fourth argument: "3, SOL_SOCKET, SO_ERROR, [0], [4]" */
	if (strcmp(c->call, "getsockopt") == 0 && strstr(c->args, "SO_ERROR, ["))
		return strstr(c->args, "SO_ERROR, [0]") ? RESULT_SO_ERROR_NONE : RESULT_SO_ERROR_SET;
	if (is_call(c->call, waits) && c->has_ret && c->ret == 0)
		return RESULT_WAIT_TIMEOUT;
	return WHY_NONE;
}

/* The words of a row go into the one bounded appender (common/json.h):
 * what does not fit is left out whole, never overrun. */
struct text {
	struct outbuf o;
	enum lang lang; /* of the explanations from the catalog (why.h) */
	const struct screen_words *w;
};

__attribute__((format(printf, 2, 3))) static void add(struct text *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	outbuf_vprintf(&t->o, fmt, ap);
	va_end(ap);
}

/* The catalog's sentence w about who (the server when who_server), ended
 * as sentences of the language join. */
static void add_sentence(struct text *t, enum tcp_why w, bool who_server, uint32_t seq, uint32_t ack,
			 uint32_t len)
{
	char sentence[WHY_TEXT_MAX];

	if (why_format_numbers(w, t->lang, who_server, &(struct why_numbers){seq, ack, len}, sentence,
			       sizeof(sentence)) >= 0)
		add(t, "%s%s", sentence, why_sentence_end(t->lang));
}

/* A packet's note: a key in the catalog as its sentence (about the
 * segment's sender), an older recording's sentence as written; NULL when
 * it has none. */
static const char *note_text(const struct text *t, const struct ui_packet *p, char *buf, size_t n)
{
	int key = why_parse(p->note);

	if (!p->note[0])
		return NULL;
	if (key > 0 && why_format((enum tcp_why)key, t->lang, !p->from_client, p->seq, p->ack, buf, n) >= 0)
		return buf;
	return p->note;
}

static void explain_flags(struct text *t, const struct ui_packet *p)
{
	bool server = !p->from_client;
	char sentence[WHY_TEXT_MAX];
	const char *note;

	if (p->flags & TCP_RST)
		add_sentence(t, SEG_RST, server, 0, 0, 0);
	if ((p->flags & TCP_SYN) && !(p->flags & TCP_ACK))
		add_sentence(t, SEG_SYN, server, p->abs_seq, 0, 0);
	if ((p->flags & TCP_SYN) && (p->flags & TCP_ACK))
		add_sentence(t, SEG_SYNACK, server, p->abs_seq, 0, 0);
	if (p->flags & TCP_FIN)
		add_sentence(t, SEG_FIN, server, 0, 0, 0);
	if (p->len)
		add_sentence(t, SEG_DATA, server, p->seq, 0, p->len);
	if ((p->flags & TCP_ACK) && p->ack == 1 && (p->flags & TCP_SYN))
		add_sentence(t, SEG_ACK_OF_SYN, server, 0, p->ack, 0);
	else if (p->flags & TCP_ACK)
		add_sentence(t, SEG_ACK, server, 0, p->ack, 0);
	if (p->retrans)
		add_sentence(t, SEG_RETRANS, server, 0, 0, 0);
	if ((note = note_text(t, p, sentence, sizeof(sentence))))
		add(t, "%s%s", note, why_sentence_end(t->lang));
}

static const char *role_word(const struct text *t, enum tcp_role role)
{
	return why_role_word(t->lang, role == ROLE_SERVER);
}

/* What the error means, by its name (decode.c's icmp_error_name). */
static enum tcp_why icmp_means(const struct ui_icmp *e)
{
	if (strcmp(e->name, "port-unreachable") == 0)
		return ICMP_MEANS_PORT_UNREACHABLE;
	if (strstr(e->name, "unreachable") || strcmp(e->name, "no-route") == 0 ||
	    strstr(e->name, "prohibited") || strcmp(e->name, "reject-route") == 0)
		return ICMP_MEANS_UNREACHABLE;
	if (strcmp(e->name, "frag-needed") == 0 || strcmp(e->name, "packet-too-big") == 0)
		return ICMP_MEANS_TOO_BIG;
	if (strcmp(e->name, "time-exceeded") == 0)
		return ICMP_MEANS_TIME_EXCEEDED;
	return WHY_NONE;
}

/* An ICMP error's row: what it is, about whose segment, and what Linux
 * did with it (its note); an abort's sentence comes with the state change
 * it caused, so it is said here only when the row has none. */
static void explain_icmp(struct text *t, const struct row *r)
{
	const struct ui_icmp *e = &r->ev->u.icmp;
	bool sender_server = !e->from_client;
	char label[160];
	int note = why_parse(e->note);

	ladder_icmp_text(e, label, sizeof(label));
	add(t, "%s\n", label);
	add_sentence(t, ICMP_ERROR, sender_server, e->seq, 0, 0);
	if (note > 0)
		add_sentence(t, (enum tcp_why)note, sender_server, e->seq, 0, 0);
	else if (strcmp(e->effect, "abort") == 0 && r->nchanges == 0)
		add_sentence(t, WHY_ICMP_ABORT, sender_server, e->seq, 0, 0);
	if (icmp_means(e) != WHY_NONE)
		add_sentence(t, icmp_means(e), sender_server, e->seq, 0, 0);
	add_sentence(t, ICMP_WHAT, sender_server, e->seq, 0, 0);
}

/* An ARP row: what was asked or answered, and what ARP is for. */
static void explain_arp(struct text *t, const struct row *r)
{
	char label[160];

	ladder_arp_text(&r->ev->u.arp, label, sizeof(label));
	add(t, "%s\n", label);
	add_sentence(t, r->ev->u.arp.op == ARP_REPLY ? ARP_REPLY_ROW : ARP_REQUEST_ROW, false, 0, 0, 0);
	add_sentence(t, ARP_WHAT, false, 0, 0, 0);
}

void explain_row(const struct timeline *tl, long pos, char *buf, size_t n)
{
	const struct row *r = pos >= 0 ? timeline_row(tl, (size_t)pos) : NULL;
	struct text t = {outbuf_at(buf, n, 0), timeline_lang(tl), screen_words(timeline_lang(tl))};
	char label[160], what[WHY_TEXT_MAX];

	if (n)
		buf[0] = '\0';
	if (!r)
		return;
	switch (r->kind) {
	case ROW_CALL: {
		const struct ui_call *c = &r->ev->u.call;
		enum tcp_why result;
		ladder_call_text(c, false, label, sizeof(label));
		if (c->kind != UCALL_SYSCALL) { /* an io_uring operation: submitted, or done */
			if (why_format(c->kind == UCALL_SUBMIT ? OP_SUBMIT : OP_COMPLETE, t.lang, c->proc == ROLE_SERVER,
				       0, 0, what, sizeof(what)) > 0)
				add(&t, "%s %s [op %ld]%s%s", role_word(&t, c->proc), label, c->seq, t.w->colon, what);
			if (c->exit && c->err[0]) {
				add(&t, "\n");
				add(&t, t.w->failed, c->err);
			}
			break;
		}
		if (why_format(call_key(c->call), t.lang, false, 0, 0, what, sizeof(what)) <= 0)
			snprintf(what, sizeof(what), "%s", t.w->some_call);
		add(&t, "%s %s%s%s", role_word(&t, c->proc), label, t.w->colon, what);
		/* a registration that wakes one waiter, not the herd (lesson 13) */
		if (strcmp(c->call, "epoll_ctl") == 0 && strstr(c->args, "EPOLLEXCLUSIVE") &&
		    why_format(ARG_EPOLLEXCLUSIVE, t.lang, c->proc == ROLE_SERVER, 0, 0, what, sizeof(what)) > 0)
			add(&t, "\n%s%s", what, why_sentence_end(t.lang));
		result = result_key(c);
		if (result != WHY_NONE && why_format(result, t.lang, c->proc == ROLE_SERVER, 0, 0, what,
						     sizeof(what)) > 0) {
			add(&t, "\n%s%s", what, why_sentence_end(t.lang));
		} else if (c->exit && c->err[0]) {
			add(&t, "\n");
			add(&t, t.w->failed, c->err);
		}
		if (c->exit && c->blocked_ns) {
			add(&t, "\n");
			add(&t, t.w->blocked, (double)c->blocked_ns / 1e6);
		}
		break;
	}
	case ROW_PACKET:
		ladder_packet_label(&r->ev->u.packet, true, label, sizeof(label));
		add(&t, "%s -> %s%s%s\n", role_word(&t, r->ev->u.packet.from_client ? ROLE_CLIENT : ROLE_SERVER),
		    role_word(&t, r->ev->u.packet.from_client ? ROLE_SERVER : ROLE_CLIENT), t.w->colon, label);
		explain_flags(&t, &r->ev->u.packet);
		break;
	case ROW_STATE:
		if (r->ev->type == UEV_ICMP)
			explain_icmp(&t, r);
		else if (r->ev->type == UEV_ARP)
			explain_arp(&t, r);
		else if (r->ev->type == UEV_KERNEL) {
			const struct ui_kernel *k = &r->ev->u.kernel;
			add(&t, t.w->kernel_explain, role_word(&t, k->role == ROLE_SERVER ? ROLE_SERVER : ROLE_CLIENT),
			    k->total_retrans, k->retransmits, (k->rto_us + 500) / 1000);
		}
		break;
	case ROW_END:
		add(&t, t.w->conn_released, (unsigned)r->conn, screen_words_end_reason(t.lang, r->ev->u.end.reason),
		    r->ev->u.end.client_path, r->ev->u.end.server_path);
		break;
	}
	for (unsigned i = 0; i < r->nchanges; i++) {
		const struct row_change *c = &r->changes[i];
		add(&t, "\n%s %s -> %s%s%s", role_word(&t, c->role), tcp_state_name(c->from), tcp_state_name(c->to),
		    t.w->colon, c->why ? c->why : "");
	}
}

static void details_packet(struct text *t, const struct ui_packet *p)
{
	const struct screen_words *w = t->w;
	char flags[48], src[ENDPOINT_STRLEN], dst[ENDPOINT_STRLEN], sentence[WHY_TEXT_MAX];
	const char *note;

	add(t, w->d_from_to, endpoint_format(&p->src, src, sizeof(src)), endpoint_format(&p->dst, dst, sizeof(dst)),
	    p->from_client ? w->d_c2s : w->d_s2c);
	add(t, w->d_flags, tcp_flags_format(p->flags, flags, sizeof(flags)));
	add(t, w->d_seq, (unsigned)p->seq, (unsigned)p->abs_seq);
	add(t, w->d_ack, (unsigned)p->ack, (unsigned)p->abs_ack);
	if (p->win_scaled && p->win_scaled != p->win)
		add(t, w->d_window_scaled, (unsigned)p->win_scaled, (unsigned)p->win, (unsigned)p->len);
	else
		add(t, w->d_window, (unsigned)p->win, (unsigned)p->len);
	if (p->opt.has & TCPOPT_CUT)
		add(t, "%s", w->d_opt_cut);
	if (p->opt.has & TCPOPT_HAS_MSS)
		add(t, w->d_opt_mss, (unsigned)p->opt.mss);
	if (p->opt.has & TCPOPT_HAS_WSCALE)
		add(t, w->d_opt_wscale, (unsigned)p->opt.wscale, 1u << (p->opt.wscale & 15));
	if (p->opt.has & TCPOPT_HAS_SACK_PERM)
		add(t, "%s", w->d_opt_sack_perm);
	for (unsigned i = 0; (p->opt.has & TCPOPT_HAS_SACK) && i < p->opt.nsack; i++)
		add(t, w->d_opt_sack, (unsigned)p->opt.sack[i].left, (unsigned)p->opt.sack[i].right);
	if (p->opt.has & TCPOPT_HAS_TS)
		add(t, w->d_opt_ts, (unsigned)p->opt.ts_val, (unsigned)p->opt.ts_ecr);
	if (p->payload[0])
		add(t, w->d_payload, p->payload);
	if (p->retrans)
		add(t, "%s", w->d_retrans);
	if (p->midstream)
		add(t, "%s", w->d_midstream);
	if ((note = note_text(t, p, sentence, sizeof(sentence))))
		add(t, w->d_note, note);
}

static void details_call(struct text *t, const struct ui_call *c)
{
	const struct screen_words *w = t->w;
	char ep[ENDPOINT_STRLEN];

	add(t, w->d_call, role_word(t, c->proc), c->pid, c->seq, c->call,
	    c->exit ? w->d_returned_word : w->d_entered_word);
	add(t, w->d_args, c->fd, c->args);
	if (c->exit)
		add(t, w->d_returned, c->ret, c->err[0] ? w->d_errno : "", c->err, (double)c->blocked_ns / 1e6);
	if (c->local.family)
		add(t, w->d_local, endpoint_format(&c->local, ep, sizeof(ep)));
	if (c->peer.family)
		add(t, w->d_peer, endpoint_format(&c->peer, ep, sizeof(ep)));
	if (c->data[0])
		add(t, w->d_data, c->data);
}

void explain_details(const struct timeline *tl, long pos, uint64_t t0_ns, char *buf, size_t n)
{
	const struct row *r = pos >= 0 ? timeline_row(tl, (size_t)pos) : NULL;
	struct text t = {outbuf_at(buf, n, 0), timeline_lang(tl), screen_words(timeline_lang(tl))};

	if (n)
		buf[0] = '\0';
	if (!r)
		return;
	add(&t, t.w->d_time, (double)(r->ts_ns >= t0_ns ? r->ts_ns - t0_ns : 0) / 1e9, (unsigned long long)r->ts_ns,
	    (unsigned)r->conn);
	if (r->ev->type == UEV_ARP) { /* no connection, no states */
		char label[160], mac[24];
		ladder_arp_text(&r->ev->u.arp, label, sizeof(label));
		add(&t, "%s (%s)\n", label, mac_format(r->ev->u.arp.sender_mac, mac, sizeof(mac)));
		return;
	}
	if (r->kind == ROW_PACKET)
		details_packet(&t, &r->ev->u.packet);
	else if (r->kind == ROW_CALL)
		details_call(&t, &r->ev->u.call);
	for (unsigned i = 0; i < r->nchanges; i++)
		add(&t, "%s %s -> %s\n", role_word(&t, r->changes[i].role), tcp_state_name(r->changes[i].from),
		    tcp_state_name(r->changes[i].to));
	add(&t, t.w->d_after, tcp_state_name(timeline_state_at(tl, pos, r->conn, ROLE_CLIENT)),
	    tcp_state_name(timeline_state_at(tl, pos, r->conn, ROLE_SERVER)));
}
