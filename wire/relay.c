/* relay.c: the wire's relay loop (relay.h). */
#include "relay.h"

#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "errtext.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

struct slot {
	uint64_t at;
	uint16_t len;
	unsigned char data[RELAY_FRAME_MAX];
};

struct queue {
	struct slot *s;
	size_t head, count;
};

int relay_port(const char *ifname, char *err, size_t n)
{
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL)};
	int one = 1, fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(ETH_P_ALL));

	if (fd < 0) {
		snprintf(err, n, "wire relay: packet socket: %s", errtext(errno));
		return -1;
	}
	sll.sll_ifindex = (int)if_nametoindex(ifname);
	if (!sll.sll_ifindex || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		snprintf(err, n, "wire relay: bind to %s: %s", ifname, errtext(errno));
		close(fd);
		return -1;
	}
	/* older kernels lack it: relay_run also skips PACKET_OUTGOING */
	(void)setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	/* room for a burst while the relay is not scheduled (root may pass
	 * net.core.rmem_max); what still overflows is counted */
	int size = 4 << 20;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	return fd;
}

void relay_stats_describe(const struct relay_stats *st, char *buf, size_t n)
{
	snprintf(buf, n,
		 "carried %llu frames to the server and %llu back; lost %llu, dropped %llu by drop rules, %llu (queue "
		 "full) and %llu (relay too slow)",
		 (unsigned long long)st->sent[0], (unsigned long long)st->sent[1],
		 (unsigned long long)(st->lost[0] + st->lost[1]), (unsigned long long)(st->dropped[0] + st->dropped[1]),
		 (unsigned long long)(st->overflow[0] + st->overflow[1]), (unsigned long long)st->kernel_drops);
}

static const char *const fate_names[] = {"sent", "lost", "reordered", "overflow"};

static void log_frame(FILE *log, int d, uint64_t index, size_t len, int fate, uint64_t delay_ns)
{
	if (log)
		fprintf(log, "%c %llu %zu %s %llu\n", d == IMPAIR_TO_SERVER ? '>' : '<', (unsigned long long)index, len,
			fate_names[fate], (unsigned long long)(delay_ns / 1000));
}

/* The drop rules the lab asked for (relay_rules_msg). */
struct rules {
	struct impair_rule r[IMPAIR_MAX_RULES];
	size_t n;
};

static void send_frame(int fd, const unsigned char *data, size_t len, int d, struct relay_stats *st)
{
	if (send(fd, data, len, MSG_DONTWAIT) == (ssize_t)len)
		st->sent[d]++;
	else
		st->send_errors++;
}

/* Takes every frame waiting on port[d]. */
static void receive(const int port[2], int d, struct impair *m, struct rules *rules, struct queue *q, FILE *log,
		    struct relay_stats *st)
{
	static unsigned char buf[65536];
	struct sockaddr_ll from;
	socklen_t fl;
	ssize_t got;
	struct impair_fate f;

	for (;;) {
		fl = sizeof(from);
		got = recvfrom(port[d], buf, sizeof(buf), MSG_TRUNC | MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
		if (got < 0)
			return;
		if (from.sll_pkttype == PACKET_OUTGOING) /* our own, sent out this veth */
			continue;
		st->rx[d]++;
		if (got > RELAY_FRAME_MAX) {
			st->oversize++;
			continue;
		}
		if (impair_rules_take(rules->r, rules->n, (enum impair_dir)d, buf, (size_t)got)) {
			st->dropped[d]++;
			if (log)
				fprintf(log, "%c - %zd dropped 0\n", d == IMPAIR_TO_SERVER ? '>' : '<', got);
			continue;
		}
		uint64_t now = clock_ns(CLOCK_MONOTONIC);
		impair_decide(m, (enum impair_dir)d, now, (size_t)got, &f);
		if (f.lost) {
			st->lost[d]++;
			log_frame(log, d, f.index, (size_t)got, 1, 0);
		} else if (f.reordered || (f.send_at_ns <= now && q->count == 0)) {
			st->reordered[d] += f.reordered;
			send_frame(port[!d], buf, (size_t)got, d, st);
			log_frame(log, d, f.index, (size_t)got, f.reordered ? 2 : 0, 0);
		} else if (q->count == RELAY_QUEUE) {
			st->overflow[d]++;
			log_frame(log, d, f.index, (size_t)got, 3, 0);
		} else {
			struct slot *s = &q->s[(q->head + q->count++) % RELAY_QUEUE];
			s->at = f.send_at_ns;
			s->len = (uint16_t)got;
			memcpy(s->data, buf, (size_t)got);
			log_frame(log, d, f.index, (size_t)got, 0, f.send_at_ns - now);
		}
	}
}

/* Sends the frames whose time has come; returns the next frame's time, or 0. */
static uint64_t send_due(const int port[2], struct queue q[2], struct relay_stats *st)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC), next = 0;

	for (int d = 0; d < 2; d++) {
		while (q[d].count && q[d].s[q[d].head].at <= now) {
			struct slot *s = &q[d].s[q[d].head];
			send_frame(port[!d], s->data, s->len, d, st);
			q[d].head = (q[d].head + 1) % RELAY_QUEUE;
			q[d].count--;
		}
		if (q[d].count && (!next || q[d].s[q[d].head].at < next))
			next = q[d].s[q[d].head].at;
	}
	return next;
}

