#!/usr/bin/env bash
# Every lesson, in English and Chinese, runs end to end with a scripted
# student (--auto) on real sockets and reaches its last checkpoint; a
# --script student asks for a hint, predicts wrong and goes back; a broken
# lesson file is refused with its line number.
. "$(dirname "$0")/../lib/helpers.sh"
cd "$ROOT" || exit 1
need_root "lessons capture on lo"

for lang in en zh; do
	for f in lessons/"$lang"/*.lesson; do
		n=$(basename "$f" | sed 's/^0*\([0-9]*\)-.*/\1/')
		steps=$(grep -c '^step:' "$f")
		start=$SECONDS
		timeout 90 "$BIN/socklab" lesson "$n" --lang "$lang" --auto >"$TMP/out" 2>"$TMP/err"
		rc=$?
		[ $rc -eq 0 ] || { tail -n 30 "$TMP/out"; cat "$TMP/err"; fail "lesson $n ($lang): exit $rc"; }
		# the last step was shown and its checkpoint reached after it
		last=$(grep -n "^== .* ${steps}/${steps}[:：]" "$TMP/out" | cut -d: -f1)
		[ -n "$last" ] || fail "lesson $n ($lang): step $steps/$steps never shown"
		tail -n +"$last" "$TMP/out" | grep -q "^检查点已到达：\|^checkpoint reached:" ||
			fail "lesson $n ($lang): last checkpoint not reached"
		# every placeholder was filled: the student never reads {local} or {sysctl:...}
		if grep -n '{[^{} ]*}' "$TMP/out" >"$TMP/left"; then
			cat "$TMP/left"
			fail "lesson $n ($lang): a placeholder reached the student"
		fi
		echo "lesson $n ($lang): $steps steps, $((SECONDS - start)) s"
	done
done

# a student with a script: a hint, a wrong prediction, back one step, quit
printf '%s\n' '' '' h 1 b q >"$TMP/script"
timeout 60 "$BIN/socklab" lesson 2 --lang en --script "$TMP/script" >"$TMP/out" 2>&1
rc=$?
[ $rc -eq 1 ] || { cat "$TMP/out"; fail "scripted lesson 2: exit $rc, expected 1 (quit)"; }
grep -q 'In SYN_SENT the client waits for one thing' "$TMP/out" || fail "scripted: no hint shown"
grep -q 'You predicted "SYN_SENT: it is still waiting for the server"; what happened: ESTABLISHED' "$TMP/out" ||
	fail "scripted: wrong prediction not answered"
grep -q '(back to the previous step)' "$TMP/out" || fail "scripted: no going back"
[ "$(grep -c '== Step 2/4: the client makes its socket ==' "$TMP/out")" -ge 2 ] || fail "scripted: step 2 not shown again"
grep -q 'lesson stopped' "$TMP/out" || fail "scripted: q did not stop"

# a checkpoint that cannot be reached fails naming the step and expectation
mkdir -p "$TMP/dir/en"
cat >"$TMP/dir/en/01-never.lesson" <<'LESSON'
lesson: 1
title: never
seed: x
step: wait for nothing
run: server
expect: call server connect exit
LESSON
timeout 30 "$BIN/socklab" lesson 1 --dir "$TMP/dir" --lang en --auto --timeout 2 >"$TMP/out" 2>"$TMP/err"
[ $? -eq 1 ] || fail "unreachable checkpoint: exit not 1"
grep -q "socklab lesson 1, step 1 'wait for nothing': checkpoint not reached in 2 s" "$TMP/err" || fail "timeout message: $(cat "$TMP/err")"
grep -q "expect: call server connect exit ($TMP/dir/en/01-never.lesson:6)" "$TMP/err" || fail "unmet expectation not named"

