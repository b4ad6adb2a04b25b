/* output.c: trace events and the kernel view's events -> JSON Lines
 * records and text timeline lines.
 *
 * The tracer prints one record per packet, so this is a hot path: every
 * piece, endpoints, flags and state paths included, is appended with
 * json.h's outbuf straight into the caller's buffer; no snprintf, no
 * temporary copies, no allocation. The packet, arrival and state records
 * (nearly all of a capture's) are written through a cursor: their room is
 * checked once against a counted bound (PACKET_FIELDS_MAX, ...), then
 * their fields go in unchecked; test_output writes the longest record
 * there can be into buffers of every size under AddressSanitizer. */
#include "output.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"

#define OUTPUT_CACHE_SLOTS 4096 /* a power of two; more than the connections a capture interleaves */

struct output_cache {
	/* A timestamp's digits but its last 8 (the same for 100 ms of
	 * records): ts_ns / 10^8 and its text; ts_len 0: none yet. */
	uint64_t ts_high;
	uint8_t ts_len;
	char ts_text[24];
	/* The lengths of the state names and why keys, each found once (0:
	 * not yet): three of them in every state record. */
	uint8_t state_len[TCP_NSTATES];
	uint8_t why_len[WHY_COUNT];
	struct cached_conn {
		uint32_t conn; /* 0: empty */
		uint8_t len[2];
		char text[2][ENDPOINT_STRLEN]; /* by enum tcp_role */
	} slot[OUTPUT_CACHE_SLOTS];
};

struct output_cache *output_cache_new(void)
{
	return calloc(1, sizeof(struct output_cache));
}

void output_cache_free(struct output_cache *c)
{
	free(c);
}

/* Writes e, which is ev's client or server endpoint (role), at p (with
 * ENDPOINT_STRLEN bytes free), from the cache when there is one: the same
 * text endpoint_put writes (it wrote the cached copy). The whole slot is
 * copied in one fixed-size piece (what lies past the endpoint's length is
 * overwritten by what follows), instead of a memcpy of a variable length. */
static char *cur_endpoint_of(char *p, const struct output_style *st, const struct trace_event *ev,
			     enum tcp_role role, const struct endpoint *e)
{
	struct cached_conn *c;

	if (!st || !st->cache || ev->conn == 0) {
		struct outbuf t = outbuf_at(p, ENDPOINT_STRLEN, 0);

		endpoint_put(&t, e);
		return p + t.pos;
	}
	c = &st->cache->slot[ev->conn & (OUTPUT_CACHE_SLOTS - 1)];
	if (c->conn != ev->conn) {
		for (int r = ROLE_CLIENT; r <= ROLE_SERVER; r++) {
			const struct endpoint *x = r == ROLE_CLIENT ? &ev->client : &ev->server;
			struct outbuf t = outbuf_at(c->text[r], sizeof(c->text[r]), 0);

			endpoint_put(&t, x);
			c->len[r] = (uint8_t)(outbuf_finish(&t) < 0 ? 0 : t.pos);
		}
		c->conn = ev->conn;
	}
	memcpy(p, c->text[role], sizeof(c->text[role]));
	return p + c->len[role];
}

static void put_endpoint_of(struct outbuf *o, const struct output_style *st, const struct trace_event *ev,
			    enum tcp_role role, const struct endpoint *e)
{
	char *p = outbuf_room(o, ENDPOINT_STRLEN);

	if (p)
		outbuf_taken(o, cur_endpoint_of(p, st, ev, role, e));
}

/* Sequence numbers in SACK blocks are shown relative to the receiver's view
 * of the sender's ISN, like seq itself. At most OPTS_JSON_MAX bytes:
 * ,"opts":{ 9, "mss":N 11, ,"wscale":N 13, ,"sack_perm":true 17,
 * ,"sack":[ 9 + 4 blocks of [N,N], 24 each + ] 1, ,"ts":[N,N] 30,
 * ,"cut":true 11, } 1: 218. */
#define OPTS_JSON_MAX 256
static char *cur_opts_json(char *p, const struct trace_event *ev)
{
	const struct tcp_options *opt = &ev->seg->opt;
	char *start;

	if (!opt->has)
		return p;
	p = CUR_LIT(p, ",\"opts\":{");
	start = p;
#define SEP() do { if (p != start) *p++ = ','; } while (0)
	if (opt->has & TCPOPT_HAS_MSS) {
		p = CUR_LIT(p, "\"mss\":");
		p = cur_u64(p, opt->mss);
	}
	if (opt->has & TCPOPT_HAS_WSCALE) {
		SEP();
		p = CUR_LIT(p, "\"wscale\":");
		p = cur_u64(p, opt->wscale);
	}
	if (opt->has & TCPOPT_HAS_SACK_PERM) {
		SEP();
		p = CUR_LIT(p, "\"sack_perm\":true");
	}
	if (opt->has & TCPOPT_HAS_SACK) {
		SEP();
		p = CUR_LIT(p, "\"sack\":[");
		for (unsigned i = 0; i < opt->nsack && i < TCP_MAX_SACK_BLOCKS; i++) {
			if (i)
				*p++ = ',';
			*p++ = '[';
			p = cur_u64(p, (uint32_t)(opt->sack[i].left - ev->peer_isn));
			*p++ = ',';
			p = cur_u64(p, (uint32_t)(opt->sack[i].right - ev->peer_isn));
			*p++ = ']';
		}
		*p++ = ']';
	}
	if (opt->has & TCPOPT_HAS_TS) {
		SEP();
		p = CUR_LIT(p, "\"ts\":[");
		p = cur_u64(p, opt->ts_val);
		*p++ = ',';
		p = cur_u64(p, opt->ts_ecr);
		*p++ = ']';
	}
	if (opt->has & TCPOPT_CUT) {
		SEP();
		p = CUR_LIT(p, "\"cut\":true");
	}
#undef SEP
	*p++ = '}';
	return p;
}

/* ts_ns in decimal: the digits before its last 8 from the cache when
 * they are those of the record before (a 19-digit number is most of the
 * work of a short record). At most 24 bytes (the cached text is copied
 * whole, then the 8 digits overwrite what lies past it). */
