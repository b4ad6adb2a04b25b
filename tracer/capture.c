/* capture.c: the libpcap edge (live interfaces and pcap/pcapng files).
 *
 * libpcap already shows each loopback packet once on Linux: it skips the
 * outgoing copy on lo (and on "any" for the lo ifindex), so no direction
 * filter is needed here, and real interfaces keep both directions. */
#include "capture.h"
#include "errtext.h"
#include "json.h"
#include "privileges.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

/* Headers only: Ethernet/cooked (20) + IPv6 with extension headers + TCP
 * with options (60) fit, plus a few payload bytes for the UI's details. */
#define CAPTURE_SNAPLEN 256
/* Bursts of tens of thousands of connections a second must not overflow. */
#define CAPTURE_BUFFER (64 * 1024 * 1024)
/* stdio's buffer for a capture file: reads of 1 MiB, not 4 KiB. */
#define CAPTURE_FILE_BUFFER (1024 * 1024)

struct capture {
	pcap_t *pcap;
	pcap_dumper_t *dump;
	char write_path[256]; /* -w FILE, for messages */
	int dump_errno;       /* the first failed write to it, or 0 */
	enum link_type link;
	int live;
	char source[256];
	char filter[1024];    /* capture_filter's words, in English */
	char given[768];      /* the -f BPF, or "" */
	int port;             /* -p PORT, or 0 */
	struct capture_stats stats;
	const struct pcap_pkthdr *cur_hdr; /* the frame in the callback, else NULL */
	const u_char *cur_bytes;
	uintptr_t last_frame; /* the frame before, live: where ring frames lie (prefetch_next_frames) */
	char *file_buf; /* the capture file's stdio buffer: freed after pcap_close */
	gzFile gz;      /* a .gz capture, read through a stdio stream of our own */
	bool gzipped;
	char gz_err[160]; /* zlib's first complaint about it, or "" */
	capture_arp_fn arp_fn; /* or NULL: ARP frames are only counted (not_tcp) */
};

/* The DLT libpcap reports, by its name, in decode's link-type table. */
static int link_type_from_dlt(int dlt, enum link_type *out)
{
	const char *name = pcap_datalink_val_to_name(dlt);

	return name ? link_type_from_pcap_name(name, out) : -1;
}

/* "Ethernet, loopback, Linux cooked and raw IP": the kinds of link in
 * decode's table, each named once. */
static void supported_link_kinds(char *buf, size_t n)
{
	struct outbuf o = outbuf_at(buf, n, 0);
	const char *kinds[LINK_COUNT];
	size_t nkinds = 0;

	for (unsigned lt = 0; lt < LINK_COUNT; lt++) {
		const char *kind = link_info((enum link_type)lt)->kind;

		if (nkinds == 0 || strcmp(kinds[nkinds - 1], kind) != 0)
			kinds[nkinds++] = kind;
	}
	for (size_t i = 0; i < nkinds; i++) {
		if (i > 0)
			outbuf_lit(&o, i + 1 == nkinds ? " and " : ", ");
		outbuf_lit(&o, kinds[i]);
	}
	if (outbuf_finish(&o) < 0)
		snprintf(buf, n, "other link types");
}

/* Turns libpcap's activation result into one line that says what to do. */
static void explain_activate(int rc, pcap_t *p, const char *iface, char *err, size_t errlen)
{
	switch (rc) {
	case PCAP_ERROR_PERM_DENIED:
		snprintf(err, errlen,
			 "capture on %s: permission denied (run as root, or run `sudo make setcap` once so you can capture without root)",
			 iface);
		break;
	case PCAP_ERROR_NO_SUCH_DEVICE:
		snprintf(err, errlen, "capture on %s: no such interface (list them with `ip link`)", iface);
		break;
	case PCAP_ERROR_IFACE_NOT_UP:
		snprintf(err, errlen, "capture on %s: interface is down (bring it up with `ip link set %s up`)",
			 iface, iface);
		break;
	default:
		snprintf(err, errlen, "capture on %s: %s", iface, pcap_geterr(p));
	}
}

/* Links that carry ARP (decode_arp reads it there): on them -p PORT lets
 * ARP through too, since the first SYN to a new neighbour waits for it. */
static bool link_has_arp(enum link_type lt)
{
	return lt == LINK_ETHERNET || lt == LINK_SLL || lt == LINK_SLL2;
}

