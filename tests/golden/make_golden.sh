#!/usr/bin/env bash
# Regenerates the golden pcaps from real loopback traffic (needs root and
# tcpdump). The expected timelines (*.expected) are then reviewed by hand:
#   bin/socklab-trace -r tests/golden/NAME.pcap > tests/golden/NAME.expected
set -euo pipefail
cd "$(dirname "$0")"
port=${PORT:-47310}
# NAME[:tcpdump link options]: -i any gives Linux cooked headers (SLL, SLL2).
for spec in echo server-close rst unread refused half-close ipv6 \
	"echo-sll:-i any -y LINUX_SLL" "echo-sll2:-i any -y LINUX_SLL2"; do
	s=${spec%%:*} link=${spec#*:}
	[ "$link" = "$spec" ] && link="-i lo"
	read -ra linkargs <<<"$link"
	scenario=${s%-sll*}
	port=$((port + 1))
	tcpdump "${linkargs[@]}" -s 256 -U --immediate-mode --time-stamp-precision=nano -w "$s.pcap" "tcp port $port" 2>"$s.log" &
	pid=$!
	for ((i = 0; i < 100; i++)); do grep -q listening "$s.log" && break; sleep 0.1; done
	grep -q listening "$s.log" || { echo "tcpdump did not start within 10 s:"; cat "$s.log"; kill "$pid"; exit 1; }
	rm -f "$s.log"
	python3 scenarios.py "$scenario" "$port"
	sleep 0.5
	kill -INT "$pid"; wait "$pid" || true
	echo "$s.pcap: $(tcpdump -r "$s.pcap" 2>/dev/null | wc -l) packets"
done
# The same echo as pcapng, the format Wireshark writes by default.
editcap -F pcapng echo.pcap echo.pcapng
# icmp.pcap: ICMP errors on loopback, made with nftables (needs nft): a SYN
# rejected with port-unreachable over IPv4 and IPv6 (the first ICMP comes
# while connect() holds the socket, a soft error; the resent SYN's aborts
# it), then an established connection whose first data segment gets a
# host-unreachable (a soft error; the retransmission goes through).
port=$((port + 1))
filter="tcp port $port or icmp or icmp6"
tcpdump -i lo -s 256 -U --immediate-mode --time-stamp-precision=nano -w icmp.pcap "$filter" 2>icmp.log &
pid=$!
for ((i = 0; i < 100; i++)); do grep -q listening icmp.log && break; sleep 0.1; done
rm -f icmp.log
python3 - "$port" <<'PY'
import socket, subprocess, sys, threading, time
port = int(sys.argv[1])
table = "socklab_golden_icmp"
def nft(cmd):
    subprocess.run(["nft", "-f", "-"], input=cmd + "\n", text=True, check=True)
nft("add table inet %s\nadd chain inet %s in { type filter hook input priority 0; }\n"
    "add rule inet %s in tcp dport %d tcp flags & (syn|ack) == syn reject with icmpx type port-unreachable"
    % (table, table, table, port))
try:
    for fam, addr in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        s = socket.socket(fam, socket.SOCK_STREAM)
        try:
            s.connect((addr, port))
        except ConnectionRefusedError:
            pass
        s.close()
    nft("flush chain inet %s in\nadd rule inet %s in tcp dport %d tcp flags & psh == psh "
        "quota until 100 bytes reject with icmpx type host-unreachable" % (table, table, port))
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.bind(("127.0.0.1", port))
    ls.listen(1)
    def serve():
        c, _ = ls.accept()
        c.sendall(c.recv(100))
        c.recv(100)
        c.close()
    t = threading.Thread(target=serve)
    t.start()
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"hello")
    s.recv(100)
    s.close()
    t.join()
    ls.close()
finally:
    nft("delete table inet %s" % table)
PY
sleep 0.5
kill -INT "$pid"; wait "$pid" || true
echo "icmp.pcap: $(tcpdump -r icmp.pcap 2>/dev/null | wc -l) packets"
