#!/usr/bin/env bash
# Privileges (issue 6):
#  1. Once the capture is open, socklab-trace and socklab run as no root uid
#     with no capabilities left, whether started as root or as a user given
#     CAP_NET_RAW by `make setcap` (checked on copies of the binaries).
#  2. The event channel's directory is 0700: another user cannot even reach
#     the socket to connect to it.
#  3. Made reachable on purpose, the socket still takes records only from
#     its own user: the UI reads each connection's credentials (SO_PEERCRED)
#     and records what its user sent, never what another user injected.
#  4. A directory another user prepared for the channel (or one others may
#     write in) is refused with a clear error.
. "$(dirname "$0")/../lib/helpers.sh"
need_root "to drop it, and to act as other users"
command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"
chmod 711 "$TMP" # other users may pass through to what we open to them
# A student runs `sudo socklab`: socklab drops to the student's uid and
# takes the student's records; another user on the machine must not get in.
student=$(($(id -u nobody) - 5)) other=$(($(id -u nobody) - 7))

# unprivileged PID NAME: no uid is 0 and every capability set is empty.
unprivileged() {
	local st=/proc/$1/status
	awk '/^Uid:/ {for (i = 2; i <= 5; i++) if ($i == 0) exit 1}' "$st" || fail "$2 still has uid 0: $(grep ^Uid "$st")"
	awk '/^Gid:/ {for (i = 2; i <= 5; i++) if ($i == 0) exit 1}' "$st" || fail "$2 still has gid 0: $(grep ^Gid "$st")"
	for set in CapInh CapPrm CapEff CapAmb; do
		grep -q "^$set:[[:space:]]*0\+$" "$st" || fail "$2 keeps capabilities: $(grep "^$set" "$st")"
	done
	echo "$2: $(grep ^Uid "$st" | tr -s '\t ' ' '), $(grep ^CapEff "$st" | tr -s '\t ' ' ')"
}

# send_as UID PATH JSON: one record from that user, on a connection of its
# own as a lab program sends; prints "sent" or the error.
send_as() {
	setpriv --reuid="$1" --regid="$1" --clear-groups /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
try:
    s.connect(sys.argv[1]); s.send(sys.argv[2].encode()); print("sent")
except OSError as e:
    print(e.strerror)' "$2" "$3"
}
call() { printf '{"type":"call","ts_ns":%s,"phase":"enter","proc":"client","pid":%s,"seq":1,"call":"connect","fd":3,"args":"%s"}' "$(date +%s%N)" "$1" "$2"; }

# ---- 1. root, then a setcap user: nothing privileged after the open
port=$(free_port)
"$BIN/socklab-trace" -i lo -p "$port" --json >/dev/null 2>"$TMP/trace.err" &
tracer=$!
STARTED+=("$tracer")
SUDO_UID=$student SUDO_GID=$student "$BIN/socklab" record "$TMP/rec" -p "$port" --events "$TMP/chan/events.sock" --plain >/dev/null 2>"$TMP/ui.err" &
ui=$!
STARTED+=("$ui")
wait_for "$TMP/trace.err" capturing 10 || fail "socklab-trace did not start capturing"
wait_for "$TMP/ui.err" capturing 10 || fail "socklab record did not start capturing"
unprivileged "$tracer" "socklab-trace (started as root)"
unprivileged "$ui" "socklab (started with sudo by uid $student)"

if command -v setcap >/dev/null; then
	mkdir "$TMP/capbin" && cp "$BIN/socklab-trace" "$TMP/capbin/" && chmod 755 "$TMP/capbin"
	if setcap cap_net_raw,cap_net_admin=eip "$TMP/capbin/socklab-trace" 2>/dev/null; then
		setpriv --reuid="$other" --regid="$other" --clear-groups --inh-caps=-all \
			"$TMP/capbin/socklab-trace" -i lo -p "$port" >/dev/null 2>"$TMP/cap.err" &
		capped=$!
		STARTED+=("$capped")
		for _ in $(seq 50); do grep -q "capturing\|socklab-trace:" "$TMP/cap.err" && break; sleep 0.1; done
		if grep -q capturing "$TMP/cap.err"; then
			unprivileged "$capped" "socklab-trace (uid $other with file capabilities)"
		else
			echo "note: file capabilities do not work on $TMP ($(cat "$TMP/cap.err")): setcap case not tested"
		fi
	fi
fi

# ---- 2. the channel's directory
dir=$TMP/chan
mode=$(stat -c %a "$dir")
[ "$mode" = 700 ] || fail "the channel directory $dir has mode $mode, not 700"
echo "channel directory: mode $mode, owner uid $(stat -c %u "$dir")"
res=$(send_as "$other" "$dir/events.sock" "$(call 4242 injected-through-the-directory)")
[ "$res" = "Permission denied" ] || fail "uid $other reached the channel socket through its directory: $res"
echo "uid $other sending to the channel: $res"

# ---- 3. the credentials filter, with the directory opened on purpose
chmod 755 "$dir"
chmod 777 "$dir/events.sock"
res=$(send_as "$other" "$dir/events.sock" "$(call 4343 INJECTED)")
# the connection itself is taken, then refused for its credentials: the send
# may beat the refusal or meet it, either way nothing of it is recorded
case $res in
sent | "Broken pipe" | "Connection reset by peer") ;;
*) fail "the opened socket did not take the connection at all: $res" ;;
esac
res=$(send_as "$student" "$dir/events.sock" "$(call 4444 ALLOWED)")
[ "$res" = sent ] || fail "socklab's own user could not send: $res"
res=$(send_as "$other" "$dir/events.sock" '{"type":"step","ts_ns":1,"proc":"client","pid":4545,"seq":1,"call":"connect","fd":3,"args":"x"}')
for _ in $(seq 50); do grep -q ALLOWED "$TMP/rec.jsonl" 2>/dev/null && break; sleep 0.1; done
grep -q ALLOWED "$TMP/rec.jsonl" || fail "the record of socklab's own user was not taken"
if grep -q 'INJECTED\|4545' "$TMP/rec.jsonl"; then fail "socklab took records from uid $other"; fi
echo "credentials: the call from uid $student was recorded, the call and step from uid $other were dropped"
kill "$ui"
wait "$ui"

# ---- 4. a directory prepared by someone else, or open to writes
for setup in "other:700" "root:777"; do
	IFS=: read -r owner perm <<<"$setup"
	d=$TMP/prepared-$owner
	mkdir "$d"
	chmod "$perm" "$d"
	[ "$owner" = other ] && chown "$other" "$d"
	if "$BIN/socklab" -p "$port" --events "$d/events.sock" --plain >/dev/null 2>"$TMP/prep.err" </dev/null & then
		p=$!
		STARTED+=("$p")
		for _ in $(seq 30); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -0 "$p" 2>/dev/null && fail "socklab listens in a directory owned by $owner with mode $perm"
		wait "$p" && fail "socklab exited 0 refusing the directory"
	fi
	grep -q "not a private directory" "$TMP/prep.err" || fail "no clear error for a $owner $perm directory: $(cat "$TMP/prep.err")"
	echo "channel directory owned by $owner, mode $perm: $(cat "$TMP/prep.err")"
done
echo PASS
