#!/usr/bin/env bash
# echo-server's worker modes (--mode reuseport, --mode prefork [--herd]) and
# the threaded bench client, on real sockets, with the records read by
# event_sink (the lab's channel, no capture needed):
#  - reuseport, 4 workers, 40 clients: every client echoed, more than one
#    worker accepted, every call each worker printed is in the records with
#    its worker number, no gap in any process's seq;
#  - prefork --herd, driven one step at a time: the herd, deterministically;
#  - stopping: SIGINT to the parent stops every worker; a killed worker is
#    reported; a killed parent takes its workers with it;
#  - echo-client --bench -t 4 makes exactly the requests asked for.
. "$(dirname "$0")/../lib/helpers.sh"
. "$ROOT/tests/lib/lab_helpers.sh"
SINK=$TOOLS/event_sink
[ -x "$SINK" ] || fail "$SINK not built (make builds tests/tools)"
WORKERS=4
CLIENTS=40

# start_sink NAME [--go-auto]: event_sink on $TMP/NAME.sock, records to
# $TMP/NAME.rec; without --go-auto it releases one step per line written to
# the fifo $TMP/NAME.go (kept open on fd 7).
start_sink() {
	local name=$1 i
	shift
	if [ "$#" = 0 ]; then
		mkfifo "$TMP/$name.go"
		"$SINK" "$TMP/$name.sock" <"$TMP/$name.go" >"$TMP/$name.rec" &
		STARTED+=("$!")
		exec 7>"$TMP/$name.go"
	else
		"$SINK" "$TMP/$name.sock" "$@" >"$TMP/$name.rec" &
		STARTED+=("$!")
	fi
	for ((i = 0; i < 100; i++)); do [ -S "$TMP/$name.sock" ] && return 0; sleep 0.05; done
	fail "event_sink did not listen on $TMP/$name.sock"
}

# workers_of PID: the worker processes of echo-server PID
workers_of() { pgrep -P "$1" | sort; }

# --- reuseport: 4 workers, 40 clients -----------------------------------
start_sink rp --go-auto
start_server rp --mode reuseport --workers "$WORKERS" --events "$TMP/rp.sock"
grep -q "reuseport mode, $WORKERS workers" "$TMP/srv-rp.out" || fail "no listening line naming the workers"
[ "$(workers_of "$SERVER_PID" | wc -l)" = "$WORKERS" ] || fail "not $WORKERS worker processes"
pids=()
for ((i = 0; i < CLIENTS; i++)); do
	"$BIN/echo-client" -q 127.0.0.1 "$PORT" -m "hello $i" --events "$TMP/none.sock" >"$TMP/c$i.txt" 2>&1 &
	pids+=("$!")
	STARTED+=("$!")
done
for i in "${!pids[@]}"; do
	wait "${pids[$i]}" || fail "client $i failed: $(cat "$TMP/c$i.txt")"
	grep -qx "reply: server-hello $i" "$TMP/c$i.txt" || fail "client $i was not echoed: $(cat "$TMP/c$i.txt")"
done
workers=$(workers_of "$SERVER_PID")
stop_server
for w in $workers; do ! kill -0 "$w" 2>/dev/null || fail "worker $w still runs after the server stopped"; done
# Every call line a worker printed ("server w2 accept4(...)") is a call exit
# record of that worker, and no process's seq numbers have a gap. With 40
# connections spread by a hash of their 4-tuples over 4 listening sockets,
# all of them landing on one worker has a chance of 4 * 4^-40 = 4^-39: more
# than one worker accepting is what the kernel does, not luck.
python3 - "$TMP/rp.rec" "$TMP/srv-rp.err" "$WORKERS" "$CLIENTS" <<'PY' || fail "reuseport: the records do not match"
import collections, json, re, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
nworkers, nclients = int(sys.argv[3]), int(sys.argv[4])
hellos = {r["worker"]: r["pid"] for r in recs if r["type"] == "hello" and "worker" in r}
if sorted(hellos) != list(range(1, nworkers + 1)) or len(set(hellos.values())) != nworkers:
    sys.exit("want one hello from each of %d workers, each its own pid: %s" % (nworkers, hellos))
calls = [r for r in recs if r["type"] == "call"]
seqs = collections.defaultdict(set)
for r in calls:
    seqs[r["pid"]].add(r["seq"])
    if "worker" in r and hellos[r["worker"]] != r["pid"]:
        sys.exit("worker %d's call came from pid %d, its hello from %d" % (r["worker"], r["pid"], hellos[r["worker"]]))
for pid, s in seqs.items():
    if s != set(range(min(s), max(s) + 1)):
        sys.exit("pid %d: a gap in its seq numbers" % pid)
