#!/usr/bin/env bash
# make bench: every tests/bench/*_bench.sh in turn. Each prints its own
# table; numbers for the docs come from here (docs/benchmarks.md).
set -u
cd "$(dirname "$0")/../.."
export BUILD=${BUILD:-build/release} SOCKLAB_BIN=$PWD/bin
rc=0
for b in tests/bench/*_bench.sh; do
	echo "== $b"
	bash "$b" || { echo "bench failed: $b"; rc=1; }
	echo
done
exit $rc
