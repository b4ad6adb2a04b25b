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

#endif
