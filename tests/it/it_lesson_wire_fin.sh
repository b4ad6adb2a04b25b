#!/usr/bin/env bash
# Lesson 19 on two hosts as a scripted student (root in English, nobody in
# Chinese): the wire's rule drops the server's FIN (1 frame); the ladder
# shows it ending midway with the server in LAST_ACK, and the FIN sent
# again; every checkpoint reached, nothing of the wire left.
. "$(dirname "$0")/../lib/helpers.sh"
. "$(dirname "$0")/../lib/wire_helpers.sh"
users=$(wire_users)
for user in $users; do
	wire_lesson "$user" 19 "$(wire_lesson_lang "$user")" 1
	out="$TMP/lesson-19-$user.out"
	grep -qE '✗─+FIN\|ACK seq=13 ack=7.*│ LAST_ACK' "$out" || fail "$user: no lost FIN with the server in LAST_ACK"
	grep -qE 'FIN\|ACK seq=13 ack=7.*\(ag' "$out" || fail "$user: the server's FIN was not sent again"
done
echo "PASS: lesson 19 on two hosts, as: $users"
