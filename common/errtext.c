/* errtext.c: lower-cased strerror() for one-line error messages. */
#include "errtext.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

const char *errtext(int err)
{
	static _Thread_local char buf[128];

	snprintf(buf, sizeof(buf), "%s", strerror(err));
	buf[0] = (char)tolower((unsigned char)buf[0]);
	return buf;
}
