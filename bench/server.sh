# bench/server.sh: sourced by bench/api_run.sh, api_ab.sh, stress.sh and soak.sh. Needs
# $listen and $db (open_bench_db sets $db).
#
#   open_bench_db WHO         starts the cluster `make bench-api` left in bench/out/api, sets $out,
#                             $db and $key (an inclusion organisation's key named WHO, with a rate
#                             no run reaches); exits when there is none

#   start_server BINARY LOG   starts BINARY serve on $listen (server's stderr appended to LOG),
#                             sets $server to its pid and prints the seconds until /ready
#   stop_server               stops it
open_bench_db() {
  out=bench/out/api
  [ -d "$out/pg" ] && [ -f "$out/match_bodies.txt" ] ||
    { echo "$1: no benchmark database in $out: run make bench-api first" >&2; exit 1; }
  export SM_PG_PORT=5496
  sql/pg-private.sh start "$out/pg" >/dev/null
  eval "$(sql/pg-private.sh env "$out/pg")"
  export PGHOST PGPORT PGUSER
  db="host=$PGHOST port=$PGPORT user=$PGUSER dbname=skillmatch_bench"
  key=$(build/skillmatch keys create --org "$1" --role inclusion_org --rate-limit 10000000 \
        --db "$db" | tail -n 1)
}
start_server() {
  local t0 t1
  t0=$(date +%s.%N)
  GLIBC_TUNABLES=glibc.malloc.hugetlb=1 "$1" serve --listen "$listen" --db "$db" \
    --per-ip-connections 256 2>> "$2" &
  server=$!
  until curl -fs "http://$listen/ready" >/dev/null 2>&1; do
    kill -0 "$server" 2>/dev/null || { echo "bench: $1 stopped" >&2; tail "$2" >&2; exit 1; }
    sleep 0.05
  done
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}
stop_server() { kill "$server"; wait "$server" 2>/dev/null || true; server=; }
