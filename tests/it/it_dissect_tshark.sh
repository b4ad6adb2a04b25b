#!/usr/bin/env bash
# The details pane's fields against tshark: every field dissect.c names
# that tshark has too (the table in tracer/core/dissect.c gives tshark's
# name for each) must print the same value for every frame of every
# capture in tests/golden/ (each link type, IPv4 and IPv6, ICMP errors,
# ARP on a veth, frames cut by a 68-byte snaplen).
. "$(dirname "$0")/../lib/helpers.sh"
command -v tshark >/dev/null || skip "tshark is not installed"
[ -x "$TOOLS/dissect_dump" ] || fail "$TOOLS/dissect_dump is not built (make)"
mapfile -t names < <("$TOOLS/dissect_dump" x -)
[ "${#names[@]}" -gt 30 ] || fail "dissect_dump knows only ${#names[@]} tshark fields"
args=()
for n in "${names[@]}"; do args+=(-e "$n"); done
cd "$ROOT/tests/golden" || exit 1
failed=0 checked=0
keep='not icmp and not icmpv6 and not (arp and not eth and not sll)'
for pcap in *.pcap *.pcapng; do
	# tshark prints a field it found in the quote of an ICMP error too;
	# dissect.c shows the quote as bytes, so those frames are left out, and
	# ARP is named field by field on Ethernet and Linux cooked links only
	# (on the others, IPoIB here, the frame is one block)
	tshark -r "$pcap" -T fields -E occurrence=a -E separator=/t "${args[@]}" \
		-Y "$keep" >"$TMP/tshark.txt" 2>"$TMP/tshark.err" ||
		fail "$pcap: tshark failed: $(cat "$TMP/tshark.err")"
	tshark -r "$pcap" -T fields -e frame.number -Y "$keep" >"$TMP/frames.txt" 2>/dev/null
	"$TOOLS/dissect_dump" "$pcap" "${names[@]}" >"$TMP/all.txt" || fail "$pcap: dissect_dump failed"
	# the same frames as tshark printed
	awk 'NR==FNR { keep[$1] = 1; next } keep[FNR]' "$TMP/frames.txt" "$TMP/all.txt" >"$TMP/ours.txt"
	if ! diff "$TMP/tshark.txt" "$TMP/ours.txt" >"$TMP/diff.txt"; then
		echo "FAIL: $pcap: fields differ from tshark (<: tshark, >: socklab), columns: ${names[*]}"
		head -20 "$TMP/diff.txt"
		failed=1
	fi
	checked=$((checked + $(wc -l <"$TMP/ours.txt")))
done
[ "$checked" -gt 100 ] || fail "only $checked frames compared"
[ "$failed" = 0 ] || exit 1
echo "PASS: $checked frames, ${#names[@]} fields each, agree with tshark"
