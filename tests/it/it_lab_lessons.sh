#!/usr/bin/env bash
# Each lesson switch of echo-server and echo-client does what it promises,
# checked by the results of the real socket calls (and ss for TIME_WAIT),
# in the thread and epoll modes. Also the error lines and exit codes.
. "$(dirname "$0")/../lib/helpers.sh"
. "$ROOT/tests/lib/lab_helpers.sh"

# client_port NAME: the local port of the client's connection, from the
# "connect(...) = 0  local 127.0.0.1:PORT" line it printed on stderr.
client_port() {
	sed -n 's/.*connect(.*) = 0  local [0-9.]*:\([0-9]*\).*/\1/p' "$TMP/$1.err" | head -n 1
}

# time_wait_pair CPORT SPORT: this one connection's sockets in TIME_WAIT.
# Only its own 4-tuple counts: other tests on this machine pick ports from
# the same range and may leave a TIME_WAIT on SPORT from an earlier run.
time_wait_pair() {
	ss -Htan state time-wait \
		"( sport = :$1 and dport = :$2 ) or ( sport = :$2 and dport = :$1 )" 2>/dev/null | wc -l
}

for mode in thread epoll; do
	# --accept-delay: connect() returns while the server has not called accept()
	start_server delay --mode "$mode" --accept-delay 1500
	: >"$TMP/d.out" # else wait_for could read the thread round's line
	timeout 10 "$BIN/echo-client" -q 127.0.0.1 "$PORT" -m x >"$TMP/d.out" 2>&1 &
	cpid=$!
	wait_for "$TMP/d.out" "connected to" || fail "$mode --accept-delay: connect did not return"
	! grep -q "accept.*= [0-9]" "$TMP/srv-delay.err" || fail "$mode --accept-delay: accept ran before connect returned"
	wait "$cpid" || fail "$mode --accept-delay: client exit $?"
	grep -qx "reply: server-x" "$TMP/d.out" || fail "$mode --accept-delay: no reply after accept"
	stop_server

	# --close-first: the client reads EOF first; the server's side ends in TIME_WAIT
	start_server cf -q --mode "$mode" --close-first
	client cf 127.0.0.1 "$PORT" -m x --hold 3000 || fail "$mode --close-first: client exit $?"
	grep -qx "the server closed the connection (EOF)" "$TMP/cf.out" || fail "$mode --close-first: no EOF"
	cport=$(client_port cf)
	[ -n "$cport" ] || fail "$mode --close-first: no connect line on the client's stderr"
	if command -v ss >/dev/null; then
		ss -Htan state time-wait "( sport = :$PORT and dport = :$cport )" | grep -q . ||
			fail "$mode --close-first: server side not in TIME_WAIT"
	fi
	stop_server

	# --linger0: close() sends RST: the client's read fails, no TIME_WAIT anywhere
	start_server l0 -q --mode "$mode" --linger0
	client l0 127.0.0.1 "$PORT" -m x --hold 3000 || fail "$mode --linger0: client exit $?"
	grep -q "read(.*= -1 ECONNRESET" "$TMP/l0.err" || fail "$mode --linger0: no ECONNRESET"
	if command -v ss >/dev/null; then
		cport=$(client_port l0)
		[ -n "$cport" ] || fail "$mode --linger0: no connect line on the client's stderr"
		[ "$(time_wait_pair "$cport" "$PORT")" -eq 0 ] || fail "$mode --linger0: TIME_WAIT after RST"
	fi
	stop_server

	# --no-read: closing with unread data resets the connection
	start_server nr -q --mode "$mode" --no-read
	client nr 127.0.0.1 "$PORT" -m x && fail "$mode --no-read: client succeeded"
	grep -q "read from 127.0.0.1:$PORT: connection reset by peer" "$TMP/nr.err" ||
		fail "$mode --no-read: no reset reported"
	stop_server

	# --shutdown: after the server's FIN the client still sends and the server still reads
	start_server sd -q --mode "$mode" --shutdown
	client sd -q 127.0.0.1 "$PORT" -m a -m b || fail "$mode --shutdown: client exit $?"
	grep -qx "reply: server-a" "$TMP/sd.out" || fail "$mode --shutdown: no first reply"
	grep -qx "reply: none, the server closed its side (EOF)" "$TMP/sd.out" || fail "$mode --shutdown: no EOF"
	wait_for "$TMP/srv-sd.out" "received from .*: b" || fail "$mode --shutdown: server did not read after its FIN"
	stop_server

	# client --close rst: the server's read fails with ECONNRESET
	start_server cr --mode "$mode"
	client cr -q 127.0.0.1 "$PORT" -m x --close rst || fail "$mode --close rst: client exit $?"
	wait_for "$TMP/srv-cr.err" "read(.*= -1 ECONNRESET" || fail "$mode --close rst: server saw no reset"
	# client --close shutdown: FIN first, then the client reads the server's FIN
	client cs 127.0.0.1 "$PORT" -m x --close shutdown || fail "$mode --close shutdown: client exit $?"
	grep -q "shutdown(.*SHUT_WR) = 0" "$TMP/cs.err" || fail "$mode --close shutdown: no shutdown"
	grep -q "read(.*) = 0" "$TMP/cs.err" || fail "$mode --close shutdown: no EOF after shutdown"
	stop_server
