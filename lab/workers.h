/* workers.h: echo-server --mode reuseport and --mode prefork: the epoll
 * reactor (reactor.h) in N worker processes, started with fork(). The
 * parent serves nothing: it starts the workers, says when all of them are
 * ready, passes a stop signal on to them, waits for them, and says when one
 * dies. Which process waits and which one answers is then on screen: every
 * record of worker k carries "worker":k, every stderr line "wk". */
#ifndef SOCKLAB_LAB_WORKERS_H
#define SOCKLAB_LAB_WORKERS_H

/* One worker's life: opens what it needs, calls workers_ready() once it
 * can serve, serves until a stop signal; returns its exit status (0). */
typedef int (*worker_fn)(int worker, void *ctx);

/* Forks n workers, numbered 1..n, each running fn(k, ctx) with its own
 * pid, event channel connection and hello. Prints "listening_line" on
 * stdout once every worker called workers_ready(). Returns when all are
 * gone: 0 after a stop signal, 1 when a worker did not start or died. */
int workers_run(int n, worker_fn fn, void *ctx, const char *listening_line);

/* In a worker: it listens and serves from now on. */
void workers_ready(void);

#endif
