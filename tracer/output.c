/* output.c: trace events -> JSON Lines records and text timeline lines.
 *
 * The tracer prints one record per packet, so this is a hot path: records
 * are built with small appenders into the caller's buffer instead of
 * snprintf, and never allocate. */
#include "output.h"

#include <string.h>

/* A bounded append buffer: once something does not fit, ok turns false and
 * the record is reported as too long instead of being cut silently. */
struct out {
	char *buf;
	size_t n, pos;
	int ok;
};

static void put_mem(struct out *o, const char *s, size_t len)
{
	if (!o->ok || o->pos + len >= o->n) {
		o->ok = 0;
		return;
	}
	memcpy(o->buf + o->pos, s, len);
	o->pos += len;
}

static void put_lit(struct out *o, const char *s)
{
	put_mem(o, s, strlen(s));
}

static void put_char(struct out *o, char c)
{
	put_mem(o, &c, 1);
}

/* Two digits per division: numbers are most of a packet record. */
static void put_u64(struct out *o, uint64_t v)
{
	static const char pairs[] = "00010203040506070809101112131415161718192021222324"
				    "25262728293031323334353637383940414243444546474849"
				    "50515253545556575859606162636465666768697071727374"
				    "75767778798081828384858687888990919293949596979899";
	char tmp[24];
	size_t i = sizeof(tmp);

	while (v >= 100) {
		unsigned d = (unsigned)(v % 100) * 2;
		v /= 100;
		tmp[--i] = pairs[d + 1];
		tmp[--i] = pairs[d];
	}
	if (v >= 10) {
		tmp[--i] = pairs[v * 2 + 1];
		tmp[--i] = pairs[v * 2];
	} else {
		tmp[--i] = (char)('0' + v);
	}
	put_mem(o, tmp + i, sizeof(tmp) - i);
}

/* Fixed-point seconds with 6 decimals: "12.000345". */
static void put_secs(struct out *o, uint64_t ns)
{
	char frac[7];
	uint64_t us = ns / 1000;

	put_u64(o, us / 1000000);
	put_char(o, '.');
	us %= 1000000;
	for (int i = 5; i >= 0; i--) {
		frac[i] = (char)('0' + us % 10);
		us /= 10;
	}
	put_mem(o, frac, 6);
}

/* True when one of the 8 bytes in w must be escaped in JSON: below 0x20,
 * '"', '\\' or DEL (bit tricks from "Bit Twiddling Hacks": haszero/hasless). */
static int word_needs_escape(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
#define HASZERO(v) (((v) - ones) & ~(v) & highs)
	uint64_t below_space = (w - ones * 0x20) & ~w & highs;

	return (below_space | HASZERO(w ^ (ones * '"')) | HASZERO(w ^ (ones * '\\')) |
		HASZERO(w ^ (ones * 0x7f))) != 0;
#undef HASZERO
}

/* Copies runs of plain characters in one piece, skipping 8 bytes at a time
 * where nothing needs escaping: the `why` texts are long and this is the
 * hottest loop of --json. */
static void put_json_string(struct out *o, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *run = p;
	const unsigned char *end = p + strlen(s);

	put_char(o, '"');
	while (p < end) {
		uint64_t w;

		if (end - p >= 8) {
			memcpy(&w, p, 8);
			if (!word_needs_escape(w)) {
				p += 8;
				continue;
			}
		}
		if (*p >= 0x20 && *p != '"' && *p != '\\' && *p != 0x7f) {
			p++;
			continue;
		}
		put_mem(o, (const char *)run, (size_t)(p - run));
		switch (*p) {
		case '"': put_lit(o, "\\\""); break;
		case '\\': put_lit(o, "\\\\"); break;
		case '\n': put_lit(o, "\\n"); break;
		case '\r': put_lit(o, "\\r"); break;
		case '\t': put_lit(o, "\\t"); break;
		default: {
			char esc[6] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15]};
			put_mem(o, esc, 6);
		}
		}
		run = ++p;
	}
	put_mem(o, (const char *)run, (size_t)(p - run));
	put_char(o, '"');
}

