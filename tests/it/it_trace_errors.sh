#!/usr/bin/env bash
# Bad input gets one clear line naming the thing and a non-zero exit.
. "$(dirname "$0")/../lib/helpers.sh"
failed=0

# expect EXIT_CODE PATTERN -- command...: exit code, and one stderr line matching PATTERN
expect() {
	local want=$1 pattern=$2; shift 3
	"$@" >"$TMP/out" 2>"$TMP/err"
	local rc=$?
	local lines; lines=$(wc -l <"$TMP/err")
	if [ "$rc" -ne "$want" ] || ! grep -qE -- "$pattern" "$TMP/err" || [ "$lines" -ne 1 ]; then
		echo "FAIL: $*: exit $rc (want $want), stderr ($lines lines):"; cat "$TMP/err"
		failed=1
	fi
}

printf 'this is not a capture file\n' >"$TMP/garbage.pcap"
head -c 300 "$(dirname "$0")/../golden/echo.pcap" >"$TMP/cut.pcap"
: >"$TMP/empty.pcap"

expect 1 "read .*missing.pcap: .*No such file" -- "$BIN/socklab-trace" -r "$TMP/missing.pcap"
expect 1 "read .*garbage.pcap: .*(format|pcap)" -- "$BIN/socklab-trace" -r "$TMP/garbage.pcap"
expect 1 "read .*empty.pcap" -- "$BIN/socklab-trace" -r "$TMP/empty.pcap"
expect 1 "cut.pcap: .*truncated" -- "$BIN/socklab-trace" -r "$TMP/cut.pcap"
expect 1 "filter 'tcp port banana'" -- "$BIN/socklab-trace" -r "$(dirname "$0")/../golden/echo.pcap" -f 'tcp port banana'
expect 2 "port '70000'" -- "$BIN/socklab-trace" -p 70000
expect 2 "try --help" -- "$BIN/socklab-trace" --no-such-flag
expect 2 "-i and -r" -- "$BIN/socklab-trace" -i lo -r x.pcap
expect 2 "unexpected argument" -- "$BIN/socklab-trace" tcp port 80
if [ "$(id -u)" = 0 ]; then
	expect 1 "capture on nosuchif0: no such interface" -- "$BIN/socklab-trace" -i nosuchif0
	# A user without capture rights is told how to get them.
	if id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
		expect 1 "permission denied \(run as root, or run .sudo make setcap" -- \
			setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all "$BIN/socklab-trace" -i lo
	fi
fi
# A truncated file still prints what it read before the error.
"$BIN/socklab-trace" -r "$TMP/cut.pcap" >"$TMP/out" 2>/dev/null
grep -q '\[SYN\]' "$TMP/out" || { echo "FAIL: cut.pcap: packets before the cut were lost"; failed=1; }
exit $failed
