"""halod's adverts on the wire, and what it does with bad ones.

(g) tshark decodes every advert halod sends (v2 with PASS, v3 IPv4 with the
keepalived pseudo-header checksum and with `v3_checksum_as_v2`, v3 IPv6) as
valid VRRP: checksum good, no malformed or expert info, TTL 255.
(h) adverts forged with scapy (wrong TTL, bad checksum, wrong version, short,
unknown VRID, wrong password, wrong interval, wrong auth type) are each
counted under their own drop reason, change no state and do not hurt the
daemon; a well-formed advert sent the same way does change the state, which
proves the forged ones would have been acted on had they been accepted.
The same for IPv6 (hop limit, pseudo-header checksum, Count 0), and
check_unicast_src (a well-formed advert from a non-peer is dropped).

Run as root:  HALO_BUILD_DIR=build-h /usr/bin/python3 -m pytest tests/lab/test_vrrp_wire.py
"""
import os
import subprocess
import time

import pytest

from vrrp_lab import Lab, sh, tshark_vrrp, wait_for

MULTI = """\
vrrp_instance V2 {
    interface eth0
    virtual_router_id 1
    priority 150
    advert_int 1
    version 2
    authentication {
        auth_type PASS
        auth_pass s3cret
    }
    virtual_ipaddress {
        10.99.0.101/24
    }
}
vrrp_instance V3 {
    interface eth0
    virtual_router_id 2
    priority 255
    advert_int 0.1
    version 3
    virtual_ipaddress {
        10.99.0.102/24
        10.99.0.103/24
    }
}
vrrp_instance V3MSG {
    interface eth0
    virtual_router_id 3
    priority 255
    advert_int 0.1
    version 3
    v3_checksum_as_v2
    virtual_ipaddress {
        10.99.0.104/24
    }
}
vrrp_instance V6 {
    interface eth0
    virtual_router_id 4
    priority 255
    advert_int 0.1
    version 3
    virtual_ipaddress {
        fe80::1:104/64
        fd99::104/64
    }
}
"""


@pytest.fixture
def lab(halod_bin):
    lab = Lab(2, halod_bin)
    try:
        yield lab
    finally:
        lab.close()


def test_tshark_decodes_every_advert(lab):
    node = lab.nodes[0]
    h = lab.halod(node, MULTI)
    pcap, cap = lab.capture("wire")
    h.wait_state("MASTER", timeout=6, name="V2")
    time.sleep(1.2)
    h.term()
    lab.stop_capture(cap)
    by_vrid = {}
    pkts = tshark_vrrp(pcap)
    msg_form = [p for p in tshark_vrrp_as_v2(pcap) if p["vrid"] == "3"]
    for p in pkts:
        by_vrid.setdefault(p["vrid"], []).append(p)
        assert p["ttl"] == "255", p
        assert not p["malformed"], p
        if p["vrid"] != "3":
            assert p["csum"] == "1", p  # Good
            assert not p["expert"], p
    assert set(by_vrid) == {"1", "2", "3", "4"}, by_vrid.keys()
    assert all(p["version"] == "2" for p in by_vrid["1"])
    assert all(p["version"] == "3" for v in ("2", "3", "4") for p in by_vrid[v])
    assert all(p["src"] == node.link6() for p in by_vrid["4"])
    # The RFC 9568 form is good only when tshark is told to expect it.
    assert msg_form and all(p["csum"] == "1" for p in msg_form), msg_form
    # The resignation adverts are among them (priority 0 on the way out).
    assert {p["vrid"] for p in pkts if p["prio"] == 0} == {"1", "2", "3", "4"}


def tshark_vrrp_as_v2(pcap):
    out = sh("tshark", "-r", str(pcap), "-Y", "vrrp", "-T", "fields", "-E", "separator=|",
             "-o", "vrrp.v3_checksum_as_in_v2:TRUE", "-e", "vrrp.virt_rtr_id",
             "-e", "vrrp.checksum.status", check=False).stdout
    return [{"vrid": a, "csum": b} for a, b in (l.split("|") for l in out.splitlines())]


