/* loop.c: poll, the session's input, keys, ticks and redraws. */
#include "loop.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "clock.h"
#include "errtext.h"
#include "json.h"
#include "view.h"

#define REDRAW_NS 33000000ull    /* at most ~30 redraws a second */
#define REDRAW_MS 33
#define TICK_NS 1000000000ull    /* the TIME_WAIT countdown moves once a second */
#define FRAMES_PER_PUMP 512      /* then keys and redraws get their turn */

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

void loop_catch_signals(bool quiet_on_closed_pipe)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal; /* no SA_RESTART: poll() returns at once */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (!quiet_on_closed_pipe)
		signal(SIGPIPE, SIG_IGN);
}

void loop_stop(void)
{
	stop_requested = 1;
}

bool loop_stopping(void)
{
	return stop_requested;
}

void loop_rows_changed(struct loop *l, long pos, bool inserted_before, uint64_t dropped_before)
{
	const struct row *r = pos >= 0 ? timeline_row(l->tl, (size_t)pos) : NULL;

	/* A packet's state changes come back to its row: it is timed when it
	 * comes, with none yet. */
	if (r && r->kind == ROW_PACKET && r->nchanges == 0) {
		if (l->latency.npending < LOOP_LATENCY_PENDING)
			l->latency.pending[l->latency.npending++] = r->ts_ns;
		else
			l->latency.untimed++;
	}
	screen_rows_changed(&l->scr, l->tl, pos, inserted_before, dropped_before, timeline_dropped(l->tl));
	timeline_pin(l->tl, l->scr.conn); /* the shown connection keeps its rows when the cap is hit */
	l->dirty = true;
}

void loop_latency_drawn(struct loop *l, uint64_t now_ns)
{
	struct loop_latency *lat = &l->latency;

	for (size_t i = 0; i < lat->npending; i++) {
		uint64_t d = now_ns > lat->pending[i] ? now_ns - lat->pending[i] : 0;
		uint64_t step = d / LOOP_LATENCY_STEP_NS;

		lat->steps[step < LOOP_LATENCY_STEPS ? step : LOOP_LATENCY_STEPS]++;
		lat->count++;
		if (d > lat->max_ns)
			lat->max_ns = d;
	}
	lat->npending = 0;
}

/* The upper edge of the step that holds the q-th quantile (per mille), in ns. */
static uint64_t latency_quantile(const struct loop_latency *lat, unsigned per_mille)
{
	uint64_t want = (lat->count * per_mille + 999) / 1000, seen = 0;

	for (size_t i = 0; i <= LOOP_LATENCY_STEPS && lat->count; i++) {
		seen += lat->steps[i];
		if (seen >= want)
			return i < LOOP_LATENCY_STEPS ? (i + 1) * LOOP_LATENCY_STEP_NS : lat->max_ns;
	}
	return 0;
}

int loop_latency_json(const struct loop *l, char *buf, size_t n)
{
	const struct loop_latency *lat = &l->latency;
	struct outbuf o = outbuf_at(buf, n, 0);

	outbuf_lit(&o, "{\"type\":\"screen_latency\",\"packets\":");
	outbuf_u64(&o, lat->count);
	outbuf_lit(&o, ",\"untimed\":");
	outbuf_u64(&o, lat->untimed + lat->npending);
	outbuf_lit(&o, ",\"p50_us\":");
	outbuf_u64(&o, (latency_quantile(lat, 500)) / 1000);
	outbuf_lit(&o, ",\"p99_us\":");
	outbuf_u64(&o, (latency_quantile(lat, 990)) / 1000);
	outbuf_lit(&o, ",\"max_us\":");
	outbuf_u64(&o, (lat->max_ns) / 1000);
	outbuf_char(&o, '}');
	return outbuf_finish(&o);
}

void loop_draw(struct loop *l)
{
	struct screen_status st = {0};
	struct capture_stats cs;
	char filter[1024];
	int w, h;

	view_size(&w, &h);
	if ((w != l->grid.w || h != l->grid.h) && (grid_free(&l->grid), grid_init(&l->grid, w, h) < 0))
		return;
	if (l->sess) {
		session_stats(l->sess, &cs);
		st.packets = cs.tcp;
		st.drops = cs.dropped;
		st.kernel_lost = cs.kernel_lost;
		st.source = session_source(l->sess);
		st.filter = session_filter(l->sess, timeline_lang(l->tl), filter, sizeof(filter));
		st.now_ns = clock_ns(CLOCK_REALTIME);
	} else { /* a replay: the recording's segments */
		st.packets = timeline_packets(l->tl);
	}
	if (l->hooks.status)
		l->hooks.status(l->hooks.ctx, &st);
	timeline_pin(l->tl, l->scr.conn); /* a key may have chosen another connection */
	screen_compose(&l->scr, l->tl, &st, &l->grid);
	view_blit(&l->grid);
	l->dirty = false;
	l->last_draw_ns = clock_ns(CLOCK_REALTIME);
	loop_latency_drawn(l, l->last_draw_ns);
}

