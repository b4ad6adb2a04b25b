/* callrec.c: the call record and the stderr line of a socket call. */
#include "callrec.h"

#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "errtext.h"

#define LINE_DATA 40 /* bytes of a read/write printed on the stderr line */

static bool present(const char *s)
{
	return s && s[0];
}

static const char *text_or_empty(const char *s)
{
	return s ? s : "";
}

/* "ECONNREFUSED"; glibc has no name for a number it does not define. */
static const char *errno_name(int err)
{
	const char *name = strerrorname_np(err);

	return name ? name : "E?";
}

void callrec_put_header(struct outbuf *o, const char *type, uint64_t ts_ns, const struct call_origin *who)
{
	outbuf_lit(o, "{\"type\":");
	outbuf_json_string(o, type);
	outbuf_lit(o, ",\"ts_ns\":");
	outbuf_u64(o, ts_ns);
	outbuf_lit(o, ",\"proc\":");
	outbuf_json_string(o, text_or_empty(who->proc));
	outbuf_lit(o, ",\"pid\":");
	outbuf_i64(o, who->pid);
	outbuf_lit(o, ",\"tid\":");
	outbuf_i64(o, who->tid);
	if (who->worker > 0) {
		outbuf_lit(o, ",\"worker\":");
		outbuf_i64(o, who->worker);
	}
}

/* ,"KEY":"text" when there is a text. */
static void put_text_field(struct outbuf *o, const char *key, const char *s)
{
	if (!present(s))
		return;
	outbuf_lit(o, ",\"");
	outbuf_lit(o, key);
	outbuf_lit(o, "\":");
	outbuf_json_string(o, s);
}

static void put_exit_fields(struct outbuf *o, const struct call *c)
{
	outbuf_lit(o, ",\"ret\":");
	outbuf_i64(o, c->ret);
	outbuf_lit(o, ",\"errno\":");
	if (c->err) {
		outbuf_json_string(o, errno_name(c->err));
		outbuf_lit(o, ",\"error\":");
		outbuf_json_string(o, errtext(c->err));
	} else {
		outbuf_lit(o, "null");
	}
	outbuf_lit(o, ",\"blocked_ns\":");
	outbuf_u64(o, c->blocked_ns);
	put_text_field(o, "local", c->local);
	put_text_field(o, "peer", c->peer);
	if (c->data && c->ret > 0) {
		/* json_safe_text writes at most one byte for each byte it reads */
		char text[CALLREC_DATA_SHOWN + 1];
		size_t shown = (size_t)c->ret < CALLREC_DATA_SHOWN ? (size_t)c->ret : CALLREC_DATA_SHOWN;

		json_safe_text(text, sizeof(text), c->data, shown);
		put_text_field(o, "data", text);
	}
}

/* The call a step or call record is about: "seq" (an operation's record:
 * "op", its id), "call", "fd", "args". */
static void put_call_fields(struct outbuf *o, const char *id_key, const struct call *c)
{
	outbuf_lit(o, ",\"");
	outbuf_lit(o, id_key);
	outbuf_lit(o, "\":");
	outbuf_u64(o, c->seq);
	outbuf_lit(o, ",\"call\":");
	outbuf_json_string(o, text_or_empty(c->name));
	outbuf_lit(o, ",\"fd\":");
	outbuf_i64(o, c->fd);
	outbuf_lit(o, ",\"args\":");
	outbuf_json_string(o, text_or_empty(c->args));
}

int callrec_encode_step(struct outbuf *o, const struct call *c)
{
	callrec_put_header(o, "step", c->ts_ns, &c->who);
	put_call_fields(o, "seq", c);
	if (c->phase == CALL_SUBMIT) /* the step is an operation's submission */
		outbuf_lit(o, ",\"submit\":true");
	outbuf_char(o, '}');
	return outbuf_finish(o);
}

static bool is_operation(const struct call *c)
{
	return c->phase == CALL_SUBMIT || c->phase == CALL_COMPLETE;
}

int callrec_encode_hello(struct outbuf *o, uint64_t ts_ns, const struct call_origin *who, int argc,
			 char *const *argv)
{
	char line[CALLREC_ARGV_SHOWN];
	size_t used = 0;

	line[0] = '\0';
	for (int i = 0; i < argc && used + 2 < sizeof(line); i++) {
		if (i)
			line[used++] = ' ';
		used += json_safe_text(line + used, sizeof(line) - used, argv[i], strlen(argv[i]));
	}
	callrec_put_header(o, "hello", ts_ns, who);
	outbuf_lit(o, ",\"argv\":");
	outbuf_json_string(o, line);
	outbuf_char(o, '}');
	return outbuf_finish(o);
}

