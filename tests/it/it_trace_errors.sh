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

# A gzip-compressed capture is read as it is (zlib), by socklab-trace and by
# socklab (replay and export load files the same way); one cut short gets
# one clear line and exit 1, after what was read before the cut.
golden="$(dirname "$0")/../golden"
gzip -c "$golden/echo.pcap" >"$TMP/echo.pcap.gz"
gzip -c "$golden/echo.pcapng" >"$TMP/echo.pcapng.gz"
for f in echo.pcap.gz:echo echo.pcapng.gz:echo-pcapng; do
	expected=${f#*:} f=${f%:*}
	if ! "$BIN/socklab-trace" -r "$TMP/$f" >"$TMP/out" 2>"$TMP/err" || [ -s "$TMP/err" ] ||
		! diff -u "$golden/$expected.expected" "$TMP/out"; then
		echo "FAIL: $f: not read like the capture it holds:"; cat "$TMP/err"
		failed=1
	fi
done
if ! "$BIN/socklab" export "$TMP/echo.pcap.gz" --format text >"$TMP/out" 2>"$TMP/err" || ! grep -q 'SYN|ACK' "$TMP/out"; then
	echo "FAIL: socklab export of a .gz capture:"; cat "$TMP/err"; failed=1
fi
size=$(wc -c <"$TMP/echo.pcap.gz")
head -c $((size * 3 / 4)) "$TMP/echo.pcap.gz" >"$TMP/cut.pcap.gz"
head -c 20 "$TMP/echo.pcap.gz" >"$TMP/stub.pcap.gz"
expect 1 "cut.pcap.gz: the gzip data is cut short or corrupt .*gzip -t" -- "$BIN/socklab-trace" -r "$TMP/cut.pcap.gz"
grep -q '\[SYN\]' "$TMP/out" || { echo "FAIL: cut.pcap.gz: packets before the cut were lost"; failed=1; }
expect 1 "stub.pcap.gz: the gzip data is cut short or corrupt" -- "$BIN/socklab-trace" -r "$TMP/stub.pcap.gz"
expect 1 "cut.pcap.gz: the gzip data is cut short or corrupt" -- "$BIN/socklab" export "$TMP/cut.pcap.gz" --format text
printf 'not a capture\n' | gzip >"$TMP/text.gz"
expect 1 "text.gz: unknown file format .*gzip-compressed" -- "$BIN/socklab-trace" -r "$TMP/text.gz"
exit $failed
