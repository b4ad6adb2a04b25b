#!/usr/bin/env bash
# Faults (issue 6), each injected into the real programs:
#  1. `socklab record` killed with SIGKILL at a random moment of live
#     traffic, three times: the .jsonl replays, every complete line is
#     JSON, and the .pcapng opens in tshark. Cutting the .jsonl at random
#     bytes (a crash mid-line) replays exactly up to the last complete line
#     and names the torn one.
#  2. The capture interface goes away (a veth pair is deleted): socklab-trace
#     and socklab exit at once with a one-line reason, the tracer's output
#     still ends with its stats record.
#  3. A full disk (a 64 KB tmpfs): `socklab record`, `socklab-trace -w` and
#     `socklab-trace --json >FILE` stop with "No space left on device", and
#     what was written before reads back.
#  4. Lab programs killed while `socklab demo --step` drives them (the client
#     waiting at a step, then the server inside accept()): the UI goes on (the
#     kernel's FIN for the dead client, the server's next steps), keys are
#     still answered, and q still exits 0.
. "$(dirname "$0")/../lib/helpers.sh"
cd "$ROOT" || exit 1
need_root "capture on lo, tmpfs mounts, veth interfaces"
command -v tshark >/dev/null || skip "tshark is not installed"

# exits_within SECONDS PID: waits for PID to end; its status goes to $rc.
exits_within() {
	local i
	for ((i = 0; i < $1 * 10; i++)); do
		kill -0 "$2" 2>/dev/null || { wait "$2"; rc=$?; return 0; }
		sleep 0.1
	done
	return 1
}

# traffic PORT EVENTS: an echo-server and a loop of echo-clients reporting
# their calls on EVENTS, in the background (pids in $server $loop).
traffic() {
	"$BIN/echo-server" -p "$1" --events "$2" --quiet >/dev/null 2>&1 &
	server=$!
	STARTED+=("$server")
	for _ in $(seq 50); do "$BIN/echo-client" 127.0.0.1 "$1" -m ping --quiet >/dev/null 2>&1 && break; sleep 0.1; done
	(while :; do "$BIN/echo-client" 127.0.0.1 "$1" -m hello -m again --events "$2" --quiet >/dev/null 2>&1; done) &
	loop=$!
	STARTED+=("$loop")
}
stop_traffic() { kill "$loop" "$server" 2>/dev/null; wait "$loop" "$server" 2>/dev/null; }

# replay_plain FILE OUT: socklab replay FILE --plain, stdout to OUT, stderr to OUT.err
replay_plain() { "$BIN/socklab" replay "$1" --plain >"$2" 2>"$2.err"; }

# ---- 1. SIGKILL while recording
for round in 1 2 3; do
	port=$(free_port) ev=$TMP/ev$round.sock rec=$TMP/kill$round
	"$BIN/socklab" record "$rec" -p "$port" --events "$ev" --plain >/dev/null 2>"$TMP/kill$round.err" &
	ui=$!
	STARTED+=("$ui")
	wait_for "$TMP/kill$round.err" capturing 10 || fail "round $round: socklab record did not start capturing"
	traffic "$port" "$ev"
	delay=$(python3 -c 'import random; print(round(random.uniform(0.3, 1.5), 2))')
	sleep "$delay"
	kill -9 "$ui"
	wait "$ui" 2>/dev/null
	stop_traffic
	replay_plain "$rec.jsonl" "$TMP/r$round" || fail "round $round: the killed recording does not replay: $(cat "$TMP/r$round.err")"
	python3 - "$rec.jsonl" <<'PY' || fail "round $round: see above"
import json, sys
data = open(sys.argv[1], "rb").read()
lines = data.split(b"\n")
for i, l in enumerate(lines[:-1], 1):
    json.loads(l)  # every complete line is a record
PY
	tshark -r "$rec.pcapng" >"$TMP/k$round.tshark" 2>"$TMP/k$round.tshark.err" ||
		fail "round $round: tshark rejects the pcapng: $(cat "$TMP/k$round.tshark.err")"
	packets=$(wc -l <"$TMP/k$round.tshark") records=$(grep -c '"type":"packet"' "$rec.jsonl")
	((packets > 0 && packets - records <= 1 && records - packets <= 1)) ||
		fail "round $round: pcapng has $packets packets, the jsonl $records packet records"
	echo "SIGKILL after ${delay} s: $(wc -l <"$rec.jsonl") records, $(wc -l <"$TMP/r$round") rows replayed, pcapng $packets packets"
