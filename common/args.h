/* args.h: command-line values shared by socklab-trace, socklab and the lab
 * programs, so each mistake reads the same in all of them. Pure. */
#ifndef SOCKLAB_ARGS_H
#define SOCKLAB_ARGS_H

#include <stddef.h>

/* A whole decimal number in [min, max]: digits only (no sign, no spaces, no
 * trailing text). Returns 0, or -1 with err filled, naming what:
 * "port '70000': expected a number from 1 to 65535". */
int args_number(const char *what, const char *s, long min, long max, long *out, char *err, size_t n);

#endif
