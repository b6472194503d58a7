"""Shared pytest fixtures: where the binaries under test are.

HALO_BUILD_DIR selects the build (default: build/ at the repository root),
so the same tests run against the sanitizer build in CI.
"""
import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


def build_dir() -> pathlib.Path:
    return pathlib.Path(os.environ.get("HALO_BUILD_DIR", ROOT / "build")).resolve()


@pytest.fixture(scope="session")
def halod_bin() -> str:
    p = build_dir() / "halod"
    if not p.exists():
        pytest.fail(f"{p} not built (run meson compile -C {build_dir()})")
    return str(p)


@pytest.fixture(scope="session")
def haloctl_bin() -> str:
    p = build_dir() / "haloctl"
    if not p.exists():
        pytest.fail(f"{p} not built (run meson compile -C {build_dir()})")
    return str(p)


@pytest.fixture(scope="session")
def repo_root() -> pathlib.Path:
    return ROOT



# Lab scenarios (everything under tests/lab/, and any test marked `root`)
# create network namespaces and raw sockets, which only root can do.  Rather
# than fail confusingly, they are skipped with the reason at collection, before
# any fixture tries to create a namespace; CI runs as root, so there they run.
def pytest_collection_modifyitems(config, items):
    if os.geteuid() == 0:
        return
    lab = ROOT / "tests" / "lab"
    skip = pytest.mark.skip(reason="needs root (network namespaces): run as root, as CI does")
    for item in items:
        path = pathlib.Path(str(item.fspath)).resolve()
        if lab in path.parents or item.get_closest_marker("root"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def nettool_bin() -> str:
    """tests/lab/nettool, the command-line driver of src/net (helper G)."""
    p = build_dir() / "tests" / "lab" / "nettool"
    if not p.exists():
        pytest.fail(f"{p} not built (run meson compile -C {build_dir()})")
    return str(p)


@pytest.fixture(scope="session")
def smtptool_bin() -> str:
    """tests/lab/smtptool, the driver of the SMTP alert client (helper L)."""
    p = build_dir() / "tests" / "lab" / "smtptool"
    if not p.exists():
        pytest.fail(f"{p} not built (run meson compile -C {build_dir()})")
    return str(p)
