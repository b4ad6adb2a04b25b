#!/usr/bin/env bash
# socklab record: a live session with the real echo programs writes
# FILE.jsonl and FILE.pcapng as events arrive. Replaying the .jsonl gives the
# same rows the live session printed; the pcapng opens in tshark with a
# comment per packet naming the state changes and the call in progress; a
# recording whose UI was killed with SIGKILL still replays.
set -u
cd "$(dirname "$0")/.."
BIN=${SOCKLAB_BIN:-$PWD/bin}
if [ "$(id -u)" != 0 ]; then echo "SKIP: capturing on lo needs root"; exit 77; fi
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 1 50); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; fail "'$2' not in $1"; }

# session NAME SIGNAL: records one echo exchange, then stops socklab with SIGNAL.
session() {
	local name=$1 sig=$2 port ev=$tmp/$1.sock
	port=$(free_port)
	"$BIN/socklab" record "$tmp/$name" -p "$port" --events "$ev" --plain >"$tmp/$name.live" 2>"$tmp/$name.err" &
	local ui=$!
	pids+=("$ui")
	wait_for "$tmp/$name.err" capturing
	"$BIN/echo-server" -p "$port" --events "$ev" --quiet >"$tmp/$name.server" 2>&1 &
	pids+=("$!")
	wait_for "$tmp/$name.server" listening
	"$BIN/echo-client" 127.0.0.1 "$port" -m hello --events "$ev" --quiet >/dev/null 2>&1 || fail "echo-client failed"
	sleep 0.5
	kill "-$sig" "$ui"
	wait "$ui" 2>/dev/null
}

session clean TERM
[ -s "$tmp/clean.jsonl" ] && [ -s "$tmp/clean.pcapng" ] || fail "no recording written"
"$BIN/socklab" replay "$tmp/clean.jsonl" --plain >"$tmp/clean.replay" 2>"$tmp/clean.replay.err" ||
	fail "replay failed: $(cat "$tmp/clean.replay.err")"
grep -q "SYN seq=0" "$tmp/clean.live" || fail "the live session printed no SYN: $(cat "$tmp/clean.live")"
diff -u "$tmp/clean.live" "$tmp/clean.replay" || fail "replay rows differ from the live rows"
echo "record then replay: $(wc -l <"$tmp/clean.replay") identical rows"

# the pcapng: valid, one packet per packet row, comments with the lesson
command -v tshark >/dev/null || { echo "SKIP: tshark is not installed (pcapng not checked)"; exit 77; }
capinfos "$tmp/clean.pcapng" >"$tmp/capinfos" 2>&1 || fail "capinfos rejects the pcapng: $(cat "$tmp/capinfos")"
grep -q "File type:.*pcapng" "$tmp/capinfos" || fail "not a pcapng: $(cat "$tmp/capinfos")"
packets=$(tshark -r "$tmp/clean.pcapng" 2>/dev/null | wc -l)
rows=$(grep -c '"type":"packet"' "$tmp/clean.jsonl")
[ "$packets" -eq "$rows" ] && [ "$packets" -ge 8 ] || fail "pcapng has $packets packets, the jsonl $rows"
tshark -r "$tmp/clean.pcapng" -V 2>/dev/null | grep -i "comment" >"$tmp/comments"
grep -q "client CLOSED -> SYN_SENT; server LISTEN -> SYN_RCVD\|client CLOSED -> SYN_SENT" "$tmp/comments" ||
	fail "no state change comment on the SYN: $(head "$tmp/comments")"
grep -q "call: connect() by client pid" "$tmp/comments" || fail "no call in the comments: $(head "$tmp/comments")"
echo "pcapng: $packets packets, $(wc -l <"$tmp/comments") comments, e.g. $(head -n1 "$tmp/comments" | sed 's/^ *//')"

# SIGKILL of the UI: the recording is still complete up to the kill
session killed KILL
"$BIN/socklab" replay "$tmp/killed.jsonl" --plain >"$tmp/killed.replay" 2>"$tmp/killed.err" ||
	fail "a SIGKILLed recording does not replay: $(cat "$tmp/killed.err")"
grep -q "SYN seq=0" "$tmp/killed.replay" && grep -q "TIME_WAIT" "$tmp/killed.replay" ||
	fail "the SIGKILLed recording lost rows: $(cat "$tmp/killed.replay")"
capinfos "$tmp/killed.pcapng" >/dev/null 2>&1 || fail "the SIGKILLed pcapng is not valid"

# a recording cut in the middle of a line: reported, skipped, still replays
head -c -7 "$tmp/clean.jsonl" >"$tmp/torn.jsonl"
"$BIN/socklab" replay "$tmp/torn.jsonl" --plain >/dev/null 2>"$tmp/torn.err" || fail "a torn recording does not replay"
grep -q "torn.jsonl:[0-9]*: last line cut short" "$tmp/torn.err" || fail "torn line not reported: $(cat "$tmp/torn.err")"
# a broken line in the middle: file and line named, non-zero exit
sed '3s/.*/{"type":"packet",/' "$tmp/clean.jsonl" >"$tmp/bad.jsonl"
if "$BIN/socklab" replay "$tmp/bad.jsonl" --plain >/dev/null 2>"$tmp/bad.err"; then fail "a broken recording replayed"; fi
grep -q "bad.jsonl:3: " "$tmp/bad.err" || fail "no file:line in: $(cat "$tmp/bad.err")"

# export is a filter: a reader that stops early (| head) ends it quietly
(sleep 0.3; "$BIN/socklab" export "$tmp/clean.jsonl" --format text 2>"$tmp/pipe.err") | true
[ ! -s "$tmp/pipe.err" ] || fail "export into a closed pipe complained: $(cat "$tmp/pipe.err")"
echo "export into a closed pipe: no message"

# `sudo socklab record`: the files belong to the user who ran sudo, not root
nobody_uid=$(id -u nobody) nobody_gid=$(id -g nobody)
mkdir -m 755 "$tmp/sudo"
port=$(free_port)
SUDO_UID=$nobody_uid SUDO_GID=$nobody_gid "$BIN/socklab" record "$tmp/sudo/rec" -p "$port" \
	--events "$tmp/sudo/ev/events.sock" --plain >/dev/null 2>"$tmp/sudo.err" &
ui=$!
pids+=("$ui")
wait_for "$tmp/sudo.err" capturing
kill -TERM "$ui"
wait "$ui" 2>/dev/null
for f in rec.jsonl rec.pcapng; do
	owner=$(stat -c %u:%g "$tmp/sudo/$f") || fail "sudo record wrote no $f"
	[ "$owner" = "$nobody_uid:$nobody_gid" ] || fail "sudo record left $f owned by $owner"
done
echo "sudo record: rec.jsonl and rec.pcapng owned by the sudo caller ($nobody_uid:$nobody_gid)"
echo PASS
