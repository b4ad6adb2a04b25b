# shellcheck shell=bash
# helpers.sh: sourced first by every tests/it/it_*.sh and tests/bench/*.sh. Where the programs are,
# a scratch directory $TMP, and a clean-up at exit of whatever the test
# started or set up, so that a failing test leaves nothing behind.
set -u
ROOT=${SOCKLAB_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# shellcheck disable=SC2034 # used by the scripts that source this file
BIN=${SOCKLAB_BIN:-$ROOT/bin}
BUILD=${BUILD:-build/release}
# shellcheck disable=SC2034 # used by the scripts that source this file
TOOLS=$ROOT/$BUILD/tools # the test tools (tests/tools/*.c) make builds
TMP=$(mktemp -d)
STARTED=() # background processes to stop at exit: STARTED+=("$!")
UNDO=()    # commands to run at exit (at_exit), the last one first

# at_exit COMMAND ARGS...: undoes at exit what the test set up (a mount, an
# interface, a tmux server), once the processes it started are gone.
at_exit() { UNDO=("$(printf '%q ' "$@")" "${UNDO[@]}"); }

# SIGTERM rather than SIGKILL: the tracers remove their tracefs instances
# on the way out. Every step runs even under set -e (a process may be gone).
cleanup() {
	local p u
	for p in "${STARTED[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	for u in "${UNDO[@]}"; do eval "$u" 2>/dev/null || true; done
	rm -rf "$TMP"
}
trap cleanup EXIT

# skip REASON: the test cannot run here; exit 77 tells tests/run.sh so.
skip() {
	echo "SKIP: $*"
	exit 77
}

need_root() { [ "$(id -u)" = 0 ] || skip "needs root ($*)"; }

# fail MESSAGE: the test fails; the evidence follows the message.
fail() {
	echo "FAIL: $*"
	show_evidence
	exit 1
}

# show_evidence: the end of what each program wrote to $TMP/*.out and
# $TMP/*.err (cut short: a server may echo megabyte lines). A test with other
# evidence, a terminal's screen, defines its own.
show_evidence() {
	local f
	for f in "$TMP"/*.out "$TMP"/*.err; do
		[ -s "$f" ] && { echo "--- $f"; tail -n 15 "$f" | cut -c1-200; }
	done
	return 0
}

# wait_for FILE PATTERN [SECONDS]: until grep finds PATTERN in FILE (5 s by
# default); false if it never does.
wait_for() {
	local i
	for ((i = 0; i < ${3:-5} * 20; i++)); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# stopped_matching ERE: how many processes whose command line matches ERE
# are stopped (ps state t or T). Only this test's own processes may count:
# other suites on the machine trace programs too (a ptrace stop is state t).
stopped_matching() {
	ps -eo stat=,args= | awk -v re="$1" '$1 ~ /^[tT]/ && $0 ~ re { n++ } END { print n + 0 }'
}

# free_port: a TCP port nobody uses now (bind port 0 and read it back).
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# record_echo BASE [SIGNAL]: `socklab record BASE --plain` (its rows in
# BASE.live, its stderr in BASE.err) of one exchange of the real echo
# programs (the server's output in BASE-server.out), stopped with SIGNAL
# (TERM by default) once the server's side is CLOSED: the last ACK came.
# Capturing on lo needs root.
record_echo() {
	local base=$1 sig=${2:-TERM} port ui ev=$1.sock
	port=$(free_port)
	"$BIN/socklab" record "$base" -p "$port" --events "$ev" --plain >"$base.live" 2>"$base.err" &
	ui=$!
	STARTED+=("$ui")
	wait_for "$base.err" capturing 10 || fail "socklab record did not start capturing"
	"$BIN/echo-server" -p "$port" --events "$ev" --quiet >"$base-server.out" 2>&1 &
	STARTED+=("$!")
	wait_for "$base-server.out" listening 10 || fail "echo-server did not start"
	"$BIN/echo-client" 127.0.0.1 "$port" -m hello --events "$ev" --quiet >/dev/null 2>&1 || fail "echo-client failed"
	wait_for "$base.jsonl" '"role":"server","from":"LAST_ACK","to":"CLOSED"' 10 ||
		fail "the recording never saw the close: $(tail -n 3 "$base.jsonl")"
	kill "-$sig" "$ui"
	wait "$ui" 2>/dev/null
}
