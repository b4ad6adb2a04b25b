#!/usr/bin/env bash
# socklab record: a live session with the real echo programs writes
# FILE.jsonl and FILE.pcapng as events arrive. Replaying the .jsonl gives the
# same rows the live session printed; the pcapng opens in tshark with a
# comment per packet naming the state changes and the call in progress; a
# recording whose UI was killed with SIGKILL still replays.
. "$(dirname "$0")/../lib/helpers.sh"
need_root "capturing on lo"

# session NAME SIGNAL: records one echo exchange, then stops socklab with SIGNAL.
session() { record_echo "$TMP/$1" "$2"; }

session clean TERM
[[ -s $TMP/clean.jsonl && -s $TMP/clean.pcapng ]] || fail "no recording written"
"$BIN/socklab" replay "$TMP/clean.jsonl" --plain >"$TMP/clean.replay" 2>"$TMP/clean.replay.err" ||
	fail "replay failed: $(cat "$TMP/clean.replay.err")"
grep -q "SYN seq=0" "$TMP/clean.live" || fail "the live session printed no SYN: $(cat "$TMP/clean.live")"
diff -u "$TMP/clean.live" "$TMP/clean.replay" || fail "replay rows differ from the live rows"
echo "record then replay: $(wc -l <"$TMP/clean.replay") identical rows"

# the pcapng: valid, one packet per packet row, comments with the lesson
command -v tshark >/dev/null || fail "tshark is not installed (make deps installs it)"
capinfos "$TMP/clean.pcapng" >"$TMP/capinfos" 2>&1 || fail "capinfos rejects the pcapng: $(cat "$TMP/capinfos")"
# the interface block names what was captured (not "unknown")
grep -qE "^ +Name = lo$" "$TMP/capinfos" || fail "the pcapng does not name the interface lo: $(cat "$TMP/capinfos")"
grep -q "File type:.*pcapng" "$TMP/capinfos" || fail "not a pcapng: $(cat "$TMP/capinfos")"
packets=$(tshark -r "$TMP/clean.pcapng" 2>/dev/null | wc -l)
rows=$(grep -c '"type":"packet"' "$TMP/clean.jsonl")
[[ $packets -eq $rows && $packets -ge 8 ]] || fail "pcapng has $packets packets, the jsonl $rows"
tshark -r "$TMP/clean.pcapng" -V 2>/dev/null | grep -i "comment" >"$TMP/comments"
grep -q "client CLOSED -> SYN_SENT; server LISTEN -> SYN_RCVD\|client CLOSED -> SYN_SENT" "$TMP/comments" ||
	fail "no state change comment on the SYN: $(head "$TMP/comments")"
grep -q "call: connect() by client pid" "$TMP/comments" || fail "no call in the comments: $(head "$TMP/comments")"
# replayed on the lab screen, the header counts the recording's segments
if command -v tmux >/dev/null; then
	. "$ROOT/tests/lib/tmux_helpers.sh"
	at_exit tmux_cleanup
	ui_start 100x30 replay "$TMP/clean.jsonl"
	wait_screen "packets $rows " 10 || fail "the replay's header does not count its $rows segments"
	tm kill-session -t ui
fi
echo "pcapng: $packets packets, $(wc -l <"$TMP/comments") comments, e.g. $(head -n1 "$TMP/comments" | sed 's/^ *//')"

# SIGKILL of the UI: the recording is still complete up to the kill
session killed KILL
"$BIN/socklab" replay "$TMP/killed.jsonl" --plain >"$TMP/killed.replay" 2>"$TMP/killed.err" ||
	fail "a SIGKILLed recording does not replay: $(cat "$TMP/killed.err")"
{ grep -q "SYN seq=0" "$TMP/killed.replay" && grep -q "TIME_WAIT" "$TMP/killed.replay"; } ||
	fail "the SIGKILLed recording lost rows: $(cat "$TMP/killed.replay")"
capinfos "$TMP/killed.pcapng" >/dev/null 2>&1 || fail "the SIGKILLed pcapng is not valid"

# a recording cut in the middle of a line: reported, skipped, still replays
head -c -7 "$TMP/clean.jsonl" >"$TMP/torn.jsonl"
"$BIN/socklab" replay "$TMP/torn.jsonl" --plain >/dev/null 2>"$TMP/torn.err" || fail "a torn recording does not replay"
grep -q "torn.jsonl:[0-9]*: last line cut short" "$TMP/torn.err" || fail "torn line not reported: $(cat "$TMP/torn.err")"
# a broken line in the middle: file and line named, non-zero exit
sed '3s/.*/{"type":"packet",/' "$TMP/clean.jsonl" >"$TMP/bad.jsonl"
if "$BIN/socklab" replay "$TMP/bad.jsonl" --plain >/dev/null 2>"$TMP/bad.err"; then fail "a broken recording replayed"; fi
grep -q "bad.jsonl:3: " "$TMP/bad.err" || fail "no file:line in: $(cat "$TMP/bad.err")"

# export is a filter: a reader that stops early (| head) ends it quietly
(sleep 0.3; "$BIN/socklab" export "$TMP/clean.jsonl" --format text 2>"$TMP/pipe.err"; echo $? >"$TMP/pipe.rc") | true
[ ! -s "$TMP/pipe.err" ] || fail "export into a closed pipe complained: $(cat "$TMP/pipe.err")"
# 0 if it finished first, 141 (SIGPIPE) if the reader was gone: nothing else
case $(cat "$TMP/pipe.rc") in 0 | 141) ;; *) fail "export into a closed pipe exited $(cat "$TMP/pipe.rc")" ;; esac
echo "export into a closed pipe: no message"

# `sudo socklab record`: the files belong to the user who ran sudo, not root
nobody_uid=$(id -u nobody) nobody_gid=$(id -g nobody)
mkdir -m 755 "$TMP/sudo"
port=$(free_port)
SUDO_UID=$nobody_uid SUDO_GID=$nobody_gid "$BIN/socklab" record "$TMP/sudo/rec" -p "$port" \
	--events "$TMP/sudo/ev/events.sock" --plain >/dev/null 2>"$TMP/sudo.err" &
ui=$!
STARTED+=("$ui")
wait_for "$TMP/sudo.err" capturing || fail "sudo record did not start capturing"
kill -TERM "$ui"
wait "$ui" 2>/dev/null
for f in rec.jsonl rec.pcapng; do
	owner=$(stat -c %u:%g "$TMP/sudo/$f") || fail "sudo record wrote no $f"
	[ "$owner" = "$nobody_uid:$nobody_gid" ] || fail "sudo record left $f owned by $owner"
done
echo "sudo record: rec.jsonl and rec.pcapng owned by the sudo caller ($nobody_uid:$nobody_gid)"
echo PASS
