#!/usr/bin/env bash
# socklab demo --step in a real terminal: the lab programs wait before each
# socket call, and each space lets exactly one call run.
. "$(dirname "$0")/../lib/helpers.sh"
cd "$ROOT" || exit 1
. "$ROOT/tests/lib/tmux_helpers.sh"
ui_test_start

# calls that have entered: rows with a call that are not its return ("= N")
entered() { screen | sed -n '4,50p' | grep -E '[a-z_]+\(' | grep -cvE '\) = -?[0-9]'; }

tm new-session -d -s ui -x 160 -y 60 "$BIN/socklab demo --step; echo EXITED \$?; sleep 30"
wait_screen "space: let server socket() run" 10 || exit 1
mapfile -t kids < <(ui_children)
[ ${#kids[@]} -gt 0 ] || { echo "FAIL: the demo started no lab process"; exit 1; }
[ "$(entered)" -eq 0 ] || { echo "FAIL: a call ran before any key"; screen; exit 1; }
for k in $(seq 1 8); do
	tm send-keys -t ui Space
	for _ in $(seq 1 30); do [ "$(entered)" -ge "$k" ] && break; sleep 0.1; done
	sleep 0.4 # time for a second call to sneak in, if one could
	n=$(entered)
	if [ "$n" -ne "$k" ]; then
		echo "FAIL: after $k presses $n calls have run"; screen; exit 1
	fi
	echo "press $k: $n calls ($(screen | tail -n1 | cut -c1-40))"
done
# the 8 calls: server socket setsockopt bind listen accept, client socket connect...
screen | grep -qE 'listen\([0-9]+\) = 0' || { echo "FAIL: listen did not run"; screen; exit 1; }
screen | grep -qE 'SYN_SENT │──SYN seq=0' || { echo "FAIL: connect did not send its SYN"; screen; exit 1; }
tm send-keys -t ui q
wait_screen "EXITED 0" 5 || exit 1
sleep 0.5
no_orphans "${kids[@]}" || exit 1
echo PASS
