/* endpoint.c: formatting and parsing of IP:port text forms. */
#include "endpoint.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Decimal digits of v at p, returns the new end; used because the tracer
 * formats two endpoints per packet and snprintf dominates otherwise. */
static char *put_decimal(char *p, unsigned v)
{
	char tmp[10];
	int i = 0;

	do {
		tmp[i++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (i)
		*p++ = tmp[--i];
	return p;
}

const char *endpoint_format(const struct endpoint *e, char *buf, size_t n)
{
	char tmp[ENDPOINT_STRLEN], *p = tmp;
	size_t len;

	if (n == 0)
		return buf;
	if (e->family == 4) {
		for (int i = 0; i < 4; i++) {
			p = put_decimal(p, e->addr[i]);
			*p++ = i < 3 ? '.' : ':';
		}
	} else if (e->family == 6) {
		*p++ = '[';
		inet_ntop(AF_INET6, e->addr, p, INET6_ADDRSTRLEN);
		p += strlen(p);
		*p++ = ']';
		*p++ = ':';
	} else {
		*p++ = '?';
	}
	if (e->family)
		p = put_decimal(p, e->port);
	len = (size_t)(p - tmp);
	if (len >= n)
		len = n - 1;
	memcpy(buf, tmp, len);
	buf[len] = '\0';
	return buf;
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
