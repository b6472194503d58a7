"""The kernel's process events connector (src/net/proc_events), which
vrrp_track_process follows where it can, and the /proc scan halod falls
back to elsewhere.

- In the root namespace, tests/lab/proctool subscribes to the connector
  (netlink to the kernel only: no network traffic) and must report the
  fork, exec and exit of exactly the process this test starts: a private
  copy of /bin/sleep with a per-run name, so no other process can match.
- Inside a network namespace the connector is refused: proctool says why,
  and halod (as every lab scenario runs it) logs one line saying it scans
  /proc instead, and still follows a tracked process.

Only processes this file starts are ever signalled, by their Popen handle;
the namespace and the temporary directory are removed even on failure, and
every wait is bounded.

Run as root:  HALO_BUILD_DIR=build-procconn /usr/bin/python3 -m pytest tests/lab/test_proc_events.py
"""
import os
import pathlib
import queue
import secrets
import shutil
import subprocess
import tempfile
import threading
import time

import pytest

from vrrp_lab import Lab, sh, vrrp_conf, wait_for

EVENT_TIMEOUT = 5.0
ROOT = pathlib.Path(__file__).resolve().parent.parent.parent


def build_dir():
    """As tests/conftest.py: HALO_BUILD_DIR, else build/."""
    return pathlib.Path(os.environ.get("HALO_BUILD_DIR", ROOT / "build")).resolve()


@pytest.fixture(scope="session")
def proctool_bin():
    p = build_dir() / "tests" / "lab" / "proctool"
    if not p.exists():
        pytest.fail(f"{p} not built (run meson compile -C {build_dir()})")
    return str(p)


@pytest.fixture
def tmpdir_own():
    d = tempfile.mkdtemp(prefix="halo-pe-", dir="/tmp")
    try:
        yield pathlib.Path(d)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def private_sleep(directory):
    """A copy of /bin/sleep whose name (its comm, under 15 characters) is
    unique to this run."""
    name = "hpe" + secrets.token_hex(4)
    path = directory / name
    shutil.copy("/bin/sleep", path)
    os.chmod(path, 0o755)
    return name, path


