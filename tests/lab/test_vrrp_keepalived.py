"""Interop with Debian's keepalived 2.2.7 as a VRRP peer of halod, both ways:
exactly one master (the VIP on exactly one node, one source of adverts) and
failover in either direction.  v2 IPv4 multicast with PASS auth, v3 IPv4,
v3 IPv6, and v2 unicast.

Run as root:  HALO_BUILD_DIR=build-h /usr/bin/python3 -m pytest tests/lab/test_vrrp_keepalived.py
"""
import shutil
import time

import pytest

from vrrp_lab import Lab, tshark_vrrp, vrrp_conf, wait_for

pytestmark = pytest.mark.skipif(shutil.which("keepalived") is None,
                                reason="Debian's keepalived is not installed")

VIP4 = "10.99.0.100/24"
VIP6 = "fd99::100/64"


@pytest.fixture
def lab(halod_bin):
    lab = Lab(2, halod_bin)
    try:
        yield lab
    finally:
        lab.close()


def holders(lab, vip):
    return [n.ns for n in lab.nodes if n.has(vip)]


def wait_holder(lab, node, vip, timeout):
    """Waits until `vip` is on `node` and on no other node."""
    wait_for(lambda: holders(lab, vip) == [node.ns], timeout, f"{vip} only on {node.ns}")


def one_speaker(lab, pcap_name, seconds, expect_src):
    """Over a capture window, every advert comes from `expect_src`."""
    pcap, cap = lab.capture(pcap_name)
    time.sleep(seconds)
    lab.stop_capture(cap)
    srcs = {p["src"] for p in tshark_vrrp(pcap)}
    assert srcs == {expect_src}, srcs


def test_v2_halod_master_keepalived_backup(lab):
    """halod 150 + keepalived 100 (v2, PASS, 1 s); SIGKILL of halod's group:
    keepalived takes over; halod returns and preempts back."""
    h_node, k_node = lab.nodes
    h = lab.halod(h_node, vrrp_conf(priority=150))
    lab.keepalived(k_node, vrrp_conf(priority=100))
    h.wait_state("MASTER", timeout=6)
    wait_holder(lab, h_node, VIP4, 3)
    one_speaker(lab, "v2a", 1.5, h_node.ip4)
    assert not h.instance()["counters"]["drops"]
    h.kill()
    # After a crash the dead master's VIP stays on its interface (the
    # process is gone); keepalived adds it on its side.
    wait_for(lambda: k_node.has(VIP4), 6, "keepalived to take the VIP")
    h_node.ip("addr", "del", VIP4, "dev", "eth0")
    h2 = lab.halod(h_node, vrrp_conf(priority=150))
    h2.wait_state("MASTER", timeout=6)
    wait_holder(lab, h_node, VIP4, 3)
    ih = h2.instance()
    assert ih["last_transition"]["reason"] == "preempt"


def test_v2_keepalived_master_halod_backup(lab):
    """keepalived 150 + halod 100; SIGKILL of keepalived's group: halod
    takes over within Master_Down_Interval."""
    h_node, k_node = lab.nodes
    k = lab.keepalived(k_node, vrrp_conf(priority=150))
    h = lab.halod(h_node, vrrp_conf(priority=100))
    wait_holder(lab, k_node, VIP4, 6)
    h.wait_state("BACKUP")
    time.sleep(1.2)
    ih = h.instance()
    assert ih["state"] == "BACKUP" and ih["master_address"] == k_node.ip4
    assert ih["master_priority"] == 150 and ih["counters"]["adverts_received"] >= 1
    assert not ih["counters"]["drops"], ih["counters"]["drops"]
    k.kill()
    h.wait_state("MASTER", timeout=5)
    assert h_node.has(VIP4)


def test_v3_ipv4_both_ways(lab):
    """v3 IPv4 at 0.1 s: halod master, keepalived backup; clean stop of halod
    (priority 0): keepalived takes over; halod back: it preempts."""
    h_node, k_node = lab.nodes
    conf = dict(interval="0.1", version=3, auth=False)
    h = lab.halod(h_node, vrrp_conf(priority=150, **conf))
    lab.keepalived(k_node, vrrp_conf(priority=100, **conf))
    h.wait_state("MASTER", timeout=3)
    wait_holder(lab, h_node, VIP4, 3)
    one_speaker(lab, "v3a", 0.5, h_node.ip4)
    h.term()
    wait_holder(lab, k_node, VIP4, 3)
    h2 = lab.halod(h_node, vrrp_conf(priority=150, **conf))
    h2.wait_state("MASTER", timeout=3)
    wait_holder(lab, h_node, VIP4, 3)
    c = h2.instance()["counters"]
    assert c["adverts_received"] >= 1 and c["csum_pseudo"] >= 1
    assert not c["drops"], c["drops"]


