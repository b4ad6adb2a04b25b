/* lesson.c: the lesson file parser and the checkpoint matcher. */
#include "lesson.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode.h"
#include "lesson_words.h"
#include "records.h"

struct parser {
	const char *name;
	int line;
	char *err;
	size_t errlen;
	struct lesson *l;
	struct lesson_step *step; /* the step being read, NULL in the header */
	lesson_sysctl_fn lookup;  /* {sysctl:NAME} */
	void *ctx;
};

static int fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(p->err, p->errlen, "%s:%d: ", p->name, p->line);

	va_start(ap, fmt);
	if (n > 0 && (size_t)n < p->errlen)
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static int dup_into(struct parser *p, char **dst, const char *s)
{
	*dst = strdup(s);
	return *dst ? 0 : fail(p, "out of memory");
}

/* Repeated say:/hint:/then: lines make one text: lines join with a space,
 * an empty value starts a new paragraph. Chinese puts no space between
 * words or after its punctuation (。，), so where either side of the join is
 * not ASCII the lines join with nothing between them. */
static int append_text(struct parser *p, char **dst, const char *s)
{
	size_t old = *dst ? strlen(*dst) : 0, add = strlen(s);
	char *t = realloc(*dst, old + add + 2);

	if (!t)
		return fail(p, "out of memory");
	if (old && add && t[old - 1] != '\n' && !((unsigned char)t[old - 1] & 0x80) && !((unsigned char)s[0] & 0x80))
		t[old++] = ' ';
	if (!add)
		t[old++] = '\n';
	memcpy(t + old, s, add + 1);
	*dst = t;
	return 0;
}

