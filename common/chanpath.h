/* chanpath.h: the event channel's path (docs/architecture.md, "Event
 * channel") and the private directory that holds it. Shared by the lab
 * programs, which send to it, and the UI, which listens on it. */
#ifndef SOCKLAB_CHANPATH_H
#define SOCKLAB_CHANPATH_H

#include <stddef.h>

/* sizeof(sockaddr_un.sun_path): the longest channel path, with its NUL. */
#define CHANPATH_MAX 108

/* The channel path: flag (--events), else env_events ($SOCKLAB_EVENTS),
 * else xdg ($XDG_RUNTIME_DIR)/socklab/events.sock, else
 * /tmp/socklab-UID/events.sock. NULL or "" means unset. Returns 0, or -1 if
 * the path does not fit a UNIX socket address. Pure. */
int chanpath_resolve(const char *flag, const char *env_events, const char *xdg,
			unsigned uid, char *buf, size_t n);

/* Makes the directory holding the channel at path private: created with
 * mode 0700 when missing, else used only if it is this user's (or owner's,
 * when owner >= 0) and nobody else can write in it. owner >= 0: the
 * directory is given to that uid. Returns 0, or -1 with err filled
 * ("event channel /tmp/x: not a private directory of this user ..."). */
int chanpath_private_dir(const char *path, int owner, char *err, size_t n);

/* A channel of its own (a demo's, a lesson's): creates a new private
 * directory /tmp/NAME-XXXXXX (mkdtemp: mode 0700, a name nobody could
 * have prepared) and writes DIR/events.sock into path. Returns 0, or -1
 * with err filled. chanpath_private_remove removes it. */
int chanpath_private_create(const char *name, char *path, size_t n, char *err, size_t errlen);

/* Removes the private directory holding the channel at path, with what the
 * lab programs left in it (the step sockets of programs stopped while they
 * waited, show: output files). Only for a directory chanpath_private_create
 * made: everything in it goes. */
void chanpath_private_remove(const char *path);

#endif
