#!/usr/bin/env bash
# UI benchmark (issue 4): socklab runs live in a real terminal (tmux) and
# captures, besides the lesson's port, a flood of unrelated loopback
# traffic (echo-client --bench against an echo-server on another port).
# Measured: packets per second captured, key latency (a key sent with
# send-keys until capture-pane shows its effect: the help overlay opening
# and closing), kernel drops, rows kept vs skipped, and the UI's RSS over
# time (bounded memory).
. "$(dirname "$0")/../lib/helpers.sh"
cd "$ROOT" || exit 1
. "$ROOT/tests/lib/tmux_helpers.sh"
ui_test_start
now_ms() { date +%s%3N; }
packets() { screen | head -n1 | sed -n 's/.*packets \([0-9]*\).*/\1/p'; }
drops() { screen | head -n1 | sed -n 's/.*drops \([0-9]*\).*/\1/p'; }

lesson=$(free_port) flood=$(free_port)
"$BIN/echo-server" -p "$flood" --quiet --mode epoll >/dev/null 2>&1 &
STARTED+=("$!")
tm new-session -d -s ui -x 120 -y 40 "$BIN/socklab -f 'tcp port $lesson or tcp port $flood' --events $TMP/ev.sock"
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
echo "socklab live under unrelated loopback traffic (echo-client --bench -c 8)"
printf '  %-40s %s\n' "captured packets per second" "$rate" \
	"packets captured in total" "$p1" \
	"kernel drops (status line)" "$(drops)" \
	"key latency p50 / max (ms, 40 keys)" "$p50 / $p99" \
	"capture-pane cost per read (ms)" "$cp_cost" \
	"RSS first / last / max sample (KiB)" "$rss_first / $rss_last / $rss_max" \
	"peak RSS VmHWM (KiB)" "$hwm"
[ "$p99" -lt 100 ] && echo "  keys handled within 100 ms: yes" || echo "  keys handled within 100 ms: NO"