/* A message from the lab: new drop rules (answered), or stop. Returns 1
 * to go on, 0 to stop. */
static int control(int ctl, struct rules *rules)
{
	struct relay_rules_msg msg;
	ssize_t got = recv(ctl, &msg, sizeof(msg), MSG_DONTWAIT);

	if (got < 0 && (errno == EAGAIN || errno == EINTR))
		return 1;
	if (got != (ssize_t)sizeof(msg) || msg.op != 'r' || msg.nrules > IMPAIR_MAX_RULES)
		return 0; /* "q", the lab gone, or nonsense */
	memcpy(rules->r, msg.rules, sizeof(rules->r));
	rules->n = msg.nrules;
	return send(ctl, "k", 1, MSG_NOSIGNAL) == 1;
}

int relay_run(const int port[2], const struct impair_cfg *cfg, int ctl, FILE *log, struct relay_stats *st,
	      char *err, size_t n)
{
	struct queue q[2] = {{calloc(RELAY_QUEUE, sizeof(struct slot)), 0, 0},
			     {calloc(RELAY_QUEUE, sizeof(struct slot)), 0, 0}};
	int timer = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK), rc = 0;
	struct impair m;
	struct rules rules = {.n = 0};

	memset(st, 0, sizeof(*st));
	if (!q[0].s || !q[1].s || timer < 0) {
		snprintf(err, n, "wire relay: %s", timer < 0 ? errtext(errno) : "out of memory");
		rc = -1;
		goto out;
	}
	impair_init(&m, cfg);
	for (;;) {
		struct pollfd p[4] = {{port[0], POLLIN, 0}, {port[1], POLLIN, 0}, {ctl, POLLIN, 0}, {timer, POLLIN, 0}};
		uint64_t next = send_due(port, q, st), expirations;
		struct itimerspec it = {{0, 0}, {(time_t)(next / 1000000000ull), (long)(next % 1000000000ull)}};

		if (timerfd_settime(timer, TFD_TIMER_ABSTIME, &it, NULL) < 0) {
			snprintf(err, n, "wire relay: timer: %s", errtext(errno));
			rc = -1;
			break;
		}
		if (poll(p, 4, -1) < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, n, "wire relay: poll: %s", errtext(errno));
			rc = -1;
			break;
		}
		if (p[2].revents && !control(ctl, &rules))
			break; /* the lab says stop, or is gone */
		if (p[3].revents)
			(void)!read(timer, &expirations, sizeof(expirations));
		for (int d = 0; d < 2; d++)
			if (p[d].revents & POLLIN)
				receive(port, d, &m, &rules, &q[d], log, st);
			else if (p[d].revents & (POLLERR | POLLNVAL)) {
				snprintf(err, n, "wire relay: a veth went away");
				rc = -1;
				goto out;
			}
	}
out:
	for (int d = 0; d < 2; d++) {
		struct tpacket_stats ps;
		socklen_t len = sizeof(ps);
		if (getsockopt(port[d], SOL_PACKET, PACKET_STATISTICS, &ps, &len) == 0)
			st->kernel_drops += ps.tp_drops;
	}
	if (timer >= 0)
		close(timer);
	free(q[0].s);
	free(q[1].s);
	return rc;
}
