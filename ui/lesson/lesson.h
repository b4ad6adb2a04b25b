/* lesson.h: `socklab lesson` files and their checkpoints. Pure: the parser
 * takes the file's text, the matcher the timeline's rows; reading files,
 * running programs and talking to the student is lesson_run.c.
 *
 * The format (docs/lesson-format.md), one "key: value" a line:
 *
 *   lesson: 2
 *   title: The three-way handshake
 *   seed: 客户端进入 SYN_SENT 状态
 *   step: The client connects
 *   say: connect() sends a SYN ...
 *   run: client -m hello
 *   predict: What state is the client in after the SYN|ACK?
 *   choice: SYN_RCVD
 *   choice: ESTABLISHED
 *   answer: 2
 *   hint: ...
 *   expect: state client ESTABLISHED
 *   then: ...
 */
#ifndef SOCKLAB_UI_LESSON_H
#define SOCKLAB_UI_LESSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "impair.h"
#include "kstate.h"
#include "lang.h"
#include "tcpfsm.h"
#include "timeline.h"

#define LESSON_MAX_STEPS 24
#define LESSON_MAX_EXPECTS 12
#define LESSON_MAX_RUNS 6
#define LESSON_MAX_ARGS 7   /* demo.h: DEMO_MAX_ARGS minus the NULL */
#define LESSON_MAX_CHOICES 6
#define LESSON_MAX_PIDS 16  /* expect: call ... pids=N: N at most this */

enum expect_kind { EXPECT_CALL, EXPECT_PACKET, EXPECT_STATE, EXPECT_ARP };
enum expect_dir { DIR_ANY, DIR_C2S, DIR_S2C };
enum expect_proc { PROC_CLIENT = ROLE_CLIENT, PROC_SERVER = ROLE_SERVER, PROC_ANY };

/* One "expect:" line: a kind of row that must have been seen (count times),
 * or, with "no", must not have been seen by the time the others were. */
struct lesson_expect {
	enum expect_kind kind;
	bool absent;           /* "no ..." */
	int count;             /* at least this many rows (default 1) */
	int pids;              /* call: those rows come from at least this many processes (0: any) */
	int line;              /* in the lesson file */
	char text[160];        /* as written, for messages */
	enum expect_proc proc; /* call, state */
	/* call */
	char call[24];
	int phase;             /* 0 enter, 1 exit (default) */
	int op;                /* enum ui_call_kind: a system call, or an io_uring
	                        * operation's "submit" (phase 0) or "complete" (1) */
	bool has_ret;
	long long ret;
	char err[24];          /* errno name; "none": no error; "": any */
	/* packet */
	enum expect_dir dir;
	bool has_flags;
	uint8_t flags;         /* exact TCP_* bits */
	long seq, ack, len;    /* relative; -1: any */
	long win;              /* the window field as sent (before scaling); -1: any */
	bool retrans;          /* a SYN, SYN|ACK or FIN seen before; or data whose seq was sent before */
	/* On a wire (two capture points) a segment has a row where it was sent
	 * and one where it arrived: a packet expectation counts the sent rows
	 * (segments), "arrived" the arrival rows, "lost" the sent ones that
	 * never arrived. On loopback every row is a sent one. */
	bool lost, arrived;    /* packet and arp */
	/* arp: ARP_REQUEST or ARP_REPLY (decode.h); 0: either */
	int arp_op;
	/* state */
	enum tcp_state state;
};

enum lesson_port { PORT_LESSON, PORT_SPARE };

/* One "run:" line: a lab program started for the step. */
struct lesson_run {
	enum tcp_role proc;
	bool step;               /* run: (stepped) or run-free: (not stepped) */
	enum lesson_port port;   /* client@spare: a port nobody listens on */
	bool go_seed;            /* server@go: the seed's Go server under socklab run, not echo-server */
	int argc;
	char *argv[LESSON_MAX_ARGS]; /* may contain {local}: a free port for --bind-port */
	int line;
};

struct lesson_step {
	char *title;
	int line;
	char *say, *hint, *then;  /* paragraphs; NULL when absent */
	char *predict;
	char *choices[LESSON_MAX_CHOICES];
	int nchoices, answer;     /* answer: 1-based, 0 when no prediction */
	struct lesson_run runs[LESSON_MAX_RUNS];
	int nruns;
	bool stop[2];             /* stop: client|server before the runs */
	bool hold[2];             /* hold: client|server: their calls wait this step */
	int timeout_s;            /* 0: the runner's default */
	bool show_output;         /* show: output: wait for the step's clients to exit, print their output */
	struct lesson_expect expects[LESSON_MAX_EXPECTS];
	int nexpects;
	/* fail-seen: / fail-say: when the checkpoint is not reached and a row
	 * like fail_seen was seen since the step's scene began, fail_say
	 * explains why (a client that timed out, ...) */
	bool has_fail_seen;
	struct lesson_expect fail_seen;
	char *fail_say;
	/* wire: drop DIR FLAGS|data [count=N]: before its programs start, the
	 * step gives the relay these drop rules (replacing any left) */
	struct impair_rule drops[IMPAIR_MAX_RULES];
	int ndrops;
};

