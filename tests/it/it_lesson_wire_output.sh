#!/usr/bin/env bash
# A step's `show: output` on two hosts: the clients' own lines (echo-client
# prints where it connected and the reply) appear under the step, as on
# loopback. The client on the wire is forked before the step lets it go, so
# where its output goes must be known before that fork. As root in English
# and as nobody in Chinese.
. "$(dirname "$0")/../lib/helpers.sh"
. "$(dirname "$0")/../lib/wire_helpers.sh"
users=$(wire_users)
LESSON_DIR=$TMP/lessons
for lang in en zh; do
	mkdir -p "$LESSON_DIR/$lang"
	cat >"$LESSON_DIR/$lang/50-output.lesson" <<'LESSON'
lesson: 50
title: a client's output on the wire
seed: 客户端打印它的输出
wire: delay=20
say: One client, and what it prints.

step: a client prints
say: The client connects, sends one line, prints the reply and closes.
run: server
run-free: client -m hello
show: output
expect: call client connect exit ret=0
expect: call client close exit ret=0
then: Its lines are above.
LESSON
done
chmod -R a+rX "$LESSON_DIR"
for user in $users; do
	wire_lesson "$user" 50 "$(wire_lesson_lang "$user")" 0
	out="$TMP/lesson-50-$user.out"
	grep -q 'client: connected to 10\.77\.0\.2:[0-9]* from 10\.77\.0\.1:[0-9]*' "$out" ||
		fail "$user: the client's 'connected to' line is not under the step: $(head -n 30 "$out")"
	grep -q 'client: reply: server-hello' "$out" || fail "$user: the client's reply line is not under the step"
done
echo "PASS: show: output on two hosts, as: $users"