/* -p PORT: TCP to or from the port, and the ICMP/ICMPv6 errors that quote
 * such a segment (RFC 792: the quote starts 8 bytes into the ICMP message
 * with the IP header; an IPv4 one is IHL*4 long, an IPv6 one 40 bytes with
 * TCP straight after), so that an error aborting a connection is seen; and
 * ARP where the link has it. */
static void port_filter(char *buf, size_t n, int port, bool arp)
{
	snprintf(buf, n,
		 "tcp port %d or (icmp and (icmp[0] == 3 or icmp[0] == 4 or icmp[0] == 5 or icmp[0] == 11 or "
		 "icmp[0] == 12) and icmp[17] == 6 and (icmp[8 + ((icmp[8] & 15) << 2):2] == %d or "
		 "icmp[10 + ((icmp[8] & 15) << 2):2] == %d)) or (icmp6 and icmp6[0] >= 1 and icmp6[0] <= 4 and "
		 "icmp6[14] == 6 and (icmp6[48:2] == %d or icmp6[50:2] == %d))%s",
		 port, port, port, port, port, arp ? " or arp" : "");
}

static int apply_filter(struct capture *c, const struct capture_opts *o, char *err, size_t errlen)
{
	struct bpf_program prog;
	char port[768], bpf[sizeof(port) + sizeof(c->filter)];

	bool arp = link_has_arp(c->link);

	if (o->port > 0)
		port_filter(port, sizeof(port), o->port, arp);
	if (o->filter && o->port > 0)
		snprintf(bpf, sizeof(bpf), "(%s) and (%s)", o->filter, port);
	else if (o->filter)
		snprintf(bpf, sizeof(bpf), "%s", o->filter);
	else if (o->port > 0)
		snprintf(bpf, sizeof(bpf), "%s", port);
	else
		return 0;
	snprintf(c->given, sizeof(c->given), "%s", o->filter ? o->filter : "");
	c->port = o->port > 0 ? o->port : 0;
	capture_filter_words(c, "icmp errors", c->filter, sizeof(c->filter));
	if (pcap_compile(c->pcap, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, errlen, "filter '%s': %s", o->filter ? o->filter : bpf, pcap_geterr(c->pcap));
		return -1;
	}
	if (pcap_setfilter(c->pcap, &prog) < 0) {
		snprintf(err, errlen, "filter '%s': %s", c->filter, pcap_geterr(c->pcap));
		pcap_freecode(&prog);
		return -1;
	}
	pcap_freecode(&prog);
	return 0;
}

static int open_live(struct capture *c, const char *iface, bool immediate, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	int rc;

	c->pcap = pcap_create(iface, ebuf);
	if (!c->pcap) {
		snprintf(err, errlen, "capture on %s: %s", iface, ebuf);
		return -1;
	}
	pcap_set_snaplen(c->pcap, CAPTURE_SNAPLEN);
	/* Immediate mode is a wake-up (and a poll, a dispatch, a flush) per
	 * packet: 87% of a loopback storm's rate kept instead of tcpdump -w's
	 * 97%. Without it libpcap on Linux fills blocks of packets (TPACKET_V3)
	 * that the kernel hands over when full or CAPTURE_BATCH_MS old. */
	pcap_set_immediate_mode(c->pcap, immediate);
	if (!immediate)
		pcap_set_timeout(c->pcap, CAPTURE_BATCH_MS);
	pcap_set_buffer_size(c->pcap, CAPTURE_BUFFER);
	pcap_set_tstamp_precision(c->pcap, PCAP_TSTAMP_PRECISION_NANO);
	rc = pcap_activate(c->pcap);
	if (rc < 0) {
		explain_activate(rc, c->pcap, iface, err, errlen);
		return -1;
	}
	if (pcap_setnonblock(c->pcap, 1, ebuf) < 0) {
		snprintf(err, errlen, "capture on %s: %s", iface, ebuf);
		return -1;
	}
	c->live = 1;
	snprintf(c->source, sizeof(c->source), "%s", iface);
	return 0;
}

/* A gzip-compressed capture (tcpdump -w - | gzip, or a mailed .pcap.gz) is
 * read through zlib: libpcap reads a stdio stream, so a stream whose reads
 * come from gzread is all it takes. zlib's complaint (a cut or corrupt
 * file) is kept for the error message. */
