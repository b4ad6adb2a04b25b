#!/usr/bin/env bash
# The lab screen in Chinese, as a student reads it: `socklab demo --lang zh`
# under LANG=zh_CN.UTF-8 (a locale this machine need not have: drawing
# falls back to an installed UTF-8 one instead of "??"). Status words, the
# explanation of a call and of a segment, the help box, the details and the
# countdown are Chinese; no English sentence and no "?" reaches the screen.
# With --ascii the Chinese text stays and only lines and arrows are ASCII.
# Live (as root), without --lang under a Chinese LANG: the port-in-use
# message, the event channel's notices, the calls-lost note and the
# recording's messages are Chinese too.
. "$(dirname "$0")/../lib/helpers.sh"
cd "$ROOT" || exit 1
. "$ROOT/tests/lib/tmux_helpers.sh"
ui_test_start

# the scenario list follows --lang too
"$BIN/socklab" demo --list --lang zh | grep -q "^half-close .*shutdown SHUT_WR.*服务器" ||
	fail "demo --list --lang zh: $("$BIN/socklab" demo --list --lang zh)"

locale -a 2>/dev/null | grep -qi '^zh_CN.utf-\?8$' && echo "note: zh_CN.UTF-8 is installed here: the fallback is not exercised"
ui_session 100x30 "env LANG=zh_CN.UTF-8 LC_ALL= LC_CTYPE= $BIN/socklab demo --lang zh; echo EXITED \$?; sleep 30"
wait_screen "服务器 CLOSED" 10 || exit 1
wait_screen "客户端 TIME_WAIT" 5 || exit 1
screen | grep -qE '客户端 TIME_WAIT [0-9]+秒' || fail "no countdown in seconds (秒)"
screen | grep -q "??" && fail "wide characters drawn as ??"
screen | head -n1 | grep -q "演示 echo .*报文段 [0-9]* .*丢弃 0 .*跟随中" || fail "status line not in Chinese: $(screen | head -n1)"
screen | grep -q "── 讲解 ──" || fail "no Chinese explanation title"
screen | head -n1 | grep -q "lo 'tcp port [0-9]* + ICMP 差错报文'" || fail "the filter's words are not Chinese: $(screen | head -n1)"

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
screen | grep -q "详情  Tab/←→ 切换层" || fail "details title not in Chinese"
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
tm kill-session -t ui

# --ascii is about line drawing: the Chinese text stays, the lines and
# arrows are ASCII, and no character is drawn as "?"
ui_session 100x30 "env LANG=zh_CN.UTF-8 LC_ALL= LC_CTYPE= $BIN/socklab demo --lang zh --ascii; sleep 30"
wait_screen "服务器 CLOSED" 10 || exit 1
screen | head -n1 | grep -q "演示 echo .*报文段 [0-9]* .*跟随中" || fail "--ascii: the status line is not Chinese: $(screen | head -n1)"
screen | grep -q "?" && fail "--ascii: characters drawn as ?"
screen | grep -q "[─│┌┐└┘▶◀→]" && fail "--ascii: box or arrow characters drawn"
screen | grep -q -- "-- 讲解 --" || fail "--ascii: no ASCII rule over the explanation"
screen | grep -qE -- "-+>|<-+" || fail "--ascii: no ASCII arrow"
tm kill-session -t ui

# Live, as root (capturing): the language comes from LANG when --lang is not
# given; another program on the port, a record the channel ignores, calls a
# program lost, and recording twice are all said in Chinese.
if [ "$(id -u)" != 0 ]; then
	echo "note: not root: the live part (port in use, channel notices) is not run"
	echo PASS
	exit 0
fi
port=$(free_port)
python3 -c 'import socket,sys,time
s=socket.socket(); s.bind(("127.0.0.1",int(sys.argv[1]))); s.listen(1)
print("listening", flush=True); time.sleep(120)' "$port" >"$TMP/holder.out" 2>&1 &
STARTED+=("$!")
wait_for "$TMP/holder.out" listening || fail "the program holding port $port did not start"
ev=$TMP/ev.sock
ui_session 100x30 "env LANG=zh_CN.UTF-8 LC_ALL= LC_MESSAGES= $BIN/socklab -p $port --events $ev; echo EXITED \$?; sleep 30" "$TMP"
wait_screen "端口 $port 已被 python3（pid" 10 || exit 1
screen | grep -q "already in use" && fail "English in the port-in-use message"
screen | head -n1 | grep -q "实时" || fail "live without --lang under LANG=zh_CN.UTF-8 is not Chinese: $(screen | head -n1)"
# recording first, so the lost calls' record goes into it
tm send-keys -t ui r
wait_screen "正在录制到 socklab-" 5 || exit 1
tm send-keys -t ui r
wait_screen "已经在录制到 socklab-" 5 || exit 1
screen | grep -q "already recording" && fail "English in the recording's message"
tm send-keys -t ui j # any key clears the message; the session's notices show then
send_records() {
	python3 -c 'import socket,sys
s=socket.socket(socket.AF_UNIX,socket.SOCK_SEQPACKET); s.connect(sys.argv[1])
for m in sys.argv[2:]: s.send(m.encode())
s.close()' "$ev" "$@"
}
send_records "not json"
wait_screen "事件通道：忽略了一条记录：不是有效的 JSON：语法错误（第 3 列）" 5 || exit 1
calls=()
for seq in 1 2 3 200; do
	calls+=("{\"type\":\"call\",\"ts_ns\":$((1000 + seq)),\"phase\":\"enter\",\"proc\":\"server\",\"pid\":812,\"seq\":$seq,\"call\":\"read\",\"fd\":4,\"args\":\"4\"}")
done
send_records "${calls[@]}"
wait_screen "丢失了 133 个调用（服务器 pid 812）（实验程序的记录丢失了）" 5 || exit 1
screen | grep -qE "calls? of|were lost|event channel" && fail "English in the channel's notices"
screen | head -n1 | grep -q "丢失调用 133" || fail "the status line does not count the lost calls: $(screen | head -n1)"
tm send-keys -t ui q
wait_screen "EXITED 0" 5 || exit 1
# the recording keeps the lost note as data, in English
grep -q '"note":"133 calls of server pid 812 lost"' "$TMP"/socklab-*.jsonl ||
	fail "the recording has no English lost note: $(cat "$TMP"/socklab-*.jsonl)"
echo PASS
