/* event_parse.c: JSON records -> struct ui_event (jansson), and tracer
 * events -> the same struct, so live, channel and replay feed one model. */
#include "event_parse.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "bytes.h"
#include "screen_words.h"

/* Field readers: each fails with a message naming the field, so a broken
 * recording says exactly what is wrong. */
struct reader {
	json_t *obj;
	const char *type;
	char *err;
	size_t errlen;
	int failed;
	const struct screen_words *w; /* the reasons' words */
};

static json_t *field(struct reader *r, const char *name, int required)
{
	json_t *v = json_object_get(r->obj, name);

	if ((!v || json_is_null(v)) && required && !r->failed) {
		snprintf(r->err, r->errlen, r->w->missing_field, r->type, name);
		r->failed = 1;
	}
	return v && !json_is_null(v) ? v : NULL;
}

static void wrong(struct reader *r, const char *name, enum field_want what)
{
	if (!r->failed)
		snprintf(r->err, r->errlen, r->w->field_not, r->type, name, r->w->want[what]);
	r->failed = 1;
}

static long long get_int(struct reader *r, const char *name, int required, long long dflt)
{
	json_t *v = field(r, name, required);

	if (!v)
		return dflt;
	if (!json_is_integer(v)) {
		wrong(r, name, WANT_INTEGER);
		return dflt;
	}
	return json_integer_value(v);
}

static void get_str(struct reader *r, const char *name, int required, char *buf, size_t n)
{
	json_t *v = field(r, name, required);

	buf[0] = '\0';
	if (!v)
		return;
	if (!json_is_string(v)) {
		wrong(r, name, WANT_STRING);
		return;
	}
	snprintf(buf, n, "%s", json_string_value(v));
}

static int get_bool(struct reader *r, const char *name)
{
	json_t *v = field(r, name, 0);

	return v && json_is_true(v);
}

static void get_endpoint(struct reader *r, const char *name, int required, struct endpoint *out)
{
	char text[ENDPOINT_STRLEN + 8];

	memset(out, 0, sizeof(*out));
	get_str(r, name, required, text, sizeof(text));
	if (text[0] && endpoint_parse(text, out) < 0)
		wrong(r, name, WANT_ENDPOINT);
}

static enum tcp_state get_state(struct reader *r, const char *name)
{
	char text[24];
	int s;

	get_str(r, name, 1, text, sizeof(text));
	if (r->failed)
		return TCPS_CLOSED;
	s = tcp_state_parse(text);
	if (s < 0) {
		wrong(r, name, WANT_STATE);
		return TCPS_CLOSED;
	}
	return (enum tcp_state)s;
}

static enum tcp_role get_role(struct reader *r, const char *name)
{
	char text[16];

	get_str(r, name, 1, text, sizeof(text));
	if (r->failed)
		return ROLE_CLIENT;
	if (strcmp(text, "client") == 0)
		return ROLE_CLIENT;
	if (strcmp(text, "server") == 0)
		return ROLE_SERVER;
	wrong(r, name, WANT_ROLE);
	return ROLE_CLIENT;
}

static void parse_opts(struct reader *r, struct tcp_options *opt)
{
	json_t *o = field(r, "opts", 0), *v;

	memset(opt, 0, sizeof(*opt));
	if (!o)
		return;
	if (!json_is_object(o)) {
		wrong(r, "opts", WANT_OBJECT);
		return;
	}
	if ((v = json_object_get(o, "mss")) && json_is_integer(v)) {
		opt->has |= TCPOPT_HAS_MSS;
		opt->mss = (uint16_t)json_integer_value(v);
	}
	if ((v = json_object_get(o, "wscale")) && json_is_integer(v)) {
		opt->has |= TCPOPT_HAS_WSCALE;
		opt->wscale = (uint8_t)json_integer_value(v);
	}
	if (json_is_true(json_object_get(o, "sack_perm")))
		opt->has |= TCPOPT_HAS_SACK_PERM;
	if ((v = json_object_get(o, "ts")) && json_is_array(v) && json_array_size(v) == 2) {
		opt->has |= TCPOPT_HAS_TS;
		opt->ts_val = (uint32_t)json_integer_value(json_array_get(v, 0));
		opt->ts_ecr = (uint32_t)json_integer_value(json_array_get(v, 1));
	}
	if ((v = json_object_get(o, "sack")) && json_is_array(v)) {
		size_t i;
		json_t *blk;

		opt->has |= TCPOPT_HAS_SACK;
		json_array_foreach(v, i, blk) {
			if (i >= TCP_MAX_SACK_BLOCKS || !json_is_array(blk))
				break;
			opt->sack[i].left = (uint32_t)json_integer_value(json_array_get(blk, 0));
			opt->sack[i].right = (uint32_t)json_integer_value(json_array_get(blk, 1));
			opt->nsack = (uint8_t)(i + 1);
		}
	}
}

