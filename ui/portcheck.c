/* portcheck.c: find the listener of a TCP port through /proc/net/tcp{,6}
 * (the socket's inode) and /proc/PID/fd (which process holds that inode). */
#include "portcheck.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "screen_words.h"

#define TCP_LISTEN_STATE 0x0A /* include/net/tcp_states.h: TCP_LISTEN */

/* The inode of a socket listening on port in one /proc/net table, or 0. */
static unsigned long listening_inode(const char *table, int port)
{
	char line[512];
	unsigned long inode = 0;
	FILE *f = fopen(table, "r");

	if (!f)
		return 0;
	if (!fgets(line, sizeof(line), f)) { /* the header line */
		fclose(f);
		return 0;
	}
	while (!inode && fgets(line, sizeof(line), f)) {
		char local[64];
		unsigned lport, state;
		unsigned long ino;
		const char *colon;

		/* sl local rem st tx:rx tr:tm retrnsmt uid timeout inode */
		if (sscanf(line, "%*s %63s %*s %x %*s %*s %*s %*s %*s %lu", local, &state, &ino) != 3)
			continue;
		colon = strrchr(local, ':');
		if (!colon || sscanf(colon + 1, "%x", &lport) != 1)
			continue;
		if (state == TCP_LISTEN_STATE && (int)lport == port)
			inode = ino;
	}
	fclose(f);
	return inode;
}

/* The pid whose descriptors include socket:[inode], or -1. */
static long socket_owner(unsigned long inode)
{
	char want[64], path[600], target[64];
	DIR *proc = opendir("/proc");
	struct dirent *p;
	long pid = -1;

	if (!proc)
		return -1;
	snprintf(want, sizeof(want), "socket:[%lu]", inode);
	while (pid < 0 && (p = readdir(proc))) {
		DIR *fds;
		struct dirent *fd;

		if (!isdigit((unsigned char)p->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", p->d_name);
		if (!(fds = opendir(path)))
			continue; /* another user's process, or gone */
		while ((fd = readdir(fds))) {
			ssize_t len;

			snprintf(path, sizeof(path), "/proc/%s/fd/%s", p->d_name, fd->d_name);
			len = readlink(path, target, sizeof(target) - 1);
			if (len <= 0)
				continue;
			target[len] = '\0';
			if (strcmp(target, want) == 0) {
				pid = atol(p->d_name);
				break;
			}
		}
		closedir(fds);
	}
	closedir(proc);
	return pid;
}

/* 1 when a socket listens on port, with its program's name in comm ("" if
 * /proc does not say) and its pid in *pid (-1: another user's); else 0. */
static int listener(int port, char *comm, size_t n, long *pid)
{
	unsigned long inode = listening_inode("/proc/net/tcp", port);
	char path[64];
	FILE *f;

	if (!inode)
		inode = listening_inode("/proc/net/tcp6", port);
	if (!inode)
		return 0;
	comm[0] = '\0';
	if ((*pid = socket_owner(inode)) < 0)
		return 1;
	snprintf(path, sizeof(path), "/proc/%ld/comm", *pid);
	if ((f = fopen(path, "r"))) {
		if (fgets(comm, (int)n, f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
	return 1;
}

static void describe(enum lang lang, const char *comm, long pid, char *who, size_t n)
{
	const struct screen_words *w = screen_words(lang);

	if (pid < 0)
		snprintf(who, n, "%s", w->port_holder_other_user);
	else
		snprintf(who, n, w->port_holder, comm[0] ? comm : w->port_holder_unnamed, pid);
}

int port_listener(int port, enum lang lang, char *who, size_t n)
{
	char comm[64];
	long pid;

	if (!listener(port, comm, sizeof(comm), &pid))
		return 0;
	describe(lang, comm, pid, who, n);
	return 1;
}

int port_in_use_message(int port, enum lang lang, char *msg, size_t n)
{
	char comm[64], who[96];
	long pid;

	if (!listener(port, comm, sizeof(comm), &pid) || strcmp(comm, "echo-server") == 0)
		return 0;
	describe(lang, comm, pid, who, sizeof(who));
	snprintf(msg, n, screen_words(lang)->port_in_use, port, who);
	return 1;
}