struct lesson {
	int number;
	char *title, *seed, *intro;
	/* wire: delay=MS [jitter=MS loss=PCT reorder=PCT rate=KBIT seed=N]:
	 * the lesson runs on two hosts with this wire (wire.enabled), whatever
	 * the command line says; its switches change single values */
	struct impair_cfg wire;
	struct lesson_step steps[LESSON_MAX_STEPS];
	int nsteps;
};

/* Placeholders in the words a student reads (title:, say:, predict:,
 * choice:, hint:, then:, fail-say:), filled when the lesson is parsed:
 *   {sysctl:net.ipv4.tcp_syn_retries}  this machine's value, "unknown" when
 *                                      it cannot be read
 *   {syn-timeout}                      seconds until connect() gives up with
 *                                      ETIMEDOUT: 2^(tcp_syn_retries+1) - 1
 *                                      (the kernel's tcp_model_timeout)
 *   {tcp_info:ROLE.FIELD}              in say: and then: only: left in the
 *                                      text, filled when it is shown
 *                                      (lesson_fill_tcp_info) from the
 *                                      kernel's tcp_info of ROLE's (client,
 *                                      server) socket; FIELD rto_ms, rtt_ms,
 *                                      rttvar_ms ("604 ms"), cwnd,
 *                                      retransmits, total_retrans, cong
 * so a lesson says the numbers of the kernel it runs on. Any other {name}
 * (or role, or field) is an error: nothing unfilled may reach the screen.
 * (run: arguments have their own {local}, filled when the program starts.)
 * lookup fills out with the sysctl's value (dotted name) and returns 0, or
 * returns -1 when it cannot be read. */
typedef int (*lesson_sysctl_fn)(void *ctx, const char *name, char *out, size_t outlen);

/* Parses a lesson file's text; name is used in messages. Returns 0, or -1
 * with err "NAME:LINE: reason" (lesson is then freed). Sysctls are read
 * from /proc/sys (lesson_sysctl_proc). */
int lesson_parse(const char *text, size_t len, const char *name, struct lesson *out, char *err, size_t errlen);
/* The same with another source of sysctl values (tests). */
int lesson_parse_with(const char *text, size_t len, const char *name, lesson_sysctl_fn lookup, void *ctx,
		      struct lesson *out, char *err, size_t errlen);

/* The edge behind lesson_parse: reads ctx (a directory, NULL: "/proc/sys")
 * / name with dots as slashes, one line, tabs as spaces. Names are checked
 * (dot-separated words of [a-z0-9_-]) so no path leaves the directory. */
int lesson_sysctl_proc(void *ctx, const char *name, char *out, size_t outlen);
void lesson_free(struct lesson *l);

/* What the kernel says of role's socket of the connection the words are
 * about: 1 with *out filled, 0 when the kernel view gave nothing for it,
 * -1 when there is no kernel view (session_tcp_info). */
typedef int (*lesson_tcp_info_fn)(void *ctx, enum tcp_role role, struct kstate_tcp_info *out);

/* text (a step's say: or then:, as parsed) with each {tcp_info:ROLE.FIELD}
 * filled by lookup (NULL: no kernel view); where nothing is known, the
 * words say so in lang instead of a number. malloc'd; NULL for a NULL
 * text or out of memory. */
char *lesson_fill_tcp_info(const char *text, enum lang lang, lesson_tcp_info_fn lookup, void *ctx);

/* Which expectations of step are met by the rows stamped at or after
 * since_ns. met[i] for expects[i]; an absent ("no") expectation is met
 * while no row matches it. Returns true when all are. */
bool lesson_match(const struct lesson_step *step, const struct timeline *tl, uint64_t since_ns,
		  bool met[LESSON_MAX_EXPECTS]);

/* Does one row match one expectation (its count aside)? */
bool lesson_row_matches(const struct lesson_expect *e, const struct row *r);

/* One expectation as a checkpoint line says it: in English as the lesson
 * file writes it, in Chinese in words (state names, flags, calls and
 * numbers stay as the ladder shows them). Returns buf. */
const char *lesson_expect_words(const struct lesson_expect *e, enum lang lang, char *buf, size_t n);

/* Has a row like step's fail-seen: been stamped at or after since_ns? */
bool lesson_fail_seen(const struct lesson_step *step, const struct timeline *tl, uint64_t since_ns);

/* Running step idx again starts at the step that began its scene: the
 * last one at or before idx that starts a server while none runs, or that
 * stops every program. The steps from there to idx run again on fresh
 * programs. */
int lesson_scene_start(const struct lesson *l, int idx);

#endif
