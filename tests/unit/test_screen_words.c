/* test_screen_words.c: the reasons inside the screen's notices in each
 * language: an errno from the table, one that is not (strerror and its
 * name), jansson's reasons by code. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "screen_words.h"

static void errno_reasons(void **state)
{
	(void)state;
	assert_string_equal(screen_words_errno(LANG_EN, ENOSPC), "no space left on device");
	assert_string_equal(screen_words_errno(LANG_ZH, ENOSPC), "设备上没有空间");
	assert_string_equal(screen_words_errno(LANG_ZH, EACCES), "权限不够");
	assert_string_equal(screen_words_errno(LANG_ZH, EROFS), "只读文件系统");
	assert_string_equal(screen_words_errno(LANG_ZH, EDQUOT), "超出磁盘配额");
	assert_string_equal(screen_words_errno(LANG_ZH, ENOENT), "没有那个文件或目录");
	/* not in the table: strerror's text and the errno's name, which a search finds */
	assert_string_equal(screen_words_errno(LANG_ZH, EXDEV), "invalid cross-device link（EXDEV）");
}

static void json_reasons(void **state)
{
	(void)state;
	assert_string_equal(screen_words_json_error(LANG_ZH, json_error_invalid_syntax, "'[' expected"), "语法错误");
	assert_string_equal(screen_words_json_error(LANG_EN, json_error_invalid_syntax, "'[' expected"), "'[' expected");
	assert_string_equal(screen_words_json_error(LANG_ZH, json_error_unknown, "odd"), "odd");
}

/* Every reason word is there in both languages, and the formats take the
 * same arguments. */
static void reason_words_in_both_languages(void **state)
{
	const struct screen_words *en = screen_words(LANG_EN), *zh = screen_words(LANG_ZH);

	(void)state;
	for (int i = 0; i < WANT_COUNT; i++)
		assert_true(en->want[i] && *en->want[i] && zh->want[i] && *zh->want[i]);
	assert_non_null(strstr(zh->bad_json, "%s") && strstr(zh->bad_json, "%d"));
	assert_true(strstr(zh->bad_json, "%s") < strstr(zh->bad_json, "%d"));
	assert_string_equal(en->icmp_errors, "icmp errors");
	assert_string_equal(zh->icmp_errors, "ICMP 差错报文");
	assert_non_null(zh->short_write);
	assert_non_null(zh->name_too_long);
	assert_non_null(zh->out_of_memory);
	/* the kernel view's notices: the host, then the tracer's reason */
	for (int l = 0; l < LANG_COUNT; l++) {
		const struct screen_words *w = screen_words((enum lang)l);
		char buf[256];
		assert_true(w->kview_host[0] && w->kview_host[1] && w->kview_no_memory);
		snprintf(buf, sizeof(buf), w->kview_failed, w->kview_host[1], "sock_diag socket: permission denied");
		assert_non_null(strstr(buf, w->kview_host[1]));
		assert_non_null(strstr(buf, "sock_diag socket: permission denied"));
		snprintf(buf, sizeof(buf), w->kview_stopped, w->kview_host[0], "why");
		assert_non_null(strstr(buf, w->kview_host[0]));
	}
	assert_string_equal(zh->kview_host[1], "服务器");
	{
		char buf[256];
		snprintf(buf, sizeof(buf), zh->kview_failed, zh->kview_host[0], "x");
		assert_string_equal(buf, "客户端主机的内核视图打不开：x");
		snprintf(buf, sizeof(buf), en->kview_stopped, en->kview_host[1], "x");
		assert_string_equal(buf, "kernel view of the server host stopped: x");
	}
	/* the line about rows not kept: the file, both counts, the cap, in order */
	for (int l = 0; l < LANG_COUNT; l++) {
		const char *f = screen_words((enum lang)l)->rows_not_kept, *p[4];
		p[0] = strstr(f, "%s");
		p[1] = p[0] ? strstr(p[0] + 2, "%s") : NULL;
		p[2] = p[1] ? strstr(p[1] + 2, "%s") : NULL;
		p[3] = p[2] ? strstr(p[2] + 2, "%d") : NULL;
		assert_non_null(p[3]);
		assert_null(strchr(p[3] + 2, '%'));
		assert_non_null(strstr(f, "--conn N"));
	}
	/* the status line's count of kernel records not kept: one number */
	for (int l = 0; l < LANG_COUNT; l++) {
		const char *f = screen_words((enum lang)l)->kernel_lost, *p = strstr(f, "%llu");
		assert_non_null(p);
		assert_null(strchr(p + 4, '%'));
		assert_ptr_equal(strchr(f, '%'), p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(errno_reasons),
		cmocka_unit_test(json_reasons),
		cmocka_unit_test(reason_words_in_both_languages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
