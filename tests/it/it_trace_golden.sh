#!/usr/bin/env bash
# Golden files: each capture of real loopback traffic in tests/golden/ is
# read by socklab-trace and must give exactly its reviewed timeline
# (NAME.expected). The JSON output of the same file must be valid JSON Lines
# whose state records carry every field the contract requires.
# UPDATE=1 rewrites the expected files (review the diff before committing).
. "$(dirname "$0")/../lib/helpers.sh"
cd "$ROOT/tests/golden" || exit 1
failed=0
for pcap in *.pcap *.pcapng; do
	name=${pcap%.*}
	[ "${pcap##*.}" = pcapng ] && name=$name-pcapng
	out=$("$BIN/socklab-trace" -r "$pcap" 2>&1) || { echo "FAIL: $pcap: socklab-trace exited $?: $out"; failed=1; }
	if [ "${UPDATE:-}" = 1 ]; then
		printf '%s\n' "$out" >"$name.expected"
		continue
	fi
	if ! diff -u "$name.expected" <(printf '%s\n' "$out"); then
		echo "FAIL: $pcap: timeline differs from $name.expected"
		failed=1
	fi
	# to a file first: a failing exit (or a sanitizer report) must not hide behind the pipe
	if ! "$BIN/socklab-trace" -r "$pcap" --json >"$TMP/$name.jsonl" 2>"$TMP/$name.err"; then
		echo "FAIL: $pcap: socklab-trace --json exited non-zero: $(cat "$TMP/$name.err")"
		failed=1
	elif [ -s "$TMP/$name.err" ]; then
		echo "FAIL: $pcap: socklab-trace --json wrote to stderr: $(cat "$TMP/$name.err")"
		failed=1
	fi
	if ! python3 -c '
import json, sys
required = {"type", "ts_ns", "conn", "client", "server", "role", "from", "to", "why"}
states = {"CLOSED","LISTEN","SYN_SENT","SYN_RCVD","ESTABLISHED","FIN_WAIT_1","FIN_WAIT_2","CLOSE_WAIT","CLOSING","LAST_ACK","TIME_WAIT"}
n = 0
for line in sys.stdin:
    r = json.loads(line)
    assert "type" in r and isinstance(r["ts_ns"], int), line
    if r["type"] == "state":
        missing = required - r.keys()
        assert not missing, "state record lacks %s: %s" % (missing, line)
        assert r["from"] in states and r["to"] in states and r["role"] in ("client", "server"), line
        assert r["why"], line
        n += 1
assert r["type"] == "stats", "last record must be stats"
assert n > 0, "no state records"
' <"$TMP/$name.jsonl"; then
		echo "FAIL: $pcap: --json output breaks the contract"
		failed=1
	fi
done
exit $failed
