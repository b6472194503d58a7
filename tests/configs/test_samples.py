"""`halod -t` over the sample configurations Debian ships with keepalived.

They are real-world keepalived.conf files that keepalived itself accepts, so
halod must find them usable: exit 0, or 5 where they run scripts without
enable_script_security.  Never 3 (unusable) or 4 (errors).
"""
from __future__ import annotations

import pathlib
import subprocess

import pytest

SAMPLES = pathlib.Path("/usr/share/doc/keepalived/samples")
TIMEOUT = 30
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")


def samples() -> list[pathlib.Path]:
    return sorted(p for p in SAMPLES.glob("keepalived.conf.*") if p.is_file())


@pytest.mark.skipif(not samples(), reason=f"no samples in {SAMPLES} (apt-get install keepalived)")
@pytest.mark.parametrize("path", samples(), ids=lambda p: p.name)
def test_sample_is_usable(path: pathlib.Path, halod_bin: str) -> None:
    argv = [halod_bin, "-t", "-f", str(path)]
    try:
        p = subprocess.run(argv, capture_output=True, text=True, errors="replace",
                           timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.fail(f"halod -t did not finish within {TIMEOUT} s on {path}")
    detail = f"$ {' '.join(argv)}\nexit {p.returncode}\n{p.stdout}{p.stderr}"
    assert not any(m in p.stderr for m in SANITIZER_MARKS), f"sanitizer report\n{detail}"
    assert p.returncode in (0, 5), f"expected exit 0 or 5\n{detail}"
