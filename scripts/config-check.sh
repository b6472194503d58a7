#!/usr/bin/env bash
# Shows what halod makes of real keepalived.conf files: `halod -t` (check,
# with keepalived's exit codes) and `halod --dump-config` (the resolved
# configuration as JSON) over a few of the project's example configurations
# and over every sample Debian ships with keepalived.
#
# It exits non-zero only when halod cannot be built or crashes or hangs on a
# file; a configuration with errors is part of the show, not a failure.
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$ROOT"
./scripts/deps.sh build demo

echo "==> building halod (meson, ninja) in build/"
if [ ! -f build/build.ninja ]; then
	meson setup build >/tmp/halo-config-check-setup.log 2>&1 ||
		{ cat /tmp/halo-config-check-setup.log; exit 1; }
fi
if ! meson compile -C build >/tmp/halo-config-check-build.log 2>&1; then
	grep -v '^\[[0-9]*/[0-9]*\]' /tmp/halo-config-check-build.log | tail -n 40
	exit 1
fi
HALOD=$ROOT/build/halod
"$HALOD" --version 2>/dev/null || true

meaning() {
	case $1 in
	0) echo "usable" ;;
	3) echo "unusable" ;;
	4) echo "errors, would run without the bad parts" ;;
	5) echo "usable; scripts run without enable_script_security" ;;
	124) echo "HUNG (killed after 30 s)" ;;
	*) echo "unexpected exit code" ;;
	esac
}

crashed=0
usable=0
total=0
# check FILE [ARGS...]: halod -t, its exit code and diagnostics.  Runs in the
# file's directory so relative includes and diagnostics read naturally.
check() {
	local file=$1 rc=0 out
	shift
	out=$(cd "$(dirname "$file")" && timeout 30 "$HALOD" -t "$@" -f "$(basename "$file")" 2>&1) || rc=$?
	total=$((total + 1))
	case $rc in 0 | 5) usable=$((usable + 1)) ;; 3 | 4) ;; *) crashed=$((crashed + 1)) ;; esac
	local shown=${file#"$ROOT"/}
	shown=${shown#/usr/share/doc/keepalived/}
	printf '%-44s exit %d  %s\n' "$shown" "$rc" "$(meaning "$rc")"
	# sed reads all of it (head could break the pipe), printing 8 lines.
	[ -z "$out" ] || printf '%s\n' "$out" | sed -n '1,8s/^/      /p'
}

cd "$ROOT/tests/configs/valid"
echo
echo "==> halod --dump-config -f seed_002_master.conf (a keepalived.conf from a tutorial)"
sed 's/^/    /' seed_002_master.conf | grep -v '^    #'
echo "    ---- resolved by halod --dump-config: the vrrp_instances part of the JSON"
echo "    ---- (every default filled in; durations in microseconds)"
# The whole dump also lists every global_defs default and every empty
# section; the instance is the interesting part here.
timeout 30 "$HALOD" --dump-config -f seed_002_master.conf 2>&1 |
	/usr/bin/python3 -c 'import json, sys
d = json.load(sys.stdin)
print(json.dumps({"vrrp_instances": d.get("vrrp_instances")}, indent=2))
print("(%d top-level sections in all)" % len(d))' | sed 's/^/    /' || true

echo
echo "==> halod -t on the project's example configurations (tests/configs/valid)"
for f in seed_002_master.conf seed_001_vrrp_sync.conf seed_003_lvs.conf \
	misc_include.conf misc_params.conf; do
	check "$PWD/$f"
done
check "$PWD/misc_config_id.conf" -i node1

echo
echo "==> halod -t on an invalid configuration (tests/configs/invalid)"
check "$ROOT/tests/configs/invalid/misc_unknown_toplevel.conf"

echo
echo "==> halod -t on Debian's keepalived samples (/usr/share/doc/keepalived/samples)"
for f in /usr/share/doc/keepalived/samples/keepalived.conf.*; do
	case $f in
	# Its first line: "Run keepalived with either '-i high' or '-i low'".
	*.conditional_conf) check "$f" -i high ;;
	*) [ -f "$f" ] && check "$f" ;;
	esac
done
echo "(vrrp.rules and vrrp.lvs_syncd contain real mistakes, which keepalived reports too)"

echo
echo "config-check: $total configurations checked, $usable usable, $crashed crashed or hung"
[ "$crashed" -eq 0 ]
