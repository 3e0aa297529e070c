#!/usr/bin/env bash
# bench/soak.sh (make soak): the server under a mixed load for minutes, first the sanitizer
# build (ASan and UBSan, build-san/), then the plain one, one after the other on the same data.
# wrk plays one organisation with a key of a rate no run reaches, 32 connections, with
# bench/wrk_mix.lua (inline matches, offers created, patched, read and deleted, profiles
# created and erased, skill searches, extractions, demand, the change feed).
#
# The data: a private PostgreSQL in bench/out/soak/pg (port 5497), the ESCO export of
# $SKILLMATCH_DATA, SOAK_OFFERS job offers and SOAK_PROFILES profiles (default 20,000 each,
# bench/api_load.c). Each run samples the server's resident memory every 5 s and reports:
# the answers by status (500s fail the run; 503, back-pressure, are counted), the sanitizer
# reports in the server's log (any fails the run), how the server stopped, and the memory
# after warm-up (the samples after the first 30%). Memory is a saw-tooth (the index grows
# with every change until the writer rebuilds it, SECURITY.md; a sample may fall on a
# rebuild, which holds two generations for a second), so the least-squares slope and the
# tops of the two halves after warm-up are shown, and the bound is on the peak: after
# warm-up, the plain build's may not pass SOAK_BOUND (default 2) times its memory at the end
# of warm-up. The sanitizer build's allocator keeps what it frees (quarantine, size-class
# regions): its curve is reported, not bounded. Writes bench/out/soak.md and the curves (bench/out/soak/rss_*.tsv).
#   bench/soak.sh [MINUTES]     (default 5 a build)
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-5}
dur=${SOAK_SECONDS:-$((minutes * 60))}
DATA=${SKILLMATCH_DATA:-../shared/data}
ESCO=$DATA/esco-1.1.1
bound=${SOAK_BOUND:-2}
builds=${SOAK_BUILDS:-address,undefined plain}
# The index is rebuilt every SOAK_REPACK_MIN emptied slots (the server's default is 65,536):
# about once a minute here, so that each half of the run holds several rebuilds.
repack=${SOAK_REPACK_MIN:-20000}
[ -d "$ESCO" ] || { echo "soak: no ESCO data at $ESCO (set SKILLMATCH_DATA)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "soak: wrk is missing (make deps)" >&2; exit 1; }
out=bench/out/soak
mkdir -p "$out"
out=$(cd "$out" && pwd)
export SM_PG_PORT=5497
sql/pg-private.sh start "$out/pg" >/dev/null
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  sql/pg-private.sh stop "$out/pg" >/dev/null
}
trap cleanup EXIT
eval "$(sql/pg-private.sh env "$out/pg")"
export PGHOST PGPORT PGUSER
psql -d postgres -qc "DROP DATABASE IF EXISTS skillmatch_soak" -c "CREATE DATABASE skillmatch_soak"
db="host=$PGHOST port=$PGPORT user=$PGUSER dbname=skillmatch_soak"
build/skillmatch migrate --db "$db" >/dev/null
build/skillmatch import esco "$ESCO" --db "$db" >/dev/null
build/skillmatch import builtin --db "$db" >/dev/null
key=$(build/skillmatch keys create --org soak --role inclusion_org --rate-limit 10000000 \
      --db "$db" | tail -n 1)
build/bench/api_load "$ESCO" "${SOAK_OFFERS:-20000}" "${SOAK_PROFILES:-20000}" "$db" "$out" >&2
listen=127.0.0.1:18082
. bench/server.sh