static void put_endpoint(struct out *o, const struct endpoint *e)
{
	char tmp[ENDPOINT_STRLEN];

	put_lit(o, endpoint_format(e, tmp, sizeof(tmp)));
}

static int finish(struct out *o)
{
	if (!o->ok)
		return -1;
	o->buf[o->pos] = '\0';
	return (int)o->pos;
}

int json_put_string(char *buf, size_t n, size_t *pos, const char *s)
{
	struct out o = {buf, n, *pos, 1};

	put_json_string(&o, s);
	if (finish(&o) < 0)
		return -1;
	*pos = o.pos;
	return 0;
}

/* Sequence numbers in SACK blocks are shown relative to the receiver's view
 * of the sender's ISN, like seq itself. */
static void put_opts_json(struct out *o, const struct trace_event *ev)
{
	const struct tcp_options *opt = &ev->seg->opt;
	int first = 1;

	if (!opt->has)
		return;
	put_lit(o, ",\"opts\":{");
#define SEP() do { if (!first) put_char(o, ','); first = 0; } while (0)
	if (opt->has & OPT_MSS) {
		SEP();
		put_lit(o, "\"mss\":");
		put_u64(o, opt->mss);
	}
	if (opt->has & OPT_WSCALE) {
		SEP();
		put_lit(o, "\"wscale\":");
		put_u64(o, opt->wscale);
	}
	if (opt->has & OPT_SACK_PERM) {
		SEP();
		put_lit(o, "\"sack_perm\":true");
	}
	if (opt->has & OPT_SACK) {
		SEP();
		put_lit(o, "\"sack\":[");
		for (unsigned i = 0; i < opt->nsack; i++) {
			if (i)
				put_char(o, ',');
			put_char(o, '[');
			put_u64(o, (uint32_t)(opt->sack[i].left - ev->peer_isn));
			put_char(o, ',');
			put_u64(o, (uint32_t)(opt->sack[i].right - ev->peer_isn));
			put_char(o, ']');
		}
		put_char(o, ']');
	}
	if (opt->has & OPT_TS) {
		SEP();
		put_lit(o, "\"ts\":[");
		put_u64(o, opt->ts_val);
		put_char(o, ',');
		put_u64(o, opt->ts_ecr);
		put_char(o, ']');
	}
#undef SEP
	put_char(o, '}');
}

static void put_head(struct out *o, const char *type, const struct trace_event *ev)
{
	put_lit(o, "{\"type\":\"");
	put_lit(o, type);
	put_lit(o, "\",\"ts_ns\":");
	put_u64(o, ev->ts_ns);
	put_lit(o, ",\"conn\":");
	put_u64(o, ev->conn);
}

static void put_client_server(struct out *o, const struct trace_event *ev)
{
	put_lit(o, ",\"client\":\"");
	put_endpoint(o, &ev->client);
	put_lit(o, "\",\"server\":\"");
	put_endpoint(o, &ev->server);
	put_char(o, '"');
}

