#!/usr/bin/env bash
# The halo demo (the README's first command): a live VRRP failover.
#
# Installs what it needs (scripts/deps.sh), builds halod into build/, then
# runs scripts/failover_demo.py: two halod routers and a client in network
# namespaces, the master killed, and the timeline of the takeover read from
# a capture.  Everything it creates is removed on exit.  Arguments are passed
# on (e.g. `--version 3 --advert-int 0.1`).  Needs root (namespaces).
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$ROOT"
./scripts/deps.sh build demo

echo "==> building halod (meson, ninja) in build/"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if [ ! -f build/build.ninja ]; then
	meson setup build >"$log" 2>&1 || { cat "$log"; exit 1; }
fi
if ! meson compile -C build >"$log" 2>&1; then
	grep -v '^\[[0-9]*/[0-9]*\]' "$log" | tail -n 40
	exit 1
fi
exec /usr/bin/python3 scripts/failover_demo.py "$@"
