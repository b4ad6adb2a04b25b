/* recording.c: JSON Lines and pcapng files, written block by block. */
#include "recording.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "privileges.h"
#include "clock.h"
#include "errtext.h"
#include "event_parse.h"
#include "output.h"
#include "screen_words.h"

/* pcapng block types and option codes. */
enum {
	PCAPNG_SHB = 0x0a0d0d0a,
	PCAPNG_IDB = 0x00000001,
	PCAPNG_EPB = 0x00000006,
	PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d,
	PCAPNG_OPT_END = 0,
	PCAPNG_OPT_COMMENT = 1,
	PCAPNG_SHB_USERAPPL = 4,
	PCAPNG_IF_NAME = 2,
	PCAPNG_IF_TSRESOL = 9,
	SNAPLEN = 262144,
};

struct recording {
	int jsonl_fd, pcapng_fd;
	char jsonl_path[PATH_MAX], pcapng_path[PATH_MAX];
	int if_id[LINK_COUNT]; /* interface id per link type, -1 until its IDB is written */
	int nifs;
	/* A two-host wire's interfaces ("client:eth0"): named, one IDB each */
	struct {
		enum link_type lt;
		int id;
		char name[64];
	} named[RECORDING_NAMED_IFS];
	int nnamed;
	char if_name[64];      /* the captured interface, "" when not known */
	char error[256];
	enum lang lang;        /* of its messages */
};

/* LINKTYPE_* values of the pcap/pcapng link-type registry. */
static uint16_t linktype_of(enum link_type lt)
{
	return link_info(lt)->linktype;
}

/* A block being built: body appended, then framed by type and length. */
struct block {
	uint8_t buf[SNAPLEN + 4096];
	size_t len;
};

static void put(struct block *b, const void *p, size_t n)
{
	if (n && b->len + n <= sizeof(b->buf)) {
		memcpy(b->buf + b->len, p, n);
		b->len += n;
	}
}

static void put32(struct block *b, uint32_t v)
{
	put(b, &v, 4);
}

static void put16(struct block *b, uint16_t v)
{
	put(b, &v, 2);
}

static void pad4(struct block *b)
{
	static const uint8_t zero[4];

	put(b, zero, (4 - b->len % 4) % 4);
}

static void put_option(struct block *b, uint16_t code, const void *val, size_t n)
{
	put16(b, code);
	put16(b, (uint16_t)n);
	put(b, val, n);
	pad4(b);
}

static void block_begin(struct block *b, uint32_t type)
{
	b->len = 0;
	put32(b, type);
	put32(b, 0); /* total length, set by block_end */
}

static void block_end(struct block *b)
{
	uint32_t total;

	put_option(b, PCAPNG_OPT_END, NULL, 0);
	total = (uint32_t)b->len + 4;
	memcpy(b->buf + 4, &total, 4);
	put32(b, total);
}

/* One write(2) normally. A short one (the disk filled up mid-line) is
 * followed by another for the rest: it completes the line, or its errno
 * says why not (ENOSPC) instead of a bare "short write". */
static int write_all(struct recording *r, int fd, const void *p, size_t n, const char *path)
{
	size_t done = 0;
	ssize_t w = 0;

	while (done < n && (w = write(fd, (const char *)p + done, n - done)) > 0)
		done += (size_t)w;
	if (done == n)
		return 0;
	if (!r->error[0])
		snprintf(r->error, sizeof(r->error), screen_words(r->lang)->file_error, path,
			 w < 0 ? screen_words_errno(r->lang, errno) : screen_words(r->lang)->short_write);
	return -1;
}

static int write_block(struct recording *r, const struct block *b)
{
	return write_all(r, r->pcapng_fd, b->buf, b->len, r->pcapng_path);
}

static int write_shb(struct recording *r, struct block *b)
{
	static const char appl[] = "socklab";
	int64_t section_len = -1;

	block_begin(b, PCAPNG_SHB);
	put32(b, PCAPNG_BYTE_ORDER_MAGIC);
	put16(b, 1);
	put16(b, 0);
	put(b, &section_len, 8);
	put_option(b, PCAPNG_SHB_USERAPPL, appl, sizeof(appl) - 1);
	block_end(b);
	return write_block(r, b);
}

