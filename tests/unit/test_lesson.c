/* test_lesson.c: the lesson file parser (a good file read back, every
 * shipped lesson, malformed files rejected at the right line) and the
 * checkpoint matcher (table-driven, over a timeline built from the JSON
 * records the tracer and the lab programs write). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "event_parse.h"
#include "lesson.h"

#define HEADER "lesson: 2\ntitle: The handshake\nseed: 客户端进入 SYN_SENT 状态\n"

static const char good[] =
	"# a comment\n"
	HEADER
	"say: intro one\n"
	"say: intro two\n"
	"\n"
	"step: connect\n"
	"say: first line\n"
	"say:\n"
	"say: second paragraph\n"
	"run: server --backlog 1\n"
	"run-free: client@spare -m hi --bind-port {local}\n"
	"hold: server\n"
	"stop: client server\n"
	"predict: Which state?\n"
	"choice: SYN_SENT\n"
	"choice: ESTABLISHED\n"
	"answer: 2\n"
	"hint: think\n"
	"timeout: 5\n"
	"expect: call client connect exit ret=0 errno=none\n"
	"expect: call server accept enter\n"
	"expect: packet s2c SYN|ACK seq=0 ack=1 count=2\n"
	"expect: packet c2s SYN retrans\n"
	"expect: state any TIME_WAIT\n"
	"expect: no packet any RST|ACK\n"
	"then: done\r\n"
	"step: two\n"
	"show: output\n"
	"run-free: server@go\n"
	"expect: call client bind exit errno=EADDRINUSE\n";

static void parses_every_key(void **state)
{
	struct lesson l;
	char err[512];
	const struct lesson_step *s;

	(void)state;
	assert_int_equal(lesson_parse(good, strlen(good), "good.lesson", &l, err, sizeof(err)), 0);
	assert_int_equal(l.number, 2);
	assert_string_equal(l.title, "The handshake");
	assert_string_equal(l.seed, "客户端进入 SYN_SENT 状态");
	assert_string_equal(l.intro, "intro one intro two");
	assert_int_equal(l.nsteps, 2);
	s = &l.steps[0];
	assert_string_equal(s->title, "connect");
	assert_int_equal(s->line, 8);
	assert_string_equal(s->say, "first line\nsecond paragraph");
	assert_int_equal(s->nruns, 2);
	assert_int_equal(s->runs[0].proc, ROLE_SERVER);
	assert_true(s->runs[0].step);
	assert_int_equal(s->runs[0].argc, 2);
	assert_string_equal(s->runs[0].argv[1], "1");
	assert_int_equal(s->runs[1].proc, ROLE_CLIENT);
	assert_false(s->runs[1].step);
	assert_int_equal(s->runs[1].port, PORT_SPARE);
	assert_string_equal(s->runs[1].argv[3], "{local}");
	assert_true(s->hold[ROLE_SERVER] && !s->hold[ROLE_CLIENT]);
	assert_true(s->stop[ROLE_SERVER] && s->stop[ROLE_CLIENT]);
	assert_int_equal(s->nchoices, 2);
	assert_int_equal(s->answer, 2);
	assert_int_equal(s->timeout_s, 5);
	assert_string_equal(s->then, "done");
	assert_int_equal(s->nexpects, 6);
	assert_int_equal(s->expects[0].kind, EXPECT_CALL);
	assert_int_equal(s->expects[0].phase, 1);
	assert_true(s->expects[0].has_ret && s->expects[0].ret == 0);
	assert_string_equal(s->expects[0].err, "none");
	assert_int_equal(s->expects[0].line, 22);
	assert_int_equal(s->expects[1].phase, 0);
	assert_int_equal(s->expects[2].dir, DIR_S2C);
	assert_int_equal(s->expects[2].seq, 0);
	assert_int_equal(s->expects[2].ack, 1);
	assert_int_equal(s->expects[2].count, 2);
	assert_true(s->expects[3].retrans);
	assert_int_equal(s->expects[4].proc, PROC_ANY);
	assert_int_equal(s->expects[4].state, TCPS_TIME_WAIT);
	assert_true(s->expects[5].absent);
	assert_string_equal(s->expects[5].text, "no packet any RST|ACK");
	assert_true(l.steps[1].show_output);
	assert_true(l.steps[1].runs[0].go_seed && l.steps[1].runs[0].proc == ROLE_SERVER);
	assert_false(s->runs[0].go_seed || s->runs[1].go_seed);
	assert_int_equal(l.steps[1].runs[0].port, PORT_LESSON);
	assert_string_equal(l.steps[1].expects[0].err, "EADDRINUSE");
	lesson_free(&l);
}

/* Each malformed file and the message it must get, line number included. */
static const struct {
	const char *text, *err;
} bad[] = {
	{HEADER "step: a\nexpect: state server SYN_RECEIVED\n",
	 "bad.lesson:5: unknown state 'SYN_RECEIVED' (expected one of CLOSED LISTEN SYN_SENT SYN_RCVD ESTABLISHED"},
	{HEADER "step: a\nsay: x\nsya: y\nexpect: call client connect\n", "bad.lesson:6: unknown key 'sya' in a step"},
	{HEADER "bogus: 1\n", "bad.lesson:4: unknown key 'bogus' before the first step"},
	{"lesson: 2\nseed: x\nstep: a\nexpect: call client connect\n", "bad.lesson:3: step: before the header is complete"},
	{"lesson: 2\ntitle: x\n", "bad.lesson:2: no step"},
	{HEADER "step: a\nsay: nothing to wait for\nstep: b\nexpect: call client connect\n",
	 "bad.lesson:4: step 'a' has no expect: line"},
	{HEADER "step: a\nexpect: no packet any\n", "bad.lesson:4: step 'a' has no expect: line"},
	{HEADER "step: a\nexpect: call client connect\n\nstep: b\nsay: x\n", "bad.lesson:7: step 'b' has no expect"},
	{HEADER "step: a\nexpect: packet up SYN\n", "bad.lesson:5: expect: packet direction 'up'"},
	{HEADER "step: a\nexpect: packet c2s SYNN\n", "bad.lesson:5: expect: flags 'SYNN'"},
	{HEADER "step: a\nexpect: call client connect enter ret=0\n", "bad.lesson:5: expect: 'ret=0' only on a call's exit"},
	{HEADER "step: a\nexpect: call client connect errno=oops\n", "bad.lesson:5: expect: errno 'oops'"},
	{HEADER "step: a\nexpect: state client SYN_SENT seq=1\n", "bad.lesson:5: expect: unknown option 'seq' for a state"},
	{HEADER "step: a\nexpect: call server accept pids=0\n",
	 "bad.lesson:5: expect: pids '0': expected a number from 1 to 16"},
	{HEADER "step: a\nexpect: packet c2s SYN pids=2\n", "bad.lesson:5: expect: unknown option 'pids' for a packet"},
	{HEADER "step: a\nexpect: socket client\n", "bad.lesson:5: expect: unknown kind 'socket'"},
	{HEADER "step: a\nexpect: arp\n", "bad.lesson:5: expect: 'arp request|reply|any [lost|arrived]' expected"},
	{HEADER "step: a\nexpect: arp who-has\n", "bad.lesson:5: expect: 'arp request|reply|any [lost|arrived]' expected"},
	{HEADER "step: a\nexpect: arp request lost arrived\n", "bad.lesson:5: expect: an ARP frame is lost or arrived, not both"},
	{HEADER "step: a\nexpect: arp reply seq=1\n", "bad.lesson:5: expect: unknown option 'seq' for a arp"},
	{HEADER "step: a\nrun: browser\nexpect: call client connect\n", "bad.lesson:5: run: program 'browser'"},
	{HEADER "step: a\nrun: client --step\nexpect: call client connect\n", "bad.lesson:5: run: '--step' is set by"},
	{HEADER "step: a\nrun: server@spare\nexpect: call client connect\n", "bad.lesson:5: run: only a client"},
	{HEADER "step: a\nrun: client@go\nexpect: call client connect\n", "bad.lesson:5: run: @go is the seed's Go server"},
	{HEADER "step: a\nrun: server@go -q\nexpect: call client connect\n", "bad.lesson:5: run: @go is the seed's Go"},
	{HEADER "step: a\nrun: server@java\nexpect: call client connect\n",
	 "bad.lesson:5: run: '@java': only @spare (a port nobody listens on) and @go"},
	{HEADER "step: a\nchoice: x\n", "bad.lesson:5: choice: without a predict"},
	{HEADER "step: a\npredict: q?\nchoice: x\nchoice: y\nanswer: 3\n", "bad.lesson:8: answer: '3'"},
	{HEADER "step: a\npredict: q?\nchoice: x\nchoice: y\nexpect: call client connect\n",
	 "bad.lesson:4: step 'a': predict: has no answer"},
	{HEADER "step: a\npredict: q?\nchoice: x\nanswer: 1\nexpect: call client connect\n",
	 "bad.lesson:4: step 'a': predict: needs at least two"},
	{"lesson: 100\n", "bad.lesson:1: lesson: '100'"},
	{"lesson: 1\nlesson: 2\n", "bad.lesson:2: lesson: given twice"},
	{HEADER "just words\n", "bad.lesson:4: expected 'key: value'"},
	{HEADER "Step: a\n", "bad.lesson:4: expected 'key: value'"},
	{HEADER "step: a\ntimeout: 0\n", "bad.lesson:5: timeout: '0'"},
	{HEADER "step: a\nshow: input\n", "bad.lesson:5: show: 'input'"},
	{HEADER "step:\n", "bad.lesson:4: step: the step needs a title"},
	{HEADER "wire: delay=100 drop=3\n", "bad.lesson:4: wire: unknown switch 'drop'"},
	{HEADER "wire: delay=-5\n", "bad.lesson:4: wire: --delay"},
	{HEADER "wire: loss=120\n", "bad.lesson:4: wire: --loss '120': expected a percentage"},
	{HEADER "wire: delay 100\n", "bad.lesson:4: wire: 'delay': expected NAME=VALUE"},
	{HEADER "wire: delay=1\nwire: delay=2\n", "bad.lesson:5: wire: given twice"},
	{HEADER "step: a\nwire: drop c2s SYN\nexpect: call client connect\n",
	 "bad.lesson:4: step 'a': wire: drop needs a wire: line in the header"},
	{HEADER "wire: delay=1\nstep: a\nwire: drop up SYN\n", "bad.lesson:6: wire: in a step: 'drop c2s|s2c"},
	{HEADER "wire: delay=1\nstep: a\nwire: drop c2s SYNN\n", "bad.lesson:6: wire: drop: 'SYNN': expected data"},
	{HEADER "wire: delay=1\nstep: a\nwire: drop c2s SYN count=0\n", "bad.lesson:6: wire: drop: 'count=0'"},
	{HEADER "wire: delay=1\nstep: a\nwire: drop c2s data skip=x\n", "bad.lesson:6: wire: drop: 'skip=x'"},
};

