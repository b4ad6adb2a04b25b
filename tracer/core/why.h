/* why.h: the one catalog of explanations. Every state change the tracer
 * infers, and every note it puts on a segment, has a stable key (written to
 * JSON as "why":"fin_acked") and a sentence in each language, with the
 * placeholders {who} and {peer} (the endpoint the sentence is about and the
 * other one) and {seq}/{ack} (the causing segment's relative numbers).
 * The text timeline, --explain JSON and the UI all render from here. */
#ifndef SOCKLAB_WHY_H
#define SOCKLAB_WHY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lang.h"

enum tcp_why {
	WHY_NONE = 0,
	/* state changes */
	WHY_CONNECT,
	WHY_ANSWERED_SYN,
	WHY_CONNECTED,
	WHY_SIMULTANEOUS_SYN,
	WHY_HANDSHAKE_DONE,
	WHY_SIMULTANEOUS_DONE,
	WHY_CLOSE,
	WHY_PEER_CLOSED,
	WHY_CLOSE_AFTER_PEER,
	WHY_CLOSE_IN_SYN_RCVD,
	WHY_FIN_ACKED,
	WHY_FIN_ACK_RODE_ON_FIN,
	WHY_TIME_WAIT,
	WHY_SIMULTANEOUS_CLOSE,
	WHY_CLOSING_ACKED,
	WHY_LAST_ACK_ACKED,
	WHY_REFUSED,
	WHY_HALF_OPEN_ABORT,
	WHY_HALF_OPEN_RESET,
	WHY_ABORT,
	WHY_NO_SOCKET,
	WHY_GONE_IN_SYN_SENT,
	WHY_RESET,
	WHY_RESET_WHILE_CLOSING,
	WHY_TIME_WAIT_SENT_RST,
	WHY_TIME_WAIT_RESET,
	WHY_JOINED,
	WHY_TIME_WAIT_EXPIRED,
	WHY_TIME_WAIT_REUSED,
	WHY_ICMP_ABORT,
	WHY_NEW_SYN_OLD_GONE,
	/* notes on a segment; {who} is its sender */
	NOTE_LATE,
	NOTE_RST_NOT_ACKING_SYN,
	NOTE_RST_CHALLENGE,
	NOTE_RST_OUTSIDE,
	NOTE_FINS_CROSSED,
	NOTE_THREE_SEGMENT_CLOSE,
	NOTE_LONE_RST,
	NOTE_STARTED_AT_SYNACK,
	/* the explanation pane's words on a segment: {who} is its sender, {seq}
	 * the number the sentence names, {ack} its ack, {len} its payload */
	SEG_RST,
	SEG_SYN,
	SEG_SYNACK,
	SEG_FIN,
	SEG_DATA,
	SEG_ACK_OF_SYN,
	SEG_ACK,
	SEG_RETRANS,
	/* what a socket call does, as its man page says; the key is "call_"
	 * and the call's name */
	CALL_SOCKET,
	CALL_SETSOCKOPT,
	CALL_BIND,
	CALL_LISTEN,
	CALL_ACCEPT,
	CALL_CONNECT,
	CALL_READ,
	CALL_RECVFROM,
	CALL_WRITE,
	CALL_SENDTO,
	CALL_SHUTDOWN,
	CALL_CLOSE,
	CALL_POLL,
	CALL_EPOLL_WAIT,
	CALL_ACCEPT4,
	CALL_GETSOCKOPT,
	CALL_FCNTL,
	CALL_EPOLL_CTL,
	CALL_READV,
	CALL_WRITEV,
	CALL_RECVMSG,
	CALL_SENDMSG,
	CALL_SENDFILE,
	CALL_DUP,
	CALL_CLOSE_RANGE,
	CALL_EPOLL_CREATE,
	CALL_IO_URING_ENTER,
	/* an asynchronous operation (io_uring): its submission and its
	 * completion; {who} is the process that submitted it */
	OP_SUBMIT,
	OP_COMPLETE,
	/* what a call's result means, when the pane says more than "failed";
	 * {who} is the process that made the call */
	RESULT_ACCEPT_EAGAIN,
	RESULT_EAGAIN,
	RESULT_CONNECT_EINPROGRESS,
	RESULT_SO_ERROR_NONE,
	RESULT_SO_ERROR_SET,
	RESULT_WAIT_TIMEOUT,
	/* what an argument of a call means; {who} is the process that made the call */
	ARG_EPOLLEXCLUSIVE,
	/* notes on an ICMP error; {who} sent the segment it quotes */
	NOTE_ICMP_SOFT,
	NOTE_ICMP_OUT_OF_WINDOW,
	NOTE_ICMP_PMTU,
	NOTE_ICMP_NOT_ACTED_ON,
	NOTE_ICMP_HALF_OPEN_KEPT,
	NOTE_ICMP_NO_CONNECTION,
	NOTE_ICMP_SOCKET_BUSY,
	/* the explanation pane's words on an ICMP error's row; {who} sent the
	 * segment it quotes */
	ICMP_ERROR,
	/* what ICMP is for, and what the common errors mean (an ICMP row) */
	ICMP_WHAT,
	ICMP_MEANS_PORT_UNREACHABLE,
	ICMP_MEANS_UNREACHABLE,
	ICMP_MEANS_TOO_BIG,
	ICMP_MEANS_TIME_EXCEEDED,
	/* an ARP row (no connection: no placeholders) */
	ARP_REQUEST_ROW,
	ARP_REPLY_ROW,
	ARP_WHAT,
	WHY_COUNT
};

/* The stable key ("fin_acked"); "" for WHY_NONE. Every key is shorter
 * than WHY_KEY_MAX (test_why checks): output.c's records count on it. */
#define WHY_KEY_MAX 40
const char *why_key(enum tcp_why w);

/* The key back to the enum; -1 if unknown (e.g. a sentence from a
 * recording made before keys existed). */
int why_parse(const char *key);

/* The sentence for w in lang, about the server when who_server (else the
 * client), placeholders filled, into buf. Returns its length, or -1 if it
 * does not fit (buf then holds nothing). Pure. */
int why_format(enum tcp_why w, enum lang lang, bool who_server, uint32_t seq, uint32_t ack, char *buf,
	       size_t n);

/* The numbers a sentence can name. */
struct why_numbers {
	uint32_t seq, ack, len;
};

/* why_format with {len} too. */
int why_format_numbers(enum tcp_why w, enum lang lang, bool who_server, const struct why_numbers *nums,
		       char *buf, size_t n);

/* "client" / "server" in lang (客户端 / 服务器): the words {who} and {peer}
 * become. */
const char *why_role_word(enum lang lang, bool server);

/* How sentences of lang join into a paragraph: ". " in English, "。" (no
 * space after it) in Chinese. */
/* A connection's end reason ("capture ended", as flow.h names them) in
 * lang's words; an unknown reason as it is. */
const char *why_end_reason(enum lang lang, const char *reason);
const char *why_sentence_end(enum lang lang);

/* The longest sentence why_format can write, with room to spare. */
#define WHY_TEXT_MAX 640

#endif
