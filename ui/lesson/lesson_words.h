/* lesson_words.h: what the lesson runner itself says (its prompts, the
 * lesson pane's words and key lines, the ? help), in each language a
 * lesson comes in. Pure data, chosen by language. */
#ifndef SOCKLAB_UI_LESSON_WORDS_H
#define SOCKLAB_UI_LESSON_WORDS_H

#include "lang.h"

struct lesson_words {
	const char *code; /* "en", "zh": --lang and the lessons/ directory */
	const char *lesson, /* the title line: number, title */
		*mode,    /* the status line's mode: lesson number, step k of n */
		*step,
		*step_title, /* step k of n: its title */ *seed, *predict_prompt, *hint_none, *checkpoint, *right, *wrong, *next_prompt,
		*not_checked, /* a skipped step: the prediction, not judged */
		*back, *waiting, *quit, *no_capture,
		*unmet,        /* lesson number, step number, title, seconds */
		*unmet_early,  /* the same without seconds: the step could not go on (the lab says why) */
		*unmet_line,   /* an expectation not seen, file, line */
		*again_prompt, /* after a failure: Enter runs the step again */
		*again,        /* the steps run again, from step %d */
		/* the curses lab */
		*hint, *checkpoint_title, *checkpoint_later,
		*checkpoint_all, /* a tick, how many of how many: the checkpoint in one line when then: needs the room */
		*not_reached, *not_reached_early, *finished, *your_choice, *running, *keys_read, *keys_predict,
		*keys_running, *keys_done, *keys_last, *keys_review, *keys_finished, *keys_failed,
		*on_wire,      /* the list: a lesson on two hosts, the wire's one-way delay in ms */
		/* {tcp_info:ROLE.FIELD} with nothing to say: instead of a number */
		*tcp_info_no_view, /* no kernel view (loopback, or it could not open) */
		*tcp_info_none;    /* the kernel view runs, but gave no tcp_info for that socket */
	const char *const *help; /* the ? overlay's lines in the curses lab */
	int nhelp;
};

const struct lesson_words *lesson_words(enum lang lang);

/* "en" or "zh" into *lang; -1 for anything else. */
int lesson_lang_parse(const char *code, enum lang *lang);

#endif
