#!/bin/sh
# Installs the Debian 12 packages skillmatch needs, and only those missing.
# As root it runs apt-get directly; otherwise through sudo when it exists;
# otherwise it prints the exact command to run and exits 1.
# Usage: .ci/deps.sh [build|test|run|bench]   (default: test)
set -eu
what=${1:-test}
pkgs="gcc make pkg-config libc6-dev libmicrohttpd-dev libjansson-dev libpcre2-dev libxxhash-dev libpq-dev libssl-dev"
case "$what" in
  build) ;;
  run|test) pkgs="$pkgs postgresql curl ca-certificates" ;;
  bench) pkgs="$pkgs postgresql curl ca-certificates bc python3 python3-xapian wrk" ;;
  *) echo "deps.sh: unknown target '$what' (build|test|run|bench)" >&2; exit 2 ;;
esac
missing=""
for p in $pkgs; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
[ -z "$missing" ] && exit 0
cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends$missing"
echo "skillmatch: missing Debian packages:$missing"
if [ "$(id -u)" = 0 ]; then
  sh -c "$cmd"
elif command -v sudo >/dev/null 2>&1; then
  sudo sh -c "$cmd"
else
  echo "skillmatch: these packages are missing and neither root nor sudo is available." >&2
  echo "Run this as root, then try again:" >&2
  echo "  $cmd" >&2
  exit 1
fi
