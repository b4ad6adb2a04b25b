#!/usr/bin/env bash
# make.sh: makes this folder's two-point captures again (as root): an echo
# between a client host and a server host (tests/lib/wire_pair.sh) whose
# wire delays each frame DELAY_MS (default 50) each way, captured at each
# host's eth0. Writes echo-client.pcap and echo-server.pcap here; then
# `UPDATE=1 tests/it/it_wire_golden.sh` writes the expected outputs.
. "$(dirname "$0")/../../lib/helpers.sh"
. "$ROOT/tests/lib/wire_pair.sh"
need_root "network namespaces"
wire_pair_up "${DELAY_MS:-50}"
wire_pair_capture echo
ip netns exec "$WP_S" "$BIN/echo-server" -b 10.77.0.2 -p 8080 -q >"$TMP/server.out" 2>"$TMP/server.err" &
STARTED+=("$!")
for _ in $(seq 100); do
	ip netns exec "$WP_S" ss -ltn 2>/dev/null | grep -q 10.77.0.2:8080 && break
	sleep 0.05
done
ip netns exec "$WP_C" "$BIN/echo-client" 10.77.0.2 8080 -m hello -q >"$TMP/client.out" 2>"$TMP/client.err" ||
	fail "echo-client"
grep -q server-hello "$TMP/client.out" || fail "no echo"
sleep 0.5 # the last ACK crosses the delayed wire after the client exits
wire_pair_stop_capture
cp "$TMP/echo-client.pcap" "$TMP/echo-server.pcap" "$ROOT/tests/golden/wire/"
echo "wrote tests/golden/wire/echo-client.pcap and echo-server.pcap"