/* `sudo socklab record FILE`: the files are the student's, not root's. */
static int open_file(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);

	if (fd < 0) {
		snprintf(err, errlen, "record %s: %s", path, errtext(errno));
	} else if (privileges_give_to_sudo_caller(fd, path, err, errlen) < 0) {
		close(fd);
		fd = -1;
		errno = 0; /* err says it: "chown ..." */
	}
	return fd;
}

/* A file made, or -1 with err in lang when errno names the cause (the
 * other messages, about the file helper itself, stay as they are). */
static int create_file(const struct recording_files *files, enum lang lang, const char *path, char *err,
		       size_t errlen)
{
	int fd;

	errno = 0;
	fd = files ? files->create(files->ctx, path, err, errlen) : open_file(path, err, errlen);
	if (fd < 0 && errno)
		snprintf(err, errlen, screen_words(lang)->file_error, path, screen_words_errno(lang, errno));
	return fd;
}

struct recording *recording_open(const char *base, char *err, size_t errlen)
{
	return recording_open_with(base, NULL, LANG_EN, err, errlen);
}

struct recording *recording_open_with(const char *base, const struct recording_files *files, enum lang lang,
				      char *err, size_t errlen)
{
	const struct screen_words *w = screen_words(lang);
	struct recording *r = calloc(1, sizeof(*r));
	struct block *b = malloc(sizeof(*b));
	size_t n = strlen(base);
	char line[128];
	int len;

	if (!r || !b) {
		snprintf(err, errlen, w->file_error, base, w->out_of_memory);
		goto fail;
	}
	r->lang = lang;
	r->jsonl_fd = r->pcapng_fd = -1;
	if (n > 6 && strcmp(base + n - 6, ".jsonl") == 0)
		n -= 6;
	if (snprintf(r->jsonl_path, sizeof(r->jsonl_path), "%.*s.jsonl", (int)n, base) >= (int)sizeof(r->jsonl_path) ||
	    snprintf(r->pcapng_path, sizeof(r->pcapng_path), "%.*s.pcapng", (int)n, base) >= (int)sizeof(r->pcapng_path)) {
		snprintf(err, errlen, w->file_error, base, w->name_too_long);
		goto fail;
	}
	for (int i = 0; i < LINK_COUNT; i++)
		r->if_id[i] = -1;
	if ((r->jsonl_fd = create_file(files, lang, r->jsonl_path, err, errlen)) < 0 ||
	    (r->pcapng_fd = create_file(files, lang, r->pcapng_path, err, errlen)) < 0)
		goto fail;
	if (write_shb(r, b) < 0 || (len = output_format_json("socklab", clock_ns(CLOCK_REALTIME), line, sizeof(line))) < 0 ||
	    recording_write_line(r, line, (size_t)len) < 0) {
		snprintf(err, errlen, "%s", r->error);
		goto fail;
	}
	free(b);
	return r;
fail:
	free(b);
	recording_close(r);
	return NULL;
}

int recording_write_line(struct recording *r, const char *json, size_t len)
{
	char stackbuf[4096];
	char *line = len + 1 <= sizeof(stackbuf) ? stackbuf : malloc(len + 1);
	int rc;

	if (!line)
		return -1;
	memcpy(line, json, len);
	/* A record must stay one line: newlines inside a datagram become spaces. */
	for (size_t i = 0; i < len; i++)
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	line[len] = '\n';
	rc = write_all(r, r->jsonl_fd, line, len + 1, r->jsonl_path);
	if (line != stackbuf)
		free(line);
	return rc;
}

/* Writes an IDB for link type lt named name ("" for none); its id or -1. */
static int write_idb(struct recording *r, enum link_type lt, const char *name, struct block *b)
{
	static const uint8_t nanoseconds = 9;

	block_begin(b, PCAPNG_IDB);
	put16(b, linktype_of(lt));
	put16(b, 0);
	put32(b, SNAPLEN);
	if (name[0]) /* tshark and capinfos show it as "Interface name" */
		put_option(b, PCAPNG_IF_NAME, name, strlen(name));
	put_option(b, PCAPNG_IF_TSRESOL, &nanoseconds, 1);
	block_end(b);
	if (write_block(r, b) < 0)
		return -1;
	return r->nifs++;
}

static int interface_for(struct recording *r, enum link_type lt, struct block *b)
{
	if (r->if_id[lt] < 0)
		r->if_id[lt] = write_idb(r, lt, r->if_name, b);
	return r->if_id[lt];
}

