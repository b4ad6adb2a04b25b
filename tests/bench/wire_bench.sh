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
cat >"$TMP/srv.py" <<'PY'
import socket, sys
t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); t.bind(("10.77.0.2", 9000)); t.listen(64)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("10.77.0.2", 9001))
u.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
open(sys.argv[1], "w").close()
while True:
    c, _ = t.accept(); c.close()
PY
cat >"$TMP/cli.py" <<'PY'
import os, socket, subprocess, sys, time
while not os.path.exists(sys.argv[1]):
    time.sleep(0.01)
relay = subprocess.check_output(["pgrep", "-n", "-x", "socklab-wire"]).split()[0].decode()
tick = os.sysconf("SC_CLK_TCK")
def cpu():
    f = open("/proc/%s/stat" % relay).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / tick
def connect():
    s = socket.socket(); t = time.perf_counter(); s.connect(("10.77.0.2", 9000)); d = time.perf_counter() - t; s.close(); return d
connect()
print("connect round trip through the relay (best of 200): %.0f us" % (min(connect() for _ in range(200)) * 1e6))
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
c0 = cpu()
for i in range(20000):
    u.sendto(b"x" * 100, ("10.77.0.2", 9001))
    if i % 50 == 0:
        time.sleep(0.001)
time.sleep(0.2)
print("relay cpu per 10000 frames: %.0f ms" % ((cpu() - c0) / 2 * 1000))
PY
"$WIRE_LAB" --delay 0 -- python3 "$TMP/srv.py" "$TMP/ready" + python3 "$TMP/cli.py" "$TMP/ready" || fail "wire_lab failed"
# the most frames a second: the client floods for one second
cat >"$TMP/flood.py" <<'PY'
import os, socket, sys, time
while not os.path.exists(sys.argv[1]):
    time.sleep(0.01)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
end = time.monotonic() + 1; n = 0
while time.monotonic() < end:
    try:
        u.sendto(b"x" * 100, ("10.77.0.2", 9001)); n += 1
    except OSError:
        pass
print("client sent %d datagrams in 1 s" % n)
PY
"$WIRE_LAB" --delay 0 -- python3 "$TMP/srv.py" "$TMP/ready2" + python3 "$TMP/flood.py" "$TMP/ready2" >"$TMP/flood.out" ||
	fail "wire_lab flood failed"
cat "$TMP/flood.out"
