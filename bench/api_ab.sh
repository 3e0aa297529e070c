#!/usr/bin/env bash
# bench/api_ab.sh: two builds of the server side by side on the database `make bench-api` left
# in bench/out/api (1M job offers, 1M profiles), alternating so that both see the same
# machine: the shared machines drift by ±20% within minutes, so only ratios measured in one
# sitting mean anything.
#
#   bench/api_ab.sh OLD_BINARY NEW_BINARY [ROUNDS [SECONDS]]
#
# Each round starts each binary in turn, times start-up until /ready, then runs wrk with
# bench/wrk_post.lua and the 1,000 match bodies (16 connections, 2 threads, SECONDS, default
# 20) and reads the server's CPU time from /proc. One line per run, then the medians.
# AB_MODE=stored: matches on stored profiles instead ({"profile_id":…}, 1,000 drawn at random,
# with a key of the organisation that owns them): a read of PostgreSQL, an audit entry and the
# retention clock's restart per request, as a person using their profile costs.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: bench/api_ab.sh OLD_BINARY NEW_BINARY [ROUNDS [SECONDS]]" >&2; exit 2; }
old=$1 new=$2 rounds=${3:-3} secs=${4:-20}
listen=127.0.0.1:18080
server=
. bench/server.sh
open_bench_db api-ab
bodies=$out/match_bodies.txt
if [ "${AB_MODE:-inline}" = stored ]; then
  key=$(build/skillmatch keys create --org bench --role inclusion_org --rate-limit 10000000 \
        --db "$db" | tail -n 1)
  psql -d skillmatch_bench -tAc "SELECT id FROM profiles ORDER BY random() LIMIT 1000" |
    sed 's/.*/{"profile_id":"&","limit":10}/' > "$out/stored_bodies.txt"
  bodies=$out/stored_bodies.txt
fi
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; sql/pg-private.sh stop "$out/pg" >/dev/null' EXIT
run() { # binary label
  local start c0 c1 line
  : > "$out/ab_server.log"
  start_server "$1" "$out/ab_server.log" > "$out/ab_start.txt" # not in a subshell: sets $server
  start=$(cat "$out/ab_start.txt")
  c0=$(awk '{print $14 + $15}' "/proc/$server/stat")
  line=$(BODIES=$bodies KEY=$key wrk -t2 -c16 -d"${secs}s" --latency \
         -s bench/wrk_post.lua "http://$listen/v1/match" | grep '^WRK')
  c1=$(awk '{print $14 + $15}' "/proc/$server/stat")
  stop_server
  printf '%s start_s=%.1f %s cores=%.2f\n' "$2" "$start" \
    "$(echo "$line" | sed 's/^WRK //; s/requests=[0-9]* duration_s=[0-9.]* //')" \
    "$(echo "($c1 - $c0) / 100 / $secs" | bc -l)"
}
results=$(mktemp)
for i in $(seq "$rounds"); do
  run "$old" old | tee -a "$results"
  run "$new" new | tee -a "$results"
done
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for who in old new; do
  f() { grep "^$who " "$results" | sed -n "s/.* $1=\([0-9.]*\).*/\1/p" | median; }
  echo "median $who: start_s=$(f start_s) rps=$(f rps) p50_ms=$(f p50_ms) p99_ms=$(f p99_ms) cores=$(f cores)"
done
rm -f "$results"
