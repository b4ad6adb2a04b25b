/* test_lesson_words.c: the runner's words in each language: every one
 * present, each format string taking the same arguments in Chinese as in
 * English (printf is handed the same ones), the help as long in both, and
 * --lang codes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "lesson_words.h"

#define WORD(name) {#name, offsetof(struct lesson_words, name)}

static const struct {
	const char *name;
	size_t at;
} words[] = {
	WORD(code), WORD(lesson), WORD(mode), WORD(step), WORD(step_title), WORD(seed), WORD(predict_prompt), WORD(hint_none), WORD(checkpoint),
	WORD(right), WORD(wrong), WORD(not_checked), WORD(next_prompt), WORD(back), WORD(waiting), WORD(quit), WORD(no_capture),
	WORD(hint), WORD(checkpoint_title), WORD(checkpoint_later), WORD(checkpoint_all), WORD(not_reached), WORD(finished),
	WORD(your_choice), WORD(running), WORD(keys_read), WORD(keys_predict), WORD(keys_running), WORD(keys_done),
	WORD(keys_last), WORD(keys_review), WORD(keys_finished), WORD(keys_failed), WORD(on_wire),
	WORD(unmet), WORD(unmet_early), WORD(unmet_line), WORD(again_prompt), WORD(again), WORD(not_reached_early),
};

static const char *word(const struct lesson_words *w, size_t i)
{
	return *(const char *const *)((const char *)w + words[i].at);
}

/* The conversions of a format string, in order ("%d%s"); "%%" is text. */
static void conversions(const char *fmt, char *out, size_t n)
{
	size_t len = 0;

	for (const char *p = strchr(fmt, '%'); p; p = strchr(p + 1, '%')) {
		if (p[1] == '%') {
			p++;
			continue;
		}
		assert_true(len + 3 < n);
		out[len++] = '%';
		out[len++] = p[1];
	}
	out[len] = '\0';
}

static void every_word_in_both_languages_takes_the_same_arguments(void **state)
{
	const struct lesson_words *en = lesson_words(LANG_EN), *zh = lesson_words(LANG_ZH);
	char a[32], b[32];

	(void)state;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (!word(en, i) || !word(zh, i) || !*word(en, i) || !*word(zh, i))
			fail_msg("word '%s' is missing", words[i].name);
		conversions(word(en, i), a, sizeof(a));
		conversions(word(zh, i), b, sizeof(b));
		if (strcmp(a, b) != 0)
			fail_msg("word '%s': en takes '%s', zh takes '%s'", words[i].name, a, b);
	}
	/* the lesson title line, the keys of a question and the checkpoint's size are formats */
	conversions(en->lesson, a, sizeof(a));
	assert_string_equal(a, "%d%s");
	conversions(zh->mode, b, sizeof(b));
	assert_string_equal(b, "%d%d%d");
	assert_non_null(strstr(zh->mode, "第 %d 课")); /* not "lesson" in a Chinese status line */
	conversions(zh->keys_predict, b, sizeof(b));
	assert_string_equal(b, "%d");
	/* a step that ended early names no seconds: it did not wait them out */
	conversions(en->unmet, a, sizeof(a));
	assert_string_equal(a, "%d%d%s%d");
	conversions(en->unmet_early, a, sizeof(a));
	assert_string_equal(a, "%d%d%s");
	conversions(en->not_reached_early, a, sizeof(a));
	assert_string_equal(a, "");
}

static void help_in_both_languages(void **state)
{
	const struct lesson_words *en = lesson_words(LANG_EN), *zh = lesson_words(LANG_ZH);

	(void)state;
	assert_true(en->nhelp > 2);
	assert_int_equal(en->nhelp, zh->nhelp);
	assert_string_equal(en->help[0], "socklab lesson keys");
	assert_string_equal(zh->help[0], "socklab 课程按键");
	for (int i = 0; i < zh->nhelp; i++)
		assert_non_null(zh->help[i]);
}

static void languages_by_code(void **state)
{
	enum lang lang = LANG_EN;

	(void)state;
	assert_int_equal(lesson_lang_parse("zh", &lang), 0);
	assert_int_equal(lang, LANG_ZH);
	assert_string_equal(lesson_words(lang)->code, "zh");
	assert_string_equal(lesson_words(lang)->step, "步骤");
	assert_int_equal(lesson_lang_parse("en", &lang), 0);
	assert_int_equal(lang, LANG_EN);
	assert_string_equal(lesson_words(lang)->step, "Step");
	assert_int_equal(lesson_lang_parse("fr", &lang), -1);
	assert_int_equal(lesson_lang_parse("zhx", &lang), -1);
	assert_int_equal(lang, LANG_EN); /* unchanged by a refusal */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_word_in_both_languages_takes_the_same_arguments),
		cmocka_unit_test(help_in_both_languages),
		cmocka_unit_test(languages_by_code),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
