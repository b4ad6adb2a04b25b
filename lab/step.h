/* step.h: --step, the lecturer's single step. Before each socket call the
 * program sends a "step" record on the event channel and waits for a "go"
 * with the same seq on the same connection (docs/trace-format.md); when
 * nobody listens on the channel it waits for Enter on its terminal instead. */
#ifndef SOCKLAB_LAB_STEP_H
#define SOCKLAB_LAB_STEP_H

#include <stdbool.h>

/* Turns stepping on: opens the terminal. Call after events_open(). */
void step_enable(void);

bool step_enabled(void);

/* Waits for the go-ahead for call number seq, shown as call(args) (submit:
 * an io_uring operation's submission, held like a call). Returns at once
 * when stepping is off, and when a stop signal interrupts the wait.
 * Threads take their turn: one call waits at a time. */
void step_gate(unsigned seq, bool submit, const char *call, int fd, const char *args);

/* Turns stepping off and closes the terminal. */
void step_disable(void);

#endif