static char *cur_ts(char *p, const struct output_style *st, uint64_t ts_ns)
{
	struct output_cache *c = st ? st->cache : NULL;
	uint64_t high = ts_ns / 100000000;

	if (!c || high == 0)
		return cur_u64(p, ts_ns);
	if (high != c->ts_high || c->ts_len == 0) {
		struct outbuf t = outbuf_at(c->ts_text, sizeof(c->ts_text), 0);

		outbuf_u64(&t, high);
		c->ts_len = (uint8_t)(outbuf_finish(&t) < 0 ? 0 : t.pos);
		c->ts_high = high;
	}
	memcpy(p, c->ts_text, sizeof(c->ts_text));
	return cur_digits8(p + c->ts_len, (uint32_t)(ts_ns % 100000000));
}

/* {"type":"...","ts_ns":N,"conn":N: how every record starts. At most
 * HEAD_MAX bytes: {"type":"conn_end","ts_ns": 27, the time 24,
 * ,"conn":N 18. */
#define HEAD_MAX 80
static char *cur_head_of(char *p, const struct output_style *st, const char *type, size_t type_len, uint64_t ts_ns,
			 uint32_t conn)
{
	p = CUR_LIT(p, "{\"type\":\"");
	p = cur_mem(p, type, type_len);
	p = CUR_LIT(p, "\",\"ts_ns\":");
	p = cur_ts(p, st, ts_ns);
	p = CUR_LIT(p, ",\"conn\":");
	return cur_u64(p, conn);
}
#define cur_head(p, st, type, ts_ns, conn) cur_head_of((p), (st), "" type "", sizeof(type) - 1, (ts_ns), (conn))

static void put_head_of(struct outbuf *o, const struct output_style *st, const char *type, size_t type_len,
			uint64_t ts_ns, uint32_t conn)
{
	char *p = outbuf_room(o, HEAD_MAX);

	if (p)
		outbuf_taken(o, cur_head_of(p, st, type, type_len, ts_ns, conn));
}
#define put_head(o, st, type, ts_ns, conn) put_head_of((o), (st), "" type "", sizeof(type) - 1, (ts_ns), (conn))

/* name, the i-th of a table of count names, its length from lens (found
 * the first time; 0: not yet). */
static char *cur_name(char *p, uint8_t *lens, unsigned i, unsigned count, const char *name)
{
	if (!lens || i >= count)
		return cur_str(p, name);
	if (!lens[i])
		lens[i] = (uint8_t)strlen(name);
	return cur_mem(p, name, lens[i]);
}

/* A state's name and a why key, their lengths from the cache. */
static char *cur_state_name(char *p, const struct output_style *st, enum tcp_state s)
{
	return cur_name(p, st && st->cache ? st->cache->state_len : NULL, s, TCP_NSTATES, tcp_state_name(s));
}

static char *cur_why_key(char *p, const struct output_style *st, enum tcp_why w)
{
	return cur_name(p, st && st->cache ? st->cache->why_len : NULL, w, WHY_COUNT, why_key(w));
}

static void put_client_server(struct outbuf *o, const struct endpoint *client, const struct endpoint *server)
{
	outbuf_lit(o, ",\"client\":\"");
	endpoint_put(o, client);
	outbuf_lit(o, "\",\"server\":\"");
	endpoint_put(o, server);
	outbuf_char(o, '"');
}

/* The same for a trace event, through the style's cache: at most
 * CLIENT_SERVER_MAX bytes. */
#define CLIENT_SERVER_MAX (2 * ENDPOINT_STRLEN + 24)
static char *cur_event_client_server(char *p, const struct output_style *st, const struct trace_event *ev)
{
	p = CUR_LIT(p, ",\"client\":\"");
	p = cur_endpoint_of(p, st, ev, ROLE_CLIENT, &ev->client);
	p = CUR_LIT(p, "\",\"server\":\"");
	p = cur_endpoint_of(p, st, ev, ROLE_SERVER, &ev->server);
	*p++ = '"';
	return p;
}

static void put_event_client_server(struct outbuf *o, const struct output_style *st, const struct trace_event *ev)
{
	char *p = outbuf_room(o, CLIENT_SERVER_MAX);

	if (p)
		outbuf_taken(o, cur_event_client_server(p, st, ev));
}

/* The sentence for key w about role who, in the style's language; as a
 * JSON string literal when json. */
static void put_why_text(struct outbuf *o, const struct output_style *st, enum tcp_why w, enum tcp_role who,
			 uint32_t seq, uint32_t ack, bool json)
{
	char text[WHY_TEXT_MAX];

	if (why_format(w, st ? st->lang : LANG_EN, who == ROLE_SERVER, seq, ack, text, sizeof(text)) < 0)
		o->ok = false;
	else if (json)
		outbuf_json_string(o, text);
	else
		outbuf_lit(o, text);
}

/* The address of the host that sent an ICMP error (its endpoint has port
 * 0, which is dropped): "192.0.2.1", "[2001:db8::1]". */
/* An address without its port (the endpoint's port is 0). */
static void put_addr(struct outbuf *o, const struct endpoint *e)
{
	endpoint_put(o, e);
	if (o->ok && o->pos >= 2 && o->buf[o->pos - 2] == ':')
		o->pos -= 2;
}

static void put_reporter(struct outbuf *o, const struct icmp_error *e)
{
	put_addr(o, &e->reporter);
}

int output_arp_json(const struct arp_packet *a, uint64_t ts_ns, char *buf, size_t n)
{
	struct outbuf o = outbuf_at(buf, n, 0);
	char mac[24];

	outbuf_lit(&o, "{\"type\":\"arp\",\"ts_ns\":");
	outbuf_u64(&o, ts_ns);
	outbuf_lit(&o, a->op == ARP_REQUEST ? ",\"op\":\"request\",\"sender_mac\":\"" : ",\"op\":\"reply\",\"sender_mac\":\"");
	outbuf_lit(&o, mac_format(a->sender_mac, mac, sizeof(mac)));
	outbuf_lit(&o, "\",\"sender_ip\":\"");
	put_addr(&o, &a->sender_ip);
	outbuf_lit(&o, "\",\"target_mac\":\"");
	outbuf_lit(&o, mac_format(a->target_mac, mac, sizeof(mac)));
	outbuf_lit(&o, "\",\"target_ip\":\"");
	put_addr(&o, &a->target_ip);
	outbuf_lit(&o, "\"}");
	return outbuf_finish(&o);
}