static int parse_int(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || !*s || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_role(const char *s, bool any_ok, enum expect_proc *out)
{
	if (strcmp(s, "client") == 0)
		*out = PROC_CLIENT;
	else if (strcmp(s, "server") == 0)
		*out = PROC_SERVER;
	else if (any_ok && strcmp(s, "any") == 0)
		*out = PROC_ANY;
	else
		return -1;
	return 0;
}

static int bad_state(struct parser *p, const char *s)
{
	char names[200] = "";
	size_t n = 0;

	for (int i = 0; i < TCP_NSTATES && n < sizeof(names); i++)
		n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s", i ? " " : "", tcp_state_name(i));
	return fail(p, "unknown state '%s' (expected one of %s)", s, names);
}

/* Splits value into space-separated words (in place). */
static int split_words(char *value, char **words, int max)
{
	int n = 0;
	char *save = NULL;

	for (char *w = strtok_r(value, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (n == max)
			return -1;
		words[n++] = w;
	}
	return n;
}

/* key=N options shared by the kinds of expectation. */
static int expect_option(struct parser *p, struct lesson_expect *e, const char *w)
{
	long v;
	const char *eq = strchr(w, '=');

	if (!eq)
		return fail(p, "expect: unexpected word '%s'", w);
	if (strncmp(w, "count=", 6) == 0) {
		if (parse_int(eq + 1, 1, 1000, &v) < 0)
			return fail(p, "expect: count '%s': expected a number from 1 to 1000", eq + 1);
		e->count = (int)v;
		return 0;
	}
	if (e->kind == EXPECT_CALL && strncmp(w, "pids=", 5) == 0) {
		if (parse_int(eq + 1, 1, LESSON_MAX_PIDS, &v) < 0)
			return fail(p, "expect: pids '%s': expected a number from 1 to %d", eq + 1, LESSON_MAX_PIDS);
		e->pids = (int)v;
		return 0;
	}
	if (e->kind == EXPECT_CALL && strncmp(w, "ret=", 4) == 0) {
		if (parse_int(eq + 1, -1, 1L << 30, &v) < 0)
			return fail(p, "expect: ret '%s': expected a number", eq + 1);
		e->has_ret = true;
		e->ret = v;
		return 0;
	}
	if (e->kind == EXPECT_CALL && strncmp(w, "errno=", 6) == 0) {
		if (strlen(eq + 1) >= sizeof(e->err) || !(strcmp(eq + 1, "none") == 0 || (eq[1] == 'E' && eq[2])))
			return fail(p, "expect: errno '%s': expected an errno name (EADDRINUSE) or none", eq + 1);
		snprintf(e->err, sizeof(e->err), "%s", eq + 1);
		return 0;
	}
	if (e->kind == EXPECT_PACKET) {
		long *field = strncmp(w, "seq=", 4) == 0 ? &e->seq
			    : strncmp(w, "ack=", 4) == 0 ? &e->ack
			    : strncmp(w, "len=", 4) == 0 ? &e->len
			    : strncmp(w, "win=", 4) == 0 ? &e->win : NULL;
		if (field) {
			if (parse_int(eq + 1, 0, UINT32_MAX, field) < 0)
				return fail(p, "expect: '%s': expected a number", w);
			return 0;
		}
	}
	return fail(p, "expect: unknown option '%.*s' for a %s", (int)(eq - w), w,
		    e->kind == EXPECT_CALL ? "call" : e->kind == EXPECT_PACKET ? "packet" : e->kind == EXPECT_ARP ? "arp" : "state");
}

/*   call PROC NAME [enter|exit] [ret=N] [errno=E|none] [pids=N]
 *   submit PROC NAME                     (an io_uring operation handed over)
 *   complete PROC NAME [ret=N] [errno=E|none]    (... and done)
 *   packet c2s|s2c|any [FLAGS] [seq=N] [ack=N] [len=N] [win=N] [retrans] [lost|arrived]
 *   arp request|reply|any [lost|arrived]       (two hosts: an ARP frame)
 *   state PROC STATE
 * each optionally preceded by "no" and followed by count=N. */
static int parse_expect(struct parser *p, char *value, struct lesson_expect *e)
{
	char *w[12];
	int n, i = 0;

	memset(e, 0, sizeof(*e));
	e->line = p->line;
	e->count = 1;
	e->phase = 1;
	e->seq = e->ack = e->len = e->win = -1;
	snprintf(e->text, sizeof(e->text), "%s", value);
	n = split_words(value, w, 12);
	if (n < 0)
		return fail(p, "expect: too many words");
	if (i < n && strcmp(w[i], "no") == 0) {
		e->absent = true;
		i++;
	}
	if (i >= n)
		return fail(p, "expect: what? (call, submit, complete, packet, state or arp)");
	if (strcmp(w[i], "call") == 0 || strcmp(w[i], "submit") == 0 || strcmp(w[i], "complete") == 0) {
		e->kind = EXPECT_CALL;
		e->op = strcmp(w[i], "submit") == 0 ? UCALL_SUBMIT : strcmp(w[i], "complete") == 0 ? UCALL_COMPLETE
												 : UCALL_SYSCALL;
		e->phase = e->op != UCALL_SUBMIT;
		if (n - i < 3 || parse_role(w[i + 1], true, &e->proc) < 0)
			return fail(p, "expect: '%s client|server|any NAME' expected", w[i]);
		if (strlen(w[i + 2]) >= sizeof(e->call))
			return fail(p, "expect: call name '%s' too long", w[i + 2]);
		snprintf(e->call, sizeof(e->call), "%s", w[i + 2]);
		i += 3;
		if (e->op == UCALL_SYSCALL && i < n && (strcmp(w[i], "enter") == 0 || strcmp(w[i], "exit") == 0))
			e->phase = strcmp(w[i++], "exit") == 0;
		if (e->phase == 0)
			for (int j = i; j < n; j++)
				if (strncmp(w[j], "ret=", 4) == 0 || strncmp(w[j], "errno=", 6) == 0)
					return fail(p, "expect: '%s' only on a call's exit", w[j]);
	} else if (strcmp(w[i], "packet") == 0) {
		e->kind = EXPECT_PACKET;
		if (n - i < 2)
			return fail(p, "expect: 'packet c2s|s2c|any [FLAGS]' expected");
		if (strcmp(w[i + 1], "c2s") == 0)
			e->dir = DIR_C2S;
		else if (strcmp(w[i + 1], "s2c") == 0)
			e->dir = DIR_S2C;
		else if (strcmp(w[i + 1], "any") == 0)
			e->dir = DIR_ANY;
		else
			return fail(p, "expect: packet direction '%s': expected c2s, s2c or any", w[i + 1]);
		i += 2;
		if (i < n && !strchr(w[i], '=') && strcmp(w[i], "retrans") != 0 && strcmp(w[i], "lost") != 0 &&
		    strcmp(w[i], "arrived") != 0) {
			if (tcp_flags_parse(w[i], &e->flags) < 0)
				return fail(p, "expect: flags '%s': expected names like SYN, SYN|ACK, FIN|ACK, RST", w[i]);
			e->has_flags = true;
			i++;
		}
		for (int j = i; j < n; j++) {
			bool *mark = strcmp(w[j], "retrans") == 0 ? &e->retrans
				     : strcmp(w[j], "lost") == 0  ? &e->lost
				     : strcmp(w[j], "arrived") == 0 ? &e->arrived
								    : NULL;
			if (!mark)
				continue;
			*mark = true;
			memmove(&w[j], &w[j + 1], (size_t)(n - j - 1) * sizeof(w[0]));
			n--;
			j--;
		}
		if (e->lost && e->arrived)
			return fail(p, "expect: a segment is lost or arrived, not both");
	} else if (strcmp(w[i], "state") == 0) {
		int s;
		e->kind = EXPECT_STATE;
		if (n - i < 3 || parse_role(w[i + 1], true, &e->proc) < 0)
			return fail(p, "expect: 'state client|server|any STATE' expected");
		s = tcp_state_parse(w[i + 2]);
		if (s < 0)
			return bad_state(p, w[i + 2]);
		e->state = (enum tcp_state)s;
		i += 3;
	} else if (strcmp(w[i], "arp") == 0) {
		e->kind = EXPECT_ARP;
		if (n - i < 2 || !(strcmp(w[i + 1], "request") == 0 || strcmp(w[i + 1], "reply") == 0 ||
				   strcmp(w[i + 1], "any") == 0))
			return fail(p, "expect: 'arp request|reply|any [lost|arrived]' expected");
		e->arp_op = strcmp(w[i + 1], "request") == 0 ? ARP_REQUEST : strcmp(w[i + 1], "reply") == 0 ? ARP_REPLY : 0;
		for (i += 2; i < n && (strcmp(w[i], "lost") == 0 || strcmp(w[i], "arrived") == 0); i++)
			*(strcmp(w[i], "lost") == 0 ? &e->lost : &e->arrived) = true;
		if (e->lost && e->arrived)
			return fail(p, "expect: an ARP frame is lost or arrived, not both");
	} else {
		return fail(p, "expect: unknown kind '%s' (expected call, submit, complete, packet, state or arp)", w[i]);
	}
	for (; i < n; i++)
		if (expect_option(p, e, w[i]) < 0)
			return -1;
	return 0;
}

/*   run: client|server[@spare] ARGS...     (run-free: the same, not stepped) */
static int parse_run(struct parser *p, char *value, bool step, struct lesson_run *r)
{
	char *w[LESSON_MAX_ARGS + 2];
	int n = split_words(value, w, LESSON_MAX_ARGS + 1);
	char *at;
	enum expect_proc proc;

	memset(r, 0, sizeof(*r));
	r->step = step;
	r->line = p->line;
	if (n < 0)
		return fail(p, "run: at most %d arguments", LESSON_MAX_ARGS);
	if (n == 0)
		return fail(p, "run: which program? (client or server)");
	at = strchr(w[0], '@');
	if (at) {
		*at++ = '\0';
		if (strcmp(at, "spare") == 0)
			r->port = PORT_SPARE;
		else if (strcmp(at, "go") == 0)
			r->go_seed = true;
		else
			return fail(p, "run: '@%s': only @spare (a port nobody listens on) and @go (the seed's Go "
				       "server) are known", at);
	}
	if (parse_role(w[0], false, &proc) < 0)
		return fail(p, "run: program '%s': expected client or server", w[0]);
	r->proc = (enum tcp_role)proc;
	if (r->port == PORT_SPARE && r->proc != ROLE_CLIENT)
		return fail(p, "run: only a client can go to @spare");
	if (r->go_seed && (r->proc != ROLE_SERVER || n > 1))
		return fail(p, "run: @go is the seed's Go server: 'server@go', with no arguments");
	for (int i = 1; i < n; i++) {
		if (strcmp(w[i], "--step") == 0 || strcmp(w[i], "--events") == 0 || strcmp(w[i], "-p") == 0 ||
		    strcmp(w[i], "--port") == 0)
			return fail(p, "run: '%s' is set by the lesson runner", w[i]);
		if (dup_into(p, &r->argv[r->argc++], w[i]) < 0)
			return -1;
	}
	return 0;
}

static int parse_roles(struct parser *p, const char *key, char *value, bool out[2])
{
	char *w[2];
	int n = split_words(value, w, 2);
	enum expect_proc proc;

	if (n <= 0)
		return fail(p, "%s: client, server or both", key);
	for (int i = 0; i < n; i++) {
		if (parse_role(w[i], false, &proc) < 0)
			return fail(p, "%s: '%s': expected client or server", key, w[i]);
		out[proc] = true;
	}
	return 0;
}

/*   wire: drop c2s|s2c FLAGS|data [skip=N] [count=N]      (in a step) */
static int parse_drop(struct parser *p, char *value, struct impair_rule *r)
{
	char *w[6];
	int n = split_words(value, w, 5);
	long count = 1, skip = 0;

	memset(r, 0, sizeof(*r));
	if (n < 3 || strcmp(w[0], "drop") != 0 || (strcmp(w[1], "c2s") != 0 && strcmp(w[1], "s2c") != 0))
		return fail(p, "wire: in a step: 'drop c2s|s2c FLAGS|data [skip=N] [count=N]' expected (e.g. drop c2s "
			       "SYN)");
	r->dir = w[1][0] == 'c' ? IMPAIR_TO_SERVER : IMPAIR_TO_CLIENT;
	if (strcmp(w[2], "data") == 0)
		r->data = true;
	else if (tcp_flags_parse(w[2], &r->flags) < 0 || !r->flags)
		return fail(p, "wire: drop: '%s': expected data or flags like SYN, SYN|ACK, FIN|ACK, PSH|ACK", w[2]);
	else
		r->has_flags = true;
	for (int i = 3; i < n; i++)
		if (!(strncmp(w[i], "count=", 6) == 0 && parse_int(w[i] + 6, 1, 100, &count) == 0) &&
		    !(strncmp(w[i], "skip=", 5) == 0 && parse_int(w[i] + 5, 0, 1000, &skip) == 0))
			return fail(p, "wire: drop: '%s': expected skip=N (0 to 1000) or count=N (1 to 100)", w[i]);
	r->count = (uint32_t)count;
	r->skip = (uint32_t)skip;
	return 0;
}

/*   wire: delay=MS [jitter=MS loss=PCT reorder=PCT rate=KBIT seed=N]   (the header) */
static int parse_wire(struct parser *p, char *value, struct impair_cfg *cfg)
{
	char *w[IMPAIR_NSWITCHES + 1], err[160];
	int n = split_words(value, w, IMPAIR_NSWITCHES);

	if (n <= 0)
		return fail(p, "wire: 'delay=MS' and the other switches as NAME=VALUE (delay jitter loss reorder rate "
			       "seed) expected");
	for (int i = 0; i < n; i++) {
		char *eq = strchr(w[i], '=');
		int sw;
		if (!eq)
			return fail(p, "wire: '%s': expected NAME=VALUE, e.g. delay=100", w[i]);
		*eq = '\0';
		if ((sw = impair_switch_index(w[i])) < 0)
			return fail(p, "wire: unknown switch '%s' (expected delay, jitter, loss, reorder, rate, seed)", w[i]);
		if (impair_parse_switch(sw, eq + 1, cfg, err, sizeof(err)) < 0)
			return fail(p, "wire: %s", err);
	}
	return 0;
}

/* The step being closed (at a new step: or the end) must be complete. */
static int finish_step(struct parser *p)
{
	struct lesson_step *s = p->step;
	int positive = 0, line = p->line;

	if (!s)
		return 0;
	for (int i = 0; i < s->nexpects; i++)
		positive += !s->expects[i].absent;
	p->line = s->line;
	if (!positive)
		return fail(p, "step '%s' has no expect: line (a checkpoint needs something to wait for)", s->title);
	if (s->predict && s->nchoices < 2)
		return fail(p, "step '%s': predict: needs at least two choice: lines", s->title);
	if (s->predict && !s->answer)
		return fail(p, "step '%s': predict: has no answer: line", s->title);
	if (s->has_fail_seen != (s->fail_say != NULL))
		return fail(p, "step '%s': fail-seen: and fail-say: come together", s->title);
	if (s->ndrops && !p->l->wire.enabled)
		return fail(p, "step '%s': wire: drop needs a wire: line in the header (e.g. wire: delay=100)", s->title);
	p->line = line;
	return 0;
}

static int step_key(struct parser *p, const char *key, char *value)
{
	struct lesson_step *s = p->step;
	long v;

	if (strcmp(key, "say") == 0)
		return append_text(p, &s->say, value);
	if (strcmp(key, "hint") == 0)
		return append_text(p, &s->hint, value);
	if (strcmp(key, "then") == 0)
		return append_text(p, &s->then, value);
	if (strcmp(key, "run") == 0 || strcmp(key, "run-free") == 0) {
		if (s->nruns == LESSON_MAX_RUNS)
			return fail(p, "run: at most %d programs a step", LESSON_MAX_RUNS);
		return parse_run(p, value, strcmp(key, "run") == 0, &s->runs[s->nruns++]);
	}
	if (strcmp(key, "stop") == 0)
		return parse_roles(p, key, value, s->stop);
	if (strcmp(key, "hold") == 0)
		return parse_roles(p, key, value, s->hold);
	if (strcmp(key, "predict") == 0) {
		if (s->predict)
			return fail(p, "predict: one prediction a step");
		if (!*value)
			return fail(p, "predict: the question is missing");
		return dup_into(p, &s->predict, value);
	}
	if (strcmp(key, "choice") == 0) {
		if (!s->predict)
			return fail(p, "choice: without a predict: line before it");
		if (s->nchoices == LESSON_MAX_CHOICES)
			return fail(p, "choice: at most %d choices", LESSON_MAX_CHOICES);
		return dup_into(p, &s->choices[s->nchoices++], value);
	}
	if (strcmp(key, "answer") == 0) {
		if (!s->predict)
			return fail(p, "answer: without a predict: line before it");
		if (parse_int(value, 1, s->nchoices, &v) < 0)
			return fail(p, "answer: '%s': expected the number of a choice, 1 to %d", value, s->nchoices);
		s->answer = (int)v;
		return 0;
	}
	if (strcmp(key, "timeout") == 0) {
		if (parse_int(value, 1, 600, &v) < 0)
			return fail(p, "timeout: '%s': expected seconds, 1 to 600", value);
		s->timeout_s = (int)v;
		return 0;
	}
	if (strcmp(key, "show") == 0) {
		if (strcmp(value, "output") != 0)
			return fail(p, "show: '%s': only 'show: output' is known", value);
		s->show_output = true;
		return 0;
	}
	if (strcmp(key, "fail-say") == 0)
		return append_text(p, &s->fail_say, value);
	if (strcmp(key, "fail-seen") == 0) {
		if (s->has_fail_seen)
			return fail(p, "fail-seen: one a step");
		s->has_fail_seen = true;
		if (parse_expect(p, value, &s->fail_seen) < 0)
			return -1;
		if (s->fail_seen.absent)
			return fail(p, "fail-seen: a row that was seen, not 'no ...'");
		return 0;
	}
	if (strcmp(key, "wire") == 0) {
		if (s->ndrops == IMPAIR_MAX_RULES)
			return fail(p, "wire: drop: at most %d a step", IMPAIR_MAX_RULES);
		return parse_drop(p, value, &s->drops[s->ndrops++]);
	}
	if (strcmp(key, "expect") == 0) {
		if (s->nexpects == LESSON_MAX_EXPECTS)
			return fail(p, "expect: at most %d a step", LESSON_MAX_EXPECTS);
		return parse_expect(p, value, &s->expects[s->nexpects++]);
	}
	return fail(p, "unknown key '%s' in a step (expected say, run, run-free, stop, hold, predict, choice, answer, "
		       "hint, then, timeout, show, expect, fail-seen, fail-say, wire)", key);
}

static int header_key(struct parser *p, const char *key, char *value)
{
	struct lesson *l = p->l;
	long v;

	if (strcmp(key, "lesson") == 0) {
		if (l->number)
			return fail(p, "lesson: given twice");
		if (parse_int(value, 1, 99, &v) < 0)
			return fail(p, "lesson: '%s': expected a number from 1 to 99", value);
		l->number = (int)v;
		return 0;
	}
	if (strcmp(key, "title") == 0 || strcmp(key, "seed") == 0) {
		char **dst = key[0] == 't' ? &l->title : &l->seed;
		if (*dst)
			return fail(p, "%s: given twice", key);
		if (!*value)
			return fail(p, "%s: empty", key);
		return dup_into(p, dst, value);
	}
	if (strcmp(key, "say") == 0)
		return append_text(p, &l->intro, value);
	if (strcmp(key, "wire") == 0) {
		if (l->wire.enabled)
			return fail(p, "wire: given twice");
		return parse_wire(p, value, &l->wire);
	}
	return fail(p, "unknown key '%s' before the first step (expected lesson, title, seed, say, wire, step)", key);
}

/* ---- placeholders in the words ---- */

/* A sysctl name as /proc/sys spells it with dots: words of [a-z0-9_-]
 * joined by single dots. This is also what keeps a lesson file (anyone's
 * text) from naming a path outside /proc/sys. */
static bool sysctl_name_ok(const char *s, size_t n)
{
	bool word = false;

	if (n == 0 || n > 128)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '.') {
			if (!word)
				return false;
			word = false;
		} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
			word = true;
		} else {
			return false;
		}
	}
	return word;
}

