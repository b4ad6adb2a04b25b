#!/usr/bin/env bash
# export --format svg|html, the files themselves (the browser's view of them
# is it_export_browser.sh): the SVG is valid XML with the ladder's rows as
# text; the page is one file with no link outside it, carrying the same rows
# the text export draws; a 3-hour class (10,000 rows, 200 connections) makes
# a page under 3 MB; hostile text comes out escaped; bad input is refused
# with a clear message.
. "$(dirname "$0")/../lib/helpers.sh"
command -v xmllint >/dev/null || fail "xmllint is not installed (libxml2-utils)"
FIX=$ROOT/tests/golden/echo.jsonl
GEN=$ROOT/tests/tools

# page_rows PAGE: the rows and connections the page's JSON data holds,
# "ROWS CONNS STRINGS", parsed as the browser will (JSON.parse of the element's text).
page_rows() {
	python3 - "$1" <<'EOF'
import json, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<script type="application/json" id="socklab-data">\n(.*?)\n</script>', html, re.S)
d = json.loads(m.group(1))
print(len(d["rows"]), len(d["conns"]), len(d["strings"]))
EOF
}

# ---- the SVG of the echo fixture
"$BIN/socklab" export "$FIX" --format svg --conn 1 >"$TMP/echo.svg" 2>"$TMP/svg.err" || fail "export svg failed"
xmllint --noout "$TMP/echo.svg" 2>"$TMP/xmllint.err" || fail "the SVG is not valid XML: $(head -3 "$TMP/xmllint.err")"
python3 - "$TMP/echo.svg" "$FIX" "$BIN/socklab" <<'EOF' || fail "the SVG does not show the ladder's rows"
import subprocess, sys, xml.etree.ElementTree as ET
ns = {"s": "http://www.w3.org/2000/svg"}
root = ET.parse(sys.argv[1]).getroot()
texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
rows = subprocess.run([sys.argv[3], "export", sys.argv[2], "--format", "text", "--conn", "1", "--width", "300"],
                      capture_output=True, text=True, check=True).stdout.splitlines()[2:]
for want in ("SYN seq=0", "SYN|ACK seq=0 ack=1", "CLIENT 127.0.0.1:50000", "SYN_SENT", "connect(3) = 0"):
    assert want in texts, "no text %r in the SVG" % want
# one time label per row of the text export, in its order
times = [t for t in texts if t and t[0].isdigit() and "." in t and " " not in t]
assert times == [r.split()[0] for r in rows], "times differ: %s vs %s" % (times[:5], rows[:2])
assert root.find(".//s:script", ns) is None and not any("href" in a for e in root.iter() for a in e.attrib)
print("svg: %d text elements, %d rows, valid XML" % (len(texts), len(times)))
EOF

# --rows A-B: that many rows, said in the title; a range past the end is refused
"$BIN/socklab" export "$FIX" --format svg --conn 1 --rows 11-13 >"$TMP/range.svg" || fail "--rows 11-13 failed"
n=$(grep -c '<text x="100" y="[0-9]*" fill="#5f5f5f" text-anchor="end">0\.' "$TMP/range.svg")
[[ $n -eq 3 ]] || fail "--rows 11-13 drew $n rows"
grep -q 'rows 11-13 / 36' "$TMP/range.svg" || fail "the title does not say which rows: $(grep -m1 '<text' "$TMP/range.svg")"
grep -q '>SYN seq=0<' "$TMP/range.svg" || fail "row 11 (the SYN) is not in --rows 11-13"
if "$BIN/socklab" export "$FIX" --format svg --rows 999 >/dev/null 2>"$TMP/rows.err"; then
	fail "--rows 999 of a 36-row recording succeeded"
fi
grep -q "rows 999: the view has only" "$TMP/rows.err" || fail "no clear message for --rows 999: $(cat "$TMP/rows.err")"
"$BIN/socklab" export "$FIX" --format svg --rows 5-2 >/dev/null 2>&1 && fail "--rows 5-2 was accepted"
"$BIN/socklab" export "$FIX" --format svg --lang zh >"$TMP/zh.svg" || fail "--lang zh failed"
xmllint --noout "$TMP/zh.svg" || fail "the Chinese SVG is not valid XML"
{ grep -q '客户端' "$TMP/zh.svg" && grep -q '所有连接' "$TMP/zh.svg"; } || fail "--lang zh: the SVG's words are not Chinese"
echo "svg: --rows and --lang zh as asked"

