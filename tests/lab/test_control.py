"""The control socket of a real halod, through raw sockets and haloctl.

Each daemon runs in a network namespace of its own (`unshare -n`, which dies
with its last process, so nothing is left behind), with its own pid files and
socket in a short temporary directory.  Only the process group each test
started is ever signalled.  Needs root (for the namespace).
"""
import json
import os
import pathlib
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time

import pytest

CONFIG = """\
vrrp_instance VI_1 {
    interface lo
    virtual_router_id 51
    priority 100
    virtual_ipaddress {
        10.99.0.1
    }
}
"""

START_TIMEOUT = 10.0
STOP_TIMEOUT = 10.0
IO_TIMEOUT = 5.0

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root for a network namespace")


def wait_for(predicate, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class Halod:
    """One halod process group, started by this test and only stopped by it."""

    def __init__(self, binary, workdir, pid_file, socket_path=None):
        self.dir = pathlib.Path(workdir)
        self.conf = self.dir / "keepalived.conf"
        self.conf.write_text(CONFIG)
        self.pid_file = pathlib.Path(pid_file)
        self.socket = (pathlib.Path(socket_path) if socket_path
                       else self.pid_file.with_suffix(".sock"))
        self.log = open(self.dir / f"{self.pid_file.stem}.log", "w+")
        argv = [binary, "-n", "-l", "-f", str(self.conf), "-p", str(self.pid_file),
                "-r", str(self.dir / f"{self.pid_file.stem}-vrrp.pid"),
                "-c", str(self.dir / f"{self.pid_file.stem}-lb.pid")]
        if socket_path:
            argv += ["--control-socket", str(socket_path)]
        # sh brings lo up in the fresh namespace and execs halod, so the pid
        # we hold is halod's own.
        script = 'ip link set lo up && exec "$@"'
        self.proc = subprocess.Popen(["unshare", "-n", "sh", "-c", script, "sh"] + argv,
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    @property
    def pid(self):
        return self.proc.pid

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def wait_ready(self):
        def answering():
            if self.proc.poll() is not None:
                raise AssertionError(f"halod exited with {self.proc.returncode}:\n{self.output()}")
            try:
                return request(self.socket, {"cmd": "ping"}).get("ok") is True
            except OSError:
                return False
        wait_for(answering, START_TIMEOUT, f"{self.socket} to answer")
        return self

    def stop(self):
        """Stops the daemon; returns everything it printed."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(STOP_TIMEOUT)
        out = self.output()
        self.log.close()
        return out


@pytest.fixture
def workdir():
    # Short, so socket paths stay far below the 108-byte sun_path limit.
    d = tempfile.mkdtemp(prefix="halo-ctl-", dir="/tmp")
    yield pathlib.Path(d)
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def halod(halod_bin, workdir):
    daemons = []

    def start(pid_name="halod.pid", socket_name="ctl.sock", ready=True):
        h = Halod(halod_bin, workdir, workdir / pid_name,
                  workdir / socket_name if socket_name else None)
        daemons.append(h)
        return h.wait_ready() if ready else h

    yield start
    outputs = [h.stop() for h in daemons]
    # Under a sanitizer build, a memory error anywhere in the exchange
    # surfaces here even when every reply looked right.
    for out in outputs:
        for marker in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"):
            assert marker not in out, out


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(IO_TIMEOUT)
    s.connect(str(path))
    return s


def read_line(s):
    # One byte at a time, so a second reply stays in the socket for the
    # next call.
    buf = b""
    while not buf.endswith(b"\n"):
        chunk = s.recv(1)
        if not chunk:
            break
        buf += chunk
    return buf


def read_reply(s):
    line = read_line(s)
    assert line.endswith(b"\n"), f"no complete reply line: {line!r}"
    return json.loads(line)


def request(path, obj):
    with connect(path) as s:
        s.sendall(json.dumps(obj).encode() + b"\n")
        return read_reply(s)


def assert_closed(s):
    # Closing with our unread bytes still queued makes the kernel report a
    # reset instead of an orderly end of stream; both mean "closed".
    try:
        assert s.recv(1) == b"", "the server should have closed the connection"
    except ConnectionResetError:
        pass


def haloctl(binary, *args):
    return subprocess.run([binary, *args], capture_output=True, text=True, timeout=15)


def test_garbage_gets_an_error_and_the_daemon_stays_up(halod):
    d = halod()
    for garbage in (b"this is not json\n", b"[1, 2, 3]\n", b'{"command": "ping"}\n',
                    b'{"cmd": 7}\n', b'{"cmd": "ping"\n'):
        with connect(d.socket) as s:
            s.sendall(garbage)
            reply = read_reply(s)
            assert reply["ok"] is False
            assert reply["error"].startswith("malformed request: "), reply
            assert_closed(s)
    assert d.proc.poll() is None
    assert request(d.socket, {"cmd": "ping"})["ok"] is True


def test_oversize_request_is_refused(halod):
    d = halod()
    with connect(d.socket) as s:
        # No newline at all: the server must give up at 64 KiB, not wait.
        try:
            s.sendall(b"x" * (70 * 1024))
        except (BrokenPipeError, ConnectionResetError):
            pass
        reply = read_reply(s)
        assert reply == {"ok": False, "error": "request too large (the limit is 65536 bytes)"}
        assert_closed(s)
    assert d.proc.poll() is None
    assert request(d.socket, {"cmd": "ping"})["ok"] is True


def test_unknown_command_keeps_the_connection(halod):
    d = halod()
    with connect(d.socket) as s:
        s.sendall(b'{"cmd": "frobnicate"}\n')
        assert read_reply(s) == {"ok": False, "error": "unknown command 'frobnicate'"}
        s.sendall(b'{"cmd": "ping"}\n')
        assert read_reply(s)["ok"] is True


def test_requests_are_answered_in_order_on_one_connection(halod):
    d = halod()
    with connect(d.socket) as s:
        s.sendall(b'{"cmd": "status"}\n{"cmd": "help"}\n')
        first, second = read_reply(s), read_reply(s)
    assert first["result"]["pid"] == d.pid
    names = [c["name"] for c in second["result"]["commands"]]
    assert {"help", "status", "reload", "ping"} <= set(names)


def test_haloctl_status(halod, haloctl_bin):
    d = halod()
    r = haloctl(haloctl_bin, "-s", str(d.socket), "status")
    assert r.returncode == 0, r.stderr
    fields = {}
    for line in r.stdout.splitlines():
        key, sep, value = line.partition(":")
        if sep and not line.startswith(" "):
            fields[key] = value.strip()
    assert fields["pid"] == str(d.pid)
    assert fields["config file"] == str(d.conf)
    assert fields["control socket"] == str(d.socket)
    assert "vrrp" in r.stdout
    assert "not started: the configuration has no virtual_server" in r.stdout


@pytest.mark.parametrize("argv", [["status", "--json"], ["--json", "status"]])
def test_haloctl_status_json(halod, haloctl_bin, argv):
    d = halod()
    r = haloctl(haloctl_bin, "-s", str(d.socket), *argv)
    assert r.returncode == 0, r.stderr
    st = json.loads(r.stdout)
    assert st["pid"] == d.pid
    assert st["config_file"] == str(d.conf)
    assert st["pid_file"] == str(d.pid_file)
    assert st["control_socket"] == str(d.socket)
    assert isinstance(st["uptime_s"], (int, float)) and st["uptime_s"] >= 0
    assert {c["name"] for c in st["children"]} >= {"vrrp"}
    # No virtual_server: no LB child, and the reply says so rather than
    # leaving the subsystem out.
    assert [c["name"] for c in st["children"]] == ["vrrp"]
    assert st["subsystems"]["lb"] == {
        "running": False, "why": "not started: the configuration has no virtual_server"}
    assert "instances" in st["subsystems"]["vrrp"]


def test_haloctl_errors_and_exit_codes(halod, haloctl_bin, workdir):
    d = halod()
    r = haloctl(haloctl_bin, "-s", str(d.socket), "raw", '{"cmd": "frobnicate"}')
    assert r.returncode == 1
    assert json.loads(r.stdout) == {"ok": False, "error": "unknown command 'frobnicate'"}
    missing = workdir / "nobody.sock"
    r = haloctl(haloctl_bin, "-s", str(missing), "status")
    assert r.returncode == 2
    assert r.stderr.startswith(f"haloctl: cannot connect to {missing}: ")
    assert r.stderr.rstrip().endswith("(is halod running?)")
    assert haloctl(haloctl_bin, "frobnicate").returncode == 64
    assert haloctl(haloctl_bin, "-s", str(d.socket), "ping").returncode == 0


def test_socket_mode_is_0600(halod):
    d = halod()
    st = os.lstat(d.socket)
    assert stat.S_ISSOCK(st.st_mode)
    assert stat.S_IMODE(st.st_mode) == 0o600


def test_default_socket_follows_the_pid_file(halod, haloctl_bin, workdir):
    d = halod(pid_name="x.pid", socket_name=None)
    assert d.socket == workdir / "x.sock"
    assert stat.S_ISSOCK(os.lstat(d.socket).st_mode)
    r = haloctl(haloctl_bin, "-p", str(workdir / "x.pid"), "--json", "status")
    assert r.returncode == 0, r.stderr
    st = json.loads(r.stdout)
    assert st["pid"] == d.pid
    assert st["control_socket"] == str(workdir / "x.sock")


def test_second_daemon_on_the_same_socket_is_refused(halod):
    first = halod()
    second = halod(pid_name="other.pid", ready=False)
    try:
        second.proc.wait(START_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail("a second halod on a busy control socket kept running")
    assert second.proc.returncode != 0
    assert f"control socket {first.socket} is in use by another process" in second.output()
    assert request(first.socket, {"cmd": "ping"})["ok"] is True


def test_stop_removes_the_socket(halod):
    d = halod()
    os.killpg(d.pid, signal.SIGTERM)
    d.proc.wait(STOP_TIMEOUT)
    assert not d.socket.exists()


def test_stale_socket_after_a_crash_is_replaced(halod):
    d = halod()
    os.killpg(d.pid, signal.SIGKILL)
    d.proc.wait(STOP_TIMEOUT)
    assert stat.S_ISSOCK(os.lstat(d.socket).st_mode), "SIGKILL should leave the file behind"
    again = halod()
    assert request(again.socket, {"cmd": "status"})["result"]["pid"] == again.pid


def test_haloctl_reload_exit_status(halod, haloctl_bin):
    d = halod()
    d.conf.write_text("vrrp_instance VI_1 {\n    no_such_keyword 1\n}\n")
    r = haloctl(haloctl_bin, "-s", str(d.socket), "reload")
    assert r.returncode == 1, r.stdout + r.stderr
    assert r.stdout.startswith("reload: rejected, ")
    assert f"{d.conf}:2: error: " in r.stdout
    st = json.loads(haloctl(haloctl_bin, "-s", str(d.socket), "--json", "status").stdout)
    assert st["last_reload"]["ok"] is False and st["last_reload"]["errors"] >= 1

    d.conf.write_text(CONFIG)
    r = haloctl(haloctl_bin, "-s", str(d.socket), "reload", "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    assert json.loads(r.stdout)["errors"] == 0
    r = haloctl(haloctl_bin, "-s", str(d.socket), "status")
    assert "ok, 0 errors" in r.stdout
