#!/usr/bin/env bash
# Running as root must not break features (issue 11). socklab drops root
# once its capture is open; in each of the three ways README gives to run
# it, live in a real terminal:
#   root     started as root, no sudo: drops to nobody, in a root-owned 0755
#            directory nobody cannot write in;
#   sudo     started by root with SUDO_UID/SUDO_GID (what sudo sets) in the
#            student's own 0700 directory: drops to the student;
#   setcap   a copy given CAP_NET_RAW by `setcap` (as `make setcap` does),
#            run by the student: clears its capabilities.
# each time: space releases a --step server's calls one at a time (the go
# comes back on the program's channel connection), `r` records the session,
# and the .jsonl and .pcapng exist, belong to whoever they are meant for (the
# student under sudo), and replay.
. "$(dirname "$0")/../lib/helpers.sh"
cd "$ROOT" || exit 1
. "$ROOT/tests/lib/tmux_helpers.sh"
ui_test_start
command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"
command -v setcap >/dev/null || skip "setcap (libcap2-bin) is not installed"
chmod 711 "$TMP" # the student passes through to the directories given to them
student=$(($(id -u nobody) - 9))
nobody=$(id -u nobody)

# as UID CMD...: CMD as that user (root: as is), with no capabilities.
as() {
	local u=$1
	shift
	if [ "$u" = 0 ]; then "$@"; else setpriv --reuid="$u" --regid="$u" --clear-groups --inh-caps=-all "$@"; fi
}

# status_line: the last line of the screen (space's prompt, r's message).
status_line() { screen | grep -v '^ *$' | tail -n1; }

# release CALL: waits for the prompt for the server's CALL, presses space,
# and waits for the server to print that CALL's return: what a lecturer does.
release() {
	local out=$dir/lab/server.out before
	wait_screen "space: let server $1() run" 10 || fail "$name: the server's $1() never waited for space"
	before=$(grep -c " $1(.*) = " "$out")
	tm send-keys -t ui Space
	for _ in $(seq 100); do
		[ "$(grep -c " $1(.*) = " "$out")" -gt "$before" ] && return 0
		sleep 0.1
	done
	fail "$name: space did not let the server's $1() run: $(status_line)"
}

