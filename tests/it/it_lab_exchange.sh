#!/usr/bin/env bash
# echo-server and echo-client exchange messages in every server mode, over
# IPv4 and IPv6, TCP and UDP; a second client is served while a first one
# holds its connection, except in iterative mode where it must wait.
. "$(dirname "$0")/../lib/helpers.sh"
. "$ROOT/tests/lib/lab_helpers.sh"

addrs="127.0.0.1"
if have_ipv6; then addrs="$addrs ::1"; else echo "note: no ::1 on this machine, IPv6 not tested"; fi

for addr in $addrs; do
	for mode in thread fork iterative epoll; do
		start_server "$mode" -q -b "$addr" --mode "$mode"
		client c1 -q "$addr" "$PORT" -m one -m "two words" || fail "$mode $addr: client exit $?"
		grep -qx "reply: server-one" "$TMP/c1.out" || fail "$mode $addr: no reply to one"
		grep -qx "reply: server-two words" "$TMP/c1.out" || fail "$mode $addr: no reply to two"
		wait_for "$TMP/srv-$mode.out" "received from .*: two words" || fail "$mode $addr: server did not print"

		# concurrency: client a holds its connection while b comes. The order
		# of the server's own lines tells who was served when (a process
		# that has closed may still be exiting, slowly under ASan), so no
		# clock decides it. Iterative: a leaves after 1 s and only then is b
		# read; the others: a stays until b is done and is stopped then.
		hold=30000
		[ "$mode" = iterative ] && hold=1000
		# emptied first: the redirection runs in the child, and until then
		# wait_for would read the last mode's reply and port
		: >"$TMP/a.out"
		timeout 40 "$BIN/echo-client" -q "$addr" "$PORT" -m a --hold "$hold" >"$TMP/a.out" 2>&1 &
		apid=$!
		wait_for "$TMP/a.out" "reply: server-a" || fail "$mode $addr: client a got no reply"
		aport=$(sed -n 's/^connected to .* from .*:\([0-9]*\)$/\1/p' "$TMP/a.out")
		client b -q "$addr" "$PORT" -m b || fail "$mode $addr: client b exit $?"
		bport=$(sed -n 's/^connected to .* from .*:\([0-9]*\)$/\1/p' "$TMP/b.out")
		[ "$mode" = iterative ] || kill "$apid"
		wait_for "$TMP/srv-$mode.out" "connection from .*:$aport closed" || fail "$mode $addr: a's close not seen"
		order=$(grep -n -e "received from .*:$bport: b" -e "connection from .*:$aport closed" "$TMP/srv-$mode.out" |
			sed 's/:.*received.*/ b/; s/:.*closed$/ a-closed/' | sort -n | awk '{print $2}' | tr '\n' ' ')
		if [ "$mode" = iterative ]; then
			[ "$order" = "a-closed b " ] || fail "iterative: b was served while a was connected ($order)"
		else
			[ "$order" = "b a-closed " ] || fail "$mode: b was served only after a left ($order)"
		fi
		grep -qx "reply: server-b" "$TMP/b.out" || fail "$mode $addr: no reply to b"
		wait "$apid"
		stop_server
		wait_for "$TMP/srv-$mode.out" "connection from .* closed" || fail "$mode $addr: no close line"
	done

	start_server udp -q -b "$addr" --udp
	client u -q --udp "$addr" "$PORT" -m dgram || fail "udp $addr: client exit $?"
	grep -qx "reply: server-dgram" "$TMP/u.out" || fail "udp $addr: no reply"
	grep -q "received from .*: dgram" "$TMP/srv-udp.out" || fail "udp $addr: server did not print"
	stop_server
done

# interactive: lines from stdin, q quits
start_server inter -q
printf 'hello there\n\nQ\nnot sent\n' | timeout 10 "$BIN/echo-client" -q 127.0.0.1 "$PORT" >"$TMP/i.out" 2>&1 ||
	fail "interactive client exit $?"
grep -qx "reply: server-hello there" "$TMP/i.out" || fail "interactive: no reply"
! grep -q "not sent" "$TMP/srv-inter.out" || fail "interactive: sent a line after Q"
stop_server
echo "ok"