int output_arp_wire_json(const struct arp_packet *a, const struct arp_wire *w, char *buf, size_t n)
{
	uint64_t ts = w->arrival || !w->sent_ns ? w->arrived_ns : w->sent_ns;
	int len = output_arp_json(a, ts, buf, n);
	struct outbuf o;

	if (len <= 0)
		return len;
	o = outbuf_at(buf, n, (size_t)len - 1); /* over its closing brace */
	if (w->sent_ns) {
		outbuf_lit(&o, ",\"sent_ns\":");
		outbuf_u64(&o, w->sent_ns);
		outbuf_lit(&o, ",\"sent_at\":\"");
		outbuf_lit(&o, w->sent_at ? w->sent_at : "");
		outbuf_char(&o, '"');
	}
	if (w->arrived_ns) {
		outbuf_lit(&o, ",\"arrived_ns\":");
		outbuf_u64(&o, w->arrived_ns);
		outbuf_lit(&o, ",\"arrived_at\":\"");
		outbuf_lit(&o, w->arrived_at ? w->arrived_at : "");
		outbuf_char(&o, '"');
	} else {
		outbuf_lit(&o, ",\"lost\":true");
	}
	if (w->arrival)
		outbuf_lit(&o, ",\"arrival\":true");
	outbuf_char(&o, '}');
	return outbuf_finish(&o);
}

void output_arp_words(struct outbuf *o, const struct arp_packet *a)
{
	char mac[24];

	if (a->op == ARP_REQUEST) {
		outbuf_lit(o, "ARP who-has ");
		put_addr(o, &a->target_ip);
		outbuf_lit(o, " tell ");
		put_addr(o, &a->sender_ip);
	} else {
		outbuf_lit(o, "ARP ");
		put_addr(o, &a->sender_ip);
		outbuf_lit(o, " is-at ");
		outbuf_lit(o, mac_format(a->sender_mac, mac, sizeof(mac)));
	}
}

/* The words, and who asks: "ARP who-has 10.77.0.2 tell 10.77.0.1 (from aa:..)". */
static void put_arp_sent(struct outbuf *o, const struct arp_packet *a)
{
	char mac[24];

	output_arp_words(o, a);
	if (a->op == ARP_REQUEST) {
		outbuf_lit(o, " (from ");
		outbuf_lit(o, mac_format(a->sender_mac, mac, sizeof(mac)));
		outbuf_char(o, ')');
	}
}

int output_arp_text(const struct arp_packet *a, uint64_t ts_ns, uint64_t t0_ns, char *buf, size_t n)
{
	struct outbuf o = outbuf_at(buf, n, 0);

	outbuf_secs(&o, ts_ns >= t0_ns ? ts_ns - t0_ns : 0);
	outbuf_char(&o, ' ');
	put_arp_sent(&o, a);
	return outbuf_finish(&o);
}

/* The quoted segment of an icmp record: src, dst, flags (when quoted) and
 * seq (relative when the connection is known). */
static void put_icmp_json(struct outbuf *o, const struct trace_event *ev, const struct output_style *st)
{
	const struct segment *s = ev->seg;

	outbuf_lit(o, s->icmp.version == 6 ? ",\"proto\":\"icmpv6\",\"icmp_type\":" : ",\"proto\":\"icmp\",\"icmp_type\":");
	outbuf_u64(o, s->icmp.type);
	outbuf_lit(o, ",\"icmp_code\":");
	outbuf_u64(o, s->icmp.code);
	outbuf_lit(o, ",\"name\":\"");
	outbuf_lit(o, icmp_error_name(&s->icmp));
	outbuf_lit(o, "\",\"reporter\":\"");
	put_reporter(o, &s->icmp);
	if (s->icmp.mtu) {
		outbuf_lit(o, "\",\"mtu\":");
		outbuf_u64(o, s->icmp.mtu);
		outbuf_lit(o, ",\"src\":\"");
	} else {
		outbuf_lit(o, "\",\"src\":\"");
	}
	endpoint_put(o, &s->src);
	outbuf_lit(o, "\",\"dst\":\"");
	endpoint_put(o, &s->dst);
	outbuf_lit(o, ev->from_client ? "\",\"dir\":\"c2s\"" : "\",\"dir\":\"s2c\"");
	if (s->icmp.quoted_full) {
		outbuf_lit(o, ",\"flags\":\"");
		tcp_flags_put(o, s->flags);
		outbuf_char(o, '"');
	}
	outbuf_lit(o, ",\"seq\":");
	outbuf_u64(o, ev->rel_seq);
	outbuf_lit(o, ",\"abs_seq\":");
	outbuf_u64(o, s->seq);
	outbuf_lit(o, ",\"effect\":\"");
	outbuf_lit(o, icmp_effect_name(ev->icmp_effect));
	outbuf_char(o, '"');
	if (ev->note != WHY_NONE) {
		outbuf_lit(o, ",\"note\":\"");
		outbuf_lit(o, why_key(ev->note));
		outbuf_char(o, '"');
		if (st && st->explain) {
			outbuf_lit(o, ",\"note_text\":");
			put_why_text(o, st, ev->note, ev->from_client ? ROLE_CLIENT : ROLE_SERVER, ev->rel_seq,
				     ev->rel_ack, true);
		}
	}
}

/* A two-point wire's packet: each copy's time and the host it was seen
 * at (the sender's, the receiver's), or that it was lost on the wire. At
 * most WIRE_JSON_MAX bytes: ,"sent_ns":N 31, ,"sent_at":"server" 19,
 * ,"arrived_ns":N 34, ,"arrived_at":"client" 22 (or ,"lost":true 12). */
