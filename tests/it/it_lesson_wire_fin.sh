#!/usr/bin/env bash
# Lesson 19 on two hosts as a scripted student (root in English, nobody in
# Chinese): the wire's rule drops the server's FIN (1 frame); the ladder
# shows it ending midway with the server in LAST_ACK, and the FIN sent
# again; every checkpoint reached, nothing of the wire left; and a lesson
# killed with SIGKILL leaves nothing either.
. "$(dirname "$0")/../lib/helpers.sh"
. "$(dirname "$0")/../lib/wire_helpers.sh"
users=$(wire_users)
for user in $users; do
	wire_lesson "$user" 19 "$(wire_lesson_lang "$user")" 1
	out="$TMP/lesson-19-$user.out"
	grep -qE '✗─+FIN\|ACK seq=13 ack=7.*│ LAST_ACK' "$out" || fail "$user: no lost FIN with the server in LAST_ACK"
	grep -qE 'FIN\|ACK seq=13 ack=7.*\(ag' "$out" || fail "$user: the server's FIN was not sent again"
done
echo "lesson 19 on two hosts, as: $users"

# A lesson killed with SIGKILL mid-step leaves nothing: its launchers
# (PR_SET_PDEATHSIG), their programs, the relay, the hosts' namespaces.
"$BIN/socklab" lesson 19 --auto --lang en --timeout 60 >"$TMP/kill.out" 2>"$TMP/kill.err" &
lab=$!
for ((i = 0; i < 400; i++)); do # until the server runs on its host (20 s)
	server=$(pgrep -f "echo-server -p 7000 -b 10.77.0.2" | head -n 1)
	[ -n "$server" ] && break
	sleep 0.05
done
[ -n "$server" ] || fail "the killed lesson's server never started"
netns=$(readlink "/proc/$server/ns/net")
family=$(pgrep -P "$lab" | tr '\n' ' ')
for p in $family; do family="$family $(pgrep -P "$p" | tr '\n' ' ')"; done
kill -9 "$lab"
wait "$lab" 2>/dev/null
for p in $family; do
	for ((i = 0; i < 100; i++)); do running "$p" || break; sleep 0.05; done
	running "$p" && fail "after SIGKILL of the lesson, $p ($(cat "/proc/$p/comm" 2>/dev/null)) is still running"
done
for ((i = 0; i < 100; i++)); do ns_gone "$netns" && break; sleep 0.05; done
ns_gone "$netns" || fail "after SIGKILL of the lesson, the server's host ($netns) is still there"
left=$(orphans_gone) || fail "after SIGKILL of the lesson: relays left: $left"
echo "SIGKILL of the lesson: its $(wc -w <<<"$family") processes and the server's host are gone"
echo "PASS: lesson 19 on two hosts, as: $users; a killed lesson leaves nothing"
