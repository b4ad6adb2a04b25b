/* args.c: command-line values (args.h). */
#include "args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

int args_number(const char *what, const char *s, long min, long max, long *out, char *err, size_t n)
{
	char *end;
	long v = 0;

	errno = 0;
	if (*s >= '0' && *s <= '9')
		v = strtol(s, &end, 10);
	if (*s < '0' || *s > '9' || errno || *end != '\0' || v < min || v > max) {
		snprintf(err, n, "%s '%s': expected a number from %ld to %ld", what, s, min, max);
		return -1;
	}
	*out = v;
	return 0;
}
