#!/usr/bin/env bash
# export --format html|svg in a real browser: headless Chromium, driven over
# the DevTools protocol by tests/tools/web_check.py (python3's standard
# library; nothing downloaded). The page of the echo fixture and of a real
# `socklab record` of echo-server and echo-client: the keys move through the
# rows the text export draws, the states and the explanation at the SYN in
# English and Chinese, the connection switcher, search, play, help. The SVG
# of a 40-row ladder at 1280x720: text of 14 px or more, no two text boxes
# overlapping. A hostile recording runs no script. The details (d) of a
# two-host wire's recording (tests/golden/wire/: its ARP and its SYN): the
# layers, fields and bytes are Wireshark's for the same frames (tshark -T
# pdml), in English and Chinese. Screenshots are kept in
# build/artifacts/export/.
. "$(dirname "$0")/../lib/helpers.sh"
command -v chromium >/dev/null || skip "chromium is not installed (make deps installs it)"
ART=$ROOT/build/artifacts/export
mkdir -p "$ART"
CHECK=(python3 "$ROOT/tests/tools/web_check.py")

# check NAME ARGS...: one web_check run; 77 (chromium cannot start) skips the test.
check() {
	local name=$1 rc
	shift
	"${CHECK[@]}" "$@" >"$TMP/$name.out" 2>&1
	rc=$?
	cat "$TMP/$name.out"
	[[ $rc -eq 77 ]] && skip "$(grep -m1 SKIP "$TMP/$name.out")"
	[[ $rc -eq 0 ]] || fail "$name: the browser saw something else (above)"
}

# the echo fixture's page
"$BIN/socklab" export "$ROOT/tests/golden/echo.jsonl" --format html >"$TMP/echo.html" || fail "export html failed"
check fixture player "$TMP/echo.html" "$ROOT/tests/golden/echo.jsonl" --socklab "$BIN/socklab" --shots "$ART/fixture"

# a real recording of the echo programs (its state changes carry the
# catalog's keys, so English and Chinese differ); capturing needs root,
# elsewhere the generated class recording stands in
if [ "$(id -u)" = 0 ]; then
	record_echo "$TMP/real"
	rec=$TMP/real.jsonl
else
	echo "not root: no live capture; the generated class recording instead of a real one"
	python3 "$ROOT/tests/tools/gen_class.py" "$TMP/class.jsonl" --conns 3 --rows 120 || fail "gen_class.py failed"
	rec=$TMP/class.jsonl
fi
grep -q '"why":"connect"' "$rec" || fail "the recording's state changes carry no catalog keys"
"$BIN/socklab" export "$rec" --format html --lang en >"$TMP/real.html" || fail "export html of $rec failed"
check real player "$TMP/real.html" "$rec" --socklab "$BIN/socklab" --shots "$ART/real"
# --lang zh opens the page in Chinese
"$BIN/socklab" export "$rec" --format html --lang zh >"$TMP/real-zh.html" || fail "export html --lang zh failed"
{ grep -q '"lang":"zh"' "$TMP/real-zh.html" && grep -q '<html lang="zh">' "$TMP/real-zh.html"; } ||
	fail "--lang zh does not open the page in Chinese"

# a 40-row ladder for a slide: one connection, then every connection
python3 "$ROOT/tests/tools/gen_class.py" "$TMP/class40.jsonl" --conns 4 --rows 200 || fail "gen_class.py failed"
"$BIN/socklab" export "$TMP/class40.jsonl" --format svg --conn 1 --rows 1-40 >"$TMP/ladder40.svg" || fail "export svg failed"
cp "$TMP/ladder40.svg" "$ART/ladder40.svg"
check svg40 svg "$TMP/ladder40.svg" --shot "$ART/ladder40.png" --min-rows 40
"$BIN/socklab" export "$TMP/class40.jsonl" --format svg --rows 41-80 >"$TMP/all40.svg" || fail "export svg failed"
check svg40all svg "$TMP/all40.svg" --shot "$ART/all40.png" --min-rows 40
"$BIN/socklab" export "$rec" --format svg --lang zh >"$TMP/zh.svg" || fail "export svg --lang zh failed"
check svgzh svg "$TMP/zh.svg" --shot "$ART/ladder-zh.png"
# export --conn 3: the page of four connections opens on #3
"$BIN/socklab" export "$TMP/class40.jsonl" --format html --conn 3 >"$TMP/conn3.html" || fail "export html --conn 3 failed"
check conn3 opens "$TMP/conn3.html" 3

# the details (d): the two-point golden read into a recording (its records,
# and both hosts' captures merged into its .pcapng, as socklab record keeps
# them); the layers and bytes of the ARP request and the SYN against tshark
if command -v tshark >/dev/null && command -v mergecap >/dev/null; then
	"$BIN/socklab-trace" -r "$ROOT/tests/golden/wire/echo-client.pcap" -r "$ROOT/tests/golden/wire/echo-server.pcap" \
		--json >"$TMP/wire.jsonl" || fail "socklab-trace of the two-point golden failed"
	mergecap -F pcapng -w "$TMP/wire.pcapng" "$ROOT/tests/golden/wire/echo-client.pcap" \
		"$ROOT/tests/golden/wire/echo-server.pcap" || fail "mergecap failed"
	"$BIN/socklab" export "$TMP/wire.jsonl" --format html >"$TMP/wire.html" || fail "export html of the wire failed"
	check details details "$TMP/wire.html" "$TMP/wire.pcapng" --shots "$ART"
	# without its .pcapng the page says so, in place of the layers
	cp "$TMP/wire.jsonl" "$TMP/nopcap.jsonl"
	"$BIN/socklab" export "$TMP/nopcap.jsonl" --format html >"$TMP/nopcap.html" || fail "export html without a pcapng failed"
	grep -q 'FILE.pcapng next to FILE.jsonl' "$TMP/nopcap.html" || fail "the page without a pcapng does not say why it has no bytes"
else
	echo "no tshark or mergecap: the details are not checked against Wireshark"
fi

# a hostile recording: escaped, no script of its own runs
python3 "$ROOT/tests/tools/gen_hostile.py" "$TMP/hostile.jsonl" || fail "gen_hostile.py failed"
"$BIN/socklab" export "$TMP/hostile.jsonl" --format html >"$TMP/hostile.html" || fail "export html failed"
"$BIN/socklab" export "$TMP/hostile.jsonl" --format svg >"$TMP/hostile.svg" || fail "export svg failed"
check hostile hostile "$TMP/hostile.html" "$TMP/hostile.svg"
echo "screenshots: $(cd "$ART" && find . -name '*.png' | sort | tr '\n' ' ')"
echo "PASS"