static void parse_packet(struct reader *r, struct ui_packet *p)
{
	char text[64];

	p->conn = (uint32_t)get_int(r, "conn", 1, 0);
	get_endpoint(r, "src", 1, &p->src);
	get_endpoint(r, "dst", 1, &p->dst);
	get_str(r, "dir", 0, text, sizeof(text));
	p->from_client = strcmp(text, "s2c") != 0;
	get_str(r, "flags", 1, text, sizeof(text));
	if (!r->failed && tcp_flags_parse(text, &p->flags) < 0)
		wrong(r, "flags", WANT_FLAGS);
	p->seq = (uint32_t)get_int(r, "seq", 1, 0);
	p->ack = (uint32_t)get_int(r, "ack", 0, 0);
	p->abs_seq = (uint32_t)get_int(r, "abs_seq", 0, 0);
	p->abs_ack = (uint32_t)get_int(r, "abs_ack", 0, 0);
	p->len = (uint32_t)get_int(r, "len", 0, 0);
	p->win = (uint16_t)get_int(r, "win", 0, 0);
	p->win_scaled = (uint32_t)get_int(r, "win_scaled", 0, 0);
	parse_opts(r, &p->opt);
	p->retrans = get_bool(r, "retrans");
	p->midstream = get_bool(r, "midstream");
	get_str(r, "note", 0, p->note, sizeof(p->note));
	get_str(r, "payload", 0, p->payload, sizeof(p->payload));
	p->sent_ns = (uint64_t)get_int(r, "sent_ns", 0, 0);
	p->arrived_ns = (uint64_t)get_int(r, "arrived_ns", 0, 0);
	p->lost = get_bool(r, "lost");
	p->wire = p->lost || p->arrived_ns || p->sent_ns;
}

static void parse_state(struct reader *r, struct ui_state *s)
{
	s->conn = (uint32_t)get_int(r, "conn", 1, 0);
	get_endpoint(r, "client", 1, &s->client);
	get_endpoint(r, "server", 1, &s->server);
	s->role = get_role(r, "role");
	s->from = get_state(r, "from");
	s->to = get_state(r, "to");
	get_str(r, "why", 1, s->why, sizeof(s->why));
	s->why_seq = (uint32_t)get_int(r, "seq", 0, 0);
	s->why_ack = (uint32_t)get_int(r, "ack", 0, 0);
}

/* A "submit" or "complete" record (an io_uring operation): "op" is its
 * id, kept as the seq that pairs a call's enter and exit. */
static void parse_operation(struct reader *r, struct ui_call *c, bool complete)
{
	json_t *more = json_object_get(r->obj, "more");

	c->kind = complete ? UCALL_COMPLETE : UCALL_SUBMIT;
	c->exit = complete;
	c->more = more && json_is_true(more);
}

