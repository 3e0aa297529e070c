#!/usr/bin/env bash
# Runs every test suite of the given build directories and prints the total.
# Usage: tests/run.sh BUILD_DIR [SANITIZED_BUILD_DIR [TSAN_BUILD_DIR]]
# The plain build runs all suites; the sanitized build runs the unit suites and
# some end-to-end ones again under ASan/UBSan, and the short soak against its own
# server binary; the ThreadSanitizer build runs the concurrency suite.
set -u
cd "$(dirname "$0")/.."
plain=${1:-build}
san=${2:-}
tsan=${3:-}
passed=0 failed=0 skipped=0
run_suite() { run_suite_args "$1" "$2"; }
run_suite_args() {
  local bin=$1 label=$2 out
  shift 2
  echo "== $label"
  out=$("$bin" "$@" 2>&1)
  local rc=$?
  printf '%s\n' "$out"
  local line
  line=$(printf '%s\n' "$out" | grep -E '^[A-Za-z0-9_./ -]+: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' | tail -n 1)
  if [ -z "$line" ]; then
    echo "  FAIL    $label did not finish (exit $rc)"
    failed=$((failed + 1))
    return
  fi
  local p f s
  p=$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line")
  f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
  s=$(sed -E 's/.* ([0-9]+) skipped$/\1/' <<<"$line")
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    echo "  FAIL    $label exited with status $rc"
    failed=$((failed + 1))
  fi
}
# The end-to-end suites record their exchanges for the contract check below.
export SM_CONTRACT_LOG=$PWD/$plain/contract.jsonl
rm -f "$SM_CONTRACT_LOG"
for t in "$plain"/tests/test_*; do
  [ -x "$t" ] && run_suite "$t" "$(basename "$t")"
done
unset SM_CONTRACT_LOG

# The contract: api/openapi.json lints clean (Redocly, recommended rules), and every exchange
# recorded above agrees with it (Prism's validator: tests/contract/validate-log.js).
contract() {
  local dir=tests/contract p=0 f=0 s=0 out
  echo "== contract (api/openapi.json)"
  if ! command -v node >/dev/null 2>&1 || [ ! -x "$dir/node_modules/.bin/redocly" ]; then
    echo "  skip    openapi_lints_clean, exchanges_agree_with_openapi: Node.js or the tools of"
    echo "          tests/contract are missing (make deps-test installs them)"
    s=2
  else
    if out=$("$dir/node_modules/.bin/redocly" lint api/openapi.json --extends=recommended \
               --format=stylish 2>&1); then
      echo "  ok      openapi_lints_clean"
      p=$((p + 1))
    else
      printf '%s\n' "$out" | tail -n 30
      echo "  FAIL    openapi_lints_clean"
      f=$((f + 1))
    fi
    if [ ! -s "$plain/contract.jsonl" ]; then
      echo "  FAIL    exchanges_agree_with_openapi: no exchange was recorded"
      f=$((f + 1))
    elif out=$(node "$dir/validate-log.js" api/openapi.json "$plain/contract.jsonl" 2>&1); then
      printf '%s\n' "$out" | tail -n 1 | sed 's/^/    /'
      echo "  ok      exchanges_agree_with_openapi"
      p=$((p + 1))
    else
      printf '%s\n' "$out" | grep -v '"expected":true' | head -n 40
      echo "  FAIL    exchanges_agree_with_openapi"
      f=$((f + 1))
    fi
  fi
  echo "contract: $p passed, $f failed, $s skipped"
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
}
contract
if [ -n "$san" ]; then
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  for t in "$san"/tests/test_*; do
    case "$(basename "$t")" in test_cli|test_api|test_truth|test_full_data|test_concurrency|test_soak) continue ;; esac
    [ -x "$t" ] && run_suite "$t" "$(basename "$t") [address,undefined]"
  done
  # The short soak again, the server itself built with the sanitizers (make soak: minutes).
  if [ -x "$san/skillmatch" ] && [ -x "$plain/tests/test_soak" ]; then
    export SM_SERVER_BIN=$san/skillmatch
    run_suite "$plain/tests/test_soak" "test_soak [server address,undefined]"
    unset SM_SERVER_BIN
  fi
  # The committed fuzz corpora, replayed under the sanitizers.
  for t in "$san"/fuzz/replay_*; do
    [ -x "$t" ] || continue
    name=${t##*/replay_}
    run_suite_args "$t" "fuzz_$name corpus [address,undefined]" "fuzz_$name" tests/fuzz/corpus/"$name"/*
  done
fi
# The fuzz targets themselves, briefly (make fuzz runs them longer): new inputs, not only the
# corpora. Built by make test when clang is there.
if ls build-fuzz/fuzz/fuzz_* >/dev/null 2>&1; then
  run_suite_args tests/fuzz/run.sh "fuzz (5 s a target) [address,undefined]" build-fuzz 5
else
  echo "== fuzz"
  echo "  skip    the fuzz targets: clang with libFuzzer is not installed (make deps-test)"
  skipped=$((skipped + 1))
fi
if [ -n "$tsan" ] && [ -x "$tsan/tests/test_concurrency" ]; then
  TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1} \
    run_suite "$tsan/tests/test_concurrency" "test_concurrency [thread]"
fi
echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