#define WIRE_JSON_MAX 128
static char *cur_wire_json(char *p, const struct trace_event *ev)
{
	if (!ev->wire)
		return p;
	if (ev->sent_ns) {
		p = CUR_LIT(p, ",\"sent_ns\":");
		p = cur_u64(p, ev->sent_ns);
		p = ev->from_client ? CUR_LIT(p, ",\"sent_at\":\"client\"") : CUR_LIT(p, ",\"sent_at\":\"server\"");
	}
	if (!ev->arrived_ns)
		return CUR_LIT(p, ",\"lost\":true");
	p = CUR_LIT(p, ",\"arrived_ns\":");
	p = cur_u64(p, ev->arrived_ns);
	return ev->from_client ? CUR_LIT(p, ",\"arrived_at\":\"server\"") : CUR_LIT(p, ",\"arrived_at\":\"client\"");
}

/* What a packet and an arrival record start with, after the head:
 * ,"src":"..","dst":"..","dir":"c2s","flags":"..","seq":N,"ack":N,"len":N.
 * At most 2 * (9 + ENDPOINT_STRLEN) + 23 + TCP_FLAGS_MAX + 52 bytes. */
static char *cur_segment_json(char *p, const struct output_style *st, const struct trace_event *ev)
{
	p = CUR_LIT(p, ",\"src\":\"");
	p = cur_endpoint_of(p, st, ev, ev->from_client ? ROLE_CLIENT : ROLE_SERVER, &ev->seg->src);
	p = CUR_LIT(p, "\",\"dst\":\"");
	p = cur_endpoint_of(p, st, ev, ev->from_client ? ROLE_SERVER : ROLE_CLIENT, &ev->seg->dst);
	p = ev->from_client ? CUR_LIT(p, "\",\"dir\":\"c2s\",\"flags\":\"") : CUR_LIT(p, "\",\"dir\":\"s2c\",\"flags\":\"");
	p = tcp_flags_at(p, ev->seg->flags);
	p = CUR_LIT(p, "\",\"seq\":");
	p = cur_u64(p, ev->rel_seq);
	p = CUR_LIT(p, ",\"ack\":");
	p = cur_u64(p, ev->rel_ack);
	p = CUR_LIT(p, ",\"len\":");
	return cur_u64(p, ev->seg->len);
}

/* The most a packet or arrival record's fields take before a note's
 * sentence: the head 80, the segment's start 2 * 65 + 23 + 32 + 52, the
 * window and absolute numbers 4 * 24, the options 256, retrans and
 * midstream 32, the wire's times 128, the note 10 + WHY_KEY_MAX, and the
 * closing brace: 880. A state record's: the head 80, client and server
 * CLIENT_SERVER_MAX, role, from, to, why and the numbers 40 + 2 * 12 +
 * WHY_KEY_MAX + 40: 380. */
#define PACKET_FIELDS_MAX 1024
#define STATE_FIELDS_MAX 512

/* A packet record, all but the sentence that --explain adds after its
 * note; the caller writes that and the closing brace. */
static char *cur_packet_json(char *p, const struct output_style *st, const struct trace_event *ev)
{
	const struct segment *s = ev->seg;

	p = cur_head(p, st, "packet", ev->ts_ns, ev->conn);
	p = cur_segment_json(p, st, ev);
	p = CUR_LIT(p, ",\"win\":");
	p = cur_u64(p, s->win);
	p = CUR_LIT(p, ",\"win_scaled\":");
	p = cur_u64(p, ev->win_scaled);
	p = CUR_LIT(p, ",\"abs_seq\":");
	p = cur_u64(p, s->seq);
	p = CUR_LIT(p, ",\"abs_ack\":");
	p = cur_u64(p, s->ack);
	p = cur_opts_json(p, ev);
	if (ev->retransmission)
		p = CUR_LIT(p, ",\"retrans\":true");
	if (ev->midstream)
		p = CUR_LIT(p, ",\"midstream\":true");
	p = cur_wire_json(p, ev);
	if (ev->note != WHY_NONE) {
		p = CUR_LIT(p, ",\"note\":\"");
		p = cur_why_key(p, st, ev->note);
		*p++ = '"';
	}
	return p;
}

/* A state record, all but the sentence --explain adds. */
static char *cur_state_json(char *p, const struct output_style *st, const struct trace_event *ev)
{
	p = cur_head(p, st, "state", ev->ts_ns, ev->conn);
	p = cur_event_client_server(p, st, ev);
	p = ev->role == ROLE_CLIENT ? CUR_LIT(p, ",\"role\":\"client\",\"from\":\"")
				    : CUR_LIT(p, ",\"role\":\"server\",\"from\":\"");
	p = cur_state_name(p, st, ev->from);
	p = CUR_LIT(p, "\",\"to\":\"");
	p = cur_state_name(p, st, ev->to);
	p = CUR_LIT(p, "\",\"why\":\"");
	p = cur_why_key(p, st, ev->why);
	p = CUR_LIT(p, "\",\"seq\":");
	p = cur_u64(p, ev->why_seq);
	p = CUR_LIT(p, ",\"ack\":");
	return cur_u64(p, ev->why_ack);
}

int output_json(const struct trace_event *ev, const struct output_style *st, char *buf, size_t n)
{
	struct outbuf o = outbuf_at(buf, n, 0);
	bool explain = st && st->explain;
	char *p;

	switch (ev->kind) {
	case EVENT_ARRIVAL: /* {"type":"arrival",...}: the segment's row at its receiver */
		if ((p = outbuf_room(&o, PACKET_FIELDS_MAX))) {
			p = cur_head(p, st, "arrival", ev->ts_ns, ev->conn);
			p = cur_segment_json(p, st, ev);
			if (ev->retransmission)
				p = CUR_LIT(p, ",\"retrans\":true");
			outbuf_taken(&o, cur_wire_json(p, ev));
		}
		break;
	case EVENT_PACKET:
		if ((p = outbuf_room(&o, PACKET_FIELDS_MAX)))
			outbuf_taken(&o, cur_packet_json(p, st, ev));
		if (explain && ev->note != WHY_NONE) {
			outbuf_lit(&o, ",\"note_text\":");
			put_why_text(&o, st, ev->note, ev->from_client ? ROLE_CLIENT : ROLE_SERVER, ev->rel_seq,
				     ev->rel_ack, true);
		}
		break;
	case EVENT_STATE:
		if ((p = outbuf_room(&o, STATE_FIELDS_MAX)))
			outbuf_taken(&o, cur_state_json(p, st, ev));
		if (explain) {
			outbuf_lit(&o, ",\"text\":");
			put_why_text(&o, st, ev->why, ev->role, ev->why_seq, ev->why_ack, true);
		}
		break;
	case EVENT_CONN_END:
		put_head(&o, st, "conn_end", ev->ts_ns, ev->conn);
		put_event_client_server(&o, st, ev);
		outbuf_lit(&o, ",\"client_path\":\"");
		state_path_put(&o, &ev->client_path);
		outbuf_lit(&o, "\",\"server_path\":\"");
		state_path_put(&o, &ev->server_path);
		outbuf_lit(&o, "\",\"reason\":");
		outbuf_json_string(&o, ev->end_reason ? ev->end_reason : "");
		outbuf_lit(&o, ",\"packets\":");
		outbuf_u64(&o, ev->packets);
		break;
	case EVENT_ICMP:
		put_head(&o, st, "icmp", ev->ts_ns, ev->conn);
		put_event_client_server(&o, st, ev);
		put_icmp_json(&o, ev, st);
		break;
	}
	outbuf_char(&o, '}');
	return outbuf_finish(&o);
}

