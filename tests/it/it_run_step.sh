#!/usr/bin/env bash
# socklab run --step with no lab listening behaves as echo-client --step
# does (lab/step.c): with no terminal it says once that nobody listens and
# runs on; in a terminal it holds each socket call until Enter, saying
# "step: press Enter to run CALL(ARGS)". The terminal is a tmux pane.
. "$(dirname "$0")/../lib/helpers.sh"
. "$ROOT/tests/lib/tmux_helpers.sh"
command -v python3 >/dev/null || skip "python3 is not installed (make deps installs it)"
PY=$ROOT/tests/tools/py_echo.py
NONE=$TMP/none.sock # nobody listens here

# server PORT: the Python echo server (not traced), one client.
server() {
	python3 -u "$PY" server "$1" >"$TMP/srv-$1.out" 2>&1 &
	STARTED+=($!)
	wait_for "$TMP/srv-$1.out" listening || fail "the echo server on $1 did not start"
}

# --- no terminal (setsid: no controlling tty): said once, runs on, as echo-client
PORT=$(free_port)
server "$PORT"
setsid -w "$BIN/socklab" run --step -q --events "$NONE" -- python3 "$PY" client "$PORT" x \
	>"$TMP/notty.out" 2>"$TMP/notty.err" </dev/null || fail "socklab run --step with no lab and no terminal: exit $?"
grep -qx "server-x" "$TMP/notty.out" || fail "the client did not run on"
want="step: nobody listens on $NONE and there is no terminal: running without stepping"
[ "$(cat "$TMP/notty.err")" = "$want" ] || fail "socklab run said: $(cat "$TMP/notty.err")"
PORT=$(free_port)
server "$PORT"
setsid -w "$BIN/echo-client" 127.0.0.1 "$PORT" -m x -q --step --events "$NONE" \
	>"$TMP/echo-notty.out" 2>"$TMP/echo-notty.err" </dev/null || fail "echo-client --step with no lab: exit $?"
[ "$(cat "$TMP/echo-notty.err")" = "$want" ] || fail "echo-client says otherwise: $(cat "$TMP/echo-notty.err")"
echo "no terminal: both say \"$want\" and run on"

# --- a terminal: each call waits for Enter (its stderr goes to a file, to
# be counted; the terminal is the pane's)
command -v tmux >/dev/null || skip "tmux is not installed (the terminal half)"
at_exit tmux_cleanup
PORT=$(free_port)
server "$PORT"
LOG=$TMP/tty.err
tm new-session -d -s ui -x 200 -y 50 \
	"$BIN/socklab run --step --events $NONE -- python3 $PY client $PORT x 2>$LOG; echo \$? >$TMP/rc; sleep 600"

# prompts_past N: until more than N prompts are in the log, or the program ended.
prompts_past() {
	local i
	for ((i = 0; i < 200; i++)); do
		[ "$(grep -c "step: press Enter" "$LOG" 2>/dev/null)" -gt "$1" ] && return 0
		[ -s "$TMP/rc" ] && return 0
		sleep 0.05
	done
	return 1
}
released=0
while [ ! -s "$TMP/rc" ] && [ "$released" -lt 40 ]; do
	prompts_past "$released" || fail "no step after $released Enters: $(cat "$LOG")"
	[ -s "$TMP/rc" ] && break
	if tail -n1 "$LOG" | grep -q "step: press Enter to run socket(AF_INET, SOCK_STREAM"; then
		# held, stopped at its entry, until Enter: nothing ran yet
		pid=$(pgrep -f "^[^ ]*python3 [^ ]*py_echo.py client $PORT x$")
		[ "$(ps -o stat= -p "$pid" | cut -c1)" = t ] || fail "the client is not held at socket(): $(pgrep -af "client $PORT")"
		grep -q "client socket(" "$LOG" && fail "socket() ran before Enter"
		held_socket=1
	fi
	tm send-keys -t ui Enter
	released=$((released + 1))
done
[ "$(cat "$TMP/rc")" = 0 ] || fail "socklab run --step in a terminal exited $(cat "$TMP/rc"): $(cat "$LOG")"
[ "${held_socket:-0}" = 1 ] || fail "no step at socket(): $(cat "$LOG")"
wait_screen "server-x" || exit 1
grep -q "client socket(AF_INET, SOCK_STREAM.*) = 3" "$LOG" || fail "socket() did not run: $(cat "$LOG")"
grep -q "step: press Enter to run connect(3, 127.0.0.1:$PORT)" "$LOG" || fail "no step at connect()"
grep -q "client close(3) = 0" "$LOG" || fail "no close line: $(cat "$LOG")"
[ "$(grep -c "step: press Enter" "$LOG")" -eq "$released" ] || fail "$released Enters for $(grep -c "step: press Enter" "$LOG") steps"
echo "terminal: each of $released calls waited for its Enter"