static void parse_call(struct reader *r, struct ui_call *c, int is_step)
{
	char text[16];
	bool operation = strcmp(r->type, "submit") == 0 || strcmp(r->type, "complete") == 0;

	if (operation) {
		parse_operation(r, c, strcmp(r->type, "complete") == 0);
	} else if (is_step) {
		json_t *submit = json_object_get(r->obj, "submit");

		c->kind = submit && json_is_true(submit) ? UCALL_SUBMIT : UCALL_SYSCALL;
	} else {
		get_str(r, "phase", 1, text, sizeof(text));
		if (!r->failed && strcmp(text, "enter") != 0 && strcmp(text, "exit") != 0)
			wrong(r, "phase", WANT_PHASE);
		c->exit = strcmp(text, "exit") == 0;
	}
	c->proc = get_role(r, "proc");
	c->pid = (int)get_int(r, "pid", 1, 0);
	c->worker = (int)get_int(r, "worker", 0, 0);
	c->seq = (long)get_int(r, operation ? "op" : "seq", is_step || operation, -1);
	get_str(r, "call", 1, c->call, sizeof(c->call));
	c->fd = (int)get_int(r, "fd", 0, -1);
	get_str(r, "args", 0, c->args, sizeof(c->args));
	c->has_ret = json_object_get(r->obj, "ret") && json_is_integer(json_object_get(r->obj, "ret"));
	c->ret = get_int(r, "ret", 0, 0);
	get_str(r, "errno", 0, c->err, sizeof(c->err));
	get_endpoint(r, "local", 0, &c->local);
	get_endpoint(r, "peer", 0, &c->peer);
	get_str(r, "data", 0, c->data, sizeof(c->data));
	c->blocked_ns = (uint64_t)get_int(r, "blocked_ns", 0, 0);
}

static void parse_conn_end(struct reader *r, struct ui_conn_end *e)
{
	e->conn = (uint32_t)get_int(r, "conn", 1, 0);
	get_endpoint(r, "client", 0, &e->client);
	get_endpoint(r, "server", 0, &e->server);
	get_str(r, "reason", 0, e->reason, sizeof(e->reason));
	get_str(r, "client_path", 0, e->client_path, sizeof(e->client_path));
	get_str(r, "server_path", 0, e->server_path, sizeof(e->server_path));
	e->packets = (uint64_t)get_int(r, "packets", 0, 0);
}

static void parse_stats(struct reader *r, struct ui_stats *s)
{
	s->seen = (uint64_t)get_int(r, "seen", 0, 0);
	s->tcp = (uint64_t)get_int(r, "tcp", 0, 0);
	s->dropped = (uint64_t)get_int(r, "dropped", 0, 0);
	s->truncated = (uint64_t)get_int(r, "truncated", 0, 0);
	s->invalid = (uint64_t)get_int(r, "invalid", 0, 0);
}

static void get_addr(struct reader *r, const char *key, int required, struct endpoint *e);

static void parse_icmp(struct reader *r, struct ui_icmp *e)
{
	char text[16];

	e->conn = (uint32_t)get_int(r, "conn", 1, 0);
	get_endpoint(r, "client", 0, &e->client);
	get_endpoint(r, "server", 0, &e->server);
	get_endpoint(r, "src", 1, &e->src);
	get_endpoint(r, "dst", 1, &e->dst);
	get_str(r, "dir", 0, text, sizeof(text));
	e->from_client = strcmp(text, "s2c") != 0;
	get_str(r, "proto", 0, text, sizeof(text));
	e->version = strcmp(text, "icmpv6") == 0 ? 6 : 4;
	e->type = (uint8_t)get_int(r, "icmp_type", 1, 0);
	e->code = (uint8_t)get_int(r, "icmp_code", 1, 0);
	get_str(r, "name", 0, e->name, sizeof(e->name));
	get_addr(r, "reporter", 0, &e->reporter);
	e->seq = (uint32_t)get_int(r, "seq", 1, 0);
	e->mtu = (uint32_t)get_int(r, "mtu", 0, 0);
	get_str(r, "effect", 1, e->effect, sizeof(e->effect));
	get_str(r, "note", 0, e->note, sizeof(e->note));
}

static void get_mac(struct reader *r, const char *key, uint8_t mac[6])
{
	char text[24];
	unsigned m[6];

	get_str(r, key, 1, text, sizeof(text));
	if (r->failed)
		return;
	if (sscanf(text, "%2x:%2x:%2x:%2x:%2x:%2x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6) {
		wrong(r, key, WANT_MAC);
		return;
	}
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)m[i];
}

/* An address written without its port (a reporter, an ARP address), read
 * back with port 0. */
static void get_addr(struct reader *r, const char *key, int required, struct endpoint *e)
{
	char text[ENDPOINT_STRLEN + 8];

	get_str(r, key, required, text, sizeof(text) - 2);
	if (r->failed || !text[0])
		return;
	strcat(text, ":0");
	if (endpoint_parse(text, e) < 0)
		wrong(r, key, WANT_ADDRESS);
}