# run LABEL BINARY: one soak of BINARY; prints its row of the report, writes rss_LABEL.tsv.
status=0
run() {
  local label=$1 bin=$2
  local log=$out/server_$label.log
  : > "$log"
  SKILLMATCH_REPACK_MIN=$repack ASAN_OPTIONS=detect_leaks=1:quarantine_size_mb=64:malloc_context_size=10 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 start_server "$bin" "$log" >/dev/null
  MATCH_BODIES=$out/match_bodies.txt OFFER_BODIES=$out/offer_bodies.txt KEY=$key \
    wrk -t2 -c32 -d"${dur}s" --timeout 10s -s bench/wrk_mix.lua "http://$listen" \
    > "$out/wrk_$label.txt" &
  local load=$! t0
  t0=$(date +%s.%N)
  printf 's\tMB\n' > "$out/rss_$label.tsv"
  # (kill -0 would go on finding wrk once it has ended: a child not yet waited for)
  while [ "$(echo "$(date +%s.%N) - $t0 < $dur + 1" | bc -l)" = 1 ]; do
    awk -v t="$(echo "$(date +%s.%N) - $t0" | bc -l)" \
      '/^VmRSS/ {printf "%.0f\t%.1f\n", t, $2 / 1024}' "/proc/$server/status" \
      >> "$out/rss_$label.tsv" 2>/dev/null || true
    sleep 5
  done
  wait "$load"
  kill "$server"
  local rc=0
  wait "$server" || rc=$?
  server=
  local reports slope mix s500
  reports=$(grep -cE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$log" || true)
  slope=$(awk 'NR > 1 {t[n] = $1; m[n] = $2; n++}
    END {s = int(n * 0.3); k = n - s; if (k < 3) {print "n/a"; exit}
         for (i = s; i < n; i++) {st += t[i]; sm += m[i]}
         mt = st / k; mm = sm / k
         for (i = s; i < n; i++) {num += (t[i] - mt) * (m[i] - mm); den += (t[i] - mt) ^ 2}
         printf "%.2f", num / den * 60}' "$out/rss_$label.tsv")
  mix=$(grep '^MIX' "$out/wrk_$label.txt" | sed 's/^MIX //')
  s500=$(sed -E 's/.* 500=([0-9]+).*/\1/' <<<"$mix")
  local first last peak tops
  first=$(awk 'NR == 2 {print $2}' "$out/rss_$label.tsv")
  last=$(tail -n 1 "$out/rss_$label.tsv" | cut -f2)
  peak=$(awk 'NR > 1 && $2 > p {p = $2} END {print p}' "$out/rss_$label.tsv")
  # the tops of the two halves after warm-up, and how much the second passes the first
  tops=$(awk 'NR > 1 {m[n++] = $2}
    END {s = int(n * 0.3); h = s + int((n - s) / 2); if (n - s < 4) {print "n/a"; exit}
         for (i = s; i < h; i++) if (m[i] > a) a = m[i]
         for (i = h; i < n; i++) if (m[i] > b) b = m[i]
         printf "%.1f %.1f %+.1f", a, b, b - a}' "$out/rss_$label.tsv")
  printf '| %s | %s | %s | %s → %s MB (peak %s) | %s MB/min | %s | exit %s |\n' "$label" "$mix" \
    "$reports" "$first" "$last" "$peak" "$slope" \
    "$(awk '{printf "%s → %s MB (%s)", $1, $2, $3}' <<<"$tops")" "$rc"
  [ "$reports" = 0 ] && [ "$s500" = 0 ] && [ "$rc" = 0 ] || status=1
  [ "$label" != plain ] || awk -v b="$bound" 'NR > 1 {m[n++] = $2}
    END {s = int(n * 0.3); if (n - s < 4) exit 1
         for (i = s; i < n; i++) if (m[i] > p) p = m[i]
         exit !(p <= b * m[s])}' "$out/rss_$label.tsv" || status=1
}
{
  echo "# make soak, $(date -u +%FT%TZ), $(nproc) cores, ${dur} s a build"
  echo
  echo "${SOAK_OFFERS:-20000} offers and ${SOAK_PROFILES:-20000} profiles over the ESCO export;"
  echo "wrk, 32 connections, bench/wrk_mix.lua; the index rebuilt every ${repack} emptied slots"
  echo "(SKILLMATCH_REPACK_MIN); after warm-up, the plain build's peak may not pass ${bound} times"
  echo "its memory at the end of warm-up."
  echo
  echo "| build | answers (wrk_mix.lua) | sanitizer reports | resident memory | slope after warm-up | tops after warm-up, 1st → 2nd half | stop |"
  echo "|---|---|---|---|---|---|---|"
  for label in $builds; do
    case $label in plain) run plain build/skillmatch ;; *) run "$label" build-san/skillmatch ;; esac
  done
  echo
  for label in $builds; do
    echo "Answers by status, $label: $(grep '^STATUS' "$out/wrk_$label.txt" | awk '{printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $3}')"
    echo
    echo "Resident memory (MB) each minute, $label: $(awk 'NR > 1 && ($1 % 60 < 5) {printf "%s%s", n++ ? ", " : "", $2}' "$out/rss_$label.tsv")"
    echo
  done
  exit $status
} | tee "$out/../soak.md"
