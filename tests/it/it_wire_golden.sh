#!/usr/bin/env bash
# Two capture points read offline: tests/golden/wire/ holds an echo captured
# at the client's host and at the server's (tests/golden/wire/make.sh: two
# network namespaces, a wire delaying each frame 50 ms). socklab-trace
# -r CLIENT -r SERVER must give exactly the reviewed timeline (each
# segment's send and arrival, each side's states at its own host's time);
# its JSON must carry sent_ns/arrived_ns; and the server's copy of the
# client's FIN, cut out of the server's capture, must show as lost, with
# the server never taking the FIN in. The client's ARP request and the
# server's reply (before the first SYN) are paired like segments, each
# with its send and arrival; the reply cut out of the client's capture is
# lost.
# UPDATE=1 rewrites the expected file (review the diff before committing).
. "$(dirname "$0")/../lib/helpers.sh"
cd "$ROOT/tests/golden/wire" || exit 1

# cut_first IN OUT WHAT: OUT is the pcap IN without its first frame of
# which the python expression WHAT (over frame, ip, tcp: its bytes from the
# link, IP and TCP headers on) is true.
cut_first() {
	python3 - "$@" <<'EOF' || fail "cutting ($3) out of $1"
import struct, sys
data = open(sys.argv[1], "rb").read()
what = eval("lambda frame, ip, tcp: " + sys.argv[3])
out, off, cut = [data[:24]], 24, 0
endian = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
while off < len(data):
    incl = struct.unpack(endian + "I", data[off + 8:off + 12])[0]
    rec = data[off:off + 16 + incl]
    frame = rec[16:]
    ip = frame[14:]
    tcp = ip[(ip[0] & 15) * 4:] if ip else b""
    if not cut and what(frame, ip, tcp):
        cut = 1
    else:
        out.append(rec)
    off += 16 + incl
assert cut, "no such frame"
open(sys.argv[2], "wb").write(b"".join(out))
EOF
}

out=$("$BIN/socklab-trace" -r echo-client.pcap -r echo-server.pcap 2>&1) || fail "socklab-trace exited $?: $out"
if [ "${UPDATE:-}" = 1 ]; then
	printf '%s\n' "$out" >echo.expected
	exit 0
fi
diff -u echo.expected <(printf '%s\n' "$out") || fail "the two-point timeline differs from echo.expected"

"$BIN/socklab-trace" -r echo-client.pcap -r echo-server.pcap --json >"$TMP/echo.jsonl" 2>"$TMP/echo.err" ||
	fail "socklab-trace --json exited non-zero"
python3 - "$TMP/echo.jsonl" <<'EOF' || fail "the JSON records"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
pk = [r for r in recs if r["type"] == "packet"]
assert pk and all("sent_ns" in r and "arrived_ns" in r and r["ts_ns"] == r["sent_ns"] for r in pk), "times"
assert all(r["sent_at"] == ("client" if r["dir"] == "c2s" else "server") for r in pk), "sent_at"
syn = pk[0]
assert syn["flags"] == "SYN" and 50e6 <= syn["arrived_ns"] - syn["sent_ns"] < 65e6, syn
# each side's change at its own host's time: the server's SYN_RCVD > ESTABLISHED when the ACK arrived
ack = pk[2]
st = [r for r in recs if r["type"] == "state" and r["role"] == "server" and r["to"] == "ESTABLISHED"]
assert st and st[0]["ts_ns"] == ack["arrived_ns"], (st, ack)
arp = [r for r in recs if r["type"] == "arp"]
sends = [r for r in arp if not r.get("arrival")]
assert [(r["op"], r["sent_at"], r["arrived_at"]) for r in sends] == [("request", "client", "server"), ("reply", "server", "client")], sends
assert all(r["ts_ns"] == r["sent_ns"] and 50e6 <= r["arrived_ns"] - r["sent_ns"] < 65e6 for r in sends), sends
arrivals = [r for r in arp if r.get("arrival")]
assert [r["ts_ns"] for r in arrivals] == [r["arrived_ns"] for r in sends], arrivals
# in time order, all before the SYN: the request, its arrival, the reply, its arrival
assert recs.index(sends[0]) < recs.index(arrivals[0]) < recs.index(sends[1]) < recs.index(arrivals[1]) < recs.index(syn)
assert sends[1]["sent_ns"] >= arrivals[0]["ts_ns"] and syn["sent_ns"] >= arrivals[1]["ts_ns"], "the SYN waited for ARP"
wire = [r for r in recs if r["type"] == "wire"][0]
assert wire["lost"] == 0 and wire["unsent"] == 0 and wire["paired"] == len(pk) + len(sends), wire
EOF

# Cut the server's ARP reply out of the client's capture: lost on the wire.
cut_first echo-client.pcap "$TMP/client-noreply.pcap" \
	'frame[12:14] == b"\x08\x06" and frame[20:22] == b"\x00\x02"' # ARP, opcode 2
"$BIN/socklab-trace" -r "$TMP/client-noreply.pcap" -r echo-server.pcap --json >"$TMP/noreply.jsonl" 2>"$TMP/noreply.err" ||
	fail "socklab-trace on the capture without the ARP reply exited non-zero"
python3 - "$TMP/noreply.jsonl" <<'EOF' || fail "the lost ARP reply"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
reply = [r for r in recs if r["type"] == "arp" and r["op"] == "reply"]
assert len(reply) == 1 and reply[0].get("lost") is True and reply[0]["sent_at"] == "server" and "arrived_ns" not in reply[0], reply
assert [r for r in recs if r["type"] == "wire"][0]["lost"] == 1
EOF
"$BIN/socklab-trace" -r "$TMP/client-noreply.pcap" -r echo-server.pcap | grep -q '^[0-9.]* server ARP 10.77.0.2 is-at .*(LOST on the wire)' ||
	fail "the text timeline does not say the ARP reply was lost"
