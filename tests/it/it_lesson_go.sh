#!/usr/bin/env bash
# Lesson 12's Go step: the seed's Go server (built with go build in the
# cache directory, run under socklab run by the lesson runner) shows its
# netpoller on real sockets: accept4() = -1 EAGAIN, epoll_pwait(), then
# accept4() = N, in the server's lane, the checkpoint reached; nothing of it
# is left running. Without go the step says it is skipped, that the
# prediction was not checked (no right/wrong, no then:), and the lesson
# goes on to its last checkpoint (in Chinese here). The Go part is skipped
# (77) without go.
. "$(dirname "$0")/../lib/helpers.sh"
cd "$ROOT" || exit 1
need_root "lessons capture on lo"
export XDG_CACHE_HOME=$TMP/cache # the Go server is built here, not in the user's cache

# the step's rows: from its title to the next step's
step2() { sed -n '/^== .* 2\/4[:：]/,/^== .* 3\/4[:：]/p' "$1"; }

# without go on PATH (an empty PATH directory): skipped, said, the lesson ends well
mkdir -p "$TMP/nogo"
PATH=$TMP/nogo "$BIN/socklab" lesson 12 --lang zh --auto >"$TMP/nogo.out" 2>"$TMP/nogo.err"
rc=$?
[ $rc -eq 0 ] || fail "lesson 12 (zh) without go: exit $rc"
step2 "$TMP/nogo.out" | grep -qx '已跳过：这一步需要 go，这台机器没有安装（Debian：sudo make deps）；课程继续' ||
	fail "lesson 12 (zh) without go: the Go step does not say it was skipped"
step2 "$TMP/nogo.out" | grep -q '│ accept4(' && fail "lesson 12 without go: a Go row appeared"
# nothing ran: the prediction was not checked, and then: (what the step showed) is not said
step2 "$TMP/nogo.out" | grep -qF '你的预测（“立即返回 -1 EAGAIN：监听套接字是非阻塞的”）没有得到检验' ||
	fail "lesson 12 without go: the skipped step does not say the prediction was not checked"
step2 "$TMP/nogo.out" | grep -qE '预测正确|你预测的是|检查点已到达' && fail "lesson 12 without go: the skipped step judges the prediction"
step2 "$TMP/nogo.out" | grep -qF 'accept4() = -1 EAGAIN：accept 队列是空的' && fail "lesson 12 without go: the skipped step says its then:"
grep -q '^课程完成' "$TMP/nogo.out" || fail "lesson 12 (zh) without go did not finish"

# the same in the curses lab: the step says it was skipped, nothing ticked,
# and space goes on to step 3
. "$ROOT/tests/lib/tmux_helpers.sh"
ui_test_start
tm new-session -d -s ui -x 120 -y 45 "PATH=$TMP/nogo $BIN/socklab lesson 12; sleep 30"
wait_screen "Step 1/4" 10 || exit 1
tm send-keys -t ui 2
wait_screen "space/Enter next step" 30 || exit 1
tm send-keys -t ui Enter
wait_screen "Step 2/4" 10 || exit 1
tm send-keys -t ui 2
wait_screen "skipped: this step needs go" 10 || exit 1
screen | grep -q '· call server accept4 exit errno=EAGAIN' || fail "the skipped step's checkpoint shows a tick"
screen | grep -qF 'Your prediction ("It returns -1 EAGAIN at once' || fail "the skipped step does not say the prediction was not checked"
screen | grep -qE 'Your prediction was right|You predicted|accept4\(\) = -1 EAGAIN: the accept queue' &&
	fail "the skipped step judges the prediction or says its then:"
tm send-keys -t ui Enter
wait_screen "Step 3/4" 10 || exit 1
tm send-keys -t ui q
tmux_cleanup

command -v go >/dev/null || skip "go is not installed (make deps installs golang-go)"
timeout 120 "$BIN/socklab" lesson 12 --lang en --auto >"$TMP/go.out" 2>"$TMP/go.err"
rc=$?
[ $rc -eq 0 ] || fail "lesson 12 (en) with go: exit $rc"
step2 "$TMP/go.out" >"$TMP/step2.out"
grep -q '^checkpoint reached:' "$TMP/step2.out" || fail "the Go step's checkpoint was not reached"
grep -q '^skipped' "$TMP/step2.out" && fail "the Go step was skipped although go is installed"
# in the server's lane (after the last │), in the netpoller's order
at() { grep -nE -m1 -- "│ $1" "$TMP/step2.out" | cut -d: -f1 | grep . || echo 0; }
eagain=$(at 'accept4\([0-9]+\) = -1 EAGAIN')
wait=$(at 'epoll_pwait\([0-9]+\) = 1')
ok=$(at 'accept4\([0-9]+\) = [0-9]+')
echo "Go step rows: accept4 EAGAIN $eagain, epoll_pwait = 1 $wait, accept4 = N $ok"
[[ $eagain -gt 0 && $eagain -lt $wait && $wait -lt $ok ]] || fail "the Go server's accept is not EAGAIN, epoll_pwait, accept4"
grep -qE '│ read\([0-9]+\) = 5 "hello"' "$TMP/step2.out" || fail "the Go server did not read the client's hello"
# the Go server was stopped by the next step, and nothing stays stopped
pgrep -f "$XDG_CACHE_HOME/socklab" >/dev/null && fail "the Go server is still running: $(pgrep -af "$XDG_CACHE_HOME/socklab")"
[ "$(stopped_matching "$XDG_CACHE_HOME/socklab")" -eq 0 ] || fail "the lesson left a stopped process"
echo "ok: lesson 12's Go step, with go and without"
