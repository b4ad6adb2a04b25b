/* sockopt_names.h: the socket options a lesson talks about, by the names a
 * C programmer writes ("SOL_SOCKET", "SO_LINGER"): one table for every
 * program that prints a setsockopt or getsockopt call (lab/, run/). */
#ifndef SOCKLAB_SOCKOPT_NAMES_H
#define SOCKLAB_SOCKOPT_NAMES_H

#include <stdbool.h>

/* The names of option name at level, in *level_text and *name_text; false
 * (and both left alone) when the table does not know it. */
bool sockopt_names(int level, int name, const char **level_text, const char **name_text);

#endif
