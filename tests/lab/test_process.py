"""halod's process model: pid-file locks, reload, stop, respawn, parent death,
daemonising, and the -t exit codes.

Every daemon runs in a network namespace of its own (`unshare -n`, gone with
its last process), with its pid files, control socket and configuration in a
temporary directory of the test.  The control socket is spoken to with a
tiny client below, so these tests do not depend on haloctl.  Only processes
a test started are ever signalled, by pid, and every wait is bounded.
"""
import json
import os
import pathlib
import signal
import socket
import subprocess
import tempfile
import time

import pytest

VRRP_ONLY = """\
vrrp_instance VI_1 {
    interface halo-nonexist0
    virtual_router_id 51
    priority 100
    virtual_ipaddress {
        192.0.2.10/24
    }
}
"""

VIRTUAL_SERVER = """\
virtual_server 192.0.2.100 80 {
    delay_loop 6
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server 192.0.2.101 80 {
        weight 1
        TCP_CHECK {
            connect_timeout 3
        }
    }
}
"""

BOTH = VRRP_ONLY + VIRTUAL_SERVER

# Errors (exit code 4 under -t): halod would start with it, but a reload refuses it.
BROKEN = VRRP_ONLY + """\
vrrp_instance VI_2 {
    interface halo-nonexist0
    virtual_router_id 300
    priority 100
}
"""

START_TIMEOUT = 10.0
IO_TIMEOUT = 5.0

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root for a network namespace")