FORGE = r"""
import socket, struct, sys
from scapy.all import Ether, IP, Raw, get_if_hwaddr

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff

def v2(vrid=51, prio=255, interval=1, auth=1, pw=b"s3cret", ver=2, bad_sum=False,
       typ=1, count=1, extra=b""):
    addr = bytes([10, 99, 0, 100])
    m = (bytes([(ver << 4) | typ, vrid, prio, count, auth, interval, 0, 0]) + addr +
         pw.ljust(8, b"\0") + extra)
    c = csum(m)
    if bad_sum:
        c ^= 0x5555
    return m[:6] + struct.pack("!H", c) + m[8:]

def v3(vrid=51, prio=255):
    m = bytes([0x31, vrid, prio, 1, 0, 100, 0, 0, 10, 99, 0, 100])
    return m[:6] + struct.pack("!H", csum(m)) + m[8:]

cases = {
    "ttl": (v2(), 64),
    "checksum": (v2(bad_sum=True), 255),
    "version": (v3(), 255),
    "too_short": (b"\x21\x33\xff\x01", 255),
    "vrid": (v2(vrid=99), 255),
    "auth_pass": (v2(pw=b"wrong"), 255),
    "auth_type": (v2(auth=0, pw=b""), 255),
    "interval": (v2(interval=2), 255),
    "type": (v2(typ=2), 255),
    "overlong": (v2(extra=bytes(4)), 255),
    "count": (v2(count=2), 255),
    "valid": (v2(), 255),
}
# scapy builds the frames; a plain AF_PACKET socket sends them (scapy's
# own sender does not see interfaces reliably inside a namespace).
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
for name in sys.argv[1:]:
    payload, ttl = cases[name]
    pkt = (Ether(dst="01:00:5e:00:00:12", src=get_if_hwaddr("eth0")) /
           IP(src="10.99.0.2", dst="224.0.0.18", ttl=ttl, proto=112) / Raw(payload))
    s.send(bytes(pkt))
"""

CONF_OWNER = """\
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 51
    priority 255
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass s3cret
    }
    virtual_ipaddress {
        10.99.0.100/24
    }
}
"""


def forge(lab, node, *cases):
    script = os.path.join(lab.tmp, "forge.py")
    with open(script, "w") as f:
        f.write(FORGE)
    subprocess.run(["ip", "netns", "exec", node.ns, "/usr/bin/python3", script, *cases],
                   check=True, capture_output=True, timeout=60)


def test_malformed_adverts_counted(lab):
    """The target is the address owner (priority 255, MASTER at once); the
    forged adverts carry priority 255 from a higher address, so accepting
    any of them would send it to BACKUP."""
    a_node, b_node = lab.nodes
    h = lab.halod(a_node, CONF_OWNER)
    h.wait_state("MASTER", timeout=3)
    reasons = ["ttl", "checksum", "version", "too_short", "auth_pass", "auth_type", "interval",
               "type"]
    # Trailing bytes after the addresses and a Count IPvX larger than the
    # addresses present are both a length that does not match the count.
    expected = dict.fromkeys(reasons, 1) | {"length": 2}
    forge(lab, b_node, *reasons, "overlong", "count", "vrid")

    def counted():
        st = h.vrrp_status()
        drops = st["instances"][0]["counters"]["drops"]
        sock = st["sockets"][0]["drops"]
        return drops == expected and sock.get("vrid") == 1 and st
    try:
        st = wait_for(counted, 5, "every forged advert counted")
    except AssertionError:
        print(h.vrrp_status())
        raise
    inst = st["instances"][0]
    assert inst["state"] == "MASTER", inst
    assert inst["counters"]["transitions"] == 1
    assert inst["counters"]["adverts_received"] == 0
    assert inst["counters"]["drops"] == expected, inst["counters"]["drops"]
    assert h.alive()
    # The control: the same advert, well formed, is accepted and acted on.
    forge(lab, b_node, "valid")
    h.wait_state("BACKUP", timeout=3)
    inst = h.instance()
    assert inst["last_transition"]["reason"] == "higher_address"
    assert inst["master_address"] == b_node.ip4