class Lines:
    """Reads a child's stdout on a thread so every wait can be bounded."""

    def __init__(self, proc):
        self.q = queue.Queue()
        self.seen = []
        self.t = threading.Thread(target=self._run, args=(proc.stdout,), daemon=True)
        self.t.start()

    def _run(self, f):
        for line in f:
            self.q.put(line.rstrip("\n"))
        self.q.put(None)

    def wait(self, pred, timeout, what):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for line in self.seen:
                if pred(line):
                    return line
            try:
                line = self.q.get(timeout=max(0.0, end - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                break
            self.seen.append(line)
            if pred(line):
                return line
        raise AssertionError(f"timed out after {timeout}s waiting for {what}; "
                             f"last lines: {self.seen[-10:]}")

    def drain(self, timeout):
        """Everything until the writer closes (bounded)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                line = self.q.get(timeout=max(0.0, end - time.monotonic()))
            except queue.Empty:
                return
            if line is None:
                return
            self.seen.append(line)


def stop(p):
    if p is not None and p.poll() is None:
        p.kill()
    if p is not None:
        p.wait(timeout=5)


def test_connector_reports_fork_exec_and_exit_of_one_process(proctool_bin, tmpdir_own):
    r = sh(proctool_bin, "open", check=False)
    if r.returncode != 0:
        pytest.skip(f"no process events in this namespace: {r.stderr.strip()}")
    assert r.stdout.strip() == "events"
    name, prog = private_sleep(tmpdir_own)
    tool = subprocess.Popen([proctool_bin, "events", "30"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    p = None
    try:
        out = Lines(tool)
        out.wait(lambda ln: ln == "ready", EVENT_TIMEOUT, "proctool to subscribe")
        t0 = time.monotonic()
        p = subprocess.Popen([str(prog), "30"])
        pid = p.pid
        out.wait(lambda ln: ln.split()[:3] == ["exec", str(pid), str(pid)], EVENT_TIMEOUT,
                 f"exec of {pid}")
        assert time.monotonic() - t0 < EVENT_TIMEOUT
        t1 = time.monotonic()
        p.kill()
        p.wait(timeout=5)
        out.wait(lambda ln: ln.split()[:3] == ["exit", str(pid), str(pid)], EVENT_TIMEOUT,
                 f"exit of {pid}")
        assert time.monotonic() - t1 < EVENT_TIMEOUT
        p = None
        # The events after the exit (none of them about this pid) are not
        # needed: stop the tool and read what it had printed.
        tool.terminate()
        out.drain(EVENT_TIMEOUT)
        about = [ln.split() for ln in out.seen
                 if ln.split()[0] in ("fork", "exec", "exit", "comm")
                 and str(pid) in ln.split()[1:5]]
        forks = [f for f in about if f[0] == "fork" and f[3] == str(pid)]
        execs = [e for e in about if e[0] == "exec" and e[1] == str(pid)]
        exits = [e for e in about if e[0] == "exit" and e[1] == str(pid)]
        # Python starts the child itself (fork or vfork from this process).
        assert len(forks) == 1, about
        assert forks[0][2] == str(os.getpid()) and forks[0][4] == str(pid), about
        # Exactly one exec, of the private copy (comm read back by pid).
        assert len(execs) == 1 and execs[0][2] == str(pid) and execs[0][3] == name, about
        # Exactly one exit, with SIGKILL's wait status (9) and SIGCHLD.
        assert len(exits) == 1 and exits[0][2] == str(pid), about
        assert int(exits[0][3]) & 0x7f == 9 and exits[0][4] == "17", about
        assert not [ln for ln in out.seen if ln.startswith("drop ")], out.seen[-20:]
    finally:
        stop(p)
        stop(tool)


def test_connector_refused_inside_a_network_namespace(proctool_bin):
    ns = "hp" + secrets.token_hex(3)
    sh("ip", "netns", "add", ns)
    try:
        r = sh("ip", "netns", "exec", ns, proctool_bin, "open", check=False)
        assert r.returncode == 1, (r.stdout, r.stderr)
        assert "not in the initial network namespace" in r.stderr, r.stderr
    finally:
        subprocess.run(["ip", "netns", "del", ns], capture_output=True, timeout=10)


@pytest.fixture
def lab1(halod_bin):
    lab = Lab(1, halod_bin)
    try:
        yield lab
    finally:
        lab.close()


def test_halod_in_a_namespace_scans_proc_and_says_why(lab1):
    """halod runs in the node's network namespace: one info line says the
    /proc scan is used and why, and a tracked process (weight 0) still
    moves the instance FAULT -> MASTER -> FAULT."""
    node = lab1.nodes[0]
    name, prog = private_sleep(pathlib.Path(lab1.tmp))
    top = f"vrrp_track_process tp {{\n    process {name}\n    weight 0\n}}\n"
    conf = top + vrrp_conf(priority=100, interval="0.1", version=3, auth=False,
                           extra="    track_process {\n        tp\n    }")
    d = lab1.halod(node, conf)
    d.wait_state("FAULT", timeout=3)
    wait_for(lambda: "vrrp_track_process: scanning /proc every 1 s: no process events ("
             in d.output(), 3, "the fallback line")
    line = [ln for ln in d.output().splitlines() if "no process events" in ln]
    assert len(line) == 1, line
    assert "not in the initial network namespace" in line[0], line
    assert d.vrrp_status()["process_source"] == "scan"
    p = subprocess.Popen([str(prog), "30"])
    try:
        d.wait_state("MASTER", timeout=3)
        p.kill()
        p.wait(timeout=5)
        d.wait_state("FAULT", timeout=3)
    finally:
        stop(p)
    # One line per start, not per scan.
    assert len([ln for ln in d.output().splitlines() if "no process events" in ln]) == 1
