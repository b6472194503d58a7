"""use_vmac: a private-mode macvlan named vrrp.VRID with MAC
00:00:5e:00:01:VRID on every node, the VIP on the master's macvlan, adverts
and gratuitous ARPs sent from the virtual MAC (checked on the bridge), a
client that keeps the same MAC for the VIP across a failover, and the
macvlan removed on a clean stop.  IPv6 (VRRPv3): MAC 00:00:5e:00:02:VRID,
the macvlan carries the base interface's link-local address (the adverts'
source, as keepalived's), unsolicited NAs from the virtual MAC, the same
with vmac_xmit_base (adverts from the base), and keepalived as a peer.

Run as root:  HALO_BUILD_DIR=build-p /usr/bin/python3 -m pytest tests/lab/test_vrrp_vmac.py
"""
import json
import shutil
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
    # Creating and raising the macvlan is no fault: no FAULT at start-up.
    for d in (a, b):
        assert "-> FAULT" not in d.output(), d.output()
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


# ---- IPv6 (VRRPv3) ----------------------------------------------------------

VMAC6 = "00:00:5e:00:02:33"  # VRID 51, IPv6
VIP6 = "fd99::100/64"
# The link-local address the kernel would give the macvlan itself
# (modified EUI-64 of the virtual MAC): the same on every node, never wanted.
VMAC6_EUI64 = "fe80::200:5eff:fe00:233"


def conf6(priority, extra=""):
    return vrrp_conf(priority=priority, version=3, interval="0.1", auth=False,
                     vips=(VIP6,), extra="    use_vmac" + extra)


def frames6(pcap, flt):
    """(eth.src, ipv6.src, icmpv6.type, NA target link-layer address) per frame."""
    out = sh("tshark", "-r", str(pcap), "-Y", flt, "-T", "fields", "-e", "eth.src",
             "-e", "ipv6.src", "-e", "icmpv6.type", "-e", "icmpv6.opt.linkaddr",
             check=False).stdout
    return [tuple(line.split("\t")) for line in out.splitlines() if line]


def strict_sysctl_defaults(node):
    """New links in `node` get IPv6 off, DAD and RAs on: the macvlan only
    has what the test asserts if halod sets it."""
    for key, val in (("disable_ipv6", 1), ("accept_dad", 1), ("accept_ra", 1)):
        sh("ip", "netns", "exec", node.ns, "sysctl", "-q", "-w",
           f"net.ipv6.conf.default.{key}={val}")


def vmac6_addrs(node):
    """{address/len: addr_info} on the node's vrrp.51."""
    out = node.ip("-j", "-6", "addr", "show", "dev", "vrrp.51", check=False).stdout
    res = {}
    for link in json.loads(out or "[]"):
        for a in link.get("addr_info", []):
            res[f"{a['local']}/{a['prefixlen']}"] = a
    return res


def ping6_vip(client):
    """The client forgets the VIP's MAC, pings it, and returns the MAC it
    resolved (a neighbour solicitation answered by the master)."""
    client.ip("-6", "neigh", "flush", "all")
    sh("ip", "netns", "exec", client.ns, "ping", "-6", "-c", "1", "-W", "2", "fd99::100")
    out = client.ip("-j", "-6", "neigh", "show", "fd99::100").stdout
    entries = json.loads(out or "[]")
    return entries[0].get("lladdr") if entries else None


def check_vmac6_link(node):
    link = wait_for(lambda: vmac_link(node), 3, f"vrrp.51 on {node.ns}")
    assert link["address"] == VMAC6
    info = link["linkinfo"]
    assert info["info_kind"] == "macvlan" and info["info_data"]["mode"] == "private"
    assert link["link"] == "eth0"
    # IPv6 on, no DAD, no RAs, and no link-local address of the kernel's.
    assert sysctl(node, "ipv6/conf/vrrp.51/disable_ipv6") == "0"
    assert sysctl(node, "ipv6/conf/vrrp.51/accept_dad") == "0"
    assert sysctl(node, "ipv6/conf/vrrp.51/accept_ra") == "0"
    assert sysctl(node, "ipv6/conf/vrrp.51/addr_gen_mode") == "1"  # none
    addrs = vmac6_addrs(node)
    ll = f"{node.link6()}/64"
    assert ll in addrs, addrs
    # Usable at once and never chosen as a source for other traffic.
    assert addrs[ll].get("nodad") and addrs[ll].get("preferred_life_time") == 0, addrs[ll]
    assert not any(a.startswith(VMAC6_EUI64) for a in addrs), addrs


