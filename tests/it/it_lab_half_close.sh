#!/usr/bin/env bash
# A half-close, as `socklab demo half-close` shows it: echo-client
# --half-close writes, shuts down its sending side, and then reads the reply
# that echo-server --reply-at-eof writes only after the client's FIN came.
# Checked on the real calls (their order on both sides) and on the real
# segments captured on lo (the server's data after the client's FIN).
. "$(dirname "$0")/../lib/helpers.sh"
. "$ROOT/tests/lib/lab_helpers.sh"

# line_no FILE REGEX: the line number of the first call matching REGEX (0: none).
line_no() { grep -nE -m1 -- "$2" "$1" | cut -d: -f1 | grep . || echo 0; }

# the switches refuse what they cannot do
"$BIN/echo-server" --reply-at-eof --mode epoll 2>"$TMP/bad.err" && fail "--reply-at-eof --mode epoll accepted"
grep -q "reply-at-eof" "$TMP/bad.err" || fail "no error line for --reply-at-eof --mode epoll"
"$BIN/echo-client" --half-close --udp 2>"$TMP/bad.err" && fail "--half-close --udp accepted"
grep -q "half-close" "$TMP/bad.err" || fail "no error line for --half-close --udp"

# the calls: client write, shutdown, read the reply, read EOF, close;
# server read the data, read EOF, and only then write and close
capture=false
[ "$(id -u)" = 0 ] && capture=true
start_server hc --reply-at-eof
if $capture; then
	chmod 755 "$TMP"
	"$BIN/socklab-trace" -i lo -p "$PORT" --json >"$TMP/hc.jsonl" 2>"$TMP/trace.err" &
	tracer=$!
	STARTED+=("$tracer")
	wait_for "$TMP/trace.err" capturing 10 || fail "socklab-trace did not start capturing"
fi
client hc 127.0.0.1 "$PORT" -m hello --half-close || fail "client exit $?"
grep -qx "reply: server-hello" "$TMP/hc.out" || fail "the client did not read the reply after its shutdown"
c_write=$(line_no "$TMP/hc.err" 'client write\(3, buf, 5\) = 5')
c_shut=$(line_no "$TMP/hc.err" 'client shutdown\(3, SHUT_WR\) = 0')
c_reply=$(line_no "$TMP/hc.err" 'client read\(3, buf, [0-9]+\) = 12 +"server-hello"')
c_eof=$(line_no "$TMP/hc.err" 'client read\(3, buf, [0-9]+\) = 0')
echo "client calls at lines: write $c_write, shutdown $c_shut, reply $c_reply, EOF $c_eof"
[[ $c_write -gt 0 && $c_write -lt $c_shut && $c_shut -lt $c_reply && $c_reply -lt $c_eof ]] ||
	fail "client calls out of order: $(cat "$TMP/hc.err")"
s_data=$(line_no "$TMP/srv-hc.err" 'server read\([0-9]+, buf, [0-9]+\) = 5')
s_eof=$(line_no "$TMP/srv-hc.err" 'server read\([0-9]+, buf, [0-9]+\) = 0')
s_write=$(line_no "$TMP/srv-hc.err" 'server write\([0-9]+, buf, 12\) = 12')
s_close=$(line_no "$TMP/srv-hc.err" 'server close\([0-9]+\) = 0')
echo "server calls at lines: read $s_data, EOF $s_eof, write $s_write, close $s_close"
[[ $s_data -gt 0 && $s_data -lt $s_eof && $s_eof -lt $s_write && $s_write -lt $s_close ]] ||
	fail "server calls out of order: $(cat "$TMP/srv-hc.err")"
stop_server

$capture || skip "the segments need a capture on lo (root, or make setcap)"
# the last ACK of the client is in before the capture stops
for _ in $(seq 50); do grep -q '"type":"conn_end"\|"to":"TIME_WAIT"' "$TMP/hc.jsonl" && break; sleep 0.1; done
kill -TERM "$tracer"
wait "$tracer"
python3 - "$TMP/hc.jsonl" <<'PY' || fail "the segments do not show a half-close"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
segs = [r for r in recs if r["type"] == "packet"]
client = segs[0]["src"]
def desc(r): return "%s %s len=%d" % ("client" if r["src"] == client else "server", r["flags"], r["len"])
fin = next(i for i, r in enumerate(segs) if r["src"] == client and "FIN" in r["flags"])
after = segs[fin + 1:]
data = [r for r in after if r["src"] != client and r["len"] > 0]
if not data:
    sys.exit("no server data after the client's FIN: %s" % [desc(r) for r in segs])
if any(r["src"] != client and r["len"] > 0 for r in segs[:fin]):
    sys.exit("the server sent data before the client's FIN: %s" % [desc(r) for r in segs])
sfin = next((i for i, r in enumerate(after) if r["src"] != client and "FIN" in r["flags"]), None)
if sfin is None or after.index(data[0]) > sfin:
    sys.exit("the server's data must come before its FIN: %s" % [desc(r) for r in segs])
states = [(r["role"], r["to"]) for r in recs if r["type"] == "state"]
if ("server", "CLOSE_WAIT") not in states or ("client", "FIN_WAIT_2") not in states:
    sys.exit("no CLOSE_WAIT / FIN_WAIT_2 half-closed states: %s" % states)
print("segments:", [desc(r) for r in segs])
PY
echo PASS
