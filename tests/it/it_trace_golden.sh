#!/usr/bin/env bash
# Golden files: each capture of real loopback traffic in tests/golden/ is
# read by socklab-trace and must give exactly its reviewed timeline
# (NAME.expected). The JSON output of the same file must be valid JSON Lines
# whose state records carry every field the contract requires.
# Where tshark is installed, it must agree on what the TCP segments are (the
# link types socklab decodes besides Ethernet are checked against it so).
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
	# a golden's --json kept for the unit tests (fixture.h; made with
	# socklab-trace -r NAME.pcap --json > NAME.jsonl): the same records, but
	# for the format record's time (when it was written). echo.jsonl is a
	# UI recording, not socklab-trace's output: its first line says so.
	if [ -f "$name.jsonl" ] && head -n 1 "$name.jsonl" | grep -q '"producer":"socklab-trace"' &&
		! diff -u <(tail -n +2 "$name.jsonl") <(tail -n +2 "$TMP/$name.jsonl"); then
		echo "FAIL: $pcap: --json differs from $name.jsonl"
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
	# tshark's view of the same segments: ports, raw seq and ack, length, flags
	if command -v tshark >/dev/null &&
		! tshark -r "$pcap" -Y 'tcp && !icmp && !icmpv6' -T fields -e tcp.srcport -e tcp.dstport -e tcp.seq_raw \
			-e tcp.ack_raw -e tcp.len -e tcp.flags 2>/dev/null >"$TMP/$name.tshark" ||
		! python3 -c '
import json, sys
theirs = [l.split("\t") for l in open(sys.argv[2]).read().splitlines()]
theirs = [(int(a), int(b), int(s), int(k or 0), int(n), int(f, 16) & 0xff) for a, b, s, k, n, f in theirs]
names = ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"]
ours = []
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["type"] == "packet":
        bits = sum(1 << names.index(f) for f in r["flags"].split("|") if f != "none")
        ours.append((int(r["src"].rsplit(":", 1)[1]), int(r["dst"].rsplit(":", 1)[1]), r["abs_seq"],
                     r["abs_ack"] if bits & 0x10 else 0, r["len"], bits))
assert theirs, "tshark sees no TCP segment"
assert len(theirs) == len(ours), "tshark sees %d TCP segments, socklab-trace %d" % (len(theirs), len(ours))
for i, (t, o) in enumerate(zip(theirs, ours)):
    assert t == o, "segment %d: tshark %s, socklab-trace %s" % (i + 1, t, o)
' "$TMP/$name.jsonl" "$TMP/$name.tshark"; then
		echo "FAIL: $pcap: tshark and socklab-trace disagree on the TCP segments"
		failed=1
	fi
done
exit $failed
