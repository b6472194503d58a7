"""Interop matrix with Debian's keepalived 2.2.7 (issue 3): the cells of
{v2, v3} x {IPv4, IPv6} x {multicast, unicast} x {halod master, keepalived
master} that test_vrrp_keepalived.py does not already cover.  In every cell:
exactly one master (the VIP on exactly one node, every advert from one
source, the expected version on the wire), then failover both ways (SIGKILL
of the master's process group: the backup takes over; the master returns:
it preempts back).

v2 with IPv6 is not VRRP (RFC 3768 is IPv4-only): keepalived logs it and
runs the instance as v3, and so does halod; those cells assert that both
really speak v3 on the wire and interoperate.

Also: halod's /tmp/keepalived.stats against keepalived's own for the same
scenario (a backup that receives adverts, then a priority-0 resignation).

Run as root:  HALO_BUILD_DIR=build-o /usr/bin/python3 -m pytest tests/lab/test_vrrp_interop_matrix.py
"""
import json
import os
import re
import shutil
import signal
import time

import pytest

from vrrp_lab import Lab, dump_lock, fresh_file, tshark_vrrp, vrrp_conf, wait_for

pytestmark = pytest.mark.skipif(shutil.which("keepalived") is None,
                                reason="Debian's keepalived is not installed")

VIP = {4: "10.99.0.100/24", 6: "fd99::100/64"}
STATS, DATA, JSON = ("/tmp/keepalived.stats", "/tmp/keepalived.data",
                     "/tmp/keepalived.json")

# (configured version, family, mode, who is master first).  Covered
# elsewhere, so absent here: v2/4/mcast both ways, v3/4/mcast halod master,
# v3/6/mcast both ways, v2/4/unicast halod master, v3/6/unicast keepalived
# master.
CELLS = [
    (3, 4, "mcast", "keepalived"),
    (3, 4, "unicast", "halod"),
    (3, 4, "unicast", "keepalived"),
    (2, 4, "unicast", "keepalived"),
    (3, 6, "unicast", "halod"),
    (2, 6, "mcast", "halod"),
    (2, 6, "mcast", "keepalived"),
    (2, 6, "unicast", "halod"),
]


@pytest.fixture
def lab(halod_bin):
    lab = Lab(2, halod_bin)
    try:
        yield lab
    finally:
        lab.close()


def holders(lab, vip):
    return [n.ns for n in lab.nodes if n.has(vip)]


def cell_conf(version, family, mode, me, peer, priority):
    # keepalived rounds a fractional v2 interval, and v2-configured IPv6
    # keeps the v2 default of 1 s: only genuine v3 runs at 0.1 s.
    fast = version == 3
    kw = dict(version=version, priority=priority, interval="0.1" if fast else "1",
              auth=(version == 2 and family == 4), vips=(VIP[family],))
    if mode == "unicast":
        src = me.ip4 if family == 4 else me.ip6
        kw.update(unicast_src=src, peers=(peer.ip4 if family == 4 else peer.ip6,))
    return vrrp_conf(**kw)


def src_of(node, family, mode):
    if family == 4:
        return node.ip4
    return node.ip6 if mode == "unicast" else node.link6()


def start(lab, kind, node, conf):
    return lab.halod(node, conf) if kind == "halod" else lab.keepalived(node, conf)


@pytest.mark.parametrize("version,family,mode,first", CELLS,
                         ids=[f"v{v}-ipv{f}-{m}-{k}-master" for v, f, m, k in CELLS])
