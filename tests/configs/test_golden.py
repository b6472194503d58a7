"""Golden configuration tests: `halod -t` and `halod --dump-config` over the
files in tests/configs/valid and tests/configs/invalid.

Each file states what is expected of it in comment lines at its top:

    # expect: NAME.conf:LINE: error: message   (any number; each must appear
                                                as a whole line of -t output)
    # exit: N        -t exit code (default 0 for valid/, 4 for invalid/)
    # args: -i ID    extra halod arguments for both runs

A valid file NAME.conf also has NAME.json, the expected --dump-config output,
written by regen.py after a human has reviewed it.  Every halod run happens
inside the file's own directory, so diagnostics and includes use relative
names.
"""
from __future__ import annotations

import difflib
import json
import pathlib
import re
import shlex
import subprocess
from dataclasses import dataclass, field

import pytest

HERE = pathlib.Path(__file__).resolve().parent
VALID = HERE / "valid"
INVALID = HERE / "invalid"
# halo must never hang on any input; a run this long is a failure.
TIMEOUT = 30
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")
HEADER_RE = re.compile(r"^[#!]\s*(expect|exit|args):\s*(.*?)\s*$")


@dataclass
class Case:
    path: pathlib.Path
    valid: bool
    expect: list[str] = field(default_factory=list)
    exit: int = 0
    args: list[str] = field(default_factory=list)

    @property
    def json_path(self) -> pathlib.Path:
        return self.path.with_suffix(".json")


def load_case(path: pathlib.Path) -> Case:
    """Reads the header: the comment lines before the first statement."""
    valid = path.parent.name == "valid"
    case = Case(path=path, valid=valid, exit=0 if valid else 4)
    for line in path.read_text(errors="replace").splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith(("#", "!")):
            break
        m = HEADER_RE.match(stripped)
        if not m:
            continue
        key, value = m.groups()
        if key == "expect":
            case.expect.append(value)
        elif key == "exit":
            case.exit = int(value)
        else:
            case.args += shlex.split(value)
    return case


def cases(directory: pathlib.Path) -> list[pathlib.Path]:
    # Only the top level: subdirectories hold files that the cases include.
    return sorted(directory.glob("*.conf"))


@dataclass
class Run:
    argv: list[str]
    code: int
    stdout: str
    stderr: str

    def describe(self) -> str:
        return (f"$ {shlex.join(self.argv)}\nexit {self.code}\n"
                f"--- stdout ---\n{self.stdout}--- stderr ---\n{self.stderr}")


def run_halod(halod: str, case: Case, mode: str) -> Run:
    argv = [halod, mode, *case.args, "-f", case.path.name]
    try:
        p = subprocess.run(argv, cwd=case.path.parent, capture_output=True, text=True,
                           errors="replace", timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        err = e.stderr.decode(errors="replace") if isinstance(e.stderr, bytes) else (e.stderr or "")
        pytest.fail(f"halod did not finish within {TIMEOUT} s (it must never hang)\n"
                    + Run(argv, -1, out, err).describe())
    run = Run(argv, p.returncode, p.stdout, p.stderr)
    for mark in SANITIZER_MARKS:
        if mark in run.stderr:
            pytest.fail(f"sanitizer report from halod:\n{run.describe()}")
    return run


def json_diff(expected, actual) -> str:
    a = json.dumps(expected, indent=2, sort_keys=True).splitlines()
    b = json.dumps(actual, indent=2, sort_keys=True).splitlines()
    return "\n".join(difflib.unified_diff(a, b, "expected (NAME.json)", "actual (halod)",
                                          lineterm="", n=3))


def check_expected_lines(case: Case, run: Run) -> None:
    lines = set((run.stdout + run.stderr).splitlines())
    missing = [e for e in case.expect if e not in lines]
    assert not missing, ("expected lines not in the -t output:\n  "
                         + "\n  ".join(missing) + "\n" + run.describe())


@pytest.mark.parametrize("path", cases(VALID), ids=lambda p: p.name)
def test_valid(path: pathlib.Path, halod_bin: str) -> None:
    case = load_case(path)
    t = run_halod(halod_bin, case, "-t")
    assert t.code == case.exit, f"-t exit code {t.code}, expected {case.exit}\n{t.describe()}"
    check_expected_lines(case, t)

    if not case.json_path.exists():
        pytest.fail(f"{case.json_path.name} is missing: review the dump, then run "
                    f"tests/configs/regen.py {path.name}")
    expected = json.loads(case.json_path.read_text())
    d = run_halod(halod_bin, case, "--dump-config")
    assert d.code == case.exit, (f"--dump-config exit code {d.code}, expected {case.exit}\n"
                                 f"{d.describe()}")
    try:
        actual = json.loads(d.stdout)
    except json.JSONDecodeError as e:
        pytest.fail(f"--dump-config output is not JSON ({e})\n{d.describe()}")
    if actual != expected:
        pytest.fail(f"--dump-config differs from {case.json_path.name}:\n"
                    f"{json_diff(expected, actual)}\n(if the change is intended: "
                    f"tests/configs/regen.py {path.name})")


@pytest.mark.parametrize("path", cases(INVALID), ids=lambda p: p.name)
def test_invalid(path: pathlib.Path, halod_bin: str) -> None:
    case = load_case(path)
    assert case.expect, f"{path.name} has no '# expect:' line"
    t = run_halod(halod_bin, case, "-t")
    check_expected_lines(case, t)
    assert t.code == case.exit, f"-t exit code {t.code}, expected {case.exit}\n{t.describe()}"


def test_missing_main_file(halod_bin: str, tmp_path: pathlib.Path) -> None:
    """A missing main file makes the configuration unusable: exit 3 and a
    message naming the file (keepalived's -t exits 0 here; docs/compat.md)."""
    case = Case(path=tmp_path / "absent.conf", valid=False)
    t = run_halod(halod_bin, case, "-t")
    assert t.code == 3, f"exit code {t.code}, expected 3\n{t.describe()}"
    assert "absent.conf" in t.stdout + t.stderr, t.describe()
