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

# --- a terminal: each call waits for Enter
command -v tmux >/dev/null || skip "tmux is not installed (the terminal half)"
at_exit tmux_cleanup
PORT=$(free_port)
server "$PORT"
tm new-session -d -s ui -x 200 -y 50 \
	"$BIN/socklab run --step --events $NONE -- python3 $PY client $PORT x; echo \"exit \$?\"; sleep 600"
# Enter for each call until the client's socket(): Python's import of
# selectors makes and closes an epoll set before it
for ((i = 0; i < 5; i++)); do
	wait_screen "step: press Enter to run" || exit 1
	screen | grep -q "step: press Enter to run socket(AF_INET" && break
	n=$(screen | grep -c "step: press Enter")
	tm send-keys -t ui Enter
	for ((k = 0; k < 100; k++)); do
		[ "$(screen | grep -c "step: press Enter")" -gt "$n" ] && break
		sleep 0.05
	done
done
screen | grep -q "step: press Enter to run socket(AF_INET, SOCK_STREAM" || fail "no step at socket()"
pid=$(pgrep -f "py_echo.py client $PORT x" | while read -r p; do [ "$(ps -o stat= -p "$p" | cut -c1)" = t ] && echo "$p"; done | head -n1)
[ -n "$pid" ] || fail "the client is not held (stopped) at its socket() step: $(ps -eo pid,stat,args | grep "client $PORT")"
screen | grep -q "client socket(" && fail "socket() ran before Enter"
tm send-keys -t ui Enter
wait_screen "step: press Enter to run connect(3, 127.0.0.1:$PORT)" || exit 1
screen | grep -q "client socket(AF_INET, SOCK_STREAM.*) = 3" || fail "socket() did not run after Enter"
for ((i = 0; i < 20; i++)); do
	screen | grep -q "^exit " && break
	n=$(screen | grep -c "step: press Enter")
	tm send-keys -t ui Enter
	for ((k = 0; k < 100; k++)); do
		[ "$(screen | grep -c "step: press Enter\|^exit ")" -gt "$n" ] && break
		sleep 0.05
	done
done
wait_screen "exit 0" || exit 1
screen | grep -qx "server-x" || fail "the client's echo is not on the screen"
screen | grep -q "client close(3) = 0" || fail "no close line"
echo "terminal: each call waited for Enter ($(screen | grep -c "step: press Enter") steps)"
