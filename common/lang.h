/* lang.h: the languages a student can read socklab in. Every table of
 * words (state explanations, lesson runner words, screen labels) is indexed
 * by this enum, so adding a language is adding a column. */
#ifndef SOCKLAB_LANG_H
#define SOCKLAB_LANG_H

#include <string.h>

enum lang { LANG_EN = 0, LANG_ZH, LANG_COUNT };

/* "en" / "zh" to the enum; -1 for anything else. */
static inline int lang_parse(const char *s)
{
	if (!s)
		return -1;
	if (strcmp(s, "en") == 0)
		return LANG_EN;
	if (strcmp(s, "zh") == 0)
		return LANG_ZH;
	return -1;
}

static inline const char *lang_name(enum lang l)
{
	return l == LANG_ZH ? "zh" : "en";
}

#endif
