#!/usr/bin/env bash
# socklab lesson 2 in a real terminal (tmux, 100x40): the lesson pane shows
# the narrative, the prediction is answered with a key and judged, the
# handshake's arrows and states appear in the ladder in the right rows, the
# checkpoint ticks each expectation, b goes back a step, the lesson reaches
# its last step and ends with exit 0 and no lab process left behind; the
# Chinese lesson keeps its columns aligned, and its words with --ascii.
. "$(dirname "$0")/../lib/helpers.sh"
cd "$ROOT" || exit 1
export LC_ALL=C.UTF-8 # wide characters: tmux draws them, wc -L counts their cells
. "$ROOT/tests/lib/tmux_helpers.sh"
ui_test_start
# The lesson pane's words (left of its checkpoint column) as one line.
pane_words() { screen | sed -n '/^── Lesson/,$p' | sed '1d;$d' | sed 's/ *│.*//' | tr '\n' ' ' | tr -s ' '; }

ui_start 100x40 lesson 2 --lang en
wait_screen "Step 1/4: the server waits in accept()" 10 || exit 1
screen | grep -q "The server runs socket, bind, listen and enters accept()" || fail "no narrative"
screen | grep -q "space/Enter run this step" || fail "no key help for a step to run"
tm send-keys -t ui Space
wait_screen "✓ call server accept enter" 10 || exit 1
wait_screen "space/Enter next step" 3 || exit 1
mapfile -t kids < <(ui_children)
[ ${#kids[@]} -gt 0 ] || fail "the lesson started no lab process"
tm send-keys -t ui Enter
wait_screen "Step 2/4: the client makes its socket" 5 || exit 1
tm send-keys -t ui Space
wait_screen "✓ no packet any" 10 || exit 1
wait_screen "space/Enter next step" 3 || exit 1
tm send-keys -t ui Space
wait_screen "? What state is the client in right after it receives the SYN|ACK?" 5 || exit 1
screen | grep -qE '3\) ESTABLISHED *$' || fail "the choices are not shown"
screen | grep -q "state client ESTABLISHED" && fail "the checkpoint gives the answer away before the prediction"
screen | grep -q "checkpoint: 9 expectation(s), shown once the step runs" || fail "no checkpoint size"
tm send-keys -t ui h
wait_screen 'hint: In SYN_SENT the client waits for one thing' 3 || exit 1
tm send-keys -t ui 1
wait_screen "✓ call server accept exit" 10 || exit 1
wait_screen "space/Enter next step" 3 || exit 1
pane_words | grep -qF '✗ You predicted "SYN_SENT: it is still waiting for the server"; what happened: ESTABLISHED' ||
	fail "no feedback on a wrong prediction naming what happened"
for e in "packet c2s SYN seq=0" "state client SYN_SENT" "state server SYN_RCVD" "packet s2c SYN|ACK seq=0 ack=1" \
	"state client ESTABLISHED" "packet c2s ACK seq=1 ack=1" "state server ESTABLISHED" "call client connect exit ret=0"; do
	screen | grep -qF "✓ $e" || fail "checkpoint: '$e' not ticked"
done
# the handshake in the ladder, states in the lanes of the rows that caused them
syn=$(line_of "──SYN seq=0")
synack=$(line_of "SYN|ACK seq=0 ack=1──│")
ack=$(line_of "──ACK seq=1 ack=1")
[[ $syn -gt 0 && $syn -lt $synack && $synack -lt $ack ]] || fail "the handshake rows are missing or out of order ($syn $synack $ack)"
screen | grep -qE 'SYN_SENT │──SYN seq=0' || fail "SYN_SENT is not on the SYN row"
screen | grep -qE 'ESTABLISHED │◀─+SYN\|ACK seq=0 ack=1──│ SYN_RCVD' || fail "ESTABLISHED / SYN_RCVD are not on the SYN|ACK row"
screen | grep -qE '──ACK seq=1 ack=1─+▶│ ESTABLISHED' || fail "server ESTABLISHED is not on the ACK row"
# back a step: its words and the ladder as it was then; forward again
tm send-keys -t ui b
wait_screen "looking back: space/Enter forward to step 3" 3 || exit 1
screen | grep -q "Step 2/4: the client makes its socket" || fail "b did not show step 2"
screen | head -n 1 | grep -q "Step 2/4" || fail "looking back: the header does not name the step shown: $(screen | head -n 1)"
screen | grep -q "CLIENT CLOSED" || fail "going back did not show the states of step 2's rows"
tm send-keys -t ui Space
wait_screen "Step 3/4: connect() and the three segments" 3 || exit 1
tm send-keys -t ui Space
wait_screen "Step 4/4: two sockets on the server" 5 || exit 1
tm send-keys -t ui Space
wait_screen "✓ call server read enter" 10 || exit 1
wait_screen "space/Enter finish the lesson" 3 || exit 1
# q with every checkpoint ticked: the lesson is complete, not stopped
tm send-keys -t ui q
wait_screen "EXITED 0" 5 || exit 1
screen | grep -q "Lesson complete: every checkpoint was reached on real sockets." || fail "q at the end: not said complete"
screen | grep -q "lesson stopped" && fail "q at the end: said stopped"
sleep 0.5
no_orphans "${kids[@]}" || exit 1
tm kill-session -t ui

# Chinese: the lesson pane's column stays where it is under wide characters
ui_start 80x24 lesson 2 --lang zh
wait_screen "步骤 1/4" 10 || exit 1
tm send-keys -t ui Space
wait_screen "✓ 服务器的 accept() 开始" 10 || exit 1
cols=$(screen | grep -E "│ (检查点|✓ 服务器)" | while IFS= read -r l; do
	pre=${l%%│ *}; printf '%s\n' "$pre" | wc -L; done | sort -u | tr '\n' ' ')
[ "$(wc -w <<<"$cols")" = 1 ] || fail "the checkpoint column moves under Chinese text (columns $cols)"
tm send-keys -t ui q
wait_screen "课程已停止。" 5 || exit 1
wait_screen "EXITED 1" 3 || exit 1
tm kill-session -t ui

# --ascii changes the line drawing only: the Chinese words stay (the status
# line's lesson and step too), lines and ticks are ASCII
ui_start 100x30 lesson 2 --lang zh --ascii
wait_screen "步骤 1/4" 10 || exit 1
screen | head -n 1 | grep -q "第 2 课  步骤 1/4 .*报文段 0" || fail "--ascii: the status line is not Chinese: $(screen | head -n 1)"
tm send-keys -t ui Space
wait_screen "ok 服务器的 accept() 开始" 10 || exit 1
screen | grep -q -- "-- 第 2 课：三次握手 --" || fail "--ascii: no ASCII rule over the lesson pane"
screen | grep -v "? 帮助" | grep -q "?" && fail "--ascii: characters drawn as ?: $(screen | grep -v '? 帮助' | grep '?')"
screen | grep -q "[─│┌┐└┘▶◀→✓]" && fail "--ascii: box, arrow or tick characters drawn"
tm send-keys -t ui q
wait_screen "EXITED 1" 5 || exit 1
tm kill-session -t ui

# at 100x30, step 3's then: reads in full: the reached checkpoint gives its
# column to the words and says so in one line
ui_start 100x30 lesson 2 --lang en --pace 60
wait_screen "Step 1/4" 10 || exit 1
for k in Space Space Space Space; do
	tm send-keys -t ui "$k"
	sleep 0.3
	for _ in $(seq 1 100); do screen | grep -q "running on real sockets" || break; sleep 0.1; done
done
wait_screen "? What state is the client in" 10 || exit 1
tm send-keys -t ui 1 # wrong: the answer's two lines, then then:
wait_screen "✓ checkpoint reached: 9 of 9 seen" 15 || exit 1
synack=$(cat /proc/sys/net/ipv4/tcp_synack_retries)
pane_words | grep -qF "up to net.ipv4.tcp_synack_retries times ($synack on this machine)." ||
	fail "100x30: step 3's then: is cut: $(pane_words)"
tm send-keys -t ui q
wait_screen "EXITED 1" 5 || exit 1
tm kill-session -t ui

# a step that fails offers to run again; space runs it again on fresh
# programs; the step's fail-say: says why
mkdir -p "$TMP/again/en"
cp tests/golden/lessons/01-refused.lesson "$TMP/again/en/" || fail "copy the lesson fixture"
ui_start 100x30 lesson 1 --dir "$TMP/again" --lang en
wait_screen "Step 1/2: a server" 10 || exit 1
tm send-keys -t ui Space
wait_screen "space/Enter next step" 10 || exit 1
tm send-keys -t ui Space
wait_screen "Step 2/2: a client to nobody" 5 || exit 1
tm send-keys -t ui Space
wait_screen "not reached: space/Enter run this step again" 10 || exit 1
screen | grep -q "checkpoint not reached in 2 s" || fail "failure not said"
screen | grep -q "refused, as the lesson said." || fail "fail-say not shown"
screen | grep -qE "x +call client connect exit ret=0" || fail "unmet expectation not marked"
tm send-keys -t ui Space
wait_screen "running on real sockets" 5 || exit 1
wait_screen "not reached: space/Enter run this step again" 15 || exit 1
tm send-keys -t ui a # every connection: the second run's client made connection #2
wait_screen "all connections" 3 || exit 1
screen | grep -qE '#2 +SYN_SENT' || fail "space did not run the step again (no second client)"
tm send-keys -t ui q
wait_screen "EXITED 1" 5 || exit 1
screen | grep -q "socklab lesson 1, step 2 'a client to nobody': checkpoint not reached in 2 s" || fail "no failure message on exit"
tm kill-session -t ui

# lesson 5's last step is about a second connection: the view follows it
ui_start 100x40 lesson 5 --lang en --pace 60
wait_screen "Step 1/5" 10 || exit 1
for k in Space Space 2 Space Space Space Space Space Space; do
	tm send-keys -t ui "$k"
	sleep 0.3
	for _ in $(seq 1 100); do screen | grep -q "running on real sockets" || break; sleep 0.1; done
done
wait_screen "Step 5/5: why Linux often shows three" 15 || exit 1
tm send-keys -t ui Space
wait_screen "✓ state server CLOSED" 15 || exit 1
screen | grep -q "connection #2" || fail "lesson 5 step 5: the view stayed on connection #1"
tm kill-session -t ui

# lesson 6's second step is about a bind() that fails before any
# connection: the view shows it without a key (not only after a)
ui_start 100x40 lesson 6 --lang en --pace 60
wait_screen "Step 1/2" 10 || exit 1
tm send-keys -t ui Space
wait_screen "space/Enter next step" 15 || exit 1
tm send-keys -t ui Space
wait_screen "? What does its bind() return" 5 || exit 1
tm send-keys -t ui 2
wait_screen "space/Enter finish the lesson" 15 || exit 1 # its then: is long: the checkpoint in one line
screen | grep -q "bind(3) = -1 EADDRINUSE" || fail "lesson 6 step 2: the failing bind() is not in view"

echo "lesson 2 in the curses lab: narrative, prediction, checkpoint, handshake rows, back, finish (en, zh); run again; lessons 5 and 6 show what their steps are about"
