/* endpoint.h: an IP address and port, written the way every socklab program
 * shows them: "127.0.0.1:50322" for IPv4, "[::1]:8080" for IPv6. */
#ifndef SOCKLAB_ENDPOINT_H
#define SOCKLAB_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest text form: "[" + 45-char IPv6 + "]:" + 5-digit port + NUL. */
#define ENDPOINT_STRLEN 56

struct endpoint {
	uint8_t family;   /* 4 or 6; 0 means unset */
	uint8_t addr[16]; /* network byte order; IPv4 uses the first 4 bytes */
	uint16_t port;    /* host byte order */
};

struct outbuf;

/* Appends the text form to o (json.h's bounded appender). */
void endpoint_put(struct outbuf *o, const struct endpoint *e);

/* Writes the text form into buf, cut to fit (ENDPOINT_STRLEN bytes always
 * hold it whole); returns buf so it can be used inside printf arguments. */
const char *endpoint_format(const struct endpoint *e, char *buf, size_t n);

/* Parses "1.2.3.4:80" or "[::1]:80"; returns 0, or -1 if malformed. */
int endpoint_parse(const char *s, struct endpoint *out);

bool endpoint_equal(const struct endpoint *a, const struct endpoint *b);

/* MurmurHash3's 64-bit finalizer: every input bit reaches every output
 * bit. For the hash tables that mix endpoints with other fields. */
static inline uint64_t hash_mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

/* A hash of the address (only its family's bytes), family and port. */
uint64_t endpoint_hash(const struct endpoint *e);

#endif
