# lab_helpers.sh: sourced by tests/it_lab_*.sh. Runs the real echo-server
# and echo-client on free ports, cleans up whatever it started.
set -u
BIN=${SOCKLAB_BIN:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/bin}
TOOLS=${SOCKLAB_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}/${BUILD:-build/release}/tools
TMP=$(mktemp -d)
STARTED=()

cleanup() {
	for p in "${STARTED[@]}"; do kill -TERM "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*"
	for f in "$TMP"/*.out "$TMP"/*.err; do
		[ -s "$f" ] && { echo "--- $f"; tail -n 15 "$f"; }
	done
	exit 1
}

# wait_for FILE PATTERN [TENTHS]: until grep finds PATTERN in FILE (default 5 s).
wait_for() {
	local i
	for ((i = 0; i < ${3:-50}; i++)); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# free_port: a TCP port nobody uses now (bind port 0 and read it back), for
# a server the test starts itself with --step, where start_server cannot retry.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

have_ipv6() {
	[ -e /proc/net/if_inet6 ] && grep -q '^0\{31\}1 ' /proc/net/if_inet6
}

# start_server NAME ARGS...: echo-server on a free port. Sets PORT and
# SERVER_PID; output goes to $TMP/srv-NAME.out and $TMP/srv-NAME.err.
start_server() {
	local name=$1 try
	shift
	for ((try = 0; try < 20; try++)); do
		PORT=$((20000 + RANDOM % 12000)) # below the ephemeral range (32768-60999)
		"$BIN/echo-server" -p "$PORT" "$@" >"$TMP/srv-$name.out" 2>"$TMP/srv-$name.err" &
		SERVER_PID=$!
		STARTED+=("$SERVER_PID")
		if wait_for "$TMP/srv-$name.out" "listening on\|UDP on"; then
			return 0
		fi
		wait "$SERVER_PID" 2>/dev/null
		grep -q "address already in use" "$TMP/srv-$name.err" || fail "echo-server $* did not start"
	done
	fail "no free port found"
}

# stop_server: SIGINT must make the server exit 0 (and clean under ASan).
stop_server() {
	local rc i
	kill -INT "$SERVER_PID"
	for ((i = 0; i < 50; i++)); do
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$SERVER_PID" 2>/dev/null && { kill -KILL "$SERVER_PID"; fail "echo-server ignored SIGINT"; }
	wait "$SERVER_PID"
	rc=$?
	[ "$rc" -eq 0 ] || fail "echo-server exited $rc after SIGINT"
}

# client NAME ARGS...: runs echo-client to completion (10 s at most).
client() {
	local name=$1
	shift
	timeout 10 "$BIN/echo-client" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
}
