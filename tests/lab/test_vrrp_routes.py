"""virtual_routes / virtual_rules follow the master; static_routes /
static_rules / static_ipaddress are held by every running node, and all of
them are removed on a clean stop (as keepalived 2.2.7 does).  Read back from
the kernel with `ip -j route show table all` and `ip -j rule`.

Run as root:  HALO_BUILD_DIR=build-p /usr/bin/python3 -m pytest tests/lab/test_vrrp_routes.py
"""
import json
import signal

import pytest

from vrrp_lab import Lab, vrrp_conf, wait_for

VIRTUAL = """    virtual_routes {
        192.168.50.0/24 via 10.99.0.254 dev eth0
        blackhole 192.168.51.0/24
        192.168.52.0/24 via 10.99.0.254 dev eth0 table 100 metric 7
        192.168.54.0/24 table 100 nexthop via 10.99.0.253 dev eth0 weight 1 nexthop via 10.99.0.254 dev eth0 weight 2
    }
    virtual_rules {
        from 10.99.0.100 table 100
    }"""

STATIC = """static_ipaddress {
    10.99.9.1/32 dev eth0
}
static_routes {
    192.168.60.0/24 via 10.99.0.254 dev eth0
}
static_rules {
    from 10.99.0.200 table 200 priority 2000
}
"""

# (dst, table, type, gateway or ((gateway, weight), ...), metric) as
# `ip -j route` shows them.
V_ROUTES = {
    ("192.168.50.0/24", "main", "unicast", "10.99.0.254", None),
    ("192.168.51.0/24", "main", "blackhole", None, None),
    ("192.168.52.0/24", "100", "unicast", "10.99.0.254", 7),
    ("192.168.54.0/24", "100", "unicast", (("10.99.0.253", 1), ("10.99.0.254", 2)), None),
}
S_ROUTE = ("192.168.60.0/24", "main", "unicast", "10.99.0.254", None)
V_RULE = ("10.99.0.100", "100")
S_RULE = ("10.99.0.200", "200")


@pytest.fixture
def lab(halod_bin):
    lab = Lab(2, halod_bin)
    try:
        yield lab
    finally:
        lab.close()


def routes(node):
    """Our test prefixes only (192.168.x), with the protocol checked."""
    out = node.ip("-j", "route", "show", "table", "all").stdout
    res = set()
    for r in json.loads(out or "[]"):
        if not r.get("dst", "").startswith("192.168."):
            continue
        # keepalived marks what it installs with protocol 18 ("keepalived").
        assert r.get("protocol") in ("keepalived", "18"), r
        gw = r.get("gateway")
        if "nexthops" in r:
            gw = tuple((n.get("gateway"), n.get("weight", 1)) for n in r["nexthops"])
        res.add((r["dst"], r.get("table", "main"), r.get("type", "unicast"), gw,
                 r.get("metric")))
    return res


def rules(node):
    out = node.ip("-j", "rule").stdout
    return {(r["src"], r.get("table")) for r in json.loads(out or "[]")
            if r.get("src", "").startswith("10.99.0.")}


def conf(priority):
    return STATIC + vrrp_conf(priority=priority, version=3, interval="0.1", auth=False,
                              extra=VIRTUAL)


def holds_virtual(node):
    return V_ROUTES <= routes(node) and V_RULE in rules(node)


def holds_none_virtual(node):
    return not (V_ROUTES & routes(node)) and V_RULE not in rules(node)


def holds_static(node):
    return S_ROUTE in routes(node) and S_RULE in rules(node) and node.has("10.99.9.1/32")


def holds_no_static(node):
    return (S_ROUTE not in routes(node) and S_RULE not in rules(node)
            and not node.has("10.99.9.1/32"))