static int put(struct parser *p, char **buf, size_t *n, size_t *cap, const char *s, size_t len)
{
	if (*n + len + 1 > *cap) {
		size_t want = (*n + len + 1) * 2;
		char *t = realloc(*buf, want);
		if (!t)
			return fail(p, "out of memory");
		*buf = t;
		*cap = want;
	}
	memcpy(*buf + *n, s, len);
	*n += len;
	(*buf)[*n] = '\0';
	return 0;
}

/* {x} with nothing in it that words have (space, another brace) is taken
 * for a placeholder, so a misspelt one is refused instead of shown. */
static bool placeholder_like(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '{')
			return false;
	return true;
}

/* {syn-timeout}: how long connect() tries before ETIMEDOUT, from
 * tcp_syn_retries as the kernel's tcp_model_timeout() counts it (initial
 * RTO 1 s, doubling; the linear timeouts of 6.5+ resend more often within
 * the same time). */
static int syn_timeout(const struct parser *p, char *out, size_t outlen)
{
	char val[64];
	long retries;

	if (p->lookup(p->ctx, "net.ipv4.tcp_syn_retries", val, sizeof(val)) < 0 || parse_int(val, 1, 127, &retries) < 0) {
		snprintf(out, outlen, "unknown");
		return 0;
	}
	if (retries <= 7) /* ilog2(TCP_RTO_MAX / 1 s): then each try waits TCP_RTO_MAX, 120 s */
		snprintf(out, outlen, "%ld", (2L << retries) - 1);
	else
		snprintf(out, outlen, "%ld", (2L << 7) - 1 + (retries - 7) * 120);
	return 0;
}

