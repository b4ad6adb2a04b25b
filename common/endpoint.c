/* endpoint.c: formatting and parsing of IP:port text forms. */
#include "endpoint.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

void endpoint_put(struct outbuf *o, const struct endpoint *e)
{
	char ip[INET6_ADDRSTRLEN];

	switch (e->family) {
	case 4:
		for (int i = 0; i < 4; i++) {
			outbuf_u64(o, e->addr[i]);
			outbuf_char(o, i < 3 ? '.' : ':');
		}
		break;
	case 6:
		inet_ntop(AF_INET6, e->addr, ip, sizeof(ip));
		outbuf_char(o, '[');
		outbuf_lit(o, ip);
		outbuf_lit(o, "]:");
		break;
	default:
		outbuf_char(o, '?');
		return;
	}
	outbuf_u64(o, e->port);
}

const char *endpoint_format(const struct endpoint *e, char *buf, size_t n)
{
	char text[ENDPOINT_STRLEN];
	struct outbuf o = outbuf_at(text, sizeof(text), 0);

	endpoint_put(&o, e);
	return outbuf_copy_cut(&o, buf, n);
}

static int parse_port(const char *s, uint16_t *port)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < 0 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

int endpoint_parse(const char *s, struct endpoint *out)
{
	char ip[INET6_ADDRSTRLEN];
	const char *colon;
	size_t len;

	memset(out, 0, sizeof(*out));
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':')
			return -1;
		len = (size_t)(close - s - 1);
		if (len == 0 || len >= sizeof(ip))
			return -1;
		memcpy(ip, s + 1, len);
		ip[len] = '\0';
		if (inet_pton(AF_INET6, ip, out->addr) != 1)
			return -1;
		out->family = 6;
		return parse_port(close + 2, &out->port);
	}
	colon = strrchr(s, ':');
	if (!colon)
		return -1;
	len = (size_t)(colon - s);
	if (len == 0 || len >= sizeof(ip))
		return -1;
	memcpy(ip, s, len);
	ip[len] = '\0';
	if (inet_pton(AF_INET, ip, out->addr) != 1)
		return -1;
	out->family = 4;
	return parse_port(colon + 1, &out->port);
}

bool endpoint_equal(const struct endpoint *a, const struct endpoint *b)
{
	size_t alen;

	if (a->family != b->family || a->port != b->port)
		return false;
	alen = a->family == 6 ? 16 : 4;
	return memcmp(a->addr, b->addr, alen) == 0;
}

uint64_t endpoint_hash(const struct endpoint *e)
{
	uint64_t hi = 0, lo = 0;

	if (e->family == 6) {
		memcpy(&hi, e->addr, 8);
		memcpy(&lo, e->addr + 8, 8);
	} else {
		memcpy(&hi, e->addr, 4);
	}
	return hash_mix64(hi ^ hash_mix64(lo ^ ((uint64_t)e->family << 16 | e->port)));
}