int callrec_encode(struct outbuf *o, const struct call *c)
{
	static const char *const types[] = {[CALL_ENTER] = "call", [CALL_EXIT] = "call",
					    [CALL_SUBMIT] = "submit", [CALL_COMPLETE] = "complete"};

	callrec_put_header(o, types[c->phase], c->ts_ns, &c->who);
	if (is_operation(c)) {
		put_call_fields(o, "op", c);
	} else {
		outbuf_lit(o, c->phase == CALL_ENTER ? ",\"phase\":\"enter\"" : ",\"phase\":\"exit\"");
		put_call_fields(o, "seq", c);
	}
	put_text_field(o, "addr", c->addr);
	if (c->phase == CALL_EXIT || c->phase == CALL_COMPLETE)
		put_exit_fields(o, c);
	if (c->phase == CALL_COMPLETE && c->more)
		outbuf_lit(o, ",\"more\":true");
	outbuf_char(o, '}');
	return outbuf_finish(o);
}

static bool named(const struct call *c, const char *a, const char *b)
{
	const char *name = text_or_empty(c->name);

	return strcmp(name, a) == 0 || (b && strcmp(name, b) == 0);
}

/* The bytes as a C string literal, cut after LINE_DATA bytes. */
static void put_c_literal(struct outbuf *o, const unsigned char *p, size_t len)
{
	static const char hex[] = "0123456789abcdef";

	outbuf_lit(o, "  \"");
	for (size_t i = 0; i < len && i < LINE_DATA; i++) {
		if (p[i] == '\n') {
			outbuf_lit(o, "\\n");
		} else if (p[i] == '"' || p[i] == '\\') {
			outbuf_char(o, '\\');
			outbuf_char(o, (char)p[i]);
		} else if (p[i] < 0x20 || p[i] >= 0x7f) {
			char esc[4] = {'\\', 'x', hex[p[i] >> 4], hex[p[i] & 15]};
			outbuf_mem(o, esc, sizeof(esc));
		} else {
			outbuf_char(o, (char)p[i]);
		}
	}
	outbuf_lit(o, len > LINE_DATA ? "\"..." : "\"");
}

int callrec_line(struct outbuf *o, const struct call *c)
{
	time_t secs = (time_t)(c->ts_ns / 1000000000ull);
	struct tm tm;

	localtime_r(&secs, &tm);
	outbuf_printf(o, "%02d:%02d:%02d.%06u %s ", tm.tm_hour, tm.tm_min, tm.tm_sec,
		      (unsigned)(c->ts_ns % 1000000000ull / 1000), text_or_empty(c->who.proc));
	if (c->who.worker > 0)
		outbuf_printf(o, "w%d ", c->who.worker);
	outbuf_printf(o, "%s%s(%s)",
		      c->phase == CALL_SUBMIT ? "submit " : c->phase == CALL_COMPLETE ? "complete " : "",
		      text_or_empty(c->name), text_or_empty(c->args));
	if (c->phase == CALL_SUBMIT) { /* no result yet: the kernel has the operation */
		outbuf_printf(o, "  op %u", c->seq);
		return outbuf_finish(o);
	}
	outbuf_printf(o, " = %ld", c->ret);
	if (c->err)
		outbuf_printf(o, " %s (%s)", errno_name(c->err), errtext(c->err));
	if (named(c, "bind", "connect") && present(c->local))
		outbuf_printf(o, "  local %s", c->local);
	if ((named(c, "accept", "accept4") || named(c, "close", "shutdown")) && present(c->peer))
		outbuf_printf(o, "  peer %s", c->peer);
	if (named(c, "recvfrom", NULL) && c->ret >= 0 && (present(c->addr) || present(c->peer)))
		outbuf_printf(o, "  from %s", present(c->addr) ? c->addr : c->peer); /* no address asked: the peer sent it */
	if (c->data && c->ret > 0)
		put_c_literal(o, c->data, (size_t)c->ret);
	if (c->phase == CALL_COMPLETE)
		outbuf_printf(o, "  op %u", c->seq);
	outbuf_printf(o, "  [%.3f ms]", (double)c->blocked_ns / 1e6);
	return outbuf_finish(o);
}
