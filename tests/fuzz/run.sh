#!/usr/bin/env bash
# Runs each libFuzzer target for FUZZ_SECONDS (make fuzz; CI: make fuzz
# FUZZ_SECONDS=10). The seed corpus tests/fuzz/corpus/TARGET (real captures
# and recordings, and every input that ever crashed) is read first; what the
# fuzzer finds goes to build/fuzz/corpus/TARGET, crashes to
# build/fuzz/crashes/. Prints one line per target and fails on any crash.
#   usage: tests/fuzz/run.sh BUILD_DIR SECONDS [TARGET...]
set -u
cd "$(dirname "$0")/../.." || exit 1
dir=$1 secs=$2
shift 2
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
	for f in tests/fuzz/fuzz_*.c; do
		f=${f##*/}
		targets+=("${f%.c}")
	done
fi
failed=()
mkdir -p "$dir/crashes"
for t in "${targets[@]}"; do
	name=${t#fuzz_}
	work=$dir/corpus/$name
	seeds=tests/fuzz/corpus/$name
	log=$dir/$t.log
	dict=()
	# the dissector reads the same frames as the decoder: one seed corpus
	[ "$name" = dissect ] && seeds=tests/fuzz/corpus/decode
	case $name in
	event | recording) dict=(-dict=tests/fuzz/json.dict) ;;
	lesson) dict=(-dict=tests/fuzz/lesson.dict) ;;
	esac
	mkdir -p "$work" "$seeds"
	"$dir/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$dir/crashes/$name-" "${dict[@]}" "$work" "$seeds" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	verdict="no crash"
	[ $rc = 0 ] || verdict="CRASH (exit $rc), see $log"
	printf '%-16s %3ss %10s execs  %5s corpus files  %s\n' "$t" "$secs" "${execs:-?}" \
		"$(find "$work" -type f | wc -l)" "$verdict"
	[ $rc = 0 ] || failed+=("$t")
done
if [ ${#failed[@]} -gt 0 ]; then
	echo "fuzz: crashes in ${failed[*]}; reproduce with $dir/TARGET CRASH_FILE"
	exit 1
fi
