"""`halod -t` over the sample configurations Debian ships with keepalived.

They are real-world keepalived.conf files, so halod must find them usable:
exit 0, or 5 where they run scripts without enable_script_security; never 3
(unusable) or 4 (errors).  Two samples contain real mistakes that keepalived
2.2.7 skips while still exiting 0; halod must do the same and still report
each bad line, as a warning.
"""
from __future__ import annotations

import pathlib
import subprocess

import pytest

SAMPLES = pathlib.Path("/usr/share/doc/keepalived/samples")
TIMEOUT = 30
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")

# Samples meant to be run with particular arguments (the file says so).
ARGS = {
    # "Run keepalived with either '-i high' or '-i low'": with neither, its
    # vrrp_script has no script line at all.
    "keepalived.conf.conditional_conf": ["-i", "high"],
}

# Samples with genuine mistakes, and the lines that must be reported as
# warnings.  keepalived -t reports the same lines and exits 0.
BROKEN = {
    # `to 192.168.100./24`: a truncated address in static_rules and
    # virtual_rules ("Invalid rule to address" in keepalived).
    "keepalived.conf.vrrp.rules": [11, 26],
    # The sync group lists its members without the `group { }` block
    # ("Unknown keyword 'VI_2'" in keepalived).
    "keepalived.conf.vrrp.lvs_syncd": [4, 5],
}


def samples() -> list[pathlib.Path]:
    return sorted(p for p in SAMPLES.glob("keepalived.conf.*") if p.is_file())


def run_t(halod: str, path: pathlib.Path) -> tuple[int, str, str]:
    argv = [halod, "-t", *ARGS.get(path.name, []), "-f", str(path)]
    try:
        p = subprocess.run(argv, capture_output=True, text=True, errors="replace",
                           timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.fail(f"halod -t did not finish within {TIMEOUT} s on {path}")
    output = p.stdout + p.stderr
    detail = f"$ {' '.join(argv)}\nexit {p.returncode}\n{output}"
    assert not any(m in p.stderr for m in SANITIZER_MARKS), f"sanitizer report\n{detail}"
    return p.returncode, output, detail


@pytest.mark.skipif(not samples(), reason=f"no samples in {SAMPLES} (apt-get install keepalived)")
@pytest.mark.parametrize("path", samples(), ids=lambda p: p.name)
def test_sample(path: pathlib.Path, halod_bin: str) -> None:
    code, output, detail = run_t(halod_bin, path)
    assert code in (0, 5), f"expected exit 0 or 5\n{detail}"
    lines = output.splitlines()
    for n in BROKEN.get(path.name, []):
        prefix = f"{path}:{n}: warning: "
        assert any(x.startswith(prefix) for x in lines), f"no error for line {n}\n{detail}"


def test_broken_samples_exist() -> None:
    """The exceptions above must name real samples, or they hide nothing
    and the list has gone stale."""
    if not samples():
        pytest.skip(f"no samples in {SAMPLES}")
    names = {p.name for p in samples()}
    assert set(BROKEN) <= names and set(ARGS) <= names
