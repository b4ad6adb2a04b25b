#!/usr/bin/env bash
# Nothing of the wire outlives its lab (issue 14), as root and as nobody:
# after a normal exit, SIGINT, SIGKILL of the lab, and a step that fails,
# no relay process (socklab-wire) is left and the hosts' network namespaces
# are gone (no process in them, none holding them). A relay an earlier run
# left behind (played here by a program named socklab-wire whose parent is
# no lab) is cleaned by the next start, which says how many it cleaned.
. "$(dirname "$0")/../lib/helpers.sh"
. "$(dirname "$0")/../lib/wire_helpers.sh"
users=$(wire_users)

# ids OUT: the namespaces and relay pid a "wire up" line in OUT names
ids() { sed -n 's/^wire up: client \(net:\[[0-9]*\]\) server \(net:\[[0-9]*\]\) relay \([0-9]*\).*/\1 \2 \3/p' "$1"; }

# all_gone WHAT OUT: the wire OUT announced is gone
all_gone() {
	local c s r
	read -r c s r <<<"$(ids "$2")"
	[ -n "$r" ] || fail "$1: no 'wire up' line"
	relay_gone "$r" || fail "$1: the relay $r is still running"
	ns_gone "$c" || fail "$1: the client host's namespace $c is still there"
	ns_gone "$s" || fail "$1: the server host's namespace $s is still there"
	echo "$1: relay $r, namespaces $c $s: gone"
}

# held USER NAME SIGNAL: a lab holding the wire (a program on each host),
# ended by SIGNAL once the wire is up
held() {
	local user=$1 name=$2 sig=$3 out=$TMP/$2-$1.out pid i
	as "$user" "$WIRE_LAB" --delay 10 -- sleep 600 >"$out" 2>"$TMP/$name-$user.err" &
	pid=$!
	STARTED+=("$pid")
	wait_for "$out" "^wire up" 10 || fail "$user $name: the wire never came up"
	# the lab is the oldest wire_lab (the relay, its child, has the same command line)
	lab=$(pgrep -o -f "^$WIRE_LAB --delay 10 -- sleep 600") || fail "$user $name: no lab process"
	kill -"$sig" "$lab"
	for ((i = 0; i < 100; i++)); do kill -0 "$lab" 2>/dev/null || break; sleep 0.05; done
	wait "$pid" 2>/dev/null
	all_gone "$user $name" "$out"
}

for user in $users; do
	# a normal exit: the client's command ends
	as "$user" "$WIRE_LAB" --delay 10 -- sleep 600 + true >"$TMP/exit-$user.out" 2>"$TMP/exit-$user.err" ||
		fail "$user: wire_lab failed"
	all_gone "$user exit" "$TMP/exit-$user.out"
	held "$user" sigint INT
	grep -q '^relay: rx' "$TMP/sigint-$user.out" || fail "$user: SIGINT: the lab did not close the wire itself"
	held "$user" sigkill KILL
	# the next start finds nothing left of the killed run
	as "$user" "$WIRE_LAB" --delay 1 -- true + true >"$TMP/next-$user.out" 2>&1 || fail "$user: the next start failed"
	grep -q "cleaned 0" "$TMP/next-$user.out" || fail "$user: after SIGKILL the next start cleaned something"
	# a step that fails (the relay's log cannot be written) after the
	# namespaces were made: an error, and nothing left
	if as "$user" "$WIRE_LAB" --delay 1 --log /nonexistent/dir/log -- true + true >"$TMP/fail-$user.out" 2>"$TMP/fail-$user.err"; then
		fail "$user: a relay that cannot write its log started"
	fi
	grep -q "wire relay: log /nonexistent/dir/log: no such file or directory" "$TMP/fail-$user.err" ||
		fail "$user: the failing step's error: $(cat "$TMP/fail-$user.err")"
	left=$(orphans_gone) || fail "$user: relays left after the failing step: $left"
	echo "$user failing step: $(cat "$TMP/fail-$user.err"); nothing left"
done

# a relay left behind by an earlier run: a program named socklab-wire whose
# parent is not a lab
cp "$(command -v sleep)" "$TMP/socklab-wire"
(setsid "$TMP/socklab-wire" 600 >/dev/null 2>&1 &)
for ((i = 0; i < 100; i++)); do [ -n "$(orphan_relays)" ] && break; sleep 0.05; done
left=$(orphan_relays)
[ -n "$left" ] || fail "the stand-in leftover did not start"
"$WIRE_LAB" --delay 1 -- true + true >"$TMP/clean.out" 2>&1 || fail "the start after a leftover failed"
grep -q "cleaned [1-9]" "$TMP/clean.out" || fail "the leftover $left was not cleaned: $(head -n1 "$TMP/clean.out")"
relay_gone "$left" || fail "the leftover $left is still running"
echo "a leftover relay ($left) was cleaned by the next start"
echo "PASS: nothing of the wire outlives its lab, as: $users"
