#!/usr/bin/env bash
# socklab demo in a real terminal (tmux, 100x60: every row fits): the ladder shows the
# calls, arrows and states in the right rows, navigation goes back in time,
# q quits and leaves no lab process behind; without a terminal it says so once.
. "$(dirname "$0")/../lib/helpers.sh"
cd "$ROOT" || exit 1
. "$ROOT/tests/lib/tmux_helpers.sh"
ui_test_start

# not a terminal: said once, exit 1 (a failed curses start was once also
# said again by the end of the run)
for args in "demo" "demo --lang zh" "replay tests/golden/echo.jsonl"; do
	# shellcheck disable=SC2086 # the arguments are words
	"$BIN/socklab" $args </dev/null >"$TMP/notty.out" 2>&1
	rc=$?
	[ $rc -eq 1 ] || fail "socklab $args without a terminal: exit $rc"
	said="not a terminal: use --plain"
	[[ $args == *"--lang zh"* ]] && said="不是终端：用 --plain 输出文本" # the session's language
	[ "$(grep -c "$said" "$TMP/notty.out")" -eq 1 ] ||
		fail "socklab $args without a terminal: not said once: $(cat "$TMP/notty.out")"
done

ui_session 100x60 "$BIN/socklab demo; echo EXITED \$?; sleep 30"
wait_screen "SERVER CLOSED" 10 || exit 1
mapfile -t kids < <(ui_children)
[ ${#kids[@]} -gt 0 ] || { echo "FAIL: the demo started no lab process"; exit 1; }
# the lab programs run unprivileged: none may hold socklab's packet socket
for k in "${kids[@]}"; do
	for fd in /proc/"$k"/fd/*; do
		ino=$(readlink "$fd" | sed -n 's/^socket:\[\([0-9]*\)\]$/\1/p')
		[ -n "$ino" ] && awk -v i="$ino" '$NF == i { found = 1 } END { exit !found }' /proc/net/packet &&
			{ echo "FAIL: lab process $k ($(ps -o args= -p "$k")) inherited the capture socket"; exit 1; }
	done
done
# the calls come on the event channel, not the wire: the last of each side's
# before anything is checked (the demo's fds: client 3, server's accepted 4)
wait_screen "close(3) = 0 " 5 || exit 1
wait_screen "│ close(4) = 0" 5 || exit 1
# the handshake, bracketed by connect's enter and exit, in this order
line_re() { screen | grep -nE -m1 -- "$1" | cut -d: -f1 | grep . || echo 0; }
connect=$(line_re 'connect\([0-9]+, 127')
syn=$(line_of "──SYN seq=0")
synack=$(line_of "SYN|ACK seq=0 ack=1──│")
ack=$(line_of "──ACK seq=1 ack=1")
ret=$(line_re 'connect\([0-9]+\) = 0')
echo "rows: connect $connect, SYN $syn, SYN|ACK $synack, ACK $ack, connect returns $ret"
[[ $connect -gt 0 && $connect -lt $syn && $syn -lt $synack && $synack -lt $ack &&
	$ack -lt ${ret:-0} ]] || fail "the handshake rows are out of order"
# states in the lanes of the rows that caused them
screen | grep -qE 'SYN_SENT │──SYN seq=0' || fail "SYN_SENT is not on the SYN row"
# the client's ESTABLISHED on the SYN|ACK that caused it (its ACK showed it arrived), the server's on the ACK
screen | grep -qE 'ESTABLISHED │◀─+SYN\|ACK' || fail "client ESTABLISHED is not on the SYN|ACK row"
screen | grep -qE '──ACK seq=1 ack=1─+▶│ ESTABLISHED' || fail "server ESTABLISHED is not on the ACK row"
screen | grep -qE 'FIN_WAIT_1 │──FIN\|ACK' || fail "FIN_WAIT_1 is not on the client's FIN row"
screen | grep -qE 'TIME_WAIT │◀─+FIN\|ACK.*LAST_ACK' || fail "TIME_WAIT/LAST_ACK are not on the server's FIN row"
screen | grep -qE '──ACK seq=7 ack=14─+▶│ CLOSED' || fail "server CLOSED is not on the client's last ACK row"
screen | grep -qE 'CLIENT TIME_WAIT [0-9]+s' || fail "no TIME_WAIT countdown in the header"

# back to the start: the header shows the states as they were then
tm send-keys -t ui g
wait_screen "CLIENT CLOSED" 3 || exit 1
screen | grep -q "SERVER LISTEN" || fail "server state at the first row should be LISTEN"
screen | grep -q "paused" || fail "moving by hand should pause following"
# down to the SYN|ACK row: client ESTABLISHED, server SYN_RCVD
keys_until "SYN|ACK: the server accepts" || exit 1
wait_screen "CLIENT ESTABLISHED" 3 || exit 1
screen | grep -q "SERVER SYN_RCVD" || fail "server state at the SYN|ACK row should be SYN_RCVD"
# details of that packet: absolute numbers and options
tm send-keys -t ui d
wait_screen "option MSS" 3 || exit 1
screen | grep -q "seq 0 (absolute" || fail "details lack the absolute sequence number"
tm send-keys -t ui Escape
# help overlay
tm send-keys -t ui '?'
wait_screen "socklab keys" 3 || exit 1
tm send-keys -t ui q
sleep 0.3
# search: the first close() call
tm send-keys -t ui g / c l o s e "(" Enter
wait_screen "releases the descriptor" 3 || exit 1

# a terminal too small says so, and nothing of the old screen stays (the
# last cell of the last line included)
tm resize-window -t ui -x 70 -y 20
wait_screen "terminal too small: 70x20" 3 || exit 1
[ -z "$(tm capture-pane -p -t ui | sed -n '20p' | tr -d ' ')" ] ||
	fail "a stray character at 70x20: '$(tm capture-pane -p -t ui | sed -n '20p')'"
tm resize-window -t ui -x 100 -y 60
wait_screen "connection #1" 3 || exit 1

pid=$(tm list-panes -t ui -F '#{pane_pid}')
tm send-keys -t ui q
wait_screen "EXITED 0" 5 || exit 1
sleep 0.5
no_orphans "${kids[@]}" || exit 1

# half-close at 100x30 in --big: the client's shutdown() comes before it reads
# the reply, and the server's data segment comes after the client's FIN;
# the calls and segments read in full (no "connect(3, 127.0.0.1:466…")
tm kill-session -t ui
ui_session 100x30 "$BIN/socklab demo half-close --big; echo EXITED \$?; sleep 30"
wait_screen "SERVER CLOSED" 10 || exit 1
wait_screen "close(3) = 0" 5 || exit 1
tm send-keys -t ui g
wait_screen "CLIENT CLOSED" 3 || exit 1
seen=$TMP/halfclose.screens
for _ in $(seq 1 40); do
	screen >>"$seen"
	grep -q "close(3) = 0" <(screen | sed -n '2,22p') && break
	tm send-keys -t ui PgDn
	sleep 0.1
done
grep -qE 'connect\(3, 127\.0\.0\.1:[0-9]+\) …' "$seen" || fail "--big cuts the connect call: $(grep connect "$seen" | head -3)"
grep -q ':…' "$seen" && fail "--big cuts an address: $(grep ':…' "$seen" | head -3)"
# the rows in order (each screen's rows are in time order; the first match of each counts)
order=$(grep -oE 'shutdown\(3, SHUT_WR\) …|FIN\|ACK seq=6 ack=1─|◀─+PSH\|ACK seq=1 ack=7 len=12|read\(3\) = 12 "server-hello"|read\(3\) = 0' "$seen" |
	sed 's/─*$//; s/^◀─*//' | awk '!seen[$0]++' | tr '\n' ';')
echo "half-close rows: $order"
[ "$order" = 'shutdown(3, SHUT_WR) …;FIN|ACK seq=6 ack=1;PSH|ACK seq=1 ack=7 len=12;read(3) = 12 "server-hello";read(3) = 0;' ] ||
	fail "the half-close rows are not shutdown, FIN, the server's data, the reply, EOF"
tm send-keys -t ui q
wait_screen "EXITED 0" 5 || exit 1
echo "PASS (shell pid $pid)"
