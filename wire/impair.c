/* impair.c: the wire's impairment model (impair.h). Pure. */
#include "impair.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "bytes.h"

#define PPM 1000000u

/* splitmix64: a counter-based generator, so frame k's numbers need no
 * frames before it. */
static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* Draw k (0 loss, 1 reorder, 2 jitter) of frame index of direction d. */
static uint64_t draw(const struct impair_cfg *cfg, enum impair_dir d, uint64_t index, unsigned k)
{
	return mix(mix(mix(cfg->seed) ^ (uint64_t)d) ^ (index * 4 + k));
}

static bool chance(uint64_t r, uint32_t ppm)
{
	return ppm && r % PPM < ppm;
}

bool impair_lost_at(const struct impair_cfg *cfg, enum impair_dir d, uint64_t index)
{
	return chance(draw(cfg, d, index, 0), cfg->loss_ppm);
}

void impair_init(struct impair *m, const struct impair_cfg *cfg)
{
	*m = (struct impair){.cfg = *cfg};
}

void impair_decide(struct impair *m, enum impair_dir d, uint64_t now_ns, size_t len, struct impair_fate *out)
{
	const struct impair_cfg *c = &m->cfg;
	uint64_t index = m->dir[d].next_index++, at = now_ns + c->delay_ns;

	*out = (struct impair_fate){.index = index};
	if (impair_lost_at(c, d, index)) {
		out->lost = true;
		return;
	}
	if (c->delay_ns && chance(draw(c, d, index, 1), c->reorder_ppm)) {
		out->reordered = true; /* as netem's reorder: sent at once */
		out->send_at_ns = now_ns;
		return;
	}
	if (c->jitter_ns) {
		uint64_t span = 2 * c->jitter_ns + 1, off = draw(c, d, index, 2) % span;
		at = at + off >= c->jitter_ns && at + off - c->jitter_ns > now_ns ? at + off - c->jitter_ns : now_ns;
	}
	if (at < m->dir[d].last_send_ns)
		at = m->dir[d].last_send_ns;
	if (c->rate_kbit) {
		uint64_t tx = (uint64_t)len * 8 * 1000000ull / c->rate_kbit; /* bits / (kbit/s) in ns */
		if (at < m->dir[d].busy_until_ns)
			at = m->dir[d].busy_until_ns;
		at += tx;
		m->dir[d].busy_until_ns = at;
	}
	m->dir[d].last_send_ns = at;
	out->send_at_ns = at;
}

uint64_t impair_horizon_ns(const struct impair_cfg *cfg, size_t queue_frames, size_t mtu)
{
	uint64_t h = cfg->delay_ns + cfg->jitter_ns + 200000000ull; /* 200 ms margin: scheduling, capture */

	if (cfg->rate_kbit)
		h += (uint64_t)queue_frames * mtu * 8 * 1000000ull / cfg->rate_kbit;
	return h;
}

/* ---- drop rules ---- */

#define ETH_HLEN_ 14
#define ETHERTYPE_IPV4 0x0800
#define IPPROTO_TCP_ 6

bool impair_rule_matches(const struct impair_rule *r, enum impair_dir d, const unsigned char *frame, size_t len)
{
	struct bytes b = bytes_make(frame, len);
	uint16_t type, total, frag;
	uint8_t vihl, proto, off, flags;
	size_t ip = ETH_HLEN_, ihl, tcp, doff;

	if (r->dir != d || !r->count || !bytes_be16(&b, 12, &type) || type != ETHERTYPE_IPV4 ||
	    !bytes_u8(&b, ip, &vihl) || vihl >> 4 != 4 || (ihl = (size_t)(vihl & 0x0f) * 4) < 20 ||
	    !bytes_be16(&b, ip + 2, &total) || !bytes_be16(&b, ip + 6, &frag) || !bytes_u8(&b, ip + 9, &proto) ||
	    proto != IPPROTO_TCP_ || (frag & 0x1fff) || total < ihl)
		return false;
	tcp = ip + ihl;
	if (!bytes_u8(&b, tcp + 12, &off) || !bytes_u8(&b, tcp + 13, &flags) || (doff = (size_t)(off >> 4) * 4) < 20 ||
	    total < ihl + doff)
		return false;
	if (r->has_flags && (flags & 0x3f) != r->flags)
		return false;
	return !r->data || total > ihl + doff;
}