# a server that exits before its listen() (its bind() fails: 192.0.2.1, a
# documentation address, is on no interface here) fails the step at once,
# quoting what the server wrote on stderr: its clients could never start.
# Waiting out the step's 60 s instead would meet timeout 30 (exit 124).
mkdir -p "$TMP/gone/en" "$TMP/gone/zh"
cat >"$TMP/gone/en/01-gone.lesson" <<'LESSON'
lesson: 1
title: gone
seed: x
step: a server that cannot bind
run: server -b 192.0.2.1
run: client -m x
timeout: 60
expect: call client connect exit ret=0
LESSON
cp "$TMP/gone/en/01-gone.lesson" "$TMP/gone/zh/"
# the words are wrapped (English at spaces, Chinese anywhere): compared
# with every space and line break taken out
nospace() { tr -d ' \n'; }
declare -A unmet=([en]="socklab lesson 1, step 1 'a server that cannot bind': checkpoint not reached, and the step cannot go on; still waiting for:"
	[zh]='socklab 第 1 课，步骤 1“a server that cannot bind”：没有到达检查点，这一步无法继续；仍在等待：')
declare -A why=([en]="the server exited before its listen() returned, so this step's clients never started. Its last line on stderr:"
	[zh]="服务器在它的 listen() 返回之前就退出了，所以这一步的客户端没有启动。它在 stderr 上的最后一行：")
for lang in en zh; do
	timeout 30 "$BIN/socklab" lesson 1 --dir "$TMP/gone" --lang "$lang" --auto >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ $rc -eq 1 ] || { cat "$TMP/out" "$TMP/err"; fail "$lang: a server gone before listen(): exit $rc, expected 1"; }
	grep -qxF "${unmet[$lang]}" "$TMP/err" || fail "$lang: not said the step cannot go on: $(cat "$TMP/err")"
	nospace <"$TMP/out" >"$TMP/said"
	grep -qF "$(nospace <<<"${why[$lang]}")echo-server:bind192.0.2.1:" "$TMP/said" ||
		{ cat "$TMP/out"; fail "$lang: why not said, or the server's stderr not quoted"; }
	grep -q "cannotassignrequestedaddress" "$TMP/said" || { cat "$TMP/out"; fail "$lang: the server's error not quoted"; }
done

# a step that failed runs again (Enter): fresh programs from the step that
# started the server; a row the step names (fail-seen:) says why it failed
mkdir -p "$TMP/again/en" "$TMP/again/zh"
cp tests/golden/lessons/01-refused.lesson "$TMP/again/en/" || fail "copy the lesson fixture"
sed 's/^fail-say: .*/fail-say: 被拒绝了，正如课程所说。/' "$TMP/again/en/01-refused.lesson" >"$TMP/again/zh/01-refused.lesson"
printf '%s\n' '' '' q >"$TMP/script"
timeout 60 "$BIN/socklab" lesson 1 --dir "$TMP/again" --lang en --script "$TMP/script" >"$TMP/out" 2>&1
rc=$?
[ $rc -eq 1 ] || { cat "$TMP/out"; fail "run again: exit $rc, expected 1 (q after a failure)"; }
[ "$(grep -c '^\[Enter\] run this step again, q quit: ' "$TMP/out")" -eq 2 ] || { cat "$TMP/out"; fail "run again not offered after each failure"; }
grep -q '^(running the step again on fresh programs, from step 1)' "$TMP/out" || fail "run again: not from the server's step"
[ "$(grep -c '^== Step 1/2: a server ==' "$TMP/out")" -eq 2 ] || fail "run again: the server's step did not run again"
[ "$(grep -c '^refused, as the lesson said' "$TMP/out")" -eq 2 ] || fail "fail-say: not said when its row was seen"
# in Chinese: the failure message and the checkpoint lines too
printf '%s\n' '' q >"$TMP/script"
timeout 60 "$BIN/socklab" lesson 1 --dir "$TMP/again" --lang zh --script "$TMP/script" >"$TMP/out" 2>&1
grep -q '^socklab 第 1 课，步骤 2“a client to nobody”：2 秒内没有到达检查点；仍在等待：' "$TMP/out" || { cat "$TMP/out"; fail "zh: failure message not in Chinese"; }
grep -q "^  检查：客户端的 connect() 返回 = 0（$TMP/again/zh/01-refused.lesson:10）" "$TMP/out" || fail "zh: unmet expectation not in Chinese"
grep -q "^  ✓ 服务器的 listen() 返回 = 0$" "$TMP/out" || fail "zh: checkpoint line not in Chinese"
grep -q '^\[回车\] 重新运行本步骤，q 退出：' "$TMP/out" || fail "zh: run again not offered in Chinese"
grep -q '^被拒绝了，正如课程所说。' "$TMP/out" || fail "zh: fail-say not shown"