static ssize_t gz_read(void *cookie, char *buf, size_t n)
{
	struct capture *c = cookie;
	int got = gzread(c->gz, buf, n > INT_MAX ? INT_MAX : (unsigned)n);
	int zerr;
	const char *msg = gzerror(c->gz, &zerr);

	if ((got < 0 || (zerr != Z_OK && zerr != Z_STREAM_END)) && !c->gz_err[0])
		snprintf(c->gz_err, sizeof(c->gz_err), "%s", msg && *msg ? msg : "corrupt data");
	return got < 0 ? -1 : got;
}

static int gz_close(void *cookie)
{
	struct capture *c = cookie;
	int rc = gzclose(c->gz) == Z_OK ? 0 : EOF;

	c->gz = NULL;
	return rc;
}

static bool is_gzip(FILE *fp)
{
	unsigned char magic[2];
	bool gz = fread(magic, 1, 2, fp) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;

	rewind(fp);
	return gz;
}

static FILE *open_gzip(struct capture *c, const char *path)
{
	static const cookie_io_functions_t io = { .read = gz_read, .close = gz_close };
	FILE *fp;

	c->gz = gzopen(path, "rb");
	if (!c->gz)
		return NULL;
	c->gzipped = true;
	gzbuffer(c->gz, CAPTURE_FILE_BUFFER);
	fp = fopencookie(c, "rb", io);
	if (!fp) {
		gzclose(c->gz);
		c->gz = NULL;
	}
	return fp;
}

/* libpcap reads a file with two freads a packet; with stdio's default
 * buffer (st_blksize, 4 KiB) that is a read syscall every ~40 packets
 * (20,000 for the benchmark's 1,000,000). The file is opened here so that
 * its buffer can be set before the first read; if it cannot be, libpcap
 * opens it and says why in its own words. */
static FILE *open_buffered(struct capture *c, const char *path)
{
	FILE *fp = fopen(path, "rb");

	if (!fp)
		return NULL;
	if (is_gzip(fp)) {
		fclose(fp);
		return open_gzip(c, path);
	}
	c->file_buf = malloc(CAPTURE_FILE_BUFFER);
	if (c->file_buf && setvbuf(fp, c->file_buf, _IOFBF, CAPTURE_FILE_BUFFER) != 0) {
		free(c->file_buf);
		c->file_buf = NULL;
	}
	return fp;
}

static int open_file(struct capture *c, const char *path, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	FILE *fp = open_buffered(c, path);

	/* Once open, pcap_close closes fp; a failed open leaves it to us. */
	c->pcap = fp ? pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, ebuf)
		     : pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, ebuf);
	if (!c->pcap && fp)
		fclose(fp);
	if (!c->pcap && c->gz_err[0]) {
		snprintf(err, errlen, "read %s: the gzip data is cut short or corrupt (%s); check it with gzip -t",
			 path, c->gz_err);
		return -1;
	}
	if (!c->pcap) {
		snprintf(err, errlen, "read %s: %s (is it a pcap or pcapng file%s?)", path, ebuf,
			 c->gzipped ? ", gzip-compressed" : "");
		return -1;
	}
	snprintf(c->source, sizeof(c->source), "%s", path);
	return 0;
}

/* open_live, inside o's network namespace when it names one: this thread
 * enters it (setns) for the open and goes back to the namespace it was in. */
static int open_live_in(struct capture *c, const struct capture_opts *o, char *err, size_t errlen)
{
	const char *iface = o->iface ? o->iface : "lo";
	int home, rc;

	if (!o->in_netns)
		return open_live(c, iface, o->immediate, err, errlen);
	home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0) {
		snprintf(err, errlen, "capture on %s: open /proc/thread-self/ns/net: %s", iface, errtext(errno));
		return -1;
	}
	if (setns(o->netns_fd, CLONE_NEWNET) < 0) {
		snprintf(err, errlen, "capture on %s: enter its network namespace: %s (needs root, or the user "
			 "namespace that owns it)", iface, errtext(errno));
		close(home);
		return -1;
	}
	rc = open_live(c, iface, o->immediate, err, errlen);
	if (setns(home, CLONE_NEWNET) < 0) { /* never expected: we were just there */
		snprintf(err, errlen, "capture on %s: return to the lab's network namespace: %s", iface, errtext(errno));
		rc = -1;
	}
	close(home);
	return rc;
}

struct capture *capture_open(const struct capture_opts *o, char *err, size_t errlen)
{
	struct capture *c = calloc(1, sizeof(*c));
	int dlt;

