"""use_vmac: a private-mode macvlan named vrrp.VRID with MAC
00:00:5e:00:01:VRID on every node, the VIP on the master's macvlan, adverts
and gratuitous ARPs sent from the virtual MAC (checked on the bridge), a
client that keeps the same MAC for the VIP across a failover, and the
macvlan removed on a clean stop.

Run as root:  HALO_BUILD_DIR=build-p /usr/bin/python3 -m pytest tests/lab/test_vrrp_vmac.py
"""
import json
import time

import pytest

from vrrp_lab import Lab, sh, vrrp_conf, wait_for

VMAC = "00:00:5e:00:01:33"  # VRID 51
VIP = "10.99.0.100/24"


@pytest.fixture
def lab(halod_bin):
    lab = Lab(3, halod_bin)
    try:
        yield lab
    finally:
        lab.close()


def conf(priority):
    return vrrp_conf(priority=priority, version=3, interval="0.1", auth=False,
                     extra="    use_vmac")


def vmac_link(node):
    out = node.ip("-j", "-d", "link", "show", "dev", "vrrp.51", check=False).stdout
    links = json.loads(out or "[]")
    return links[0] if links else None


def vmac_addrs(node):
    return node.addrs("vrrp.51") if vmac_link(node) else []


def frames(pcap, flt):
    out = sh("tshark", "-r", str(pcap), "-Y", flt, "-T", "fields", "-e", "eth.src",
             "-e", "ip.src", "-e", "arp.src.hw_mac", check=False).stdout
    return [tuple(line.split("\t")) for line in out.splitlines() if line]


def sysctl(node, path):
    return sh("ip", "netns", "exec", node.ns, "cat", f"/proc/sys/net/{path}").stdout.strip()


def ping_vip(client):
    """The client forgets the VIP's MAC, then pings it (an ARP exchange)."""
    client.ip("neigh", "flush", "all")
    sh("ip", "netns", "exec", client.ns, "ping", "-c", "1", "-W", "2", "10.99.0.100")


def test_vmac_interface_adverts_and_failover(lab):
    a_node, b_node, client = lab.nodes
    pcap, cap = lab.capture("vmac")
    a = lab.halod(a_node, conf(150))
    b = lab.halod(b_node, conf(100))
    a.wait_state("MASTER", timeout=5)
    b.wait_state("BACKUP", timeout=5)
    for node in (a_node, b_node):
        link = wait_for(lambda: vmac_link(node), 3, f"vrrp.51 on {node.ns}")
        assert link["address"] == VMAC
        info = link["linkinfo"]
        assert info["info_kind"] == "macvlan" and info["info_data"]["mode"] == "private"
        assert link["link"] == "eth0"
    wait_for(lambda: VIP in vmac_addrs(a_node), 3, "the VIP on the master's vrrp.51")
    assert not a_node.has(VIP) and VIP not in vmac_addrs(b_node) and not b_node.has(VIP)

    # keepalived's sysctls: the base must not answer ARP for the VIP.
    for node in (a_node, b_node):
        assert sysctl(node, "ipv4/conf/eth0/arp_ignore") == "1"
        assert sysctl(node, "ipv4/conf/eth0/arp_filter") == "1"
        assert sysctl(node, "ipv4/conf/eth0/arp_announce") == "2"
        assert sysctl(node, "ipv4/conf/vrrp.51/arp_ignore") == "1"
        assert sysctl(node, "ipv4/conf/vrrp.51/rp_filter") == "0"
        assert sysctl(node, "ipv6/conf/vrrp.51/disable_ipv6") == "1"
    ping_vip(client)

    # Clean stop of the master: the backup takes over on its own vrrp.51;
    # the client reaches the VIP with the same MAC; a's macvlan is gone.
    a.term()
    assert vmac_link(a_node) is None
    # The base interface's ARP settings are restored on the way out.
    assert sysctl(a_node, "ipv4/conf/eth0/arp_ignore") == "0"
    assert sysctl(a_node, "ipv4/conf/eth0/arp_filter") == "0"
    assert sysctl(a_node, "ipv4/conf/eth0/arp_announce") == "0"
    b.wait_state("MASTER", timeout=3)
    wait_for(lambda: VIP in vmac_addrs(b_node), 3, "the VIP on the new master's vrrp.51")
    ping_vip(client)
    time.sleep(0.3)
    lab.stop_capture(cap)

    adverts = frames(pcap, "vrrp")
    assert {src for _, src, _ in adverts} >= {a_node.ip4, b_node.ip4}
    # Every advert leaves from the virtual MAC, with the node's own address.
    assert {mac for mac, _, _ in adverts} == {VMAC}, adverts[:5]
    # Every ARP answer for the VIP (before and after the failover) comes
    # from the virtual MAC: clients never see a node's own MAC for it.
    replies = frames(pcap, "arp.opcode == 2 && arp.src.proto_ipv4 == 10.99.0.100")
    assert len(replies) >= 2 and all(hw == VMAC for _, _, hw in replies), replies
    garps = frames(pcap, "arp.opcode == 1 && arp.src.proto_ipv4 == 10.99.0.100"
                         " && arp.dst.proto_ipv4 == 10.99.0.100")
    assert garps and all(mac == VMAC and hw == VMAC for mac, _, hw in garps), garps
    # No ARP frame at all names the VIP as sender with another MAC (a base
    # interface resolving a client for a reply sourced from the VIP).
    vip_arp = frames(pcap, "arp.src.proto_ipv4 == 10.99.0.100")
    assert all(mac == VMAC and hw == VMAC for mac, _, hw in vip_arp), vip_arp
    # The backup's macvlan never sends: nothing from the virtual MAC other
    # than adverts, gratuitous ARPs and ARP/ICMP answers for the VIP.
    other = frames(pcap, f"eth.src == {VMAC} && !vrrp && !arp && !icmp && !igmp")
    assert other == [], other
