/* fdtable.c: one process's descriptors as socklab run follows them. */
#include "fdtable.h"

#include <stdlib.h>
#include <string.h>

struct fdtable *fdtable_new(void)
{
	struct fdtable *t = calloc(1, sizeof(*t));

	if (t)
		t->refs = 1;
	return t;
}

struct fdtable *fdtable_copy(const struct fdtable *t)
{
	struct fdtable *c = fdtable_new();

	if (!c)
		return NULL;
	c->role = t->role;
	if (t->n) {
		c->e = malloc((size_t)t->n * sizeof(*c->e));
		if (!c->e) {
			free(c);
			return NULL;
		}
		memcpy(c->e, t->e, (size_t)t->n * sizeof(*c->e));
		c->n = t->n;
	}
	return c;
}

void fdtable_put(struct fdtable *t)
{
	if (t && --t->refs <= 0) {
		free(t->e);
		free(t);
	}
}

struct fd_entry *fdtable_at(struct fdtable *t, int fd)
{
	if (fd < 0 || fd >= FDTABLE_MAX_FD)
		return NULL;
	if (fd >= t->n) {
		int n = t->n ? t->n : 64;
		struct fd_entry *e;

		while (n <= fd)
			n *= 2;
		e = realloc(t->e, (size_t)n * sizeof(*e));
		if (!e)
			return NULL;
		memset(e + t->n, 0, (size_t)(n - t->n) * sizeof(*e));
		t->e = e;
		t->n = n;
	}
	return &t->e[fd];
}

const struct fd_entry *fdtable_peek(const struct fdtable *t, int fd)
{
	return fd >= 0 && fd < t->n ? &t->e[fd] : NULL;
}

void fdtable_close(struct fdtable *t, int fd)
{
	if (fd >= 0 && fd < t->n)
		memset(&t->e[fd], 0, sizeof(t->e[fd]));
}

void fdtable_close_range(struct fdtable *t, unsigned first, unsigned last, bool cloexec_only)
{
	for (unsigned fd = first; fd <= last && fd < (unsigned)t->n; fd++) {
		if (cloexec_only)
			t->e[fd].cloexec = true;
		else
			memset(&t->e[fd], 0, sizeof(t->e[fd]));
	}
}

void fdtable_dup(struct fdtable *t, int oldfd, int newfd, bool cloexec)
{
	struct fd_entry copy = {0};
	const struct fd_entry *old = fdtable_peek(t, oldfd);
	struct fd_entry *e;

	if (old)
		copy = *old;
	e = fdtable_at(t, newfd);
	if (!e)
		return;
	*e = copy;
	e->cloexec = cloexec; /* the flag is the descriptor's, not the file's */
}

void fdtable_exec(struct fdtable *t)
{
	for (int fd = 0; fd < t->n; fd++)
		if (t->e[fd].cloexec)
			memset(&t->e[fd], 0, sizeof(t->e[fd]));
}

void fdtable_set_role(struct fdtable *t, int fd, enum run_role role)
{
	struct fd_entry *e = fdtable_at(t, fd);

	if (e)
		e->role = (uint8_t)role;
	if (t->role == RUN_ROLE_NONE)
		t->role = role;
}
