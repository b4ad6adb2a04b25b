/* privileges.c: dropping root and capabilities (privileges.h). */
#include "privileges.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "errtext.h"

/* Clears every capability set: a binary given CAP_NET_RAW by `make setcap`
 * keeps nothing once its capture is open. */
static int drop_capabilities(char *err, size_t errlen)
{
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capset, &hdr, data) < 0) {
		snprintf(err, errlen, "drop capabilities: %s", errtext(errno));
		return -1;
	}
	return 0;
}

/* Started with sudo by a user other than root: who that was. */
static bool sudo_caller(uid_t *uid, gid_t *gid)
{
	const char *sudo_uid = getenv("SUDO_UID"), *sudo_gid = getenv("SUDO_GID");

	if (!sudo_uid || !sudo_gid || atoi(sudo_uid) <= 0)
		return false;
	*uid = (uid_t)atoi(sudo_uid);
	*gid = (gid_t)atoi(sudo_gid);
	return true;
}

int privileges_drop_target(uid_t *uid, gid_t *gid)
{
	struct passwd *pw;

	if (sudo_caller(uid, gid))
		return 0;
	if (!(pw = getpwnam("nobody")))
		return -1;
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

int privileges_give_to_sudo_caller(int fd, const char *path, char *err, size_t errlen)
{
	uid_t uid;
	gid_t gid;

	if (geteuid() != 0 || !sudo_caller(&uid, &gid) || fchown(fd, uid, gid) == 0)
		return 0;
	snprintf(err, errlen, "chown %s: %s", path, errtext(errno));
	return -1;
}

int privileges_drop(char *err, size_t errlen)
{
	uid_t uid;
	gid_t gid;

	if (geteuid() != 0)
		return drop_capabilities(err, errlen);
	if (privileges_drop_target(&uid, &gid) < 0) {
		snprintf(err, errlen, "drop root: no user 'nobody' to switch to");
		return -1;
	}
	if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(uid) < 0) {
		snprintf(err, errlen, "drop root: %s", errtext(errno));
		return -1;
	}
	if (setuid(0) == 0) {
		snprintf(err, errlen, "drop root: could still regain root, refusing to go on");
		return -1;
	}
	return 0;
}
