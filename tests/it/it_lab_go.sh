#!/usr/bin/env bash
# Interop with the seed's Go programs, both ways: the Go client talks to
# echo-server, echo-client talks to the Go server. The seed hard-codes
# 127.0.0.1:8080, so this runs only while that port is free.
. "$(dirname "$0")/../lib/helpers.sh"
. "$ROOT/tests/lib/lab_helpers.sh"
SEED=${SOCKLAB_SEED:-$ROOT/../shared/seed}/go

command -v go >/dev/null || skip "go is not installed (apt-get install golang-go)"
[ -f "$SEED/server/main.go" ] || skip "the seed's Go programs are not at $SEED"
port_busy() { ss -Hltn "( sport = :8080 )" 2>/dev/null | grep -q .; } # TIME_WAIT leftovers do not stop a listener
if port_busy; then skip "port 8080 is in use (the seed's programs need it)"; fi

export GOCACHE=$ROOT/build/gocache # one Go cache for every C variant GOFLAGS=-mod=mod GOPATH=$TMP/gopath GO111MODULE=on
for prog in server client; do
	cp -r "$SEED/$prog" "$TMP/src-$prog"
	(cd "$TMP/src-$prog" && go build -o "$TMP/go-$prog" .) >"$TMP/build-$prog.err" 2>&1 ||
		fail "go build $prog: $(cat "$TMP/build-$prog.err")"
done

# the Go client against echo-server
"$BIN/echo-server" -q >"$TMP/srv-c.out" 2>"$TMP/srv-c.err" &
SERVER_PID=$!
STARTED+=("$SERVER_PID")
wait_for "$TMP/srv-c.out" "listening on" || { port_busy && skip "port 8080 was taken meanwhile"; fail "echo-server on 8080"; }
printf 'hello from go\nq\n' | timeout 10 "$TMP/go-client" >"$TMP/goclient.out" 2>&1 || fail "go client exit $?"
grep -q "server-hello from go" "$TMP/goclient.out" || fail "go client got no reply: $(cat "$TMP/goclient.out")"
wait_for "$TMP/srv-c.out" "received from 127.0.0.1:[0-9]*: hello from go" || fail "echo-server did not print"
stop_server

# echo-client against the Go server (ours left 8080 free: no TIME_WAIT on a listener)
"$TMP/go-server" >"$TMP/goserver.out" 2>&1 &
gopid=$!
STARTED+=("$gopid")
for ((i = 0; i < 50; i++)); do ss -Hltn "( sport = :8080 )" | grep -q . && break; sleep 0.1; done
client c -q 127.0.0.1 8080 -m "hello from c" -m again || fail "echo-client exit $?"
grep -qx "reply: server-hello from c" "$TMP/c.out" || fail "no reply from the go server"
grep -qx "reply: server-again" "$TMP/c.out" || fail "no second reply from the go server"
wait_for "$TMP/goserver.out" "hello from c" || fail "go server did not print"
kill "$gopid"
echo "ok"