# ---- the page of the echo fixture: one file, nothing outside it, the same rows
"$BIN/socklab" export "$FIX" --format html >"$TMP/echo.html" 2>"$TMP/html.err" || fail "export html failed"
[[ $(grep -c '<script' "$TMP/echo.html") -eq 2 ]] || fail "the page has other than 2 script elements"
if grep -Eqi 'https?://|<link|src=|href=|@import|url\(' "$TMP/echo.html"; then
	fail "the page refers to something outside it: $(grep -Eoi '.{30}(https?://|<link|src=|href=|@import|url\().{30}' "$TMP/echo.html" | head -3)"
fi
grep -q "Content-Security-Policy\" content=\"default-src 'none'; script-src 'nonce-[0-9a-f]\{32\}'" "$TMP/echo.html" ||
	fail "the page has no content security policy with a nonce"
read -r rows conns strings < <(page_rows "$TMP/echo.html")
text_rows=$(($("$BIN/socklab" export "$FIX" --format text | wc -l) - 2))
[[ $rows -eq $text_rows && $conns -eq 1 ]] || fail "the page holds $rows rows and $conns connections; text export $text_rows rows"
# --conn N: the page opens on that connection; --rows is the SVG's only
"$BIN/socklab" export "$FIX" --format html --conn 1 | grep -q '"lang":"en","conn":1,' || fail "--conn 1 is not in the page's data"
if "$BIN/socklab" export "$FIX" --format html --rows 1-5 >/dev/null 2>"$TMP/rows.err"; then
	fail "--rows was accepted for --format html"
fi
grep -q -- "--rows is for --format svg" "$TMP/rows.err" || fail "no clear message for --rows with html: $(cat "$TMP/rows.err")"
echo "html: $rows rows (as the text export), $conns connection, $strings distinct texts, $(wc -c <"$TMP/echo.html") bytes"

# ---- a 3-hour class: 10,000 rows, 200 connections; the page under 3 MB
python3 "$GEN/gen_class.py" "$TMP/class.jsonl" --conns 200 --rows 10000 --hours 3 || fail "gen_class.py failed"
"$BIN/socklab" export "$TMP/class.jsonl" --format html >"$TMP/class.html" || fail "export html of the class failed"
size=$(wc -c <"$TMP/class.html")
read -r rows conns strings < <(page_rows "$TMP/class.html")
text_rows=$(($("$BIN/socklab" export "$TMP/class.jsonl" --format text | wc -l) - 2))
[[ $rows -eq $text_rows && $rows -ge 10000 && $conns -eq 200 ]] ||
	fail "class page: $rows rows (text export $text_rows), $conns connections"
[[ $size -lt 3000000 ]] || fail "the class page is $size bytes, not under 3 MB"
echo "class: $rows rows, $conns connections, $strings distinct texts: $size bytes (under 3 MB)"

# ---- a capture longer than the timeline keeps (100,000 rows): near the cap
# connections without lab calls keep only their summaries; the export says
# how many packets it did not list, on stderr and in the page, and --conn N
# keeps that connection's rows whole.
read -r packets _ < <("$TOOLS/gen_pcap" "$TMP/long.pcap" 13000 1000 80) || fail "gen_pcap failed"
"$BIN/socklab" export "$TMP/long.pcap" --format text >"$TMP/long.txt" 2>"$TMP/long.err" ||
	fail "export of the long capture failed: $(cat "$TMP/long.err")"
read -r dropped skipped < <(sed -n 's/.*long.pcap: \([0-9]*\) old rows dropped, \([0-9]*\) packets of other connections not listed (the timeline keeps 100000 rows): export one connection (--conn N).*/\1 \2/p' "$TMP/long.err")
[[ ${skipped:-0} -gt 0 ]] || fail "no word of the rows left out of $packets packets: $(cat "$TMP/long.err")"
# nothing dropped from the front here (the rows stop growing near the cap):
# every packet is a row (its "seq=") or counted as not listed
listed=$(grep -c 'seq=' "$TMP/long.txt")
[[ $dropped -eq 0 && $((listed + skipped)) -eq $packets ]] ||
	fail "$listed packet rows listed + $skipped not listed != $packets packets ($dropped rows dropped)"
"$BIN/socklab" export "$TMP/long.pcap" --format html --lang zh >"$TMP/long.html" 2>"$TMP/long-zh.err" ||
	fail "export html of the long capture failed"
