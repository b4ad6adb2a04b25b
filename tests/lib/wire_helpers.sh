# shellcheck shell=bash
# wire_helpers.sh: for the two-host wire's tests (tests/it/it_wire_*.sh),
# sourced after helpers.sh. Each test runs as root (plain namespaces) and
# as nobody (an unprivileged user namespace), where this machine allows it.
WIRE_LAB=$TOOLS/wire_lab
[ -x "$WIRE_LAB" ] || skip "the wire_lab tool is not built ($WIRE_LAB): make"

# wire_users: root, and nobody when the kernel lets a normal user make a
# user namespace (user.max_user_namespaces, kernel.unprivileged_userns_clone).
wire_users() {
	local users=""
	[ "$(id -u)" = 0 ] || skip "needs root: to run as root and as nobody"
	users=root
	if id nobody >/dev/null 2>&1 && su -s /bin/sh nobody -c 'unshare -Urn true' 2>/dev/null; then
		users="$users nobody"
	else
		echo "note: no unprivileged user namespaces here: nobody's path not tested" >&2
	fi
	echo "$users"
}

# as USER CMD ARGS...: runs CMD as USER (root: as is) in the directory $TMP/USER.
as() {
	local user=$1; shift
	mkdir -p "$TMP/$user"
	if [ "$user" = root ]; then
		(cd "$TMP/$user" && "$@")
	else
		chmod 711 "$TMP"
		chown "$user" "$TMP/$user"
		su -s /bin/bash "$user" -c "cd $(printf '%q' "$TMP/$user") && $(printf '%q ' "$@")"
	fi
}

# ns_gone NET_ID: no process is in the namespace (net:[N]) and no process
# holds it open: it is gone.
ns_gone() {
	local id=$1
	if command -v lsns >/dev/null && lsns -t net -n -o NS 2>/dev/null | grep -qx "${id//[^0-9]/}"; then
		return 1
	fi
	! find /proc/[0-9]*/ns/net /proc/[0-9]*/fd -maxdepth 1 -type l -printf '%l\n' 2>/dev/null | grep -Fxq "$id"
}

# running PID: PID is a process that has not ended (a zombie has).
running() { [ -e "/proc/$1/stat" ] && ! awk '{ sub(/.*\) /, ""); exit $1 != "Z" }' "/proc/$1/stat" 2>/dev/null; }

# relay_gone PID: the relay process PID is gone (waits for it up to 5 s:
# the kernel kills it when its lab dies, which takes a moment).
relay_gone() {
	local i
	for ((i = 0; i < 100; i++)); do
		{ [ "$(cat "/proc/$1/comm" 2>/dev/null)" = socklab-wire ] && running "$1"; } || return 0
		sleep 0.05
	done
	return 1
}

# orphan_relays: socklab-wire processes whose lab is gone (their parent is
# no socklab and no wire_lab): what a run would leave behind.
orphan_relays() {
	local p pp
	for p in $(pgrep -x socklab-wire); do
		running "$p" || continue
		pp=$(awk '{ sub(/.*\) /, ""); print $2 }' "/proc/$p/stat" 2>/dev/null)
		case $(cat "/proc/$pp/comm" 2>/dev/null) in socklab | wire_lab) ;; *) echo "$p" ;; esac
	done
}

# orphans_gone: no relay is left without its lab. A relay whose lab just
# ended is an orphan for a moment, until the kernel's SIGKILL
# (PR_SET_PDEATHSIG) lands: wait for that, up to 5 s. Prints what is left
# when it gives up.
orphans_gone() {
	local i left
	for ((i = 0; i < 100; i++)); do
		left=$(orphan_relays)
		[ -z "$left" ] && return 0
		sleep 0.05
	done
	echo "$left"
	return 1
}

# wire_lesson USER N LANG DROPPED: lesson N (its file asks for the wire) as a
# scripted student, as USER, in LANG. Fails unless it runs on two hosts,
# reaches every step's checkpoint, the wire's rules dropped DROPPED frames,
# and nothing of the wire is left. Its ladder: $TMP/lesson-N-USER.out.
# With LESSON_DIR set, the lesson comes from there instead of lessons/.
wire_lesson() {
	local user=$1 n=$2 lang=$3 dropped=$4 out="$TMP/lesson-$2-$1" dir=${LESSON_DIR:-$ROOT/lessons} file steps reached got left
	file=$(ls "$dir/$lang/$n-"*.lesson)
	as "$user" "$BIN/socklab" lesson "$n" --dir "$dir" --auto --lang "$lang" --timeout 60 --width 160 >"$out.out" 2>"$out.err" ||
		fail "$user: lesson $n ($lang) failed: $(tail -n 3 "$out.err"; grep -A4 'not reached' "$out.out" | head -n 8)"
	grep -q "two hosts, client 10.77.0.1 and server 10.77.0.2" "$out.err" || fail "$user: lesson $n: not on two hosts"
	steps=$(grep -c '^step:' "$file")
	reached=$(grep -cE '^(checkpoint reached:|检查点已到达：)$' "$out.out")
	[ "$reached" = "$steps" ] || fail "$user: lesson $n: $reached of $steps checkpoints reached"
	grep -qE '^(Lesson complete|课程完成)' "$out.out" || fail "$user: lesson $n: not completed"
	got=$(sed -n 's/.*dropped \([0-9]*\) by drop rules.*/\1/p' "$out.err")
	[ "$got" = "$dropped" ] || fail "$user: lesson $n: the wire's rules dropped ${got:-?} frames, not $dropped"
	left=$(orphans_gone) || fail "$user: lesson $n: relays left: $left"
	echo "$user: lesson $n ($lang): $reached checkpoints on two hosts, $got frames dropped by its rules"
}

