#!/usr/bin/env bash
# make bench: every tests/bench/*_bench.sh in turn. Each prints its own
# table; numbers for the docs come from here (docs/benchmarks.md). A bench
# sources tests/lib/helpers.sh like the tests, so it exits 77 (after a
# "SKIP: why" line) when it cannot run here.
set -u
cd "$(dirname "$0")/../.." || exit 1
export BUILD=${BUILD:-build/release} SOCKLAB_ROOT=$PWD SOCKLAB_BIN=$PWD/bin
rc=0
for b in tests/bench/*_bench.sh; do
	echo "== $b"
	bash "$b"
	case $? in
	0) ;;
	77) echo "bench skipped: $b" ;;
	*) echo "bench failed: $b"; rc=1 ;;
	esac
	echo
done
exit $rc