static void put_opts_text(struct outbuf *o, const struct trace_event *ev)
{
	const struct tcp_options *opt = &ev->seg->opt;
	int first = 1;

	if (!opt->has)
		return;
	outbuf_lit(o, " <");
#define SEP() do { if (!first) outbuf_char(o, ','); first = 0; } while (0)
	if (opt->has & TCPOPT_HAS_MSS) {
		SEP();
		outbuf_lit(o, "mss ");
		outbuf_u64(o, opt->mss);
	}
	if (opt->has & TCPOPT_HAS_SACK_PERM) {
		SEP();
		outbuf_lit(o, "sackOK");
	}
	if (opt->has & TCPOPT_HAS_TS) {
		SEP();
		outbuf_lit(o, "TS val ");
		outbuf_u64(o, opt->ts_val);
		outbuf_lit(o, " ecr ");
		outbuf_u64(o, opt->ts_ecr);
	}
	if (opt->has & TCPOPT_HAS_WSCALE) {
		SEP();
		outbuf_lit(o, "wscale ");
		outbuf_u64(o, opt->wscale);
	}
	if (opt->has & TCPOPT_HAS_SACK) {
		SEP();
		outbuf_lit(o, "sack");
		for (unsigned i = 0; i < opt->nsack; i++) {
			outbuf_lit(o, i ? " " : " {");
			outbuf_u64(o, (uint32_t)(opt->sack[i].left - ev->peer_isn));
			outbuf_char(o, ':');
			outbuf_u64(o, (uint32_t)(opt->sack[i].right - ev->peer_isn));
		}
		outbuf_char(o, '}');
	}
	if (opt->has & TCPOPT_CUT) {
		SEP();
		outbuf_lit(o, "options cut by the snaplen");
	}
#undef SEP
	outbuf_char(o, '>');
}

/* A text line's time: seconds since t0_ns (the first packet). */
static void put_since(struct outbuf *o, uint64_t ts_ns, uint64_t t0_ns)
{
	outbuf_secs(o, ts_ns >= t0_ns ? ts_ns - t0_ns : 0);
}

/* "+100.2 ms": how long a segment (or an ARP frame) was on the wire. */
static void put_flight_ns(struct outbuf *o, uint64_t sent_ns, uint64_t arrived_ns)
{
	uint64_t us = arrived_ns > sent_ns ? (arrived_ns - sent_ns) / 1000 : 0;

	outbuf_char(o, '+');
	outbuf_u64(o, us / 1000);
	outbuf_char(o, '.');
	outbuf_u64(o, us / 100 % 10);
	outbuf_lit(o, " ms");
}

static void put_flight(struct outbuf *o, const struct trace_event *ev)
{
	put_flight_ns(o, ev->sent_ns, ev->arrived_ns);
}

/* " (arrived 0.100200, +100.2 ms)", " (LOST on the wire)", or an arrival
 * whose send was not captured. */
static void put_wire_times_text(struct outbuf *o, uint64_t sent_ns, uint64_t arrived_ns, uint64_t t0_ns)
{
	if (!arrived_ns) {
		outbuf_lit(o, " (LOST on the wire)");
		return;
	}
	if (!sent_ns) {
		outbuf_lit(o, " (its send was not captured; arrived ");
		put_since(o, arrived_ns, t0_ns);
		outbuf_char(o, ')');
		return;
	}
	outbuf_lit(o, " (arrived ");
	put_since(o, arrived_ns, t0_ns);
	outbuf_lit(o, ", ");
	put_flight_ns(o, sent_ns, arrived_ns);
	outbuf_char(o, ')');
}

int output_arp_wire_text(const struct arp_packet *a, const struct arp_wire *w, uint64_t t0_ns, char *buf, size_t n)
{
	struct outbuf o = outbuf_at(buf, n, 0);

	if (w->arrival) { /* "0.100000 server <- ARP who-has ... arrived (+100.0 ms)" */
		put_since(&o, w->arrived_ns, t0_ns);
		outbuf_char(&o, ' ');
		outbuf_lit(&o, w->arrived_at ? w->arrived_at : "?");
		outbuf_lit(&o, " <- ");
		output_arp_words(&o, a);
		outbuf_lit(&o, " arrived");
		if (w->sent_ns) {
			outbuf_lit(&o, " (");
			put_flight_ns(&o, w->sent_ns, w->arrived_ns);
			outbuf_char(&o, ')');
		}
		return outbuf_finish(&o);
	}
	put_since(&o, w->sent_ns ? w->sent_ns : w->arrived_ns, t0_ns);
	outbuf_char(&o, ' ');
	if (w->sent_at) {
		outbuf_lit(&o, w->sent_at);
		outbuf_char(&o, ' ');
	}
	put_arp_sent(&o, a);
	put_wire_times_text(&o, w->sent_ns, w->arrived_ns, t0_ns);
	return outbuf_finish(&o);
}

static void put_wire_text(struct outbuf *o, const struct trace_event *ev, uint64_t t0_ns)
{
	if (!ev->wire)
		return;
	put_wire_times_text(o, ev->sent_ns, ev->arrived_ns, t0_ns);
}

