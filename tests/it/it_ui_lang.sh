#!/usr/bin/env bash
# The lab screen in Chinese, as a student reads it: `socklab demo --lang zh`
# under LANG=zh_CN.UTF-8 (a locale this machine need not have: drawing
# falls back to an installed UTF-8 one instead of "??"). Status words, the
# explanation of a call and of a segment, the help box, the details and the
# countdown are Chinese; no English sentence and no "?" reaches the screen.
. "$(dirname "$0")/../lib/helpers.sh"
cd "$ROOT" || exit 1
. "$ROOT/tests/lib/tmux_helpers.sh"
ui_test_start

# the scenario list follows --lang too
"$BIN/socklab" demo --list --lang zh | grep -q "^half-close .*shutdown SHUT_WR.*服务器" ||
	fail "demo --list --lang zh: $("$BIN/socklab" demo --list --lang zh)"

locale -a 2>/dev/null | grep -qi '^zh_CN.utf-\?8$' && echo "note: zh_CN.UTF-8 is installed here: the fallback is not exercised"
tm new-session -d -s ui -x 100 -y 30 "env LANG=zh_CN.UTF-8 LC_ALL= LC_CTYPE= $BIN/socklab demo --lang zh; echo EXITED \$?; sleep 30"
wait_screen "服务器 CLOSED" 10 || exit 1
wait_screen "客户端 TIME_WAIT" 5 || exit 1
screen | grep -qE '客户端 TIME_WAIT [0-9]+秒' || fail "no countdown in seconds (秒)"
screen | grep -q "??" && fail "wide characters drawn as ??"
screen | head -n1 | grep -q "演示 echo .*报文段 [0-9]* .*丢弃 0 .*跟随中" || fail "status line not in Chinese: $(screen | head -n1)"
screen | grep -q "── 讲解 ──" || fail "no Chinese explanation title"

# back to the start, then down to the SYN|ACK: its explanation, in Chinese
tm send-keys -t ui g
wait_screen "已暂停" 3 || exit 1
wait_screen "创建一个端点并返回描述符" 3 || exit 1
keys_until "SYN|ACK：服务器接受连接" || exit 1
screen | grep -q "ack=1：服务器确认了" || fail "the ack is not explained in Chinese"
# sentences join without a space after 。, and the pane says no English sentence
screen | grep -q "。 " && fail "a space after 。"
screen | sed -n '/── 讲解/,$p' | grep -qE "\b(the|acknowledges|connection)\b" && fail "English in the Chinese explanation"

# details, the help box (one set of corners), the connection list
tm send-keys -t ui d
wait_screen "绝对值" 3 || exit 1
screen | grep -q "详情（按任意键关闭）" || fail "details title not in Chinese"
tm send-keys -t ui Escape
tm send-keys -t ui '?'
wait_screen "socklab 按键" 3 || exit 1
screen | grep -q "┌─ 帮助" || fail "the help box has no box-drawing corner"
screen | grep -qE '\+[─-]|[─-]\+' && fail "the help box mixes + corners with lines"
tm send-keys -t ui q
tm send-keys -t ui l
wait_screen "连接（j/k 选择，回车显示）" 3 || exit 1
screen | grep -q "客户端 TIME_WAIT .*服务器 CLOSED" || fail "the connection list is not in Chinese"
tm send-keys -t ui q
tm send-keys -t ui q
wait_screen "EXITED 0" 5 || exit 1
echo PASS
