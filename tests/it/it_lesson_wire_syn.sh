#!/usr/bin/env bash
# Lesson 16 on two hosts as a scripted student (root in English, nobody in
# Chinese): the wire's rules drop the second client's first SYN and the
# third client's first SYN|ACK (2 frames); each is sent again ("again" in
# the ladder), and the second client's connect() blocked at least 1 s (the
# initial RTO): every checkpoint reached, nothing of the wire left.
. "$(dirname "$0")/../lib/helpers.sh"
. "$(dirname "$0")/../lib/wire_helpers.sh"
users=$(wire_users)
for user in $users; do
	wire_lesson "$user" 16 "$(wire_lesson_lang "$user")" 2
	out="$TMP/lesson-16-$user.out"
	grep -qE '#2 .*│──SYN seq=0 .*\(again\)' "$out" || fail "$user: the second client's SYN was not sent again"
	grep -qE '#3 .*SYN\|ACK seq=0 ack=1.*\(aga' "$out" || fail "$user: the server's SYN|ACK was not sent again"
	grep -qE '#2 .*SYN_SENT │──SYN seq=0.*✗' "$out" || fail "$user: the ladder does not show the lost SYN"
	blocked=$(awk '/^== .*2\/4/ { on = 1 } /^== .*3\/4/ { on = 0 }
		on && !t0 && / connect\([0-9]+, / { t0 = $1 }
		on && t0 && / connect\([0-9]+\) = 0/ { print int(($1 - t0) * 1000); exit }' "$out")
	echo "$user: with its first SYN lost, connect() blocked ${blocked:-?} ms"
	[ "${blocked:-0}" -ge 1000 ] || fail "$user: connect() blocked ${blocked:-?} ms, less than the initial RTO (1 s)"
done
echo "PASS: lesson 16 on two hosts, as: $users"
