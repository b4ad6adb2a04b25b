#!/usr/bin/env bash
# Live: socklab-trace captures real lab connections on lo and reports both
# endpoints' states; -w writes a pcap tshark opens with the same packets;
# root is dropped once the capture is open; SIGTERM prints the stats.
. "$(dirname "$0")/../lib/helpers.sh"
need_root "live capture; or run 'sudo make setcap' and the tests as that user"
chmod 755 "$TMP"
failed=0
port=$(free_port)

"$BIN/socklab-trace" -i lo -p "$port" --json -w "$TMP/live.pcap" >"$TMP/live.jsonl" 2>"$TMP/trace.err" &
tracer=$!
STARTED+=("$tracer")
wait_for "$TMP/trace.err" capturing 10 || fail "socklab-trace did not start capturing"

# Root is gone once the capture is open (nobody, as no sudo started us).
uid=$(awk '/^Uid:/ {print $3}' "/proc/$tracer/status")
[ "$uid" != 0 ] || { echo "FAIL: socklab-trace still runs as root after opening the capture"; failed=1; }

# 1. refused: nobody listens yet.
"$BIN/echo-client" 127.0.0.1 "$port" -m hello --quiet >/dev/null 2>&1 && { echo "FAIL: connect to a closed port succeeded"; failed=1; }
# 2. echo and client close; 3. server closes first; 4. abortive close.
"$BIN/echo-server" -p "$port" --quiet >/dev/null 2>&1 &
server=$!
STARTED+=("$server")
for _ in $(seq 50); do "$BIN/echo-client" 127.0.0.1 "$port" -m ping --quiet >/dev/null 2>&1 && break; sleep 0.1; done
"$BIN/echo-client" 127.0.0.1 "$port" -m hello --quiet >/dev/null 2>&1 || { echo "FAIL: echo-client"; failed=1; }
"$BIN/echo-client" 127.0.0.1 "$port" -m bye --close rst --quiet >/dev/null 2>&1
kill "$server"; wait "$server" 2>/dev/null
sleep 0.5
kill -TERM "$tracer"; wait "$tracer"; rc=$?
[ "$rc" = 0 ] || { echo "FAIL: socklab-trace exited $rc on SIGTERM"; failed=1; }

python3 - "$TMP/live.jsonl" "$port" <<'PY' || failed=1
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

tcp=$(python3 -c 'import json,sys; print([json.loads(l) for l in open(sys.argv[1])][-1]["tcp"])' "$TMP/live.jsonl")
n=$(tshark -r "$TMP/live.pcap" 2>/dev/null | wc -l)
[ "$n" = "$tcp" ] || { echo "FAIL: tshark reads $n packets in the -w pcap, the tracer counted $tcp"; failed=1; }
exit $failed