/* {tcp_info:ROLE.FIELD}: the fields of the kernel's tcp_info a lesson
 * quotes (kstate.h), by the names lessons write them with. */
enum tcp_info_field { TI_RTO, TI_RTT, TI_RTTVAR, TI_CWND, TI_RETRANSMITS, TI_TOTAL_RETRANS, TI_CONG, TI_NFIELDS };
static const char *const tcp_info_fields[TI_NFIELDS] = {
	"rto_ms", "rtt_ms", "rttvar_ms", "cwnd", "retransmits", "total_retrans", "cong",
};
static const char tcp_info_prefix[] = "tcp_info:";
#define TCP_INFO_PREFIX_LEN (sizeof(tcp_info_prefix) - 1)

/* name: what follows "tcp_info:", len bytes ("server.rto_ms"). */
static int tcp_info_name(const char *name, size_t len, enum tcp_role *role, enum tcp_info_field *field)
{
	const char *dot = memchr(name, '.', len);
	size_t rlen, flen;

	if (!dot)
		return -1;
	rlen = (size_t)(dot - name);
	flen = len - rlen - 1;
	if (rlen == 6 && strncmp(name, "client", 6) == 0)
		*role = ROLE_CLIENT;
	else if (rlen == 6 && strncmp(name, "server", 6) == 0)
		*role = ROLE_SERVER;
	else
		return -1;
	for (int i = 0; i < TI_NFIELDS; i++) {
		if (strlen(tcp_info_fields[i]) == flen && strncmp(dot + 1, tcp_info_fields[i], flen) == 0) {
			*field = (enum tcp_info_field)i;
			return 0;
		}
	}
	return -1;
}