def test_v3_ipv6_both_ways(lab):
    """v3 IPv6 at 0.1 s, keepalived master first; SIGKILL of keepalived's
    group: halod takes over; keepalived back with a higher priority:
    halod yields."""
    h_node, k_node = lab.nodes
    conf = dict(interval="0.1", version=3, auth=False, vips=(VIP6,))
    k = lab.keepalived(k_node, vrrp_conf(priority=150, **conf))
    h = lab.halod(h_node, vrrp_conf(priority=100, **conf))
    wait_holder(lab, k_node, VIP6, 5)
    h.wait_state("BACKUP")
    time.sleep(0.5)
    ih = h.instance()
    assert ih["family"] == "inet6" and ih["state"] == "BACKUP"
    assert ih["master_address"] == k_node.link6()
    assert not ih["counters"]["drops"], ih["counters"]["drops"]
    na_before = ih["counters"]["na_sent"]
    k.kill()
    h.wait_state("MASTER", timeout=3)
    assert h_node.has(VIP6)
    # garp_master_repeat (5) unsolicited NAs for the one VIP at take-over.
    wait_for(lambda: h.instance()["counters"]["na_sent"] == na_before + 5, 2, "5 NAs")
    k_node.ip("addr", "del", VIP6, "dev", "eth0")
    lab.keepalived(k_node, vrrp_conf(priority=150, **conf))
    h.wait_state("BACKUP", timeout=5)
    wait_holder(lab, k_node, VIP6, 3)


def test_v2_unicast(lab):
    """v2 unicast (unicast_src_ip + unicast_peer) both ways."""
    h_node, k_node = lab.nodes
    hc = vrrp_conf(priority=150, unicast_src=h_node.ip4, peers=(k_node.ip4,))
    kc = vrrp_conf(priority=100, unicast_src=k_node.ip4, peers=(h_node.ip4,))
    h = lab.halod(h_node, hc)
    k = lab.keepalived(k_node, kc)
    h.wait_state("MASTER", timeout=6)
    wait_holder(lab, h_node, VIP4, 3)
    pcap, cap = lab.capture("uni")
    time.sleep(1.2)
    lab.stop_capture(cap)
    pk = tshark_vrrp(pcap, extra_fields=("ip.dst",))
    assert pk and all(p["src"] == h_node.ip4 and p["ip.dst"] == k_node.ip4 for p in pk), pk
    h.term()
    wait_holder(lab, k_node, VIP4, 3)
    h2 = lab.halod(h_node, hc)
    h2.wait_state("MASTER", timeout=6)
    wait_holder(lab, h_node, VIP4, 3)
    assert not h2.instance()["counters"]["drops"]
    assert k.alive()


def test_v3_ipv6_unicast(lab):
    """v3 IPv6 unicast between global addresses, keepalived master first;
    keepalived stops cleanly (priority 0): halod takes over."""
    h_node, k_node = lab.nodes
    conf = dict(interval="0.1", version=3, auth=False, vips=(VIP6,))
    k = lab.keepalived(k_node, vrrp_conf(priority=150, unicast_src=k_node.ip6,
                                         peers=(h_node.ip6,), **conf))
    h = lab.halod(h_node, vrrp_conf(priority=100, unicast_src=h_node.ip6,
                                    peers=(k_node.ip6,), **conf))
    wait_holder(lab, k_node, VIP6, 5)
    h.wait_state("BACKUP")
    time.sleep(0.5)
    ih = h.instance()
    assert ih["state"] == "BACKUP" and ih["master_address"] == k_node.ip6
    assert not ih["counters"]["drops"], ih["counters"]["drops"]
    k.term()
    h.wait_state("MASTER", timeout=2)
    wait_holder(lab, h_node, VIP6, 2)
    assert h.instance()["counters"]["prio0_received"] == 1
