/* kernel.h: the edge that asks the kernel for its own TCP state changes:
 * the sock:inet_sock_set_state tracepoint in a private tracefs instance
 * (root), or sock_diag polling where tracing is unavailable. Records come
 * out as kstate_records stamped in CLOCK_REALTIME, like the packets. */
#ifndef SOCKLAB_KERNEL_H
#define SOCKLAB_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#include "kstate.h"

enum kernel_mode {
	KERNEL_AUTO,       /* the tracepoint, else sock_diag */
	KERNEL_TRACEPOINT, /* the tracepoint or an error */
	KERNEL_SOCK_DIAG,  /* polling only */
};

/* "auto", "tracepoint", "sock_diag" -> mode; -1 if unknown. */
int kernel_mode_parse(const char *s);

struct kernel_source;

/* Opens the kernel's view of TCP sockets on port (0: every TCP socket).
 * Call it before giving up root: the tracepoint needs root to set up, and
 * a small helper process keeps root only to remove the tracefs instance at
 * the end. Returns NULL with a one-line reason in err. */
struct kernel_source *kernel_open(enum kernel_mode mode, int port, char *err, size_t errlen);

/* The kernel's view of one other network namespace (netns_fd, an open
 * descriptor: a host of a two-host wire): sock_diag polling through a
 * netlink socket made inside it, so only that host's sockets are seen.
 * The tracepoint is not per namespace, so it is not used here. Needs
 * setns rights on it (root, or the user namespace that owns it); the
 * socket keeps working after root is given up. Its records carry each
 * socket's tcp_info (kstate_tcp_info), as kernel_open's sock_diag ones do. */
struct kernel_source *kernel_open_in_netns(int netns_fd, int port, char *err, size_t errlen);

/* Why auto mode fell back to sock_diag ("" if it did not). */
const char *kernel_fallback_reason(const struct kernel_source *k);

/* A descriptor to poll() for readability, or -1 (sock_diag polls on a timer). */
int kernel_fd(const struct kernel_source *k);
/* How often kernel_read wants to run at the latest, in milliseconds. */
int kernel_poll_ms(const struct kernel_source *k);

/* Hands every state change ready now to fn. Returns the number handed, or
 * -1 with err filled. Never blocks. */
int kernel_read(struct kernel_source *k, kstate_record_fn fn, void *ctx, char *err, size_t errlen);

/* The next kernel_read polls sock_diag at once, however recent the last
 * poll (the last look before the end). */
void kernel_poll_now(struct kernel_source *k);

/* When the last sock_diag poll was over (CLOCK_REALTIME; its records
 * carry this time), 0 before the first. */
uint64_t kernel_last_poll_ns(const struct kernel_source *k);

/* Stops tracing and removes the tracefs instance. */
void kernel_close(struct kernel_source *k);

#endif
