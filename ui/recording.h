/* recording.h: `socklab record FILE` writes FILE.jsonl (every record: calls,
 * packets, states) and FILE.pcapng (every packet, each with a comment naming
 * the state changes it caused and the socket call it belongs to); replay
 * reads a .jsonl back.
 *
 * Everything is written as it arrives, one write(2) per line or per pcapng
 * block, so Ctrl-C, SIGTERM, a closed terminal or a crash leaves complete
 * files (at worst, one torn last line that the reader reports and skips).
 * libpcap writes only pcap, so the pcapng blocks are built here
 * (draft-ietf-opsawg-pcapng: SHB, one IDB per link type, EPB per packet). */
#ifndef SOCKLAB_UI_RECORDING_H
#define SOCKLAB_UI_RECORDING_H

#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "lang.h"
#include "records.h"

struct recording;

/* Creates base.jsonl and base.pcapng (base may already end in .jsonl).
 * Returns NULL with err filled ("record /x/y.jsonl: permission denied"). */
struct recording *recording_open(const char *base, char *err, size_t errlen);

/* Who creates the two files: NULL is recording_open's open(2) here, as
 * whoever the program is now; otherwise create(ctx, path) makes a new file
 * and returns its descriptor, or -1 with err and errno the cause (0 when err
 * says something else) (socklab's privileged helper, once root is dropped:
 * tracer/privileges.h). The messages (err, recording_error) are in lang:
 * on a Chinese screen, "无法录制：x.jsonl：设备上没有空间". */
struct recording_files {
	int (*create)(void *ctx, const char *path, char *err, size_t errlen);
	void *ctx;
};
struct recording *recording_open_with(const char *base, const struct recording_files *files, enum lang lang,
				      char *err, size_t errlen);

/* Appends one JSON record (no newline) as a line. Returns 0 or -1. */
int recording_write_line(struct recording *r, const char *json, size_t len);

/* The interface the packets are captured on ("lo"), named in the pcapng's
 * interface blocks written from now on. */
void recording_set_interface(struct recording *r, const char *name);

/* Appends one packet as captured, with an optional comment. */
int recording_write_packet(struct recording *r, enum link_type lt, uint64_t ts_ns, const uint8_t *frame,
			   uint32_t caplen, uint32_t wirelen, const char *comment);

/* The same, captured on the interface if_name (a two-host wire's
 * "client:eth0", "server:eth0"): each name gets an IDB of its own, so
 * tshark shows it as frame.interface_name. At most RECORDING_NAMED_IFS. */
#define RECORDING_NAMED_IFS 4
int recording_write_packet_on(struct recording *r, const char *if_name, enum link_type lt, uint64_t ts_ns,
			      const uint8_t *frame, uint32_t caplen, uint32_t wirelen, const char *comment);

/* The .jsonl path, for messages. */
const char *recording_jsonl_path(const struct recording *r);
const char *recording_pcapng_path(const struct recording *r);
/* First write error so far, or NULL. */
const char *recording_error(const struct recording *r);

void recording_close(struct recording *r);

/* Called with each record of a .jsonl file, in file order. */
typedef void (*recording_record_fn)(const struct ui_event *ev, void *ctx);

/* Reads a .jsonl recording. A line that does not parse fails the read with
 * "FILE:LINE: reason"; a last line without its newline (a recording cut
 * short) is skipped and described in warn instead. Returns the records
 * read, or -1. */
long recording_read_jsonl(const char *path, recording_record_fn fn, void *ctx, char *err, size_t errlen,
			  char *warn, size_t warnlen);

#endif
