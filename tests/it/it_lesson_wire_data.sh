#!/usr/bin/env bash
# Lesson 17 on two hosts as a scripted student (root in English, nobody in
# Chinese): the wire's rules drop a reply, the second of a burst of data
# segments, then a reply and its probe (4 frames); each is sent again and
# the checkpoints (lost, retrans) are reached; the ladder shows at least
# four segments ending midway; nothing of the wire left.
. "$(dirname "$0")/../lib/helpers.sh"
. "$(dirname "$0")/../lib/wire_helpers.sh"
users=$(wire_users)
for user in $users; do
	wire_lesson "$user" 17 "$(wire_lesson_lang "$user")" 4
	lost=$(grep -c '✗' "$TMP/lesson-17-$user.out")
	[ "$lost" -ge 4 ] || fail "$user: $lost lost segments in the ladder, not 4"
done
echo "PASS: lesson 17 on two hosts, as: $users"
