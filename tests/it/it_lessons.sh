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
		last=$(grep -n "^== .* $steps/$steps: " "$TMP/out" | cut -d: -f1)
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

# a broken lesson is refused with file and line
printf 'lesson: 3\ntitle: t\nseed: s\nstep: a\nexpect: state client SYN_RECEIVED\n' >"$TMP/bad.lesson"
"$BIN/socklab" lesson --check "$TMP/bad.lesson" 2>"$TMP/err"
[ $? -eq 2 ] || fail "--check of a bad file: exit not 2"
grep -q "^$TMP/bad.lesson:5: unknown state 'SYN_RECEIVED' (expected one of CLOSED LISTEN" "$TMP/err" || fail "check message: $(cat "$TMP/err")"
"$BIN/socklab" lesson --check lessons/*/*.lesson >/dev/null || fail "shipped lessons do not check"
"$BIN/socklab" lesson 99 2>"$TMP/err"; rc=$?
{ [ $rc -eq 2 ] && grep -q "no lesson 99" "$TMP/err"; } || fail "lesson 99: exit $rc"
echo PASS
