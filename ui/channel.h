/* channel.h: the UI's end of the event channel (docs/architecture.md). A
 * listening UNIX SOCK_SEQPACKET socket; each lab program connects and sends
 * its hello/call/step records, and a "go" record on the same connection
 * releases a stepping program's next call. Only connections from this user
 * (or root, or the owner) are taken (SO_PEERCRED). */
#ifndef SOCKLAB_UI_CHANNEL_H
#define SOCKLAB_UI_CHANNEL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct channel;

/* Binds path, creating its directory (0700). A socket file nobody answers
 * on is a stale one and is replaced; one somebody answers on means another
 * socklab is listening, and the open fails saying so. owner >= 0: the
 * directory and socket are given to that uid (the user root will drop to),
 * whose datagrams are also taken. */
struct channel *channel_open(const char *path, int owner, char *err, size_t errlen);

/* A channel of its own, in a new private directory /tmp/NAME-XXXXXX
 * (chanpath_private_create) that channel_close removes with whatever the
 * lab programs left in it. owner as for channel_open. */
struct channel *channel_open_private(const char *name, int owner, char *err, size_t errlen);

/* What to poll for records: readable when a program connects or sends. */
int channel_fd(const struct channel *ch);
/* The socket's path: what the lab programs are told with --events. */
const char *channel_path(const struct channel *ch);

/* One record into buf (NUL-terminated), and the connection it came on in
 * *conn; returns its length, 0 when none is waiting. Connections from other
 * users are refused. */
ssize_t channel_recv(struct channel *ch, char *buf, size_t n, int *conn);

/* Connections refused because another user made them. */
uint64_t channel_rejected(const struct channel *ch);

/* Sends {"type":"go","seq":seq} on connection conn (the one the step record
 * came on). */
int channel_send_go(struct channel *ch, int conn, long seq, char *err, size_t errlen);

/* Closes and removes the socket file (and a private channel's directory). */
void channel_close(struct channel *ch);

#endif
