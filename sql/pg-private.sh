#!/usr/bin/env bash
# pg-private.sh: a private PostgreSQL cluster for development, tests and benches.
#
#   sql/pg-private.sh start DIR   initialise (once) and start a cluster in DIR
#   sql/pg-private.sh stop DIR    stop it (an error when DIR holds no cluster)
#   sql/pg-private.sh env DIR     print PGHOST/PGPORT/PGUSER/PGDATABASE lines to eval
#
# The cluster listens on a Unix socket inside DIR only (no TCP). PostgreSQL
# refuses to run as root, so as root the cluster runs as the unprivileged
# system user "skillmatch" (created when missing); otherwise as the caller.
set -euo pipefail
cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop|env DIR" >&2; exit 2; }
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "pg-private: PostgreSQL server binaries not found (install postgresql)" >&2; exit 1; }
port=${SM_PG_PORT:-5499}
if [ "$cmd" = stop ] && [ ! -f "$dir/data/PG_VERSION" ]; then
  echo "pg-private: no cluster in $dir (nothing to stop)" >&2
  exit 1
fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
if [ "$(id -u)" = 0 ]; then
  owner=skillmatch
  id -u "$owner" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$owner"
  chown "$owner" "$dir"
  as_owner() { runuser -u "$owner" -- "$@"; }
else
  owner=$(id -un)
  as_owner() { "$@"; }
fi
data=$dir/data
case "$cmd" in
  start)
    if [ ! -f "$data/PG_VERSION" ]; then
      as_owner "$bin/initdb" -D "$data" -U "$owner" --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if ! as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      as_owner "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w \
        -o "-k $dir -p $port -c listen_addresses=''" start >/dev/null
    fi
    ;;
  stop)
    # A cluster that is not running is stopped already; any other failure is reported.
    if as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      if ! out=$(cd / && as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop 2>&1); then
        echo "pg-private: could not stop the cluster in $dir: $out" >&2
        exit 1
      fi
    fi
    ;;
  env)
    echo "PGHOST=$dir PGPORT=$port PGUSER=$owner PGDATABASE=postgres"
    ;;
  *) echo "usage: $0 start|stop|env DIR" >&2; exit 2 ;;
esac
