/* test_privileges.c: whom root becomes, files given to the sudo caller, and
 * (in a child process, so this test keeps its own) the drop itself: no uid
 * 0, no groups, no capabilities, and root cannot come back. Run as root,
 * the sudo cases are real; as a user, the capability drop is.
 * tests/it/it_privileges.sh checks the programs themselves. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "privileges.h"

#define SUDO_UID_TEXT "4321"
#define SUDO_GID_TEXT "4322"

static void as_sudo_caller(const char *uid, const char *gid)
{
	if (uid)
		setenv("SUDO_UID", uid, 1);
	else
		unsetenv("SUDO_UID");
	if (gid)
		setenv("SUDO_GID", gid, 1);
	else
		unsetenv("SUDO_GID");
}

static void test_drop_target(void **state)
{
	const struct passwd *nobody = getpwnam("nobody");
	uid_t uid;
	gid_t gid;

	(void)state;
	as_sudo_caller(SUDO_UID_TEXT, SUDO_GID_TEXT);
	assert_int_equal(privileges_drop_target(&uid, &gid), 0);
	assert_int_equal(uid, 4321);
	assert_int_equal(gid, 4322);
	if (!nobody)
		skip();
	/* not started with sudo, or by root itself, or half a sudo environment */
	static const char *const envs[][2] = {{NULL, NULL}, {"0", "0"}, {SUDO_UID_TEXT, NULL}, {"x", "1"}};
	for (size_t i = 0; i < sizeof(envs) / sizeof(envs[0]); i++) {
		as_sudo_caller(envs[i][0], envs[i][1]);
		assert_int_equal(privileges_drop_target(&uid, &gid), 0);
		assert_int_equal(uid, nobody->pw_uid);
		assert_int_equal(gid, nobody->pw_gid);
	}
	as_sudo_caller(NULL, NULL);
}

static void test_give_to_sudo_caller(void **state)
{
	char path[] = "/tmp/socklab-test-privileges-XXXXXX", err[256] = "";
	int fd = mkstemp(path);
	struct stat st;

	(void)state;
	assert_true(fd >= 0);
	as_sudo_caller(NULL, NULL);
	assert_int_equal(privileges_give_to_sudo_caller(fd, path, err, sizeof(err)), 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_uid, geteuid()); /* no sudo caller: left as it is */

	as_sudo_caller(SUDO_UID_TEXT, SUDO_GID_TEXT);
	assert_int_equal(privileges_give_to_sudo_caller(fd, path, err, sizeof(err)), 0);
	assert_int_equal(fstat(fd, &st), 0);
	if (geteuid() == 0) {
		assert_int_equal(st.st_uid, 4321);
		assert_int_equal(st.st_gid, 4322);
		assert_int_equal(privileges_give_to_sudo_caller(-1, "OUT.pcap", err, sizeof(err)), -1);
		assert_string_equal(err, "chown OUT.pcap: bad file descriptor");
	} else {
		assert_int_equal(st.st_uid, geteuid()); /* not root: not ours to give */
	}
	as_sudo_caller(NULL, NULL);
	close(fd);
	unlink(path);
}

/* Every capability set in /proc/self/status is empty. */
static int no_capabilities(void)
{
	static const char *const sets[] = {"CapInh:", "CapPrm:", "CapEff:", "CapAmb:"};
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");
	int empty = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
			if (strncmp(line, sets[i], strlen(sets[i])) == 0 &&
			    strtoull(line + strlen(sets[i]), NULL, 16) == 0)
				empty++;
	fclose(f);
	return empty == 4;
}

/* The child's exit status says which check failed (0: none). */
static int drop_in_child(void)
{
	char err[256];
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		int was_root = geteuid() == 0;

		as_sudo_caller(SUDO_UID_TEXT, SUDO_GID_TEXT);
		if (privileges_drop(err, sizeof(err)) < 0) {
			fprintf(stderr, "privileges_drop: %s\n", err);
			_exit(1);
		}
		if (!no_capabilities())
			_exit(2);
		if (!was_root)
			_exit(0);
		if (getresuid(&ruid, &euid, &suid) < 0 || ruid != 4321 || euid != 4321 || suid != 4321)
			_exit(3);
		if (getresgid(&rgid, &egid, &sgid) < 0 || rgid != 4322 || egid != 4322 || sgid != 4322)
			_exit(4);
		if (getgroups(0, NULL) != 0)
			_exit(5);
		if (setuid(0) == 0 || seteuid(0) == 0)
			_exit(6);
		_exit(0);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_drop(void **state)
{
	(void)state;
	assert_int_equal(drop_in_child(), 0);
}

/* The root file helper: new files with plain names of its kind, in the
 * directory it started in, given to the sudo caller; nothing else. */
static void test_file_maker(void **state)
{
	static const char *const suffixes[] = {".jsonl", ".pcapng", NULL};
	static const char *const refused[] = {"../rec-up.jsonl", "rec-a/b.jsonl", ".bashrc", "rec-x.txt",
					      "rec-.jsonl.sh", "other.jsonl", "rec-"};
	char dir[] = "/tmp/socklab-test-maker-XXXXXX", cwd[4096], err[256], path[4200];
	struct file_maker *m;
	struct stat st;
	int fd;

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chdir(dir), 0);
	as_sudo_caller(SUDO_UID_TEXT, SUDO_GID_TEXT);
	m = privileges_file_maker_start("rec-", suffixes, err, sizeof(err));
	assert_int_equal(chdir(cwd), 0); /* the helper keeps the directory it started in */
	as_sudo_caller(NULL, NULL);
	if (geteuid() != 0) {
		assert_null(m); /* a user creates its own files */
		assert_string_equal(err, "");
		rmdir(dir);
		return;
	}
	assert_non_null(m);
	fd = privileges_file_make(m, "rec-1.jsonl", err, sizeof(err));
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "{}\n", 3), 3);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_uid, 4321); /* the sudo caller's, as the helper was told at its start */
	assert_int_equal(st.st_gid, 4322);
	assert_int_equal(st.st_size, 3);
	close(fd);
	snprintf(path, sizeof(path), "%s/rec-1.jsonl", dir);
	assert_int_equal(stat(path, &st), 0); /* in the start directory, not the caller's now */

	assert_int_equal(privileges_file_make(m, "rec-1.jsonl", err, sizeof(err)), -1);
	assert_string_equal(err, "record rec-1.jsonl: file exists"); /* never overwritten */
	assert_int_equal(errno, EEXIST); /* the cause, for a message in the screen's language */
	snprintf(path, sizeof(path), "%s/rec-link.pcapng", dir);
	assert_int_equal(symlink("/tmp/socklab-test-maker-target", path), 0);
	assert_int_equal(privileges_file_make(m, "rec-link.pcapng", err, sizeof(err)), -1);
	assert_int_equal(access("/tmp/socklab-test-maker-target", F_OK), -1); /* a planted link is not followed */
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		char want[256];

		assert_int_equal(privileges_file_make(m, refused[i], err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "record %s: not a name this helper creates", refused[i]);
		assert_string_equal(err, want);
	}
	privileges_file_maker_stop(m);
	unlink(path);
	snprintf(path, sizeof(path), "%s/rec-1.jsonl", dir);
	unlink(path);
	assert_int_equal(rmdir(dir), 0); /* nothing else was created */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drop_target),
		cmocka_unit_test(test_give_to_sudo_caller),
		cmocka_unit_test(test_drop),
		cmocka_unit_test(test_file_maker),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