exits = collections.Counter(r.get("worker", 0) for r in calls if r["phase"] == "exit")
line = re.compile(r"^\d\d:\d\d:\d\d\.\d{6} server (?:w(\d+) )?[a-z_0-9]+\(")
printed = collections.Counter(int(m.group(1) or 0) for m in map(line.match, open(sys.argv[2])) if m)
if printed != exits:
    sys.exit("calls printed per worker %s, recorded %s" % (dict(printed), dict(exits)))
accepted = collections.Counter(r["worker"] for r in calls
                               if r["phase"] == "exit" and r["call"] == "accept4" and r["ret"] >= 0)
if sum(accepted.values()) != nclients:
    sys.exit("%d accepts for %d clients" % (sum(accepted.values()), nclients))
if len(accepted) < 2:
    sys.exit("one worker accepted every connection: %s" % dict(accepted))
listens = sorted(r["worker"] for r in calls if r["phase"] == "exit" and r["call"] == "listen" and r["ret"] == 0)
if listens != list(range(1, nworkers + 1)):
    sys.exit("each worker listens on its own socket: listen() by workers %s" % listens)
print("reuseport: %d calls from %d processes, all recorded, no seq gap; accepts by worker %s" % (
    sum(exits.values()), len(seqs), dict(sorted(accepted.items()))))
PY

# --- prefork --herd, one step at a time ---------------------------------
# The herd is a race when nothing holds the workers: a worker that wakes
# after another already took the connection finds the queue empty, and
# epoll_wait() (level-triggered) just waits on without returning; so "some
# accept() = -1 EAGAIN over N clients" is likely but not guaranteed. With
# --step it is: every worker waits before epoll_wait() while the client's
# connection lands in the one accept queue; released, every worker's
# epoll_wait() returns 1 (without EPOLLEXCLUSIVE each worker's epoll got the
# wake-up); only once all three wait before accept4() are those released:
# one accept4() gets the connection, the other two -1 EAGAIN.
start_sink herd
# count PATTERN...: the records that hold every PATTERN (a fixed string)
count() {
	local out p
	out=$(cat "$TMP/herd.rec")
	for p in "$@"; do out=$(grep -F -- "$p" <<<"$out"); done
	if [ -n "$out" ]; then wc -l <<<"$out"; else echo 0; fi
}
# until_count N PATTERN...: until N records hold every PATTERN (20 s at most)
until_count() {
	local n=$1 i
	shift
	for ((i = 0; i < 400; i++)); do
		[ "$(count "$@")" -ge "$n" ] && return 0
		sleep 0.05
	done
	return 1
}
STEP='"type":"step"' EXIT='"phase":"exit"'
released=0
go() { # go N: release N more steps
	local i
	for ((i = 0; i < $1; i++)); do echo >&7; done
	released=$((released + $1))
}
PORT=$(free_port)
"$BIN/echo-server" -p "$PORT" --mode prefork --workers 3 --herd --step --events "$TMP/herd.sock" \
	>"$TMP/srv-herd.out" 2>"$TMP/srv-herd.err" </dev/null &
SERVER_PID=$!
STARTED+=("$SERVER_PID")
# the parent's socket, setsockopt, bind, listen
for call in socket setsockopt bind listen; do
	until_count 1 "$STEP" "\"call\":\"$call\"" ||
		fail "herd: no step for the parent's $call()"
	go 1
done
wait_for "$TMP/srv-herd.out" "prefork mode, 3 workers, herd" 10 || fail "herd: the server did not start its workers"
# each worker registers the one listening socket in its own epoll: with
# --herd for EPOLLIN alone (issue 15: the registration is reported)
until_count 3 "$STEP" '"call":"epoll_ctl"' || fail "herd: the 3 workers do not step before epoll_ctl"
go 3
until_count 3 "$EXIT" '"call":"epoll_ctl"' 'EPOLL_CTL_ADD, 3, {EPOLLIN}"' '"ret":0,' ||
	fail "herd: the workers' epoll_ctl(EPOLL_CTL_ADD, 3, {EPOLLIN}) were not reported"
[ "$(count '"call":"epoll_ctl"' EPOLLEXCLUSIVE)" = 0 ] || fail "herd: a worker registered with EPOLLEXCLUSIVE"
until_count 3 "$STEP" '"call":"epoll_wait"' || fail "herd: the 3 workers do not wait before epoll_wait"
"$BIN/echo-client" -q 127.0.0.1 "$PORT" -m herd --events "$TMP/none.sock" >"$TMP/herd-client.txt" 2>&1 &
client_pid=$!
STARTED+=("$client_pid")
for ((i = 0; i < 100; i++)); do # the connection waits in the accept queue
	[ "$(ss -Hltn "( sport = :$PORT )" | awk '{ print $2 }')" = 1 ] && break
	sleep 0.05
