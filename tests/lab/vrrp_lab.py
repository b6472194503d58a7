"""Helpers for the VRRP lab scenarios (tests/lab/test_vrrp_*.py).

A lab is a "switch" namespace holding a bridge, plus one namespace per node,
each joined to the bridge by a veth pair created directly between the switch
namespace and the node (eth0 in the node), so nothing is ever created in the
root namespace.  Every name starts with a per-run random prefix.  Node i has
10.99.0.(i+1)/24 and fd99::(i+1)/64 on eth0, with DAD off.

Daemons (halod or Debian's keepalived) run in their node's namespace in a
session of their own (pgid = pid), so a crash is simulated by SIGKILL of that
process group; only the groups the lab started are ever signalled.  Every
wait is bounded.  `Lab.close()` kills what was started and deletes the
namespaces; the fixture calls it even when the test fails or is interrupted.
"""
import json
import os
import pathlib
import re
import secrets
import signal
import socket
import subprocess
import tempfile
import time

CMD_TIMEOUT = 10.0
START_TIMEOUT = 10.0


def sh(*args, check=True, timeout=CMD_TIMEOUT, text=True):
    return subprocess.run([str(a) for a in args], capture_output=True, text=text,
                          check=check, timeout=timeout)


def group_pids(pgid):
    """Every live process of process group `pgid` (a daemon and its children)."""
    pids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            stat = open(f"/proc/{d}/stat").read()
        except OSError:
            continue
        if int(stat[stat.rindex(")") + 2:].split()[2]) == pgid:
            pids.append(int(d))
    return pids


def wait_for(predicate, timeout, what, interval=0.02):
    end = time.monotonic() + timeout
    last = None
    while time.monotonic() < end:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")


def ctl_request(sock_path, cmd, timeout=5.0):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(str(sock_path))
        s.sendall(json.dumps({"cmd": cmd}).encode() + b"\n")
        buf = b""
        while not buf.endswith(b"\n"):
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
    return json.loads(buf)


def vrrp_conf(name="VI_1", vrid=51, priority=100, interval="1", version=None, auth=True,
              vips=("10.99.0.100/24",), nopreempt=False, extra="", unicast_src=None,
              peers=(), globals_extra="", interface="eth0"):
    """A keepalived.conf with one instance, readable by halod and keepalived."""
    g = ""
    if version or globals_extra:
        g = "global_defs {\n"
        if version:
            g += f"    vrrp_version {version}\n"
        g += globals_extra + "}\n"
    lines = [f"vrrp_instance {name} {{", "    state BACKUP", f"    interface {interface}",
             f"    virtual_router_id {vrid}", f"    priority {priority}",
             f"    advert_int {interval}"]
    if nopreempt:
        lines.append("    nopreempt")
    if auth:
        lines += ["    authentication {", "        auth_type PASS", "        auth_pass s3cret",
                  "    }"]
    if unicast_src:
        lines.append(f"    unicast_src_ip {unicast_src}")
    if peers:
        lines.append("    unicast_peer {")
        lines += [f"        {p}" for p in peers]
        lines.append("    }")
    lines.append("    virtual_ipaddress {")
    lines += [f"        {v}" for v in vips]
    lines.append("    }")
    if extra:
        lines.append(extra)
    lines.append("}")
    return g + "\n".join(lines) + "\n"


