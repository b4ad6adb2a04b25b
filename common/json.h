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

/* A cursor, for a record part whose size has a known bound: outbuf_room()
 * checks once that max bytes are free (else ok turns false and it gives
 * NULL), the cur_* writers append with no check of their own, and
 * outbuf_taken() hands the cursor back. On the tracer's hot path this is
 * one check a record instead of one a field, and the cursor stays in a
 * register (a store through o->buf may alias o, so each outbuf_mem
 * reloads it). The caller states its bound next to the call. */
static inline char *outbuf_room(struct outbuf *o, size_t max)
{
	if (!o->ok || o->pos + max >= o->n) {
		o->ok = false;
		return NULL;
	}
	return o->buf + o->pos;
}

static inline void outbuf_taken(struct outbuf *o, const char *p)
{
	o->pos = (size_t)(p - o->buf);
}

static inline char *cur_mem(char *p, const void *s, size_t len)
{
	memcpy(p, s, len);
	return p + len;
}

/* A string literal, its length known when compiling. */
#define CUR_LIT(p, s) cur_mem((p), "" s "", sizeof(s) - 1)

static inline char *cur_str(char *p, const char *s)
{
	return cur_mem(p, s, strlen(s));
}

/* Decimal digits, two at a time from a table (json.c); inline, since
 * numbers are most of a tracer record. */
extern const char json_digit_pairs[201];

/* Exactly 8 digits of v < 10^8, leading zeros kept: two independent
 * halves, so the divisions do not wait on one another. */
static inline __attribute__((always_inline)) void json_put8(char *p, uint32_t v)
{
	uint32_t hi = v / 10000, lo = v % 10000;

	memcpy(p, json_digit_pairs + 2 * (hi / 100), 2);
	memcpy(p + 2, json_digit_pairs + 2 * (hi % 100), 2);
	memcpy(p + 4, json_digit_pairs + 2 * (lo / 100), 2);
	memcpy(p + 6, json_digit_pairs + 2 * (lo % 100), 2);
}

static inline __attribute__((always_inline)) void json_put2(char *p, uint32_t v)
{
	memcpy(p, json_digit_pairs + 2 * v, 2);
}

/* The digits of v < 100 with no leading zero; returns how many. */
static inline __attribute__((always_inline)) size_t json_put_upto2(char *p, uint32_t v)
{
	if (v < 10) {
		*p = (char)('0' + v);
		return 1;
	}
	json_put2(p, v);
	return 2;
}

/* The digits of v < 10^8 with no leading zeros; returns how many. A
 * branch per size, one division for each pair of digits, no loop. */
static inline __attribute__((always_inline)) size_t json_put_upto8(char *p, uint32_t v)
{
	size_t n;

	if (v < 100)
		return json_put_upto2(p, v);
	if (v < 10000) {
		n = json_put_upto2(p, v / 100);
		json_put2(p + n, v % 100);
		return n + 2;
	}
	if (v < 1000000) {
		uint32_t lo = v % 10000;

		n = json_put_upto2(p, v / 10000);
		json_put2(p + n, lo / 100);
		json_put2(p + n + 2, lo % 100);
		return n + 4;
	}
	n = json_put_upto2(p, v / 1000000);
	v %= 1000000;
	json_put2(p + n, v / 10000);
	v %= 10000;
	json_put2(p + n + 2, v / 100);
	json_put2(p + n + 4, v % 100);
	return n + 6;
}

/* The digits of v, no leading zeros, at p (room for 20); returns how
 * many. Cut into 8-digit pieces formatted with 32-bit arithmetic. */
static inline __attribute__((always_inline)) size_t json_put_u64(char *p, uint64_t v)
{
	size_t len;

	if (v < 100000000)
		return json_put_upto8(p, (uint32_t)v);
	if (v < 10000000000000000ull) {
		len = json_put_upto8(p, (uint32_t)(v / 100000000));
		json_put8(p + len, (uint32_t)(v % 100000000));
		return len + 8;
	}
	uint64_t high = v / 100000000;

	len = json_put_upto8(p, (uint32_t)(high / 100000000)); /* < 1845 */
	json_put8(p + len, (uint32_t)(high % 100000000));
	json_put8(p + len + 8, (uint32_t)(v % 100000000));
	return len + 16;
}

/* The digits of v (at most 20 bytes). */
static inline char *cur_u64(char *p, uint64_t v)
{
	return p + json_put_u64(p, v);
}

/* Exactly 8 digits of v % 10^8. */
static inline char *cur_digits8(char *p, uint32_t v)
{
	json_put8(p, v % 100000000);
	return p + 8;
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