def test_interop_cell(lab, version, family, mode, first):
    wire_version = "3" if family == 6 else str(version)
    iv = 0.1 if version == 3 else 1.0
    mdi = 3 * iv + (256 - 100) / 256 * iv
    vip = VIP[family]
    m_node, b_node = lab.nodes
    other = "keepalived" if first == "halod" else "halod"
    m_conf = cell_conf(version, family, mode, m_node, b_node, 150)
    b_conf = cell_conf(version, family, mode, b_node, m_node, 100)

    m = start(lab, first, m_node, m_conf)
    b = start(lab, other, b_node, b_conf)
    wait_for(lambda: holders(lab, vip) == [m_node.ns], 4 * iv + 3, f"{vip} only on the master")
    h = m if first == "halod" else b
    h.wait_state("MASTER" if first == "halod" else "BACKUP", timeout=3)

    pcap, cap = lab.capture("steady")
    time.sleep(2.5 * iv + 0.2)
    lab.stop_capture(cap)
    pk = tshark_vrrp(pcap, extra_fields=("ip.dst", "ipv6.dst"))
    assert pk, "no adverts on the wire"
    assert {p["src"] for p in pk} == {src_of(m_node, family, mode)}, pk
    assert {p["version"] for p in pk} == {wire_version}, pk
    assert all(p["csum"] == "1" and not p["malformed"] for p in pk), pk
    if mode == "unicast":
        assert {p["ip.dst"] or p["ipv6.dst"] for p in pk} == {src_of(b_node, family, mode)}
    hi = h.instance()
    assert hi["version"] == int(wire_version)
    assert not hi["counters"]["drops"], hi["counters"]["drops"]
    if first != "halod":
        assert hi["master_address"] == src_of(m_node, family, mode)
        assert hi["master_priority"] == 150

    # Failover one way: the master crashes, the backup takes over.
    m.kill()
    wait_for(lambda: b_node.has(vip), mdi + 1.5, "the backup to take the VIP")
    if other == "halod":
        assert b.instance()["last_transition"]["reason"] == "master_down"
    m_node.ip("addr", "del", vip, "dev", "eth0")   # the crash leftover
    assert holders(lab, vip) == [b_node.ns]

    # And back: the master returns and preempts.
    m2 = start(lab, first, m_node, m_conf)
    wait_for(lambda: holders(lab, vip) == [m_node.ns], mdi + 3, f"{vip} back on the master")
    h2 = m2 if first == "halod" else b
    h2.wait_state("MASTER" if first == "halod" else "BACKUP", timeout=3)
    assert not h2.instance()["counters"]["drops"], h2.instance()["counters"]["drops"]
    assert b.alive()


# ---- keepalived.stats ---------------------------------------------------

def stats_shape(text):
    """The lines with their numbers blanked: the layout exporters parse."""
    return [re.sub(r"\d+$", "N", line) for line in text.splitlines()]


def stats_values(text):
    """{(section, key): value} from a keepalived.stats text."""
    vals, section = {}, ""
    for line in text.splitlines():
        key, _, val = line.partition(":")
        depth = len(key) - len(key.lstrip())
        if depth == 2 and not val.strip():
            section = key.strip()
        elif val.strip().isdigit():
            vals[(section if depth == 4 else "", key.strip())] = int(val)
    return vals


def resign_scenario(lab, halod_is_backup):
    """Master (150) and backup (100), v2/PASS/1 s; the master stops cleanly
    (priority 0) and the backup takes over; returns the backup's dump
    files ({path: text}) written on SIGUSR2, SIGUSR1 and the JSON signal."""
    m_node, b_node = lab.nodes
    conf = dict(vips=(VIP[4],))
    mk, bk = ("keepalived", "halod") if halod_is_backup else ("halod", "keepalived")
    m = start(lab, mk, m_node, vrrp_conf(priority=150, **conf))
    b = start(lab, bk, b_node, vrrp_conf(priority=100, **conf))
    wait_for(lambda: holders(lab, VIP[4]) == [m_node.ns], 6, "the master's VIP")
    time.sleep(2.2)
    m.term()
    wait_for(lambda: holders(lab, VIP[4]) == [b_node.ns], 3, "the backup's take-over")
    time.sleep(0.5)
    out = {}
    with dump_lock():
        for sig, path, mark in ((signal.SIGUSR2, STATS, "VRRP Instance: VI_1\n"),
                                (signal.SIGUSR1, DATA, " VRRP Instance = VI_1\n"),
                                (signal.SIGRTMIN + 2, JSON, '"iname"')):
            since = time.time() - 1
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
            b.proc.send_signal(sig)
            wait_for(lambda: fresh_file(path, since, mark), 5, path)
            time.sleep(0.2)   # keepalived writes with stdio: let it finish
            out[path] = open(path).read()
    return out