/* wire: in the header is the lesson's wire; wire: drop in a step its rules. */
static void parses_the_wire_and_its_drop_rules(void **state)
{
	static const char text[] = HEADER "wire: delay=100 loss=0.5 seed=7\n"
				   "step: a\nwire: drop c2s SYN\nwire: drop s2c data skip=1 count=3\n"
				   "expect: call client connect\nexpect: packet c2s ACK len=0 win=0 lost\n"
				   "expect: packet s2c arrived retrans\n";
	struct lesson l;
	char err[512];

	(void)state;
	if (lesson_parse(text, sizeof(text) - 1, "w.lesson", &l, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_true(l.wire.enabled && l.wire.seeded);
	assert_int_equal(l.wire.delay_ns, 100000000ull);
	assert_int_equal(l.wire.loss_ppm, 5000);
	assert_int_equal(l.wire.seed, 7);
	assert_int_equal(l.steps[0].ndrops, 2);
	assert_int_equal(l.steps[0].drops[0].dir, IMPAIR_TO_SERVER);
	assert_true(l.steps[0].drops[0].has_flags && !l.steps[0].drops[0].data);
	assert_int_equal(l.steps[0].drops[0].flags, TCP_SYN);
	assert_int_equal(l.steps[0].drops[0].count, 1);
	assert_int_equal(l.steps[0].drops[1].dir, IMPAIR_TO_CLIENT);
	assert_true(l.steps[0].drops[1].data && !l.steps[0].drops[1].has_flags);
	assert_int_equal(l.steps[0].drops[1].count, 3);
	assert_int_equal(l.steps[0].drops[1].skip, 1);
	assert_true(l.steps[0].expects[1].lost && !l.steps[0].expects[1].arrived);
	assert_int_equal(l.steps[0].expects[1].win, 0);
	assert_int_equal(l.steps[0].expects[1].len, 0);
	assert_true(l.steps[0].expects[2].arrived && l.steps[0].expects[2].retrans && !l.steps[0].expects[2].has_flags);
	lesson_free(&l);
}

static void rejects_malformed_files_at_their_line(void **state)
{
	struct lesson l;
	char err[512];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (lesson_parse(bad[i].text, strlen(bad[i].text), "bad.lesson", &l, err, sizeof(err)) == 0)
			fail_msg("case %zu parsed: %s", i, bad[i].text);
		if (strncmp(err, bad[i].err, strlen(bad[i].err)) != 0)
			fail_msg("case %zu: got '%s', want '%s...'", i, err, bad[i].err);
	}
	assert_int_equal(lesson_parse("lesson: 1\0x", 11, "nul.lesson", &l, err, sizeof(err)), -1);
	assert_string_equal(err, "nul.lesson:0: a NUL byte in the file: not a text file");
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = malloc(256 * 1024);

	assert_non_null(f);
	assert_non_null(buf);
	*len = fread(buf, 1, 256 * 1024, f);
	fclose(f);
	return buf;
}

/* A {word} left in what a student reads: a placeholder nobody filled. */
static const char *unfilled(const char *s)
{
	for (const char *o = s ? strchr(s, '{') : NULL; o; o = strchr(o + 1, '{')) {
		size_t n = strcspn(o + 1, "{} \t\n");
		if (n && o[1 + n] == '}')
			return o;
	}
	return NULL;
}

static void assert_filled(const char *what, const char *s)
{
	const char *o = unfilled(s);

	if (o)
		fail_msg("%s: placeholder left: %.40s", what, o);
}

/* say: and then: keep their {tcp_info:...} until shown: filled (here
 * with no kernel view), nothing is left. */
static void assert_shown_filled(const char *what, const char *s)
{
	for (int lang = 0; lang < LANG_COUNT; lang++) {
		char *shown = lesson_fill_tcp_info(s, (enum lang)lang, NULL, NULL);
		assert_true(!s || shown);
		assert_filled(what, shown);
		free(shown);
	}
}

/* The {tcp_info:...} placeholders of a text, in order, into buf. */
static const char *tcp_info_names(const char *s, char *buf, size_t n)
{
	size_t used = 0;

	buf[0] = '\0';
	for (const char *o = s ? strstr(s, "{tcp_info:") : NULL; o; o = strstr(o + 1, "{tcp_info:")) {
		int len = (int)strcspn(o, "}") + 1;
		int w = snprintf(buf + used, n - used, "%.*s", len, o);
		if (w > 0 && (size_t)w < n - used)
			used += (size_t)w;
	}
	return buf;
}

static void assert_lesson_filled(const char *path, const struct lesson *l)
{
	assert_filled(path, l->title);
	assert_filled(path, l->intro);
	for (int i = 0; i < l->nsteps; i++) {
		const struct lesson_step *s = &l->steps[i];
		assert_filled(s->title, s->title);
		assert_shown_filled(s->title, s->say);
		assert_filled(s->title, s->predict);
		assert_filled(s->title, s->hint);
		assert_shown_filled(s->title, s->then);
		assert_filled(s->title, s->fail_say);
		for (int j = 0; j < s->nchoices; j++)
			assert_filled(s->title, s->choices[j]);
	}
}

/* Every shipped lesson parses; both languages have the same lessons with
 * the same steps and the same expectations. */
static void every_shipped_lesson_parses(void **state)
{
	const char *root = getenv("SOCKLAB_ROOT") ? getenv("SOCKLAB_ROOT") : ".";
	char dir[512], path[1024], err[1024];
	struct dirent *e;
	DIR *d;
	int n = 0;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/lessons/en", root);
	d = opendir(dir);
	assert_non_null(d);
	while ((e = readdir(d))) {
		struct lesson en, zh;
		size_t len;
		char *text;
		if (!strstr(e->d_name, ".lesson"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		text = read_all(path, &len);
		if (lesson_parse(text, len, path, &en, err, sizeof(err)) < 0)
			fail_msg("%s", err);
		free(text);
		snprintf(path, sizeof(path), "%s/lessons/zh/%s", root, e->d_name);
		text = read_all(path, &len);
		if (lesson_parse(text, len, path, &zh, err, sizeof(err)) < 0)
			fail_msg("%s", err);
		free(text);
		/* with this machine's /proc/sys: nothing like {name} reaches the student */
		assert_lesson_filled(path, &en);
		assert_lesson_filled(path, &zh);
		assert_int_equal(en.number, atoi(e->d_name));
		assert_int_equal(zh.number, en.number);
		assert_int_equal(zh.nsteps, en.nsteps);
		assert_memory_equal(&zh.wire, &en.wire, sizeof(en.wire)); /* the same wire */
		for (int i = 0; i < en.nsteps; i++) {
			assert_int_equal(zh.steps[i].ndrops, en.steps[i].ndrops);
			assert_memory_equal(zh.steps[i].drops, en.steps[i].drops, sizeof(en.steps[i].drops));
			assert_int_equal(zh.steps[i].nexpects, en.steps[i].nexpects);
			for (int j = 0; j < en.steps[i].nexpects; j++)
				assert_string_equal(zh.steps[i].expects[j].text, en.steps[i].expects[j].text);
			assert_int_equal(zh.steps[i].answer, en.steps[i].answer);
			{ /* the same kernel numbers, in the same order, in both languages */
				char a[512], b[512];
				assert_string_equal(tcp_info_names(zh.steps[i].then, a, sizeof(a)),
						    tcp_info_names(en.steps[i].then, b, sizeof(b)));
				assert_string_equal(tcp_info_names(zh.steps[i].say, a, sizeof(a)),
						    tcp_info_names(en.steps[i].say, b, sizeof(b)));
			}
			assert_int_equal(zh.steps[i].has_fail_seen, en.steps[i].has_fail_seen);
			if (en.steps[i].has_fail_seen)
				assert_string_equal(zh.steps[i].fail_seen.text, en.steps[i].fail_seen.text);
		}
		lesson_free(&en);
		lesson_free(&zh);
		n++;
	}
	closedir(d);
	assert_true(n >= 12);
}

/* ---- placeholders ---- */

/* A machine with one sysctl: tcp_syn_retries is 6; every other is unreadable. */
static int one_sysctl(void *ctx, const char *name, char *out, size_t outlen)
{
	(*(int *)ctx)++;
	if (strcmp(name, "net.ipv4.tcp_syn_retries") != 0)
		return -1;
	snprintf(out, outlen, "6");
	return 0;
}

static void sysctl_placeholders_are_filled(void **state)
{
	const char *text = "lesson: 10\ntitle: retries {sysctl:net.ipv4.tcp_syn_retries}\nseed: s\n"
			   "say: intro {sysctl:net.ipv4.tcp_syn_retries}.\n"
			   "step: {sysctl:net.ipv4.tcp_syn_retries} tries\n"
			   "say: resent {sysctl:net.ipv4.tcp_syn_retries} times, linear {sysctl:net.ipv4.tcp_syn_linear_timeouts}.\n"
			   "say: braces in words stay: { a }, {, }{ and {x y}.\n"
			   "predict: how many ({sysctl:net.ipv4.tcp_syn_retries})?\n"
			   "choice: {sysctl:net.ipv4.tcp_syn_retries}\nchoice: 2\nanswer: 1\n"
			   "hint: h{sysctl:net.ipv4.tcp_syn_retries}\nthen: t{sysctl:net.ipv4.tcp_syn_retries}\n"
			   "run: client --bind-port {local}\n"
			   "expect: call client connect\n";
	struct lesson l;
	char err[256];
	int lookups = 0;

	(void)state;
	if (lesson_parse_with(text, strlen(text), "t", one_sysctl, &lookups, &l, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_string_equal(l.title, "retries 6");
	assert_string_equal(l.intro, "intro 6.");
	assert_string_equal(l.steps[0].title, "6 tries");
	assert_string_equal(l.steps[0].say,
			    "resent 6 times, linear unknown. braces in words stay: { a }, {, }{ and {x y}.");
	assert_string_equal(l.steps[0].predict, "how many (6)?");
	assert_string_equal(l.steps[0].choices[0], "6");
	assert_string_equal(l.steps[0].hint, "h6");
	assert_string_equal(l.steps[0].then, "t6");
	/* run: arguments are the runner's: {local} becomes a port when the program starts */
	assert_string_equal(l.steps[0].runs[0].argv[1], "{local}");
	assert_int_equal(lookups, 9);
	lesson_free(&l);
}

/* {syn-timeout}: the seconds connect() tries, from tcp_syn_retries as the
 * kernel models it; fail-seen:/fail-say: come together. */
static void syn_timeout_and_fail_say(void **state)
{
	const char *text = "lesson: 10\ntitle: t\nseed: s\n"
			   "step: a\nexpect: call client connect\n"
			   "fail-seen: call client connect exit errno=ETIMEDOUT\n"
			   "fail-say: gave up after {syn-timeout} s ({sysctl:net.ipv4.tcp_syn_retries} tries)\n";
	const char *half = "lesson: 10\ntitle: t\nseed: s\nstep: a\nexpect: call client connect\n"
			   "fail-say: why\n";
	struct lesson l;
	char err[256];
	int lookups = 0;

	(void)state;
	if (lesson_parse_with(text, strlen(text), "t", one_sysctl, &lookups, &l, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_string_equal(l.steps[0].fail_say, "gave up after 127 s (6 tries)");
	assert_true(l.steps[0].has_fail_seen);
	assert_string_equal(l.steps[0].fail_seen.err, "ETIMEDOUT");
	lesson_free(&l);
	assert_int_equal(lesson_parse_with(half, strlen(half), "h", one_sysctl, &lookups, &l, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "fail-seen: and fail-say: come together"));
}

/* Checkpoint lines: English as written, Chinese in words. */
static void expectations_in_each_language(void **state)
{
	const char *text = "lesson: 1\ntitle: t\nseed: s\nstep: a\n"
			   "expect: call server listen exit ret=0\n"
			   "expect: packet c2s SYN retrans\n"
			   "expect: state server ESTABLISHED count=2\n"
			   "expect: no call server accept enter\n"
			   "expect: call server accept4 exit errno=EAGAIN count=2 pids=2\n";
	static const char *const zh[] = {"服务器的 listen() 返回 = 0", "报文段 客户端→服务器 SYN（重传）",
					 "服务器进入 ESTABLISHED，至少 2 次", "没有：服务器的 accept() 开始",
					 "服务器的 accept4() 返回 = -1 EAGAIN，至少 2 次，来自至少 2 个进程"};
	struct lesson l;
	char err[256], buf[200];

	(void)state;
	assert_int_equal(lesson_parse(text, strlen(text), "t", &l, err, sizeof(err)), 0);
	for (int i = 0; i < 5; i++) {
		assert_string_equal(lesson_expect_words(&l.steps[0].expects[i], LANG_EN, buf, sizeof(buf)),
				    l.steps[0].expects[i].text);
		assert_string_equal(lesson_expect_words(&l.steps[0].expects[i], LANG_ZH, buf, sizeof(buf)), zh[i]);
	}
	lesson_free(&l);
}

/* submit and complete: an io_uring operation's rows, not a call's */
static void submit_and_complete_expectations(void **state)
{
	const char *text = "lesson: 1\ntitle: t\nseed: s\nstep: a\n"
			   "expect: submit server recv\n"
			   "expect: complete server recv ret=5\n"
			   "expect: no call server read\n";
	struct ui_event sub = {.type = UEV_CALL, .u.call = {.kind = UCALL_SUBMIT, .proc = ROLE_SERVER, .call = "recv"}};
	struct ui_event done = {.type = UEV_CALL,
				.u.call = {.kind = UCALL_COMPLETE, .exit = true, .proc = ROLE_SERVER, .call = "recv",
					   .has_ret = true, .ret = 5}};
	struct ui_event call = done;
	struct row rs = {.kind = ROW_CALL, .ev = &sub}, rd = {.kind = ROW_CALL, .ev = &done},
		   rc = {.kind = ROW_CALL, .ev = &call};
	struct lesson l;
	char err[256], buf[200];

	(void)state;
	call.u.call.kind = UCALL_SYSCALL; /* a recv() system call returning 5 */
	assert_int_equal(lesson_parse(text, strlen(text), "t", &l, err, sizeof(err)), 0);
	assert_true(lesson_row_matches(&l.steps[0].expects[0], &rs));
	assert_false(lesson_row_matches(&l.steps[0].expects[0], &rd));
	assert_true(lesson_row_matches(&l.steps[0].expects[1], &rd));
	assert_false(lesson_row_matches(&l.steps[0].expects[1], &rc)); /* a call is no completion */
	assert_false(lesson_row_matches(&l.steps[0].expects[1], &rs));
	assert_string_equal(lesson_expect_words(&l.steps[0].expects[0], LANG_ZH, buf, sizeof(buf)),
			    "服务器的 recv 操作提交");
	assert_string_equal(lesson_expect_words(&l.steps[0].expects[1], LANG_ZH, buf, sizeof(buf)),
			    "服务器的 recv 操作完成 = 5");
	lesson_free(&l);
	/* a submission has no result to check */
	text = "lesson: 1\ntitle: t\nseed: s\nstep: a\nexpect: submit server recv ret=5\n";
	assert_int_equal(lesson_parse(text, strlen(text), "t", &l, err, sizeof(err)), -1);
}

/* Lines join with a space in English, with nothing where Chinese meets
 * the join (no space after 。 or before 服务器). */
static void lines_join_as_each_language_writes(void **state)
{
	const char *text = HEADER "step: s\nsay: one\nsay: two\nsay: 客户端关闭。\nsay: 服务器读到 EOF，\n"
			   "say: read() 返回 0\nsay: and ends.\nsay:\nsay: new\nexpect: call client connect\n";
	struct lesson l;
	char err[256];

	(void)state;
	if (lesson_parse(text, strlen(text), "t", &l, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_string_equal(l.steps[0].say, "one two客户端关闭。服务器读到 EOF，read() 返回 0 and ends.\nnew");
	lesson_free(&l);
}

/* ---- {tcp_info:ROLE.FIELD}: kept when parsed, filled when shown ---- */

/* A kernel view that knows the server's socket only. */
static int server_only(void *ctx, enum tcp_role role, struct kstate_tcp_info *out)
{
	(*(int *)ctx)++;
	if (role != ROLE_SERVER)
		return 0;
	*out = (struct kstate_tcp_info){.valid = true, .rto_us = 604000, .rtt_us = 200285, .rttvar_us = 100499,
					.snd_cwnd = 10, .retransmits = 1, .total_retrans = 3, .cong = "bbr"};
	return 1;
}

static int no_view(void *ctx, enum tcp_role role, struct kstate_tcp_info *out)
{
	(void)role;
	(void)out;
	(*(int *)ctx)++;
	return -1;
}

static void tcp_info_placeholders_are_filled_when_shown(void **state)
{
	const char *text = HEADER "step: s\nsay: before {tcp_info:server.rtt_ms}\nexpect: call client connect\n"
			   "then: rto {tcp_info:server.rto_ms}, rtt {tcp_info:server.rtt_ms} (var\n"
			   "then: {tcp_info:server.rttvar_ms}), cwnd {tcp_info:server.cwnd}, {tcp_info:server.retransmits}\n"
			   "then: of {tcp_info:server.total_retrans}, {tcp_info:server.cong}; client\n"
			   "then: {tcp_info:client.total_retrans}. {braces kept}\n";
	struct lesson l;
	char err[256], *shown;
	int lookups = 0, asked = 0;

	(void)state;
	if (lesson_parse_with(text, strlen(text), "t", one_sysctl, &lookups, &l, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	/* parsed: kept as written, for the moment they are shown */
	assert_string_equal(l.steps[0].say, "before {tcp_info:server.rtt_ms}");
	assert_non_null(strstr(l.steps[0].then, "{tcp_info:client.total_retrans}"));
	shown = lesson_fill_tcp_info(l.steps[0].then, LANG_EN, server_only, &asked);
	assert_string_equal(shown, "rto 604 ms, rtt 200 ms (var 100 ms), cwnd 10, 1 of 3, bbr; client "
				   "(not known: the kernel gave no tcp_info for that socket). {braces kept}");
	assert_int_equal(asked, 8);
	free(shown);
	shown = lesson_fill_tcp_info(l.steps[0].say, LANG_ZH, no_view, &asked);
	assert_string_equal(shown, "before （未知：没有内核视图）");
	free(shown);
	shown = lesson_fill_tcp_info(l.steps[0].say, LANG_EN, NULL, NULL); /* no lookup: no view */
	assert_string_equal(shown, "before (not known: no kernel view)");
	free(shown);
	/* a socket the view knows, but whose records carried no tcp_info */
	shown = lesson_fill_tcp_info("{tcp_info:client.cong}", LANG_ZH, server_only, &asked);
	assert_string_equal(shown, "（未知：内核没有给出该套接字的 tcp_info）");
	free(shown);
	assert_null(lesson_fill_tcp_info(NULL, LANG_EN, server_only, &asked));
	shown = lesson_fill_tcp_info("no numbers {here}", LANG_EN, server_only, &asked);
	assert_string_equal(shown, "no numbers {here}");
	free(shown);
	lesson_free(&l);
}

/* A lesson text and the start of the error refusing it. */
struct refused {
	const char *text, *err;
};

/* Each text is refused with its error; returns how many sysctls were read. */
static int assert_refused(const struct refused *bad, size_t n)
{
	char err[256];
	int lookups = 0;

	for (size_t i = 0; i < n; i++) {
		struct lesson l;
		if (lesson_parse_with(bad[i].text, strlen(bad[i].text), "t", one_sysctl, &lookups, &l, err, sizeof(err)) == 0)
			fail_msg("accepted: %s", bad[i].text);
		if (strncmp(err, bad[i].err, strlen(bad[i].err)) != 0)
			fail_msg("got '%s', want '%s'", err, bad[i].err);
	}
	return lookups;
}

/* A role or field the kernel view does not have, or words read before any
 * step ran, are refused at their line. */
static void bad_tcp_info_placeholders_are_refused(void **state)
{
	static const struct refused bad[] = {
		{HEADER "step: s\nthen: {tcp_info:server.rto}\nexpect: call client connect\n",
		 "t:5: unknown placeholder '{tcp_info:server.rto}' (expected {tcp_info:ROLE.FIELD}, ROLE client or server"},
		{HEADER "step: s\nthen: {tcp_info:listener.rto_ms}\nexpect: call client connect\n",
		 "t:5: unknown placeholder '{tcp_info:listener.rto_ms}'"},
		{HEADER "step: s\nthen: {tcp_info:client}\nexpect: call client connect\n",
		 "t:5: unknown placeholder '{tcp_info:client}'"},
		{HEADER "step: s\nthen: {tcp_info:client.rto_ms.x}\nexpect: call client connect\n",
		 "t:5: unknown placeholder '{tcp_info:client.rto_ms.x}'"},
		{HEADER "step: s\nthen: {tcp_info:}\nexpect: call client connect\n",
		 "t:5: unknown placeholder '{tcp_info:}'"},
		{HEADER "step: s\nhint: {tcp_info:client.rto_ms}\nexpect: call client connect\n",
		 "t:5: placeholder '{tcp_info:client.rto_ms}': the kernel's tcp_info is known only once a step ran"},
		{HEADER "step: {tcp_info:client.rto_ms}\nexpect: call client connect\n",
		 "t:4: placeholder '{tcp_info:client.rto_ms}'"},
		{HEADER "step: s\npredict: p {tcp_info:client.cong}?\nchoice: a\nchoice: b\nanswer: 1\n",
		 "t:5: placeholder '{tcp_info:client.cong}'"},
	};
	(void)state;
	assert_refused(bad, sizeof(bad) / sizeof(bad[0]));
}

/* A placeholder that cannot be filled is refused at its line, not shown. */
static void unknown_placeholders_are_refused(void **state)
{
	static const struct refused bad[] = {
		{HEADER "step: s\nsay: port {local}\nexpect: call client connect\n",
		 "t:5: unknown placeholder '{local}' (expected {sysctl:NAME}"},
		{HEADER "step: s\nthen: {sysctl:../../etc/passwd}\nexpect: call client connect\n",
		 "t:5: unknown placeholder '{sysctl:../../etc/passwd}'"},
		{HEADER "step: s\nhint: {sysctl:net..ipv4}\nexpect: call client connect\n",
		 "t:5: unknown placeholder '{sysctl:net..ipv4}'"},
		{HEADER "step: {Sysctl:net.core.somaxconn}\nexpect: call client connect\n",
		 "t:4: unknown placeholder '{Sysctl:net.core.somaxconn}'"},
		{"lesson: 1\ntitle: {sysctl:}\n", "t:2: unknown placeholder '{sysctl:}'"},
	};
	(void)state;
	assert_int_equal(assert_refused(bad, sizeof(bad) / sizeof(bad[0])), 0);
}

/* The edge: a sysctl is a file under the directory, dots for slashes; one
 * line, tabs as spaces; a name that would leave the directory is not read. */
static void sysctl_values_are_read_from_the_directory(void **state)
{
	char dir[] = "/tmp/test_lesson.XXXXXX", path[256], out[64];
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/net", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/net/ipv4", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/net/ipv4/tcp_syn_retries", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("6\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/net/ipv4/ip_local_port_range", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("32768\t60999\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/secret", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("x\n", f);
	fclose(f);

	assert_int_equal(lesson_sysctl_proc(dir, "net.ipv4.tcp_syn_retries", out, sizeof(out)), 0);
	assert_string_equal(out, "6");
	assert_int_equal(lesson_sysctl_proc(dir, "net.ipv4.ip_local_port_range", out, sizeof(out)), 0);
	assert_string_equal(out, "32768 60999");
	assert_int_equal(lesson_sysctl_proc(dir, "net.ipv4.tcp_fin_timeout", out, sizeof(out)), -1);
	assert_int_equal(lesson_sysctl_proc(dir, "net.ipv4", out, sizeof(out)), -1); /* a directory */
	assert_int_equal(lesson_sysctl_proc(dir, "secret", out, sizeof(out)), 0);
	snprintf(path, sizeof(path), "%s/net", dir);
	assert_int_equal(lesson_sysctl_proc(path, "../secret", out, sizeof(out)), -1);
	assert_int_equal(lesson_sysctl_proc(path, "/secret", out, sizeof(out)), -1);
	assert_int_equal(lesson_sysctl_proc(dir, "net.ipv4.tcp_syn_retries", out, 1), -1);

	snprintf(path, sizeof(path), "%s/secret", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/net/ipv4/tcp_syn_retries", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/net/ipv4/ip_local_port_range", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/net/ipv4", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/net", dir);
	rmdir(path);
	rmdir(dir);
}

/* ---- the matcher ---- */

#define C "\"client\":\"127.0.0.1:50000\",\"server\":\"127.0.0.1:9000\""
#define P2S "\"src\":\"127.0.0.1:50000\",\"dst\":\"127.0.0.1:9000\",\"dir\":\"c2s\""
#define ARP_REQ "\"op\":\"request\",\"sender_mac\":\"7a:f1:1d:ac:38:d8\",\"sender_ip\":\"10.77.0.1\",\"target_mac\":\"00:00:00:00:00:00\",\"target_ip\":\"10.77.0.2\""
#define S2C "\"src\":\"127.0.0.1:9000\",\"dst\":\"127.0.0.1:50000\",\"dir\":\"s2c\""

/* A handshake, a refused connect and a bind error, at times 100..900. */
static const char *const records[] = {
	"{\"type\":\"call\",\"ts_ns\":100,\"phase\":\"enter\",\"proc\":\"client\",\"pid\":7,\"seq\":1,\"call\":\"connect\",\"fd\":3,\"args\":\"3\"}",
	"{\"type\":\"packet\",\"ts_ns\":200,\"conn\":1," P2S ",\"flags\":\"SYN\",\"seq\":0,\"ack\":0,\"len\":0,\"win\":1,\"abs_seq\":5,\"abs_ack\":0}",
	"{\"type\":\"state\",\"ts_ns\":200,\"conn\":1," C ",\"role\":\"client\",\"from\":\"CLOSED\",\"to\":\"SYN_SENT\",\"why\":\"w\"}",
	"{\"type\":\"state\",\"ts_ns\":200,\"conn\":1," C ",\"role\":\"server\",\"from\":\"LISTEN\",\"to\":\"SYN_RCVD\",\"why\":\"w\"}",
	"{\"type\":\"packet\",\"ts_ns\":300,\"conn\":1," S2C ",\"flags\":\"SYN|ACK\",\"seq\":0,\"ack\":1,\"len\":0,\"win\":1,\"abs_seq\":9,\"abs_ack\":6}",
	"{\"type\":\"state\",\"ts_ns\":300,\"conn\":1," C ",\"role\":\"client\",\"from\":\"SYN_SENT\",\"to\":\"ESTABLISHED\",\"why\":\"w\"}",
	"{\"type\":\"packet\",\"ts_ns\":400,\"conn\":1," P2S ",\"flags\":\"SYN\",\"seq\":0,\"ack\":0,\"len\":0,\"win\":1,\"abs_seq\":5,\"abs_ack\":0,\"retrans\":true}",
	"{\"type\":\"call\",\"ts_ns\":500,\"phase\":\"exit\",\"proc\":\"client\",\"pid\":7,\"seq\":1,\"call\":\"connect\",\"fd\":3,\"args\":\"3\",\"ret\":0,\"errno\":null,\"local\":\"127.0.0.1:50000\",\"peer\":\"127.0.0.1:9000\"}",
	"{\"type\":\"call\",\"ts_ns\":800,\"phase\":\"exit\",\"proc\":\"server\",\"pid\":8,\"seq\":4,\"call\":\"bind\",\"fd\":3,\"args\":\"3\",\"ret\":-1,\"errno\":\"EADDRINUSE\"}",
	"{\"type\":\"call\",\"ts_ns\":900,\"phase\":\"exit\",\"proc\":\"client\",\"pid\":9,\"seq\":2,\"call\":\"connect\",\"fd\":3,\"args\":\"3\",\"ret\":-1,\"errno\":\"ECONNREFUSED\"}",
	/* on a wire: data lost, sent again (its sent row and its arrival), a zero window */
	"{\"type\":\"packet\",\"ts_ns\":1000,\"conn\":2," P2S ",\"flags\":\"PSH|ACK\",\"seq\":1,\"ack\":1,\"len\":100,\"win\":1,\"abs_seq\":6,\"abs_ack\":10,\"sent_ns\":1000,\"lost\":true}",
	"{\"type\":\"packet\",\"ts_ns\":1200,\"conn\":2," P2S ",\"flags\":\"PSH|ACK\",\"seq\":1,\"ack\":1,\"len\":100,\"win\":1,\"abs_seq\":6,\"abs_ack\":10,\"sent_ns\":1200,\"arrived_ns\":1300,\"retrans\":true}",
	"{\"type\":\"arrival\",\"ts_ns\":1300,\"conn\":2," P2S ",\"flags\":\"PSH|ACK\",\"seq\":1,\"ack\":1,\"len\":100,\"win\":1,\"abs_seq\":6,\"abs_ack\":10,\"sent_ns\":1200,\"arrived_ns\":1300,\"retrans\":true}",
	"{\"type\":\"packet\",\"ts_ns\":1400,\"conn\":2," S2C ",\"flags\":\"ACK\",\"seq\":1,\"ack\":101,\"len\":0,\"win\":0,\"abs_seq\":10,\"abs_ack\":106,\"sent_ns\":1400,\"arrived_ns\":1500}",
	/* ARP on a wire: a request lost, its retry (sent, arrived), the reply (sent) */
	"{\"type\":\"arp\",\"ts_ns\":1600," ARP_REQ ",\"sent_ns\":1600,\"sent_at\":\"client\",\"lost\":true}",
	"{\"type\":\"arp\",\"ts_ns\":1700," ARP_REQ ",\"sent_ns\":1700,\"sent_at\":\"client\",\"arrived_ns\":1750,\"arrived_at\":\"server\"}",
	"{\"type\":\"arp\",\"ts_ns\":1750," ARP_REQ ",\"sent_ns\":1700,\"sent_at\":\"client\",\"arrived_ns\":1750,\"arrived_at\":\"server\",\"arrival\":true}",
	"{\"type\":\"arp\",\"ts_ns\":1760,\"op\":\"reply\",\"sender_mac\":\"1e:cb:24:ae:1e:7a\",\"sender_ip\":\"10.77.0.2\",\"target_mac\":\"7a:f1:1d:ac:38:d8\",\"target_ip\":\"10.77.0.1\",\"sent_ns\":1760,\"sent_at\":\"server\",\"arrived_ns\":1810,\"arrived_at\":\"client\"}",
};

static struct timeline *build_timeline(void)
{
	struct timeline *tl = timeline_new(NULL);
	struct ui_event ev;
	char err[256];

	assert_non_null(tl);
	for (size_t i = 0; i < sizeof(records) / sizeof(records[0]); i++) {
		if (ui_event_parse(records[i], strlen(records[i]), &ev, err, sizeof(err)) < 0)
			fail_msg("%s: %s", records[i], err);
		timeline_add(tl, &ev, NULL);
	}
	return tl;
}

static const struct {
	const char *expect;
	uint64_t since;
	bool met;
} match_cases[] = {
	{"call client connect exit ret=0", 0, true},
	{"call client connect exit ret=0 errno=none", 0, true},
	{"call client connect ret=-1", 0, true},
	{"call client connect exit errno=ECONNREFUSED", 0, true},
	{"call client connect exit errno=ETIMEDOUT", 0, false},
	{"call client connect enter", 0, true},
	{"call client connect enter", 150, false},
	{"call server connect", 0, false},
	{"call any bind errno=EADDRINUSE", 0, true},
	{"call server bind ret=0", 0, false},
	{"call client connect count=2", 0, true},
	{"call client connect count=3", 0, false},
	{"call client connect count=2", 600, false},
	{"call client connect exit pids=2", 0, true},   /* pids 7 and 9 */
	{"call client connect exit pids=3", 0, false},
	{"call client connect pids=2", 0, true},
	{"call client connect enter pids=2", 0, false},  /* only pid 7's enter */
	{"call any connect exit count=2 pids=2", 600, false},
	{"packet c2s SYN", 0, true},
	{"packet c2s SYN seq=0 ack=0 len=0", 0, true},
	{"packet s2c SYN", 0, false},
	{"packet s2c SYN|ACK ack=1", 0, true},
	{"packet s2c SYN|ACK ack=2", 0, false},
	{"packet any SYN|ACK", 0, true},
	{"packet c2s SYN retrans", 0, true},
	{"packet c2s SYN retrans", 450, false},
	{"packet c2s SYN count=2", 0, true},
	{"packet any", 0, true},
	{"packet any RST", 0, false},
	{"state client SYN_SENT", 0, true},
	{"state server SYN_RCVD", 0, true},
	{"state client SYN_RCVD", 0, false},
	{"state any ESTABLISHED", 0, true},
	{"state server ESTABLISHED", 0, false},
	{"state client ESTABLISHED", 350, false},
	{"no packet any RST", 0, true},
	{"no packet c2s SYN", 0, false},
	{"no packet c2s SYN", 450, true},
	{"no state any TIME_WAIT", 0, true},
	{"packet c2s len=100 lost", 1000, true},
	{"packet c2s len=100 lost count=2", 1000, false},
	{"packet c2s len=100 count=2", 1000, true},   /* the rows where it left */
	{"packet c2s len=100 count=3", 1000, false},  /* an arrival is not another segment */
	{"packet c2s len=100 arrived", 1000, true},
	{"packet c2s len=100 arrived count=2", 1000, false},
	{"packet c2s PSH|ACK retrans", 1000, true},   /* data sent again (seq 1 left at 1000): the tracer marks it */
	{"packet c2s PSH|ACK retrans", 1250, false},  /* its arrival is no resend */
	{"packet c2s PSH|ACK retrans lost", 1000, false},
	{"packet s2c ACK win=0", 1000, true},
	{"packet s2c ACK win=1", 1000, false},
	{"arp request", 1000, true},
	{"arp request count=2", 1000, true},           /* the lost one and its retry */
	{"arp request count=3", 1000, false},          /* an arrival is not another frame */
	{"arp request lost", 1000, true},
	{"arp reply lost", 1000, false},
	{"arp request arrived", 1000, true},
	{"arp reply arrived", 1000, false},
	{"arp reply", 1000, true},
	{"arp any count=3", 1000, true},
	{"arp any", 1900, false},
	{"packet any", 1600, false},                   /* an ARP row is no segment */
	{"no arp any", 0, false},
	{"no arp any", 1900, true},
};

static void matcher_follows_the_table(void **state)
{
	struct timeline *tl = build_timeline();
	char text[256], err[512];

	(void)state;
	for (size_t i = 0; i < sizeof(match_cases) / sizeof(match_cases[0]); i++) {
		struct lesson l;
		bool met[LESSON_MAX_EXPECTS];
		snprintf(text, sizeof(text), HEADER "step: s\nexpect: %s\n", match_cases[i].expect);
		if (lesson_parse(text, strlen(text), "t", &l, err, sizeof(err)) < 0) {
			/* a lone "no" expectation is not a valid step: pair it with one that holds */
			snprintf(text, sizeof(text), HEADER "step: s\nexpect: %s\nexpect: call client connect\n",
				 match_cases[i].expect);
			if (lesson_parse(text, strlen(text), "t", &l, err, sizeof(err)) < 0)
				fail_msg("%s", err);
		}
		lesson_match(&l.steps[0], tl, match_cases[i].since, met);
		if (met[0] != match_cases[i].met)
			fail_msg("'%s' since %llu: met %d, want %d", match_cases[i].expect,
				 (unsigned long long)match_cases[i].since, met[0], match_cases[i].met);
		lesson_free(&l);
	}
	timeline_free(tl);
}

/* The checkpoint holds only when every expectation does. */
static void checkpoint_needs_all(void **state)
{
	struct timeline *tl = build_timeline();
	struct lesson l;
	bool met[LESSON_MAX_EXPECTS];
	const char *text = HEADER "step: s\nexpect: state client ESTABLISHED\nexpect: state server ESTABLISHED\n";
	char err[256];

	(void)state;
	assert_int_equal(lesson_parse(text, strlen(text), "t", &l, err, sizeof(err)), 0);
	assert_false(lesson_match(&l.steps[0], tl, 0, met));
	assert_true(met[0]);
	assert_false(met[1]);
	lesson_free(&l);
	timeline_free(tl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_every_key),
		cmocka_unit_test(rejects_malformed_files_at_their_line),
		cmocka_unit_test(every_shipped_lesson_parses),
		cmocka_unit_test(sysctl_placeholders_are_filled),
		cmocka_unit_test(syn_timeout_and_fail_say),
		cmocka_unit_test(expectations_in_each_language),
		cmocka_unit_test(submit_and_complete_expectations),
		cmocka_unit_test(unknown_placeholders_are_refused),
		cmocka_unit_test(tcp_info_placeholders_are_filled_when_shown),
		cmocka_unit_test(bad_tcp_info_placeholders_are_refused),
		cmocka_unit_test(lines_join_as_each_language_writes),
		cmocka_unit_test(sysctl_values_are_read_from_the_directory),
		cmocka_unit_test(matcher_follows_the_table),
		cmocka_unit_test(checkpoint_needs_all),
		cmocka_unit_test(parses_the_wire_and_its_drop_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