def wait_for(predicate, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def alive(pid):
    """True if `pid` exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


def request(sock_path, cmd, args=None, timeout=IO_TIMEOUT):
    """One request on the control socket; returns the decoded reply."""
    msg = {"cmd": cmd}
    if args is not None:
        msg["args"] = args
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(str(sock_path))
        s.sendall(json.dumps(msg).encode() + b"\n")
        buf = b""
        while not buf.endswith(b"\n"):
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
    return json.loads(buf)


class Halod:
    """One halod started by a test, in its own session and namespace."""

    def __init__(self, binary, workdir, config=VRRP_ONLY, extra=(), name="h", fork=False,
                 env=None):
        self.dir = pathlib.Path(workdir)
        self.conf = self.dir / f"{name}.conf"
        if not self.conf.exists():
            self.conf.write_text(config)
        self.pid_file = self.dir / f"{name}.pid"
        self.vrrp_pid_file = self.dir / f"{name}_vrrp.pid"
        self.lb_pid_file = self.dir / f"{name}_lb.pid"
        self.socket = self.dir / f"{name}.ctl"
        self.log = open(self.dir / f"{name}.log", "w+")
        argv = [binary, "-l", "-G", "-f", str(self.conf), "-p", str(self.pid_file),
                "-r", str(self.vrrp_pid_file), "-c", str(self.lb_pid_file),
                "--control-socket", str(self.socket), *extra]
        if not fork:
            argv.insert(1, "-n")
        # sh execs halod, so the pid we hold is halod's own.
        self.proc = subprocess.Popen(["unshare", "-n", "sh", "-c", 'exec "$@"', "sh"] + argv,
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True,
                                     env={**os.environ, **(env or {})})
        self.pid = self.proc.pid
        self.started_pids = {self.pid}

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def status(self):
        reply = request(self.socket, "status")
        assert reply["ok"], reply
        return reply["result"]

    def child(self, name):
        for c in self.status()["children"]:
            if c["name"] == name:
                return c
        return None

    def wait_ready(self, children=("vrrp",)):
        """Waits until every named child runs and answers status."""
        def ready():
            if self.proc.poll() is not None:
                raise AssertionError(f"halod exited with {self.proc.returncode}:\n{self.output()}")
            try:
                st = self.status()
            except (OSError, ValueError):
                return None
            for name in children:
                sub = st["subsystems"].get(name, {})
                if "pid" not in sub:
                    return None
            return st
        st = wait_for(ready, START_TIMEOUT, "halod to start")
        for c in st["children"]:
            if c["pid"]:
                self.started_pids.add(c["pid"])
        return st

    def stop(self):
        """SIGTERM to what this test started; SIGKILL if it lingers."""
        if self.proc.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        for pid in self.started_pids:
            if pid != self.pid and alive(pid):
                os.kill(pid, signal.SIGKILL)
        self.log.close()


@pytest.fixture
def workdir():
    # A short path: Unix socket paths are limited to 107 bytes.
    with tempfile.TemporaryDirectory(prefix="halo-p-", dir="/tmp") as d:
        yield d


@pytest.fixture
def daemons():
    started = []
    yield started
    logs = []
    for d in started:
        logs.append(d.output())
        d.stop()
    # Under the sanitizer build a finding in any process fails the test.
    for out in logs:
        assert "Sanitizer" not in out and "runtime error:" not in out, out


def start(daemons, *args, **kw):
    d = Halod(*args, **kw)
    daemons.append(d)
    return d


def test_second_instance_refused_by_pid_file_lock(halod_bin, workdir, daemons):
    first = start(daemons, halod_bin, workdir, name="a")
    first.wait_ready()
    assert int(first.pid_file.read_text()) == first.pid
    # Same parent pid file, everything else different.
    second = start(daemons, halod_bin, workdir, name="b",
                   extra=["-p", str(first.pid_file)])
    rc = second.proc.wait(timeout=IO_TIMEOUT)
    out = second.output()
    assert rc == 1, out
    assert str(first.pid_file) in out and str(first.pid) in out, out
    # The refused copy touched nothing of the running one.
    assert alive(first.pid)
    assert int(first.pid_file.read_text()) == first.pid
    assert first.status()["pid"] == first.pid


def test_children_write_and_lock_their_pid_files(halod_bin, workdir, daemons):
    d = start(daemons, halod_bin, workdir, config=BOTH)
    st = d.wait_ready(children=("vrrp", "lb"))
    pids = {c["name"]: c["pid"] for c in st["children"]}
    assert int(d.vrrp_pid_file.read_text()) == pids["vrrp"]
    assert int(d.lb_pid_file.read_text()) == pids["lb"]
    assert len(st["subsystems"]["vrrp"]["instances"]) == 1
    assert st["subsystems"]["lb"]["instances"] == 1
    assert st["subsystems"]["lb"]["subsystem"] == "lb"
    assert list(st["subsystems"]) == ["vrrp", "lb"]


def test_reload_starts_a_newly_configured_subsystem(halod_bin, workdir, daemons):
    d = start(daemons, halod_bin, workdir)
    st = d.wait_ready()
    assert [c["name"] for c in st["children"]] == ["vrrp"]
    d.conf.write_text(BOTH)
    os.kill(d.pid, signal.SIGHUP)
    st = d.wait_ready(children=("vrrp", "lb"))
    assert [c["name"] for c in st["children"]] == ["vrrp", "lb"]
    assert st["subsystems"]["lb"]["instances"] == 1
    assert st["last_reload"]["ok"] is True


def test_dump_signals_are_forwarded(halod_bin, workdir, daemons):
    d = start(daemons, halod_bin, workdir, config=BOTH)
    st = d.wait_ready(children=("vrrp", "lb"))
    pids = {c["name"]: c["pid"] for c in st["children"]}
    os.kill(d.pid, signal.SIGUSR2)
    os.kill(d.pid, signal.SIGUSR1)
    # The VRRP engine writes its counters; the LB engine has no dumps yet
    # and says so in the log.
    wait_for(lambda: f"halod[vrrp][{pids['vrrp']}]: wrote /tmp/keepalived.stats"
             in d.output(), IO_TIMEOUT, "the VRRP child to get SIGUSR2")
    wait_for(lambda: f"halod[lb][{pids['lb']}]: notice: signal {int(signal.SIGUSR1)}:"
             in d.output(), IO_TIMEOUT, "the LB child to get SIGUSR1")
    # SIGUSR2 is for the VRRP child only.
    assert f"halod[lb][{pids['lb']}]: notice: signal {int(signal.SIGUSR2)}:" not in d.output()
    assert {c["pid"] for c in d.status()["children"]} == set(pids.values())


def test_status_schema(halod_bin, workdir, daemons):
    d = start(daemons, halod_bin, workdir)
    st = d.wait_ready()
    assert set(st) == {"pid", "version", "started", "uptime_s", "config_file", "pid_file",
                       "control_socket", "children", "last_reload", "subsystems"}
    assert st["pid"] == d.pid
    assert st["config_file"] == str(d.conf)
    assert st["pid_file"] == str(d.pid_file)
    assert st["control_socket"] == str(d.socket)
    assert st["last_reload"] is None
    assert isinstance(st["uptime_s"], float) and 0 <= st["uptime_s"] < START_TIMEOUT
    assert st["started"].endswith("Z") and "T" in st["started"]
    # Only the configured subsystem has a child.
    assert [c["name"] for c in st["children"]] == ["vrrp"]
    c = st["children"][0]
    assert c["running"] is True and c["restarts"] == 0 and c["last_exit"] is None
    sub = st["subsystems"]["vrrp"]
    assert sub["subsystem"] == "vrrp" and sub["pid"] == c["pid"]
    assert len(sub["instances"]) == 1 and sub["config_loaded"]
    # The subsystem without a child says why instead of being left out.
    assert list(st["subsystems"]) == ["vrrp", "lb"]
    assert st["subsystems"]["lb"] == {
        "running": False, "why": "not started: the configuration has no virtual_server"}
    assert request(d.socket, "ping") == {"ok": True, "result": {"pong": True}}


def test_debug_category_reaches_the_children(halod_bin, workdir, daemons):
    d = start(daemons, halod_bin, workdir)
    st = d.wait_ready()
    child = st["children"][0]["pid"]
    reply = request(d.socket, "debug", {"category": "vrrp", "on": True})
    assert reply == {"ok": True, "result": {"debug": ["vrrp"]}}, reply
    assert request(d.socket, "debug", {"category": "nonsense"})["ok"] is False
    # The child logs its reload at debug level only when the category is on.
    request(d.socket, "reload")
    wait_for(lambda: f"halod[vrrp][{child}]: debug(vrrp): configuration adopted" in d.output(),
             IO_TIMEOUT, "the child's debug line")
    reply = request(d.socket, "debug", {"category": "vrrp", "on": False})
    assert reply["result"]["debug"] == []


def test_sighup_with_broken_config_keeps_running_one(halod_bin, workdir, daemons):
    d = start(daemons, halod_bin, workdir)
    st = d.wait_ready()
    child_pid = st["children"][0]["pid"]
    d.conf.write_text(BROKEN)
    os.kill(d.pid, signal.SIGHUP)
    rec = wait_for(lambda: d.status()["last_reload"], IO_TIMEOUT, "the reload to be recorded")
    assert rec["ok"] is False
    assert rec["errors"] >= 1
    assert any(m.startswith(f"{d.conf}:") and ": error: " in m for m in rec["messages"]), rec
    assert alive(d.pid)
    st = d.status()
    # The child was not told to reload and was not restarted.
    assert st["children"][0]["pid"] == child_pid
    assert st["subsystems"]["vrrp"]["reloads"] == 0
    assert "reload refused" in d.output()

    # A good file is taken, and the child reloads too.
    d.conf.write_text(VRRP_ONLY)
    reply = request(d.socket, "reload")
    assert reply["ok"] and reply["result"]["reloaded"] is True, reply
    assert reply["result"]["errors"] == 0
    wait_for(lambda: d.status()["subsystems"]["vrrp"].get("reloads") == 1, IO_TIMEOUT,
             "the child to reload")
    st = d.status()
    assert st["last_reload"]["ok"] is True
    assert st["children"][0]["pid"] == child_pid


def test_reload_command_reports_errors(halod_bin, workdir, daemons):
    d = start(daemons, halod_bin, workdir)
    d.wait_ready()
    d.conf.write_text(BROKEN)
    reply = request(d.socket, "reload")
    assert reply["ok"], reply
    r = reply["result"]
    assert r["reloaded"] is False and r["errors"] >= 1
    assert any(f"{d.conf}:11: error: " in m and "virtual_router_id" in m
               for m in r["messages"]), r
    # An unusable file (gone) is refused the same way.
    d.conf.unlink()
    r = request(d.socket, "reload")["result"]
    assert r["reloaded"] is False and r["errors"] == 1
    assert alive(d.pid) and d.status()["last_reload"]["ok"] is False


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_stop_signal_stops_everything_fast(halod_bin, workdir, daemons, sig):
    d = start(daemons, halod_bin, workdir, config=BOTH)
    st = d.wait_ready(children=("vrrp", "lb"))
    pids = [d.pid] + [c["pid"] for c in st["children"]]
    assert len(pids) == 3
    t0 = time.monotonic()
    os.kill(d.pid, sig)
    rc = d.proc.wait(timeout=5)
    elapsed = time.monotonic() - t0
    assert rc == 0, d.output()
    assert elapsed < 2.0, f"stop took {elapsed:.2f}s"
    wait_for(lambda: not any(alive(p) for p in pids), 1.0, "every process to be gone")
    for f in (d.pid_file, d.vrrp_pid_file, d.lb_pid_file, d.socket):
        assert not f.exists(), f
    out = d.output()
    for name, pid in zip(("vrrp", "lb"), pids[1:]):
        assert f"{name} child {pid} exited with status 0" in out, out
    # VRRP stops first: its priority-0 adverts hand over while services still answer.
    assert out.index("stopping vrrp child") < out.index("stopping lb child"), out


def test_killed_child_is_respawned(halod_bin, workdir, daemons):
    d = start(daemons, halod_bin, workdir)
    st = d.wait_ready()
    old = st["children"][0]["pid"]
    os.kill(old, signal.SIGKILL)

    def respawned():
        c = d.child("vrrp")
        return c if c["pid"] and c["pid"] != old and c["running"] else None
    c = wait_for(respawned, 5.0, "a new vrrp child")
    d.started_pids.add(c["pid"])
    assert c["restarts"] == 1
    assert c["last_exit"] == "killed by signal 9"
    assert f"vrrp child {old} killed by signal 9" in d.output()
    assert alive(c["pid"]) and not alive(old)
    assert int(d.vrrp_pid_file.read_text()) == c["pid"]
    # The new child answers.
    wait_for(lambda: d.status()["subsystems"]["vrrp"].get("pid") == c["pid"], IO_TIMEOUT,
             "the new child to answer")


def test_dont_respawn_stops_the_daemon(halod_bin, workdir, daemons):
    d = start(daemons, halod_bin, workdir, extra=["-R"])
    st = d.wait_ready()
    os.kill(st["children"][0]["pid"], signal.SIGKILL)
    rc = d.proc.wait(timeout=5)
    assert rc != 0
    assert "dont-respawn" in d.output()
    assert not d.pid_file.exists()


def test_children_die_with_the_parent(halod_bin, workdir, daemons):
    d = start(daemons, halod_bin, workdir, config=BOTH)
    st = d.wait_ready(children=("vrrp", "lb"))
    kids = [c["pid"] for c in st["children"]]
    os.kill(d.pid, signal.SIGKILL)
    d.proc.wait(timeout=5)
    wait_for(lambda: not any(alive(p) for p in kids), 3.0, "the children to follow the parent")


def test_child_stop_and_restart_restrictions(halod_bin, workdir, daemons):
    # -C on a VRRP-only file: only the LB child, which has nothing to do.
    d = start(daemons, halod_bin, workdir, extra=["-C"])
    st = d.wait_ready(children=("lb",))
    assert [c["name"] for c in st["children"]] == ["lb"]
    assert st["subsystems"]["lb"]["instances"] == 0


def test_background_start_reports_and_runs(halod_bin, workdir, daemons):
    d = start(daemons, halod_bin, workdir, fork=True)
    # The starting process returns once the daemon is up.
    assert d.proc.wait(timeout=START_TIMEOUT) == 0, d.output()
    daemon_pid = wait_for(lambda: d.pid_file.exists() and int(d.pid_file.read_text() or 0),
                          IO_TIMEOUT, "the pid file")
    d.started_pids.add(daemon_pid)
    assert daemon_pid != d.pid and alive(daemon_pid)
    st = wait_for(lambda: d.status()["subsystems"]["vrrp"].get("pid") and d.status(),
                  START_TIMEOUT, "the vrrp child")
    d.started_pids.add(st["children"][0]["pid"])
    assert st["pid"] == daemon_pid
    # A second background start fails and says why, on the terminal.
    again = subprocess.run([halod_bin, "-G", "-f", str(d.conf), "-p", str(d.pid_file),
                            "-r", str(d.dir / "x_vrrp.pid"), "-c", str(d.dir / "x_lb.pid"),
                            "--control-socket", str(d.dir / "x.ctl")],
                           capture_output=True, text=True, timeout=IO_TIMEOUT)
    assert again.returncode == 1
    assert str(d.pid_file) in again.stderr and str(daemon_pid) in again.stderr
    os.kill(daemon_pid, signal.SIGTERM)
    wait_for(lambda: not alive(daemon_pid), 3.0, "the daemon to stop")
    assert not d.pid_file.exists()


def test_unusable_config_refuses_to_start(halod_bin, workdir):
    p = pathlib.Path(workdir)
    r = subprocess.run([halod_bin, "-n", "-l", "-G", "-f", str(p / "missing.conf"),
                        "-p", str(p / "m.pid"), "-r", str(p / "mv.pid"),
                        "-c", str(p / "mc.pid"), "--control-socket", str(p / "m.ctl")],
                       capture_output=True, text=True, timeout=IO_TIMEOUT)
    assert r.returncode == 3, r.stderr
    assert "missing.conf" in r.stderr
    assert not (p / "m.pid").exists() and not (p / "m.ctl").exists()


def test_bad_option_prints_usage_and_fails(halod_bin):
    r = subprocess.run([halod_bin, "-S", "9"], capture_output=True, text=True, timeout=IO_TIMEOUT)
    assert r.returncode == 1
    assert "Usage: halod" in r.stderr and "'9'" in r.stderr


@pytest.mark.parametrize("name,want", [("RELOAD", 1), ("STOP", 15), ("DATA", 10), ("STATS", 12),
                                       ("JSON", signal.SIGRTMIN + 2),
                                       ("STATS_CLEAR", signal.SIGRTMAX - 1)])
def test_signum(halod_bin, name, want):
    r = subprocess.run([halod_bin, f"--signum={name}"], capture_output=True, text=True,
                       timeout=IO_TIMEOUT)
    assert r.returncode == 0 and r.stdout.strip() == str(int(want))


def test_signum_unknown(halod_bin):
    r = subprocess.run([halod_bin, "--signum=NOPE"], capture_output=True, text=True,
                       timeout=IO_TIMEOUT)
    assert r.returncode == 1 and r.stdout == ""


SCRIPTS = """\
vrrp_script chk {
    script "/bin/true"
    interval 2
}
""" + VRRP_ONLY.replace("    priority 100\n", "    priority 100\n    track_script {\n        chk\n    }\n")


@pytest.mark.parametrize("config,code", [
    pytest.param(VRRP_ONLY, 0, id="vrrp-ok"),
    pytest.param(BOTH, 0, id="vrrp-and-lb-ok"),
    pytest.param(None, 3, id="missing-file"),
    pytest.param("vrrp_instance VI_1 {\n    interface x0\n    virtual_router_id 300\n"
                 "    priority 100\n}\n", 4, id="errors"),
    pytest.param(SCRIPTS, 5, id="scripts-without-security"),
    pytest.param("global_defs {\n    enable_script_security\n}\n" + SCRIPTS, 0,
                 id="scripts-with-security"),
])
def test_config_test_exit_codes(halod_bin, workdir, config, code):
    f = pathlib.Path(workdir) / "t.conf"
    if config is not None:
        f.write_text(config)
    r = subprocess.run([halod_bin, "-t", "-f", str(f)], capture_output=True, text=True,
                       timeout=IO_TIMEOUT)
    assert r.returncode == code, r.stderr
    if code in (3, 4):
        line = next(l for l in r.stderr.splitlines() if ": error: " in l)
        assert line.startswith(f"{f}:"), r.stderr
    if code == 4:
        assert f"{f}:3: error: " in r.stderr
    # -t=FILE writes the same report there.
    out = pathlib.Path(workdir) / "report.txt"
    r2 = subprocess.run([halod_bin, f"--config-test={out}", "-f", str(f)], capture_output=True,
                        text=True, timeout=IO_TIMEOUT)
    assert r2.returncode == code
    assert out.read_text() == r.stderr


def test_systemd_notifications(halod_bin, workdir, daemons):
    path = os.path.join(workdir, "notify")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as ns:
        ns.bind(path)
        ns.settimeout(IO_TIMEOUT)

        def expect(pred, what):
            """Reads notifications until one has a line matching `pred`."""
            end = time.monotonic() + IO_TIMEOUT
            while time.monotonic() < end:
                lines = ns.recv(4096).decode().split("\n")
                if any(pred(l) for l in lines):
                    return lines
            raise AssertionError(f"no {what} notification")

        d = start(daemons, halod_bin, workdir, env={"NOTIFY_SOCKET": path})
        expect(lambda l: l == "READY=1", "READY=1")
        lines = expect(lambda l: l.startswith("STATUS="), "STATUS=")
        assert any("vrrp pid" in l for l in lines), lines
        d.wait_ready()
        os.kill(d.pid, signal.SIGHUP)
        lines = expect(lambda l: l == "RELOADING=1", "RELOADING=1")
        assert any(l.startswith("MONOTONIC_USEC=") for l in lines), lines
        expect(lambda l: l == "READY=1", "READY=1 after the reload")
        os.kill(d.pid, signal.SIGTERM)
        expect(lambda l: l == "STOPPING=1", "STOPPING=1")
        assert d.proc.wait(timeout=5) == 0
