#!/usr/bin/env bash
# Runs every test: the cmocka unit tests (build/<variant>/tests/test_*), then
# the integration tests (tests/it/it_*.sh) that drive the real binaries.
# An integration script exits 0 for pass, 77 for skip (printing why), else fail.
# Closes with "N passed, N failed, N skipped" and exits non-zero on any failure.
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build/release}
export SOCKLAB_ROOT=$PWD SOCKLAB_BIN=$PWD/bin BUILD
pass=0 fail=0 skip=0 failed=()
only=${TESTS:-}

run_one() {
	local name=$1; shift
	if [ -n "$only" ] && [[ "$name" != *$only* ]]; then return; fi
	local log; log=$(mktemp)
	local start=$SECONDS
	"$@" >"$log" 2>&1
	local rc=$?
	local dt=$((SECONDS - start))
	case $rc in
	0) pass=$((pass + 1)); printf 'PASS  %-34s %3ss\n' "$name" "$dt" ;;
	77) skip=$((skip + 1)); printf 'SKIP  %-34s %s\n' "$name" "$(grep -m1 -i skip "$log" || tail -n1 "$log")" ;;
	*) fail=$((fail + 1)); failed+=("$name"); printf 'FAIL  %-34s (exit %d)\n' "$name" "$rc"
	   # the failing checks first (they may be far up a long log), then the log's end
	   grep -E '^FAIL:|\[  (ERROR|FAILED)  \]|ERROR: (Address|Undefined|Leak)Sanitizer|runtime error:' "$log" | head -n 20 | sed 's/^/      ! /'
	   sed 's/^/      | /' "$log" | tail -n 60 ;;
	esac
	rm -f "$log"
}

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	case $t in *.o|*.d) continue ;; esac
	run_one "$(basename "$t")" "$t"
done
for t in tests/it/it_*.sh; do
	[ -e "$t" ] || continue
	run_one "$(basename "$t" .sh)" bash "$t"
done

echo
[ ${#failed[@]} -gt 0 ] && echo "failed: ${failed[*]}"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ $((pass + fail)) -gt 0 ]
