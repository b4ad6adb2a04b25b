/* reactor.h: echo-server --mode epoll. One thread watches every socket with
 * epoll_wait() and only ever calls what will not block: accept when the
 * listening socket is readable, read when a connection is, write when its
 * send buffer has room. Holds 10,000 idle connections in one thread. */
#ifndef SOCKLAB_LAB_REACTOR_H
#define SOCKLAB_LAB_REACTOR_H

#include "options.h"

/* Serves the listening socket lfd until a stop signal; closes and frees
 * every connection before returning (lfd stays open). */
void reactor_serve(int lfd, const struct server_options *o);

#endif
