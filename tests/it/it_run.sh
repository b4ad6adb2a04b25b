#!/usr/bin/env bash
# socklab run: programs that know nothing of socklab report their socket
# calls to the lab like the echo programs do. A Python echo server and
# client, and curl against python3 -m http.server, each under socklab run,
# with the lab listening (socklab record --plain as root, else the test
# sink): their calls arrive with their endpoints, and in the recording each
# call sits on its connection. Then the bad cases: a command not found, one
# that exits at once, 100 forked children, one killed by SIGKILL while it
# waits at a step, one that closes every descriptor with close_range, a kill
# of socklab run itself, --pid of no process and of somebody else's; none
# leaves a stopped process behind.
. "$(dirname "$0")/../lib/helpers.sh"
SINK=$TOOLS/event_sink
PY=$ROOT/tests/tools/py_echo.py
[ -x "$SINK" ] || fail "$SINK not built (make builds tests/tools)"
command -v python3 >/dev/null || skip "python3 is not installed (make deps installs it)"
RUN=("$BIN/socklab" run)

# stopped_ours: processes of this test (their command line names $TMP)
# left stopped.
stopped_ours() { stopped_matching "$TMP"; }

# wait_sock PATH: until the lab's channel exists.
wait_sock() {
	local i
	for ((i = 0; i < 100; i++)); do [ -S "$1" ] && return 0; sleep 0.05; done
	fail "no event channel at $1"
}

# lab_start NAME PORT: a lab listening on $TMP/NAME.sock: socklab record
# --plain of PORT as root (rows in $TMP/NAME.live, records in
# $TMP/NAME.jsonl), else the sink (records in $TMP/NAME.jsonl). Sets LAB.
lab_start() {
	local name=$1 port=$2
	if [ "$(id -u)" = 0 ]; then
		"$BIN/socklab" record "$TMP/$name" -p "$port" --events "$TMP/$name.sock" --plain \
			>"$TMP/$name.live" 2>"$TMP/$name.laberr" &
		LAB=$!
		STARTED+=("$LAB")
		wait_for "$TMP/$name.laberr" capturing || fail "$name: socklab record did not start"
	else
		"$SINK" "$TMP/$name.sock" --go-auto >"$TMP/$name.jsonl" &
		LAB=$!
		STARTED+=("$LAB")
	fi
	wait_sock "$TMP/$name.sock"
}

# lab_stop: the lab ends once every record is in (the programs have ended:
# their records were sent before they were reaped).
lab_stop() {
	kill -TERM "$LAB"
	wait "$LAB" 2>/dev/null
}

# has FILE REGEX WHAT: FILE has a record matching REGEX.
# has FILE ERE WHAT: a record matching ERE reaches FILE (5 s at most). The
# sink writes what it reads: a program's last records may still be on their
# way when socklab run has exited (a busy machine showed it).
has() {
	local i
	for ((i = 0; i < 100; i++)); do
		grep -Eq -- "$2" "$1" && return 0
		sleep 0.05
	done
	fail "$3 (no record matching $2)"
}

# --- a Python echo server and client
PORT=$(free_port)
lab_start py "$PORT"
"${RUN[@]}" -q --events "$TMP/py.sock" -- python3 -u "$PY" server "$PORT" >"$TMP/pysrv.out" 2>"$TMP/pysrv.err" &
srv=$!
STARTED+=("$srv")
wait_for "$TMP/pysrv.out" listening || fail "the Python server under socklab run did not start"
timeout 20 "${RUN[@]}" --events "$TMP/py.sock" -- python3 "$PY" client "$PORT" hello >"$TMP/pycli.out" 2>"$TMP/pycli.err" ||
	fail "the Python client under socklab run failed"
