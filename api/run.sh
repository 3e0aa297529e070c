#!/usr/bin/env bash
# run.sh: what `make run` does once the binary is built, and `make stop`.
#
# Without SKILLMATCH_DB it starts a private PostgreSQL (sql/pg-private.sh) in
# the state directory: /var/lib/skillmatch as root (the cluster itself runs
# as the unprivileged user "skillmatch"), else ~/.local/share/skillmatch.
# Then: migrate; import the taxonomy: the ESCO export and the DigComp JSON-LD
# of $SKILLMATCH_DATA (default ../shared/data) when they are there, and the
# built-in set always; the French communes (fr-communes/communes.csv, else the test
# fixture's); ROME 4.0 (rome-4.0/, else the test fixture's); create the demo keys once (kept in STATE/demo-keys,
# mode 600, since only their hashes are stored); serve on $LISTEN (its pid in
# STATE/server.pid); load the demo offers, trainings and profiles once, and
# print the keys. Ctrl-C stops the server; `make stop` (run.sh stop) stops
# the server and the private PostgreSQL, as root or as a normal user.
set -euo pipefail
cd "$(dirname "$0")/.."
listen=${LISTEN:-127.0.0.1:8080}
if [ "$(id -u)" = 0 ]; then
  state=${SKILLMATCH_STATE:-/var/lib/skillmatch}
else
  state=${SKILLMATCH_STATE:-${XDG_DATA_HOME:-$HOME/.local/share}/skillmatch}
