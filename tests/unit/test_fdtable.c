/* test_fdtable.c: the descriptor table socklab run keeps for a traced
 * process (run/fdtable.c): dup, dup2 over a socket, close, close_range,
 * close-on-exec, fork's copy and the side a process shows first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "fdtable.h"

static struct fd_entry *sock(struct fdtable *t, int fd, const char *local)
{
	struct fd_entry *e = fdtable_at(t, fd);

	assert_non_null(e);
	e->kind = FD_INET;
	strcpy(e->local, local);
	return e;
}

static int kind(const struct fdtable *t, int fd)
{
	const struct fd_entry *e = fdtable_peek(t, fd);

	return e ? e->kind : FD_UNKNOWN;
}

static void dup_copies_what_the_descriptor_is_but_not_cloexec(void **state)
{
	struct fdtable *t = fdtable_new();
	(void)state;

	sock(t, 3, "127.0.0.1:8080")->cloexec = true;
	fdtable_dup(t, 3, 200, false); /* beyond the first allocation: the table grows */
	assert_int_equal(kind(t, 200), FD_INET);
	assert_string_equal(fdtable_peek(t, 200)->local, "127.0.0.1:8080");
	assert_false(fdtable_peek(t, 200)->cloexec);
	fdtable_dup(t, 5, 3, false); /* dup2 of an unknown descriptor over the socket */
	assert_int_equal(kind(t, 3), FD_UNKNOWN);
	assert_string_equal(fdtable_peek(t, 3)->local, "");
	fdtable_close(t, 200);
	assert_int_equal(kind(t, 200), FD_UNKNOWN);
	fdtable_close(t, 99999); /* never seen: nothing to do */
	fdtable_put(t);
}

static void out_of_range_descriptors_are_not_followed(void **state)
{
	struct fdtable *t = fdtable_new();
	(void)state;

	assert_null(fdtable_at(t, -1));
	assert_null(fdtable_at(t, FDTABLE_MAX_FD));
	assert_null(fdtable_peek(t, 64));
	assert_non_null(fdtable_at(t, FDTABLE_MAX_FD - 1));
	fdtable_put(t);
}

static void close_range_closes_or_only_marks(void **state)
{
	static const struct {
		unsigned first, last;
		bool cloexec_only;
		int kinds[6]; /* of fds 0..5 afterwards, with sockets at 1, 3 and 5 */
	} rows[] = {
		{0, ~0U, false, {FD_UNKNOWN, FD_UNKNOWN, FD_UNKNOWN, FD_UNKNOWN, FD_UNKNOWN, FD_UNKNOWN}},
		{3, 4, false, {FD_UNKNOWN, FD_INET, FD_UNKNOWN, FD_UNKNOWN, FD_UNKNOWN, FD_INET}},
		{0, ~0U, true, {FD_UNKNOWN, FD_INET, FD_UNKNOWN, FD_INET, FD_UNKNOWN, FD_INET}},
	};
	(void)state;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct fdtable *t = fdtable_new();

		sock(t, 1, "a");
		sock(t, 3, "b");
		sock(t, 5, "c");
		fdtable_close_range(t, rows[i].first, rows[i].last, rows[i].cloexec_only);
		for (int fd = 0; fd < 6; fd++)
			assert_int_equal(kind(t, fd), rows[i].kinds[fd]);
		if (rows[i].cloexec_only) { /* then exec closes them all */
			fdtable_exec(t);
			assert_int_equal(kind(t, 1), FD_UNKNOWN);
			assert_int_equal(kind(t, 5), FD_UNKNOWN);
		}
		fdtable_put(t);
	}
}

static void exec_closes_only_cloexec_descriptors(void **state)
{
	struct fdtable *t = fdtable_new();
	(void)state;

	sock(t, 3, "kept");
	sock(t, 4, "gone")->cloexec = true;
	fdtable_exec(t);
	assert_int_equal(kind(t, 3), FD_INET);
	assert_int_equal(kind(t, 4), FD_UNKNOWN);
	fdtable_put(t);
}

static void fork_copies_and_threads_share(void **state)
{
	struct fdtable *t = fdtable_new(), *c;
	(void)state;

	sock(t, 3, "parent");
	fdtable_set_role(t, 3, RUN_ROLE_SERVER);
	c = fdtable_copy(t);
	assert_non_null(c);
	fdtable_close(c, 3); /* the child's close leaves the parent's socket */
	assert_int_equal(kind(t, 3), FD_INET);
	assert_int_equal(kind(c, 3), FD_UNKNOWN);
	assert_int_equal(c->role, RUN_ROLE_SERVER);
	t->refs++; /* a thread joins */
	fdtable_put(t);
	assert_int_equal(kind(t, 3), FD_INET); /* still there for the other thread */
	fdtable_put(t);
	fdtable_put(c);
}

static void the_first_side_shown_is_the_process_side(void **state)
{
	struct fdtable *t = fdtable_new();
	(void)state;

	sock(t, 3, "");
	sock(t, 4, "");
	fdtable_set_role(t, 4, RUN_ROLE_CLIENT);
	fdtable_set_role(t, 3, RUN_ROLE_SERVER);
	assert_int_equal(t->role, RUN_ROLE_CLIENT);
	assert_int_equal(fdtable_peek(t, 3)->role, RUN_ROLE_SERVER);
	fdtable_put(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dup_copies_what_the_descriptor_is_but_not_cloexec),
		cmocka_unit_test(out_of_range_descriptors_are_not_followed),
		cmocka_unit_test(close_range_closes_or_only_marks),
		cmocka_unit_test(exec_closes_only_cloexec_descriptors),
		cmocka_unit_test(fork_copies_and_threads_share),
		cmocka_unit_test(the_first_side_shown_is_the_process_side),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
