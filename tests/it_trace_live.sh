#!/usr/bin/env bash
# Live: socklab-trace captures real lab connections on lo and reports both
# endpoints' states; -w writes a pcap tshark opens with the same packets;
# root is dropped once the capture is open; SIGTERM prints the stats.
set -u
BIN=${SOCKLAB_BIN:-$(cd "$(dirname "$0")/../bin" && pwd)}
if [ "$(id -u)" != 0 ]; then
	echo "SKIP: live capture needs root (or run 'sudo make setcap' and the tests as that user)"
	exit 77
fi
tmp=$(mktemp -d)
chmod 755 "$tmp"
trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
fail=0
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

"$BIN/socklab-trace" -i lo -p "$port" --json -w "$tmp/live.pcap" >"$tmp/live.jsonl" 2>"$tmp/trace.err" &
tracer=$!
for _ in $(seq 100); do grep -q capturing "$tmp/trace.err" && break; sleep 0.1; done

# Root is gone once the capture is open (nobody, as no sudo started us).
uid=$(awk '/^Uid:/ {print $3}' "/proc/$tracer/status")
[ "$uid" != 0 ] || { echo "FAIL: socklab-trace still runs as root after opening the capture"; fail=1; }

# 1. refused: nobody listens yet.
"$BIN/echo-client" 127.0.0.1 "$port" -m hello --quiet >/dev/null 2>&1 && { echo "FAIL: connect to a closed port succeeded"; fail=1; }
# 2. echo and client close; 3. server closes first; 4. abortive close.
"$BIN/echo-server" -p "$port" --quiet >/dev/null 2>&1 &
server=$!
for _ in $(seq 50); do "$BIN/echo-client" 127.0.0.1 "$port" -m ping --quiet >/dev/null 2>&1 && break; sleep 0.1; done
"$BIN/echo-client" 127.0.0.1 "$port" -m hello --quiet >/dev/null 2>&1 || { echo "FAIL: echo-client"; fail=1; }
"$BIN/echo-client" 127.0.0.1 "$port" -m bye --close rst --quiet >/dev/null 2>&1
kill "$server"; wait "$server" 2>/dev/null
sleep 0.5
kill -TERM "$tracer"; wait "$tracer"; rc=$?
[ "$rc" = 0 ] || { echo "FAIL: socklab-trace exited $rc on SIGTERM"; fail=1; }

python3 - "$tmp/live.jsonl" "$port" <<'PY' || fail=1
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
ends = [r for r in recs if r["type"] == "conn_end"]
paths = [(r["client_path"], r["server_path"]) for r in ends]
want = [
    # refused: the SYN is answered with RST, nobody ever listened
    ("CLOSED>SYN_SENT>CLOSED", "CLOSED"),
    ("CLOSED>SYN_SENT>ESTABLISHED>FIN_WAIT_1>FIN_WAIT_2>TIME_WAIT", "LISTEN>SYN_RCVD>ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSED"),
    ("CLOSED>SYN_SENT>ESTABLISHED>CLOSED", "LISTEN>SYN_RCVD>ESTABLISHED>CLOSED"),
]
ok = True
for w in want:
    if w not in paths:
        print("FAIL: no connection with paths", w, "in", paths); ok = False
stats = recs[-1]
if stats["type"] != "stats" or stats["dropped"] != 0 or stats["tcp"] == 0:
    print("FAIL: bad final stats record", stats); ok = False
for r in recs:
    if r["type"] == "state" and not r["why"]:
        print("FAIL: state without why", r); ok = False
sys.exit(0 if ok else 1)
PY

tcp=$(python3 -c 'import json,sys; print([json.loads(l) for l in open(sys.argv[1])][-1]["tcp"])' "$tmp/live.jsonl")
n=$(tshark -r "$tmp/live.pcap" 2>/dev/null | wc -l)
[ "$n" = "$tcp" ] || { echo "FAIL: tshark reads $n packets in the -w pcap, the tracer counted $tcp"; fail=1; }
exit $fail