done
# A crash in the middle of a line: cut the last recording at random bytes.
size=$(stat -c %s "$TMP/kill3.jsonl")
for cut in $(python3 -c "import random; print(*random.sample(range(1, $size), 3))"); do
	head -c "$cut" "$TMP/kill3.jsonl" >"$TMP/torn.jsonl"
	whole=$(head -c "$cut" "$TMP/kill3.jsonl" | grep -c '')   # lines, the torn one included
	complete=$(head -c "$cut" "$TMP/kill3.jsonl" | wc -l)
	# a cut that took only a newline leaves that last record whole: replay keeps it
	[ "$(tail -c +"$((cut + 1))" "$TMP/kill3.jsonl" | head -c 1 | od -An -tx1 | tr -d ' \n')" = 0a ] && complete=$whole
	head -n "$complete" "$TMP/kill3.jsonl" >"$TMP/complete.jsonl"
	replay_plain "$TMP/torn.jsonl" "$TMP/torn" || fail "cut at byte $cut: no replay: $(cat "$TMP/torn.err")"
	replay_plain "$TMP/complete.jsonl" "$TMP/complete" || fail "cut at byte $cut: the complete lines do not replay"
	cmp -s "$TMP/torn" "$TMP/complete" || fail "cut at byte $cut: the replay differs from that of the $complete complete lines"
	if [ "$whole" -gt "$complete" ]; then
		grep -q "torn.jsonl:$whole: last line cut short" "$TMP/torn.err" ||
			fail "cut at byte $cut: torn line $whole not reported: $(cat "$TMP/torn.err")"
		echo "cut at byte $cut: $complete complete lines replayed, torn line $whole reported and skipped"
	else
		echo "cut at byte $cut: $complete lines replayed, none torn"
	fi
done

# ---- 2. the interface goes away
link=slf$((RANDOM % 10000))
if ip link add "${link}a" type veth peer name "${link}b" 2>/dev/null; then
	at_exit ip link del "${link}a"
	ip link set "${link}a" up && ip link set "${link}b" up
	"$BIN/socklab-trace" -i "${link}a" --json >"$TMP/if-trace.out" 2>"$TMP/if-trace.err" &
	tracer=$!
	"$BIN/socklab" -i "${link}a" -p "$(free_port)" --events "$TMP/if.sock" --plain >/dev/null 2>"$TMP/if-ui.err" &
	ui=$!
	STARTED+=("$tracer" "$ui")
	wait_for "$TMP/if-trace.err" capturing 10 || fail "socklab-trace -i ${link}a did not start capturing"
	wait_for "$TMP/if-ui.err" capturing 10 || fail "socklab -i ${link}a did not start capturing"
	ip link del "${link}a"
	for p in "$tracer:socklab-trace:if-trace" "$ui:socklab:if-ui"; do
		IFS=: read -r pid name log <<<"$p"
		exits_within 5 "$pid" || fail "$name still runs 5 s after its interface was deleted"
		[ "$rc" -ne 0 ] || fail "$name exited 0 when its interface went away"
		msg=$(grep -v capturing "$TMP/$log.err")
		[[ $(printf '%s\n' "$msg" | wc -l) -eq 1 && $msg == *"${link}a"* ]] ||
			fail "$name: expected one line naming ${link}a, got: $msg"
		echo "interface deleted: $name exited $rc: $msg"
	done
	tail -n1 "$TMP/if-trace.out" | grep -q '"type":"stats"' || fail "the tracer's output does not end with its stats"
else
	echo "note: no veth support here, interface removal not tested"
fi

