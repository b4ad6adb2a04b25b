/* json.c: the bounded appender's number, printf and JSON string parts. */
#include "json.h"

#include <stdarg.h>
#include <stdio.h>

const char json_digit_pairs[201] = "00010203040506070809101112131415161718192021222324"
				  "25262728293031323334353637383940414243444546474849"
				  "50515253545556575859606162636465666768697071727374"
				  "75767778798081828384858687888990919293949596979899";

/* Near the end of the buffer: through a scratch array, so that a number
 * that does not fit is refused whole. */
static __attribute__((noinline)) void outbuf_u64_near_end(struct outbuf *o, uint64_t v)
{
	char tmp[20];

	outbuf_mem(o, tmp, json_put_u64(tmp, v));
}

/* Numbers are most of a packet record (a 19-digit ts_ns, 10-digit
 * sequence numbers): written in place when 20 bytes are free. */
void outbuf_u64(struct outbuf *o, uint64_t v)
{
	if (!o->ok)
		return;
	if (o->pos + 20 < o->n)
		o->pos += json_put_u64(o->buf + o->pos, v);
	else
		outbuf_u64_near_end(o, v);
}

void outbuf_digits8(struct outbuf *o, uint32_t v)
{
	if (!o->ok)
		return;
	if (o->pos + 8 < o->n) {
		json_put8(o->buf + o->pos, v % 100000000);
		o->pos += 8;
	} else {
		o->ok = false;
	}
}

void outbuf_i64(struct outbuf *o, int64_t v)
{
	if (v < 0) {
		outbuf_char(o, '-');
		outbuf_u64(o, (uint64_t)0 - (uint64_t)v);
	} else {
		outbuf_u64(o, (uint64_t)v);
	}
}

void outbuf_secs(struct outbuf *o, uint64_t ns)
{
	char frac[6];
	uint64_t us = ns / 1000;

	outbuf_u64(o, us / 1000000);
	outbuf_char(o, '.');
	us %= 1000000;
	for (int i = 5; i >= 0; i--) {
		frac[i] = (char)('0' + us % 10);
		us /= 10;
	}
	outbuf_mem(o, frac, 6);
}

void outbuf_vprintf(struct outbuf *o, const char *fmt, va_list ap)
{
	int len;

	if (!o->ok)
		return;
	len = vsnprintf(o->buf + o->pos, o->n - o->pos, fmt, ap);
	if (len < 0 || (size_t)len >= o->n - o->pos) {
		o->buf[o->pos] = '\0';
		o->ok = false;
		return;
	}
	o->pos += (size_t)len;
}

void outbuf_printf(struct outbuf *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	outbuf_vprintf(o, fmt, ap);
	va_end(ap);
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
 * where nothing needs escaping: this is the hottest loop of --json. */
void outbuf_json_string(struct outbuf *o, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *run = p;
	const unsigned char *end = p + strlen(s);

	outbuf_char(o, '"');
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
		outbuf_mem(o, run, (size_t)(p - run));
		switch (*p) {
		case '"': outbuf_lit(o, "\\\""); break;
		case '\\': outbuf_lit(o, "\\\\"); break;
		case '\n': outbuf_lit(o, "\\n"); break;
		case '\r': outbuf_lit(o, "\\r"); break;
		case '\t': outbuf_lit(o, "\\t"); break;
		default: {
			char esc[6] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15]};
			outbuf_mem(o, esc, 6);
		}
		}
		run = ++p;
	}
	outbuf_mem(o, run, (size_t)(p - run));
	outbuf_char(o, '"');
}

char *outbuf_copy_cut(const struct outbuf *o, char *buf, size_t n)
{
	size_t len;

	if (n == 0)
		return buf;
	len = o->pos < n ? o->pos : n - 1;
	memcpy(buf, o->buf, len);
	buf[len] = '\0';
	return buf;
}

int outbuf_finish(struct outbuf *o)
{
	if (!o->ok)
		return -1;
	o->buf[o->pos] = '\0';
	return (int)o->pos;
}

int json_put_string(char *buf, size_t n, size_t *pos, const char *s)
{
	struct outbuf o = outbuf_at(buf, n, *pos);

	outbuf_json_string(&o, s);
	if (outbuf_finish(&o) < 0)
		return -1;
	*pos = o.pos;
	return 0;
}

/* Length of the UTF-8 sequence starting at p (at most avail bytes), or 0 if
 * it is not valid UTF-8 (overlong forms and surrogates included). */
static size_t utf8_len(const unsigned char *p, size_t avail)
{
	size_t len;
	unsigned min;
	unsigned cp;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0)
		len = 2, min = 0x80, cp = p[0] & 0x1f;
	else if ((p[0] & 0xf0) == 0xe0)
		len = 3, min = 0x800, cp = p[0] & 0x0f;
	else if ((p[0] & 0xf8) == 0xf0)
		len = 4, min = 0x10000, cp = p[0] & 0x07;
	else
		return 0;
	if (len > avail)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

size_t json_safe_text(char *dst, size_t n, const void *src, size_t len)
{
	const unsigned char *s = src;
	size_t in = 0, out = 0;

	if (n == 0)
		return 0;
	while (in < len) {
		size_t clen = s[in] ? utf8_len(s + in, len - in) : 0;
		size_t take = clen ? clen : 1;

		if (out + take >= n)
			break;
		if (clen)
			memcpy(dst + out, s + in, clen);
		else
			dst[out] = '?';
		out += take;
		in += clen ? clen : 1;
	}
	dst[out] = '\0';
	return out;
}