def test_vmac_ipv6_interface_adverts_na_and_failover(lab):
    a_node, b_node, client = lab.nodes
    for node in (a_node, b_node):
        strict_sysctl_defaults(node)
    base = {n.ns: {k: sysctl(n, f"ipv6/conf/eth0/{k}") for k in
                   ("disable_ipv6", "accept_dad", "accept_ra", "addr_gen_mode")}
            for n in (a_node, b_node)}
    pcap, cap = lab.capture("vmac6", filt=f"ether src {VMAC6} or ip6 proto 112 or icmp6")
    a = lab.halod(a_node, conf6(150))
    b = lab.halod(b_node, conf6(100))
    a.wait_state("MASTER", timeout=5)
    b.wait_state("BACKUP", timeout=5)
    for d in (a, b):
        assert "-> FAULT" not in d.output(), d.output()
    for node in (a_node, b_node):
        check_vmac6_link(node)
    wait_for(lambda: VIP6 in vmac6_addrs(a_node), 3, "the VIP on the master's vrrp.51")
    assert not a_node.has(VIP6)
    # The backup's macvlan is there (as keepalived's) without the VIP.
    assert VIP6 not in vmac6_addrs(b_node) and not b_node.has(VIP6)
    # The source address is the base's link-local address, on both sides.
    assert a.instance()["source_address"] == a_node.link6()
    ib = b.instance()
    assert ib["source_address"] == b_node.link6()
    assert ib["master_address"] == a_node.link6() and not ib["counters"]["drops"]
    assert not b.instance()["counters"]["send_errors"]
    assert ping6_vip(client) == VMAC6

    # Clean stop of the master: the backup takes over on its own vrrp.51,
    # the client still reaches the VIP at the virtual MAC, a's macvlan is
    # gone and its base interface is as it was.
    a.term()
    assert vmac_link(a_node) is None
    b.wait_state("MASTER", timeout=3)
    wait_for(lambda: VIP6 in vmac6_addrs(b_node), 3, "the VIP on the new master's vrrp.51")
    assert ping6_vip(client) == VMAC6
    assert {k: sysctl(a_node, f"ipv6/conf/eth0/{k}") for k in base[a_node.ns]} == \
        base[a_node.ns]
    assert a_node.has(f"{a_node.ip6}/64") and a_node.link6()
    assert sysctl(a_node, "ipv4/conf/eth0/arp_ignore") == "0"  # IPv4 untouched
    time.sleep(0.3)
    b.term()
    assert vmac_link(b_node) is None
    assert {k: sysctl(b_node, f"ipv6/conf/eth0/{k}") for k in base[b_node.ns]} == \
        base[b_node.ns]
    lab.stop_capture(cap)

    adverts = frames6(pcap, "vrrp")
    # Every advert leaves from the virtual MAC with the node's link-local
    # address: keepalived's source, so a keepalived peer sees the same.
    assert {src for _, src, _, _ in adverts} == {a_node.link6(), b_node.link6()}, adverts[:5]
    assert {mac for mac, _, _, _ in adverts} == {VMAC6}, adverts[:5]
    # Unsolicited NAs for the VIP, from both masters in turn: from the
    # virtual MAC, naming it as the target's link-layer address.
    nas = frames6(pcap, "icmpv6.type == 136 && icmpv6.nd.na.target_address == fd99::100"
                        " && ipv6.dst == ff02::1")
    assert len(nas) >= 10, nas
    assert all(mac == VMAC6 and ll == VMAC6 for mac, _, _, ll in nas), nas
    # Nothing else from the virtual MAC than adverts, neighbour discovery
    # for the VIP's clients, ping answers and MLD reports; no router
    # solicitation (accept_ra=0), no DAD probe.
    other = frames6(pcap, f"eth.src == {VMAC6} && !vrrp")
    assert {t for _, _, t, _ in other} <= {"129", "135", "136", "143"}, other
    assert not [f for f in other if f[1] == "::"], other


