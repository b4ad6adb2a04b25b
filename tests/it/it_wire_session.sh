#!/usr/bin/env bash
# socklab record on a two-host wire of one's own (SOCKLAB_POINTS): a client
# host and a server host in network namespaces, a wire delaying each frame
# 50 ms (tests/lib/wire_pair.sh). socklab opens one capture inside each
# host's namespace (then drops root), pairs the copies, and records: every
# packet record has its send and arrival time, the SYN arrives 50 ms or
# more after it left, the server's states come at the server's times, and
# the pcapng has each frame on its host's interface (client:eth0,
# server:eth0). The client's ARP request and the server's reply come
# before the SYN, each with both times, and their frames are in the pcapng
# on each host's interface.
. "$(dirname "$0")/../lib/helpers.sh"
. "$ROOT/tests/lib/wire_pair.sh"
need_root "network namespaces"
command -v tshark >/dev/null || skip "tshark is not installed (make deps installs it)"

wire_pair_up 50
ev=$TMP/ev.sock
SOCKLAB_POINTS="client=/run/netns/$WP_C:eth0,server=/run/netns/$WP_S:eth0" \
	"$BIN/socklab" record "$TMP/r" -p 8080 --events "$ev" --plain >"$TMP/ui.live" 2>"$TMP/ui.err" &
ui=$!
STARTED+=("$ui")
wait_for "$TMP/ui.err" capturing 10 || fail "socklab record did not start capturing"
ip netns exec "$WP_S" "$BIN/echo-server" -b 10.77.0.2 -p 8080 --events "$ev" --quiet >"$TMP/server.out" 2>&1 &
STARTED+=("$!")
wait_for "$TMP/server.out" listening || fail "echo-server did not start"
ip netns exec "$WP_C" "$BIN/echo-client" 10.77.0.2 8080 -m hello --events "$ev" --quiet >"$TMP/client.out" 2>&1 ||
	fail "echo-client failed"
# the last ACK is on the delayed wire when the client exits: wait for the
# server's CLOSED, which its arrival causes, then stop
wait_for "$TMP/r.jsonl" '"role":"server","from":"LAST_ACK","to":"CLOSED"' 10 || fail "the server never reached CLOSED"
kill -TERM "$ui"
wait "$ui" 2>/dev/null

python3 - "$TMP/r.jsonl" <<'EOF' || fail "the recording's records"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
pk = [r for r in recs if r["type"] == "packet"]
assert len(pk) >= 8, len(pk)
assert all("sent_ns" in r and "arrived_ns" in r for r in pk), [r for r in pk if "arrived_ns" not in r]
syn = pk[0]
assert syn["flags"] == "SYN" and syn["arrived_ns"] - syn["sent_ns"] >= 50e6, syn
est = [r for r in recs if r["type"] == "state" and r["role"] == "server" and r["to"] == "ESTABLISHED"]
assert est and est[0]["ts_ns"] == pk[2]["arrived_ns"], (est, pk[2])
calls = [r for r in recs if r["type"] == "call" and r.get("call") == "connect" and r["phase"] == "exit"]
assert calls and calls[0]["blocked_ns"] >= 100e6, calls  # one round trip on the 2 x 50 ms wire
arp = [r for r in recs if r["type"] == "arp" and not r.get("arrival")]
assert [(r["op"], r["sent_at"], r["arrived_at"]) for r in arp[:2]] == [("request", "client", "server"), ("reply", "server", "client")], arp
assert all(r["arrived_ns"] - r["sent_ns"] >= 50e6 for r in arp[:2]) and arp[1]["arrived_ns"] <= syn["sent_ns"], (arp, syn)
assert len([r for r in recs if r["type"] == "arp" and r.get("arrival")]) == len(arp)
EOF
tshark -r "$TMP/r.pcapng" -Y arp -T fields -e frame.interface_name -e arp.opcode 2>/dev/null | head -4 | tr '\t\n' ' ;' >"$TMP/arp"
[ "$(cat "$TMP/arp")" = "client:eth0 1;server:eth0 1;server:eth0 2;client:eth0 2;" ] ||
	fail "the pcapng's ARP frames, each on the host that saw it: $(cat "$TMP/arp")"
tshark -r "$TMP/r.pcapng" -T fields -e frame.interface_name 2>/dev/null | sort | uniq -c >"$TMP/ifs"
for host in client server; do
	grep -q " $host:eth0$" "$TMP/ifs" || fail "no frame of the pcapng is on $host:eth0: $(cat "$TMP/ifs")"
done
echo "PASS: two capture points live: $(grep -c '"type":"packet"' "$TMP/r.jsonl") segments with both times;" \
	"pcapng interfaces: $(tr -s ' \n' ' ' <"$TMP/ifs")"