int output_text(const struct trace_event *ev, uint64_t t0_ns, const struct output_style *st, char *buf, size_t n)
{
	struct outbuf o = outbuf_at(buf, n, 0);

	put_since(&o, ev->ts_ns, t0_ns);
	outbuf_lit(&o, " #");
	outbuf_u64(&o, ev->conn);
	switch (ev->kind) {
	case EVENT_ARRIVAL: /* "0.053655 #1 server <- [SYN] seq=0 arrived (+53.6 ms)" */
		outbuf_lit(&o, ev->from_client ? " server <- [" : " client <- [");
		tcp_flags_put(&o, ev->seg->flags);
		outbuf_lit(&o, "] seq=");
		outbuf_u64(&o, ev->rel_seq);
		if (ev->seg->flags & TCP_ACK) {
			outbuf_lit(&o, " ack=");
			outbuf_u64(&o, ev->rel_ack);
		}
		outbuf_lit(&o, " len=");
		outbuf_u64(&o, ev->seg->len);
		outbuf_lit(&o, " arrived");
		if (ev->sent_ns) {
			outbuf_lit(&o, " (");
			put_flight(&o, ev);
			outbuf_char(&o, ')');
		}
		break;
	case EVENT_PACKET: {
		const struct segment *s = ev->seg;
		outbuf_lit(&o, ev->from_client ? " client " : " server ");
		put_endpoint_of(&o, st, ev, ev->from_client ? ROLE_CLIENT : ROLE_SERVER, &s->src);
		outbuf_lit(&o, " > ");
		put_endpoint_of(&o, st, ev, ev->from_client ? ROLE_SERVER : ROLE_CLIENT, &s->dst);
		outbuf_lit(&o, " [");
		tcp_flags_put(&o, s->flags);
		outbuf_lit(&o, "] seq=");
		outbuf_u64(&o, ev->rel_seq);
		if (s->flags & TCP_ACK) {
			outbuf_lit(&o, " ack=");
			outbuf_u64(&o, ev->rel_ack);
		}
		outbuf_lit(&o, " len=");
		outbuf_u64(&o, s->len);
		outbuf_lit(&o, " win=");
		outbuf_u64(&o, ev->win_scaled);
		put_opts_text(&o, ev);
		if (ev->retransmission)
			outbuf_lit(&o, " (retransmission)");
		if (ev->midstream)
			outbuf_lit(&o, " (joined mid-stream)");
		put_wire_text(&o, ev, t0_ns);
		if (ev->note != WHY_NONE) {
			outbuf_lit(&o, "\n      note: ");
			put_why_text(&o, st, ev->note, ev->from_client ? ROLE_CLIENT : ROLE_SERVER, ev->rel_seq,
				     ev->rel_ack, false);
		}
		break;
	}
	case EVENT_STATE:
		outbuf_lit(&o, "   ");
		outbuf_lit(&o, tcp_role_name(ev->role));
		outbuf_char(&o, ' ');
		outbuf_lit(&o, tcp_state_name(ev->from));
		outbuf_lit(&o, " -> ");
		outbuf_lit(&o, tcp_state_name(ev->to));
		outbuf_lit(&o, ": ");
		put_why_text(&o, st, ev->why, ev->role, ev->why_seq, ev->why_ack, false);
		break;
	case EVENT_CONN_END:
		outbuf_lit(&o, " end (");
		outbuf_lit(&o, ev->end_reason ? ev->end_reason : "");
		outbuf_lit(&o, "): client ");
		state_path_put(&o, &ev->client_path);
		outbuf_lit(&o, ", server ");
		state_path_put(&o, &ev->server_path);
		break;
	case EVENT_ICMP: {
		const struct segment *s = ev->seg;
		outbuf_lit(&o, s->icmp.version == 6 ? " icmpv6 " : " icmp ");
		outbuf_lit(&o, icmp_error_name(&s->icmp));
		if (s->icmp.mtu) {
			outbuf_lit(&o, " mtu ");
			outbuf_u64(&o, s->icmp.mtu);
		}
		outbuf_lit(&o, " from ");
		put_reporter(&o, &s->icmp);
		outbuf_lit(&o, ev->from_client ? " about client " : " about server ");
		endpoint_put(&o, &s->src);
		outbuf_lit(&o, " > ");
		endpoint_put(&o, &s->dst);
		if (s->icmp.quoted_full) {
			outbuf_lit(&o, " [");
			tcp_flags_put(&o, s->flags);
			outbuf_char(&o, ']');
		}
		outbuf_lit(&o, " seq=");
		outbuf_u64(&o, ev->rel_seq);
		outbuf_lit(&o, ": ");
		outbuf_lit(&o, icmp_effect_name(ev->icmp_effect));
		if (ev->note != WHY_NONE) {
			outbuf_lit(&o, "\n      note: ");
			put_why_text(&o, st, ev->note, ev->from_client ? ROLE_CLIENT : ROLE_SERVER, ev->rel_seq,
				     ev->rel_ack, false);
		}
		break;
	}
	}
	return outbuf_finish(&o);
}

int output_summary(const struct trace_event *ev, char *buf, size_t n)
{
	struct outbuf o = outbuf_at(buf, n, 0);
	outbuf_char(&o, '#');
	outbuf_u64(&o, ev->conn);
	outbuf_char(&o, ' ');
	endpoint_put(&o, &ev->client);
	outbuf_lit(&o, " -> ");
	endpoint_put(&o, &ev->server);
	outbuf_lit(&o, " packets=");
	outbuf_u64(&o, ev->packets);
	outbuf_lit(&o, " client ");
	state_path_put(&o, &ev->client_path);
	outbuf_lit(&o, " server ");
	state_path_put(&o, &ev->server_path);
	outbuf_lit(&o, " (");
	outbuf_lit(&o, ev->end_reason ? ev->end_reason : "");
	outbuf_char(&o, ')');
	return outbuf_finish(&o);
}

