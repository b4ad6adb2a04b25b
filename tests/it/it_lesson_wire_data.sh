#!/usr/bin/env bash
# Lesson 17 on two hosts as a scripted student (root in English, nobody in
# Chinese): the wire's rules drop a reply, the second of a burst of data
# segments, then a reply and its probe (4 frames); each is sent again and
# the checkpoints (lost, retrans) are reached; the ladder shows at least
# four segments ending midway; nothing of the wire left. The words quote
# the kernels' tcp_info: one copy sent again per loss (two for the reply
# and its probe), the rtt (180-260 ms), the machine's congestion control;
# the kernel view's rows in the server's lane show the RTO doubled after
# the RTO's copy.
. "$(dirname "$0")/../lib/helpers.sh"
. "$(dirname "$0")/../lib/wire_helpers.sh"
users=$(wire_users)
for user in $users; do
	wire_lesson "$user" 17 "$(wire_lesson_lang "$user")" 4
	lost=$(grep -c '✗' "$TMP/lesson-17-$user.out")
	[ "$lost" -ge 4 ] || fail "$user: $lost lost segments in the ladder, not 4"
	# the words quote the kernels' tcp_info: one copy sent again per loss, two when the probe
	# was lost too; the connection's congestion control is the machine's
	rtt=$(kernel_said "$user" 17 "tcpi_rtt in its tcp_info: ([0-9]+) ms" "tcp_info ?里的 ?tcpi_rtt：([0-9]+) ?ms") ||
		fail "$user: step 2 does not tell the server's rtt"
	tlp=$(kernel_said "$user" 17 "not a timeout; its tcp_info counts total_retrans = ([0-9]+)" \
		"不是超时；它的 ?tcp_info ?记 ?total_retrans ?= ?([0-9]+)") || fail "$user: step 2 does not tell the server's total_retrans"
	sack=$(kernel_said "$user" 17 "its tcp_info total_retrans = ([0-9]+)" "它的 ?tcp_info ?里 ?total_retrans ?= ?([0-9]+)") ||
		fail "$user: step 3 does not tell the client's total_retrans"
	rto=$(kernel_said "$user" 17 "The server's tcp_info counts total_retrans = ([0-9]+): the probe" \
		"服务器的 ?tcp_info ?记 ?total_retrans ?= ?([0-9]+)：探测") || fail "$user: step 4 does not tell the server's total_retrans"
	cong=$(kernel_said "$user" 17 "as its tcp_info names it: ([a-z0-9_]+)\)" "tcp_info ?里的名字：([a-z0-9_]+)） ?") ||
		fail "$user: step 4 does not tell the congestion control"
	echo "$user: tcp_info: step 2 server rtt $rtt ms, total_retrans $tlp; step 3 client $sack; step 4 server $rto, cong $cong"
	in_range "$user: step 2: the server's rtt (ms)" "$rtt" "$RTT_MIN" "$RTT_MAX"
	in_range "$user: step 2: the server's total_retrans (the probe)" "$tlp" 1 1
	in_range "$user: step 3: the client's total_retrans (only the hole)" "$sack" 1 1
	in_range "$user: step 4: the server's total_retrans (the probe and the RTO's copy)" "$rto" 2 2
	[ "$cong" = "$(cat /proc/sys/net/ipv4/tcp_congestion_control)" ] ||
		fail "$user: step 4: congestion control $cong, the machine's is $(cat /proc/sys/net/ipv4/tcp_congestion_control)"
	# the kernel view's rows in the server's lane of step 4's connection (#4): the probe's
	# copy (resent 1), then the RTO's (resent 2), after which the kernel doubled its RTO
	rto1=$(sed -nE 's/^ *[0-9.]+ #4 .*(kernel: resent|内核：重发) 1[,，] ?RTO ([0-9]+) ms.*/\2/p' "$TMP/lesson-17-$user.out" | head -n 1)
	rto2=$(sed -nE 's/^ *[0-9.]+ #4 .*(kernel: resent|内核：重发) 2[,，] ?RTO ([0-9]+) ms.*/\2/p' "$TMP/lesson-17-$user.out" | head -n 1)
	echo "$user: step 4's kernel rows: resent 1 with RTO ${rto1:-?} ms, resent 2 with RTO ${rto2:-?} ms"
	in_range "$user: step 4: the RTO after the probe (ms)" "$rto1" 400 2000
	[ "$rto2" = $((rto1 * 2)) ] || fail "$user: step 4: the RTO after the RTO's copy is ${rto2:-?} ms, not twice $rto1"
done
echo "PASS: lesson 17 on two hosts, as: $users"