def test_vmac_ipv6_xmit_base(lab):
    """vmac_xmit_base: adverts leave from the base interface (its MAC and
    link-local address); the VIP and its NAs are still on the macvlan."""
    a_node, b_node, _ = lab.nodes
    pcap, cap = lab.capture("xmit6")
    a = lab.halod(a_node, conf6(150, "\n    vmac_xmit_base"))
    b = lab.halod(b_node, conf6(100, "\n    vmac_xmit_base"))
    a.wait_state("MASTER", timeout=5)
    b.wait_state("BACKUP", timeout=5)
    check_vmac6_link(a_node)
    wait_for(lambda: VIP6 in vmac6_addrs(a_node), 3, "the VIP on the master's vrrp.51")
    time.sleep(0.5)
    ib = b.instance()
    assert ib["master_address"] == a_node.link6() and not ib["counters"]["drops"]
    lab.stop_capture(cap)
    a_mac = json.loads(a_node.ip("-j", "link", "show", "dev", "eth0").stdout)[0]["address"]
    adverts = frames6(pcap, "vrrp")
    assert adverts and {(mac, src) for mac, src, _, _ in adverts} == {(a_mac, a_node.link6())}
    nas = frames6(pcap, "icmpv6.type == 136 && icmpv6.nd.na.target_address == fd99::100")
    assert nas and all(mac == VMAC6 and ll == VMAC6 for mac, _, _, ll in nas), nas


def test_vmac_ipv6_remakes_a_leftover_vmac(lab):
    """A killed IPv4 run leaves vrrp.51 with the IPv4 virtual MAC: an IPv6
    run with the same VRID makes it again with the IPv6 one; a killed IPv6
    run's macvlan is adopted as it is (its link-local address kept)."""
    node = lab.nodes[0]
    h = lab.halod(node, conf(150))
    h.wait_state("MASTER", timeout=5)
    h.kill()
    assert vmac_link(node)["address"] == VMAC
    h = lab.halod(node, conf6(150))
    h.wait_state("MASTER", timeout=5)
    check_vmac6_link(node)
    wait_for(lambda: VIP6 in vmac6_addrs(node), 3, "the VIP on vrrp.51")
    index = vmac_link(node)["ifindex"]
    h.kill()
    h = lab.halod(node, conf6(150))
    h.wait_state("MASTER", timeout=5)
    assert vmac_link(node)["ifindex"] == index
    check_vmac6_link(node)
    assert h.instance()["source_address"] == node.link6()
    h.term()
    assert vmac_link(node) is None


def test_vmac_ipv6_configured_source(lab):
    """mcast_src_ip: the macvlan carries that address instead (keepalived's
    choice) and the adverts leave from it, but without a second route to
    the base interface's subnet through the macvlan."""
    node = lab.nodes[0]
    pcap, cap = lab.capture("src6")
    h = lab.halod(node, conf6(150, f"\n    mcast_src_ip {node.ip6}"))
    h.wait_state("MASTER", timeout=5)
    addrs = vmac6_addrs(node)
    assert f"{node.ip6}/64" in addrs and not [a for a in addrs if a.startswith("fe80:")], addrs
    assert h.instance()["source_address"] == node.ip6
    # (The VIP's own /64 still routes its subnet through the macvlan.)
    assert addrs[f"{node.ip6}/64"].get("noprefixroute"), addrs
    time.sleep(0.3)
    lab.stop_capture(cap)
    adverts = frames6(pcap, "vrrp")
    assert adverts and {(mac, src) for mac, src, _, _ in adverts} == {(VMAC6, node.ip6)}
    h.term()
    assert vmac_link(node) is None and node.has(f"{node.ip6}/64")


def test_vmac_ipv6_base_without_link_local(lab):
    """The base interface has no link-local address: the macvlan gets the
    one built from the base's MAC (keepalived's last choice), and the
    instance sends from it rather than waiting in FAULT for an address."""
    node = lab.nodes[0]
    ll = node.link6()
    node.ip("addr", "del", f"{ll}/64", "dev", "eth0")
    h = lab.halod(node, conf6(150))
    h.wait_state("MASTER", timeout=5)
    assert f"{ll}/64" in vmac6_addrs(node)  # eth0's MAC in modified EUI-64 form
    assert h.instance()["source_address"] == ll and node.link6() is None
    h.term()
    assert vmac_link(node) is None


