#!/usr/bin/env bash
# layers.sh: the structure of the code, checked. Folders are layers, lowest first:
#   taxonomy/base ← taxonomy ← matcher ← sql ← api
# 1. No file includes a header of a layer above its own.
# 2. No cycle between source files: a.c depends on b.c when a.o uses a symbol b.o defines (read
#    with nm from the objects of build/, so make the library first); the files of the library
#    and the server must form no cycle, within a layer as across layers.
# Prints each offence (file and line, or the cycle), or what it checked; exits 1 on an offence.
#   tests/lint/layers.sh [BUILD_DIR] [--graph]   (--graph: print the file dependencies)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=build
graph=0
for a in "$@"; do
  case "$a" in --graph) graph=1 ;; *) build=$a ;; esac
done
rank() {
  case "$1" in
    taxonomy/base/*) echo 0 ;;
    taxonomy/*) echo 1 ;;
    matcher/*) echo 2 ;;
    sql/*) echo 3 ;;
    api/*) echo 4 ;;
    *) echo -1 ;;
  esac
}
bad=0
files=$(git ls-files -co --exclude-standard 'taxonomy/*.[ch]' 'matcher/*.[ch]' 'sql/*.[ch]' 'api/*.[ch]' |
  grep -v '^taxonomy/data/' || true)
includes=0
for f in $files; do
  [ -f "$f" ] || continue
  rf=$(rank "$f")
  while IFS=: read -r line inc; do
    inc=${inc#*\"}; inc=${inc%\"*}
    ri=$(rank "$inc")
    [ "$ri" -ge 0 ] || continue
    includes=$((includes + 1))
    if [ "$ri" -gt "$rf" ]; then
      echo "$f:$line: includes $inc, a layer above" >&2
      bad=1
    fi
  done < <(grep -n '^#include "' "$f" || true)
done

# The file dependencies, from the symbols each object defines and uses.
deps=$(mktemp)
trap 'rm -f "$deps"' EXIT
objs=$(for f in $files; do case "$f" in *.c) echo "$build/${f%.c}.o" ;; esac; done)
for o in $objs; do
  [ -f "$o" ] || { echo "layers.sh: $o is missing: build first (make)" >&2; exit 2; }
done
# shellcheck disable=SC2086
nm -A $objs 2>/dev/null | awk -v b="$build/" '
  { file = $1; sub(/:.*/, "", file); sub("^" b, "", file); sub(/\.o$/, ".c", file) }
  NF == 3 && $2 ~ /^[TDRBC]$/ { def[$3] = file }
  NF == 3 && $2 == "U" { use[file " " $3] = 1 }
  END { for (k in use) { split(k, a, " "); if ((a[2] in def) && def[a[2]] != a[1]) print a[1], def[a[2]] } }' |
  sort -u > "$deps"
[ $graph = 1 ] && cat "$deps"
if ! out=$(tsort "$deps" 2>&1 >/dev/null) || [ -n "$out" ]; then
  echo "a cycle between source files (each uses a symbol of the next):" >&2
  echo "$out" | grep -v 'input contains a loop:$' | sed 's/^tsort: /  /' >&2
  bad=1
fi
if [ $bad = 0 ]; then
  echo "$(echo "$files" | wc -w) files, $includes includes, none upward; $(wc -l < "$deps") dependencies between source files, no cycle"
fi
exit $bad
