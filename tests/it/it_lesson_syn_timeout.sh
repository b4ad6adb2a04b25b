#!/usr/bin/env bash
# Lesson 10's ETIMEDOUT row, in seconds instead of ~2 minutes: a lesson
# (tests/golden/lessons/syn-timeout) fills a backlog-1 accept queue that
# nobody drains, so the server's kernel drops the SYNs of the later clients,
# in a private network namespace (unshare -n) whose net.ipv4.tcp_syn_retries
# is 1 (sysctls are per namespace: the machine's stay as they are). The
# client's kernel resends, then connect() returns -1 ETIMEDOUT, and the
# ladder ends that connection's SYN_SENT on the same instant: SYN_SENT→CLOSED.
# connect() gives up no earlier than 2^(retries+1) - 1 s after the first SYN
# (what lesson 10 says as {syn-timeout}). Skipped (77) where a network
# namespace cannot be made.
. "$(dirname "$0")/../lib/helpers.sh"
cd "$ROOT" || exit 1
need_root "a private network namespace (unshare -n) and a capture on its lo"
if ! command -v unshare >/dev/null || ! unshare -n true 2>/dev/null; then
	skip "unshare -n is not possible here"
fi
command -v ip >/dev/null || skip "ip (iproute2) is not installed"

retries=1
before=$(cat /proc/sys/net/ipv4/tcp_syn_retries)
# shellcheck disable=SC2016 # expanded by the namespace's shell
timeout 60 unshare -n sh -c 'ip link set lo up && echo "$1" >/proc/sys/net/ipv4/tcp_syn_retries &&
	exec "$2" lesson 10 --dir "$3" --lang en --auto --width 160' sh "$retries" "$BIN/socklab" \
	"$ROOT/tests/golden/lessons/syn-timeout" >"$TMP/out" 2>"$TMP/err"
rc=$?
[ "$(cat /proc/sys/net/ipv4/tcp_syn_retries)" = "$before" ] || fail "the machine's tcp_syn_retries changed"
[ $rc -eq 0 ] || fail "the lesson did not reach ETIMEDOUT (exit $rc): $(cat "$TMP/err")"
grep -q '✓ call client connect exit errno=ETIMEDOUT' "$TMP/out" || fail "checkpoint: no ETIMEDOUT"

# the connect() that gave up, and on the same instant its connection's SYN_SENT→CLOSED
line=$(grep -nE -m1 'connect\([0-9]+\) = -1 ETIMEDOUT' "$TMP/out" | cut -d: -f1)
[ -n "$line" ] || fail "no connect() = -1 ETIMEDOUT row"
at=$(sed -n "${line}p" "$TMP/out" | awk '{print $1}')
closed=$(grep -E "^ *$at #[0-9]+ +SYN_SENT→CLOSED │" "$TMP/out" | head -n1)
[ -n "$closed" ] || fail "no SYN_SENT→CLOSED row at $at, the instant connect() returned ETIMEDOUT"
conn=$(awk '{print $2}' <<<"$closed")
first=$(grep -E -m1 "^ *[0-9.]+ $conn +SYN_SENT │──SYN seq=0[ ─]" "$TMP/out" | awk '{print $1}')
[ -n "$first" ] || fail "no first SYN of connection $conn"
resent=$(grep -cE "^ *[0-9.]+ $conn +│──SYN seq=0 .*\(again\)" "$TMP/out")
[ "$resent" -ge 1 ] || fail "connection $conn: its SYN was never resent"
model=$(((2 << retries) - 1))
awk -v a="$first" -v b="$at" -v m="$model" 'BEGIN { exit !(b - a >= m && b - a < m + 2) }' ||
	fail "connection $conn gave up $first -> $at, not $model s (2^(retries+1) - 1) after its first SYN"
echo "connection $conn: SYN at $first s, resent $resent times, connect() = -1 ETIMEDOUT and SYN_SENT→CLOSED at $at s (tcp_syn_retries $retries: $model s)"
echo PASS