def test_check_unicast_src(lab):
    """With check_unicast_src, an advert from an address that is not a
    unicast peer is dropped and counted, even if well formed."""
    a_node, b_node = lab.nodes
    conf = CONF_OWNER.replace("    advert_int 1\n", "    advert_int 1\n    check_unicast_src\n"
                              "    unicast_peer {\n        10.99.0.3\n    }\n")
    h = lab.halod(a_node, conf)
    h.wait_state("MASTER", timeout=3)
    forge(lab, b_node, "valid")
    wait_for(lambda: h.instance()["counters"]["drops"].get("unicast_src") == 1, 3,
             "the advert from a non-peer counted")
    assert h.state() == "MASTER"


FORGE6 = r"""
import socket, struct, sys
from scapy.all import Ether, IPv6, Raw, get_if_hwaddr
from scapy.layers.inet6 import in6_chksum

SRC = "fe80::ffff:ffff:ffff:ffff"
DST = "ff02::12"

def v3(count=1, bad_sum=False):
    # Max Adver Int 200 cs: the owner, sent to BACKUP by the valid advert,
    # learns it and stays BACKUP for ~6 s (3 x 2 s), long enough to be seen
    # by a status poll on a loaded machine.
    addrs = socket.inet_pton(socket.AF_INET6, "fd99::100") * count
    m = bytes([0x31, 51, 255, count, 0, 200, 0, 0]) + addrs
    ip = IPv6(src=SRC, dst=DST, nh=112)
    c = in6_chksum(112, ip, m)
    if bad_sum:
        c ^= 0x5555
    return m[:6] + struct.pack("!H", c) + m[8:]

cases = {
    "ttl": (v3(), 64),
    "checksum": (v3(bad_sum=True), 255),
    "count_zero": (v3(count=0), 255),
    "valid": (v3(), 255),
}
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
for name in sys.argv[1:]:
    payload, hlim = cases[name]
    pkt = (Ether(dst="33:33:00:00:00:12", src=get_if_hwaddr("eth0")) /
           IPv6(src=SRC, dst=DST, hlim=hlim, nh=112) / Raw(payload))
    s.send(bytes(pkt))
"""


def test_malformed_ipv6_adverts_counted(lab):
    """IPv6: hop limit 64, bad pseudo-header checksum and Count 0 are each
    counted and ignored by an owner; the same advert well formed (priority
    255 from a higher link-local address) sends it to BACKUP."""
    a_node, b_node = lab.nodes
    conf = ("vrrp_instance V6 {\n    interface eth0\n    virtual_router_id 51\n"
            "    priority 255\n    advert_int 0.1\n    version 3\n"
            "    virtual_ipaddress {\n        fd99::100/64\n    }\n}\n")
    h = lab.halod(a_node, conf)
    h.wait_state("MASTER", timeout=3, name="V6")
    script = os.path.join(lab.tmp, "forge6.py")
    with open(script, "w") as f:
        f.write(FORGE6)
    run = ["ip", "netns", "exec", b_node.ns, "/usr/bin/python3", script]
    subprocess.run(run + ["ttl", "checksum", "count_zero"], check=True, capture_output=True,
                   timeout=60)
    reasons = ("ttl", "checksum", "count_zero")
    wait_for(lambda: all(h.instance("V6")["counters"]["drops"].get(r) == 1 for r in reasons),
             5, "the forged IPv6 adverts counted")
    assert h.state("V6") == "MASTER"
    subprocess.run(run + ["valid"], check=True, capture_output=True, timeout=60)
    h.wait_state("BACKUP", timeout=3, name="V6")
    assert h.instance("V6")["master_address"] == "fe80::ffff:ffff:ffff:ffff"
