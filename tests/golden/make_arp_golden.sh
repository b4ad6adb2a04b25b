#!/usr/bin/env bash
# Makes tests/golden/arp-veth.pcap: two network namespaces joined by a veth
# pair (an Ethernet link, unlike lo, so the first SYN waits for ARP), the
# echo client in one, the echo server in the other, captured inside the
# client's namespace. Needs root. Review the new .expected before committing
# (tests/it/it_trace_golden.sh UPDATE=1 writes it; tshark must agree).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
[ "$(id -u)" = 0 ] || { echo "needs root"; exit 1; }
A=socklab-arp-a-$$ B=socklab-arp-b-$$
OUT=$ROOT/tests/golden/arp-veth.pcap
cleanup() { ip netns del "$A" 2>/dev/null || true; ip netns del "$B" 2>/dev/null || true; }
trap cleanup EXIT
ip netns add "$A"
ip netns add "$B"
ip link add veth-a netns "$A" type veth peer name veth-b netns "$B"
# no IPv6 on the link: its neighbour discovery and multicast reports
# would fill the capture (ARP is IPv4's; IPv6 asks with ICMPv6)
ip netns exec "$A" sysctl -qw net.ipv6.conf.veth-a.disable_ipv6=1
ip netns exec "$B" sysctl -qw net.ipv6.conf.veth-b.disable_ipv6=1
ip -n "$A" addr add 10.77.0.1/24 dev veth-a
ip -n "$B" addr add 10.77.0.2/24 dev veth-b
ip -n "$A" link set veth-a up
ip -n "$B" link set veth-b up
ip -n "$A" link set lo up
ip -n "$B" link set lo up
ip netns exec "$B" "$ROOT/bin/echo-server" -b 10.77.0.2 -p 8080 -q --close-first 2>/dev/null &
server=$!
ip netns exec "$A" tcpdump -i veth-a -U -w "$OUT" 2>"$OUT.log" &
dump=$!
# the server listens and tcpdump captures before the client starts
for _ in $(seq 50); do
	ip netns exec "$B" ss -ltn | grep -q 10.77.0.2:8080 && grep -q listening "$OUT.log" && break
	sleep 0.1
done
ip netns exec "$A" "$ROOT/bin/echo-client" 10.77.0.2 8080 -m hello -q
# the server's side asks for the client's address later (ARP entries are
# confirmed by traffic; a probe may come): wait for the close to finish
sleep 1
kill "$dump" "$server"
wait 2>/dev/null || true
rm -f "$OUT.log"
tshark -r "$OUT" 2>/dev/null
