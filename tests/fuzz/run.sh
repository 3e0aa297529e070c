#!/usr/bin/env bash
# run.sh: runs every libFuzzer target of BUILD_DIR/fuzz (make fuzz builds them) for SECONDS
# each, from its committed corpus (tests/fuzz/corpus/NAME, read only: what a run finds new is
# kept in BUILD_DIR/fuzz/NAME.new). A crash, leak or hang fails the run and leaves its input in
# BUILD_DIR/fuzz/findings/: add it to the corpus once fixed, so that every finding is replayed
# by make test for ever. Prints, per target, the executions, their rate and the coverage, then
# "N passed, N failed".
#   tests/fuzz/run.sh [BUILD_DIR [SECONDS]]
set -uo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-build-fuzz}
secs=${2:-60}
passed=0 failed=0
mkdir -p "$dir/fuzz/findings"
for bin in "$dir"/fuzz/fuzz_*; do
  [ -x "$bin" ] || continue
  name=${bin##*/fuzz_}
  work="$dir/fuzz/$name.new"
  mkdir -p "$work"
  out=$("$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$dir/fuzz/findings/$name-" "$work" "tests/fuzz/corpus/$name" 2>&1)
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' <<<"$out")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' <<<"$out")
  cov=$(grep -o 'cov: [0-9]*' <<<"$out" | tail -n 1 | sed 's/cov: //')
  if [ "$rc" -eq 0 ]; then
    echo "  ok      fuzz_$name: ${execs:-?} inputs in ${secs} s (${rate:-?}/s), coverage ${cov:-?} edges"
    passed=$((passed + 1))
  else
    echo "  FAIL    fuzz_$name (exit $rc): input kept in $dir/fuzz/findings/"
    grep -E 'ERROR|SUMMARY|==[0-9]+==' <<<"$out" | head -n 20 | sed 's/^/    /'
    failed=$((failed + 1))
  fi
done
echo "fuzz: $passed passed, $failed failed, 0 skipped"
[ "$failed" -eq 0 ]
