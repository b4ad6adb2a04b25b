/* screen_words.h: the lab screen's own words (status line, key help, the
 * help box, lane titles, overlays, the details of a row) in each language,
 * one struct per language like lesson_words.h. The sentences that explain
 * states, segments and calls are tracer/core/why.c's catalog. Pure. */
#ifndef SOCKLAB_UI_SCREEN_WORDS_H
#define SOCKLAB_UI_SCREEN_WORDS_H

#include "lang.h"

/* What a record's field should have been ("field 'pid' is not an integer"). */
enum field_want { WANT_INTEGER, WANT_STRING, WANT_ENDPOINT, WANT_STATE, WANT_ROLE, WANT_OBJECT, WANT_FLAGS,
		  WANT_PHASE, WANT_ADDRESS, WANT_ARP_OP, WANT_MAC, WANT_COUNT };

struct screen_words {
	/* status line */
	const char *packets, *drops, *following, *paused, *playing;
	const char *rows_dropped;   /* %llu */
	const char *rows_skipped;   /* %llu: packets of other connections near the row cap */
	const char *rows_not_kept;  /* stderr: %s FILE, %s rows_dropped, %s rows_skipped, %d the cap */
	const char *calls_lost;     /* %llu */
	const char *kernel_lost;    /* %llu: the kernel view's records not kept */
	const char *rec;            /* %s: the .jsonl */
	const char *mode_live, *mode_recording, *mode_demo, *mode_replay; /* demo: %s; replay: %g */
	const char *mode_step;      /* after the demo's name with --step */
	const char *icmp_errors;    /* the filter's ICMP part: "tcp port 8080 + icmp errors" */
	/* key help line */
	const char *keys;
	const char *search;         /* %s: what is typed */
	const char *step_waiting;   /* %s the call, %zu how many */
	const char *next_call;
	const char *const *help;    /* the help box (?) */
	int nhelp;
	const char *help_title;
	/* the screen */
	const char *too_small;      /* %dx%d now, %dx%d needed */
	const char *no_rows_live, *no_rows_replay;
	const char *explanation;
	const char *conns_title;
	const char *conn_line;      /* the states: %-11s %-11s, packets %llu, ended %s */
	const char *conn_ended;
	const char *no_conn;
	/* the ladder */
	const char *time_unit;      /* over the time column, 10 cells */
	const char *lane[2];        /* CLIENT, SERVER */
	const char *countdown;      /* TIME_WAIT %llus */
	const char *connection;     /* %u */
	const char *all_connections;
	const char *released;       /* %s: why */
	/* the explanation pane: a row in words */
	const char *colon;          /* ": " or "：" */
	const char *some_call;
	const char *failed;         /* %s: errno name */
	const char *blocked;        /* %.3f ms */
	const char *conn_released;  /* %u, %s why, client %s, server %s */
	/* the details overlay (d) */
	const char *d_time;         /* %.6f s, %llu ns, %u conn */
	const char *d_from_to;      /* %s %s %s */
	const char *d_c2s, *d_s2c;
	const char *d_flags, *d_seq, *d_ack;
	const char *d_window_scaled, *d_window;
	const char *d_opt_cut, *d_opt_mss, *d_opt_wscale, *d_opt_sack_perm, *d_opt_sack, *d_opt_ts;
	const char *d_payload, *d_retrans, *d_midstream, *d_note;
	const char *d_call;         /* %s role, %d pid, %ld seq, %s call, %s returned/entered */
	const char *d_returned_word, *d_entered_word;
	const char *d_args, *d_returned, *d_errno, *d_local, *d_peer, *d_data;
	const char *d_after;        /* client %s, server %s */
	/* messages */
	const char *recording_to;   /* %s %s: the two files */
	const char *record_live_only;
	const char *demo_what;      /* %s name, %s what */
	const char *wire_hosts;     /* live on two hosts: %s server address, %s client address */
	const char *joined;         /* %s role, %d pid, %s its command line */
	const char *no_step_waiting;
	const char *already_recording;  /* %s: the .jsonl */
	const char *record_failed;      /* %s: why recording could not start */
	const char *record_stopped;     /* %s: why */
	const char *step_gone;          /* space, but the program that asked is gone */
	const char *record_write_failed;
	const char *record_ignored;     /* %s: why the event channel ignored it */
	const char *records_lost;       /* %s: calls_lost_one/_many */
	const char *calls_lost_one, *calls_lost_many; /* %llu, %s role, %d pid */
	/* reasons inside those notices: a record the event channel or a replay
	 * refused (event_parse.c), a recording that failed (recording.c) */
	const char *bad_json;           /* %s jansson's reason (screen_words_json_error), %d column */
	const char *not_object;
	const char *missing_field;      /* %s record type, %s field */
	const char *field_not;          /* %s record type, %s field, %s what (want[]) */
	const char *want[WANT_COUNT];
	const char *file_error;         /* %s path, %s reason: "record x.jsonl: permission denied" */
	const char *short_write, *name_too_long, *out_of_memory;
	/* live mode: another program holds the port (portcheck.h) */
	const char *port_in_use;        /* %d port, %s who */
	const char *port_holder;        /* %s program, %ld pid */
	const char *port_holder_unnamed, *port_holder_other_user;
	/* the layers of a row in the details (d): dissect.h's fields, hex */
	const char *layers_title;       /* the box's title: the keys */
	const char *layers_frame;       /* %u captured, %u on the wire, %s link type */
	const char *layers_cut;         /* %u captured of %u: the snaplen cut the rest */
	const char *layers_bytes;       /* over the hex lines */
	const char *layers_none_file;   /* a row with no frame kept: a recording without its .pcapng */
	const char *layers_none;        /* ... nor any other reason known */
	const char *layers_as_read;     /* over the old details: what socklab made of it */
	const char *not_a_terminal;     /* the lab screen asked for without a terminal */
	const char *no_curses;          /* %s: $TERM; curses cannot start on it */
	/* a two-host wire's kernel view (sock_diag in each host, session.c) */
	const char *kview_host[2];      /* the client's host, the server's: "client", "server" */
	const char *kview_failed;       /* %s host, %s why it could not open (the tracer's words) */
	const char *kview_stopped;      /* %s host, %s why */
	const char *kview_no_memory;
	const char *kernel_row;         /* the lane: %u total_retrans, %u ms RTO */
	const char *kernel_explain;     /* %s role, %u total_retrans, %u retransmits, %u ms RTO */
};

const struct screen_words *screen_words(enum lang lang);

/* Why a connection was released ("time_wait expired", from flow.h) in lang. */
const char *screen_words_end_reason(enum lang lang, const char *reason);

/* The language the environment asks for: zh when LC_ALL, else
 * LC_MESSAGES, else LANG (the first one set) starts with "zh"; en
 * otherwise. --lang overrides it. */
enum lang screen_words_lang_from_env(void);

/* An errno as a reason in lang: English is errtext() ("no space left on
 * device"); Chinese from a table of the errors files and sockets meet here
 * (ENOSPC, EACCES, EROFS, EDQUOT, ENOENT...), else errtext() and the errno's
 * name. Valid until this thread's next call. */
const char *screen_words_errno(enum lang lang, int err);

/* Why jansson refused a record, in lang: English is jansson's own text;
 * Chinese by its error code (json_error_code), else jansson's text. */
const char *screen_words_json_error(enum lang lang, int code, const char *text);

#endif
