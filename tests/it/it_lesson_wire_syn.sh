#!/usr/bin/env bash
# Lesson 16 on two hosts as a scripted student (root in English, nobody in
# Chinese): the wire's rules drop the second client's first SYN and the
# third client's first SYN|ACK (2 frames); each is sent again ("again" in
# the ladder), and the second client's connect() blocked at least 1 s (the
# initial RTO): every checkpoint reached, nothing of the wire left. The
# words quote the kernels' tcp_info: the resent SYN and SYN|ACKs counted
# (total_retrans), the round trip measured (180-260 ms).
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
	# the words quote the kernels' tcp_info: the resent SYN counted, a round trip measured
	# all the same, and the SYN|ACKs the server sent again
	resent=$(kernel_said "$user" 16 "counts the resent SYN: total_retrans = ([0-9]+)" \
		"记下了重发的 ?SYN：total_retrans ?= ?([0-9]+)") || fail "$user: step 2 does not tell the client's total_retrans"
	rtt=$(kernel_said "$user" 16 "measured a round trip \(tcpi_rtt\): ([0-9]+) ms" "往返（tcpi_rtt）：([0-9]+) ?ms") ||
		fail "$user: step 2 does not tell the client's rtt"
	synack=$(kernel_said "$user" 16 "the server's socket total_retrans = ([0-9]+)" "服务器套接字的 ?total_retrans ?= ?([0-9]+)") ||
		fail "$user: step 4 does not tell the server's total_retrans"
	syn=$(kernel_said "$user" 16 "the client's ([0-9]+), its SYN" "客户端的是 ?([0-9]+)，它的 ?SYN") ||
		fail "$user: step 4 does not tell the client's total_retrans"
	echo "$user: tcp_info: step 2 client total_retrans $resent, rtt $rtt ms; step 4 server total_retrans $synack, client $syn"
	in_range "$user: step 2: the client's total_retrans (one SYN lost)" "$resent" 1 1
	in_range "$user: step 2: the client's rtt (ms)" "$rtt" "$RTT_MIN" "$RTT_MAX"
	in_range "$user: step 4: the server's total_retrans (SYN|ACKs sent again)" "$synack" 1 3
	in_range "$user: step 4: the client's total_retrans (its SYN sent again)" "$syn" 1 1
done
echo "PASS: lesson 16 on two hosts, as: $users"
