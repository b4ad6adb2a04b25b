#!/usr/bin/env bash
# socklab run and signals: a blocking accept() interrupted by a signal shows
# as the program saw it. The tracer sees the kernel's ERESTARTSYS at the
# call's exit; that is no errno of the program's. With SA_RESTART (and for
# a signal with no handler, SIGCONT) the kernel restarts the call: one
# accept() record, its result the connection. Without SA_RESTART the
# program gets EINTR: accept() = -1 EINTR, then its own second accept().
# Each signal is sent while the program is in the call: after the call's
# enter record, with the process asleep (state S) and no signal pending.
. "$(dirname "$0")/../lib/helpers.sh"
SINK=$TOOLS/event_sink
PROBE=$TOOLS/restart_probe
if [ ! -x "$SINK" ] || [ ! -x "$PROBE" ]; then fail "$SINK or $PROBE not built (make builds tests/tools)"; fi

# asleep_in_call PID: the process sleeps (in the call whose enter record
# came) with no signal pending; false after 5 s.
asleep_in_call() {
	local i st pnd
	for ((i = 0; i < 100; i++)); do
		st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)
		pnd=$(awk '/^(ShdPnd|SigPnd):/ {print $2}' "/proc/$1/status" 2>/dev/null | sort -u)
		[[ $st == S && $pnd == 0000000000000000 ]] && return 0
		sleep 0.05
	done
	return 1
}

# count FILE REGEX: how many records match.
count() { grep -cE -- "$2" "$1"; }

# probe MODE: runs restart_probe MODE under socklab run, reporting to a
# sink; sets J (its records), OUT, ERR, PID (the probe's), RUNPID.
probe() {
	local mode=$1
	J=$TMP/$mode.jsonl OUT=$TMP/$mode.out ERR=$TMP/$mode.err
	"$SINK" "$TMP/$mode.sock" --go-auto >"$J" &
	STARTED+=($!)
	wait_for_sock "$TMP/$mode.sock"
	# an ASan build's probe: LeakSanitizer cannot work under ptrace and
	# would end the probe with exit 1; socklab run's own leaks stay checked
	"$BIN/socklab" run --events "$TMP/$mode.sock" -- \
		env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" "$PROBE" "$mode" >"$OUT" 2>"$ERR" &
	RUNPID=$!
	STARTED+=("$RUNPID")
	wait_for "$J" '"phase":"enter".*"call":"accept"' || fail "$mode: no accept enter record: $(cat "$J")"
	PID=$(grep -m1 '"call":"accept"' "$J" | sed 's/.*"pid":\([0-9]*\).*/\1/')
	asleep_in_call "$PID" || fail "$mode: the probe is not asleep in accept: $(cat "/proc/$PID/stat")"
}

wait_for_sock() {
	local i
	for ((i = 0; i < 100; i++)); do [ -S "$1" ] && return 0; sleep 0.05; done
	fail "no event channel at $1"
}

# connect_to PORT: one connection, closed at once.
connect_to() { python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1]))).close()' "$1"; }

port_of() { sed -n 's/^port \([0-9]*\)$/\1/p' "$1"; }

command -v python3 >/dev/null || skip "python3 is not installed (make deps installs it)"

# --- restarted: SIGCONT (no handler), then SIGUSR1 with SA_RESTART
probe restart
kill -CONT "$PID"
asleep_in_call "$PID" || fail "restart: not back in accept after SIGCONT"
kill -USR1 "$PID"
wait_for "$OUT" '^signal$' || fail "restart: the handler did not run"
asleep_in_call "$PID" || fail "restart: not back in accept after the handler"
connect_to "$(port_of "$OUT")" || fail "restart: cannot connect"
wait "$RUNPID" || fail "restart: socklab run exited $?"
grep -q 'EINTR' "$OUT" && fail "restart: the program saw EINTR (SA_RESTART was set)"
[ "$(count "$J" '"phase":"enter".*"call":"accept"')" -eq 1 ] || fail "restart: not one accept: $(grep accept "$J")"
[ "$(count "$J" '"phase":"exit".*"call":"accept"')" -eq 1 ] || fail "restart: not one accept exit: $(grep accept "$J")"
grep -E '"phase":"exit".*"call":"accept"' "$J" | grep -q '"ret":4,"errno":null' ||
	fail "restart: accept's exit is not = 4: $(grep accept "$J")"
# the kernel's restart codes, by name or as a return (-512 ... -516); a bare
# 512 matched a time in microseconds once
grep -qE 'EINTR|ERESTART|= -51[2-6]\b' "$ERR" && fail "restart: stderr shows an interruption: $(cat "$ERR")"
[ "$(grep -c 'accept(' "$ERR")" -eq 1 ] || fail "restart: not one accept line: $(cat "$ERR")"
enter=$(grep -E '"phase":"enter".*"call":"accept"' "$J" | sed 's/.*"seq":\([0-9]*\).*/\1/')
exit_seq=$(grep -E '"phase":"exit".*"call":"accept"' "$J" | sed 's/.*"seq":\([0-9]*\).*/\1/')
[ "$enter" = "$exit_seq" ] || fail "restart: enter seq $enter, exit seq $exit_seq"
echo "restart: one accept() = 4 across SIGCONT and SIGUSR1 (SA_RESTART): $(grep 'accept(' "$ERR")"

# --- EINTR: SIGUSR1 without SA_RESTART
probe eintr
kill -USR1 "$PID"
wait_for "$OUT" '^accept: EINTR$' || fail "eintr: the program did not see EINTR"
for ((i = 0; i < 100; i++)); do # the program's own second accept
	[ "$(count "$J" '"phase":"enter".*"call":"accept"')" -eq 2 ] && break
	sleep 0.05
done
asleep_in_call "$PID" || fail "eintr: not asleep in the second accept"
connect_to "$(port_of "$OUT")" || fail "eintr: cannot connect"
wait "$RUNPID" || fail "eintr: socklab run exited $?"
[ "$(count "$J" '"phase":"enter".*"call":"accept"')" -eq 2 ] || fail "eintr: not two accepts: $(grep accept "$J")"
grep -E '"phase":"exit".*"call":"accept"' "$J" | head -n1 | grep -q '"ret":-1,"errno":"EINTR"' ||
	fail "eintr: the first accept is not -1 EINTR: $(grep accept "$J")"
grep -E '"phase":"exit".*"call":"accept"' "$J" | tail -n1 | grep -q '"ret":4,"errno":null' ||
	fail "eintr: the second accept is not = 4: $(grep accept "$J")"
grep -q 'accept(3, NULL, NULL) = -1 EINTR' "$ERR" || fail "eintr: no EINTR line: $(cat "$ERR")"
echo "eintr: accept() = -1 EINTR, then accept() = 4"

n=$(stopped_matching "$TMP")
[ "$n" -eq 0 ] || fail "$n stopped processes left"
