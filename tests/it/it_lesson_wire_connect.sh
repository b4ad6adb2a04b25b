#!/usr/bin/env bash
# Lesson 15 on two hosts (its file's wire: delay=100) as a scripted student,
# as root in English and as nobody in Chinese: every checkpoint reached;
# the second client's connect() blocked at least one round trip (200 ms);
# the late accept() of step 3 returned with no segment on the wire between
# its call and its return; nothing of the wire left; step 2's words quote
# the client's smoothed rtt from its tcp_info, 180-260 ms.
. "$(dirname "$0")/../lib/helpers.sh"
. "$(dirname "$0")/../lib/wire_helpers.sh"
users=$(wire_users)
for user in $users; do
	wire_lesson "$user" 15 "$(wire_lesson_lang "$user")" 0
	out="$TMP/lesson-15-$user.out"
	# step 2: connect( ... ) to connect(N) = 0
	blocked=$(awk '/^== .*2\/3/ { on = 1 } /^== .*3\/3/ { on = 0 }
		on && !t0 && / connect\([0-9]+, / { t0 = $1 }
		on && t0 && / connect\([0-9]+\) = 0/ { print int(($1 - t0) * 1000); exit }' "$out")
	echo "$user: step 2's connect() blocked ${blocked:-?} ms"
	[ "${blocked:-0}" -ge 200 ] || fail "$user: connect() blocked ${blocked:-?} ms, less than a round trip"
	# step 3: between accept( ... ) and accept(N) = M no packet row
	between=$(awk '/^== .*3\/3/ { on = 1 }
		on && / accept\([0-9]+, / { inside = 1; n = 0; next }
		on && inside && / accept\([0-9]+\) = [0-9]/ { print n; exit }
		on && inside && /(──|◀|▶)/ { n++ }' "$out")
	[ "$between" = 0 ] || fail "$user: ${between:-no} packet rows between the late accept() and its return"
	# step 2's words quote the client's tcp_info ({tcp_info:client.rtt_ms}): the wire's round trip
	rtt=$(kernel_said "$user" 15 "tcp_info \(tcpi_rtt\) is ([0-9]+) ms" "平滑往返时间（tcpi_rtt）是 ?([0-9]+) ?ms") ||
		fail "$user: lesson 15 does not tell the client's tcp_info rtt"
	echo "$user: step 2 says the client's tcp_info rtt is $rtt ms"
	in_range "$user: the client's smoothed rtt on the 200 ms round trip (ms)" "$rtt" "$RTT_MIN" "$RTT_MAX"
done
echo "PASS: lesson 15 on two hosts, as: $users"
