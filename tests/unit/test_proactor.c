/* test_proactor.c: the one line echo-server --mode uring says when the
 * kernel refuses io_uring (lab/proactor.c). The refusal itself needs the
 * sysctl kernel.io_uring_disabled changed, which takes root and changes the
 * whole machine, so the test gives the message builder the errno and the
 * sysctl's value the server would have read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "proactor.h"

static void disabled_names_the_sysctl(void **state)
{
	char buf[256];

	(void)state;
	proactor_setup_error(EPERM, 2, buf, sizeof(buf));
	assert_string_equal(buf, "io_uring_setup: io_uring is disabled on this machine (kernel.io_uring_disabled = 2): "
				 "use --mode epoll, or as root: sysctl -w kernel.io_uring_disabled=0");
	proactor_setup_error(EPERM, 1, buf, sizeof(buf));
	assert_string_equal(buf, "io_uring_setup: only root and the group kernel.io_uring_group may use io_uring "
				 "here (kernel.io_uring_disabled = 1): use --mode epoll");
	assert_null(strchr(buf, '\n'));
}

static void missing_and_other_errors(void **state)
{
	char buf[256];

	(void)state;
	proactor_setup_error(ENOSYS, -1, buf, sizeof(buf));
	assert_string_equal(buf, "io_uring_setup: this kernel has no io_uring (ENOSYS): use --mode epoll");
	/* EPERM with the sysctl at 0 (or unreadable) is not the sysctl's doing */
	proactor_setup_error(EPERM, 0, buf, sizeof(buf));
	assert_string_equal(buf, "io_uring_setup: operation not permitted");
	proactor_setup_error(ENOMEM, 0, buf, sizeof(buf));
	assert_string_equal(buf, "io_uring_setup: cannot allocate memory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(disabled_names_the_sysctl),
		cmocka_unit_test(missing_and_other_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
