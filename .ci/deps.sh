#!/bin/sh
# Installs the Debian 12 packages skillmatch needs, and only those missing.
# As root it runs apt-get directly; otherwise through sudo when it exists;
# otherwise it prints the exact command to run and exits 1.
# Usage: .ci/deps.sh [build|test|run|bench|lint]   (default: test)
set -eu
what=${1:-test}
pkgs="gcc make pkg-config libc6-dev libmicrohttpd-dev libjansson-dev libpcre2-dev libxxhash-dev libpq-dev libssl-dev"
case "$what" in
  build) ;;
  run) pkgs="$pkgs postgresql curl ca-certificates" ;;
  test) pkgs="$pkgs postgresql curl ca-certificates clang libclang-rt-14-dev chromium" ;;
  lint) pkgs="$pkgs clang-format cppcheck" ;;
  bench) pkgs="$pkgs postgresql curl ca-certificates bc python3 python3-xapian wrk" ;;
  *) echo "deps.sh: unknown target '$what' (build|test|run|bench)" >&2; exit 2 ;;
esac
missing=""
for p in $pkgs; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
# The contract check of make test runs on Node.js (tests/contract): Debian's nodejs and npm
# when no node is installed (a machine may have its own, newer one).
if [ "$what" = test ] && ! command -v node >/dev/null 2>&1; then
  missing="$missing nodejs npm"
fi
contract() {
  if [ "$what" = test ]; then
    dir=$(dirname "$0")/../tests/contract
    if [ ! -f "$dir/node_modules/.installed" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.installed" ]; then
      echo "skillmatch: installing the contract check's npm packages (tests/contract)"
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed)
    fi
    # and the browser tests' (tests/browser: playwright-core drives Debian's chromium, which it
    # never downloads; axe-core)
    dir=$(dirname "$0")/../tests/browser
    if [ ! -f "$dir/node_modules/.installed" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.installed" ]; then
      echo "skillmatch: installing the browser tests' npm packages (tests/browser)"
      (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed)
    fi
  fi
}
if [ -z "$missing" ]; then
  contract
  exit 0
fi
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
contract
