#!/usr/bin/env bash
# bench/api_run.sh: the JSON API measured end to end (issue 4), server and load on one
# machine. Called by bench/run.sh, or alone: `make bench-api`. Writes bench/out/api.md.
#
#   1. a private PostgreSQL (fsync on), the ESCO import, API_OFFERS synthetic job offers and
#      API_PROFILES profiles (default 1M each, bench/api_load.c) stored with COPY;
#   2. start-up from PostgreSQL: `skillmatch serve` until /ready answers, 3 runs;
#      peer: PostgreSQL streaming the same rows (COPY ... TO STDOUT into /dev/null);
#   3. POST /v1/match, inline profiles, 16 connections, 30 s (wrk, the benchmark key's
#      rate limit raised);
#   4. POST /v1/offers, 32 connections, 30 s, while 3. runs again with 16 connections;
#      peer: pgbench inserting the same rows one transaction each, 32 clients, 30 s.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${SKILLMATCH_DATA:-../shared/data}
ESCO=$DATA/esco-1.1.1
OFFERS=${API_OFFERS:-1000000}
PROFILES=${API_PROFILES:-1000000}
DURATION=${API_DURATION:-30}
out=bench/out/api
mkdir -p "$out"
out=$(cd "$out" && pwd)
[ -d "$ESCO" ] || { echo "api bench: no ESCO data at $ESCO (set SKILLMATCH_DATA)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "api bench: wrk is missing (make deps)" >&2; exit 1; }
export SM_PG_PORT=5496
pgdir=$out/pg
sql/pg-private.sh start "$pgdir"
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  sql/pg-private.sh stop "$pgdir"
}
trap cleanup EXIT
eval "$(sql/pg-private.sh env "$pgdir")"
export PGHOST PGPORT PGUSER
psql -d postgres -qc "DROP DATABASE IF EXISTS skillmatch_bench" -c "CREATE DATABASE skillmatch_bench"
db="host=$PGHOST port=$PGPORT user=$PGUSER dbname=skillmatch_bench"
export PGDATABASE=skillmatch_bench
build/skillmatch migrate --db "$db" >/dev/null
build/skillmatch import esco "$ESCO" --db "$db" >/dev/null
build/skillmatch import builtin --db "$db" >/dev/null
key=$(build/skillmatch keys create --org bench --role inclusion_org --rate-limit 10000000 --db "$db" | tail -n 1)
echo "== api: storing $OFFERS offers and $PROFILES profiles" >&2
build/bench/api_load "$ESCO" "$OFFERS" "$PROFILES" "$db" "$out"
port=18080
listen=127.0.0.1:$port
. bench/server.sh
: > "$out/server.log"
: > "$out/startup.txt"
echo "== api: start-up (3 runs)" >&2
for run in 1 2 3; do
  start_server build/skillmatch "$out/server.log" >> "$out/startup.txt"
  rss=$(awk '/VmRSS/ {print $2}' /proc/$server/status)
  [ "$run" = 3 ] || stop_server
done
: > "$out/pg_stream.txt"
for run in 1 2 3; do
  t0=$(date +%s.%N)
  psql -qc "\\copy (SELECT id, kind, doc->>'title', skills, teaches, lat, lon, remote, hours, valid_from, valid_through, occupation, flags, org_kind, contract_type, duration_hours, cost, seats FROM offers) TO '/dev/null'" \
       -c "\\copy (SELECT id, skills, lat, lon, radius_km, constraints, consent FROM profiles) TO '/dev/null'"
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l >> "$out/pg_stream.txt"
done
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# A sanity check: the queries find offers (a benchmark of empty answers would be meaningless).
found=0
for i in $(seq 1 20); do
  n=$(sed -n "${i}p" "$out/match_bodies.txt" | curl -s -H 'Content-Type: application/json' \
      --data-binary @- "http://$listen/v1/match" | grep -o '"offer_id"' | wc -l)
  found=$((found + n))
done
echo "== api: POST /v1/match, 16 connections, ${DURATION}s" >&2
BODIES=$out/match_bodies.txt KEY=$key wrk -t2 -c16 -d"${DURATION}s" --latency -s bench/wrk_post.lua \
  "http://$listen/v1/match" > "$out/wrk_match.txt"
BODIES=$out/match_bodies.txt KEY=$key wrk -t2 -c2 -d"${DURATION}s" --latency -s bench/wrk_post.lua \
  "http://$listen/v1/match" > "$out/wrk_match2.txt"
before=$(psql -Atc "SELECT count(*) FROM offers")
echo "== api: POST /v1/offers alone (32 connections), ${DURATION}s" >&2
BODIES=$out/offer_bodies.txt KEY=$key wrk -t1 -c32 -d"${DURATION}s" --latency -s bench/wrk_post.lua \
  "http://$listen/v1/offers" > "$out/wrk_offers_alone.txt"
for mc in 2 16; do
  echo "== api: POST /v1/offers (32 connections) while matching ($mc), ${DURATION}s" >&2
  BODIES=$out/match_bodies.txt KEY=$key wrk -t1 -c$mc -d"${DURATION}s" --latency -s bench/wrk_post.lua \
    "http://$listen/v1/match" > "$out/wrk_match_during$mc.txt" &
  mpid=$!
  BODIES=$out/offer_bodies.txt KEY=$key wrk -t1 -c32 -d"${DURATION}s" --latency -s bench/wrk_post.lua \
    "http://$listen/v1/offers" > "$out/wrk_offers$mc.txt"
  wait $mpid