# wire_lesson_lang USER: the language a user's run takes (root en, nobody
# zh: each lesson runs in both languages).
wire_lesson_lang() { [ "$1" = root ] && echo en || echo zh; }

# lesson_said USER N: what lesson N printed for USER (wire_lesson's run) as
# one line, its wrapped words joined again: with a space in English, with
# nothing in Chinese (which wraps between any two characters).
lesson_said() {
	if [ "$(wire_lesson_lang "$1")" = zh ]; then
		tr -d '\n' <"$TMP/lesson-$2-$1.out"
	else
		tr '\n' ' ' <"$TMP/lesson-$2-$1.out"
	fi
}

# kernel_said USER N EN_RE ZH_RE: the number (or word) the kernel's
# tcp_info put into lesson N's words ({tcp_info:...}) where the regular
# expression's groups are, for USER's language; the groups one a line.
# Returns 1, saying why on stderr, when the words are not there or say the
# kernel's tcp_info is not known (no kernel view). Use it as
# v=$(kernel_said ...) || fail ...
kernel_said() {
	local user=$1 n=$2 re=$3 text i
	[ "$(wire_lesson_lang "$user")" = zh ] && re=$4
	text=$(lesson_said "$user" "$n")
	case $text in
	*"(not known:"* | *"（未知："*)
		echo "$user: lesson $n: $(grep -m1 -oE '(\(not known:|（未知：)[^)）]*' "$TMP/lesson-$n-$user.out")" >&2
		return 1 ;;
	esac
	if ! [[ $text =~ $re ]]; then
		echo "$user: lesson $n: the words do not say /$re/" >&2
		return 1
	fi
	for ((i = 1; i < ${#BASH_REMATCH[@]}; i++)); do echo "${BASH_REMATCH[i]}"; done
}

# in_range WHAT VALUE LO HI: fails unless LO <= VALUE <= HI.
# RTT_MIN and RTT_MAX bound a smoothed rtt on the lessons' 200 ms round
# trip: never below it (the relay holds each frame at least 100 ms), and
# not twice it. Above 200 only by the relay's and the hosts' scheduling,
# which a loaded machine stretches (232 ms seen on a quiet one): the
# bound says the number is the wire's, not how busy the machine was.
export RTT_MIN=180 RTT_MAX=400
in_range() {
	if ! [[ $2 =~ ^[0-9]+$ ]] || [ "$2" -lt "$3" ] || [ "$2" -gt "$4" ]; then
		fail "$1 is ${2:-?}, not within $3-$4"
	fi
}

# wire_tcp_scripts: writes the python both wire tests and the wire bench run
# on the two hosts into the directory $WIRE_PY, which every user can read
# (python lists a directory it imports from; $TMP is 711 for nobody):
#  - tcp_server.py READY [udp]: on the server host, listens on
#    10.77.0.2:9000, creates the file READY once it does, then accepts and
#    closes every connection; with "udp" it also holds 10.77.0.2:9001, a
#    UDP socket with a 4 MiB buffer it never reads (datagrams to carry);
#  - wirenet.py, imported by a client script in $WIRE_PY: wait_ready(READY)
#    waits for the server, connect_s() connects once and returns how long
#    connect() took, in seconds.
WIRE_PY=$TMP/py
wire_tcp_scripts() {
	mkdir -p "$WIRE_PY" && chmod 755 "$WIRE_PY"
	cat >"$WIRE_PY/tcp_server.py" <<'PY'
import socket, sys
t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("10.77.0.2", 9000)); t.listen(64)
if sys.argv[2:] == ["udp"]:
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("10.77.0.2", 9001))
    u.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
open(sys.argv[1], "w").close()
while True:
    c, _ = t.accept(); c.close()
PY
	cat >"$WIRE_PY/wirenet.py" <<'PY'
import os, socket, time
def wait_ready(path):
    while not os.path.exists(path):
        time.sleep(0.01)
def connect_s():
    s = socket.socket(); t = time.perf_counter(); s.connect(("10.77.0.2", 9000)); d = time.perf_counter() - t; s.close(); return d
PY
	chmod 644 "$WIRE_PY/tcp_server.py" "$WIRE_PY/wirenet.py"
}
