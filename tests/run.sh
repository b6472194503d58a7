#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run execs this):
#
#   1. install missing Debian packages (scripts/deps.sh);
#   2. build/       : meson setup, compile, unit tests (cmocka);
#   3. build-asan/  : the same with AddressSanitizer + UndefinedBehaviorSanitizer;
#   4. pytest over tests/ (golden configs, keepalived samples, lab scenarios;
#      the lab needs root) against build/;
#   5. pytest over tests/ again against build-asan/, if time allows.
#
# It needs no terminal, keeps going after a failure so one run reports
# everything, prints the failing tests' output, and ends with exactly one
# line "N passed, N failed" (unit test programs of both builds plus pytest
# tests).  The exit status is non-zero when anything failed.
#
# Environment: HALO_TEST_BUDGET (seconds, default 900) - phase 5 is skipped
# when less than HALO_ASAN_PYTEST_MIN (default 300) seconds of it are left.
set -uo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$ROOT"
PY=/usr/bin/python3
BUDGET=${HALO_TEST_BUDGET:-900}
ASAN_MIN=${HALO_ASAN_PYTEST_MIN:-300}
START=$SECONDS
export PAGER=cat GIT_PAGER=cat
# Make every sanitizer finding fatal, with a stack trace, so a test sees it.
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:print_summary=1
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1:print_summary=1

PASSED=0
FAILED=0
RES=$(mktemp -d /tmp/halo-test-results.XXXXXX)
FAILS=$RES/failed.txt
: >"$FAILS"
trap 'rm -rf "$RES"' EXIT

phase() { printf '\n==== %s  (%ds)\n' "$*" $((SECONDS - START)); }

# A step that produces no per-test results (setup, compile) counts as one
# failed test when it fails, so the summary line can never hide it.
step_failed() {
	FAILED=$((FAILED + 1))
	echo "$1" >>"$FAILS"
	echo "FAILED: $1"
}

# Adds "PASSED FAILED" from a counting helper to the totals.
add_counts() {
	local p f
	read -r p f <<<"$1"
	PASSED=$((PASSED + p))
	FAILED=$((FAILED + f))
}

# meson's testlog.json has one JSON object per line, one per test program.
count_meson() {
	"$PY" - "$1" "$2" "$FAILS" <<'EOF'
import json, sys
log, label, fails = sys.argv[1:4]
p = f = 0
with open(log) as fh, open(fails, "a") as out:
    for line in fh:
        if not line.strip():
            continue
        t = json.loads(line)
        r = t.get("result", "")
        if r in ("OK", "EXPECTEDFAIL"):
            p += 1
        elif r != "SKIP":
            f += 1
            out.write(f"unit ({label}): {t.get('name')} {r}\n")
print(p, f)
EOF
}

# pytest's JUnit XML: a test case with a <failure> or <error> child failed,
# one with <skipped> is neither passed nor failed.
count_junit() {
	"$PY" - "$1" "$2" "$FAILS" <<'EOF'
import sys, xml.etree.ElementTree as ET
xmlfile, label, fails = sys.argv[1:4]
p = f = 0
with open(fails, "a") as out:
    for tc in ET.parse(xmlfile).getroot().iter("testcase"):
        tags = {c.tag for c in tc}
        if tags & {"failure", "error"}:
            f += 1
            name = f"{tc.get('classname', '')}::{tc.get('name', '')}"
            out.write(f"pytest ({label}): {name}\n")
        elif "skipped" not in tags:
            p += 1
print(p, f)
EOF
}

# setup_build DIR [meson options...]: configures DIR, or re-applies the
# options to an existing one (ninja itself regenerates when meson.build
# changes).  A directory meson cannot reconfigure is wiped and set up again.
setup_build() {
	local dir=$1
	shift
	local log="$RES/setup-$dir.log"
	if [ -f "$dir/build.ninja" ]; then
		if [ $# -eq 0 ] || meson configure "$dir" "$@" >"$log" 2>&1; then
			return 0
		fi
		meson setup --wipe "$dir" "$@" >>"$log" 2>&1 && return 0
	else
		meson setup "$dir" "$@" >"$log" 2>&1 && return 0
	fi
	cat "$log"
	return 1
}

# build_and_unit DIR [meson options...]: returns non-zero if DIR is unusable.
build_and_unit() {
	local dir=$1 t0=$SECONDS
	phase "build $dir"
	if ! setup_build "$@"; then
		step_failed "meson setup $dir"
		return 1
	fi
	if ! meson compile -C "$dir" >"$RES/compile-$dir.log" 2>&1; then
		grep -v '^\[[0-9]*/[0-9]*\]' "$RES/compile-$dir.log" | tail -n 60
		step_failed "meson compile -C $dir"
		return 1
	fi
	echo "compiled in $((SECONDS - t0))s"
	phase "unit tests ($dir)"
	rm -f "$dir/meson-logs/testlog.json"
	meson test -C "$dir" --suite unit --print-errorlogs --no-rebuild
	local rc=$?
	if [ ! -s "$dir/meson-logs/testlog.json" ]; then
		step_failed "meson test -C $dir (exit $rc, no test log)"
		return 0
	fi
	local counts
	counts=$(count_meson "$dir/meson-logs/testlog.json" "$dir")
	add_counts "$counts"
	if [ "$rc" -ne 0 ] && [ "${counts#* }" = 0 ]; then
		step_failed "meson test -C $dir (exit $rc)"
	fi
	return 0
}

# run_pytest DIR LABEL [paths...]: pytest against the binaries in DIR.
run_pytest() {
	local dir=$1 label=$2
	shift 2
	phase "pytest ($label, HALO_BUILD_DIR=$dir)"
	local xml="$RES/pytest-$label.xml"
	HALO_BUILD_DIR="$ROOT/$dir" "$PY" -m pytest -p no:cacheprovider \
		--tb=short --junitxml="$xml" -o junit_family=xunit1 "$@" </dev/null
	local rc=$?
	local counts="0 0"
	[ -s "$xml" ] && counts=$(count_junit "$xml" "$label")
	add_counts "$counts"
	# 5 is "no tests collected": not a failure in itself.  1 with failures
	# already counted is accounted for; anything else (interrupted, internal
	# or usage error, 1 without a counted failure) is a failure of its own.
	case $rc in
	0 | 5) ;;
	1) [ "${counts#* }" != 0 ] || step_failed "pytest ($label) exit 1" ;;
	*) step_failed "pytest ($label) exit $rc" ;;
	esac
}

phase "dependencies"
if ! ./scripts/deps.sh build test; then
	step_failed "scripts/deps.sh"
	echo "$PASSED passed, $FAILED failed"
	exit 1
fi
[ "$(id -u)" -eq 0 ] || echo "note: not root, the lab tests (tests/lab) will be skipped"

build_ok=0
# Both builds enforce -Werror (meson's werror=true default).
build_and_unit build && build_ok=1
asan_ok=0
build_and_unit build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dwerror=true && asan_ok=1

if [ $build_ok = 1 ]; then
	run_pytest build build tests
fi
left=$((BUDGET - (SECONDS - START)))
if [ $asan_ok = 1 ] && [ $left -ge "$ASAN_MIN" ]; then
	run_pytest build-asan build-asan tests
elif [ $asan_ok = 1 ]; then
	phase "pytest (build-asan) skipped: ${left}s of the ${BUDGET}s budget left"
fi

phase "done"
if [ -s "$FAILS" ]; then
	echo "Failed:"
	sed 's/^/  /' "$FAILS"
fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
