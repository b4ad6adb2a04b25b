#!/usr/bin/env bash
# The event channel as the UI sees it: records arrive from both programs,
# each call's enter before its exit, and the endpoints tie the client's
# connect to the server's accept. --step holds each call until released,
# and without a listener or a terminal the program runs on and says so.
. "$(dirname "$0")/../lib/helpers.sh"
. "$ROOT/tests/lib/lab_helpers.sh"
SINK=$TOOLS/event_sink
[ -x "$SINK" ] || fail "$SINK not built (make builds tests/tools)"
ev=$TMP/ev.sock

# --- events from a server and a client
"$SINK" "$ev" --go-auto >"$TMP/sink.out" &
STARTED+=($!)
for ((i = 0; i < 50; i++)); do [ -S "$ev" ] && break; sleep 0.1; done
start_server ev -q --events "$ev"
client c -q --events "$ev" 127.0.0.1 "$PORT" -m hi || fail "client exit $?"
stop_server
grep -q '"type":"hello","ts_ns":[0-9]*,"proc":"server"' "$TMP/sink.out" || fail "no server hello"
grep -q '"type":"hello","ts_ns":[0-9]*,"proc":"client"' "$TMP/sink.out" || fail "no client hello"
line_of() { grep -n "$1" "$TMP/sink.out" | head -n1 | cut -d: -f1; }
enter=$(line_of '"proc":"client".*"phase":"enter".*"call":"connect"')
exit=$(line_of '"proc":"client".*"phase":"exit".*"call":"connect"')
[[ -n $enter && -n $exit && $enter -lt $exit ]] || fail "connect: enter $enter, exit $exit"
local_ep=$(sed -n "${exit}p" "$TMP/sink.out" | sed 's/.*"local":"\([^"]*\)".*/\1/')
grep -q "\"proc\":\"client\".*\"phase\":\"exit\".*\"call\":\"connect\".*\"peer\":\"127.0.0.1:$PORT\"" "$TMP/sink.out" ||
	fail "connect exit has no peer 127.0.0.1:$PORT"
grep -q "\"proc\":\"server\".*\"phase\":\"exit\".*\"call\":\"accept\".*\"local\":\"127.0.0.1:$PORT\",\"peer\":\"$local_ep\"" \
	"$TMP/sink.out" || fail "no server accept with peer $local_ep"
grep -q '"proc":"server".*"phase":"exit".*"call":"read".*"data":"hi"' "$TMP/sink.out" || fail "no read data"
grep -q '"proc":"client".*"phase":"exit".*"call":"read".*"data":"server-hi"' "$TMP/sink.out" || fail "no reply data"

# --- --step: each call waits for its go
mkfifo "$TMP/go"
"$SINK" "$TMP/step.sock" <"$TMP/go" >"$TMP/step.out" &
STARTED+=($!)
exec 3>"$TMP/go"
for ((i = 0; i < 50; i++)); do [ -S "$TMP/step.sock" ] && break; sleep 0.1; done
PORT=$(free_port)
"$BIN/echo-server" -q --step --events "$TMP/step.sock" -p "$PORT" >"$TMP/srv-step.out" 2>"$TMP/srv-step.err" &
SERVER_PID=$!
STARTED+=("$SERVER_PID")
wait_for "$TMP/step.out" '"type":"step".*"call":"socket"' || fail "no step record for socket"
sleep 0.5
! grep -q '"type":"call"' "$TMP/step.out" || fail "socket ran before its go"
# the go comes back on the program's own connection: no reply socket of its own
! grep -q '"reply"' "$TMP/step.out" || fail "step record names a reply socket"
echo go >&3
wait_for "$TMP/step.out" '"phase":"exit".*"call":"socket"' || fail "socket did not run after go"
wait_for "$TMP/step.out" '"type":"step".*"call":"setsockopt"' || fail "no step for setsockopt"
sleep 0.3
! grep -q '"phase":"enter".*"call":"setsockopt"' "$TMP/step.out" || fail "setsockopt ran before its go"
printf 'go\ngo\ngo\n' >&3 # setsockopt, bind, listen
wait_for "$TMP/srv-step.out" "listening on" || fail "server did not get to listen"
wait_for "$TMP/step.out" '"type":"step".*"call":"accept"' || fail "no step for accept"
stop_server
[ -z "$(find "$TMP" -name 'step-*.sock')" ] || fail "a step reply socket was made"

# --- --step with nobody listening and no terminal: runs, and says so
start_server_notty() {
	PORT=$(free_port)
	setsid "$BIN/echo-server" -q --step --events "$TMP/nobody.sock" -p "$PORT" \
		>"$TMP/srv-notty.out" 2>"$TMP/srv-notty.err" </dev/null &
	SERVER_PID=$!
	STARTED+=("$SERVER_PID")
}
start_server_notty
wait_for "$TMP/srv-notty.out" "listening on" || fail "--step without listener or terminal blocked"
grep -q "running without stepping" "$TMP/srv-notty.err" || fail "no notice about stepping off"
client n -q 127.0.0.1 "$PORT" -m x || fail "client exit $?"
stop_server
echo "ok"
