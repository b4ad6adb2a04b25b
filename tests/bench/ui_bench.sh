#!/usr/bin/env bash
# UI benchmark (issue 4): socklab runs live in a real terminal (tmux) and
# captures, besides the lesson's port, a flood of unrelated loopback
# traffic (echo-client --bench against an echo-server on another port).
# Measured: packets per second captured, key latency (a key sent with
# send-keys until capture-pane shows its effect: the help overlay opening
# and closing), kernel drops, rows kept vs skipped, and the UI's RSS over
# time (bounded memory). And the wire-to-screen latency (issue 10: p99
# under 50 ms): from each packet's capture time to the end of the first
# draw after its row came, as socklab itself measures it
# (SOCKLAB_SCREEN_LATENCY=FILE, written when it quits), first for one
# echo connection at a time (a class watching), then under the flood.
. "$(dirname "$0")/../lib/helpers.sh"
cd "$ROOT" || exit 1
. "$ROOT/tests/lib/tmux_helpers.sh"
ui_test_start
now_ms() { date +%s%3N; }
packets() { screen | head -n1 | sed -n 's/.*packets \([0-9]*\).*/\1/p'; }
drops() { screen | head -n1 | sed -n 's/.*drops \([0-9]*\).*/\1/p'; }

# latency_of FILE: "p50 / p99 / max ms over N packets" of socklab's figures
latency_of() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("%.1f / %.1f / %.1f ms over %d packets (%d untimed)" % (d["p50_us"]/1e3, d["p99_us"]/1e3, d["max_us"]/1e3, d["packets"], d["untimed"]))' "$1"
}
# quit_ui: q, then until socklab is gone (it writes its figures as it ends)
quit_ui() {
	tm send-keys -t ui q
	for _ in $(seq 1 100); do pgrep -f "socklab -f tcp port $1" >/dev/null || return 0; sleep 0.1; done
	fail "socklab did not quit on q"
}

lesson=$(free_port) flood=$(free_port)
"$BIN/echo-server" -p "$flood" --quiet --mode epoll >/dev/null 2>&1 &
STARTED+=("$!")

# A class watching: 30 echo connections one at a time, 0.1 s apart.
ui_session 120x40 "SOCKLAB_SCREEN_LATENCY=$TMP/quiet.lat $BIN/socklab -f 'tcp port $flood'"
wait_screen "socklab  live" 5 || exit 1
for _ in $(seq 1 30); do
	"$BIN/echo-client" 127.0.0.1 "$flood" -m hello >/dev/null 2>&1 || fail "an echo client failed"
	sleep 0.1
done
sleep 0.5
quit_ui "$flood"
[ -s "$TMP/quiet.lat" ] || fail "socklab wrote no latency figures into $TMP/quiet.lat"
quiet_latency=$(latency_of "$TMP/quiet.lat")

ui_session 120x40 "SOCKLAB_SCREEN_LATENCY=$TMP/flood.lat $BIN/socklab -f 'tcp port $lesson or tcp port $flood' --events $TMP/ev.sock"
wait_screen "socklab  live" 5 || exit 1
ui=$(pgrep -f "socklab -f tcp port $lesson" | head -n1)
[ -n "$ui" ] || fail "socklab did not start"

# the flood: 8 connections echoing as fast as they can, for ~20 s
"$BIN/echo-client" 127.0.0.1 "$flood" --bench -c 8 -n 10000000 --quiet >"$TMP/bench.out" 2>&1 &
flood_pid=$!
STARTED+=("$flood_pid")
sleep 2

# one key, timed until the screen shows what it did
key_latency() { # KEY TEXT present|absent
	local t0 t1
	t0=$(now_ms)
	tm send-keys -t ui "$1"
	while :; do
		if [ "$3" = present ]; then screen | grep -q "$2" && break; else screen | grep -q "$2" || break; fi
		[ $(($(now_ms) - t0)) -gt 5000 ] && { echo 5000; return; }
		sleep 0.005
	done
	t1=$(now_ms)
	echo $((t1 - t0))
}
# capture-pane's own cost, measured on an idle screen, is part of each figure
t0=$(now_ms); for _ in $(seq 1 20); do screen >/dev/null; done; cp_cost=$((($(now_ms) - t0) / 20))

lat=()
p0=$(packets); t0=$(now_ms)
for _ in $(seq 1 20); do
	lat+=("$(key_latency '?' 'socklab keys' present)")
	lat+=("$(key_latency x 'socklab keys' absent)")
	grep VmRSS /proc/"$ui"/status | awk '{print $2}' >>"$TMP/rss"
	sleep 0.3
done
p1=$(packets); t1=$(now_ms)
rate=$(( (p1 - p0) * 1000 / (t1 - t0 + 1) ))
sorted=$(printf '%s\n' "${lat[@]}" | sort -n)
p50=$(echo "$sorted" | awk '{a[NR]=$1} END{print a[int(NR*0.5)+1]}')
p99=$(echo "$sorted" | awk '{a[NR]=$1} END{print a[NR]}')
rss_first=$(head -n1 "$TMP/rss") rss_last=$(tail -n1 "$TMP/rss") rss_max=$(sort -n "$TMP/rss" | tail -n1)
hwm=$(grep VmHWM /proc/"$ui"/status | awk '{print $2}')
kill "$flood_pid" 2>/dev/null
drops_seen=$(drops)
quit_ui "$lesson"
[ -s "$TMP/flood.lat" ] || fail "socklab wrote no latency figures into $TMP/flood.lat"
flood_latency=$(latency_of "$TMP/flood.lat")
echo "socklab live under unrelated loopback traffic (echo-client --bench -c 8)"
printf '  %-40s %s\n' "captured packets per second" "$rate" \
	"packets captured in total" "$p1" \
	"kernel drops (status line)" "$drops_seen" \
	"key latency p50 / max (ms, 40 keys)" "$p50 / $p99" \
	"capture-pane cost per read (ms)" "$cp_cost" \
	"RSS first / last / max sample (KiB)" "$rss_first / $rss_last / $rss_max" \
	"peak RSS VmHWM (KiB)" "$hwm" \
	"wire to screen p50 / p99 / max, one connection at a time" "$quiet_latency" \
	"wire to screen p50 / p99 / max, under the flood" "$flood_latency"
[ "$p99" -lt 100 ] && echo "  keys handled within 100 ms: yes" || echo "  keys handled within 100 ms: NO"
python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["p99_us"] >= 50000)' "$TMP/quiet.lat" &&
	echo "  wire to screen p99 under 50 ms, one connection at a time: yes" ||
	echo "  wire to screen p99 under 50 ms, one connection at a time: NO"
