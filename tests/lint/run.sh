#!/usr/bin/env bash
# run.sh: make lint. Four checks, each printed as ok or FAIL, then "N passed, N failed":
# - format: every C file as clang-format 14 (Debian 12's) writes it with .clang-format;
# - layers: tests/lint/layers.sh (includes never upward, no cycle between source files);
# - cppcheck: warning, portability and performance checks on the four layers, suppressions
#   listed with their reasons in tests/lint/cppcheck.supp;
# - arena: api/ turns JSON into text only through sm_json_text (api/http.c), which writes it
#   out of the request's arena (taxonomy/base/arena.h): a bare json_dumps there would hand
#   arena memory to code that outlives the request.
set -uo pipefail
cd "$(dirname "$0")/../.."
passed=0 failed=0
check() { # name command...
  local name=$1 out
  shift
  if out=$("$@" 2>&1); then
    echo "  ok      $name${out:+: $(tail -n 1 <<<"$out")}"
    passed=$((passed + 1))
  else
    echo "  FAIL    $name"
    sed 's/^/    /' <<<"$out" | head -n 40
    failed=$((failed + 1))
  fi
}
format() {
  local v
  v=$(clang-format --version | sed -E 's/.*version ([0-9]+).*/\1/')
  [ "$v" = 14 ] || { echo "clang-format $v: the format is pinned to version 14 (Debian 12)"; return 1; }
  # shellcheck disable=SC2046
  clang-format --dry-run --Werror $(git ls-files -co --exclude-standard '*.c' '*.h' | grep -v node_modules)
}
cpp() {
  cppcheck -q --std=c11 -I. -D_GNU_SOURCE --include=tests/lint/cppcheck.h \
    --enable=warning,portability,performance --inline-suppr \
    --suppressions-list=tests/lint/cppcheck.supp --error-exitcode=1 -j2 taxonomy matcher sql api
}
arena() {
  local hits
  hits=$(git grep -n 'json_dumps\|json_dumpb\|json_dumpf' -- 'api/*.c' | grep -v '^api/http.c:' || true)
  [ -z "$hits" ] || { echo "$hits"; echo "use sm_json_text (api/http.h)"; return 1; }
  echo "api/ writes JSON text only through sm_json_text"
}
echo "== lint"
check format format
check layers tests/lint/layers.sh "${1:-build}"
check cppcheck cpp
check arena arena
echo "lint: $passed passed, $failed failed"
[ $failed = 0 ]