fi
if [ "${1:-}" = stop ]; then
  stopped=0
  pid=$(cat "$state/server.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    echo "skillmatch: server stopped"
    stopped=1
  fi
  rm -f "$state/server.pid"
  if [ -z "${SKILLMATCH_DB:-}" ] && [ -f "$state/pg/data/PG_VERSION" ]; then
    SM_PG_PORT=${SM_PG_PORT:-5499} sql/pg-private.sh stop "$state/pg"
    echo "skillmatch: PostgreSQL in $state/pg stopped"
    stopped=1
  fi
  [ $stopped = 1 ] || echo "skillmatch: nothing of make run is running (state: $state)"
  exit 0
fi
mkdir -p "$state"
chmod 755 "$state"
if [ -n "${SKILLMATCH_DB:-}" ]; then
  db=$SKILLMATCH_DB
else
  export SM_PG_PORT=${SM_PG_PORT:-5499}
  sql/pg-private.sh start "$state/pg"
  eval "$(sql/pg-private.sh env "$state/pg")"
  if ! psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = 'skillmatch'" | grep -q 1; then
    psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -qc "CREATE DATABASE skillmatch"
  fi
  db="host=$PGHOST port=$PGPORT user=$PGUSER dbname=skillmatch"
  echo "skillmatch: private PostgreSQL in $state/pg"
fi
build/skillmatch migrate --db "$db"
# The full taxonomy when the shared data is there (each import is idempotent), else the
# built-in set alone.
data=${SKILLMATCH_DATA:-../shared/data}
loaded="the built-in taxonomy (167 digital skills, DigComp's areas and competences)"
if [ -d "$data/esco-1.1.1" ]; then
  build/skillmatch import esco "$data/esco-1.1.1" --db "$db"
  loaded="ESCO 1.1.1 (EN+FR), the built-in taxonomy"
else
  echo "skillmatch: no ESCO export in $data (SKILLMATCH_DATA): the built-in taxonomy only"
fi
dc=$(ls "$data"/digcomp-3.0/*.jsonld 2>/dev/null | head -n 1 || true)
if [ -n "$dc" ]; then
  build/skillmatch import digcomp "$dc" --db "$db"
  loaded="$loaded, DigComp 3.0"
fi
build/skillmatch import builtin --db "$db"
# Every French commune when the data is there, else the few of the test fixture (the demo
# towns resolve either way).
if [ -f "$data/fr-communes/communes.csv" ]; then
  build/skillmatch import places "$data/fr-communes/communes.csv" --db "$db"
  loaded="$loaded; every French commune"
else
  echo "skillmatch: no fr-communes/communes.csv in $data: the 29 places of tests/fixtures only"
  build/skillmatch import places tests/fixtures/communes.csv --db "$db"
  loaded="$loaded; 29 communes of the test fixture (the shared data has all of them)"
fi
# France Travail's job repertoire (ROME 4.0 and its crosswalk to ESCO) when the data is there,
# else the few job titles of the test fixture.
if [ -f "$data/rome-4.0/rome_codes.csv" ]; then
  build/skillmatch import rome "$data/rome-4.0" --db "$db"
  loaded="$loaded; ROME 4.0 (13,120 job titles)"
else
  echo "skillmatch: no rome-4.0 in $data: the 8 job titles of tests/fixtures/rome only"
  build/skillmatch import rome tests/fixtures/rome --db "$db"
  loaded="$loaded; 8 ROME job titles of the test fixture (the shared data has all of them)"
fi
keys=$state/demo-keys
if [ ! -s "$keys" ]; then
  umask 077
  {
    echo "admin=$(build/skillmatch keys create --org 'Administration (démo)' --role admin --db "$db" | tail -n 1)"
    echo "inclusion_org=$(build/skillmatch keys create --org 'Régie de quartier (démo)' --role inclusion_org --db "$db" | tail -n 1)"
    echo "training_provider=$(build/skillmatch keys create --org 'Organisme de formation (démo)' --role training_provider --db "$db" | tail -n 1)"
  } > "$keys.tmp"
  mv "$keys.tmp" "$keys"
fi
org_key=$(sed -n 's/^inclusion_org=//p' "$keys")
tp_key=$(sed -n 's/^training_provider=//p' "$keys")
admin_key=$(sed -n 's/^admin=//p' "$keys")

if [ -s "$state/server.pid" ] && kill -0 "$(cat "$state/server.pid")" 2>/dev/null; then
  echo "skillmatch: a server of make run is running already (pid $(cat "$state/server.pid")): make stop" >&2
  exit 1
fi
build/skillmatch serve --listen "$listen" --db "$db" &
server=$!
echo $server > "$state/server.pid"
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -f "$state/server.pid"' INT TERM EXIT
url=http://$listen
for _ in $(seq 1 600); do
  curl -fs "$url/ready" >/dev/null 2>&1 && break
  kill -0 $server 2>/dev/null || { echo "skillmatch: the server stopped" >&2; exit 1; }
  sleep 0.1
done
# The demo data, once: the demo organisation has no offer yet.
if curl -fs -H "Authorization: Bearer $org_key" "$url/v1/offers?mine=true&limit=1" | grep -q '"total":0'; then
  post() { # key route file
    local n=0
    while IFS= read -r line; do
      [ -n "$line" ] || continue
      curl -fs -o /dev/null -X POST -H "Authorization: Bearer $1" -H 'Content-Type: application/json' \
        --data-binary "$line" "$url$2" || { echo "skillmatch: demo item $((n + 1)) of $3 refused" >&2; exit 1; }
      n=$((n + 1))
    done < "$3"
    echo "skillmatch: $n items from $3"
  }
  post "$org_key" /v1/offers api/demo/jobs.jsonl
  post "$tp_key" /v1/offers api/demo/trainings.jsonl
  post "$org_key" /v1/profiles api/demo/profiles.jsonl
fi
cat <<EOT

skillmatch is serving $url  (README.md has a curl tour; Ctrl-C stops it)
  pages: $url/ (job seekers), $url/organisation, $url/formation (with the keys below)
  data: $loaded
  demo key (inclusion organisation):  $org_key
  training provider key:              $tp_key
  admin key:                          $admin_key
  e.g.  curl -s $url/v1/offers?limit=3
        curl -s -H 'Content-Type: application/json' -d '{"profile":{"skills":[{"uri":"urn:skillmatch:skill:smartphone-use"}]}}' $url/v1/match

EOT
wait $server
