"""src/net against a real kernel: rtnetlink addresses, link events, gratuitous
ARP and unsolicited NA, driven through tests/lab/nettool.

Each test gets two fresh namespaces, A and B, named with a per-run random
prefix and joined by a veth pair (eth0 in each); nothing is created in the
root namespace.  The namespaces are deleted in the fixture's teardown even
when a test fails, and the only processes ever killed are the ones a test
started (nettool link-watch, tcpdump), by their Popen handle.  Every wait is
bounded.  Packets are captured in B with tcpdump and decoded with tshark.

Run as root:  HALO_BUILD_DIR=build-g /usr/bin/python3 -m pytest tests/lab/test_net.py
"""
import json
import os
import secrets
import select
import shutil
import subprocess
import tempfile
import time

import pytest

CMD_TIMEOUT = 10.0
EVENT_TIMEOUT = 5.0
CAPTURE_TIMEOUT = 10.0

# nettool exit statuses (see the comment at the top of nettool.c).
EXIT_EEXIST = 3
EXIT_EADDRNOTAVAIL = 4

# Kernel IFA_F_* bits as nettool addr-list prints them.
IFA_F_NODAD = 0x02
IFA_F_PERMANENT = 0x80
IFA_F_NOPREFIXROUTE = 0x200


def sh(*args, check=True, timeout=CMD_TIMEOUT):
    return subprocess.run(list(args), capture_output=True, text=True,
                          check=check, timeout=timeout)


