#!/usr/bin/env bash
# echo-server under abuse (issue 6), in the thread, epoll and fork modes
# (iterative serves one client at a time by design, so one idle client
# stalls it: that is its lesson, not a bug). For each mode:
#   idle      IDLE_CONNS connections (default 2,000; fork: a tenth) that
#             connect and send nothing
#   reset     200 clients that send 256 KB without reading the echo, then
#             reset (SO_LINGER 0) while the server is still writing
#   longline  1 MB without a newline: every byte comes back, prefixed
#   noread    a client that sends and never reads: the server is stuck
#             writing to it
# While each abuser holds on, a normal echo-client must still get its echo
# (the time it took is printed; how fast is tests/bench/hostile_bench.sh's
# question, not this test's: under the sanitizers on a busy machine, 200
# forked children each running LeakSanitizer as they exit take seconds of
# CPU, and a 5 s limit failed there); once they are gone the server holds exactly the descriptors
# (and, in fork mode, the children) it held before. tests/bench/
# hostile_bench.sh runs the same with 10,000 idle connections.
. "$(dirname "$0")/../lib/helpers.sh"
. "$ROOT/tests/lib/lab_helpers.sh"
IDLE=${IDLE_CONNS:-2000}

cat >"$TMP/abuse.py" <<'PY'
import resource, select, socket, struct, sys, time
mode, port, n, stop = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

def connect(rcvbuf=None):
    s = socket.socket()
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.connect(("127.0.0.1", port))
    return s

def hold(socks):
    print("ready", flush=True)
    import os
    while not os.path.exists(stop):
        time.sleep(0.05)
    for s in socks:
        s.close()

def fill(s, limit, seconds):
    """Sends up to limit bytes without reading, as far as the buffers take them."""
    s.setblocking(False)
    sent, end = 0, time.time() + seconds
    while sent < limit and time.time() < end:
        try:
            sent += s.send(b"y" * min(65536, limit - sent))
        except BlockingIOError:
            select.select([], [s], [], 0.05)
    return sent

if mode == "idle":
    hold([connect() for _ in range(n)])
elif mode == "reset":
    socks = [connect(rcvbuf=4096) for _ in range(n)]
    for s in socks:
        fill(s, 256 * 1024, 0.02)
    time.sleep(0.3)  # the server is now blocked writing echoes nobody reads
    for s in socks:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
    print("ready", flush=True)
elif mode == "longline":
    s = connect()
    s.setblocking(False)
    data, sent, got = b"x" * (1 << 20), 0, bytearray()
    end = time.time() + 20
    while time.time() < end:
        r, w, _ = select.select([s], [s] if sent < len(data) else [], [], 1)
        if w:
            sent += s.send(data[sent:sent + 65536])
            if sent == len(data):
                s.shutdown(socket.SHUT_WR)
        if r:
            chunk = s.recv(1 << 16)
            if not chunk:
                break
            got += chunk
    body = bytes(got).replace(b"server-", b"")
    ok = got.startswith(b"server-") and body == data
    print("longline: sent %d, got %d bytes back (%d prefixes): %s" %
          (sent, len(got), (len(got) - len(body)) // 7, "ok" if ok else "MISMATCH"), flush=True)
    sys.exit(0 if ok else 1)
elif mode == "noread":
    s = connect(rcvbuf=4096)
    print("noread: %d bytes sent, none read" % fill(s, 64 << 20, 2), flush=True)
    hold([s])
PY

fd_count() { find "/proc/$SERVER_PID/fd" -mindepth 1 -maxdepth 1 | wc -l; }
children() { pgrep -P "$SERVER_PID" | wc -l; }

# still_serves WHAT: a normal client gets its echo (60 s only guards
# against a hang: a server that starves it never answers at all).
still_serves() {
	local t0
	t0=$(date +%s%N)
	{ timeout 60 "$BIN/echo-client" 127.0.0.1 "$PORT" -m still-here --quiet >"$TMP/normal.out" 2>&1 &&
		grep -q "server-still-here" "$TMP/normal.out"; } ||
		fail "$MODE: with $1, a normal client got no echo: $(cat "$TMP/normal.out")"
	echo "  $MODE: echo during $1: $((($(date +%s%N) - t0) / 1000000)) ms"
}

# abuse KIND N: runs abuse.py; a holding kind stays until still_serves ran.
abuse() {
	local kind=$1 n=$2 stop=$TMP/stop-$1-$MODE
	rm -f "$stop"
	python3 "$TMP/abuse.py" "$kind" "$PORT" "$n" "$stop" >"$TMP/$kind-$MODE.out" 2>&1 &
	local pid=$!
	wait_for "$TMP/$kind-$MODE.out" "ready\|longline:" 30 || fail "$MODE: $kind abuse did not get going: $(cat "$TMP/$kind-$MODE.out")"
	still_serves "$kind ($n)"
	touch "$stop"
	wait "$pid" || fail "$MODE: $kind: $(cat "$TMP/$kind-$MODE.out")"
	grep -v '^ready$' "$TMP/$kind-$MODE.out" | sed "s/^/  $MODE: /"
}

# settled: within 10 s the server holds the descriptors (and children) it had.
settled() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(fd_count)" -eq "$fds" ] && [ "$(children)" -eq 0 ] && return 0
		sleep 0.1
	done
	fail "$MODE: after $1 the server holds $(fd_count) descriptors (was $fds) and $(children) children"
}

for MODE in thread epoll fork; do
	n=$IDLE
	[ "$MODE" = fork ] && n=$((IDLE / 10))
	start_server "$MODE" --mode "$MODE" --quiet
	fds=$(fd_count)
	still_serves "nothing else"
	settled "the first echo"
	abuse idle "$n"
	settled "$n idle connections"
	abuse reset 200
	settled "200 resets mid-write"
	abuse longline 1
	settled "a 1 MB line"
	abuse noread 1
	settled "a client that never reads"
	echo "  $MODE: $fds descriptors before and after, peak RSS $(awk '/VmHWM/ {print $2, $3}' "/proc/$SERVER_PID/status")"
	stop_server
done
echo PASS