/* The interface named name: an IDB of its own, in the order first seen
 * (interface ids count all IDBs, named or not). */
static int named_interface(struct recording *r, const char *name, enum link_type lt, struct block *b)
{
	int i, id = 0;

	for (i = 0; i < r->nnamed; i++)
		if (r->named[i].lt == lt && strcmp(r->named[i].name, name) == 0)
			return r->named[i].id;
	if (r->nnamed == RECORDING_NAMED_IFS)
		return interface_for(r, lt, b); /* more hosts than a wire has: the unnamed one */
	id = write_idb(r, lt, name, b);
	if (id < 0)
		return -1;
	r->named[r->nnamed].lt = lt;
	r->named[r->nnamed].id = id;
	snprintf(r->named[r->nnamed].name, sizeof(r->named[0].name), "%s", name);
	r->nnamed++;
	return id;
}

void recording_set_interface(struct recording *r, const char *name)
{
	snprintf(r->if_name, sizeof(r->if_name), "%s", name ? name : "");
}

int recording_write_packet(struct recording *r, enum link_type lt, uint64_t ts_ns, const uint8_t *frame,
			   uint32_t caplen, uint32_t wirelen, const char *comment)
{
	return recording_write_packet_on(r, NULL, lt, ts_ns, frame, caplen, wirelen, comment);
}

int recording_write_packet_on(struct recording *r, const char *if_name, enum link_type lt, uint64_t ts_ns,
			      const uint8_t *frame, uint32_t caplen, uint32_t wirelen, const char *comment)
{
	struct block *b = malloc(sizeof(*b));
	int id, rc = -1;

	if (!b || (unsigned)lt >= LINK_COUNT)
		goto out;
	if (caplen > SNAPLEN)
		caplen = SNAPLEN;
	id = if_name ? named_interface(r, if_name, lt, b) : interface_for(r, lt, b);
	if (id < 0)
		goto out;
	block_begin(b, PCAPNG_EPB);
	put32(b, (uint32_t)id);
	put32(b, (uint32_t)(ts_ns >> 32));
	put32(b, (uint32_t)ts_ns);
	put32(b, caplen);
	put32(b, wirelen);
	put(b, frame, caplen);
	pad4(b);
	if (comment && *comment)
		put_option(b, PCAPNG_OPT_COMMENT, comment, strnlen(comment, 2048));
	block_end(b);
	rc = write_block(r, b);
out:
	free(b);
	return rc;
}

const char *recording_jsonl_path(const struct recording *r)
{
	return r->jsonl_path;
}

const char *recording_pcapng_path(const struct recording *r)
{
	return r->pcapng_path;
}

const char *recording_error(const struct recording *r)
{
	return r->error[0] ? r->error : NULL;
}

void recording_close(struct recording *r)
{
	if (!r)
		return;
	if (r->jsonl_fd >= 0)
		close(r->jsonl_fd);
	if (r->pcapng_fd >= 0)
		close(r->pcapng_fd);
	free(r);
}

long recording_read_jsonl(const char *path, recording_record_fn fn, void *ctx, char *err, size_t errlen,
			  char *warn, size_t warnlen)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, why[256];
	size_t cap = 0;
	ssize_t len;
	long lineno = 0, count = 0;
	struct ui_event *ev = malloc(sizeof(*ev));

	if (warnlen)
		warn[0] = '\0';
	if (!f || !ev) {
		snprintf(err, errlen, "replay %s: %s", path, f ? "out of memory" : errtext(errno));
		count = -1;
		goto out;
	}
	while ((len = getline(&line, &cap, f)) > 0) {
		bool complete = line[len - 1] == '\n';

		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (len == 0)
			continue;
		if (ui_event_parse(line, (size_t)len, ev, why, sizeof(why)) < 0) {
			if (!complete) {
				snprintf(warn, warnlen, "%s:%ld: last line cut short (the recording was interrupted); skipped",
					 path, lineno);
				break;
			}
			snprintf(err, errlen, "%s:%ld: %s", path, lineno, why);
			count = -1;
			goto out;
		}
		fn(ev, ctx);
		count++;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "replay %s: %s", path, errtext(errno));
		count = -1;
	}
out:
	free(line);
	free(ev);
	if (f)
		fclose(f);
	return count;
}