class Lab:
    """Namespaces A and B with eth0 <-> eth0, and the processes started in them."""

    def __init__(self, nettool):
        prefix = "hn" + secrets.token_hex(3)
        self.a, self.b = prefix + "a", prefix + "b"
        self.nettool_bin = nettool
        self.procs = []
        self.tmp = tempfile.mkdtemp(prefix="halo-net-")

    def setup(self):
        sh("ip", "netns", "add", self.a)
        sh("ip", "netns", "add", self.b)
        sh("ip", "-n", self.a, "link", "add", "eth0", "type", "veth",
           "peer", "name", "eth0", "netns", self.b)
        for ns in (self.a, self.b):
            # Addresses must be usable at once, not tentative for a second.
            self.exec(ns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0",
                      "net.ipv6.conf.default.accept_dad=0",
                      "net.ipv6.conf.eth0.accept_dad=0")
            sh("ip", "-n", ns, "link", "set", "lo", "up")
            sh("ip", "-n", ns, "link", "set", "eth0", "up")

    def teardown(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
            try:
                p.wait(timeout=CMD_TIMEOUT)
            except subprocess.TimeoutExpired:
                pass
        for ns in (self.a, self.b):
            sh("ip", "netns", "del", ns, check=False)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def exec(self, ns, *args, check=True):
        return sh("ip", "netns", "exec", ns, *args, check=check)

    def nettool(self, *args, ns=None):
        return self.exec(ns or self.a, self.nettool_bin, *args, check=False)

    def spawn(self, ns, *args):
        p = subprocess.Popen(["ip", "netns", "exec", ns, *args],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.procs.append(p)
        return p

    def addrs(self, ns=None):
        out = sh("ip", "-n", ns or self.a, "-j", "addr", "show", "dev", "eth0").stdout
        return json.loads(out)[0]["addr_info"]

    def mac(self, ns=None):
        out = sh("ip", "-n", ns or self.a, "-j", "link", "show", "dev", "eth0").stdout
        return json.loads(out)[0]["address"]


@pytest.fixture
def lab(nettool_bin):
    lab = Lab(nettool_bin)
    try:
        lab.setup()
        yield lab
    finally:
        lab.teardown()


def find(addrs, local):
    return [a for a in addrs if a["local"] == local]


class Lines:
    """Reads a child's stdout line by line with a deadline per line."""

    def __init__(self, proc):
        self.proc, self.buf = proc, b""

    def next(self, timeout=EVENT_TIMEOUT):
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([self.proc.stdout], [], [], left)
            if r:
                chunk = os.read(self.proc.stdout.fileno(), 4096)
                if not chunk:
                    return None
                self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode()

    def wait_for(self, pred, timeout=EVENT_TIMEOUT):
        """Returns the first line satisfying pred, with the lines skipped."""
        deadline, seen = time.monotonic() + timeout, []
        while time.monotonic() < deadline:
            line = self.next(deadline - time.monotonic())
            if line is None:
                break
            if pred(line):
                return line, seen
            seen.append(line)
        return None, seen


# --- addresses ---------------------------------------------------------------

def test_v4_add_with_label_and_broadcast_then_delete(lab):
    r = lab.nettool("addr-add", "eth0", "10.77.0.10/24", "label", "eth0:vip",
                    "brd", "10.77.0.255")
    assert r.returncode == 0, r.stderr
    [a] = find(lab.addrs(), "10.77.0.10")
    assert a["family"] == "inet"
    assert a["prefixlen"] == 24
    assert a["label"] == "eth0:vip"
    assert a["broadcast"] == "10.77.0.255"
    assert a["scope"] == "global"

    r = lab.nettool("addr-del", "eth0", "10.77.0.10/24")
    assert r.returncode == 0, r.stderr
    assert find(lab.addrs(), "10.77.0.10") == []


def test_v6_add_nodad_and_deprecated(lab):
    r = lab.nettool("addr-add", "eth0", "fd00:77::10/64", "nodad")
    assert r.returncode == 0, r.stderr
    # keepalived's default for a /128 VIP: preferred_lft 0 (deprecated).
    r = lab.nettool("addr-add", "eth0", "fd00:77::11/128", "nodad", "preferred-lft", "0")
    assert r.returncode == 0, r.stderr
    [a] = find(lab.addrs(), "fd00:77::10")
    assert a["prefixlen"] == 64
    assert a.get("nodad") is True
    assert a.get("tentative") is not True
    [b] = find(lab.addrs(), "fd00:77::11")
    assert b.get("nodad") is True
    assert b.get("deprecated") is True
    assert b["preferred_life_time"] == 0

    assert lab.nettool("addr-del", "eth0", "fd00:77::10/64").returncode == 0
    assert find(lab.addrs(), "fd00:77::10") == []
    assert find(lab.addrs(), "fd00:77::11") != []


def test_add_twice_is_eexist_and_delete_twice_is_eaddrnotavail(lab):
    assert lab.nettool("addr-add", "eth0", "10.77.0.20/24").returncode == 0
    r = lab.nettool("addr-add", "eth0", "10.77.0.20/24")
    assert r.returncode == EXIT_EEXIST
    assert r.stderr.startswith("EEXIST: add 10.77.0.20/24")
    assert lab.nettool("addr-add", "eth0", "fd00:77::20/64", "nodad").returncode == 0
    assert lab.nettool("addr-add", "eth0", "fd00:77::20/64", "nodad").returncode == EXIT_EEXIST

    assert lab.nettool("addr-del", "eth0", "10.77.0.20/24").returncode == 0
    r = lab.nettool("addr-del", "eth0", "10.77.0.20/24")
    assert r.returncode == EXIT_EADDRNOTAVAIL
    assert r.stderr.startswith("EADDRNOTAVAIL: delete 10.77.0.20/24")
    assert lab.nettool("addr-del", "eth0", "fd00:77::20/64").returncode == 0
    assert lab.nettool("addr-del", "eth0", "fd00:77::20/64").returncode == EXIT_EADDRNOTAVAIL


def test_other_errors_are_neither_eexist_nor_eaddrnotavail(lab):
    r = lab.nettool("addr-add", "nosuch0", "10.77.0.30/24")
    assert r.returncode == 1
    assert "No such device" in r.stderr
    # A label on an IPv6 address is refused before reaching the kernel.
    r = lab.nettool("addr-add", "eth0", "fd00:77::30/64", "label", "eth0:x")
    assert r.returncode == 1
    assert "label" in r.stderr


def test_noprefixroute(lab):
    assert lab.nettool("addr-add", "eth0", "10.78.0.10/24", "noprefixroute").returncode == 0
    assert lab.nettool("addr-add", "eth0", "10.79.0.10/24").returncode == 0
    [a] = find(lab.addrs(), "10.78.0.10")
    assert a.get("noprefixroute") is True
    routes = json.loads(sh("ip", "-n", lab.a, "-j", "route", "show", "dev", "eth0").stdout)
    dsts = {r["dst"] for r in routes}
    assert "10.79.0.0/24" in dsts
    assert "10.78.0.0/24" not in dsts


def parse_addr_list(text):
    """nettool addr-list lines -> {(local, prefixlen): fields}."""
    out = {}
    for line in text.splitlines():
        f = line.split()
        kv = dict(zip(f[2::2], f[3::2]))
        local, plen = f[1].rsplit("/", 1)
        out[(local, int(plen))] = {"family": f[0], **kv}
    return out


def test_addr_list_matches_ip(lab):
    for args in (["10.77.0.40/24", "label", "eth0:a"], ["10.77.0.41/24"],
                 ["fd00:77::40/64", "nodad"], ["10.80.0.1/16", "brd", "10.80.255.255"]):
        assert lab.nettool("addr-add", "eth0", *args).returncode == 0
    r = lab.nettool("addr-list", "eth0")
    assert r.returncode == 0, r.stderr
    ours = parse_addr_list(r.stdout)
    theirs = {(a["local"], a["prefixlen"]): a for a in lab.addrs()}
    assert set(ours) == set(theirs)
    assert len(ours) == 5  # the four above and the IPv6 link-local
    for key, a in theirs.items():
        o = ours[key]
        assert o["family"] == a["family"]
        # The kernel reports a label (the interface name by default) for
        # IPv4 only.
        want_label = a.get("label", "-") if a["family"] == "inet" else "-"
        assert o["label"] == want_label
        assert o["brd"] == a.get("broadcast", "-")
        flags = int(o["flags"], 16)
        assert bool(flags & IFA_F_NODAD) == bool(a.get("nodad"))
        assert bool(flags & IFA_F_PERMANENT) == (a.get("dynamic") is not True)
        scope = {"0": "global", "253": "link", "254": "host"}[o["scope"]]
        assert scope == a["scope"]
    # The family filter.
    v6 = parse_addr_list(lab.nettool("addr-list", "eth0", "6").stdout)
    assert {k for k in theirs if ":" in k[0]} == set(v6)


# --- links -------------------------------------------------------------------

def test_link_show(lab):
    r = lab.nettool("link-show", "eth0")
    assert r.returncode == 0, r.stderr
    f = r.stdout.split()
    assert f[1] == "eth0" and f[4] == "up"
    assert f[-1] == lab.mac()
    ifindex = json.loads(sh("ip", "-n", lab.a, "-j", "link", "show", "dev", "eth0").stdout)[0]["ifindex"]
    assert int(f[3]) == ifindex


def test_link_watch_reports_down_then_up(lab):
    p = lab.spawn(lab.a, lab.nettool_bin, "link-watch", "30", "eth0")
    lines = Lines(p)
    assert lines.next(CMD_TIMEOUT) == "ready"

    def is_link(state):
        return lambda line: line.startswith("link eth0 ") and f" {state} " in line

    # Administrative down/up of our own end (IFF_UP).
    sh("ip", "-n", lab.a, "link", "set", "eth0", "down")
    line, seen = lines.wait_for(is_link("down"))
    assert line, f"no down event, saw {seen}"
    sh("ip", "-n", lab.a, "link", "set", "eth0", "up")
    line, seen = lines.wait_for(is_link("up"))
    assert line, f"no up event, saw {seen}"
    assert " operstate 6 " in line  # IF_OPER_UP

    # Carrier loss: the peer end goes down, ours stays IFF_UP but loses
    # IFF_RUNNING (operstate LOWERLAYERDOWN), which VRRP must see as down.
    sh("ip", "-n", lab.b, "link", "set", "eth0", "down")
    line, seen = lines.wait_for(is_link("down"))
    assert line, f"no carrier-down event, saw {seen}"
    assert " operstate 2 " in line  # IF_OPER_LOWERLAYERDOWN
    sh("ip", "-n", lab.b, "link", "set", "eth0", "up")
    line, seen = lines.wait_for(is_link("up"))
    assert line, f"no carrier-up event, saw {seen}"

    # Address events arrive on the same handle.
    assert lab.nettool("addr-add", "eth0", "10.77.0.50/24").returncode == 0
    line, seen = lines.wait_for(lambda l: l.startswith("addr new 10.77.0.50/24"))
    assert line, f"no address event, saw {seen}"


# --- gratuitous ARP and unsolicited NA ----------------------------------------

def start_capture(lab, name, count, bpf):
    """tcpdump in B; returns once it is listening (or fails the test)."""
    path = os.path.join(lab.tmp, name)
    p = lab.spawn(lab.b, "timeout", str(int(CAPTURE_TIMEOUT)), "tcpdump", "-U", "-n",
                  "-i", "eth0", "-c", str(count), "-w", path, bpf)
    deadline = time.monotonic() + CMD_TIMEOUT
    err = b""
    while b"listening on" not in err and time.monotonic() < deadline:
        r, _, _ = select.select([p.stderr], [], [], deadline - time.monotonic())
        if not r:
            break
        chunk = os.read(p.stderr.fileno(), 4096)
        if not chunk:
            break
        err += chunk
    assert b"listening on" in err, f"tcpdump did not start: {err!r}"
    return p, path


def finish_capture(p, path, fields, display_filter):
    p.wait(timeout=CAPTURE_TIMEOUT + 5)
    cmd = ["tshark", "-r", path, "-Y", display_filter, "-T", "fields", "-E", "separator=|"]
    for f in fields:
        cmd += ["-e", f]
    out = sh(*cmd).stdout
    return [dict(zip(fields, line.split("|"))) for line in out.splitlines()]


ARP_FIELDS = ["eth.src", "eth.dst", "arp.opcode", "arp.src.hw_mac", "arp.src.proto_ipv4",
              "arp.dst.hw_mac", "arp.dst.proto_ipv4"]


def test_garp(lab):
    vip = "10.77.0.100"
    cap, path = start_capture(lab, "garp.pcap", 3, "arp")
    r = lab.nettool("garp", "eth0", vip, "count", "3")
    assert r.returncode == 0, r.stderr
    pkts = finish_capture(cap, path, ARP_FIELDS, "arp")
    assert len(pkts) == 3
    mac = lab.mac()
    for p in pkts:
        assert p["eth.dst"] == "ff:ff:ff:ff:ff:ff"
        assert p["eth.src"] == mac
        assert p["arp.opcode"] == "1"  # request, as keepalived sends
        assert p["arp.src.hw_mac"] == mac
        assert p["arp.src.proto_ipv4"] == vip
        assert p["arp.dst.proto_ipv4"] == vip
        assert p["arp.dst.hw_mac"] == "ff:ff:ff:ff:ff:ff"


NA_FIELDS = ["eth.src", "eth.dst", "ipv6.src", "ipv6.dst", "ipv6.hlim", "icmpv6.type",
             "icmpv6.nd.na.flag.r", "icmpv6.nd.na.flag.s", "icmpv6.nd.na.flag.o",
             "icmpv6.nd.na.target_address", "icmpv6.opt.linkaddr", "icmpv6.checksum.status"]
NA_BPF = "icmp6 and ip6[40] == 136"


def check_na(p, mac, vip, src, router):
    assert p["eth.src"] == mac
    assert p["eth.dst"] == "33:33:00:00:00:01"
    assert p["ipv6.src"] == src
    assert p["ipv6.dst"] == "ff02::1"
    assert p["ipv6.hlim"] == "255"
    assert p["icmpv6.type"] == "136"
    assert p["icmpv6.nd.na.flag.r"] in (("1", "True") if router else ("0", "False"))
    assert p["icmpv6.nd.na.flag.s"] in ("0", "False")
    assert p["icmpv6.nd.na.flag.o"] in ("1", "True")
    assert p["icmpv6.nd.na.target_address"] == vip
    assert p["icmpv6.opt.linkaddr"] == mac
    assert p["icmpv6.checksum.status"] == "1"  # good


def test_una_from_vip_with_router_flag(lab):
    vip = "fd00:77::100"
    assert lab.nettool("addr-add", "eth0", vip + "/64", "nodad").returncode == 0
    cap, path = start_capture(lab, "na.pcap", 2, NA_BPF)
    r = lab.nettool("una", "eth0", vip, "count", "2")
    assert r.returncode == 0, r.stderr
    pkts = finish_capture(cap, path, NA_FIELDS, "icmpv6.type == 136")
    assert len(pkts) == 2
    for p in pkts:
        check_na(p, lab.mac(), vip, src=vip, router=True)


def test_una_variants(lab):
    """Kernel-chosen source (link-local) without R, and the AF_PACKET frame path."""
    vip = "fd00:77::101"
    assert lab.nettool("addr-add", "eth0", vip + "/64", "nodad").returncode == 0
    ll = [a["local"] for a in lab.addrs() if a["scope"] == "link"][0]
    cap, path = start_capture(lab, "na2.pcap", 2, NA_BPF)
    r = lab.nettool("una", "eth0", vip, "src", "auto", "norouter")
    assert r.returncode == 0, r.stderr
    r = lab.nettool("una", "eth0", vip, "frame", "src", ll)
    assert r.returncode == 0, r.stderr
    pkts = finish_capture(cap, path, NA_FIELDS, "icmpv6.type == 136")
    assert len(pkts) == 2
    check_na(pkts[0], lab.mac(), vip, src=ll, router=False)
    check_na(pkts[1], lab.mac(), vip, src=ll, router=True)