int output_stats_json(const struct capture_stats *s, uint64_t ts_ns, char *buf, size_t n)
{
	struct outbuf o = outbuf_at(buf, n, 0);

	outbuf_lit(&o, "{\"type\":\"stats\",\"ts_ns\":");
	outbuf_u64(&o, ts_ns);
	outbuf_lit(&o, ",\"seen\":");
	outbuf_u64(&o, s->seen);
	outbuf_lit(&o, ",\"tcp\":");
	outbuf_u64(&o, s->tcp);
	outbuf_lit(&o, ",\"dropped\":");
	outbuf_u64(&o, s->dropped);
	outbuf_lit(&o, ",\"if_dropped\":");
	outbuf_u64(&o, s->if_dropped);
	outbuf_lit(&o, ",\"truncated\":");
	outbuf_u64(&o, s->truncated);
	outbuf_lit(&o, ",\"invalid\":");
	outbuf_u64(&o, s->invalid);
	outbuf_lit(&o, ",\"not_tcp\":");
	outbuf_u64(&o, s->not_tcp);
	outbuf_lit(&o, ",\"icmp\":");
	outbuf_u64(&o, s->icmp);
	outbuf_lit(&o, ",\"time_carried\":");
	outbuf_u64(&o, s->time_carried);
	outbuf_lit(&o, ",\"connections\":");
	outbuf_u64(&o, s->connections);
	outbuf_lit(&o, ",\"kernel_lost\":");
	outbuf_u64(&o, s->kernel_lost);
	outbuf_char(&o, '}');
	return outbuf_finish(&o);
}

int output_format_json(const char *producer, uint64_t ts_ns, char *buf, size_t n)
{
	struct outbuf o = outbuf_at(buf, n, 0);

	outbuf_lit(&o, "{\"type\":\"format\",\"ts_ns\":");
	outbuf_u64(&o, ts_ns);
	outbuf_lit(&o, ",\"version\":");
	outbuf_u64(&o, OUTPUT_FORMAT_VERSION);
	outbuf_lit(&o, ",\"producer\":");
	outbuf_json_string(&o, producer);
	outbuf_char(&o, '}');
	return outbuf_finish(&o);
}

/* The stats line's words around each count, English and Chinese: one
 * writer for both languages. */
enum stats_item { ST_SEEN, ST_TCP, ST_CONNS, ST_DROPPED, ST_TRUNCATED, ST_INVALID, ST_NOT_TCP, ST_ICMP,
		  ST_KERNEL_LOST, ST_CARRIED, ST_COUNT };

static const char *const stats_words[ST_COUNT][LANG_COUNT][2] = {
	[ST_SEEN] = {{"stats: ", " packets seen"}, {"统计：看到 ", " 个包"}},
	[ST_TCP] = {{", ", " tcp"}, {"，其中 TCP ", " 个"}},
	[ST_CONNS] = {{", ", " connections"}, {"，连接 ", " 个"}},
	[ST_DROPPED] = {{", ", " dropped by the kernel"}, {"，内核丢弃 ", " 个"}},
	[ST_TRUNCATED] = {{", ", " truncated"}, {"，截断 ", " 个"}},
	[ST_INVALID] = {{", ", " invalid"}, {"，无效 ", " 个"}},
	[ST_NOT_TCP] = {{", ", " not tcp"}, {"，非 TCP ", " 个"}},
	[ST_ICMP] = {{", ", " icmp errors"}, {"，ICMP 差错 ", " 个"}},
	[ST_KERNEL_LOST] = {{", ", " kernel records not kept (more than 65536 waited for their packets at once)"},
			    {"，未保留的内核记录 ", " 条（同时等待报文的记录超过 65536 条）"}},
	[ST_CARRIED] = {{"; warning: ", " records had a fraction of a second of 1 s or more (carried into the seconds)"},
			{"；警告：", " 条记录的秒以下部分不小于 1 秒（已进位到秒）"}},
};

int output_stats_text(const struct capture_stats *s, enum lang lang, char *buf, size_t n)
{
	const uint64_t count[ST_COUNT] = {s->seen, s->tcp, s->connections, s->dropped, s->truncated,
					  s->invalid, s->not_tcp, s->icmp, s->kernel_lost, s->time_carried};
	struct outbuf o = outbuf_at(buf, n, 0);

	for (int i = 0; i < ST_COUNT; i++) {
		if (i >= ST_ICMP && !count[i]) /* only when there were any */
			continue;
		outbuf_lit(&o, stats_words[i][lang][0]);
		outbuf_u64(&o, count[i]);
		outbuf_lit(&o, stats_words[i][lang][1]);
	}
	return outbuf_finish(&o);
}

/* The socket's tcp_info fields, when sock_diag gave them
 * (docs/trace-format.md, "kernel"). */
static void put_tcp_info(struct outbuf *o, const struct kstate_tcp_info *ti)
{
	const struct {
		const char *key;
		uint32_t value;
	} fields[] = {
		{",\"rto_us\":", ti->rto_us},         {",\"rtt_us\":", ti->rtt_us},
		{",\"rttvar_us\":", ti->rttvar_us},   {",\"snd_cwnd\":", ti->snd_cwnd},
		{",\"retransmits\":", ti->retransmits}, {",\"total_retrans\":", ti->total_retrans},
	};

	if (!ti->valid)
		return;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		outbuf_lit(o, fields[i].key);
		outbuf_u64(o, fields[i].value);
	}
	if (ti->cong[0]) {
		outbuf_lit(o, ",\"cong\":");
		outbuf_json_string(o, ti->cong);
	}
}

