#!/usr/bin/env bash
# The wire's relay (docs/wire.md, "What the relay costs"):
#  - the time it adds: a TCP connect's round trip between the hosts at
#    --delay 0 (the relay is crossed twice), the best of 200;
#  - its CPU: user + system time of the relay process per 10 000 frames
#    (UDP datagrams of 100 bytes, paced so none is dropped);
#  - its most frames a second: a burst of datagrams as fast as the client
#    sends them; what the relay carried in one second.
. "$(dirname "$0")/../lib/helpers.sh"
. "$(dirname "$0")/../lib/wire_helpers.sh"
[ "$(id -u)" = 0 ] || skip "needs root"
# the server (tcp_server.py ... udp) and the client's wirenet.py: wire_helpers.sh
wire_tcp_scripts
cat >"$WIRE_PY/cli.py" <<'PY'
import os, socket, subprocess, sys, time
from wirenet import wait_ready, connect_s
wait_ready(sys.argv[1])
relay = subprocess.check_output(["pgrep", "-n", "-x", "socklab-wire"]).split()[0].decode()
tick = os.sysconf("SC_CLK_TCK")
def cpu():
    f = open("/proc/%s/stat" % relay).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / tick
connect_s()
print("connect round trip through the relay (best of 200): %.0f us" % (min(connect_s() for _ in range(200)) * 1e6))
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
c0 = cpu()
for i in range(20000):
    u.sendto(b"x" * 100, ("10.77.0.2", 9001))
    if i % 50 == 0:
        time.sleep(0.001)
time.sleep(0.2)
print("relay cpu per 10000 frames: %.0f ms" % ((cpu() - c0) / 2 * 1000))
PY
"$WIRE_LAB" --delay 0 -- python3 "$WIRE_PY/tcp_server.py" "$TMP/ready" udp + python3 "$WIRE_PY/cli.py" "$TMP/ready" || fail "wire_lab failed"
# the most frames a second: the client floods for one second
cat >"$WIRE_PY/flood.py" <<'PY'
import socket, sys, time
from wirenet import wait_ready
wait_ready(sys.argv[1])
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
end = time.monotonic() + 1; n = 0
while time.monotonic() < end:
    try:
        u.sendto(b"x" * 100, ("10.77.0.2", 9001)); n += 1
    except OSError:
        pass
print("client sent %d datagrams in 1 s" % n)
PY
"$WIRE_LAB" --delay 0 -- python3 "$WIRE_PY/tcp_server.py" "$TMP/ready2" udp + python3 "$WIRE_PY/flood.py" "$TMP/ready2" >"$TMP/flood.out" ||
	fail "wire_lab flood failed"
cat "$TMP/flood.out"
