# shellcheck shell=bash
# wire_pair.sh: sourced after helpers.sh by the two-capture-point tests: a
# client host (10.77.0.1) and a server host (10.77.0.2), each a network
# namespace with eth0, joined through a middle namespace where
# tests/tools/wire_relay.py passes frames on after a delay (no sch_netem
# here). As root; everything is removed at exit (helpers.sh's cleanup).
# The names carry this shell's pid, so parallel tests never share one.

WP_C=slp$$c WP_M=slp$$m WP_S=slp$$s

# wire_pair_up DELAY_MS: makes the three namespaces and starts the relay.
wire_pair_up() {
	local ns
	for ns in "$WP_C" "$WP_M" "$WP_S"; do
		ip netns add "$ns" || fail "ip netns add $ns"
		at_exit ip netns del "$ns"
		ip -n "$ns" link set lo up
	done
	ip link add eth0 netns "$WP_C" type veth peer name c0 netns "$WP_M" || fail "veth to the client host"
	ip link add eth0 netns "$WP_S" type veth peer name s0 netns "$WP_M" || fail "veth to the server host"
	ip -n "$WP_C" addr add 10.77.0.1/24 dev eth0
	ip -n "$WP_S" addr add 10.77.0.2/24 dev eth0
	for ns in "$WP_C" "$WP_S"; do ip -n "$ns" link set eth0 up; done
	ip -n "$WP_M" link set c0 up
	ip -n "$WP_M" link set s0 up
	ip netns exec "$WP_M" python3 "$ROOT/tests/tools/wire_relay.py" c0 s0 "$1" "$TMP/relay.ready" \
		>"$TMP/relay.out" 2>"$TMP/relay.err" &
	STARTED+=("$!")
	wait_for "$TMP/relay.ready" ready 10 || fail "the relay did not start"
}

# wire_pair_capture NAME: tcpdump on each host's eth0 into $TMP/NAME-client.pcap
# and $TMP/NAME-server.pcap (nanosecond stamps), TCP and ARP (the first SYN
# waits for the client's ARP); returns once both listen.
wire_pair_capture() {
	local side ns
	for side in client server; do
		ns=$WP_C
		[ "$side" = server ] && ns=$WP_S
		ip netns exec "$ns" tcpdump -i eth0 -U --immediate-mode -Z root --time-stamp-precision=nano -w "$TMP/$1-$side.pcap" \
			tcp or arp >"$TMP/tcpdump-$side.out" 2>"$TMP/tcpdump-$side.err" &
		WP_DUMPS+=("$!")
		STARTED+=("$!")
	done
	for side in client server; do
		wait_for "$TMP/tcpdump-$side.err" "listening on" 10 || fail "tcpdump on the $side host did not start"
	done
}

# wire_pair_stop_capture: ends both tcpdumps (they write what they hold).
wire_pair_stop_capture() {
	local p
	for p in "${WP_DUMPS[@]}"; do kill -INT "$p" 2>/dev/null; done
	for p in "${WP_DUMPS[@]}"; do wait "$p" 2>/dev/null; done
	WP_DUMPS=()
}

WP_DUMPS=()
