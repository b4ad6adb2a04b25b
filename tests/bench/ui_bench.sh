#!/usr/bin/env bash
# UI benchmark (issue 4): socklab runs live in a real terminal (tmux) and
# captures, besides the lesson's port, a flood of unrelated loopback
# traffic (echo-client --bench against an echo-server on another port).
# Measured: packets per second captured, key latency (a key sent with
# send-keys until capture-pane shows its effect: the help overlay opening
# and closing), kernel drops, rows kept vs skipped, and the UI's RSS over
# time (bounded memory).
set -u
cd "$(dirname "$0")/../.."
BIN=${SOCKLAB_BIN:-$PWD/bin}
if [ "$(id -u)" != 0 ]; then echo "SKIP: capturing on lo needs root"; exit 0; fi
tmp=$(mktemp -d)
T="tmux -L socklab-bench-$$"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	$T kill-server 2>/dev/null
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_ms() { date +%s%3N; }
screen() { $T capture-pane -p -t ui; }
packets() { screen | head -n1 | sed -n 's/.*packets \([0-9]*\).*/\1/p'; }
drops() { screen | head -n1 | sed -n 's/.*drops \([0-9]*\).*/\1/p'; }

lesson=$(free_port) flood=$(free_port)
"$BIN/echo-server" -p "$flood" --quiet --mode epoll >/dev/null 2>&1 &
pids+=("$!")
$T new-session -d -s ui -x 120 -y 40 "$BIN/socklab -f 'tcp port $lesson or tcp port $flood' --events $tmp/ev.sock"
for _ in $(seq 1 50); do screen | grep -q "socklab  live" && break; sleep 0.1; done
ui=$(pgrep -f "socklab -f tcp port $lesson" | head -n1)
[ -n "$ui" ] || { echo "socklab did not start"; screen; exit 1; }

# the flood: 8 connections echoing as fast as they can, for ~20 s
"$BIN/echo-client" 127.0.0.1 "$flood" --bench -c 8 -n 10000000 --quiet >"$tmp/bench.out" 2>&1 &
flood_pid=$!
pids+=("$flood_pid")
sleep 2

# one key, timed until the screen shows what it did
key_latency() { # KEY TEXT present|absent
	local t0 t1
	t0=$(now_ms)
	$T send-keys -t ui "$1"
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
for i in $(seq 1 20); do
	lat+=("$(key_latency '?' 'socklab keys' present)")
	lat+=("$(key_latency x 'socklab keys' absent)")
	grep VmRSS /proc/"$ui"/status | awk '{print $2}' >>"$tmp/rss"
	sleep 0.3
done
p1=$(packets); t1=$(now_ms)
rate=$(( (p1 - p0) * 1000 / (t1 - t0 + 1) ))
sorted=$(printf '%s\n' "${lat[@]}" | sort -n)
p50=$(echo "$sorted" | awk '{a[NR]=$1} END{print a[int(NR*0.5)+1]}')
p99=$(echo "$sorted" | awk '{a[NR]=$1} END{print a[NR]}')
rss_first=$(head -n1 "$tmp/rss") rss_last=$(tail -n1 "$tmp/rss") rss_max=$(sort -n "$tmp/rss" | tail -n1)
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
