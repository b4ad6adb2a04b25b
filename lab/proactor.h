/* proactor.h: echo-server --mode uring. One thread hands the kernel whole
 * operations (accept, recv, send, close) through io_uring and handles
 * their completions: a proactor, where the epoll mode is a reactor. */
#ifndef SOCKLAB_LAB_PROACTOR_H
#define SOCKLAB_LAB_PROACTOR_H

#include <stddef.h>

#include "options.h"

/* Serves the listening socket lfd until a stop signal; closes and frees
 * every connection before returning (lfd stays open). Returns 0, or -1
 * when this kernel refuses io_uring (said on stderr in one line). */
int proactor_serve(int lfd, const struct server_options *o);

/* The line said when io_uring_setup fails with err (an errno): disabled is
 * the sysctl kernel.io_uring_disabled (0, 1 or 2; -1 when it could not be
 * read, as on kernels before 6.6). Pure. */
void proactor_setup_error(int err, int disabled, char *buf, size_t n);

#endif