wait "$srv" || fail "the Python server under socklab run exited $?"
lab_stop
grep -qx "server-hello" "$TMP/pycli.out" || fail "the client got no echo"
J=$TMP/py.jsonl
cli=$(grep -E '"proc":"client".*"phase":"exit".*"call":"connect"' "$J" | head -n1 | sed 's/.*"local":"\([^"]*\)".*/\1/')
[[ $cli == 127.0.0.1:* ]] || fail "no client connect with its local endpoint: $(grep connect "$J")"
has "$J" "\"proc\":\"server\".*\"phase\":\"exit\".*\"call\":\"bind\",\"fd\":3,\"args\":\"3, 127.0.0.1:$PORT\"" "server bind"
has "$J" '"proc":"server".*"phase":"exit".*"call":"listen"' "server listen"
has "$J" "\"proc\":\"server\".*\"phase\":\"exit\".*\"call\":\"accept4?\".*\"local\":\"127.0.0.1:$PORT\",\"peer\":\"$cli\"" \
	"the server's accept with the client's endpoint"
has "$J" "\"proc\":\"client\".*\"phase\":\"exit\".*\"call\":\"connect\".*\"peer\":\"127.0.0.1:$PORT\"" "client connect"
has "$J" '"proc":"server".*"phase":"exit".*"call":"(recvfrom|read)".*"data":"hello"' "the server's read of hello"
has "$J" '"proc":"client".*"phase":"exit".*"call":"(recvfrom|read)".*"data":"server-hello"' "the client's read of the echo"
has "$J" '"proc":"client".*"phase":"exit".*"call":"close"' "the client's close"
[ "$(grep -c '"proc":"client".*"phase":"exit".*"call":"connect"' "$J")" -eq 1 ] || fail "connect reported more than once"
# each traced process says hello as an echo program does, with its own pid
# (not socklab run's) and its command line, before its first record
for side in server client; do
	pid=$(grep -m1 "\"type\":\"call\".*\"proc\":\"$side\"" "$J" | sed 's/.*"pid":\([0-9]*\).*/\1/')
	first=$(grep -m1 "\"pid\":$pid," "$J")
	[[ $first == *'"type":"hello"'*"\"proc\":\"$side\""*"\"argv\":\""*"python3 "*"py_echo.py $side $PORT"* ]] ||
		fail "the $side's first record is not its hello: $first"
	[ "$(grep -c "\"type\":\"hello\".*\"pid\":$pid," "$J")" -eq 1 ] || fail "the $side said hello more than once"
done
# each call's enter comes before its exit, and the seq numbers have no gap
python3 - "$J" <<'PY' || fail "records out of order or lost"
import json, sys
seen = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("type") != "call":
        continue
    key = (r["pid"], r["seq"])
    if r["phase"] == "enter":
        assert key not in seen, key
        seen[key] = True
    else:
        assert seen.get(key), ("exit without enter", key)
for pid in {p for p, _ in seen}:
    seqs = sorted(s for p, s in seen if p == pid)
    assert seqs == list(range(1, len(seqs) + 1)), (pid, seqs)
PY
if [ -s "$TMP/py.live" ]; then
	# the recording puts the calls on the connection (#1): connect on the
	# client's side of the ladder, accept on the server's
	grep -E '^ *[0-9.]+ #1 +connect\(' "$TMP/py.live" >/dev/null || fail "connect is not on connection #1: $(cat "$TMP/py.live")"
	grep -E '^ *[0-9.]+ #1 .*│ accept4?\(' "$TMP/py.live" >/dev/null || fail "accept is not on connection #1"
	grep -E '^ *[0-9.]+ #1 .*recvfrom\(.*"hello' "$TMP/py.live" >/dev/null || fail "the server's read is not on #1"
fi
grep -q 'server-hello' "$TMP/pycli.err" || fail "no stderr line for the client's read: $(cat "$TMP/pycli.err")"
[ -s "$TMP/pysrv.err" ] && fail "-q still wrote lines: $(head -n3 "$TMP/pysrv.err")"
echo "python: $(grep -c '"type":"call"' "$J") call records, client $cli"

