#!/usr/bin/env bash
# The kernel as an oracle on the two-host wire (issue 14): `socklab demo NAME
# --delay MS [--loss PCT --seed N] --record FILE` runs the demo's programs on
# two hosts, and the lab asks each host's kernel for its own sockets
# (sock_diag, through a netlink socket made inside that host's namespace).
# For each connection and each endpoint, the states the tracer inferred from
# the two capture points must tell the kernel's story, the rule of
# it_kernel_oracle.sh's sock_diag runs (the polls' states appear in the
# wire's path, in order, and both end alike), checked here in Python from the
# raw `state` and `kernel` records and again by the lab's own `kernel_check`.
# Also:
# - each endpoint's kernel records come from its own host: the client's from
#   10.77.0.1, the server's from 10.77.0.2, and at that host's time: a record
#   follows the wire's change it matches by at most a second (a poll, on a
#   busy machine), and precedes it by no more than the capture's stamp; the
#   one exception is connect()'s SYN_SENT, which comes before the first SYN
#   leaves when ARP has to find the server first (up to 3 s when ARP
#   requests are lost);
# - with --loss, every SYN and FIN sent again is marked `retrans`, nothing
#   else that was not sent before is, and each endpoint's tcp_info
#   total_retrans (the kernel's count) equals the copies it sent again on
#   the wire.
# Runs as root and as nobody (the lab then has a user namespace of its own).
. "$(dirname "$0")/../lib/helpers.sh"
. "$(dirname "$0")/../lib/wire_helpers.sh"
users=$(wire_users)

# run USER NAME DEMO WIRE_ARGS...: the demo on the wire, recorded to
# $TMP/USER/NAME.jsonl.
run() {
	local user=$1 name=$2 demo=$3
	shift 3
	as "$user" timeout 120 "$BIN/socklab" demo "$demo" --plain --record "$TMP/$user/$name" "$@" \
		>"$TMP/$user-$name.out" 2>"$TMP/$user-$name.err" || fail "$user: socklab demo $demo $* failed"
	grep -q '"type":"kernel"' "$TMP/$user/$name.jsonl" ||
		fail "$user: $name: no kernel record in the recording: $(grep -i kernel "$TMP/$user-$name.err")"
}

