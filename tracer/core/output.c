/* output.c: trace events -> JSON Lines records and text timeline lines.
 *
 * The tracer prints one record per packet, so this is a hot path: records
 * are built with small appenders into the caller's buffer instead of
 * snprintf, and never allocate. */
#include "output.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "json.h"

static void put_endpoint(struct outbuf *o, const struct endpoint *e)
{
	char tmp[ENDPOINT_STRLEN];

	outbuf_lit(o, endpoint_format(e, tmp, sizeof(tmp)));
}

/* Sequence numbers in SACK blocks are shown relative to the receiver's view
 * of the sender's ISN, like seq itself. */
static void put_opts_json(struct outbuf *o, const struct trace_event *ev)
{
	const struct tcp_options *opt = &ev->seg->opt;
	int first = 1;

	if (!opt->has)
		return;
	outbuf_lit(o, ",\"opts\":{");
#define SEP() do { if (!first) outbuf_char(o, ','); first = 0; } while (0)
	if (opt->has & TCPOPT_HAS_MSS) {
		SEP();
		outbuf_lit(o, "\"mss\":");
		outbuf_u64(o, opt->mss);
	}
	if (opt->has & TCPOPT_HAS_WSCALE) {
		SEP();
		outbuf_lit(o, "\"wscale\":");
		outbuf_u64(o, opt->wscale);
	}
	if (opt->has & TCPOPT_HAS_SACK_PERM) {
		SEP();
		outbuf_lit(o, "\"sack_perm\":true");
	}
	if (opt->has & TCPOPT_HAS_SACK) {
		SEP();
		outbuf_lit(o, "\"sack\":[");
		for (unsigned i = 0; i < opt->nsack; i++) {
			if (i)
				outbuf_char(o, ',');
			outbuf_char(o, '[');
			outbuf_u64(o, (uint32_t)(opt->sack[i].left - ev->peer_isn));
			outbuf_char(o, ',');
			outbuf_u64(o, (uint32_t)(opt->sack[i].right - ev->peer_isn));
			outbuf_char(o, ']');
		}
		outbuf_char(o, ']');
	}
	if (opt->has & TCPOPT_HAS_TS) {
		SEP();
		outbuf_lit(o, "\"ts\":[");
		outbuf_u64(o, opt->ts_val);
		outbuf_char(o, ',');
		outbuf_u64(o, opt->ts_ecr);
		outbuf_char(o, ']');
	}
#undef SEP
	outbuf_char(o, '}');
}

static void put_head(struct outbuf *o, const char *type, const struct trace_event *ev)
{
	outbuf_lit(o, "{\"type\":\"");
	outbuf_lit(o, type);
	outbuf_lit(o, "\",\"ts_ns\":");
	outbuf_u64(o, ev->ts_ns);
	outbuf_lit(o, ",\"conn\":");
	outbuf_u64(o, ev->conn);
}

static void put_client_server(struct outbuf *o, const struct trace_event *ev)
{
	outbuf_lit(o, ",\"client\":\"");
	put_endpoint(o, &ev->client);
	outbuf_lit(o, "\",\"server\":\"");
	put_endpoint(o, &ev->server);
	outbuf_char(o, '"');
}