# --- curl against python3 -m http.server
if command -v curl >/dev/null; then
	PORT=$(free_port)
	mkdir -p "$TMP/www"
	echo "hello from http.server" >"$TMP/www/hello.txt"
	lab_start web "$PORT"
	"${RUN[@]}" -q --events "$TMP/web.sock" -- python3 -u -m http.server "$PORT" --bind 127.0.0.1 \
		--directory "$TMP/www" >"$TMP/websrv.out" 2>"$TMP/websrv.err" &
	srv=$!
	STARTED+=("$srv")
	wait_for "$TMP/websrv.out" "Serving HTTP" || fail "http.server under socklab run did not start"
	timeout 20 "${RUN[@]}" -q --events "$TMP/web.sock" -- curl -s "http://127.0.0.1:$PORT/hello.txt" \
		>"$TMP/curl.out" 2>"$TMP/curl.err" || fail "curl under socklab run failed: $(cat "$TMP/curl.err")"
	grep -q "hello from http.server" "$TMP/curl.out" || fail "curl got: $(cat "$TMP/curl.out")"
	kill -TERM "$srv" # socklab run passes it on to the server
	wait "$srv"
	rc=$?
	[ "$rc" -eq 143 ] || fail "socklab run of a server ended by SIGTERM exited $rc, not 143"
	lab_stop
	J=$TMP/web.jsonl
	has "$J" "\"proc\":\"client\".*\"phase\":\"exit\".*\"call\":\"connect\".*\"addr\":\"127.0.0.1:$PORT\"" "curl's connect"
	has "$J" "\"type\":\"hello\".*\"proc\":\"client\".*\"argv\":\"curl -s http://127.0.0.1:$PORT/hello.txt\"" "curl's hello"
	has "$J" "\"type\":\"hello\".*\"proc\":\"server\".*\"argv\":\"[^\"]*python3 -u -m http.server $PORT" "http.server's hello"
	has "$J" '"proc":"client".*"phase":"exit".*"call":"(sendto|write|sendmsg)".*"data":"GET /hello.txt HTTP/1.1' \
		"curl's request"
	has "$J" '"proc":"server".*"phase":"exit".*"call":"(recvfrom|read|recvmsg)".*"data":"GET /hello.txt' \
		"the server's read of the request"
	has "$J" '"proc":"client".*"phase":"exit".*"call":"(recvfrom|read)".*"data":"HTTP/1.0 200' "curl's read of the reply"
	if grep -q '"call":"connect".*"errno":"EINPROGRESS"' "$J"; then
		# curl connects without blocking: it waits, then asks SO_ERROR
		has "$J" '"proc":"client".*"phase":"exit".*"call":"getsockopt".*SO_ERROR, \[0\]' "curl's getsockopt(SO_ERROR)"
		has "$J" '"proc":"client".*"phase":"exit".*"call":"(poll|ppoll)"' "curl's poll"
	fi
	if [ -s "$TMP/web.live" ]; then
		grep -E '^ *[0-9.]+ #1 +connect\(' "$TMP/web.live" >/dev/null || fail "curl's connect is not on connection #1"
	fi
	echo "curl: $(grep -c '"proc":"client".*"type":"call"\|"type":"call".*"proc":"client"' "$J") client records"
else
	echo "curl is not installed: that part is skipped (make deps installs it)"
fi

# --- bad input
"$SINK" "$TMP/bad.sock" --go-auto >"$TMP/bad.jsonl" &
STARTED+=($!)
wait_sock "$TMP/bad.sock"
B=(--events "$TMP/bad.sock")

"${RUN[@]}" "${B[@]}" -- "no-such-command-$$" >"$TMP/nf.out" 2>"$TMP/nf.err"
rc=$?
[ "$rc" -eq 127 ] || fail "a command not found exited $rc, not 127"
[ "$(cat "$TMP/nf.err")" = "socklab run: no-such-command-$$: command not found" ] ||
	fail "not found said: $(cat "$TMP/nf.err")"
