#!/bin/sh
# run.sh FUZZER SEEDS WORK SECONDS — run one libFuzzer target for a bounded
# time (ctest label fuzz).  New inputs go to WORK/corpus (never into the
# source tree); a crash is kept as WORK/crash-* and the test fails, printing
# how to turn it into a regression test.
set -eu
fuzzer=$1 seeds=$2 work=$3 seconds=$4
name=$(basename "$fuzzer")
mkdir -p "$work/corpus"
set +e
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
	-print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" "$seeds" \
	>"$work/log" 2>&1
status=$?
set -e
grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)|^Done|^INFO: .*corpus' \
	"$work/log" | tail -6 || true
echo "corpus: $(ls "$work/corpus" | wc -l) inputs in $work/corpus"
if [ "$status" -ne 0 ]; then
	tail -60 "$work/log"
	for f in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
		[ -e "$f" ] && echo "keep it: cp '$f' tests/fuzz/regressions/${name#fuzz_}/"
	done
	exit 1
fi