done
after=$(psql -Atc "SELECT count(*) FROM offers")
stop_server
echo "== api: peer: pgbench, one INSERT per transaction, 32 clients, ${DURATION}s" >&2
# The peer does the server's work: the offer row, and its change row numbered by the trigger of
# migration 006 (LIKE copies the table's constraints, not its triggers).
psql -qc "DROP TABLE IF EXISTS peer_offers, peer_changes" \
     -c "CREATE TABLE peer_offers (LIKE offers INCLUDING ALL)" \
     -c "CREATE TABLE peer_changes (LIKE changes INCLUDING ALL)" \
     -c "CREATE TRIGGER number_offer_change BEFORE INSERT ON peer_changes FOR EACH ROW EXECUTE FUNCTION number_offer_change()"
cat > "$out/pgbench_insert.sql" <<'SQL'
INSERT INTO peer_offers (id, kind, owner, doc, skills, teaches, lat, lon, remote, hours, valid_from, valid_through, occupation, flags, org_kind, contract_type, duration_hours, cost, seats) VALUES (gen_random_uuid(), 0, 'pgbench', '{"kind":"job","title":"Agent d''entretien","skills":[{"uri":"http://data.europa.eu/esco/skill/00000000"}]}', '{101,202,303,404,505,606,707,808,909,1010,1111,1212}', '{}', 48.85, 2.35, false, 26, 0, 20500, NULL, 2, 7, 3, 0, 0, 0);
INSERT INTO peer_changes (seq, object, id, op, kind) VALUES (DEFAULT, 'offer', gen_random_uuid(), 'upsert', 0);
SQL
/usr/lib/postgresql/*/bin/pgbench -n -c 32 -j 2 -T "$DURATION" -f "$out/pgbench_insert.sql" > "$out/pgbench.txt" 2>&1 || true
# The figures.
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" "$2" | head -n 1; }
start_med=$(median < "$out/startup.txt")
start_max=$(sort -g "$out/startup.txt" | tail -n 1)
pg_med=$(median < "$out/pg_stream.txt")
pg_tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$out/pgbench.txt" | head -n 1)
{
  echo "## The JSON API (issue 4): \`make bench-api\` or \`bench/api_run.sh\`"
  echo
  echo "$OFFERS job offers and $PROFILES profiles (bench/api_load.c, the match_speed generator) in a"
  echo "private PostgreSQL 15 with fsync and synchronous_commit on; server and wrk on the same machine."
  echo
  echo "| start-up | median s | max s | RSS MiB |"
  echo "|---|---:|---:|---:|"
  printf "| \`serve\` until /ready answers, 3 runs | %.1f | %.1f | %.0f |\n" "$start_med" "$start_max" "$(echo "$rss / 1024" | bc -l)"
  printf "| peer: PostgreSQL streaming the same rows to /dev/null (COPY TO), 3 runs | %.1f | | |\n" "$pg_med"
  printf "| ratio skillmatch / PostgreSQL | %.1fx | | |\n" "$(echo "$start_med / $pg_med" | bc -l)"
  echo
  echo "Queries find offers: $found results in all for 20 sampled queries (limit 20 each)."
  echo
  echo "| load (wrk, ${DURATION} s each) | requests/s | p50 ms | p99 ms | errors + non-2xx |"
  echo "|---|---:|---:|---:|---:|"
  for f in wrk_match wrk_match2 wrk_offers_alone wrk_offers2 wrk_match_during2 wrk_offers16 wrk_match_during16; do
    case $f in
      wrk_match) what="POST /v1/match, 16 connections" ;;
      wrk_match2) what="POST /v1/match, 2 connections" ;;
      wrk_offers_alone) what="POST /v1/offers alone, 32 connections (committed writes)" ;;
      wrk_offers2) what="POST /v1/offers, 32 connections, while matching on 2" ;;
      wrk_match_during2) what="… the matching meanwhile (2 connections)" ;;
      wrk_offers16) what="POST /v1/offers, 32 connections, while matching on 16" ;;
      wrk_match_during16) what="… the matching meanwhile (16 connections)" ;;
    esac
    printf "| %s | %s | %s | %s | %s |\n" "$what" "$(field rps "$out/$f.txt")" \
      "$(field p50_ms "$out/$f.txt")" "$(field p99_ms "$out/$f.txt")" \
      "$(( $(field errors "$out/$f.txt") + $(field non2xx "$out/$f.txt") ))"
  done
  printf "| offers rows added in PostgreSQL during the write runs | %s | | | |\n" "$((after - before))"
  printf "| peer: pgbench, the same INSERT + change row, one transaction each, 32 clients | %s | | | |\n" "$pg_tps"
  printf "| ratio: committed writes/s alone / pgbench tps | %.2fx | | | |\n" "$(echo "$(field rps "$out/wrk_offers_alone.txt") / $pg_tps" | bc -l)"
  echo
} > "$out/../api.md"
cat "$out/../api.md"
