#!/usr/bin/env bash
# The details of a row (d) as the stack built it, as a student sees them:
# the layers of the captured frame with their fields, the bytes in hex, Tab
# and the arrow keys moving between layers; in English and Chinese, at 80x24
# and 100x30. From a pcap (a veth capture with ARP rows before the SYN),
# from a live recording's .jsonl with its .pcapng, and from a .jsonl
# without one (the pane says so).
. "$(dirname "$0")/../lib/helpers.sh"
cd "$ROOT" || exit 1
. "$ROOT/tests/lib/tmux_helpers.sh"
command -v tmux >/dev/null || skip "tmux is not installed"
at_exit tmux_cleanup
PCAP=tests/golden/arp-veth.pcap

# details SIZE LANG: the ARP request's row and the SYN's (found with /),
# their layers.
details() {
	local size=$1 lang=$2
	ui_start "$size" replay "$PCAP" --lang "$lang"
	if [ "$lang" = en ]; then
		wait_screen "ARP who-has 10.77.0.2" 10 || exit 1
		tm send-keys -t ui g
		wait_screen "ARP request: this host has an IPv4 packet" 3 || exit 1
		tm send-keys -t ui d
		wait_screen "▾ Ethernet II  ce:18:06:92:c3:2e → ff:ff:ff:ff:ff:ff" 3 || exit 1
		screen | grep -q "Destination: ff:ff:ff:ff:ff:ff" || fail "$size: the Ethernet layer is not open"
		screen | grep -q "0000  ff ff ff ff ff ff ce 18  06 92 c3 2e 08 06 00 01" || fail "$size: no hex"
		tm send-keys -t ui Tab
		wait_screen "▾ Address Resolution Protocol  who-has 10.77.0.2 tell 10.77.0.1" 3 || exit 1
		screen | grep -q "Sender IP address: 10.77.0.1" || fail "$size: no ARP fields"
		tm send-keys -t ui x / "SYN seq=0" Enter
		tm send-keys -t ui d
		wait_screen "frame: 74 bytes captured, 74 on the wire, link type Ethernet" 3 || exit 1
		# the ARP layer was the second; the SYN's second is IPv4
		wait_screen "▾ Internet Protocol Version 4  10.77.0.1 → 10.77.0.2" 3 || exit 1
		screen | grep -q "Time to Live: 64" || fail "$size: no IPv4 fields"
		tm send-keys -t ui Right
		wait_screen "▾ Transmission Control Protocol  33920 → 8080 [SYN] len 0" 3 || exit 1
		screen | grep -q "Source Port: 33920" || fail "$size: no TCP fields"
		screen | grep -q "Flags: 0x002 (SYN)" || fail "$size: no TCP flags"
		# scroll down to the hex lines
		keys_until "0040  " j || exit 1
		tm send-keys -t ui Left
		wait_screen "▾ Internet Protocol Version 4" 3 || exit 1
	else
		wait_screen "ARP who-has 10.77.0.2" 10 || exit 1
		tm send-keys -t ui g
		wait_screen "ARP 请求" 3 || exit 1
		tm send-keys -t ui d
		wait_screen "▾ 以太网 II" 3 || exit 1
		screen | grep -q "目的地址：ff:ff:ff:ff:ff:ff" || fail "$size zh: the Ethernet layer is not open"
		tm send-keys -t ui Tab
		wait_screen "▾ 地址解析协议（ARP）" 3 || exit 1
		screen | grep -q "发送方 IP 地址：10.77.0.1" || fail "$size zh: no ARP fields"
		tm send-keys -t ui x / "SYN seq=0" Enter
		tm send-keys -t ui d Tab
		wait_screen "▾ 传输控制协议（TCP）" 3 || exit 1
		screen | grep -q "源端口：33920" || fail "$size zh: no TCP fields"
		screen | grep -q "窗口：64240" || fail "$size zh: no window"
		screen | grep -q "详情  Tab/←→ 切换层" || fail "$size zh: the keys are not said"
	fi
	screen | grep -q "??" && fail "$size $lang: characters drawn as ??"
	tm kill-session -t ui
}

details 100x30 en
details 80x24 en
details 100x30 zh
details 80x24 zh

# a recording without its .pcapng: the pane says where the bytes would be
cp tests/golden/echo.jsonl "$TMP/nopcap.jsonl"
ui_start 100x30 replay "$TMP/nopcap.jsonl" --lang en
wait_screen "packets 10" 10 || exit 1
tm send-keys -t ui g / "SYN seq=0" Enter
tm send-keys -t ui d
wait_screen "no captured bytes for this row: a recording keeps them in FILE.pcapng" 3 || exit 1
screen | grep -q "flags SYN" || fail "the record's own fields are not shown"
tm kill-session -t ui

# a live recording (root: capture on lo): its .pcapng gives the details
if [ "$(id -u)" = 0 ]; then
	record_echo "$TMP/rec"
	ui_start 100x30 replay "$TMP/rec.jsonl" --lang en
	wait_screen "packets " 10 || exit 1
	tm send-keys -t ui g / "len=5" Enter
	tm send-keys -t ui d
	wait_screen "link type Ethernet" 3 || exit 1
	tm send-keys -t ui Tab Tab Tab
	wait_screen "▾ Data  5 bytes" 3 || exit 1
	screen | grep -q "Data: 5 bytes: hello" || fail "the payload layer does not show the bytes"
	tm kill-session -t ui
else
	echo "note: not root: the live recording's details are not checked"
fi
echo "PASS: layers, fields and hex in en and zh at 80x24 and 100x30; a recording with and without its .pcapng"
