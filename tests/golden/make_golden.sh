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
