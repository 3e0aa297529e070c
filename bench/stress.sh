#!/usr/bin/env bash
# bench/stress.sh (make stress): the server on the benchmark database (`make bench-api` makes it
# in bench/out/api: 1M job offers, 1M profiles) under attack, while wrk plays the other clients
# (POST /v1/match with a key, 16 connections, as bench/api_ab.sh). Each phase lasts SECONDS
# (default 20): the others' requests/s, p50 and p99, the server's memory (VmRSS at the end,
# VmHWM its peak so far), and what the attacker met. Phases: none; slow headers (8 addresses x
# 64 connections, bench/attack.py); uploads held half-way; random keys; PostgreSQL stopped
# (SIGSTOP) for the phase, then how long until /ready again. Writes bench/out/stress.md.
#   bench/stress.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-20}
listen=127.0.0.1:18081
server=
. bench/server.sh
open_bench_db stress
report=bench/out/stress.md
trap '[ -n "$server" ] && kill -CONT "$pgpid" 2>/dev/null; [ -n "$server" ] && kill "$server" 2>/dev/null; sql/pg-private.sh stop "$out/pg" >/dev/null' EXIT
pgpid=$(head -n 1 "$out/pg/data/postmaster.pid")
start_server build/skillmatch "$out/stress_server.log" >/dev/null
mem() { awk '/^VmRSS|^VmHWM/ {printf "%s %d MB ", $1, $2 / 1024}' "/proc/$server/status"; }
others() {
  BODIES=$out/match_bodies.txt KEY=$key wrk -t2 -c16 -d"${secs}s" --latency -s bench/wrk_post.lua \
    "http://$listen/v1/match" | grep '^WRK' | sed 's/^WRK //; s/requests=[0-9]* duration_s=[0-9.]* //'
}
{
  echo "# make stress, $(date -u +%FT%TZ), $(nproc) cores, ${secs} s a phase"
  echo
  echo "| phase | the others (wrk, 16 connections) | server memory | the attacker met |"
  echo "|---|---|---|---|"
  echo "| none | $(others) | $(mem) | |"
  for attack in slowloris uploads keys; do
    python3 bench/attack.py "$attack" 127.0.0.1 18081 "$secs" > "$out/attack.txt" &
    a=$!
    sleep 1
    line=$(others)
    wait "$a"
    echo "| $attack | $line | $(mem) | $(cat "$out/attack.txt") |"
  done
  kill -STOP "$pgpid"
  pkill -STOP -P "$pgpid"
  line=$(others)
  ready=$(curl -s -o /dev/null -w '%{http_code}' "http://$listen/ready")
  kill -CONT "$pgpid"
  pkill -CONT -P "$pgpid"
  t0=$(date +%s.%N)
  until curl -fs "http://$listen/ready" >/dev/null 2>&1; do sleep 0.1; done
  back=$(echo "$(date +%s.%N) - $t0" | bc -l)
  printf '| PostgreSQL stopped | %s | %s | /ready %s while stopped; ready again %.1f s after |\n' \
    "$line" "$(mem)" "$ready" "$back"
} | tee "$report"
stop_server