# q at the last step, its checkpoint reached, finishes the lesson: exit 0
printf '%s\n' '' q >"$TMP/script"
head -n 6 "$TMP/again/en/01-refused.lesson" >"$TMP/dir/en/01-never.lesson"
timeout 60 "$BIN/socklab" lesson 1 --dir "$TMP/dir" --lang en --script "$TMP/script" >"$TMP/out" 2>&1
rc=$?
[ $rc -eq 0 ] || { cat "$TMP/out"; fail "q after the last checkpoint: exit $rc, expected 0"; }
grep -q '^Lesson complete: every checkpoint was reached on real sockets.' "$TMP/out" || fail "q after the last checkpoint: not said complete"
grep -q 'lesson stopped' "$TMP/out" && fail "q after the last checkpoint: said stopped"

# a lesson killed with -9 leaves its channel directory in /tmp; the next
# lesson removes it (nobody listens on its socket), and keeps a live one's
mkdir -p "$TMP/slow/en"
printf 'lesson: 1\ntitle: t\nseed: s\nstep: wait\nrun: server\ntimeout: 60\nexpect: call server connect exit\n' >"$TMP/slow/en/01-slow.lesson"
# the channel directory a lesson's programs were given (--events PATH)
channel_dir() { pgrep -a -P "$1" | grep -o '/tmp/socklab-lesson-[^/ ]*' | head -n 1; }
"$BIN/socklab" lesson 1 --dir "$TMP/slow" --lang en --auto >/dev/null 2>&1 &
killed=$!
"$BIN/socklab" lesson 1 --dir "$TMP/slow" --lang en --auto >/dev/null 2>&1 &
alive=$!
at_exit "kill $alive 2>/dev/null"
for _ in $(seq 1 100); do [ -n "$(channel_dir $killed)" ] && [ -n "$(channel_dir $alive)" ] && break; sleep 0.1; done
stale=$(channel_dir $killed)
live=$(channel_dir $alive)
{ [ -n "$stale" ] && [ -n "$live" ]; } || fail "the lessons' channel directories not found"
mapfile -t kids < <(pgrep -P "$killed")
kill -9 "$killed" "${kids[@]}"
wait "$killed" 2>/dev/null
[ -S "$stale/events.sock" ] || fail "kill -9 left no channel behind ($stale): nothing to test"
timeout 60 "$BIN/socklab" lesson 2 --lang en --auto >/dev/null 2>&1 || fail "lesson 2 after a killed lesson"
[ ! -e "$stale" ] || fail "the killed lesson's $stale was not removed"
kill -0 "$alive" 2>/dev/null || fail "the live lesson died"
[ -S "$live/events.sock" ] || fail "the live lesson's channel $live was removed"
kill "$alive"; wait "$alive" 2>/dev/null

# a broken lesson is refused with file and line
printf 'lesson: 3\ntitle: t\nseed: s\nstep: a\nexpect: state client SYN_RECEIVED\n' >"$TMP/bad.lesson"
"$BIN/socklab" lesson --check "$TMP/bad.lesson" 2>"$TMP/err"
[ $? -eq 2 ] || fail "--check of a bad file: exit not 2"
grep -q "^$TMP/bad.lesson:5: unknown state 'SYN_RECEIVED' (expected one of CLOSED LISTEN" "$TMP/err" || fail "check message: $(cat "$TMP/err")"
"$BIN/socklab" lesson --check lessons/*/*.lesson >/dev/null || fail "shipped lessons do not check"
"$BIN/socklab" lesson 99 2>"$TMP/err"; rc=$?
{ [ $rc -eq 2 ] && grep -q "no lesson 99" "$TMP/err"; } || fail "lesson 99: exit $rc"
echo PASS
