/* view.h: the curses edge (ncursesw). Copies a composed grid to the
 * terminal with colours (or bold/reverse in monochrome) and reads keys as
 * screen.h codes. */
#ifndef SOCKLAB_UI_VIEW_H
#define SOCKLAB_UI_VIEW_H

#include <stdbool.h>

#include "grid.h"
#include "lang.h"

/* Starts curses on the terminal; -1 with err (in lang's words) when there
 * is none. view_open says it in English. */
int view_open_in(bool mono, enum lang lang, char *err, size_t errlen);
int view_open(bool mono, char *err, size_t errlen);
void view_close(void);

/* The terminal's size now (follows resizes). */
void view_size(int *w, int *h);

void view_blit(const struct grid *g);

/* The next key as a screen_key_code or character; -1 when none is waiting.
 * A resize is reported as 0 (the caller redraws at the new size). */
int view_read_key(void);

/* True when the locale's character set is UTF-8. */
bool view_locale_utf8(void);

/* setlocale(LC_ALL, "") from the environment; when that asks for UTF-8
 * (LANG=zh_CN.UTF-8) but names a locale this machine does not have, the
 * character type falls back to an installed UTF-8 locale (C.UTF-8), so
 * wide characters still draw instead of "??". Call first thing in main. */
void view_locale_init(void);

#endif
