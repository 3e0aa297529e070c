# bench/server.sh: sourced by bench/api_run.sh and bench/api_ab.sh. Needs $listen and $db.
#
#   start_server BINARY LOG   starts BINARY serve on $listen (server's stderr appended to LOG),
#                             sets $server to its pid and prints the seconds until /ready
#   stop_server               stops it
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
