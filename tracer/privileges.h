/* privileges.h: giving up root and capabilities once a capture is open.
 *
 * Capturing needs root or CAP_NET_RAW; nothing after the open does. A
 * program started with sudo becomes the sudo caller (whose files and event
 * channel it then uses), one started as root otherwise becomes "nobody",
 * and one given file capabilities (`make setcap`) clears them. Linux only. */
#ifndef SOCKLAB_PRIVILEGES_H
#define SOCKLAB_PRIVILEGES_H

#include <stddef.h>
#include <sys/types.h>

/* Switches root to privileges_drop_target()'s user for good (groups, gid,
 * uid; it checks root cannot be regained); not root, clears every
 * capability set. Returns 0, or -1 with err filled. */
int privileges_drop(char *err, size_t errlen);

/* The user privileges_drop switches root to: the sudo caller ($SUDO_UID,
 * $SUDO_GID, when not root itself), else "nobody". Returns 0, or -1 when
 * there is no such user. */
int privileges_drop_target(uid_t *uid, gid_t *gid);

/* A file root created under sudo is given to the sudo caller, whose file it
 * is meant to be; anything else is left as it is. Returns 0, or -1 with err
 * filled ("chown OUT.pcap: ..."). */
int privileges_give_to_sudo_caller(int fd, const char *path, char *err, size_t errlen);

/* Files made after root is dropped (tcpdump's -Z, Wireshark's dumpcap
 * split): a program started as root forks, before it opens anything else, a
 * small helper that keeps root and does one thing: on request, it creates a
 * new file named PREFIX... in the directory the program was started in,
 * gives it to the sudo caller, and hands back a descriptor open for
 * writing. The rest of the program (the packet parser) drops root; a file
 * it starts later (the UI's `r`) is then created with the rights the program
 * was started with, as one named on the command line is. The helper takes
 * only plain names (PREFIX, then letters, digits, '.', '_', '-'; ending in
 * one of suffixes), never overwrites (O_EXCL: no file of root's, nor a
 * symlink planted in a shared directory), and ends when its requester
 * closes the connection or exits. */
struct file_maker;

/* Root: starts the helper, NULL with err on failure. Not root: NULL with
 * err empty (the program creates its files itself, as the user it is).
 * suffixes ends with NULL; both are kept, not copied. */
struct file_maker *privileges_file_maker_start(const char *prefix, const char *const *suffixes, char *err,
					       size_t errlen);
/* Asks the helper for a new file; returns its descriptor (write-only,
 * appending, close-on-exec), or -1 with err ("record NAME: file exists")
 * and errno the open's cause (EEXIST; 0 when err names another trouble). */
int privileges_file_make(struct file_maker *m, const char *name, char *err, size_t errlen);
/* Ends the helper and waits for it. NULL is accepted. */
void privileges_file_maker_stop(struct file_maker *m);

#endif
