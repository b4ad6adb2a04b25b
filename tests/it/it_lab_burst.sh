#!/usr/bin/env bash
# No call is lost: 50 echo-clients at once against echo-server --mode epoll,
# all reporting to `socklab record`. Every call line each program printed on
# stderr must be in the recording as a call exit record of that program's
# pid, with no gap in its seq numbers and no "lost" record. Then the same
# with the lab busy: socklab is stopped (SIGSTOP) while the clients run, so
# their records wait in the channel (the programs wait with them) and all
# arrive once it goes on.
. "$(dirname "$0")/../lib/helpers.sh"
need_root "capturing on lo"
CLIENTS=50

# burst NAME BUSY: one recording of the burst; BUSY=1 stops the lab meanwhile.
burst() {
	local name=$1 busy=$2 port ev=$TMP/$1.sock ui srv i
	local -a pids=()
	port=$(free_port)
	"$BIN/socklab" record "$TMP/$name" -p "$port" --events "$ev" --plain >"$TMP/$name.live" 2>"$TMP/$name.err" &
	ui=$!
	STARTED+=("$ui")
	wait_for "$TMP/$name.err" capturing || fail "$name: socklab record did not start capturing"
	"$BIN/echo-server" -p "$port" --mode epoll --events "$ev" >"$TMP/$name-server.out" 2>"$TMP/$name-server.err" &
	srv=$!
	STARTED+=("$srv")
	wait_for "$TMP/$name-server.out" listening || fail "$name: echo-server did not start"
	[ "$busy" = 1 ] && kill -STOP "$ui"
	for ((i = 0; i < CLIENTS; i++)); do
		"$BIN/echo-client" 127.0.0.1 "$port" -m hello --events "$ev" >/dev/null 2>"$TMP/$name-c$i.err" &
		pids+=("$!")
		STARTED+=("$!")
	done
	if [ "$busy" = 1 ]; then
		sleep 1
		kill -CONT "$ui"
	fi
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || fail "$name: client $i failed: $(cat "$TMP/$name-c$i.err")"
		echo "${pids[$i]} $TMP/$name-c$i.err" >>"$TMP/$name.programs"
	done
	kill -TERM "$srv"
	wait "$srv"
	echo "$srv $TMP/$name-server.err" >>"$TMP/$name.programs"
	# every record the programs sent is queued on the channel once they are
	# gone; socklab takes what is still queued into the recording as it stops
	kill -TERM "$ui"
	wait "$ui" 2>/dev/null
	python3 - "$TMP/$name.jsonl" "$TMP/$name.programs" "$name" <<'PY' || fail "$name: calls were lost"
import json, re, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
exits, seqs = {}, {}
for r in recs:
    if r.get("type") == "lost":
        sys.exit("a lost record: %s" % r)
    if r.get("type") == "call":
        seqs.setdefault(r["pid"], set()).add(r["seq"])
        if r.get("phase") == "exit":
            exits[r["pid"]] = exits.get(r["pid"], 0) + 1
line = re.compile(r"^\d\d:\d\d:\d\d\.\d{6} \S+ [a-z_0-9]+\(")
printed_total = 0
for entry in open(sys.argv[2]):
    pid, path = entry.split()
    pid = int(pid)
    printed = sum(1 for l in open(path) if line.match(l))
    printed_total += printed
    got = exits.get(pid, 0)
    if got != printed:
        sys.exit("pid %d printed %d calls, the recording has %d" % (pid, printed, got))
    if seqs.get(pid) and seqs[pid] != set(range(min(seqs[pid]), max(seqs[pid]) + 1)):
        sys.exit("pid %d: a gap in its seq numbers: %s" % (pid, sorted(seqs[pid])))
print("%s: %d programs, %d calls printed, all %d in the recording, no seq gap" % (
    sys.argv[3], len(open(sys.argv[2]).readlines()), printed_total, sum(exits.values())))
PY
	! grep -q "CALLS LOST" "$TMP/$name.live" || fail "$name: the lab says calls were lost"
}

burst quiet 0
burst busy 1