done

# --backlog 1 with accept delayed: the accept queue holds backlog+1 finished
# handshakes on Linux; further clients are left waiting in connect()
start_server bl -q --backlog 1 --accept-delay 3000
for i in 1 2 3 4; do
	timeout 10 "$BIN/echo-client" -q 127.0.0.1 "$PORT" -m "c$i" >"$TMP/bl$i.out" 2>&1 &
done
sleep 1
connected=$(cat "$TMP"/bl?.out | grep -c "connected to")
[[ $connected -ge 1 && $connected -lt 4 ]] || fail "--backlog 1: $connected of 4 connected"
stop_server

# --bind-port twice: the first connection's TIME_WAIT holds the port
start_server bp -q
for ((try = 0; try < 10; try++)); do
	lport=$((20000 + RANDOM % 40000))
	client bp1 -q 127.0.0.1 "$PORT" -m x --bind-port "$lport" && break
done
grep -q "from 127.0.0.1:$lport" "$TMP/bp1.out" || fail "--bind-port: not connected from $lport"
client bp2 -q 127.0.0.1 "$PORT" -m x --bind-port "$lport" && fail "--bind-port: second bind succeeded"
grep -q "bind 0.0.0.0:$lport: address already in use (is the last connection from this port still in TIME_WAIT" \
	"$TMP/bp2.err" || fail "--bind-port: wrong message: $(cat "$TMP/bp2.err")"
stop_server

# error lines
start_server busy -q
"$BIN/echo-server" -q -p "$PORT" >/dev/null 2>"$TMP/busy2.err" && fail "second server started"
grep -qx "echo-server: bind 127.0.0.1:$PORT: address already in use (is another server running?)" "$TMP/busy2.err" ||
	fail "bind message: $(cat "$TMP/busy2.err")"
stop_server
client refused -q 127.0.0.1 "$PORT" -m x && fail "client connected to a stopped server"
grep -qx "echo-client: connect 127.0.0.1:$PORT: connection refused (is echo-server running?)" "$TMP/refused.err" ||
	fail "connect message: $(cat "$TMP/refused.err")"
"$BIN/echo-server" --mode bogus 2>"$TMP/bad.err"; rc=$?
{ [ $rc -eq 2 ] && grep -q "try --help" "$TMP/bad.err"; } || fail "bad --mode: exit $rc"
"$BIN/echo-client" --nope 2>"$TMP/bad.err"; rc=$?
{ [ $rc -eq 2 ] && grep -qx "echo-client: unknown option --nope (try --help)" "$TMP/bad.err"; } || fail "bad flag: exit $rc"
"$BIN/echo-server" --help | grep -q -- "--linger0" || fail "server --help"
"$BIN/echo-client" --help | grep -q -- "--bind-port" || fail "client --help"
echo "ok"