# ---- 3. a full disk
full=$TMP/full
mkdir "$full"
mount -t tmpfs -o size=64k tmpfs "$full" || fail "cannot mount a tmpfs"
at_exit umount "$full"
port=$(free_port)
"$BIN/socklab" record "$full/rec" -p "$port" --events "$TMP/full.sock" --plain >/dev/null 2>"$TMP/full-ui.err" &
ui=$!
STARTED+=("$ui")
wait_for "$TMP/full-ui.err" capturing 10 || fail "socklab record on the full disk did not start capturing"
"$BIN/socklab-trace" -i lo -p "$port" -w "$full/trace.pcap" --json >"$TMP/full-trace.jsonl" 2>"$TMP/full-trace.err" &
tracer=$!
STARTED+=("$tracer")
wait_for "$TMP/full-trace.err" capturing 10 || fail "socklab-trace -w did not start capturing"
"$BIN/socklab-trace" -i lo -p "$port" --json >"$full/trace.jsonl" 2>"$TMP/full-json.err" &
json=$!
STARTED+=("$json")
wait_for "$TMP/full-json.err" capturing 10 || fail "socklab-trace --json did not start capturing"
traffic "$port" "$TMP/full.sock"
for p in "$ui:socklab record:full-ui" "$tracer:socklab-trace -w:full-trace" "$json:socklab-trace --json:full-json"; do
	IFS=: read -r pid name log <<<"$p"
	exits_within 20 "$pid" || fail "$name still runs on a full disk after 20 s"
	[ "$rc" -ne 0 ] || fail "$name exited 0 on a full disk"
	grep -qi "no space left on device" "$TMP/$log.err" || fail "$name: no clear error: $(cat "$TMP/$log.err")"
	echo "disk full: $name exited $rc: $(grep -v capturing "$TMP/$log.err")"
done
stop_traffic
replay_plain "$full/rec.jsonl" "$TMP/full-replay" || fail "the recording cut by the full disk does not replay: $(cat "$TMP/full-replay.err")"
kept=$(tshark -r "$full/rec.pcapng" 2>/dev/null | wc -l)
[ "$kept" -gt 0 ] || fail "tshark reads nothing from the pcapng cut by the full disk"
echo "disk full: the recording kept $(wc -l <"$TMP/full-replay") replayable rows and $kept packets"
kept=$(tshark -r "$full/trace.pcap" 2>/dev/null | wc -l)
[ "$kept" -gt 0 ] || fail "tshark reads nothing from the -w pcap cut by the full disk"
tail -n1 "$TMP/full-trace.jsonl" | grep -q '"type":"stats"' || fail "socklab-trace -w: no stats record at the end"
python3 -c '
import json, sys
lines = open(sys.argv[1], "rb").read().split(b"\n")
for l in lines[:-1]: json.loads(l)
print("disk full: socklab-trace --json kept %d complete records" % (len(lines) - 1))' "$full/trace.jsonl" ||
	fail "socklab-trace --json on a full disk wrote a broken record"
echo "disk full: socklab-trace -w kept $kept packets"

# ---- 4. a lab program dies in the middle of a step
if command -v tmux >/dev/null; then
	. "$ROOT/tests/lib/tmux_helpers.sh"
	at_exit tmux_cleanup
	# press_until TEXT: space until the screen shows TEXT (20 presses at most)
	press_until() {
		local i
		for ((i = 0; i < 20; i++)); do
			screen | grep -qE -- "$1" && return 0
			tm send-keys -t ui Space
			sleep 0.4
		done
		fail "never saw '$1' on the screen"
	}
	tm new-session -d -s ui -x 160 -y 60 "$BIN/socklab demo --step; echo EXITED \$?; sleep 30"
	for _ in $(seq 50); do ui=$(pgrep -P "$(tm list-panes -t ui -F '#{pane_pid}')" -x socklab) && break; sleep 0.1; done
	[ -n "$ui" ] || fail "socklab demo --step did not start"
	press_until 'write\([0-9]+\) = 5'
	client=$(pgrep -P "$ui" -x echo-client) || fail "no echo-client under the demo"
	server=$(pgrep -P "$ui" -x echo-server) || fail "no echo-server under the demo"
	kill -9 "$client"
	# the kernel closes the dead client's socket: its FIN reaches the server
	press_until 'close\([0-9]+\) = 0'
	screen | grep -q 'FIN|ACK' || fail "no FIN from the killed client's socket"
	kill -0 "$ui" 2>/dev/null || fail "socklab died with its client"
	echo "client killed mid-step: the UI showed its kernel's FIN and stepped the server on to close()"
	# the server is back in accept(), blocked: kill it there
	kill -9 "$server"
	tm send-keys -t ui Space
	sleep 0.5
	kill -0 "$ui" 2>/dev/null || fail "socklab died with its server"
	last=$(screen | grep -v '^ *$' | tail -n1 | cut -c1-48)
	tm send-keys -t ui q
	for _ in $(seq 50); do screen | grep -q "EXITED" && break; sleep 0.1; done
	screen | grep -q "EXITED 0" || fail "socklab did not exit 0 after its programs died"
	echo "server killed inside accept(): keys still answered (\"$last\"), q exits 0"
else
	echo "note: tmux is not installed, the stepping UI was not tested"
fi
echo PASS