"$BIN/socklab" replay "$TMP/noreply.jsonl" --plain --ascii >"$TMP/noreply.txt" 2>&1 || fail "replay without the ARP reply"
grep -q -- "x-*ARP 10.77.0.2 is-at" "$TMP/noreply.txt" || fail "the text ladder does not stop the lost ARP reply with x: $(cat "$TMP/noreply.txt")"
"$BIN/socklab" replay "$TMP/echo.jsonl" --plain --ascii >"$TMP/echo.txt" 2>&1 || fail "replay of the echo"
python3 - "$TMP/echo.txt" <<'EOF' || fail "the text ladder's ARP rows: $(cat "$TMP/echo.txt")"
import sys
lines = open(sys.argv[1]).read().splitlines()
at = lambda pat, after=-1: next(i for i, l in enumerate(lines) if pat in l and i > after)
req = at("ARP who-has 10.77.0.2")
req_in = at("ARP +5", req)
rep = at("is-at", req_in)
rep_in = at("ARP +5", rep)
syn = at("SYN seq=0")
assert req < req_in < rep < rep_in < syn, (req, req_in, rep, rep_in, syn)
EOF

# Cut the client's FIN out of the server's capture: it never arrived.
cut_first echo-server.pcap "$TMP/server-nofin.pcap" \
	'frame[12:14] == b"\x08\x00" and ip[12:16] == bytes([10, 77, 0, 1]) and tcp[13] & 1' # IPv4, from the client, FIN
"$BIN/socklab-trace" -r echo-client.pcap -r "$TMP/server-nofin.pcap" --json >"$TMP/nofin.jsonl" 2>"$TMP/nofin.err" ||
	fail "socklab-trace on the cut capture exited non-zero"
python3 - "$TMP/nofin.jsonl" <<'EOF' || fail "the lost FIN"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
fin = [r for r in recs if r["type"] == "packet" and r["dir"] == "c2s" and "FIN" in r["flags"]]
assert len(fin) == 1 and fin[0].get("lost") is True and "arrived_ns" not in fin[0], fin
assert not [r for r in recs if r["type"] == "state" and r["role"] == "server" and r["to"] == "CLOSE_WAIT"], \
    "the server took in a FIN that never arrived"
assert [r for r in recs if r["type"] == "wire"][0]["lost"] == 1
EOF
"$BIN/socklab-trace" -r echo-client.pcap -r "$TMP/server-nofin.pcap" | grep -q 'FIN|ACK.*(LOST on the wire)' ||
	fail "the text timeline does not say the FIN was lost"
# The ladder's pictures: the SVG slants each segment (and each ARP frame)
# from its send row down to its arrival row; the lost FIN stops midway with
# a cross.
"$BIN/socklab" export "$TMP/echo.jsonl" --format svg >"$TMP/echo.svg" 2>"$TMP/svg.err" || fail "svg export"
python3 - "$TMP/echo.svg" <<'PY' || fail "the SVG has no slanted arrows"
import re, sys
svg = open(sys.argv[1]).read()
slanted = [m for m in re.findall(r'<line x1="(\d+)" y1="(\d+)" x2="(\d+)" y2="(\d+)"', svg) if m[1] != m[3] and m[0] != m[2]]
assert len(slanted) == 12, len(slanted)  # every segment of the echo and both ARP frames, each down to its arrival
PY
"$BIN/socklab" export "$TMP/nofin.jsonl" --format svg | grep -q "✗" || fail "the lost FIN has no cross in the SVG"
"$BIN/socklab" replay "$TMP/nofin.jsonl" --plain --ascii >"$TMP/nofin.txt" 2>&1 || fail "replay of the cut capture"
grep -q -- "FIN|ACK seq=6 ack=13-*x" "$TMP/nofin.txt" || fail "the text ladder does not end the lost FIN with x: $(cat "$TMP/nofin.txt")"
# The Mermaid export: ARP before the SYN, from its sender, open arrows on the
# wire (it arrives later) and a note where it arrived.
"$BIN/socklab" export "$TMP/echo.jsonl" --format mermaid >"$TMP/echo.mmd" 2>"$TMP/mmd.err" || fail "mermaid export"
python3 - "$TMP/echo.mmd" <<'EOF' || fail "the Mermaid ARP lines: $(cat "$TMP/echo.mmd")"
import sys
lines = [l.strip() for l in open(sys.argv[1])]
i = lines.index("C-)S: ARP who-has 10.77.0.2 tell 10.77.0.1")
assert lines[i + 1].startswith("Note right of S: ARP +5"), lines[i + 1]
assert lines[i + 2].startswith("S-)C: ARP 10.77.0.2 is-at "), lines[i + 2]
assert lines[i + 3].startswith("Note left of C: ARP +5"), lines[i + 3]
assert lines.index("C-)S: SYN seq=0") > i + 3
EOF
# The HTML page's ARP rows carry their text.
"$BIN/socklab" export "$TMP/echo.jsonl" --format html >"$TMP/echo.html" 2>"$TMP/html.err" || fail "html export"
for text in '"ARP who-has 10.77.0.2 tell 10.77.0.1"' '"ARP 10.77.0.2 is-at '; do
	grep -q -- "$text" "$TMP/echo.html" || fail "the page has no row $text"
done
echo "PASS: two capture points: times, states at each host, a lost FIN, ARP paired and a lost ARP reply, slanted SVG arrows, Mermaid"
