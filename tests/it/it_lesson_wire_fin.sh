#!/usr/bin/env bash
# Lesson 19 on two hosts as a scripted student (root in English, nobody in
# Chinese): the wire's rule drops the server's FIN (1 frame); the ladder
# shows it ending midway with the server in LAST_ACK, and the FIN sent
# again; every checkpoint reached, nothing of the wire left; and a lesson
# killed with SIGKILL leaves nothing either. The words quote the server's
# tcp_info: its RTO and rtt, the FIN counted once in total_retrans.
. "$(dirname "$0")/../lib/helpers.sh"
. "$(dirname "$0")/../lib/wire_helpers.sh"
users=$(wire_users)
for user in $users; do
	wire_lesson "$user" 19 "$(wire_lesson_lang "$user")" 1
	out="$TMP/lesson-19-$user.out"
	grep -qE '✗─+FIN\|ACK seq=13 ack=7.*│ LAST_ACK' "$out" || fail "$user: no lost FIN with the server in LAST_ACK"
	grep -qE 'FIN\|ACK seq=13 ack=7.*\(ag' "$out" || fail "$user: the server's FIN was not sent again"
	# the words quote the server's tcp_info: its timers, the FIN counted as sent again
	rto=$(kernel_said "$user" 19 "last look: RTO ([0-9]+) ms" "服务器的 ?tcp_info：RTO ?([0-9]+) ?ms") ||
		fail "$user: step 2 does not tell the server's RTO"
	rtt=$(kernel_said "$user" 19 "smoothed round trip ([0-9]+) ms, total_retrans" "平滑往返时间 ?([0-9]+) ?ms，total_retrans") ||
		fail "$user: step 2 does not tell the server's rtt"
	fin=$(kernel_said "$user" 19 "total_retrans = ([0-9]+) \(the FIN sent again\)" "total_retrans ?= ?([0-9]+)（重发的 ?FIN）") ||
		fail "$user: step 2 does not tell the server's total_retrans"
	backoff=$(kernel_said "$user" 19 "retransmits = ([0-9]+)\. retransmits counts" "retransmits ?= ?([0-9]+)。retransmits") ||
		fail "$user: step 2 does not tell the server's retransmits"
	echo "$user: step 2 says the server's tcp_info: rto $rto ms, rtt $rtt ms, total_retrans $fin, retransmits $backoff"
	in_range "$user: the server's RTO (ms)" "$rto" 400 2000
	in_range "$user: the server's rtt (ms)" "$rtt" "$RTT_MIN" "$RTT_MAX"
	in_range "$user: the server's total_retrans (its FIN once)" "$fin" 1 1
	in_range "$user: the server's retransmits" "$backoff" 0 1
	# the kernel view's row in the server's lane when it sent the FIN again
	grep -qE '#1 .*│ (kernel: resent 1, RTO|内核：重发 1，RTO) [0-9]+ ms' "$out" ||
		fail "$user: no kernel row in the server's lane for the FIN sent again"
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