class Daemon:
    """halod or keepalived in a node namespace, in its own session."""

    def __init__(self, lab, node, kind, conf_text, argv_extra=()):
        self.lab, self.node, self.kind = lab, node, kind
        n = len(lab.daemons)
        self.dir = pathlib.Path(lab.tmp) / f"{kind}{n}"
        self.dir.mkdir()
        self.conf = self.dir / "conf"
        self.conf.write_text(conf_text)
        self.socket = self.dir / "ctl"
        self.logf = open(self.dir / "log", "w+")
        p = self.dir
        if kind == "halod":
            argv = [lab.halod_bin, "-n", "-l", "-G", "-f", self.conf, "-p", p / "h.pid",
                    "-r", p / "v.pid", "-c", p / "c.pid", "--control-socket", self.socket]
        else:
            argv = ["keepalived", "-n", "-l", "-D", "--vrrp", "-f", self.conf,
                    "-p", p / "k.pid", "-r", p / "kv.pid", "-c", p / "kc.pid"]
        argv += list(argv_extra)
        self.proc = subprocess.Popen(["ip", "netns", "exec", node.ns] + [str(a) for a in argv],
                                     stdout=self.logf, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.pgid = self.proc.pid
        lab.daemons.append(self)

    def output(self):
        self.logf.flush()
        self.logf.seek(0)
        return self.logf.read()

    def alive(self):
        return self.proc.poll() is None

    def status(self):
        r = ctl_request(self.socket, "status")
        assert r["ok"], r
        return r["result"]

    def instances(self):
        return self.status()["subsystems"]["vrrp"].get("instances", [])

    def instance(self, name="VI_1"):
        for i in self.instances():
            if i["name"] == name:
                return i
        raise AssertionError(f"no instance {name} in {self.instances()}")

    def vrrp_status(self):
        return self.status()["subsystems"]["vrrp"]

    def wait_ready(self):
        def ready():
            if not self.alive():
                raise AssertionError(f"{self.kind} exited:\n{self.output()}")
            if self.kind != "halod":
                return True
            try:
                return bool(self.instances())
            except (OSError, ValueError, KeyError, AssertionError):
                return False
        wait_for(ready, START_TIMEOUT, f"{self.kind} to start in {self.node.ns}")
        return self

    def state(self, name="VI_1"):
        return self.instance(name)["state"]

    def reload(self, text, timeout=5.0):
        """Rewrites the configuration, sends SIGHUP and waits until the VRRP
        child has applied it (its `reloads` count moved on)."""
        before = self.vrrp_status()["reloads"]
        self.conf.write_text(text)
        self.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: self.vrrp_status()["reloads"] == before + 1, timeout, "the reload")

    def wait_state(self, state, timeout=10.0, name="VI_1"):
        def check():
            if not self.alive():
                raise AssertionError(f"{self.kind} exited:\n{self.output()}")
            try:
                return self.state(name) == state
            except (OSError, ValueError, KeyError):
                return False
        return wait_for(check, timeout, f"{self.node.ns} {name} to be {state}")

    def signal_group(self, sig):
        try:
            os.killpg(self.pgid, sig)
        except ProcessLookupError:
            pass

    def kill(self):
        """A crash: SIGKILL of the whole process group."""
        self.signal_group(signal.SIGKILL)
        self.proc.wait(timeout=5)

    def term(self, timeout=10.0):
        """A clean stop: SIGTERM to the main process, wait for it."""
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=timeout)

    def close(self):
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        self.signal_group(signal.SIGKILL)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        self.logf.close()


class Node:
    def __init__(self, lab, idx):
        self.lab, self.idx = lab, idx
        self.ns = f"{lab.prefix}n{idx}"
        self.port = f"p{idx}"
        self.ip4 = f"10.99.0.{idx + 1}"
        self.ip6 = f"fd99::{idx + 1}"

    def ip(self, *args, **kw):
        return sh("ip", "-n", self.ns, *args, **kw)

    def addrs(self, dev="eth0"):
        out = self.ip("-j", "addr", "show", "dev", dev).stdout
        res = []
        for link in json.loads(out or "[]"):
            for a in link.get("addr_info", []):
                res.append(f"{a['local']}/{a['prefixlen']}")
        return res

    def has(self, prefix):
        return prefix in self.addrs()

    def link6(self):
        for a in self.addrs():
            if a.startswith("fe80:"):
                return a.split("/")[0]
        return None


