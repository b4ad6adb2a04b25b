#!/usr/bin/env bash
# Overhead of socklab run (docs/run.md): echo-server --mode epoll under
# echo-client --bench -c 50, side by side in one run:
#   plain                      the server alone
#   strace                     strace -f --seccomp-bpf tracing the calls socklab run watches, -o /dev/null
#   socklab run -q             reporting every call to a lab (socklab record --plain as root, else
#                              the test sink tests/tools/event_sink)
# Each row is the median (by requests/s) of three runs. Prints a markdown
# table for docs/benchmarks.md ("socklab run").
. "$(dirname "$0")/../lib/helpers.sh"
cd "$ROOT" || exit 1
command -v strace >/dev/null || skip "strace is not installed (make deps installs it)"
strace -f --seccomp-bpf -e trace=close -o /dev/null true 2>/dev/null || skip "this strace has no --seccomp-bpf"
N=${RUN_BENCH_REQUESTS:-60000}
C=50
# the calls socklab run watches (run/syscalls.c), as strace names them
CALLS=socket,bind,listen,accept,accept4,connect,shutdown,close,close_range,read,write,readv,writev
CALLS=$CALLS,recvfrom,sendto,recvmsg,sendmsg,sendfile,setsockopt,getsockopt,fcntl,ioctl,dup,dup2,dup3
CALLS=$CALLS,poll,ppoll,select,pselect6,epoll_create,epoll_create1,epoll_ctl,epoll_wait,epoll_pwait,epoll_pwait2

# serve LABEL WRAPPER...: the server under WRAPPER; median of 3 bench runs.
rows=()
serve() {
	local label=$1 port line wrapper_pid srv i
	shift
	port=$(free_port)
	"$@" "$BIN/echo-server" -q --mode epoll -p "$port" --events "$TMP/none.sock" >/dev/null 2>"$TMP/srv.err" &
	wrapper_pid=$!
	STARTED+=("$wrapper_pid")
	for ((i = 0; i < 100; i++)); do ss -Hltn "( sport = :$port )" | grep -q . && break; sleep 0.05; done
	[ "$i" -lt 100 ] || fail "$label: the server did not listen: $(cat "$TMP/srv.err")"
	line=$(for _ in 1 2 3; do
		"$BIN/echo-client" --bench -q -c "$C" -n "$N" 127.0.0.1 "$port" 2>&1 | grep '^bench:.*conns'
	done | awk '{ split($0, f, " req/s"); n = split(f[1], g, " "); print g[n] " " $0 }' | sort -n | sed -n 2p)
	srv=$(pgrep -f -n -- "echo-server -q --mode epoll -p $port")
	[ -n "$srv" ] && kill -INT "$srv"
	wait "$wrapper_pid" 2>/dev/null
	echo "$label: ${line#* }" >&2
	rows+=("$(echo "$line" | awk -v s="$label" '{for (i = 1; i <= NF; i++) {
		if ($i == "req/s") r = $(i-1); if ($i == "p50") p50 = $(i+1); if ($i == "p99") p99 = $(i+1);
		if ($i == "errors") e = $(i+1) }
		printf "| %s | %s | %s | %s | %s |", s, r, p50, p99, e}')")
	RPS[$label]=$(echo "$line" | cut -d' ' -f1)
}
declare -A RPS

serve "plain"
serve "strace -f --seccomp-bpf" strace -f --seccomp-bpf -qq -e trace="$CALLS" -o /dev/null
if [ "$(id -u)" = 0 ]; then
	lab="socklab record --plain"
	port_lab=$(free_port)
	"$BIN/socklab" record "$TMP/rec" -p "$port_lab" --events "$TMP/lab.sock" --plain >/dev/null 2>"$TMP/lab.err" &
else
	lab="the test sink"
	"$TOOLS/event_sink" "$TMP/lab.sock" --go-auto >/dev/null &
fi
STARTED+=($!)
for ((i = 0; i < 100; i++)); do [ -S "$TMP/lab.sock" ] && break; sleep 0.05; done
[ -S "$TMP/lab.sock" ] || fail "the lab did not start: $(cat "$TMP/lab.err" 2>/dev/null)"
serve "socklab run -q" "$BIN/socklab" run -q --events "$TMP/lab.sock" --

echo
echo "echo-server --mode epoll, echo-client --bench -c $C -n $N, $(nproc) CPUs, $(uname -r); socklab run reporting to $lab"
echo
echo "| server under | requests/s | p50 ms | p99 ms | errors |"
echo "|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
awk -v r="${RPS[socklab run -q]}" -v s="${RPS[strace -f --seccomp-bpf]}" 'BEGIN {
	printf "socklab run / strace: %.2f (%s)\n", r / s, (r >= s) ? "at least strace" : "SLOWER than strace" }'
