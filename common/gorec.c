/* gorec.c: the go record read with jansson. */
#include "gorec.h"

#include <jansson.h>
#include <limits.h>
#include <string.h>

long gorec_seq(const char *buf, size_t len)
{
	json_t *msg = json_loadb(buf, len, 0, NULL);
	const char *type = json_string_value(json_object_get(msg, "type"));
	json_t *jseq = json_object_get(msg, "seq");
	long seq = -1;

	if (type && strcmp(type, "go") == 0 && json_is_integer(jseq) && json_integer_value(jseq) >= 0 &&
	    json_integer_value(jseq) <= LONG_MAX)
		seq = (long)json_integer_value(jseq);
	json_decref(msg);
	return seq;
}