/* The words of one line with their placeholders filled, into *out
 * (malloc'd). later: the words are shown after a step ran (say:, then:),
 * so {tcp_info:...} may stay in them, for lesson_fill_tcp_info. */
static int render(struct parser *p, const char *in, bool later, char **out)
{
	static const char prefix[] = "sysctl:";
	const size_t plen = sizeof(prefix) - 1;
	char *buf = NULL;
	size_t n = 0, cap = 0;
	const char *s = in;

	if (put(p, &buf, &n, &cap, "", 0) < 0)
		return -1;
	while (*s) {
		const char *open = strchr(s, '{'), *close = open ? strchr(open + 1, '}') : NULL;
		size_t len;

		if (!open || !close) {
			if (put(p, &buf, &n, &cap, s, strlen(s)) < 0)
				goto fail;
			break;
		}
		len = (size_t)(close - open - 1);
		if (!placeholder_like(open + 1, len)) { /* a brace in the words: keep it */
			if (put(p, &buf, &n, &cap, s, (size_t)(open - s) + 1) < 0)
				goto fail;
			s = open + 1;
			continue;
		}
		if (put(p, &buf, &n, &cap, s, (size_t)(open - s)) < 0)
			goto fail;
		if (len > plen && strncmp(open + 1, prefix, plen) == 0 && sysctl_name_ok(open + 1 + plen, len - plen)) {
			char name[129], val[64];
			memcpy(name, open + 1 + plen, len - plen);
			name[len - plen] = '\0';
			if (p->lookup(p->ctx, name, val, sizeof(val)) < 0)
				snprintf(val, sizeof(val), "unknown");
			if (put(p, &buf, &n, &cap, val, strlen(val)) < 0)
				goto fail;
		} else if (len == 11 && strncmp(open + 1, "syn-timeout", len) == 0) {
			char val[64];
			if (syn_timeout(p, val, sizeof(val)) < 0 || put(p, &buf, &n, &cap, val, strlen(val)) < 0)
				goto fail;
		} else if (len > TCP_INFO_PREFIX_LEN && strncmp(open + 1, tcp_info_prefix, TCP_INFO_PREFIX_LEN) == 0) {
			enum tcp_role role;
			enum tcp_info_field field;
			if (tcp_info_name(open + 1 + TCP_INFO_PREFIX_LEN, len - TCP_INFO_PREFIX_LEN, &role, &field) < 0) {
				fail(p, "unknown placeholder '{%.*s}' (expected {tcp_info:ROLE.FIELD}, ROLE client or "
					"server, FIELD one of rto_ms rtt_ms rttvar_ms cwnd retransmits total_retrans cong)",
				     (int)(len > 60 ? 60 : len), open + 1);
				goto fail;
			}
			if (!later) {
				fail(p, "placeholder '{%.*s}': the kernel's tcp_info is known only once a step ran; "
					"use it in say: or then:",
				     (int)(len > 60 ? 60 : len), open + 1);
				goto fail;
			}
			if (put(p, &buf, &n, &cap, open, len + 2) < 0) /* filled when shown */
				goto fail;
		} else {
			fail(p, "unknown placeholder '{%.*s}' (expected {sysctl:NAME}, {syn-timeout} or "
				"{tcp_info:ROLE.FIELD}, e.g. {sysctl:net.ipv4.tcp_syn_retries}, {tcp_info:server.rto_ms})",
			     (int)(len > 60 ? 60 : len), open + 1);
			goto fail;
		}
		s = close + 1;
	}
	*out = buf;
	return 0;
fail:
	free(buf);
	return -1;
}