int output_json(const struct trace_event *ev, char *buf, size_t n)
{
	struct outbuf o = outbuf_at(buf, n, 0);
	char flags[48], path[160];

	switch (ev->kind) {
	case EVENT_PACKET: {
		const struct segment *s = ev->seg;
		put_head(&o, "packet", ev);
		outbuf_lit(&o, ",\"src\":\"");
		put_endpoint(&o, &s->src);
		outbuf_lit(&o, "\",\"dst\":\"");
		put_endpoint(&o, &s->dst);
		outbuf_lit(&o, ev->from_client ? "\",\"dir\":\"c2s\",\"flags\":\"" : "\",\"dir\":\"s2c\",\"flags\":\"");
		outbuf_lit(&o, tcp_flags_format(s->flags, flags, sizeof(flags)));
		outbuf_lit(&o, "\",\"seq\":");
		outbuf_u64(&o, ev->rel_seq);
		outbuf_lit(&o, ",\"ack\":");
		outbuf_u64(&o, ev->rel_ack);
		outbuf_lit(&o, ",\"len\":");
		outbuf_u64(&o, s->len);
		outbuf_lit(&o, ",\"win\":");
		outbuf_u64(&o, s->win);
		outbuf_lit(&o, ",\"abs_seq\":");
		outbuf_u64(&o, s->seq);
		outbuf_lit(&o, ",\"abs_ack\":");
		outbuf_u64(&o, s->ack);
		put_opts_json(&o, ev);
		if (ev->retransmission)
			outbuf_lit(&o, ",\"retrans\":true");
		if (ev->midstream)
			outbuf_lit(&o, ",\"midstream\":true");
		if (ev->note) {
			outbuf_lit(&o, ",\"note\":");
			outbuf_json_string(&o, ev->note);
		}
		break;
	}
	case EVENT_STATE:
		put_head(&o, "state", ev);
		put_client_server(&o, ev);
		outbuf_lit(&o, ",\"role\":\"");
		outbuf_lit(&o, tcp_role_name(ev->role));
		outbuf_lit(&o, "\",\"from\":\"");
		outbuf_lit(&o, tcp_state_name(ev->from));
		outbuf_lit(&o, "\",\"to\":\"");
		outbuf_lit(&o, tcp_state_name(ev->to));
		outbuf_lit(&o, "\",\"why\":");
		outbuf_json_string(&o, ev->why ? ev->why : "");
		break;
	case EVENT_CONN_END:
		put_head(&o, "conn_end", ev);
		put_client_server(&o, ev);
		outbuf_lit(&o, ",\"client_path\":\"");
		outbuf_lit(&o, state_path_format(&ev->client_path, path, sizeof(path)));
		outbuf_lit(&o, "\",\"server_path\":\"");
		outbuf_lit(&o, state_path_format(&ev->server_path, path, sizeof(path)));
		outbuf_lit(&o, "\",\"reason\":");
		outbuf_json_string(&o, ev->end_reason ? ev->end_reason : "");
		outbuf_lit(&o, ",\"packets\":");
		outbuf_u64(&o, ev->packets);
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
#undef SEP
	outbuf_char(o, '>');
}

int output_text(const struct trace_event *ev, uint64_t t0_ns, char *buf, size_t n)
{
	struct outbuf o = outbuf_at(buf, n, 0);
	char flags[48], path[160];

	outbuf_secs(&o, ev->ts_ns >= t0_ns ? ev->ts_ns - t0_ns : 0);
	outbuf_lit(&o, " #");
	outbuf_u64(&o, ev->conn);
	switch (ev->kind) {
	case EVENT_PACKET: {
		const struct segment *s = ev->seg;
		outbuf_lit(&o, ev->from_client ? " client " : " server ");
		put_endpoint(&o, &s->src);
		outbuf_lit(&o, " > ");
		put_endpoint(&o, &s->dst);
		outbuf_lit(&o, " [");
		outbuf_lit(&o, tcp_flags_format(s->flags, flags, sizeof(flags)));
		outbuf_lit(&o, "] seq=");
		outbuf_u64(&o, ev->rel_seq);
		if (s->flags & TCP_ACK) {
			outbuf_lit(&o, " ack=");
			outbuf_u64(&o, ev->rel_ack);
		}
		outbuf_lit(&o, " len=");
		outbuf_u64(&o, s->len);
		outbuf_lit(&o, " win=");
		outbuf_u64(&o, s->win);
		put_opts_text(&o, ev);
		if (ev->retransmission)
			outbuf_lit(&o, " (retransmission)");
		if (ev->midstream)
			outbuf_lit(&o, " (joined mid-stream)");
		if (ev->note) {
			outbuf_lit(&o, "\n      note: ");
			outbuf_lit(&o, ev->note);
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
		outbuf_lit(&o, ev->why ? ev->why : "");
		break;
	case EVENT_CONN_END:
		outbuf_lit(&o, " end (");
		outbuf_lit(&o, ev->end_reason ? ev->end_reason : "");
		outbuf_lit(&o, "): client ");
		outbuf_lit(&o, state_path_format(&ev->client_path, path, sizeof(path)));
		outbuf_lit(&o, ", server ");
		outbuf_lit(&o, state_path_format(&ev->server_path, path, sizeof(path)));
		break;
	}
	return outbuf_finish(&o);
}

int output_summary(const struct trace_event *ev, char *buf, size_t n)
{
	struct outbuf o = outbuf_at(buf, n, 0);
	char path[160];

	outbuf_char(&o, '#');
	outbuf_u64(&o, ev->conn);
	outbuf_char(&o, ' ');
	put_endpoint(&o, &ev->client);
	outbuf_lit(&o, " -> ");
	put_endpoint(&o, &ev->server);
	outbuf_lit(&o, " packets=");
	outbuf_u64(&o, ev->packets);
	outbuf_lit(&o, " client ");
	outbuf_lit(&o, state_path_format(&ev->client_path, path, sizeof(path)));
	outbuf_lit(&o, " server ");
	outbuf_lit(&o, state_path_format(&ev->server_path, path, sizeof(path)));
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
	outbuf_lit(&o, ",\"connections\":");
	outbuf_u64(&o, s->connections);
	outbuf_char(&o, '}');
	return outbuf_finish(&o);
}

int output_stats_text(const struct capture_stats *s, char *buf, size_t n)
{
	struct outbuf o = outbuf_at(buf, n, 0);

	outbuf_lit(&o, "stats: ");
	outbuf_u64(&o, s->seen);
	outbuf_lit(&o, " packets seen, ");
	outbuf_u64(&o, s->tcp);
	outbuf_lit(&o, " tcp, ");
	outbuf_u64(&o, s->connections);
	outbuf_lit(&o, " connections, ");
	outbuf_u64(&o, s->dropped);
	outbuf_lit(&o, " dropped by the kernel, ");
	outbuf_u64(&o, s->truncated);
	outbuf_lit(&o, " truncated, ");
	outbuf_u64(&o, s->invalid);
	outbuf_lit(&o, " invalid, ");
	outbuf_u64(&o, s->not_tcp);
	outbuf_lit(&o, " not tcp");
	return outbuf_finish(&o);
}

int output_kernel_json(const struct kview_event *ev, char *buf, size_t n)
{
	char a[ENDPOINT_STRLEN], b[ENDPOINT_STRLEN], wire[160], kern[160];
	size_t pos;
	int len;

	if (ev->kind == KVIEW_RECORD)
		len = snprintf(buf, n,
			       "{\"type\":\"kernel\",\"ts_ns\":%" PRIu64 ",\"conn\":%" PRIu32 ",\"role\":\"%s\","
			       "\"local\":\"%s\",\"peer\":\"%s\",\"from\":\"%s\",\"to\":\"%s\",\"source\":\"%s\"}",
			       ev->ts_ns, ev->conn, kview_owner_name(ev->owner), endpoint_format(&ev->local, a, sizeof(a)),
			       endpoint_format(&ev->peer, b, sizeof(b)), tcp_state_name(ev->from),
			       tcp_state_name(ev->to), kstate_source_name(ev->source));
	else
		len = snprintf(buf, n,
			       "{\"type\":\"kernel_check\",\"ts_ns\":%" PRIu64 ",\"conn\":%" PRIu32 ",\"client\":\"%s\","
			       "\"server\":\"%s\",\"role\":\"%s\",\"verdict\":\"%s\",\"wire\":\"%s\",\"kernel\":\"%s\","
			       "\"source\":\"%s\",\"why\":",
			       ev->ts_ns, ev->conn, endpoint_format(&ev->client, a, sizeof(a)),
			       endpoint_format(&ev->server, b, sizeof(b)), kview_owner_name(ev->owner),
			       kstate_verdict_name(ev->verdict), state_path_format(&ev->wire, wire, sizeof(wire)),
			       state_path_format(&ev->kernel, kern, sizeof(kern)), kstate_source_name(ev->source));
	if (len < 0 || (size_t)len >= n)
		return -1;
	if (ev->kind == KVIEW_RECORD)
		return len;
	pos = (size_t)len;
	if (json_put_string(buf, n, &pos, ev->why) < 0 || pos + 2 > n)
		return -1;
	buf[pos++] = '}';
	buf[pos] = '\0';
	return (int)pos;
}

int output_kernel_text(const struct kview_event *ev, uint64_t t0_ns, char *buf, size_t n)
{
	char a[ENDPOINT_STRLEN], b[ENDPOINT_STRLEN], wire[160], kern[160], when[32], conn[16];
	uint64_t us = (ev->ts_ns >= t0_ns ? ev->ts_ns - t0_ns : 0) / 1000;
	const char *polled = ev->source == KSTATE_SOCK_DIAG ? " (sock_diag)" : "";
	int len;

	snprintf(when, sizeof(when), "%" PRIu64 ".%06" PRIu64, us / 1000000, us % 1000000);
	if (ev->conn)
		snprintf(conn, sizeof(conn), "#%" PRIu32, ev->conn);
	else
		snprintf(conn, sizeof(conn), "#-");
	if (ev->kind == KVIEW_CHECK)
		len = snprintf(buf, n, "%s %s   %s: %s wire %s, kernel %s%s: %s", when, conn,
			       kstate_verdict_name(ev->verdict), kview_owner_name(ev->owner),
			       state_path_format(&ev->wire, wire, sizeof(wire)),
			       ev->kernel.len ? state_path_format(&ev->kernel, kern, sizeof(kern)) : "(nothing)",
			       polled, ev->why);
	else if (ev->owner == KVIEW_CLIENT || ev->owner == KVIEW_SERVER)
		len = snprintf(buf, n, "%s %s   kernel %s %s -> %s%s", when, conn, kview_owner_name(ev->owner),
			       tcp_state_name(ev->from), tcp_state_name(ev->to), polled);
	else if (ev->owner == KVIEW_LISTENER)
		len = snprintf(buf, n, "%s %s   kernel listener %s %s -> %s%s", when, conn,
			       endpoint_format(&ev->local, a, sizeof(a)), tcp_state_name(ev->from),
			       tcp_state_name(ev->to), polled);
	else
		len = snprintf(buf, n, "%s %s   kernel %s > %s %s -> %s%s", when, conn,
			       endpoint_format(&ev->local, a, sizeof(a)), endpoint_format(&ev->peer, b, sizeof(b)),
			       tcp_state_name(ev->from), tcp_state_name(ev->to), polled);
	return len < 0 || (size_t)len >= n ? -1 : len;
}