grep -q "^socklab: $TMP/long.pcap：丢掉了 0 个旧行，其他连接的 $skipped 个报文段未列出（时间线最多保留 100000 行）" "$TMP/long-zh.err" ||
	fail "with --lang zh, the line about rows not kept is not in Chinese: $(cat "$TMP/long-zh.err")"
python3 - "$TMP/long.html" "$skipped" <<'EOF' || fail "the page does not carry the count of packets not listed, or the connections kept"
import json, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
d = json.loads(re.search(r'<script type="application/json" id="socklab-data">\n(.*?)\n</script>', html, re.S).group(1))
assert d["skipped"] == int(sys.argv[2]), d["skipped"]
# the last 4,096 connection summaries, found from the oldest kept
assert len(d["conns"]) == 4096, len(d["conns"])
EOF
# the last connection: its packets come when the timeline is nearly full
read -r conn conn_packets < <("$BIN/socklab-trace" -r "$TMP/long.pcap" --summary |
	sed -n 's/^#\([0-9]*\) .* packets=\([0-9]*\) .*/\1 \2/p' | sort -n | tail -1)
[[ ${conn:-0} -gt 0 && ${conn_packets:-0} -gt 0 ]] || fail "socklab-trace --summary named no connection of the long capture"
"$BIN/socklab" export "$TMP/long.pcap" --format text --conn "$conn" >"$TMP/one.txt" 2>/dev/null || fail "export --conn $conn failed"
[[ $(grep -c 'seq=' "$TMP/one.txt") -eq $conn_packets ]] ||
	fail "export --conn $conn listed $(grep -c 'seq=' "$TMP/one.txt") of its $conn_packets packets"
echo "long capture: $packets packets, $listed listed, $skipped not listed and said; connection #$conn whole ($conn_packets rows)"

# ---- hostile text: escaped in both, never markup
python3 "$GEN/gen_hostile.py" "$TMP/hostile.jsonl" || fail "gen_hostile.py failed"
"$BIN/socklab" export "$TMP/hostile.jsonl" --format svg >"$TMP/hostile.svg" || fail "export svg of the hostile recording failed"
xmllint --noout "$TMP/hostile.svg" 2>"$TMP/xmllint.err" || fail "the hostile SVG is not valid XML: $(head -3 "$TMP/xmllint.err")"
grep -qi '<script\|<svg onload\|<img' <(tail -n +3 "$TMP/hostile.svg") && fail "markup from the recording is in the SVG"
grep -q '&lt;/script&gt;' "$TMP/hostile.svg" || fail "the SVG does not show the recording's </script> as text"
LC_ALL=C grep -q $'[\x01-\x08\x0b\x0c\x0e-\x1f]' "$TMP/hostile.svg" && fail "control characters in the SVG"
"$BIN/socklab" export "$TMP/hostile.jsonl" --format html >"$TMP/hostile.html" || fail "export html of the hostile recording failed"
[[ $(grep -ci '<script' "$TMP/hostile.html") -eq 2 && $(grep -ci '</script' "$TMP/hostile.html") -eq 2 ]] ||
	fail "the recording's text made script tags in the page: $(grep -ci '<script' "$TMP/hostile.html")"
grep -qi '<svg\|<img\|<!--' "$TMP/hostile.html" && fail "markup from the recording is in the page"
python3 -c 'import sys; open(sys.argv[1], encoding="utf-8", errors="strict").read()' "$TMP/hostile.html" ||
	fail "the hostile page is not valid UTF-8"
read -r rows _ _ < <(page_rows "$TMP/hostile.html")
[[ $rows -eq $(($("$BIN/socklab" export "$TMP/hostile.jsonl" --format text | wc -l) - 2)) ]] ||
	fail "the hostile page lost rows"
echo "hostile: escaped in the SVG and the page ($rows rows)"

# bytes that are not UTF-8: the reader names the line and export fails cleanly
python3 "$GEN/gen_hostile.py" "$TMP/bad.jsonl" --invalid-utf8 || fail "gen_hostile.py --invalid-utf8 failed"
for f in svg html; do
	if "$BIN/socklab" export "$TMP/bad.jsonl" --format $f >"$TMP/bad.$f" 2>"$TMP/bad.err"; then
		fail "export $f of a recording with bytes that are not UTF-8 succeeded"
	fi
	grep -q "bad.jsonl:[0-9]*: " "$TMP/bad.err" || fail "no line named for the bad bytes: $(cat "$TMP/bad.err")"
done
echo "not UTF-8: refused, $(head -c 90 "$TMP/bad.err")"
echo "PASS"