"${RUN[@]}" "${B[@]}" -- "$TMP" 2>"$TMP/dir.err"
rc=$?
[[ $rc -eq 126 && $(wc -l <"$TMP/dir.err") -eq 1 ]] || fail "a directory as command: exit $rc, $(cat "$TMP/dir.err")"
"${RUN[@]}" "${B[@]}" -q -- true || fail "true under socklab run failed"
"${RUN[@]}" "${B[@]}" -q -- sh -c 'exit 7'
[ $? -eq 7 ] || fail "exit 7 was not passed on"
"${RUN[@]}" "${B[@]}" -- sh -c 'kill -KILL $$' 2>"$TMP/kill.err"
rc=$?
[[ $rc -eq 137 ]] || fail "a command killed by SIGKILL: exit $rc, not 137"
grep -qx "socklab run: sh killed by signal 9 (SIGKILL)" "$TMP/kill.err" || fail "the kill was not said: $(cat "$TMP/kill.err")"
"${RUN[@]}" 2>"$TMP/usage.err"
[[ $? -eq 2 && $(wc -l <"$TMP/usage.err") -eq 1 ]] || fail "no command: $(cat "$TMP/usage.err")"

# 100 children, each with a socket: each reported by its own pid
timeout 60 "${RUN[@]}" "${B[@]}" -q -- python3 "$PY" forks 100 "$TMP" || fail "100 forked children: exit $?"
for ((i = 0; i < 100; i++)); do # the last children's records may still be on their way
	n=$(grep '"phase":"exit".*"call":"socket"' "$TMP/bad.jsonl" | grep -o '"pid":[0-9]*' | sort -u | wc -l)
	[ "$n" -ge 100 ] && break
	sleep 0.05
done
[ "$n" -eq 100 ] || fail "socket calls of $n children reported, not 100"

# an exec: the new program says hello again, under the same pid, before its
# own records (a connected UDP socket shows each one's side: client)
"${RUN[@]}" "${B[@]}" -q -- python3 -c 'import os, socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.connect(("127.0.0.1", 9)); s.close()
os.execvp("python3", ["python3", "-c", "import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).connect((\"127.0.0.1\", 9))", "after-exec"])' ||
	fail "the exec program failed"
