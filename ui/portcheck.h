/* portcheck.h: who already listens on the port a student is about to use.
 * `socklab` watches port 8080 by default; when some other program holds
 * it, echo-server's bind() will fail, and saying so up front saves a
 * confused student ten minutes. Reads /proc (Linux). */
#ifndef SOCKLAB_UI_PORTCHECK_H
#define SOCKLAB_UI_PORTCHECK_H

#include <stddef.h>

#include "lang.h"

/* 1 when a TCP socket listens on port (any local address, IPv4 or IPv6),
 * with its program in who, in lang ("python3 (pid 1234)", or "another
 * user's program" when /proc does not tell); 0 when nothing listens there. */
int port_listener(int port, enum lang lang, char *who, size_t n);

/* 1 when a program other than echo-server listens on port, with what to
 * tell the student in msg, in lang ("port 8080 is already in use by python3
 * (pid 1234): echo-server cannot listen there; ..."); 0 otherwise. */
int port_in_use_message(int port, enum lang lang, char *msg, size_t n);

#endif
