#!/usr/bin/env bash
# Tracer benchmarks (issue 2):
#  1. offline: a generated capture of 1,000,000 packets over 100,000
#     interleaved connections, read by socklab-trace --json (every state
#     tracked) and by tcpdump -nn -r, both to /dev/null; and --summary.
#  2. memory per tracked flow, from peak RSS with 100,000 vs 1,000 flows.
#  3. live: socklab-trace --json on lo while echo-client --bench --reconnect
#     opens, echoes once and closes connections as fast as it can.
. "$(dirname "$0")/../lib/helpers.sh"
set -euo pipefail
cd "$ROOT"
gen=$TOOLS/gen_pcap

# best of 3 wall times, and the peak RSS of the last run: "seconds kib"
measure() {
	local best="" rss=0
	for _ in 1 2 3; do
		/usr/bin/time -f '%e %M' -o "$TMP/time" "$@" >/dev/null 2>&1
		read -r t rss <"$TMP/time"
		if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
	done
	echo "$best $rss"
}

echo "generating 1,000,000 packets over 100,000 connections..."
"$gen" "$TMP/big.pcap" 100000 1000 80
"$gen" "$TMP/small.pcap" 1000 1000 80
packets=$(( 100000 * 10 ))

read -r t_json rss_json < <(measure "$BIN/socklab-trace" -r "$TMP/big.pcap" --json)
read -r t_sum rss_sum < <(measure "$BIN/socklab-trace" -r "$TMP/big.pcap" --summary)
read -r t_tcpdump _ < <(measure tcpdump -nn -r "$TMP/big.pcap")
read -r _ rss_small < <(measure "$BIN/socklab-trace" -r "$TMP/small.pcap" --summary)

# Every connection must end client TIME_WAIT (or expired to CLOSED) / server CLOSED.
"$BIN/socklab-trace" -r "$TMP/big.pcap" --summary >"$TMP/summary.txt"
good=$(grep -c 'client CLOSED>SYN_SENT>ESTABLISHED>FIN_WAIT_1>FIN_WAIT_2>TIME_WAIT.* server LISTEN>SYN_RCVD>ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSED' "$TMP/summary.txt" || true)

ratio=$(awk "BEGIN{printf \"%.2f\", $t_json / $t_tcpdump}")
pps_json=$(awk "BEGIN{printf \"%.0f\", $packets / $t_json}")
pps_sum=$(awk "BEGIN{printf \"%.0f\", $packets / $t_sum}")
per_flow=$(awk "BEGIN{printf \"%.0f\", ($rss_sum - $rss_small) * 1024 / 99000}")

echo
echo "| offline, 1,000,000 packets / 100,000 connections | wall (best of 3) | packets/s | peak RSS |"
echo "|---|---|---|---|"
echo "| tcpdump -nn -r > /dev/null | ${t_tcpdump} s | $(awk "BEGIN{printf \"%.0f\", $packets / $t_tcpdump}") | |"
echo "| socklab-trace -r --json > /dev/null | ${t_json} s | $pps_json | ${rss_json} KiB |"
echo "| socklab-trace -r --summary > /dev/null | ${t_sum} s | $pps_sum | ${rss_sum} KiB |"
echo
echo "socklab-trace --json / tcpdump wall time: ${ratio}x (goal: at most 0.30x)"
echo "connections with the full client/server lifecycle: $good of 100000"
echo "memory per tracked flow: ${per_flow} bytes (RSS growth 1,000 -> 100,000 flows)"

# Live: needs capture permission and the lab programs.
if [ "$(id -u)" != 0 ]; then
	echo "live benchmark: SKIP: needs root to capture on lo"
	exit 0
fi
port=$(free_port)
"$BIN/echo-server" -p "$port" --mode epoll --quiet >/dev/null 2>"$TMP/srv.err" &
srv=$!
STARTED+=("$srv")
"$BIN/socklab-trace" -i lo -p "$port" --json >"$TMP/live.jsonl" 2>"$TMP/live.err" &
tr=$!
STARTED+=("$tr")
wait_for "$TMP/live.err" capturing 10 || fail "socklab-trace did not start capturing on lo within 10 s"
requests=${LIVE_REQUESTS:-80000}
start=$(date +%s.%N)
"$BIN/echo-client" 127.0.0.1 "$port" --bench -c 32 -n "$requests" --reconnect --quiet >"$TMP/load.txt" 2>&1 || true
secs=$(awk "BEGIN{printf \"%.2f\", $(date +%s.%N) - $start}")
sleep 0.5
kill -INT "$tr"; wait "$tr" || true
kill "$srv"; wait "$srv" 2>/dev/null || true
conns=$(grep -c '"type":"conn_end"' "$TMP/live.jsonl" || true)
ok=$(grep '"type":"conn_end"' "$TMP/live.jsonl" | grep -c '"client_path":"CLOSED>SYN_SENT>ESTABLISHED>FIN_WAIT_1>FIN_WAIT_2>TIME_WAIT[^"]*","server_path":"LISTEN>SYN_RCVD>ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSED"' || true)
stats=$(grep '"type":"stats"' "$TMP/live.jsonl" | tail -n1)
echo
echo "live: $(tail -n 3 "$TMP/load.txt" | tr '\n' ' ')"
echo "live: $conns connections traced in ${secs} s ($(awk "BEGIN{printf \"%.0f\", $conns / $secs}")/s), $ok ended client TIME_WAIT / server CLOSED"
echo "live: $stats"
