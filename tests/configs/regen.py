#!/usr/bin/python3
"""Rewrites tests/configs/valid/NAME.json from `halod --dump-config`.

For humans, after reviewing what changed: it prints one line per file (new,
changed +A -R lines, unchanged, or skipped with the reason) and, with
--diff, the full differences.  It refuses to write a dump when the -t exit
code is not the one the file's header expects, unless --force.

    tests/configs/regen.py [--dry-run] [--diff] [--force] [NAME.conf ...]

HALO_BUILD_DIR (default build/) selects the halod binary, as for pytest.
"""
from __future__ import annotations

import argparse
import difflib
import json
import os
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from test_golden import TIMEOUT, VALID, cases, load_case  # noqa: E402


def halod_path() -> pathlib.Path:
    build = os.environ.get("HALO_BUILD_DIR", HERE.parent.parent / "build")
    return pathlib.Path(build).resolve() / "halod"


def run(halod: pathlib.Path, case, mode: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(halod), mode, *case.args, "-f", case.path.name],
                          cwd=case.path.parent, capture_output=True, text=True,
                          timeout=TIMEOUT, stdin=subprocess.DEVNULL)


def render(obj) -> str:
    # halod's key order is kept (it groups related settings); comparison in
    # the tests is on parsed JSON, so the order never makes a test fail.
    return json.dumps(obj, indent=2, ensure_ascii=False) + "\n"


def select(names: list[str]) -> list[pathlib.Path]:
    if not names:
        return cases(VALID)
    out = []
    for n in names:
        p = pathlib.Path(n)
        p = p if p.is_absolute() or p.exists() else VALID / p.name
        if p.suffix == ".json":
            p = p.with_suffix(".conf")
        if p.parent.resolve() != VALID or not p.exists():
            sys.exit(f"regen.py: {n}: not a file in {VALID}")
        out.append(p)
    return out


def regen_one(halod: pathlib.Path, path: pathlib.Path, args) -> str:
    case = load_case(path)
    t = run(halod, case, "-t")
    if t.returncode != case.exit and not args.force:
        return (f"skipped: -t exit code {t.returncode}, header expects {case.exit}\n"
                + t.stderr.rstrip())
    d = run(halod, case, "--dump-config")
    try:
        obj = json.loads(d.stdout)
    except json.JSONDecodeError as e:
        return f"skipped: --dump-config output is not JSON ({e})\n{d.stderr.rstrip()}"
    new = render(obj)
    old = case.json_path.read_text() if case.json_path.exists() else None
    if old == new:
        return "unchanged"
    diff = list(difflib.unified_diff((old or "").splitlines(), new.splitlines(),
                                     f"{case.json_path.name} (old)",
                                     f"{case.json_path.name} (new)", lineterm=""))
    added = sum(1 for x in diff if x.startswith("+") and not x.startswith("+++"))
    removed = sum(1 for x in diff if x.startswith("-") and not x.startswith("---"))
    if not args.dry_run:
        case.json_path.write_text(new)
    verb = "would write" if args.dry_run else "written"
    status = f"new ({added} lines)" if old is None else f"changed +{added} -{removed}"
    text = f"{status}, {verb}"
    if args.diff:
        text += "\n" + "\n".join(diff)
    return text


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help="valid/NAME.conf files (default: all)")
    ap.add_argument("--dry-run", action="store_true", help="write nothing")
    ap.add_argument("--diff", action="store_true", help="print full differences")
    ap.add_argument("--force", action="store_true",
                    help="write even when the -t exit code differs from the header")
    args = ap.parse_args()
    halod = halod_path()
    if not halod.exists():
        sys.exit(f"regen.py: {halod} not built")
    skipped = 0
    for path in select(args.names):
        result = regen_one(halod, path, args)
        skipped += result.startswith("skipped")
        print(f"{path.name}: {result}")
    return 1 if skipped else 0


if __name__ == "__main__":
    sys.exit(main())