done
[ "$i" -lt 100 ] || fail "herd: the client's connection never reached the accept queue"
go 3
until_count 3 "$EXIT" '"call":"epoll_wait"' '"ret":1,' ||
	fail "herd: not every worker's epoll_wait() returned for the one connection"
until_count 3 "$STEP" '"call":"accept4"' || fail "herd: not every worker went for accept4()"
go 3
until_count 3 "$EXIT" '"call":"accept4"' ||
	fail "herd: the accept4() calls did not return"
won=$(count "$EXIT" '"call":"accept4"' '"errno":null')
lost=$(count "$EXIT" '"call":"accept4"' '"errno":"EAGAIN"')
losers=$(grep -F "$EXIT" "$TMP/herd.rec" | grep -F '"call":"accept4"' | grep -F '"errno":"EAGAIN"' |
	grep -o '"worker":[0-9]*' | sort -u | wc -l)
[ "$won.$lost.$losers" = 1.2.2 ] ||
	fail "herd: want one accept4() that won and two workers' -1 EAGAIN, got $won won, $lost EAGAIN by $losers workers"
go 200 # the rest runs freely: the reply, the close
wait "$client_pid" || fail "herd: the client failed: $(cat "$TMP/herd-client.txt")"
grep -qx "reply: server-herd" "$TMP/herd-client.txt" || fail "herd: no reply"
workers=$(workers_of "$SERVER_PID")
go 200
stop_server
for w in $workers; do ! kill -0 "$w" 2>/dev/null || fail "herd: worker $w still runs"; done
echo "herd: 3 workers' epoll_wait() returned 1 for one connection; accept4(): 1 won, 2 workers got EAGAIN"

# prefork without --herd: every worker's registration asks for EPOLLEXCLUSIVE
start_server ex --mode prefork --workers 3
for ((i = 0; i < 100; i++)); do
	[ "$(grep -c 'epoll_ctl(4, EPOLL_CTL_ADD, 3, {EPOLLIN|EPOLLEXCLUSIVE}) = 0' "$TMP/srv-ex.err")" = 3 ] && break
	sleep 0.05
done
[ "$i" -lt 100 ] || fail "prefork: want 3 workers' epoll_ctl(4, EPOLL_CTL_ADD, 3, {EPOLLIN|EPOLLEXCLUSIVE}): $(grep epoll_ctl "$TMP/srv-ex.err")"
stop_server
echo "prefork: 3 workers registered the listening socket with EPOLLIN|EPOLLEXCLUSIVE; --herd with EPOLLIN alone"

# --- stopping --------------------------------------------------------------
# a worker killed: said on stderr with its number and pid; the others serve on
start_server kill --mode prefork --workers 3
victim=$(workers_of "$SERVER_PID" | head -1)
kill -KILL "$victim"
wait_for "$TMP/srv-kill.err" "worker w[0-9] (pid $victim) was killed by signal 9 (Killed); 2 workers left" ||
	fail "a killed worker was not reported"
client k1 -q 127.0.0.1 "$PORT" -m still || fail "the other workers stopped serving"
grep -qx "reply: server-still" "$TMP/k1.out" || fail "no reply from the workers left"
workers=$(workers_of "$SERVER_PID")
kill -INT "$SERVER_PID"
wait "$SERVER_PID"
rc=$?
[ "$rc" = 1 ] || fail "a server that lost a worker exited $rc, want 1"
for w in $workers; do ! kill -0 "$w" 2>/dev/null || fail "worker $w outlived its server"; done
# the parent killed outright: PR_SET_PDEATHSIG stops its workers
start_server orphan --mode reuseport --workers 2
workers=$(workers_of "$SERVER_PID")
{
	kill -KILL "$SERVER_PID"
	wait "$SERVER_PID"
} 2>/dev/null # bash says "Killed"
for w in $workers; do
	for ((i = 0; i < 100; i++)); do kill -0 "$w" 2>/dev/null || break; sleep 0.05; done
	! kill -0 "$w" 2>/dev/null || fail "worker $w outlived its killed parent"
done
echo "stopping: SIGINT stops every worker, a killed worker is reported, a killed parent leaves none"

# --- the threaded bench ------------------------------------------------------
start_server bench --mode epoll
client bench --bench -t 4 -c 20 -n 1003 127.0.0.1 "$PORT" || fail "bench -t 4 failed: $(cat "$TMP/bench.out")"
grep -q "^bench: .* 20 conns 1003 requests on 4 threads: .* errors 0 " "$TMP/bench.out" ||
	fail "bench -t 4: $(cat "$TMP/bench.out")"
stop_server
got=$(grep -c "^received from" "$TMP/srv-bench.out")
[ "$got" = 1003 ] || fail "bench -t 4 asked for 1003 requests, the server answered $got"
echo "ok: bench -t 4: the server answered exactly the 1003 requests asked for"