class Lab:
    def __init__(self, nodes, halod_bin=None):
        self.prefix = "hv" + secrets.token_hex(3)
        self.sw = f"{self.prefix}sw"
        self.halod_bin = halod_bin
        self.daemons = []
        self.captures = []
        self.namespaces = []
        self.tmpdir = tempfile.TemporaryDirectory(prefix="halo-v-", dir="/tmp")
        self.tmp = self.tmpdir.name
        try:
            self._build(nodes)
        except BaseException:
            self.close()
            raise

    def _add_ns(self, name):
        sh("ip", "netns", "add", name)
        self.namespaces.append(name)
        sh("ip", "-n", name, "link", "set", "lo", "up")

    def _build(self, n):
        self._add_ns(self.sw)
        # The switch is a plain layer-2 switch: where br_netfilter is loaded
        # on the host, bridged frames would otherwise go through iptables in
        # the sender's context (about a fifth of a VRRP master's CPU in
        # bench/scale), which no real switch puts on a router.
        for fam in ("iptables", "ip6tables", "arptables"):
            sh("ip", "netns", "exec", self.sw, "sysctl", "-q", "-w",
               f"net.bridge.bridge-nf-call-{fam}=0", check=False)
        sh("ip", "-n", self.sw, "link", "add", "br0", "type", "bridge", "mcast_snooping", "0",
           "forward_delay", "0")
        sh("ip", "-n", self.sw, "link", "set", "br0", "up")
        self.nodes = []
        for i in range(n):
            node = Node(self, i)
            self._add_ns(node.ns)
            for k in ("all", "default"):
                sh("ip", "netns", "exec", node.ns, "sysctl", "-q", "-w",
                   f"net.ipv6.conf.{k}.accept_dad=0")
            sh("ip", "-n", self.sw, "link", "add", node.port, "type", "veth", "peer", "name",
               "eth0", "netns", node.ns)
            sh("ip", "-n", self.sw, "link", "set", node.port, "master", "br0", "up")
            node.ip("addr", "add", f"{node.ip4}/24", "dev", "eth0")
            node.ip("addr", "add", f"{node.ip6}/64", "dev", "eth0")
            node.ip("link", "set", "eth0", "up")
            self.nodes.append(node)
        for node in self.nodes:
            wait_for(node.link6, 5, f"link-local address in {node.ns}")

    def halod(self, node, conf, extra=()):
        return Daemon(self, node, "halod", conf, extra).wait_ready()

    def keepalived(self, node, conf):
        return Daemon(self, node, "keepalived", conf).wait_ready()

    def capture(self, name="cap", filt="ip proto 112 or ip6 proto 112 or arp or icmp6"):
        """tcpdump on the bridge in the switch namespace; returns the pcap path."""
        path = pathlib.Path(self.tmp) / f"{name}.pcap"
        # -B: an 8 MiB ring, so a burst of adverts is not dropped while
        # tcpdump (woken per packet in immediate mode) catches up.
        p = subprocess.Popen(["ip", "netns", "exec", self.sw, "tcpdump", "-i", "br0", "-U", "--immediate-mode",
                              "-B", "8192", "-n", "-w", str(path), filt],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             start_new_session=True)
        self.captures.append(p)
        # tcpdump says "listening on" on stderr once the capture is live.
        end = time.monotonic() + 5
        buf = b""
        os.set_blocking(p.stderr.fileno(), False)
        while time.monotonic() < end and b"listening" not in buf:
            try:
                buf += p.stderr.read() or b""
            except (BlockingIOError, TypeError):
                pass
            time.sleep(0.02)
        assert b"listening" in buf, buf
        return path, p

    def stop_capture(self, p):
        """Stops tcpdump; fails if it dropped packets, since whatever a test
        then concludes from the capture (a missing advert, a gap) would be
        about the capture, not about the daemons."""
        time.sleep(0.2)
        p.send_signal(signal.SIGINT)
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=5)
            return
        if p.stderr is None:  # not a capture of ours (the demo's client)
            return
        err = p.stderr.read() or b""
        assert tcpdump_drops(err) == 0, f"the capture dropped packets: {err!r}"

    def close(self):
        """Kills what was started, deletes the namespaces; then fails if a
        daemon's output shows a sanitizer finding (sanitizer builds)."""
        logs = []
        for d in self.daemons:
            try:
                d.close()
                logs.append(open(d.dir / "log").read())
            except Exception:
                pass
        for p in self.captures:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=5)
        for ns in reversed(self.namespaces):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True, timeout=CMD_TIMEOUT)
        self.tmpdir.cleanup()
        for out in logs:
            assert "Sanitizer" not in out and "runtime error:" not in out, out