# check FILE LABEL: the comparison; prints each endpoint's two paths and the
# lost segments as "LOST dir flags seq len" lines (for the seed's repeat).
check() {
	PYTHONPATH="$ROOT/tests/lib" python3 - "$1" "$2" <<'EOF'
import json, sys
from state_chain import chain
path, label = sys.argv[1:]
recs = [json.loads(l) for l in open(path)]
hosts = {"client": "10.77.0.1", "server": "10.77.0.2"}

for r in recs:
    if r["type"] == "kernel":
        assert r["source"] == "sock_diag", (label, r)
        assert r["role"] != "unknown", "%s: a kernel record tied to no connection: %s" % (label, r)
        # each host's kernel speaks of its own sockets only
        host = "server" if r["role"] == "listener" else r["role"]
        assert r["local"].startswith(hosts[host] + ":"), "%s: %s record from the wrong host: %s" % (label, host, r)

conns = sorted({r["conn"] for r in recs if r["type"] == "state"})
ended = {r["conn"] for r in recs if r["type"] == "conn_end"}
assert conns, label + ": no connection on the wire"
for cid in conns:
    pk = [r for r in recs if r["type"] == "packet" and r["conn"] == cid]
    for role, d in (("client", "c2s"), ("server", "s2c")):
        checks = [r for r in recs if r["type"] == "kernel_check" and r["conn"] == cid and r["role"] == role]
        assert len(checks) == 1, "%s: #%d %s: %d kernel_check records" % (label, cid, role, len(checks))
        # a connection still open when the lab stopped (TIME_WAIT, a FIN
        # still on its way) is compared up to the host kernel's last look:
        # the check's time
        cut = checks[0]["ts_ns"] if cid not in ended else float("inf")
        wrecs = [r for r in recs if r["type"] == "state" and r["conn"] == cid and r["role"] == role and r["ts_ns"] <= cut]
        krecs = [r for r in recs if r["type"] == "kernel" and r["conn"] == cid and r["role"] == role and r["ts_ns"] <= cut]
        w = chain((r["from"], r["to"]) for r in wrecs)
        k = chain((r["from"], r["to"]) for r in krecs)
        print("%-14s #%d %-6s wire   %s\n%-14s    %-6s kernel %s" % (label, cid, role, ">".join(w), "", "", ">".join(k)))
        assert w and k, "%s: #%d %s: no states (wire %s, kernel %s)" % (label, cid, role, w, k)
        # the sock_diag rule: the polls' states in the wire's path, in order, the same end
        kk = k[1:] if k[0] == "CLOSED" else k
        if kk[-2:] == ["TIME_WAIT", "CLOSED"]:
            kk = kk[:-1]
        it = iter(w)
        assert all(s in it for s in kk) and kk[-1] == w[-1], \
            "%s: #%d %s: wire %s and kernel %s disagree" % (label, cid, role, ">".join(w), ">".join(k))
        assert checks[0]["verdict"] == "agree", "%s: #%d %s: %s" % (label, cid, role, checks[0]["why"])
        assert checks[0]["kernel"] == ">".join(k), (label, checks[0]["kernel"], k)

        # at the host's time: each kernel record after the wire's change it matches
        i = 0
        for kr in krecs:
            j = i
            while j < len(wrecs) and wrecs[j]["to"] != kr["to"]:
                j += 1
            assert j < len(wrecs), "%s: #%d %s: kernel %s > %s matches no wire change" % (label, cid, role, kr["from"], kr["to"])
            i = j + 1
            ms = (kr["ts_ns"] - wrecs[j]["ts_ns"]) / 1e6
            if kr["to"] == "SYN_SENT" and ms < -5:
                # connect() before ARP found the server: the SYN left once it
                # had (3 tries a second apart at most).
                assert ms >= -3500, "%s: #%d client: kernel SYN_SENT %.1f ms before the wire's" % (label, cid, ms)
                print("%-14s    %-6s SYN_SENT %.0f ms before the first SYN left (ARP first)" % ("", "", -ms))
                continue
            assert -5 <= ms <= 1000, "%s: #%d %s: kernel %s > %s %.1f ms from the wire's" % (
                label, cid, role, kr["from"], kr["to"], ms)

        # retransmissions: copies this endpoint sent again, as its host saw them leave
        # sent again: a SYN or FIN seen before, or data below the highest
        # sequence number sent so far (a resend may be cut differently)
        seen, resent, high = set(), 0, None
        for r in (r for r in pk if r["dir"] == d):
            flags = r["flags"].split("|")
            key = (r["seq"], "SYN" in flags, "FIN" in flags)
            again = (("SYN" in flags or "FIN" in flags) and key in seen) or (
                r["len"] > 0 and high is not None and r["seq"] < high)
            seen.add(key)
            end = r["seq"] + r["len"] + ("SYN" in flags) + ("FIN" in flags)
            high = end if high is None else max(high, end)
            resent += again
            if r.get("retrans"):
                assert again, "%s: #%d %s: marked retrans but not sent before: %s" % (label, cid, role, r)
            else:
                assert not again, "%s: #%d %s: sent again, not marked retrans: %s" % (label, cid, role, r)
        total = checks[0].get("total_retrans")
        assert total is not None, "%s: #%d %s: no tcp_info in the kernel_check: %s" % (label, cid, role, checks[0])
        assert total == resent, "%s: #%d %s: the kernel retransmitted %d, the wire shows %d sent again" % (
            label, cid, role, total, resent)
        print("%-14s    %-6s resent %d (kernel total_retrans %d), rto %d ms, %s" % (
            "", "", resent, total, checks[0]["rto_us"] // 1000, checks[0].get("cong", "?")))
    for r in pk:
        if r.get("lost"):
            print("LOST %s %s %d %d" % (r["dir"], r["flags"], r["seq"], r["len"]))
EOF
}

for user in $users; do
	run "$user" delay echo --delay 100
	check "$TMP/$user/delay.jsonl" "$user delay" || fail "$user: delay 100 (the check's error above)"
	run "$user" close server-close --delay 60
	check "$TMP/$user/close.jsonl" "$user srv-close" || fail "$user: server-close"
	# seed 2 loses the server's reply's ACK (the reply is sent again) and the
	# client's FIN; seed 6 the SYN, a SYN|ACK and the reply
	for seed in 2 6; do
		run "$user" "loss$seed" echo --delay 50 --loss 25 --seed "$seed"
		check "$TMP/$user/loss$seed.jsonl" "$user loss $seed" >"$TMP/$user-loss$seed.check" 2>&1 ||
			{ cat "$TMP/$user-loss$seed.check"; fail "$user: loss, seed $seed: $(grep -m1 Error "$TMP/$user-loss$seed.check")"; }
		grep -v '^LOST' "$TMP/$user-loss$seed.check"
		lost=$(grep -c '^LOST' "$TMP/$user-loss$seed.check")
		resent=$(grep -o 'resent [0-9]*' "$TMP/$user-loss$seed.check" | awk '{ n += $2 } END { print n + 0 }')
		echo "$user loss $seed: $lost segment(s) lost on the wire, $resent sent again"
		if [ "$lost" -lt 1 ] || [ "$resent" -lt 1 ]; then
			fail "$user: seed $seed lost $lost and resent $resent: nothing to check"
		fi
	done
done
echo "PASS: the kernel's states agree with the wire's on two hosts, with delay and loss, as: $users"
