#!/usr/bin/env bash
# Lesson 18 on two hosts as a scripted student (root in English, nobody in
# Chinese): a server whose calls are held reads nothing, its window closes
# (an ACK with window 0), the client sends window probes, and once the
# server reads the rest crosses: every checkpoint reached, nothing dropped
# by the wire, nothing of the wire left; the words quote the client's RTO
# from its tcp_info (a plausible one for a 200 ms round trip).
. "$(dirname "$0")/../lib/helpers.sh"
. "$(dirname "$0")/../lib/wire_helpers.sh"
users=$(wire_users)
for user in $users; do
	wire_lesson "$user" 18 "$(wire_lesson_lang "$user")" 0
	# step 2 quotes the client's RTO ({tcp_info:client.rto_ms}), the first probe's timer
	rto=$(kernel_said "$user" 18 "tcpi_rto in the client's tcp_info at the kernel's last look: ([0-9]+) ms" \
		"客户端 ?tcp_info ?里的 ?tcpi_rto ?是 ?([0-9]+) ?ms") ||
		fail "$user: step 2 does not tell the client's RTO"
	echo "$user: step 2 says the client's tcp_info RTO is $rto ms"
	in_range "$user: the client's RTO on a 200 ms round trip (ms)" "$rto" 400 3000
done
echo "PASS: lesson 18 on two hosts, as: $users"