def tcpdump_drops(stderr):
    """The "N packets dropped by kernel" tcpdump prints on exit (0 if absent)."""
    m = re.search(rb"(\d+) packets? dropped by kernel", stderr or b"")
    return int(m.group(1)) if m else 0


def tshark_vrrp(pcap, extra_fields=()):
    """Every VRRP packet in `pcap` as a dict: time, src, ver, vrid, prio, expert info."""
    fields = ["frame.time_relative", "ip.src", "ipv6.src", "ip.ttl", "ipv6.hlim",
              "vrrp.version", "vrrp.virt_rtr_id", "vrrp.prio", "vrrp.checksum.status",
              "_ws.expert.message", "_ws.malformed"] + list(extra_fields)
    argv = ["tshark", "-r", str(pcap), "-Y", "vrrp", "-T", "fields", "-E", "separator=|",
            "-o", "vrrp.v3_checksum_as_in_v2:FALSE"]
    for f in fields:
        argv += ["-e", f]
    out = sh(*argv, check=False).stdout
    res = []
    for line in out.splitlines():
        v = line.split("|")
        d = dict(zip(fields, v))
        res.append({"t": float(d["frame.time_relative"]),
                    "src": d["ip.src"] or d["ipv6.src"],
                    "ttl": d["ip.ttl"] or d["ipv6.hlim"],
                    "version": d["vrrp.version"], "vrid": d["vrrp.virt_rtr_id"],
                    "prio": int(d["vrrp.prio"] or -1),
                    "csum": d["vrrp.checksum.status"],
                    "expert": d["_ws.expert.message"], "malformed": d["_ws.malformed"],
                    **{f: d[f] for f in extra_fields}})
    return res


def tshark_arp(pcap):
    """Gratuitous ARP requests: list of (time, sender IP)."""
    out = sh("tshark", "-r", str(pcap), "-Y", "arp.opcode == 1 && arp.src.proto_ipv4 == arp.dst.proto_ipv4",
             "-T", "fields", "-e", "frame.time_relative", "-e", "arp.src.proto_ipv4",
             check=False).stdout
    return [(float(a), b) for a, b in (l.split("\t") for l in out.splitlines() if "\t" in l)]


# ---- appended by helper O: shared /tmp dump files, a probe client, a monitor ----

DUMP_LOCK = "/tmp/halo-lab-dumps.lock"


class dump_lock:
    """Serialises tests that make a daemon write keepalived's fixed dump
    files (/tmp/keepalived.{data,stats,json}): halod and keepalived both
    write there, so two such tests running at once would read each other's
    files.  An flock, released when the test's `with` block ends."""

    def __enter__(self):
        import fcntl
        self.f = open(DUMP_LOCK, "a")
        fcntl.flock(self.f, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        self.f.close()


def fresh_file(path, since, text):
    """True once `path` was written at or after `since` (wall clock) and
    contains `text`."""
    try:
        return os.stat(path).st_mtime >= since and text in open(path).read()
    except (OSError, ValueError):
        return False


class Bg:
    """A command in a node namespace in the background (own session), its
    output in a file; `stop()` sends `sig` and returns the output."""

    def __init__(self, lab, node_ns, argv, name):
        self.path = pathlib.Path(lab.tmp) / f"{name}.out"
        self.f = open(self.path, "w+")
        self.proc = subprocess.Popen(["ip", "netns", "exec", node_ns] + [str(a) for a in argv],
                                     stdout=self.f, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        lab.captures.append(self.proc)

    def stop(self, sig=signal.SIGINT, timeout=5):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=timeout)
        self.f.flush()
        self.f.seek(0)
        out = self.f.read()
        self.f.close()
        return out


def ping_summary(out):
    """(transmitted, received) from iputils ping's summary line."""
    import re
    m = re.search(r"(\d+) packets transmitted, (\d+) received", out)
    assert m, out
    return int(m.group(1)), int(m.group(2))
