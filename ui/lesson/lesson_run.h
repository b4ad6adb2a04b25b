/* lesson_run.h: `socklab lesson [N]`: runs a lesson on real sockets. For
 * each step: the narrative, a prediction, the lab programs started in
 * --step mode and released one call at a time, then a checkpoint that
 * waits until the expected calls, segments and states were really seen
 * (capture + the event channel, merged in a timeline). The ladder rows are
 * printed as they arrive.
 *
 *   socklab lesson                      the lessons, numbered
 *   socklab lesson N [--lang en|zh]     run lesson N (interactive)
 *   socklab lesson N --auto             a scripted student: no questions
 *   socklab lesson N --script FILE      answers and commands from FILE
 *   socklab lesson --check FILE...      parse lesson files, report errors */
#ifndef SOCKLAB_UI_LESSON_RUN_H
#define SOCKLAB_UI_LESSON_RUN_H

/* argv[0] is "lesson". Returns the exit status: 0, 1 (a checkpoint not
 * reached, or a run-time failure), 2 (bad arguments or lesson file). */
int lesson_main(int argc, char **argv);

#endif
