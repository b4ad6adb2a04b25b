#!/usr/bin/env bash
# Lesson 18 on two hosts as a scripted student (root in English, nobody in
# Chinese): a server whose calls are held reads nothing, its window closes
# (an ACK with window 0), the client sends window probes, and once the
# server reads the rest crosses: every checkpoint reached, nothing dropped
# by the wire, nothing of the wire left.
. "$(dirname "$0")/../lib/helpers.sh"
. "$(dirname "$0")/../lib/wire_helpers.sh"
users=$(wire_users)
for user in $users; do
	wire_lesson "$user" 18 "$(wire_lesson_lang "$user")" 0
done
echo "PASS: lesson 18 on two hosts, as: $users"