	if (!c) {
		snprintf(err, errlen, "capture: out of memory");
		return NULL;
	}
	if ((o->file ? open_file(c, o->file, err, errlen) : open_live_in(c, o, err, errlen)) < 0)
		goto fail;
	dlt = pcap_datalink(c->pcap);
	if (link_type_from_dlt(dlt, &c->link) < 0) {
		const char *name = pcap_datalink_val_to_name(dlt);
		char kinds[128];

		supported_link_kinds(kinds, sizeof(kinds));
		snprintf(err, errlen, "%s: unsupported link type %d (%s); socklab reads %s", c->source, dlt,
			 name ? name : "unknown", kinds);
		goto fail;
	}
	if (apply_filter(c, o, err, errlen) < 0)
		goto fail;
	if (o->write_path) {
		c->dump = pcap_dump_open(c->pcap, o->write_path);
		if (!c->dump) {
			snprintf(err, errlen, "write %s: %s", o->write_path, pcap_geterr(c->pcap));
			goto fail;
		}
		snprintf(c->write_path, sizeof(c->write_path), "%s", o->write_path);
		if (privileges_give_to_sudo_caller(fileno(pcap_dump_file(c->dump)), o->write_path, err, errlen) < 0)
			goto fail;
	}
	return c;
fail:
	capture_close(c);
	return NULL;
}

int capture_fd(const struct capture *c)
{
	return c->live ? pcap_get_selectable_fd(c->pcap) : -1;
}

const char *capture_source(const struct capture *c)
{
	return c->source;
}

const char *capture_filter(const struct capture *c)
{
	return c->filter;
}

const char *capture_filter_words(const struct capture *c, const char *icmp_words, char *buf, size_t n)
{
	/* ARP is a protocol's name in every language. Linux's lo is an
	 * Ethernet link with no neighbours: ARP never crosses it, so saying
	 * "+ arp" there would only puzzle a student. */
	bool on_lo = c->live && strcmp(c->source, "lo") == 0;
	const char *arp = link_has_arp(c->link) && !on_lo ? " + arp" : "";

	if (c->given[0] && c->port)
		snprintf(buf, n, "(%s) and tcp port %d + %s%s", c->given, c->port, icmp_words, arp);
	else if (c->port)
		snprintf(buf, n, "tcp port %d + %s%s", c->port, icmp_words, arp);
	else
		snprintf(buf, n, "%s", c->given);
	return buf;
}

int capture_is_live(const struct capture *c)
{
	return c->live;
}

struct dispatch_ctx {
	struct capture *c;
	capture_segment_fn fn;
	void *ctx;
};

/* The frame's time in ns (tv_usec holds ns: the capture is opened with
 * nanosecond precision). A file's record header is untrusted too: a time
 * before 1970 (libpcap reads the seconds as signed) or past 2262 would not
 * fit the records' ts_ns, which readers take as a signed 64-bit integer.
 * A fraction of a second of a whole second or more (1,000,000 us: a
 * writer's rounding bug) is carried into the seconds, as tshark shows it;
 * returns 1 then, so the caller can count it. */
static int frame_time_ns(const struct pcap_pkthdr *h, uint64_t *out)
{
	const uint64_t ns = 1000000000u;
	uint64_t sec, frac;

	if (h->ts.tv_sec < 0 || h->ts.tv_usec < 0)
		return -1;
	sec = (uint64_t)h->ts.tv_sec + (uint64_t)h->ts.tv_usec / ns;
	frac = (uint64_t)h->ts.tv_usec % ns;
	if (sec > (uint64_t)(INT64_MAX - 999999999) / ns)
		return -1;
	*out = sec * ns + frac;
	return (uint64_t)h->ts.tv_usec >= ns;
}

/* A live capture's frames lie one after another in the kernel's ring
 * (TPACKET_V3), written by the CPU that sent them: the first touch of
 * each, libpcap's read of the next frame's header and then decode's of its
 * bytes, waits for the line to come from that CPU (10% of socklab-trace's
 * time under a connection storm). Asking for the lines of the next two
 * frames, by the distance between the last two, lets those transfers
 * overlap this frame's work (one frame ahead took back half as much).
 * Only a hint: nothing is read here, and a wrong guess (the last frames
 * of a block) costs a wasted fetch. */
static void prefetch_next_frames(struct capture *c, const u_char *bytes, uint32_t caplen)
{
	uintptr_t here = (uintptr_t)bytes, prev = c->last_frame;
	uintptr_t stride = here > prev && here - prev <= 1024 ? here - prev : 0;

	c->last_frame = here;
	for (uintptr_t a = here + caplen; a < here + caplen + 2 * stride; a += 64)
		__builtin_prefetch((const void *)a);
}