has "$TMP/bad.jsonl" '"type":"hello".*"argv":"python3 -c import socket.*after-exec' "the exec program's second hello"
hellos=$(grep '"type":"hello"' "$TMP/bad.jsonl" | grep -F 'python3 -c import os, socket')
[[ -n $hellos && $(wc -l <<<"$hellos") -eq 1 ]] || fail "the exec program: not one hello before the exec: $hellos"
[[ $hellos =~ \"pid\":([0-9]+) ]] && pid=${BASH_REMATCH[1]}
for ((i = 0; i < 100; i++)); do # its last connect may still be on its way
	grep "\"pid\":$pid," "$TMP/bad.jsonl" | grep -E '"type":"hello"|"phase":"exit".*"call":"connect"' |
		sed 's/.*"type":"\([a-z]*\)".*/\1/' | tr '\n' ' ' >"$TMP/exec.seq"
	[ "$(cat "$TMP/exec.seq")" = "hello call hello call " ] && break
	sleep 0.05
done
[ "$(cat "$TMP/exec.seq")" = "hello call hello call " ] || fail "the exec program's hellos and connects: $(cat "$TMP/exec.seq")"
grep "\"pid\":$pid," "$TMP/bad.jsonl" | grep '"type":"hello"' | tail -n1 | grep -q 'after-exec' ||
	fail "the second hello does not name the new program"

# close_range of everything: reported once, with the first socket it closes
"${RUN[@]}" "${B[@]}" -q -- python3 "$PY" close_range "$TMP" || fail "close_range program failed"
has "$TMP/bad.jsonl" '"phase":"exit".*"call":"close_range","fd":3,"args":"3, ~0U, 0","ret":0' "close_range"

# SIGKILL of a program waiting at a step: no stopped process stays
mkfifo "$TMP/go"
"$SINK" "$TMP/step.sock" <"$TMP/go" >"$TMP/step.jsonl" &
STARTED+=($!)
exec 3>"$TMP/go"
wait_sock "$TMP/step.sock"
"${RUN[@]}" --step -q --events "$TMP/step.sock" -- python3 "$PY" client "$(free_port)" x 2>"$TMP/step.err" &
run=$!
STARTED+=("$run")
# Python's import of selectors makes and closes an epoll set first: let
# each step before socket() go, one at a time, as it arrives
for ((steps = 1; steps < 10; steps++)); do
	for ((i = 0; i < 100; i++)); do
		[ "$(grep -c '"type":"step"' "$TMP/step.jsonl")" -ge "$steps" ] && break
		sleep 0.05
	done
	[ "$(grep -c '"type":"step"' "$TMP/step.jsonl")" -eq "$steps" ] || fail "no step $steps: $(cat "$TMP/step.jsonl")"
	[ "$(grep -c '"type":"call".*"phase":"exit"' "$TMP/step.jsonl")" -eq $((steps - 1)) ] ||
		fail "a call ran before its go: $(cat "$TMP/step.jsonl")"
	grep '"type":"step"' "$TMP/step.jsonl" | tail -n1 | grep -q '"call":"socket"' && break
	echo >&3
done
echo >&3 # one go: socket runs, connect waits
wait_for "$TMP/step.jsonl" '"type":"step".*"call":"connect"' || fail "no second step: $(cat "$TMP/step.jsonl")"
has "$TMP/step.jsonl" '"type":"call".*"phase":"exit".*"call":"socket"' "the released socket call"
pid=$(grep -m1 '"type":"step"' "$TMP/step.jsonl" | sed 's/.*"pid":\([0-9]*\).*/\1/')
[ "$(ps -o stat= -p "$pid" | cut -c1)" = t ] || fail "the program is not held at its step: $(ps -o stat=,args= -p "$pid")"
kill -KILL "$pid"
wait "$run"
rc=$?
[ "$rc" -eq 137 ] || fail "socklab run of a program killed at a step exited $rc"
exec 3>&-

# --pid: of no process, of somebody else's
true &
gone=$!
wait "$gone"
"${RUN[@]}" --pid "$gone" 2>"$TMP/nopid.err"
rc=$?
[[ $rc -eq 1 && "$(cat "$TMP/nopid.err")" == "socklab run: --pid $gone: no such process" ]] ||
	fail "--pid of no process: exit $rc, $(cat "$TMP/nopid.err")"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN/socklab" run --pid 1 2>"$TMP/notmine.err"
	rc=$?
	[[ $rc -eq 1 && $(wc -l <"$TMP/notmine.err") -eq 1 ]] || fail "--pid 1 as nobody: exit $rc, $(cat "$TMP/notmine.err")"
	grep -q "socklab run: --pid 1: not allowed" "$TMP/notmine.err" || fail "--pid 1 as nobody: $(cat "$TMP/notmine.err")"
fi

# --pid of a server of ours that waits in accept(): its calls from then on
# are reported, socklab run says it stops at every call, and it ends with
# the server, passing on its exit status
PORT=$(free_port)
python3 -u "$PY" server "$PORT" "$TMP" >"$TMP/att.out" 2>&1 &
att=$!
STARTED+=("$att")
wait_for "$TMP/att.out" listening || fail "the server to attach to did not start"
"${RUN[@]}" "${B[@]}" --pid "$att" >/dev/null 2>"$TMP/attach.err" &
run=$!
STARTED+=("$run")
wait_for "$TMP/attach.err" "attached to $att" || fail "no attach message: $(cat "$TMP/attach.err")"
grep -q "stops at every system call" "$TMP/attach.err" || fail "attaching does not say what it costs"
python3 "$PY" client "$PORT" attached >"$TMP/attcli.out" || fail "the client of the attached server failed"
wait "$run"
rc=$?
[ "$rc" -eq 0 ] || fail "socklab run --pid of a server that exits 0 exited $rc: $(cat "$TMP/attach.err")"
grep -q "server accept4\?(3, .* peer 127.0.0.1:" "$TMP/attach.err" || fail "the attached server's accept: $(cat "$TMP/attach.err")"
grep -q 'server recvfrom(4, .*"attached"' "$TMP/attach.err" || fail "the attached server's read: $(cat "$TMP/attach.err")"

n=$(stopped_ours)
[ "$n" -eq 0 ] || fail "$n stopped processes left: $(ps -eo pid,stat,args | awk '$2 ~ /^[tT]/')"
echo "bad input: 127, 126, exit codes and signals passed on, 100 children, close_range, SIGKILL at a step, --pid refused; --pid attached; nothing left stopped"