/* Takes in what poll found: datagrams, frames, a line on stdin, keys.
 * Returns LOOP_GO_ON, LOOP_END or -1 (err). */
static int take_input(struct loop *l, const struct pollfd *pfd, int in, int cap, size_t ncap, int chan, char *err,
		      size_t errlen)
{
	int rc = LOOP_GO_ON, key;

	if (chan >= 0 && (pfd[chan].revents & POLLIN))
		session_pump_channel(l->sess);
	/* POLLERR alone: the interface went away; the dispatch says so. */
	short cap_events = 0;

	for (size_t i = 0; cap >= 0 && i < ncap; i++) /* a two-host wire polls two */
		cap_events |= pfd[cap + (int)i].revents;
	if ((cap_events & (POLLIN | POLLERR | POLLHUP | POLLNVAL)) &&
	    session_pump_capture(l->sess, FRAMES_PER_PUMP, err, errlen) < 0)
		return -1;
	if (!l->curses && in >= 0 && (pfd[in].revents & (POLLIN | POLLHUP)) && l->hooks.line)
		rc = l->hooks.line(l->hooks.ctx, err, errlen);
	while (l->curses && rc == LOOP_GO_ON && !stop_requested && (key = view_read_key()) >= 0) {
		if (l->hooks.key)
			rc = l->hooks.key(l->hooks.ctx, key, err, errlen);
		l->last_draw_ns = 0; /* a key is answered at once, not coalesced */
	}
	return rc;
}

int loop_run(struct loop *l, char *err, size_t errlen)
{
	uint64_t last_tick = 0;
	int rc = LOOP_GO_ON;

	while (rc == LOOP_GO_ON && !stop_requested) {
		struct pollfd pfd[4];
		int n = 0, in = -1, cap = -1, chan = -1, ready, fds[2];
		size_t ncap = l->sess ? session_capture_fds(l->sess, fds) : 0;
		int wait = l->dirty && l->wait_ms > REDRAW_MS ? REDRAW_MS : l->wait_ms;
		int tick_ms = l->sess ? session_wait_ms(l->sess) : -1; /* the kernel view's polls */
		uint64_t now;

		if (tick_ms >= 0 && (wait < 0 || tick_ms < wait))
			wait = tick_ms;
		if (l->curses || l->lines)
			pfd[in = n++] = (struct pollfd){STDIN_FILENO, POLLIN, 0};
		for (size_t i = 0; i < ncap; i++) /* cap: the first; take_input looks at both */
			pfd[i ? n++ : (cap = n++)] = (struct pollfd){fds[i], POLLIN, 0};
		if (l->sess && session_channel_fd(l->sess) >= 0)
			pfd[chan = n++] = (struct pollfd){session_channel_fd(l->sess), POLLIN, 0};
		ready = poll(pfd, (nfds_t)n, wait);
		if (ready < 0 && errno != EINTR) {
			snprintf(err, errlen, "poll: %s", errtext(errno));
			return -1;
		}
		if (ready <= 0)
			in = cap = chan = -1; /* the timer or a signal: keys (a resize) may still wait */
		rc = take_input(l, pfd, in, cap, ncap, chan, err, errlen);
		now = clock_ns(CLOCK_REALTIME);
		if (l->sess) {
			session_tick(l->sess, now);
			if (now - last_tick >= TICK_NS) {
				last_tick = now;
				l->dirty = true; /* the TIME_WAIT countdown */
			}
		}
		if (rc == LOOP_GO_ON && l->hooks.turn)
			rc = l->hooks.turn(l->hooks.ctx, now, err, errlen);
		if (l->curses && l->dirty && now - l->last_draw_ns >= REDRAW_NS)
			loop_draw(l);
	}
	return rc < 0 ? -1 : 0;
}

void loop_free(struct loop *l)
{
	grid_free(&l->grid);
}
