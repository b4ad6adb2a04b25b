/* json.h: the one bounded string appender, and JSON string escaping.
 *
 * Every record socklab writes (the tracer's packet and state lines, the lab's
 * call records, the UI's export rows) is built with these into a caller's
 * buffer. The rule is the same everywhere: once something does not fit,
 * ok turns false and stays false, and outbuf_finish() reports the record as
 * too long (-1) instead of cutting it silently. Never allocates; no I/O. */
#ifndef SOCKLAB_JSON_H
#define SOCKLAB_JSON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct outbuf {
	char *buf;
	size_t n, pos; /* capacity (a NUL always fits after pos) and length */
	bool ok;
};

/* An appender writing into buf[0..n) from position pos. */
static inline struct outbuf outbuf_at(char *buf, size_t n, size_t pos)
{
	return (struct outbuf){buf, n, pos, pos < n};
}

/* Inline: the tracer calls these several times for every packet. */
static inline void outbuf_mem(struct outbuf *o, const void *s, size_t len)
{
	if (!o->ok || o->pos + len >= o->n) {
		o->ok = false;
		return;
	}
	memcpy(o->buf + o->pos, s, len);
	o->pos += len;
}

static inline void outbuf_lit(struct outbuf *o, const char *s)
{
	outbuf_mem(o, s, strlen(s));
}

static inline void outbuf_char(struct outbuf *o, char c)
{
	outbuf_mem(o, &c, 1);
}

void outbuf_u64(struct outbuf *o, uint64_t v);
/* Exactly 8 digits of v % 10^8, leading zeros kept: the low part of a
 * number whose high digits the caller wrote (a cached prefix). */
void outbuf_digits8(struct outbuf *o, uint32_t v);
void outbuf_i64(struct outbuf *o, int64_t v);
/* Fixed-point seconds with 6 decimals: "12.000345". */
void outbuf_secs(struct outbuf *o, uint64_t ns);
void outbuf_printf(struct outbuf *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void outbuf_vprintf(struct outbuf *o, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* s as a JSON string literal, with quotes and escapes. */
void outbuf_json_string(struct outbuf *o, const char *s);

/* Copies what o holds into buf (n bytes, NUL-terminated), cut to fit: for
 * the *_format() helpers that hand a C string to callers whose buffer may
 * be short. Returns buf. */
char *outbuf_copy_cut(const struct outbuf *o, char *buf, size_t n);

/* NUL-terminates; returns the length, or -1 if anything did not fit. */
int outbuf_finish(struct outbuf *o);

/* Appends s as a JSON string literal at buf+*pos; returns -1 if it does not
 * fit (then *pos is unchanged). */
int json_put_string(char *buf, size_t n, size_t *pos, const char *s);

/* Copies len bytes of src into dst (n bytes, NUL-terminated) as text a JSON
 * string can carry: valid UTF-8 is kept, NUL and invalid bytes become '?',
 * and the cut falls between characters. Returns the length written. */
size_t json_safe_text(char *dst, size_t n, const void *src, size_t len);

#endif
