#!/usr/bin/env bash
# Two capture points: what pairing costs per segment and per copy waiting
# (tests/tools/wirepair_bench.c), at three rates on a 50 ms wire with 1 in
# 100 segments lost; a loss holds every later segment back for the 1 s
# horizon (segments come out in send order), which sets how many wait.
. "$(dirname "$0")/../lib/helpers.sh"
[ -x "$TOOLS/wirepair_bench" ] || skip "build the test tools first (make)"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
for gap in 1000 100 10; do
	echo "-- one segment every $gap us"
	"$TOOLS/wirepair_bench" 300000 100 "$gap" 50 || exit 1
done