def test_vmac_ipv4_instance_with_ipv6_evip(lab):
    """An IPv4 instance's IPv6 eVIP goes on its macvlan, as keepalived puts
    it there: IPv6 stays on for it, still without a link-local address of
    the kernel's, and its NAs leave from the (IPv4) virtual MAC."""
    node = lab.nodes[0]
    strict_sysctl_defaults(node)
    pcap, cap = lab.capture("evip6")
    h = lab.halod(node, vrrp_conf(priority=150, version=3, interval="0.1", auth=False,
                                  extra="    use_vmac\n    virtual_ipaddress_excluded {\n"
                                        "        fd99::200/64\n    }"))
    h.wait_state("MASTER", timeout=5)
    wait_for(lambda: "fd99::200/64" in vmac6_addrs(node), 3, "the IPv6 eVIP on vrrp.51")
    assert VIP in vmac_addrs(node)
    assert sysctl(node, "ipv6/conf/vrrp.51/disable_ipv6") == "0"
    assert sysctl(node, "ipv6/conf/vrrp.51/addr_gen_mode") == "1"
    assert sysctl(node, "ipv6/conf/vrrp.51/accept_ra") == "0"
    assert not [a for a in vmac6_addrs(node) if a.startswith("fe80:")], vmac6_addrs(node)
    time.sleep(0.3)
    lab.stop_capture(cap)
    nas = frames6(pcap, "icmpv6.type == 136 && icmpv6.nd.na.target_address == fd99::200")
    assert nas and all(mac == VMAC and ll == VMAC for mac, _, _, ll in nas), nas
    h.term()
    assert vmac_link(node) is None


@pytest.mark.skipif(shutil.which("keepalived") is None,
                    reason="Debian's keepalived is not installed")
def test_vmac_ipv6_keepalived_peer(lab):
    """halod master with use_vmac, Debian's keepalived backup with use_vmac:
    keepalived stays backup (no advert of its own, no VIP); halod stops
    cleanly: keepalived takes the VIP on its vrrp.51."""
    h_node, k_node, _ = lab.nodes
    h = lab.halod(h_node, conf6(150))
    h.wait_state("MASTER", timeout=5)
    lab.keepalived(k_node, conf6(100))
    wait_for(lambda: vmac_link(k_node), 5, "keepalived's vrrp.51")
    wait_for(lambda: VIP6 in vmac6_addrs(h_node), 3, "the VIP on halod's vrrp.51")
    time.sleep(1.0)  # keepalived would have taken over by now if it saw nothing
    pcap, cap = lab.capture("ka6")
    time.sleep(1.0)
    lab.stop_capture(cap)
    adverts = frames6(pcap, "vrrp")
    assert adverts and {(mac, src) for mac, src, _, _ in adverts} == \
        {(VMAC6, h_node.link6())}, adverts[:5]
    assert VIP6 not in vmac6_addrs(k_node) and not k_node.has(VIP6)
    assert h.state() == "MASTER"
    h.term()
    assert vmac_link(h_node) is None
    wait_for(lambda: VIP6 in vmac6_addrs(k_node), 3, "the VIP on keepalived's vrrp.51")
    assert vmac_link(k_node)["address"] == VMAC6


def test_reload_turns_use_vmac_on_and_off(lab):
    """use_vmac toggled by a reload: the instance is restarted on the
    macvlan (it appears, the VIP and adverts move to it) and, turned off
    again, the macvlan goes and the VIP is back on eth0."""
    a_node = lab.nodes[0]
    plain = vrrp_conf(priority=150, version=3, interval="0.1", auth=False)
    a = lab.halod(a_node, plain)
    a.wait_state("MASTER", timeout=3)
    assert VIP in a_node.addrs("eth0") and vmac_link(a_node) is None

    a.reload(conf(150))
    wait_for(lambda: vmac_link(a_node), 3, "vrrp.51 created by the reload")
    a.wait_state("MASTER", timeout=3)
    wait_for(lambda: VIP in vmac_addrs(a_node) and VIP not in a_node.addrs("eth0"), 3,
             "the VIP on the macvlan")
    assert vmac_link(a_node)["address"] == VMAC
    assert "VRRP reload: 0 kept, 1 added, 1 removed" in a.output()
    a.reload(plain)
    wait_for(lambda: vmac_link(a_node) is None, 3, "vrrp.51 removed by the reload")
    a.wait_state("MASTER", timeout=3)
    wait_for(lambda: VIP in a_node.addrs("eth0"), 3, "the VIP back on eth0")
    assert a.alive()