int lesson_sysctl_proc(void *ctx, const char *name, char *out, size_t outlen)
{
	char path[256];
	const char *root = ctx ? ctx : "/proc/sys";
	ssize_t got;
	int fd, n;

	if (outlen < 2 || !sysctl_name_ok(name, strlen(name)))
		return -1;
	n = snprintf(path, sizeof(path), "%s/%s", root, name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -1;
	for (char *c = path + strlen(root) + 1; *c; c++)
		if (*c == '.')
			*c = '/';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	do
		got = read(fd, out, outlen - 1);
	while (got < 0 && errno == EINTR);
	close(fd);
	if (got <= 0)
		return -1;
	out[got] = '\0';
	out[strcspn(out, "\n")] = '\0';
	for (char *c = out; *c; c++)
		if (*c == '\t') /* ip_local_port_range: "32768\t60999" */
			*c = ' ';
	return out[0] ? 0 : -1;
}

/* The keys whose values a student reads. */
static bool words_key(const char *key)
{
	static const char *const keys[] = {"title", "say", "step", "predict", "choice", "hint", "then", "fail-say"};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(key, keys[i]) == 0)
			return true;
	return false;
}

static int parse_key(struct parser *p, const char *key, char *value);

static int parse_line(struct parser *p, char *line)
{
	char *colon = strchr(line, ':'), *value, *words = NULL;
	const char *key = line;
	int rc;

	if (!colon || colon == line || strspn(line, "abcdefghijklmnopqrstuvwxyz-") != (size_t)(colon - line))
		return fail(p, "expected 'key: value', got '%.40s'", line);
	*colon = '\0';
	value = colon + 1 + strspn(colon + 1, " \t");
	if (words_key(key)) {
		if (render(p, value, strcmp(key, "say") == 0 || strcmp(key, "then") == 0, &words) < 0)
			return -1;
		value = words;
	}
	rc = parse_key(p, key, value);
	free(words);
	return rc;
}

static int parse_key(struct parser *p, const char *key, char *value)
{
	if (strcmp(key, "step") == 0) {
		if (!p->l->number || !p->l->title || !p->l->seed)
			return fail(p, "step: before the header is complete (lesson:, title: and seed: come first)");
		if (finish_step(p) < 0)
			return -1;
		if (p->l->nsteps == LESSON_MAX_STEPS)
			return fail(p, "step: at most %d steps", LESSON_MAX_STEPS);
		if (!*value)
			return fail(p, "step: the step needs a title");
		p->step = &p->l->steps[p->l->nsteps++];
		p->step->line = p->line;
		return dup_into(p, &p->step->title, value);
	}
	return p->step ? step_key(p, key, value) : header_key(p, key, value);
}

int lesson_parse(const char *text, size_t len, const char *name, struct lesson *out, char *err, size_t errlen)
{
	return lesson_parse_with(text, len, name, lesson_sysctl_proc, NULL, out, err, errlen);
}

int lesson_parse_with(const char *text, size_t len, const char *name, lesson_sysctl_fn lookup, void *ctx,
		      struct lesson *out, char *err, size_t errlen)
{
	struct parser p = {name, 0, err, errlen, out, NULL, lookup, ctx};
	char *copy = malloc(len + 1), *line, *next;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!copy)
		return fail(&p, "out of memory");
	if (memchr(text, '\0', len)) {
		free(copy);
		return fail(&p, "a NUL byte in the file: not a text file");
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	for (line = copy; rc == 0 && line; line = next) {
		size_t n;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else if (!*line)
			break; /* after the last newline */
		p.line++;
		n = strlen(line);
		while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
			line[--n] = '\0';
		if (!n || line[0] == '#')
			continue;
		rc = parse_line(&p, line);
	}
	if (rc == 0 && !out->nsteps)
		rc = fail(&p, "no step: a lesson needs at least one (and lesson:, title:, seed: before it)");
	if (rc == 0)
		rc = finish_step(&p);
	free(copy);
	if (rc < 0)
		lesson_free(out);
	return rc;
}

/* One field as the words say it: times in ms, rounded. */
static void tcp_info_value(const struct kstate_tcp_info *ti, enum tcp_info_field field, char *out, size_t n)
{
	switch (field) {
	case TI_RTO:
		snprintf(out, n, "%u ms", (ti->rto_us + 500) / 1000);
		break;
	case TI_RTT:
		snprintf(out, n, "%u ms", (ti->rtt_us + 500) / 1000);
		break;
	case TI_RTTVAR:
		snprintf(out, n, "%u ms", (ti->rttvar_us + 500) / 1000);
		break;
	case TI_CWND:
		snprintf(out, n, "%u", ti->snd_cwnd);
		break;
	case TI_RETRANSMITS:
		snprintf(out, n, "%u", ti->retransmits);
		break;
	case TI_TOTAL_RETRANS:
		snprintf(out, n, "%u", ti->total_retrans);
		break;
	default:
		snprintf(out, n, "%.*s", KSTATE_CONG_MAX, ti->cong[0] ? ti->cong : "?");
		break;
	}
}