# one_case NAME UI_UID DROPPED_UID LAB_UID FILE_UID SOCKLAB [ENV...]: socklab
# started as UI_UID (with ENV) in $TMP/NAME owned by FILE_UID runs on as
# DROPPED_UID; the lab programs run as LAB_UID; the recording must belong
# to FILE_UID.
one_case() {
	name=$1 dir=$TMP/$1
	local ui_uid=$2 dropped=$3 lab_uid=$4 file_uid=$5 socklab=$6 port pid f
	shift 6
	port=$(free_port)
	mkdir "$dir"
	if [ "$file_uid" = 0 ]; then chmod 755 "$dir"; else chown "$file_uid:$file_uid" "$dir" && chmod 700 "$dir"; fi
	mkdir -m 700 "$dir/lab" && chown "$lab_uid:$lab_uid" "$dir/lab" # the lab programs' output
	local ev=$dir/chan/events.sock
	tm new-session -d -s ui -x 140 -y 40 \
		"cd $dir && env $* setpriv --inh-caps=-all $( [ "$ui_uid" = 0 ] || echo "--reuid=$ui_uid --regid=$ui_uid --clear-groups") $socklab -p $port --events $ev; echo EXITED \$?; sleep 60"
	wait_screen "live" 10 || fail "$name: socklab did not start"
	for _ in $(seq 50); do pid=$(ui_pid) && [ -S "$ev" ] && break; sleep 0.1; done
	[ -n "$pid" ] || fail "$name: no socklab process"
	# the parser really runs unprivileged: the dropped uid, no capability left
	local uids="$dropped $dropped $dropped $dropped"
	for _ in $(seq 50); do [ "$(awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$pid/status")" = "$uids" ] && break; sleep 0.1; done
	[ "$(awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$pid/status")" = "$uids" ] ||
		fail "$name: socklab is not uid $dropped: $(grep ^Uid "/proc/$pid/status")"
	grep -q "^CapEff:[[:space:]]*0\+$" "/proc/$pid/status" || fail "$name: socklab kept capabilities"
	echo "$name: socklab runs as $(awk '/^Uid:/ {print "uid " $2}' "/proc/$pid/status"), no capabilities"
	local helpers
	mapfile -t helpers < <(pgrep -P "$pid" -x socklab)

	tm send-keys -t ui r
	wait_screen "recording to socklab-" 5 || fail "$name: r did not start a recording: $(status_line)"
	local base
	base=$(status_line | sed -n 's/.*recording to \(socklab-[0-9-]*\)\.jsonl.*/\1/p')
	[ -n "$base" ] || fail "$name: no recording name in: $(status_line)"

	# --step: the server waits before each call, space lets one run
	local -a as_lab=()
	[ "$lab_uid" = 0 ] || as_lab=(--reuid="$lab_uid" --regid="$lab_uid" --clear-groups)
	(cd "$dir/lab" && exec setpriv --inh-caps=-all "${as_lab[@]}" "$BIN/echo-server" -p "$port" --mode iterative --events "$ev" --step >server.out 2>&1) &
	local server=$!
	STARTED+=("$server")
	release socket
	release setsockopt
	release bind
	release listen
	wait_for "$dir/lab/server.out" listening 5 || fail "$name: the server does not listen after listen() was let go"
	(cd "$dir/lab" && as "$lab_uid" "$BIN/echo-client" 127.0.0.1 "$port" -m hello --events "$ev" --quiet >client.out 2>&1) &
	local client=$!
	STARTED+=("$client")
	release accept
	release read
	release write
	wait "$client" || fail "$name: the echo client failed: $(cat "$dir/lab/client.out")"
	grep -q "server-hello" "$dir/lab/client.out" || fail "$name: no reply: $(cat "$dir/lab/client.out")"
	wait_screen "FIN" 5 || fail "$name: the close never showed"
	tm send-keys -t ui q
	wait_screen "EXITED 0" 5 || fail "$name: socklab did not exit cleanly"
	[ "$ui_uid" != 0 ] || [ ${#helpers[@]} = 1 ] || fail "$name: started as root, socklab has ${#helpers[@]} file helpers"
	no_orphans "${helpers[@]}" || fail "$name: the file helper outlived socklab"
	echo "$name: space let each of the server's 7 calls run; the client got its reply"

	for f in "$dir/$base.jsonl" "$dir/$base.pcapng"; do
		[ -s "$f" ] || fail "$name: $f was not written"
		[ "$(stat -c %u:%g "$f")" = "$file_uid:$file_uid" ] ||
			fail "$name: $f belongs to $(stat -c %u:%g "$f"), not $file_uid:$file_uid"
	done
	as "$file_uid" "$BIN/socklab" replay "$dir/$base.jsonl" --plain >"$TMP/$name.replay" 2>"$TMP/$name.replay.err" ||
		fail "$name: the recording does not replay for its owner: $(cat "$TMP/$name.replay.err")"
	if ! grep -q "SYN seq=0" "$TMP/$name.replay" || ! grep -q "accept(" "$TMP/$name.replay"; then
		fail "$name: the replay lacks the handshake or the calls: $(cat "$TMP/$name.replay")"
	fi
	local packets rows
	packets=$(as "$file_uid" tshark -r "$dir/$base.pcapng" 2>/dev/null | wc -l)
	rows=$(grep -c '"type":"packet"' "$dir/$base.jsonl")
	[[ $packets -eq $rows && $packets -ge 8 ]] || fail "$name: the pcapng has $packets packets, the jsonl $rows"
	echo "$name: $base.jsonl and .pcapng owned by uid $file_uid, replayed by it: $packets packets, $(grep -c '"type":"call"' "$dir/$base.jsonl") call records"
	kill "$server"
	tmux_cleanup
}

command -v tshark >/dev/null || fail "tshark is not installed (make deps installs it)"
one_case root 0 "$nobody" 0 0 "$BIN/socklab"
one_case sudo 0 "$student" "$student" "$student" "$BIN/socklab" SUDO_UID="$student" SUDO_GID="$student" SUDO_USER=student

mkdir -m 755 "$TMP/capbin"
cp "$BIN/socklab" "$TMP/capbin/"
setcap cap_net_raw,cap_net_admin=eip "$TMP/capbin/socklab" || skip "setcap refused on $TMP (file capabilities unsupported here)"
one_case setcap "$student" "$student" "$student" "$student" "$TMP/capbin/socklab"
echo PASS
