#!/usr/bin/env bash
# socklab demo python: a Python echo server (python3 -c, blocking calls)
# under socklab run, echo-client against it: the server's calls (as the
# program really makes them: accept4, recvfrom, sendto) in the server's
# lane next to the handshake, the echo and the close; the demo ends on its
# own and leaves no process behind, nothing listening, none stopped.
# Skipped (77) without python3.
. "$(dirname "$0")/../lib/helpers.sh"
cd "$ROOT" || exit 1
need_root "the demo captures on lo"
command -v python3 >/dev/null || skip "python3 is not installed"

"$BIN/socklab" demo --list | grep -q '^python  *a Python echo server' || fail "demo --list has no python scenario"
"$BIN/socklab" demo --list --lang zh | grep -q '^python  *在 socklab run 下运行的 Python 回显服务器' ||
	fail "demo --list --lang zh has no Chinese line for python"

# without python3 on PATH: one line that says so, exit 1, nothing started
PATH=/nonexistent "$BIN/socklab" demo python --plain >"$TMP/nopy.out" 2>"$TMP/nopy.err"
rc=$?
[ $rc -eq 1 ] || fail "demo python without python3 exited $rc, expected 1"
grep -qx 'socklab: demo python: python3 is not installed (install it, or pick another: socklab demo --list)' \
	"$TMP/nopy.err" || fail "demo python without python3 did not say so"

timeout 60 "$BIN/socklab" demo python --plain >"$TMP/demo.out" 2>"$TMP/demo.err"
rc=$?
[ $rc -eq 0 ] || fail "socklab demo python --plain exited $rc"
port=$(sed -n "s/.*filter 'tcp port \([0-9]*\).*/\1/p" "$TMP/demo.out" "$TMP/demo.err" | head -n1)
[ -n "$port" ] || fail "the demo did not say its port"

# line_of TEXT: the first line number of the ladder with TEXT (0: none)
line_of() { grep -nF -m1 -- "$1" "$TMP/demo.out" | cut -d: -f1 | grep . || echo 0; }
# the server's lane is the right one: its calls come after the last '│'
server_has() { grep -qE -- "│ $1" "$TMP/demo.out" || fail "no server call '$1' in the server's lane"; }
server_has 'socket\(\) = 3'
server_has 'bind\(3\) = 0'
server_has 'listen\(3\) = 0'
server_has 'accept4\(3\) = 4'
server_has 'recvfrom\(4\) = 5 "hello"'
server_has 'sendto\(4\) = 12 "server-'
server_has 'recvfrom\(4\) = 0'
server_has 'close\(4\) = 0'
grep -qE '^ *[0-9.]+ #1 +read\(3\) = 12 "server-h' "$TMP/demo.out" || fail "the client did not read the echo"
# in order: listen, the handshake, accept4's return, the echo, the close
listen=$(line_of 'listen(3) = 0')
syn=$(line_of '──SYN seq=0')
acc=$(line_of 'accept4(3) = 4')
rd=$(line_of 'recvfrom(4) = 5')
fin=$(line_of 'FIN|ACK seq=13 ack=7')
echo "rows: listen $listen, SYN $syn, accept4 $acc, recvfrom $rd, server FIN $fin"
[[ $listen -gt 0 && $listen -lt $syn && $syn -lt $acc && $acc -lt $rd && $rd -lt $fin ]] ||
	fail "the rows are out of order"
grep -q 'LAST_ACK' "$TMP/demo.out" || fail "the server never reached LAST_ACK"

# nothing left: no listener on the port, no stopped process
python3 - "$port" <<'PY' || fail "something still listens on the demo's port $port"
import socket, sys
s = socket.socket()
sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) != 0 else 1)
PY
[ "$(stopped_matching "python3 -c .* $port\$")" -eq 0 ] || fail "the demo left a stopped process"
echo "ok: the Python server's calls under socklab run, $(grep -c '│ [a-z]' "$TMP/demo.out") server rows"