static void parse_arp(struct reader *r, struct arp_packet *a, struct ui_arp_wire *w)
{
	char op[16];

	w->sent_ns = (uint64_t)get_int(r, "sent_ns", 0, 0);
	w->arrived_ns = (uint64_t)get_int(r, "arrived_ns", 0, 0);
	w->lost = get_bool(r, "lost");
	w->arrival = get_bool(r, "arrival");
	w->wire = w->lost || w->arrived_ns || w->sent_ns;

	get_str(r, "op", 1, op, sizeof(op));
	if (!r->failed && strcmp(op, "request") != 0 && strcmp(op, "reply") != 0)
		wrong(r, "op", WANT_ARP_OP);
	a->op = strcmp(op, "reply") == 0 ? ARP_REPLY : ARP_REQUEST;
	get_mac(r, "sender_mac", a->sender_mac);
	get_addr(r, "sender_ip", 1, &a->sender_ip);
	get_mac(r, "target_mac", a->target_mac);
	get_addr(r, "target_ip", 1, &a->target_ip);
}

static const struct {
	const char *name;
	enum ui_event_type type;
} type_names[] = {
	{"packet", UEV_PACKET}, {"state", UEV_STATE}, {"call", UEV_CALL}, {"step", UEV_STEP},
	{"hello", UEV_HELLO}, {"conn_end", UEV_CONN_END}, {"stats", UEV_STATS},
	{"icmp", UEV_ICMP}, {"submit", UEV_CALL}, {"complete", UEV_CALL}, {"arp", UEV_ARP},
	{"arrival", UEV_PACKET}, {"kernel_resent", UEV_KERNEL},
};

int ui_event_parse(const char *json, size_t len, struct ui_event *out, char *err, size_t errlen)
{
	return ui_event_parse_in(LANG_EN, json, len, out, err, errlen);
}

int ui_event_parse_in(enum lang lang, const char *json, size_t len, struct ui_event *out, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	struct reader r = {root, "record", err, errlen, 0, screen_words(lang)};
	char type[24];

	memset(out, 0, sizeof(*out));
	if (!root) {
		snprintf(err, errlen, r.w->bad_json, screen_words_json_error(lang, (int)json_error_code(&jerr), jerr.text),
			 jerr.column);
		return -1;
	}
	if (!json_is_object(root)) {
		snprintf(err, errlen, "%s", r.w->not_object);
		json_decref(root);
		return -1;
	}
	get_str(&r, "type", 1, type, sizeof(type));
	if (!r.failed) {
		out->type = UEV_OTHER;
		for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
			if (strcmp(type, type_names[i].name) == 0)
				out->type = type_names[i].type;
		r.type = type;
		out->ts_ns = (uint64_t)get_int(&r, "ts_ns", out->type != UEV_OTHER, 0);
	}
	if (!r.failed) {
		switch (out->type) {
		case UEV_PACKET:
			parse_packet(&r, &out->u.packet);
			out->u.packet.arrival = strcmp(type, "arrival") == 0;
			break;
		case UEV_STATE: parse_state(&r, &out->u.state); break;
		case UEV_CALL: parse_call(&r, &out->u.call, 0); break;
		case UEV_STEP: parse_call(&r, &out->u.call, 1); break;
		case UEV_HELLO:
			out->u.hello.proc = get_role(&r, "proc");
			out->u.hello.pid = (int)get_int(&r, "pid", 1, 0);
			get_str(&r, "argv", 0, out->u.hello.argv, sizeof(out->u.hello.argv));
			break;
		case UEV_CONN_END: parse_conn_end(&r, &out->u.end); break;
		case UEV_STATS: parse_stats(&r, &out->u.stats); break;
		case UEV_ICMP: parse_icmp(&r, &out->u.icmp); break;
		case UEV_ARP: parse_arp(&r, &out->u.arp, &out->u.arp_wire); break;
		case UEV_KERNEL:
			out->u.kernel.conn = (uint32_t)get_int(&r, "conn", 1, 0);
			out->u.kernel.role = (uint8_t)get_role(&r, "role");
			out->u.kernel.total_retrans = (uint32_t)get_int(&r, "total_retrans", 1, 0);
			out->u.kernel.retransmits = (uint32_t)get_int(&r, "retransmits", 1, 0);
			out->u.kernel.rto_us = (uint32_t)get_int(&r, "rto_us", 1, 0);
			break;
		case UEV_OTHER: break;
		}
	}
	json_decref(root);
	return r.failed ? -1 : 0;
}

