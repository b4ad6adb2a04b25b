/* chanpath.c: where the event channel lives, and the private directory
 * around it. */
#include "chanpath.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errtext.h"

int chanpath_resolve(const char *flag, const char *env_events, const char *xdg,
			unsigned uid, char *buf, size_t n)
{
	int len;

	if (n > CHANPATH_MAX)
		n = CHANPATH_MAX;
	if (flag && *flag)
		len = snprintf(buf, n, "%s", flag);
	else if (env_events && *env_events)
		len = snprintf(buf, n, "%s", env_events);
	else if (xdg && *xdg)
		len = snprintf(buf, n, "%s/socklab/events.sock", xdg);
	else
		len = snprintf(buf, n, "/tmp/socklab-%u/events.sock", uid);
	return len < 0 || (size_t)len >= n ? -1 : 0;
}

/* The directory holds step reply sockets: whoever can replace a socket
 * there can drive the lab, and /tmp is shared, so one that exists already is
 * used only if it is ours (or owner's) and nobody else can write in it. */
int chanpath_private_dir(const char *path, int owner, char *err, size_t n)
{
	char dir[CHANPATH_MAX];
	char *slash;
	struct stat st;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		snprintf(err, n, "event channel %s: %s", dir, errtext(errno));
		return -1;
	}
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) ||
	    (st.st_uid != getuid() && (owner < 0 || st.st_uid != (uid_t)owner)) || (st.st_mode & 022)) {
		snprintf(err, n,
			 "event channel %s: not a private directory of this user (another user may own it or write in it; use --events PATH)",
			 dir);
		return -1;
	}
	if (owner >= 0 && chown(dir, (uid_t)owner, (gid_t)-1) < 0) {
		snprintf(err, n, "event channel %s: chown: %s", dir, errtext(errno));
		return -1;
	}
	return 0;
}

int chanpath_private_create(const char *name, char *path, size_t n, char *err, size_t errlen)
{
	char dir[CHANPATH_MAX];
	int len = snprintf(dir, sizeof(dir), "/tmp/%s-XXXXXX", name);

	if (len < 0 || (size_t)len >= sizeof(dir)) {
		snprintf(err, errlen, "event channel /tmp/%s: name too long", name);
		return -1;
	}
	if (!mkdtemp(dir)) {
		snprintf(err, errlen, "event channel %s: %s", dir, errtext(errno));
		return -1;
	}
	len = snprintf(path, n, "%s/events.sock", dir);
	if (len < 0 || (size_t)len >= n || (size_t)len >= CHANPATH_MAX) {
		rmdir(dir);
		snprintf(err, errlen, "event channel %s: path too long for a UNIX socket", dir);
		return -1;
	}
	return 0;
}

void chanpath_private_remove(const char *path)
{
	char dir[CHANPATH_MAX], entry[PATH_MAX];
	char *slash;
	DIR *d;
	struct dirent *e;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = '\0';
	d = opendir(dir);
	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
		    snprintf(entry, sizeof(entry), "%s/%s", dir, e->d_name) < (int)sizeof(entry))
			unlink(entry);
	if (d)
		closedir(d);
	rmdir(dir);
}
