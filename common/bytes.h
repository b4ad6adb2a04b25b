/* bytes.h: bounds-checked reads of untrusted packet bytes.
 *
 * Modelled on tcpdump's GET_BE_U_2(): every read names an offset into a
 * cursor and fails (returns false) instead of reading past its end, so a
 * decoder can never overrun a short or hostile capture. Offsets are checked
 * without overflow: "off + n <= len" is written "n <= len && off <= len - n". */
#ifndef SOCKLAB_BYTES_H
#define SOCKLAB_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A read-only view of len bytes starting at p. */
struct bytes {
	const uint8_t *p;
	size_t len;
};

static inline struct bytes bytes_make(const uint8_t *p, size_t len)
{
	return (struct bytes){ .p = p, .len = len };
}

/* True when n bytes starting at off lie inside b. */
static inline bool bytes_has(const struct bytes *b, size_t off, size_t n)
{
	return n <= b->len && off <= b->len - n;
}

static inline bool bytes_u8(const struct bytes *b, size_t off, uint8_t *out)
{
	if (!bytes_has(b, off, 1))
		return false;
	*out = b->p[off];
	return true;
}

static inline bool bytes_be16(const struct bytes *b, size_t off, uint16_t *out)
{
	if (!bytes_has(b, off, 2))
		return false;
	*out = (uint16_t)((unsigned)b->p[off] << 8 | b->p[off + 1]);
	return true;
}

static inline bool bytes_be32(const struct bytes *b, size_t off, uint32_t *out)
{
	if (!bytes_has(b, off, 4))
		return false;
	*out = (uint32_t)b->p[off] << 24 | (uint32_t)b->p[off + 1] << 16 |
	       (uint32_t)b->p[off + 2] << 8 | b->p[off + 3];
	return true;
}

static inline bool bytes_le32(const struct bytes *b, size_t off, uint32_t *out)
{
	if (!bytes_has(b, off, 4))
		return false;
	*out = (uint32_t)b->p[off + 3] << 24 | (uint32_t)b->p[off + 2] << 16 |
	       (uint32_t)b->p[off + 1] << 8 | b->p[off];
	return true;
}

/* Copies n bytes at off (addresses, kept in network order). */
static inline bool bytes_copy(const struct bytes *b, size_t off, void *dst, size_t n)
{
	if (!bytes_has(b, off, n))
		return false;
	memcpy(dst, b->p + off, n);
	return true;
}

/* The view from off to the end of b, at most max bytes long (empty when off
 * is past the end): how a decoder steps past a header, and how it drops
 * what follows a packet's declared length (link-layer padding). */
static inline struct bytes bytes_sub(const struct bytes *b, size_t off, size_t max)
{
	size_t start = off < b->len ? off : b->len;
	size_t rest = b->len - start;

	return bytes_make(b->p + start, rest < max ? rest : max);
}

#endif