bool impair_rules_take(struct impair_rule *rules, size_t n, enum impair_dir d, const unsigned char *frame,
		       size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (impair_rule_matches(&rules[i], d, frame, len)) {
			if (rules[i].skip) {
				rules[i].skip--;
				return false;
			}
			rules[i].count--;
			return true;
		}
	return false;
}

static const struct {
	const char *name, *unit;
	long max;
} switches[IMPAIR_NSWITCHES] = {
	{"delay", "MS", 60000}, {"jitter", "MS", 60000}, {"loss", "PCT", 100},
	{"reorder", "PCT", 100}, {"rate", "KBIT", 100000000}, {"seed", "N", 4294967295},
};

const char impair_usage[] =
	"      --delay MS      two hosts and a wire between them (10.77.0.1, 10.77.0.2): MS one way\n"
	"      --jitter MS     each frame's delay varies by up to MS;  --loss PCT  frames lost\n"
	"      --reorder PCT   frames sent at once, ahead of the others;  --rate KBIT  a slow link\n"
	"      --seed N        the same seed, the same fates (docs/wire.md); default: a random one\n";

int impair_switch_index(const char *name)
{
	for (int i = 0; i < IMPAIR_NSWITCHES; i++)
		if (name && strcmp(name, switches[i].name) == 0)
			return i;
	return -1;
}

void impair_longopts(struct option *out, int base)
{
	for (int i = 0; i < IMPAIR_NSWITCHES; i++)
		out[i] = (struct option){switches[i].name, required_argument, NULL, base + i};
}

/* A percentage 0..100 with decimals ("0.5"), in parts per million. */
static int percent(const char *s, uint32_t *ppm)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= 0 && v <= 100))
		return -1;
	*ppm = (uint32_t)(v * (PPM / 100) + 0.5);
	return 0;
}

int impair_parse_switch(int i, const char *value, struct impair_cfg *cfg, char *err, size_t n)
{
	char what[24];
	long v = 0;

	if (i < 0 || i >= IMPAIR_NSWITCHES) {
		snprintf(err, n, "wire: no switch number %d", i);
		return -1;
	}
	snprintf(what, sizeof(what), "--%s", switches[i].name);
	if (i == 2 || i == 3) {
		if (percent(value, i == 2 ? &cfg->loss_ppm : &cfg->reorder_ppm) < 0) {
			snprintf(err, n, "--%s '%s': expected a percentage from 0 to 100", switches[i].name, value);
			return -1;
		}
	} else if (args_number(what, value, i == 4 ? 1 : 0, switches[i].max, &v, err, n) < 0) {
		return -1;
	}
	switch (i) {
	case 0: cfg->delay_ns = (uint64_t)v * 1000000ull; break;
	case 1: cfg->jitter_ns = (uint64_t)v * 1000000ull; break;
	case 4: cfg->rate_kbit = (uint64_t)v; break;
	case 5:
		cfg->seed = (uint64_t)v;
		cfg->seeded = true;
		break;
	default: break;
	}
	cfg->enabled = true;
	return 0;
}

void impair_describe(const struct impair_cfg *c, char *buf, size_t n)
{
	char rate[32] = "unlimited";

	if (c->rate_kbit)
		snprintf(rate, sizeof(rate), "%" PRIu64 " kbit/s", c->rate_kbit);
	snprintf(buf, n, "delay %" PRIu64 " ms, jitter %" PRIu64 " ms, loss %g%%, reorder %g%%, rate %s, seed %" PRIu64,
		 c->delay_ns / 1000000, c->jitter_ns / 1000000, c->loss_ppm / 10000.0, c->reorder_ppm / 10000.0, rate,
		 c->seed);
}