def test_virtual_routes_follow_master_static_on_all(lab):
    a_node, b_node = lab.nodes
    a = lab.halod(a_node, conf(150))
    b = lab.halod(b_node, conf(100))
    a.wait_state("MASTER", timeout=5)
    b.wait_state("BACKUP", timeout=5)
    wait_for(lambda: holds_virtual(a_node), 3, "virtual routes/rule on the master")
    assert holds_none_virtual(b_node), (routes(b_node), rules(b_node))
    assert routes(a_node) == V_ROUTES | {S_ROUTE}
    # Static entries are on both nodes, whatever their state.
    wait_for(lambda: holds_static(a_node) and holds_static(b_node), 3, "static entries")

    # Clean stop of the master: it removes its virtual and static entries;
    # the backup takes over and installs the virtual ones.
    a.term()
    assert holds_none_virtual(a_node), (routes(a_node), rules(a_node))
    assert holds_no_static(a_node), (routes(a_node), rules(a_node))
    b.wait_state("MASTER", timeout=3)
    wait_for(lambda: holds_virtual(b_node), 3, "virtual routes/rule on the new master")
    assert holds_static(b_node)

    # The higher priority node comes back and preempts: the running node
    # that leaves MASTER removes them, the new master adds them.
    a = lab.halod(a_node, conf(150))
    a.wait_state("MASTER", timeout=5)
    b.wait_state("BACKUP", timeout=3)
    wait_for(lambda: holds_virtual(a_node), 3, "virtual routes/rule back on the master")
    wait_for(lambda: holds_none_virtual(b_node), 3, "virtual routes/rule gone from backup")
    assert holds_static(a_node) and holds_static(b_node)
    # Each rule exactly once: a re-add never duplicates it.
    out = json.loads(a_node.ip("-j", "rule").stdout)
    assert sum(1 for r in out if r.get("src") == "10.99.0.100") == 1


def test_reload_diffs_virtual_and_static(lab):
    """SIGHUP on a running master: routes/rules only in the old file go, new
    ones come, unchanged ones are not touched (the kernel keeps their
    creation order: the rule keeps the priority it was given)."""
    node = lab.nodes[0]
    d = lab.halod(node, conf(150))
    d.wait_state("MASTER", timeout=5)
    wait_for(lambda: holds_virtual(node) and holds_static(node), 3, "initial entries")
    kept_prio = [r["priority"] for r in json.loads(node.ip("-j", "rule").stdout)
                 if r.get("src") == "10.99.0.100"]
    new_virtual = VIRTUAL.replace("blackhole 192.168.51.0/24", "unreachable 192.168.53.0/24")
    new_static = STATIC.replace("192.168.60.0/24", "192.168.61.0/24")
    text = new_static + vrrp_conf(priority=150, version=3, interval="0.1", auth=False,
                                  extra=new_virtual)
    before = d.vrrp_status()["reloads"]
    d.conf.write_text(text)
    d.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: d.vrrp_status()["reloads"] == before + 1, 5, "the reload")
    want = (V_ROUTES - {("192.168.51.0/24", "main", "blackhole", None, None)}) | {
        ("192.168.53.0/24", "main", "unreachable", None, None),
        ("192.168.61.0/24", "main", "unicast", "10.99.0.254", None)}
    wait_for(lambda: routes(node) == want, 3, "routes after reload")
    assert d.state() == "MASTER"
    assert [r["priority"] for r in json.loads(node.ip("-j", "rule").stdout)
            if r.get("src") == "10.99.0.100"] == kept_prio
    d.term()
    assert routes(node) == set() and rules(node) == set()


def test_crash_leftovers_removed_at_start(lab):
    """A SIGKILLed master leaves its virtual routes and rule behind (nobody
    could remove them); when it starts again as a backup, it removes them,
    while the new master holds its own copy."""
    a_node, b_node = lab.nodes
    a = lab.halod(a_node, conf(150))
    b = lab.halod(b_node, conf(100))
    a.wait_state("MASTER", timeout=5)
    wait_for(lambda: holds_virtual(a_node), 3, "virtual routes/rule on the master")
    a.kill()
    b.wait_state("MASTER", timeout=3)
    wait_for(lambda: holds_virtual(b_node), 3, "virtual routes/rule on the new master")
    assert holds_virtual(a_node)  # the leftovers
    a = lab.halod(a_node, conf(50))
    a.wait_state("BACKUP", timeout=5)
    wait_for(lambda: holds_none_virtual(a_node), 3, "leftovers removed")
    assert holds_static(a_node) and holds_virtual(b_node)