int output_json(const struct trace_event *ev, char *buf, size_t n)
{
	struct out o = {buf, n, 0, 1};
	char flags[48], path[160];

	switch (ev->kind) {
	case EVENT_PACKET: {
		const struct segment *s = ev->seg;
		put_head(&o, "packet", ev);
		put_lit(&o, ",\"src\":\"");
		put_endpoint(&o, &s->src);
		put_lit(&o, "\",\"dst\":\"");
		put_endpoint(&o, &s->dst);
		put_lit(&o, ev->from_client ? "\",\"dir\":\"c2s\",\"flags\":\"" : "\",\"dir\":\"s2c\",\"flags\":\"");
		put_lit(&o, tcp_flags_format(s->flags, flags, sizeof(flags)));
		put_lit(&o, "\",\"seq\":");
		put_u64(&o, ev->rel_seq);
		put_lit(&o, ",\"ack\":");
		put_u64(&o, ev->rel_ack);
		put_lit(&o, ",\"len\":");
		put_u64(&o, s->len);
		put_lit(&o, ",\"win\":");
		put_u64(&o, s->win);
		put_lit(&o, ",\"abs_seq\":");
		put_u64(&o, s->seq);
		put_lit(&o, ",\"abs_ack\":");
		put_u64(&o, s->ack);
		put_opts_json(&o, ev);
		if (ev->retransmission)
			put_lit(&o, ",\"retrans\":true");
		if (ev->midstream)
			put_lit(&o, ",\"midstream\":true");
		if (ev->note) {
			put_lit(&o, ",\"note\":");
			put_json_string(&o, ev->note);
		}
		break;
	}
	case EVENT_STATE:
		put_head(&o, "state", ev);
		put_client_server(&o, ev);
		put_lit(&o, ",\"role\":\"");
		put_lit(&o, tcp_role_name(ev->role));
		put_lit(&o, "\",\"from\":\"");
		put_lit(&o, tcp_state_name(ev->from));
		put_lit(&o, "\",\"to\":\"");
		put_lit(&o, tcp_state_name(ev->to));
		put_lit(&o, "\",\"why\":");
		put_json_string(&o, ev->why ? ev->why : "");
		break;
	case EVENT_CONN_END:
		put_head(&o, "conn_end", ev);
		put_client_server(&o, ev);
		put_lit(&o, ",\"client_path\":\"");
		put_lit(&o, state_path_format(&ev->client_path, path, sizeof(path)));
		put_lit(&o, "\",\"server_path\":\"");
		put_lit(&o, state_path_format(&ev->server_path, path, sizeof(path)));
		put_lit(&o, "\",\"reason\":");
		put_json_string(&o, ev->end_reason ? ev->end_reason : "");
		put_lit(&o, ",\"packets\":");
		put_u64(&o, ev->packets);
		break;
	}
	put_char(&o, '}');
	return finish(&o);
}

static void put_opts_text(struct out *o, const struct trace_event *ev)
{
	const struct tcp_options *opt = &ev->seg->opt;
	int first = 1;

	if (!opt->has)
		return;
	put_lit(o, " <");
#define SEP() do { if (!first) put_char(o, ','); first = 0; } while (0)
	if (opt->has & OPT_MSS) {
		SEP();
		put_lit(o, "mss ");
		put_u64(o, opt->mss);
	}
	if (opt->has & OPT_SACK_PERM) {
		SEP();
		put_lit(o, "sackOK");
	}
	if (opt->has & OPT_TS) {
		SEP();
		put_lit(o, "TS val ");
		put_u64(o, opt->ts_val);
		put_lit(o, " ecr ");
		put_u64(o, opt->ts_ecr);
	}
	if (opt->has & OPT_WSCALE) {
		SEP();
		put_lit(o, "wscale ");
		put_u64(o, opt->wscale);
	}
	if (opt->has & OPT_SACK) {
		SEP();
		put_lit(o, "sack");
		for (unsigned i = 0; i < opt->nsack; i++) {
			put_lit(o, i ? " " : " {");
			put_u64(o, (uint32_t)(opt->sack[i].left - ev->peer_isn));
			put_char(o, ':');
			put_u64(o, (uint32_t)(opt->sack[i].right - ev->peer_isn));
		}
		put_char(o, '}');
	}
#undef SEP
	put_char(o, '>');
}