@pytest.fixture(scope="module")
def dumps(halod_bin):
    """The same scenario twice: halod as the surviving backup, then
    keepalived; their dump files."""
    res = {}
    for halod_is_backup in (True, False):
        lab = Lab(2, halod_bin)
        try:
            res["halod" if halod_is_backup else "keepalived"] = \
                resign_scenario(lab, halod_is_backup)
        finally:
            lab.close()
    return res


def data_values(text):
    """{key: value} of the instance lines ("   Key = value") of a .data text."""
    vals, inside = {}, False
    for line in text.splitlines():
        if line.startswith(" VRRP Instance = "):
            inside, vals["VRRP Instance"] = True, line.split(" = ", 1)[1]
        elif line.startswith("------<"):
            inside = False
        elif inside and line.startswith("   ") and line[3] != " " and " = " in line:
            k, v = line.strip().split(" = ", 1)
            vals[k] = v
    return vals


def test_data_file_matches_keepalived(dumps):
    h, k = (data_values(dumps[w][DATA]) for w in ("halod", "keepalived"))
    assert "------< VRRP Topology >------" in dumps["halod"][DATA]
    for key in ("VRRP Instance", "VRRP Version", "State", "Interface", "Using src_ip",
                "Virtual Router ID", "Priority", "Effective priority", "Advert interval",
                "Preempt", "Authentication type"):
        assert key in h and h[key] == k.get(key), (key, h, k)
    vip_line = "     10.99.0.100/24 dev eth0 scope global set\n"
    assert vip_line in dumps["halod"][DATA] and vip_line in dumps["keepalived"][DATA]


def test_json_file_matches_keepalived(dumps):
    h, k = (json.loads(dumps[w][JSON]) for w in ("halod", "keepalived"))
    assert len(h) == len(k) == 1
    # keepalived also writes the v2 password ("auth_data"); halod does not.
    assert set(h[0]["data"]) == set(k[0]["data"]) - {"auth_data"}, (h, k)
    assert set(h[0]["stats"]) == set(k[0]["stats"])
    for key in ("iname", "state", "wantstate", "vrid", "base_priority", "effective_priority",
                "vipset", "version", "vips", "adver_int", "accept", "nopreempt",
                "garp_delay", "garp_rep", "garp_lower_prio_rep", "ifp_ifname", "auth_type"):
        assert h[0]["data"][key] == k[0]["data"][key], (key, h[0]["data"], k[0]["data"])
    for key in ("become_master", "release_master", "pri_zero_rcvd", "pri_zero_sent",
                "packet_len_err", "ip_ttl_err", "auth_failure"):
        assert h[0]["stats"][key] == k[0]["stats"][key], (key, h[0]["stats"], k[0]["stats"])
    assert h[0]["halo"]["name"] == "VI_1" and h[0]["halo"]["state"] == "MASTER"


def test_stats_file_matches_keepalived(dumps):
    h, k = dumps["halod"][STATS], dumps["keepalived"][STATS]
    assert stats_shape(h) == stats_shape(k), (h, k)
    hv, kv = stats_values(h), stats_values(k)
    assert hv.keys() == kv.keys()
    for key in hv:
        if key in (("Advertisements", "Received"), ("Advertisements", "Sent")):
            continue
        assert hv[key] == kv[key], (key, h, k)
    assert hv[("", "Became master")] == 1
    assert hv[("Priority Zero", "Received")] == 1
    # Adverts: a couple received from the master before it resigned (the
    # resignation counts too), at least one sent as the new master; the
    # two daemons agree to within the start-up jitter.
    for key in (("Advertisements", "Received"), ("Advertisements", "Sent")):
        assert hv[key] >= 1 and abs(hv[key] - kv[key]) <= 2, (key, h, k)
