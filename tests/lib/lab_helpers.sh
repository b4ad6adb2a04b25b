# shellcheck shell=bash
# lab_helpers.sh: sourced after helpers.sh by the tests that run the real
# echo-server and echo-client (tests/it_lab_*.sh, it_hostile_server.sh): a
# server on a free port, its clean stop, a client run to completion.

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
		# emptied here, not only by the redirection below, which runs in the
		# child: wait_for could otherwise read an earlier server's line
		: >"$TMP/srv-$name.out"
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
