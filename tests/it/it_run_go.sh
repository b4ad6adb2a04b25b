#!/usr/bin/env bash
# socklab run with the seed's Go echo server and client (../shared/seed/go,
# built here with go build; the port is changed from 8080 to a free one,
# the only edit): Go's non-blocking calls reach the lab as they are. The
# server's Accept is accept4() = -1 EAGAIN, epoll_pwait(), accept4() = N;
# the client's Dial is connect() = -1 EINPROGRESS, epoll, getsockopt(SO_ERROR)
# = 0; every call of both (their threads included) with its endpoints.
# Skipped (77) without go or the seed.
. "$(dirname "$0")/../lib/helpers.sh"
SINK=$TOOLS/event_sink
SEED=${SOCKLAB_GO_SEED:-$ROOT/../shared/seed/go}
command -v go >/dev/null || skip "go is not installed (make deps installs golang-go)"
if [ ! -d "$SEED/server" ] || [ ! -d "$SEED/client" ]; then skip "no Go seed at $SEED"; fi
[ -x "$SINK" ] || fail "$SINK not built (make builds tests/tools)"

PORT=$(free_port)
cp -r "$SEED" "$TMP/go"
sed -i "s/127.0.0.1:8080/127.0.0.1:$PORT/" "$TMP/go/server/main.go" "$TMP/go/client/main.go"
grep -q "127.0.0.1:$PORT" "$TMP/go/server/main.go" || fail "the seed server does not listen on 127.0.0.1:8080 any more"
export GOCACHE=$TMP/gocache GOPATH=$TMP/gopath GOFLAGS=-mod=mod GOTOOLCHAIN=local
(cd "$TMP/go/server" && go build -o "$TMP/go-server" .) >"$TMP/build.err" 2>&1 || fail "go build server: $(cat "$TMP/build.err")"
(cd "$TMP/go/client" && go build -o "$TMP/go-client" .) >"$TMP/build.err" 2>&1 || fail "go build client: $(cat "$TMP/build.err")"

"$SINK" "$TMP/ev.sock" --go-auto >"$TMP/ev.jsonl" &
STARTED+=($!)
for ((i = 0; i < 100; i++)); do [ -S "$TMP/ev.sock" ] && break; sleep 0.05; done
"$BIN/socklab" run --events "$TMP/ev.sock" -- "$TMP/go-server" >"$TMP/srv.out" 2>"$TMP/srv.err" &
srv=$!
STARTED+=("$srv")
wait_for "$TMP/srv.err" "server epoll_pwait" 10 || fail "the Go server under socklab run did not start"
printf 'hello\nq\n' | timeout 20 "$BIN/socklab" run --events "$TMP/ev.sock" -- "$TMP/go-client" \
	>"$TMP/cli.out" 2>"$TMP/cli.err" || fail "the Go client under socklab run failed"
grep -q "server-hello" "$TMP/cli.out" || fail "the Go client got no echo: $(cat "$TMP/cli.out")"
wait_for "$TMP/srv.err" 'server close(' || fail "the Go server did not close the connection"
kill -TERM "$srv"
wait "$srv"
rc=$?
[ "$rc" -eq 143 ] || fail "the Go server under socklab run, sent SIGTERM, exited $rc"

J=$TMP/ev.jsonl
has() { grep -Eq -- "$1" "$J" || fail "$2 (no record matching $1)"; }
# the netpoller's accept: EAGAIN, epoll_pwait, then the connection
has '"proc":"server".*"phase":"exit".*"call":"accept4".*"errno":"EAGAIN"' "accept4 = -1 EAGAIN"
has '"proc":"server".*"phase":"exit".*"call":"epoll_pwait"' "epoll_pwait"
cli=$(grep -E '"proc":"client".*"phase":"exit".*"call":"getsockopt"' "$J" | head -n1 | sed 's/.*"local":"\([^"]*\)".*/\1/')
[[ $cli == 127.0.0.1:* ]] || fail "the client's getsockopt has no local endpoint"
has "\"proc\":\"server\".*\"phase\":\"exit\".*\"call\":\"accept4\".*\"ret\":[0-9]+.*\"local\":\"127.0.0.1:$PORT\",\"peer\":\"$cli\"" \
	"accept4 = N with the client's endpoint"
# Dial: connect EINPROGRESS, then SO_ERROR = 0 on the connection
has "\"proc\":\"client\".*\"phase\":\"exit\".*\"call\":\"connect\".*\"errno\":\"EINPROGRESS\"" "connect = -1 EINPROGRESS"
has "\"proc\":\"client\".*\"phase\":\"exit\".*\"call\":\"getsockopt\".*SO_ERROR, \\[0\\].*\"local\":\"$cli\",\"peer\":\"127.0.0.1:$PORT\"" \
	"getsockopt(SO_ERROR) = 0 with both endpoints"
has '"proc":"client".*"phase":"exit".*"call":"write".*"data":"hello"' "the client's write"
has '"proc":"server".*"phase":"exit".*"call":"read".*"data":"hello"' "the server's read"
has '"proc":"server".*"phase":"exit".*"call":"write".*"data":"server-hello"' "the server's write"
has '"proc":"client".*"phase":"exit".*"call":"close"' "the client's close"
# the order Go's Accept makes: EAGAIN before the epoll_pwait before the accept
python3 - "$J" <<'PY' || fail "the server's calls are not in the netpoller's order"
import json, sys
calls = [json.loads(l) for l in open(sys.argv[1])]
srv = [(c["call"], c.get("errno")) for c in calls
       if c.get("type") == "call" and c["phase"] == "exit" and c["proc"] == "server"]
first_eagain = srv.index(("accept4", "EAGAIN"))
ok = next(i for i, c in enumerate(srv) if c[0] == "accept4" and c[1] is None)
assert first_eagain < ok, srv
assert any(c[0] == "epoll_pwait" for c in srv[first_eagain:ok]), srv
PY
tids=$(grep '"proc":"server"' "$J" | grep -o '"tid":[0-9]*' | sort -u | wc -l)
echo "go: $(grep -c '"type":"call"' "$J") call records; the server's came from $tids threads"