char *lesson_fill_tcp_info(const char *text, enum lang lang, lesson_tcp_info_fn lookup, void *ctx)
{
	const struct lesson_words *w = lesson_words(lang);
	struct parser p = {.name = "", .err = NULL, .errlen = 0};
	char *buf = NULL, errbuf[8];
	size_t n = 0, cap = 0;
	const char *s = text;

	if (!text)
		return NULL;
	p.err = errbuf;
	p.errlen = sizeof(errbuf);
	if (put(&p, &buf, &n, &cap, "", 0) < 0)
		return NULL;
	while (*s) {
		const char *open = strstr(s, "{tcp_info:"), *close = open ? strchr(open, '}') : NULL;
		enum tcp_role role;
		enum tcp_info_field field;
		size_t len;

		if (!open || !close) {
			if (put(&p, &buf, &n, &cap, s, strlen(s)) < 0)
				goto fail;
			break;
		}
		len = (size_t)(close - open - 1);
		if (put(&p, &buf, &n, &cap, s, (size_t)(open - s)) < 0)
			goto fail;
		if (tcp_info_name(open + 1 + TCP_INFO_PREFIX_LEN, len - TCP_INFO_PREFIX_LEN, &role, &field) < 0) {
			if (put(&p, &buf, &n, &cap, open, len + 2) < 0) /* not one the parser let through */
				goto fail;
		} else {
			struct kstate_tcp_info ti = {0};
			char val[96];
			int got = lookup ? lookup(ctx, role, &ti) : -1;
			if (got > 0 && ti.valid)
				tcp_info_value(&ti, field, val, sizeof(val));
			else
				snprintf(val, sizeof(val), "%s", got < 0 ? w->tcp_info_no_view : w->tcp_info_none);
			if (put(&p, &buf, &n, &cap, val, strlen(val)) < 0)
				goto fail;
		}
		s = close + 1;
	}
	return buf;
fail:
	free(buf);
	return NULL;
}

void lesson_free(struct lesson *l)
{
	free(l->title);
	free(l->seed);
	free(l->intro);
	for (int i = 0; i < l->nsteps; i++) {
		struct lesson_step *s = &l->steps[i];
		free(s->title);
		free(s->say);
		free(s->hint);
		free(s->then);
		free(s->fail_say);
		free(s->predict);
		for (int j = 0; j < s->nchoices; j++)
			free(s->choices[j]);
		for (int j = 0; j < s->nruns; j++)
			for (int k = 0; k < s->runs[j].argc; k++)
				free(s->runs[j].argv[k]);
	}
	memset(l, 0, sizeof(*l));
}

/* ---- the checkpoint matcher ---- */

static bool proc_matches(enum expect_proc want, enum tcp_role got)
{
	return want == PROC_ANY || (int)want == (int)got;
}

bool lesson_row_matches(const struct lesson_expect *e, const struct row *r)
{
	switch (e->kind) {
	case EXPECT_CALL: {
		const struct ui_call *c = &r->ev->u.call;
		if (r->kind != ROW_CALL || !proc_matches(e->proc, c->proc) || strcmp(c->call, e->call) != 0 ||
		    (int)c->exit != e->phase || (int)c->kind != e->op)
			return false;
		if (e->has_ret && (!c->has_ret || c->ret != e->ret))
			return false;
		if (strcmp(e->err, "none") == 0)
			return c->err[0] == '\0';
		return !e->err[0] || strcmp(c->err, e->err) == 0;
	}
	case EXPECT_PACKET: {
		const struct ui_packet *pk = &r->ev->u.packet;
		if (r->kind != ROW_PACKET)
			return false;
		if ((e->dir == DIR_C2S && !pk->from_client) || (e->dir == DIR_S2C && pk->from_client))
			return false;
		if ((e->has_flags && pk->flags != e->flags) || (e->retrans && !pk->retrans) || pk->arrival != e->arrived ||
		    (e->lost && !pk->lost))
			return false;
		return (e->seq < 0 || pk->seq == (uint32_t)e->seq) && (e->ack < 0 || pk->ack == (uint32_t)e->ack) &&
		       (e->len < 0 || pk->len == (uint32_t)e->len) && (e->win < 0 || pk->win == (uint32_t)e->win);
	}
	case EXPECT_STATE:
		for (int i = 0; i < r->nchanges; i++)
			if (proc_matches(e->proc, r->changes[i].role) && r->changes[i].to == e->state)
				return true;
		return false;
	case EXPECT_ARP: { /* like a packet: the row where it left, unless "arrived" */
		const struct ui_arp_wire *aw = &r->ev->u.arp_wire;
		if (r->kind != ROW_STATE || r->ev->type != UEV_ARP || (e->arp_op && r->ev->u.arp.op != e->arp_op))
			return false;
		return aw->arrival == e->arrived && (!e->lost || aw->lost);
	}
	}
	return false;
}

/* pids=N: the processes a matching call row came from (up to N of them). */
struct pid_set {
	int pid[LESSON_MAX_PIDS];
	int n;
};

static void pid_add(struct pid_set *s, int want, int pid)
{
	for (int i = 0; i < s->n; i++)
		if (s->pid[i] == pid)
			return;
	if (s->n < want)
		s->pid[s->n++] = pid;
}