int output_text(const struct trace_event *ev, uint64_t t0_ns, char *buf, size_t n)
{
	struct out o = {buf, n, 0, 1};
	char flags[48], path[160];

	put_secs(&o, ev->ts_ns >= t0_ns ? ev->ts_ns - t0_ns : 0);
	put_lit(&o, " #");
	put_u64(&o, ev->conn);
	switch (ev->kind) {
	case EVENT_PACKET: {
		const struct segment *s = ev->seg;
		put_lit(&o, ev->from_client ? " client " : " server ");
		put_endpoint(&o, &s->src);
		put_lit(&o, " > ");
		put_endpoint(&o, &s->dst);
		put_lit(&o, " [");
		put_lit(&o, tcp_flags_format(s->flags, flags, sizeof(flags)));
		put_lit(&o, "] seq=");
		put_u64(&o, ev->rel_seq);
		if (s->flags & TCP_ACK) {
			put_lit(&o, " ack=");
			put_u64(&o, ev->rel_ack);
		}
		put_lit(&o, " len=");
		put_u64(&o, s->len);
		put_lit(&o, " win=");
		put_u64(&o, s->win);
		put_opts_text(&o, ev);
		if (ev->retransmission)
			put_lit(&o, " (retransmission)");
		if (ev->midstream)
			put_lit(&o, " (joined mid-stream)");
		if (ev->note) {
			put_lit(&o, "\n      note: ");
			put_lit(&o, ev->note);
		}
		break;
	}
	case EVENT_STATE:
		put_lit(&o, "   ");
		put_lit(&o, tcp_role_name(ev->role));
		put_char(&o, ' ');
		put_lit(&o, tcp_state_name(ev->from));
		put_lit(&o, " -> ");
		put_lit(&o, tcp_state_name(ev->to));
		put_lit(&o, ": ");
		put_lit(&o, ev->why ? ev->why : "");
		break;
	case EVENT_CONN_END:
		put_lit(&o, " end (");
		put_lit(&o, ev->end_reason ? ev->end_reason : "");
		put_lit(&o, "): client ");
		put_lit(&o, state_path_format(&ev->client_path, path, sizeof(path)));
		put_lit(&o, ", server ");
		put_lit(&o, state_path_format(&ev->server_path, path, sizeof(path)));
		break;
	}
	return finish(&o);
}

int output_summary(const struct trace_event *ev, char *buf, size_t n)
{
	struct out o = {buf, n, 0, 1};
	char path[160];

	put_char(&o, '#');
	put_u64(&o, ev->conn);
	put_char(&o, ' ');
	put_endpoint(&o, &ev->client);
	put_lit(&o, " -> ");
	put_endpoint(&o, &ev->server);
	put_lit(&o, " packets=");
	put_u64(&o, ev->packets);
	put_lit(&o, " client ");
	put_lit(&o, state_path_format(&ev->client_path, path, sizeof(path)));
	put_lit(&o, " server ");
	put_lit(&o, state_path_format(&ev->server_path, path, sizeof(path)));
	put_lit(&o, " (");
	put_lit(&o, ev->end_reason ? ev->end_reason : "");
	put_char(&o, ')');
	return finish(&o);
}

int output_stats_json(const struct capture_stats *s, uint64_t ts_ns, char *buf, size_t n)
{
	struct out o = {buf, n, 0, 1};

	put_lit(&o, "{\"type\":\"stats\",\"ts_ns\":");
	put_u64(&o, ts_ns);
	put_lit(&o, ",\"seen\":");
	put_u64(&o, s->seen);
	put_lit(&o, ",\"tcp\":");
	put_u64(&o, s->tcp);
	put_lit(&o, ",\"dropped\":");
	put_u64(&o, s->dropped);
	put_lit(&o, ",\"if_dropped\":");
	put_u64(&o, s->if_dropped);
	put_lit(&o, ",\"truncated\":");
	put_u64(&o, s->truncated);
	put_lit(&o, ",\"invalid\":");
	put_u64(&o, s->invalid);
	put_lit(&o, ",\"not_tcp\":");
	put_u64(&o, s->not_tcp);
	put_lit(&o, ",\"connections\":");
	put_u64(&o, s->connections);
	put_char(&o, '}');
	return finish(&o);
}

int output_stats_text(const struct capture_stats *s, char *buf, size_t n)
{
	struct out o = {buf, n, 0, 1};

	put_lit(&o, "stats: ");
	put_u64(&o, s->seen);
	put_lit(&o, " packets seen, ");
	put_u64(&o, s->tcp);
	put_lit(&o, " tcp, ");
	put_u64(&o, s->connections);
	put_lit(&o, " connections, ");
	put_u64(&o, s->dropped);
	put_lit(&o, " dropped by the kernel, ");
	put_u64(&o, s->truncated);
	put_lit(&o, " truncated, ");
	put_u64(&o, s->invalid);
	put_lit(&o, " invalid, ");
	put_u64(&o, s->not_tcp);
	put_lit(&o, " not tcp");
	return finish(&o);
}
