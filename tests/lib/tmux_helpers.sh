# shellcheck shell=bash
# Helpers for the UI's end-to-end tests, sourced after tests/helpers.sh:
# socklab runs in a real terminal (tmux on a private server socket, so
# concurrent tests never meet), keys are sent with send-keys and the screen
# is read back with capture-pane.
TMUX_SOCK="socklab-it-$$"
tm() { tmux -L "$TMUX_SOCK" "$@"; }
screen() { tm capture-pane -p -t ui; }
# wait_screen TEXT [SECONDS]: until TEXT is on the screen.
wait_screen() {
	local _
	for _ in $(seq 1 $((${2:-10} * 10))); do
		screen | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	echo "FAIL: '$1' never appeared on the screen:"; screen
	return 1
}
# keys_until TEXT [KEY]: presses KEY (j: the next row) until TEXT is on the
# screen, 40 times at most.
keys_until() {
	local _
	for _ in $(seq 1 40); do
		screen | grep -qF -- "$1" && return 0
		tm send-keys -t ui "${2:-j}"
		sleep 0.05
	done
	wait_screen "$1" 3
}
# line_of TEXT: the screen line number where TEXT first appears (0 if absent).
line_of() { screen | grep -nF -m1 -- "$1" | cut -d: -f1 | grep . || echo 0; }
# On failure the screen is the evidence (replaces helpers.sh's logs).
show_evidence() { screen; }
# tmux_cleanup: the server, and its socket file that kill-server leaves behind.
tmux_cleanup() {
	tm kill-server
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$TMUX_SOCK"
}
# The UI tests capture on lo and need tmux: skip loudly otherwise.
ui_test_start() {
	need_root "capturing on lo"
	command -v tmux >/dev/null || skip "tmux is not installed"
	at_exit tmux_cleanup
}
# The socklab in the pane and the lab processes it started (its children,
# one pid a line: mapfile -t kids < <(ui_children)).
ui_pid() { pgrep -P "$(tm list-panes -t ui -F '#{pane_pid}')" -x socklab; }
ui_children() { pgrep -P "$(ui_pid)"; }
# orphans PIDS...: fails if any of them is still alive.
no_orphans() {
	local p
	for p in "$@"; do
		if kill -0 "$p" 2>/dev/null; then
			echo "FAIL: lab process $p outlived socklab: $(ps -o args= -p "$p")"
			return 1
		fi
	done
}
# tm_server_end: ends this test's tmux server, if one runs, and waits until
# its process is gone. tmux does not wait (tmux/tmux#3115): a new-session
# sent to a server on its way out (its last session just killed) goes down
# with it, "server exited unexpectedly", and the test reads "no server
# running" (it_ui_lesson, once in a clean-clone .ci/run under ASan).
tm_server_end() {
	local _
	tm kill-server 2>/dev/null
	for _ in $(seq 1 100); do
		# its command line, or the title tmux may give it: "server (/tmp/tmux-0/SOCK)"
		pgrep -f -- "tmux.*$TMUX_SOCK( |\)|\$)" >/dev/null || return 0
		sleep 0.05
	done
	fail "the tmux server $TMUX_SOCK did not end within 5 s"
}
# ui_session COLSxROWS COMMAND [DIR]: COMMAND (a shell line) in the session
# "ui", a terminal of that size, on a server of its own: the one before,
# with its panes, is ended first.
ui_session() {
	local size=$1 cmd=$2 dir=${3:-$PWD}
	tm_server_end
	tm new-session -d -s ui -x "${size%x*}" -y "${size#*x}" -c "$dir" "$cmd" ||
		fail "tmux new-session for '$cmd' failed"
}
# ui_start COLSxROWS ARGS...: `socklab ARGS` in the session "ui", a terminal
# of that size; when socklab ends the pane says "EXITED <status>" and stays
# 30 s, so its last screen can still be read.
ui_start() {
	local size=$1
	shift
	ui_session "$size" "$BIN/socklab $*; echo EXITED \$?; sleep 30"
}
