/* privileges.h: giving up root and capabilities once a capture is open.
 *
 * Capturing needs root or CAP_NET_RAW; nothing after the open does. A
 * program started with sudo becomes the sudo caller (whose files and event
 * channel it then uses), one started as root otherwise becomes "nobody",
 * and one given file capabilities (`make setcap`) clears them. Linux only. */
#ifndef SOCKLAB_PRIVILEGES_H
#define SOCKLAB_PRIVILEGES_H

#include <stddef.h>
#include <sys/types.h>

/* Switches root to privileges_drop_target()'s user for good (groups, gid,
 * uid; it checks root cannot be regained); not root, clears every
 * capability set. Returns 0, or -1 with err filled. */
int privileges_drop(char *err, size_t errlen);

/* The user privileges_drop switches root to: the sudo caller ($SUDO_UID,
 * $SUDO_GID, when not root itself), else "nobody". Returns 0, or -1 when
 * there is no such user. */
int privileges_drop_target(uid_t *uid, gid_t *gid);

/* A file root created under sudo is given to the sudo caller, whose file it
 * is meant to be; anything else is left as it is. Returns 0, or -1 with err
 * filled ("chown OUT.pcap: ..."). */
int privileges_give_to_sudo_caller(int fd, const char *path, char *err, size_t errlen);

/* The former names (capture.h's), until their callers in ui/ use these. */
static inline int capture_drop_privileges(char *err, size_t errlen)
{
	return privileges_drop(err, errlen);
}

static inline int capture_drop_target(uid_t *uid, gid_t *gid)
{
	return privileges_drop_target(uid, gid);
}

static inline int capture_give_to_sudo_caller(int fd, const char *path, char *err, size_t errlen)
{
	return privileges_give_to_sudo_caller(fd, path, err, errlen);
}

#endif