static void on_frame(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct dispatch_ctx *d = (struct dispatch_ctx *)user;
	struct capture *c = d->c;
	struct segment seg;
	struct arp_packet arp;
	uint64_t ts;

	c->stats.seen++;
	if (c->live)
		prefetch_next_frames(c, bytes, h->caplen);
	if (c->dump) {
		pcap_dump((u_char *)c->dump, h, bytes);
		/* A batch overflows stdio's buffer inside pcap_dump, which says
		 * nothing when that write fails (a full disk): keep its errno
		 * now, while it is still the write's. */
		if (!c->dump_errno && ferror_unlocked(pcap_dump_file(c->dump)))
			c->dump_errno = errno ? errno : EIO;
	}
	switch (frame_time_ns(h, &ts)) {
	case -1:
		c->stats.invalid++;
		return;
	case 1:
		c->stats.time_carried++;
		break;
	}
	switch (decode_frame(c->link, bytes, h->caplen, h->len, &seg)) {
	case DECODE_OK:
	case DECODE_ICMP_ERROR:
		if (seg.icmp.version)
			c->stats.icmp++;
		else
			c->stats.tcp++;
		c->cur_hdr = h;
		c->cur_bytes = bytes;
		d->fn(&seg, ts, d->ctx);
		c->cur_hdr = NULL;
		break;
	case DECODE_NOT_TCP:
		c->stats.not_tcp++;
		if (c->arp_fn && decode_arp(c->link, bytes, h->caplen, &arp) == DECODE_OK) {
			c->cur_hdr = h;
			c->cur_bytes = bytes;
			c->arp_fn(&arp, ts, d->ctx);
			c->cur_hdr = NULL;
		}
		break;
	case DECODE_TRUNCATED: c->stats.truncated++; break;
	case DECODE_MALFORMED: c->stats.invalid++; break;
	}
}

int capture_dispatch(struct capture *c, int max, capture_segment_fn fn, void *ctx, char *err, size_t errlen)
{
	struct dispatch_ctx d = {c, fn, ctx};
	int n = pcap_dispatch(c->pcap, max > 0 ? max : -1, on_frame, (u_char *)&d);

	/* Every batch reaches the disk: an interrupted recording keeps it, and
	 * a full disk stops the capture with its reason instead of leaving a
	 * file silently cut short. */
	if (c->dump && n > 0 && !c->dump_errno && pcap_dump_flush(c->dump) < 0)
		c->dump_errno = errno ? errno : EIO;
	if (c->dump_errno) {
		snprintf(err, errlen, "write %s: %s", c->write_path, errtext(c->dump_errno));
		return -1;
	}
	if (n == PCAP_ERROR || (c->gz_err[0] && n >= 0 && !c->live)) {
		if (c->gz_err[0])
			snprintf(err, errlen, "%s: the gzip data is cut short or corrupt (%s); check it with gzip -t",
				 c->source, c->gz_err);
		else
			snprintf(err, errlen, "%s: %s", c->source, pcap_geterr(c->pcap));
		return -1;
	}
	if (n == PCAP_ERROR_BREAK)
		return 0;
	if (n == 0 && !c->live)
		return CAPTURE_EOF;
	return n;
}

void capture_set_arp(struct capture *c, capture_arp_fn fn)
{
	c->arp_fn = fn;
}

int capture_current_frame(const struct capture *c, struct capture_frame *out)
{
	if (!c->cur_hdr)
		return -1;
	*out = (struct capture_frame){c->cur_bytes, c->cur_hdr->caplen, c->cur_hdr->len, c->link};
	return 0;
}

void capture_breakloop(struct capture *c)
{
	pcap_breakloop(c->pcap);
}

void capture_get_stats(struct capture *c, struct capture_stats *out)
{
	struct pcap_stat ps;

	if (c->live && pcap_stats(c->pcap, &ps) == 0) {
		c->stats.dropped = ps.ps_drop;
		c->stats.if_dropped = ps.ps_ifdrop;
	}
	*out = c->stats;
}

void capture_close(struct capture *c)
{
	if (!c)
		return;
	if (c->dump) {
		pcap_dump_flush(c->dump);
		pcap_dump_close(c->dump);
	}
	if (c->pcap)
		pcap_close(c->pcap);
	free(c->file_buf);
	free(c);
}