bool lesson_match(const struct lesson_step *step, const struct timeline *tl, uint64_t since_ns,
		  bool met[LESSON_MAX_EXPECTS])
{
	int seen[LESSON_MAX_EXPECTS] = {0};
	struct pid_set pids[LESSON_MAX_EXPECTS] = {0};
	bool all = true;
	size_t n = timeline_count(tl);

	/* rows are sorted by time: walk back from the newest */
	for (size_t pos = n; pos-- > 0;) {
		const struct row *r = timeline_row(tl, pos);
		if (r->ts_ns < since_ns)
			break;
		for (int i = 0; i < step->nexpects; i++) {
			if (!lesson_row_matches(&step->expects[i], r))
				continue;
			seen[i]++;
			if (step->expects[i].pids)
				pid_add(&pids[i], step->expects[i].pids, r->ev->u.call.pid);
		}
	}
	for (int i = 0; i < step->nexpects; i++) {
		const struct lesson_expect *e = &step->expects[i];
		met[i] = e->absent ? seen[i] == 0 : seen[i] >= e->count && pids[i].n >= e->pids;
		all = all && met[i];
	}
	return all;
}

bool lesson_fail_seen(const struct lesson_step *step, const struct timeline *tl, uint64_t since_ns)
{
	if (!step->has_fail_seen)
		return false;
	for (size_t pos = timeline_count(tl); pos-- > 0;) {
		const struct row *r = timeline_row(tl, pos);
		if (r->ts_ns < since_ns)
			break;
		if (lesson_row_matches(&step->fail_seen, r))
			return true;
	}
	return false;
}

int lesson_scene_start(const struct lesson *l, int idx)
{
	bool server = false;
	int scene = 0;

	for (int i = 0; i <= idx && i < l->nsteps; i++) {
		const struct lesson_step *s = &l->steps[i];
		if (s->stop[ROLE_SERVER])
			server = false;
		if (s->stop[ROLE_CLIENT] && s->stop[ROLE_SERVER])
			scene = i;
		for (int j = 0; j < s->nruns; j++)
			if (s->runs[j].proc == ROLE_SERVER && !server) {
				scene = i;
				server = true;
			}
	}
	return scene;
}

const char *lesson_expect_words(const struct lesson_expect *e, enum lang lang, char *buf, size_t n)
{
	static const char *const who[] = {[PROC_CLIENT] = "客户端", [PROC_SERVER] = "服务器", [PROC_ANY] = "任一方"};
	static const char *const dir[] = {[DIR_ANY] = "任一方向", [DIR_C2S] = "客户端→服务器", [DIR_S2C] = "服务器→客户端"};
	char flags[64] = "", more[96] = "";
	size_t m = 0;

	if (lang != LANG_ZH) {
		snprintf(buf, n, "%s", e->text);
		return buf;
	}
	switch (e->kind) {
	case EXPECT_CALL:
		if (e->has_ret)
			m += (size_t)snprintf(more + m, sizeof(more) - m, " = %lld", e->ret);
		if (e->err[0] && strcmp(e->err, "none") != 0)
			m += (size_t)snprintf(more + m, sizeof(more) - m, " %s%s", e->has_ret ? "" : "= -1 ", e->err);
		else if (strcmp(e->err, "none") == 0)
			m += (size_t)snprintf(more + m, sizeof(more) - m, "（没有出错）");
		if (e->op != UCALL_SYSCALL) /* an io_uring operation */
			snprintf(buf, n, "%s%s的 %s 操作%s%s", e->absent ? "没有：" : "", who[e->proc], e->call,
				 e->phase ? "完成" : "提交", more);
		else
			snprintf(buf, n, "%s%s的 %s() %s%s", e->absent ? "没有：" : "", who[e->proc], e->call,
				 e->phase ? "返回" : "开始", more);
		break;
	case EXPECT_PACKET:
		if (e->has_flags)
			snprintf(flags, sizeof(flags), " %s", tcp_flags_format(e->flags, more, sizeof(more)));
		m = 0;
		more[0] = '\0';
		if (e->seq >= 0)
			m += (size_t)snprintf(more + m, sizeof(more) - m, " seq=%ld", e->seq);
		if (e->ack >= 0)
			m += (size_t)snprintf(more + m, sizeof(more) - m, " ack=%ld", e->ack);
		if (e->len >= 0)
			m += (size_t)snprintf(more + m, sizeof(more) - m, " len=%ld", e->len);
		if (e->win >= 0)
			m += (size_t)snprintf(more + m, sizeof(more) - m, " 窗口=%ld", e->win);
		if (e->retrans)
			m += (size_t)snprintf(more + m, sizeof(more) - m, "（重传）");
		if (e->lost)
			m += (size_t)snprintf(more + m, sizeof(more) - m, "（在线路上丢失）");
		if (e->arrived)
			m += (size_t)snprintf(more + m, sizeof(more) - m, "（到达）");
		snprintf(buf, n, "%s报文段 %s%s%s", e->absent ? "没有：" : "", dir[e->dir], flags, more);
		break;
	case EXPECT_STATE:
		snprintf(buf, n, "%s%s进入 %s", e->absent ? "没有：" : "", who[e->proc], tcp_state_name(e->state));
		break;
	case EXPECT_ARP:
		snprintf(buf, n, "%sARP %s%s", e->absent ? "没有：" : "",
			 e->arp_op == ARP_REQUEST ? "请求" : e->arp_op == ARP_REPLY ? "应答" : "帧",
			 e->lost ? "（在线路上丢失）" : e->arrived ? "（到达）" : "");
		break;
	}
	if (e->count > 1) {
		m = strlen(buf);
		snprintf(buf + m, n - m, "，至少 %d 次", e->count);
	}
	if (e->pids > 1) {
		m = strlen(buf);
		snprintf(buf + m, n - m, "，来自至少 %d 个进程", e->pids);
	}
	return buf;
}