/* Payload bytes as text for the details view: printable ASCII kept, the
 * rest shown as '.', like tcpdump -A. */
static void payload_text(const struct segment *s, char *buf, size_t n)
{
	struct bytes payload = bytes_make(s->payload, s->payload ? s->payload_caplen : 0);
	uint8_t c;
	size_t i;

	for (i = 0; i < s->len && i + 1 < n && bytes_u8(&payload, i, &c); i++)
		buf[i] = c >= 0x20 && c < 0x7f ? (char)c : '.';
	buf[i] = '\0';
}

void ui_event_from_trace(const struct trace_event *ev, struct ui_event *out)
{
	memset(out, 0, sizeof(*out));
	out->ts_ns = ev->ts_ns;
	switch (ev->kind) {
	case EVENT_ARRIVAL:
	case EVENT_PACKET: {
		struct ui_packet *p = &out->u.packet;
		const struct segment *s = ev->seg;

		out->type = UEV_PACKET;
		p->conn = ev->conn;
		p->src = s->src;
		p->dst = s->dst;
		p->from_client = ev->from_client;
		p->flags = s->flags;
		p->seq = ev->rel_seq;
		p->ack = ev->rel_ack;
		p->abs_seq = s->seq;
		p->abs_ack = s->ack;
		p->len = s->len;
		p->win = s->win;
		p->opt = s->opt;
		for (unsigned i = 0; i < p->opt.nsack && i < TCP_MAX_SACK_BLOCKS; i++) {
			p->opt.sack[i].left -= ev->peer_isn;
			p->opt.sack[i].right -= ev->peer_isn;
		}
		p->retrans = ev->retransmission;
		p->midstream = ev->midstream;
		snprintf(p->note, sizeof(p->note), "%s", why_key(ev->note));
		p->win_scaled = ev->win_scaled;
		payload_text(s, p->payload, sizeof(p->payload));
		p->wire = ev->wire;
		p->lost = ev->wire && !ev->arrived_ns;
		p->arrival = ev->kind == EVENT_ARRIVAL;
		p->sent_ns = ev->sent_ns;
		p->arrived_ns = ev->arrived_ns;
		break;
	}
	case EVENT_STATE:
		out->type = UEV_STATE;
		out->u.state = (struct ui_state){ev->conn, ev->client, ev->server, ev->role, ev->from, ev->to, "",
						 ev->why_seq, ev->why_ack};
		snprintf(out->u.state.why, sizeof(out->u.state.why), "%s", why_key(ev->why));
		break;
	case EVENT_CONN_END: {
		struct ui_conn_end *e = &out->u.end;

		out->type = UEV_CONN_END;
		e->conn = ev->conn;
		e->client = ev->client;
		e->server = ev->server;
		snprintf(e->reason, sizeof(e->reason), "%s", ev->end_reason ? ev->end_reason : "");
		state_path_format(&ev->client_path, e->client_path, sizeof(e->client_path));
		state_path_format(&ev->server_path, e->server_path, sizeof(e->server_path));
		e->packets = ev->packets;
		break;
	}
	case EVENT_ICMP: {
		struct ui_icmp *e = &out->u.icmp;
		const struct segment *s = ev->seg;

		out->type = UEV_ICMP;
		e->conn = ev->conn;
		e->client = ev->client;
		e->server = ev->server;
		e->src = s->src;
		e->dst = s->dst;
		e->from_client = ev->from_client;
		e->version = s->icmp.version;
		e->type = s->icmp.type;
		e->code = s->icmp.code;
		snprintf(e->name, sizeof(e->name), "%s", icmp_error_name(&s->icmp));
		e->reporter = s->icmp.reporter;
		e->seq = ev->rel_seq;
		e->mtu = s->icmp.mtu;
		snprintf(e->effect, sizeof(e->effect), "%s", icmp_effect_name(ev->icmp_effect));
		snprintf(e->note, sizeof(e->note), "%s", why_key(ev->note));
		break;
	}
	}
}