int output_kernel_json(const struct kview_event *ev, char *buf, size_t n)
{
	struct outbuf o = outbuf_at(buf, n, 0);

	if (ev->kind == KVIEW_INFO) { /* an endpoint's kernel sent something again */
		put_head(&o, NULL, "kernel_resent", ev->ts_ns, ev->conn);
		outbuf_lit(&o, ",\"role\":\"");
		outbuf_lit(&o, kview_owner_name(ev->owner));
		outbuf_lit(&o, "\",\"total_retrans\":");
		outbuf_u64(&o, ev->info.total_retrans);
		outbuf_lit(&o, ",\"retransmits\":");
		outbuf_u64(&o, ev->info.retransmits);
		outbuf_lit(&o, ",\"rto_us\":");
		outbuf_u64(&o, ev->info.rto_us);
		outbuf_char(&o, '}');
		return outbuf_finish(&o);
	}
	if (ev->kind == KVIEW_RECORD) {
		put_head(&o, NULL, "kernel", ev->ts_ns, ev->conn);
		outbuf_lit(&o, ",\"role\":\"");
		outbuf_lit(&o, kview_owner_name(ev->owner));
		outbuf_lit(&o, "\",\"local\":\"");
		endpoint_put(&o, &ev->local);
		outbuf_lit(&o, "\",\"peer\":\"");
		endpoint_put(&o, &ev->peer);
		outbuf_lit(&o, "\",\"from\":\"");
		outbuf_lit(&o, tcp_state_name(ev->from));
		outbuf_lit(&o, "\",\"to\":\"");
		outbuf_lit(&o, tcp_state_name(ev->to));
		outbuf_lit(&o, "\",\"source\":\"");
		outbuf_lit(&o, kstate_source_name(ev->source));
		outbuf_char(&o, '"');
		put_tcp_info(&o, &ev->info);
		outbuf_char(&o, '}');
		return outbuf_finish(&o);
	}
	put_head(&o, NULL, "kernel_check", ev->ts_ns, ev->conn);
	put_client_server(&o, &ev->client, &ev->server);
	outbuf_lit(&o, ",\"role\":\"");
	outbuf_lit(&o, kview_owner_name(ev->owner));
	outbuf_lit(&o, "\",\"verdict\":\"");
	outbuf_lit(&o, kstate_verdict_name(ev->verdict));
	outbuf_lit(&o, "\",\"wire\":\"");
	state_path_put(&o, &ev->wire);
	outbuf_lit(&o, "\",\"kernel\":\"");
	state_path_put(&o, &ev->kernel);
	outbuf_lit(&o, "\",\"source\":\"");
	outbuf_lit(&o, kstate_source_name(ev->source));
	outbuf_lit(&o, "\",\"why\":");
	outbuf_json_string(&o, ev->why);
	put_tcp_info(&o, &ev->info);
	outbuf_char(&o, '}');
	return outbuf_finish(&o);
}

/* " from -> to" and " (sock_diag)" when the kernel was polled. */
static void put_kernel_change(struct outbuf *o, const struct kview_event *ev)
{
	outbuf_char(o, ' ');
	outbuf_lit(o, tcp_state_name(ev->from));
	outbuf_lit(o, " -> ");
	outbuf_lit(o, tcp_state_name(ev->to));
	if (ev->source == KSTATE_SOCK_DIAG)
		outbuf_lit(o, " (sock_diag)");
}

int output_kernel_text(const struct kview_event *ev, uint64_t t0_ns, char *buf, size_t n)
{
	struct outbuf o = outbuf_at(buf, n, 0);

	put_since(&o, ev->ts_ns, t0_ns);
	outbuf_lit(&o, " #");
	if (ev->conn)
		outbuf_u64(&o, ev->conn);
	else
		outbuf_char(&o, '-');
	outbuf_lit(&o, "   ");
	if (ev->kind == KVIEW_CHECK) {
		outbuf_lit(&o, kstate_verdict_name(ev->verdict));
		outbuf_lit(&o, ": ");
		outbuf_lit(&o, kview_owner_name(ev->owner));
		outbuf_lit(&o, " wire ");
		state_path_put(&o, &ev->wire);
		outbuf_lit(&o, ", kernel ");
		if (ev->kernel.len)
			state_path_put(&o, &ev->kernel);
		else
			outbuf_lit(&o, "(nothing)");
		if (ev->source == KSTATE_SOCK_DIAG)
			outbuf_lit(&o, " (sock_diag)");
		outbuf_lit(&o, ": ");
		outbuf_lit(&o, ev->why);
	} else if (ev->owner == KVIEW_CLIENT || ev->owner == KVIEW_SERVER) {
		outbuf_lit(&o, "kernel ");
		outbuf_lit(&o, kview_owner_name(ev->owner));
		put_kernel_change(&o, ev);
	} else if (ev->owner == KVIEW_LISTENER) {
		outbuf_lit(&o, "kernel listener ");
		endpoint_put(&o, &ev->local);
		put_kernel_change(&o, ev);
	} else {
		outbuf_lit(&o, "kernel ");
		endpoint_put(&o, &ev->local);
		outbuf_lit(&o, " > ");
		endpoint_put(&o, &ev->peer);
		put_kernel_change(&o, ev);
	}
	return outbuf_finish(&o);
}

int output_wire_json(const struct wirepair_stats *s, uint64_t ts_ns, char *buf, size_t n)
{
	struct outbuf o = outbuf_at(buf, n, 0);

	outbuf_lit(&o, "{\"type\":\"wire\",\"ts_ns\":");
	outbuf_u64(&o, ts_ns);
	outbuf_lit(&o, ",\"paired\":");
	outbuf_u64(&o, s->paired);
	outbuf_lit(&o, ",\"lost\":");
	outbuf_u64(&o, s->lost);
	outbuf_lit(&o, ",\"unsent\":");
	outbuf_u64(&o, s->unsent);
	outbuf_lit(&o, ",\"evicted\":");
	outbuf_u64(&o, s->evicted);
	outbuf_lit(&o, ",\"peak_waiting\":");
	outbuf_u64(&o, s->peak);
	outbuf_char(&o, '}');
	return outbuf_finish(&o);
}

int output_wire_text(const struct wirepair_stats *s, char *buf, size_t n)
{
	struct outbuf o = outbuf_at(buf, n, 0);

	outbuf_lit(&o, "wire: ");
	outbuf_u64(&o, s->paired);
	outbuf_lit(&o, " segments and ARP frames seen leaving and arriving, ");
	outbuf_u64(&o, s->lost);
	outbuf_lit(&o, " lost on the wire, ");
	outbuf_u64(&o, s->unsent);
	outbuf_lit(&o, " seen arriving only");
	if (s->evicted) {
		outbuf_lit(&o, "; warning: ");
		outbuf_u64(&o, s->evicted);
		outbuf_lit(&o, " copies handed on unpaired because too many waited (their times may be wrong)");
	}
	return outbuf_finish(&o);
}
