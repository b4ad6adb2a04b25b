/* test_chanpath.c: a channel of its own: a new private directory each time
 * (0700, this user's, one the channel checks accept), and removed with what
 * the lab programs left in it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "chanpath.h"

/* The directory part of a channel path. */
static void dir_of(const char *path, char *dir, size_t n)
{
	snprintf(dir, n, "%s", path);
	*strrchr(dir, '/') = '\0';
}

static void a_new_private_directory_each_time(void **state)
{
	char a[CHANPATH_MAX], b[CHANPATH_MAX], dir[CHANPATH_MAX], err[256];
	struct stat st;

	(void)state;
	assert_int_equal(chanpath_private_create("socklab-test-chanpath", a, sizeof(a), err, sizeof(err)), 0);
	assert_int_equal(chanpath_private_create("socklab-test-chanpath", b, sizeof(b), err, sizeof(err)), 0);
	assert_string_not_equal(a, b);
	assert_int_equal(strncmp(a, "/tmp/socklab-test-chanpath-", 27), 0);
	assert_string_equal(a + strlen(a) - strlen("/events.sock"), "/events.sock");
	dir_of(a, dir, sizeof(dir));
	assert_int_equal(lstat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(st.st_uid, getuid());
	/* the channel's own check takes it as private */
	assert_int_equal(chanpath_private_dir(a, -1, err, sizeof(err)), 0);
	assert_int_not_equal(access(a, F_OK), 0); /* no socket yet: the channel binds it */
	chanpath_private_remove(a);
	chanpath_private_remove(b);
	assert_int_not_equal(access(dir, F_OK), 0);
	dir_of(b, dir, sizeof(dir));
	assert_int_not_equal(access(dir, F_OK), 0);
}

/* What a lab program killed while it waited leaves: its step socket, and
 * a show: output file. */
static void removed_with_what_was_left_in_it(void **state)
{
	char path[CHANPATH_MAX], dir[CHANPATH_MAX], file[CHANPATH_MAX + 32], err[256];
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;
	FILE *f;

	(void)state;
	assert_int_equal(chanpath_private_create("socklab-test-chanpath", path, sizeof(path), err, sizeof(err)), 0);
	dir_of(path, dir, sizeof(dir));
	assert_true((size_t)snprintf(file, sizeof(file), "%s/step-4242.sock", dir) < sizeof(sa.sun_path));
	memcpy(sa.sun_path, file, strlen(file) + 1);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	assert_int_equal(access(sa.sun_path, F_OK), 0);
	snprintf(file, sizeof(file), "%s.out3", path);
	f = fopen(file, "w");
	assert_non_null(f);
	fputs("client: server-hello\n", f);
	fclose(f);
	chanpath_private_remove(path);
	assert_int_not_equal(access(sa.sun_path, F_OK), 0);
	snprintf(file, sizeof(file), "%s.out3", path);
	assert_int_not_equal(access(file, F_OK), 0);
	assert_int_not_equal(access(dir, F_OK), 0);
	chanpath_private_remove(path); /* already gone: nothing to do, nothing breaks */
}

static void a_name_too_long_is_refused(void **state)
{
	char name[200], path[CHANPATH_MAX], err[256] = "";

	(void)state;
	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_int_equal(chanpath_private_create(name, path, sizeof(path), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "too long"));
	/* a path buffer too small for DIR/events.sock: refused, nothing left behind */
	assert_int_equal(chanpath_private_create("socklab-test-chanpath", path, 24, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "too long"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_new_private_directory_each_time),
		cmocka_unit_test(removed_with_what_was_left_in_it),
		cmocka_unit_test(a_name_too_long_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
