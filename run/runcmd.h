/* runcmd.h: `socklab run`: any program's socket calls in the lab. */
#ifndef SOCKLAB_RUN_RUNCMD_H
#define SOCKLAB_RUN_RUNCMD_H

/* socklab run [--step] [-q] [--events PATH] -- CMD [ARGS...]
 * socklab run [--step] [-q] [--events PATH] --pid PID
 * argv[0] is "run". Returns the exit status (CMD's; 2 for bad usage). */
int run_main(int argc, char **argv);

#endif
