"""Reload (SIGHUP) and the dump signals of a running VRRP engine.

Reload: instances are matched by (VRID, family, interface) as keepalived
does; an unchanged instance keeps its state, timers, counters and VIPs; VIP
changes are applied while MASTER; a priority change acts at once; new
instances start, removed ones resign.

Run as root:  HALO_BUILD_DIR=build-h /usr/bin/python3 -m pytest tests/lab/test_vrrp_reload.py
"""
import signal
import time

import pytest

from vrrp_lab import Lab, dump_lock, fresh_file, tshark_vrrp, vrrp_conf, wait_for

V3 = dict(interval="0.1", version=3, auth=False)
DATA, STATS, JSON = ("/tmp/keepalived.data", "/tmp/keepalived.stats",
                     "/tmp/keepalived.json")


@pytest.fixture
def lab(halod_bin):
    lab = Lab(2, halod_bin)
    try:
        yield lab
    finally:
        lab.close()


def test_reload_keeps_state_and_applies_diff(lab):
    a_node, b_node = lab.nodes
    a = lab.halod(a_node, vrrp_conf(priority=150, vips=("10.99.0.100/24",), **V3))
    b = lab.halod(b_node, vrrp_conf(priority=100, vips=("10.99.0.100/24",), **V3))
    a.wait_state("MASTER", timeout=3)
    b.wait_state("BACKUP")
    before = a.instance()

    # Renamed, one VIP added: same instance (same VRID/family/interface).
    a.reload(vrrp_conf(name="VI_renamed", priority=150,
                        vips=("10.99.0.100/24", "10.99.0.101/24"), **V3))
    inst = a.instance("VI_renamed")
    assert inst["state"] == "MASTER"
    assert inst["counters"]["transitions"] == before["counters"]["transitions"]
    assert inst["counters"]["adverts_sent"] >= before["counters"]["adverts_sent"]
    assert inst["last_transition"] == before["last_transition"]
    wait_for(lambda: a_node.has("10.99.0.101/24"), 2, "the added VIP")
    assert a_node.has("10.99.0.100/24")

    # One VIP removed.
    a.reload(vrrp_conf(name="VI_renamed", priority=150, vips=("10.99.0.101/24",), **V3))
    wait_for(lambda: not a_node.has("10.99.0.100/24"), 2, "the removed VIP to go")
    assert a_node.has("10.99.0.101/24") and a.state("VI_renamed") == "MASTER"

    # A priority below the backup's: the backup preempts within its
    # Master_Down_Interval.
    a.reload(vrrp_conf(name="VI_renamed", priority=50, vips=("10.99.0.101/24",), **V3))
    assert a.instance("VI_renamed")["effective_priority"] == 50
    b.wait_state("MASTER", timeout=2)
    a.wait_state("BACKUP", timeout=2, name="VI_renamed")
    assert not a_node.has("10.99.0.101/24")


def test_reload_adds_and_removes_instances(lab):
    a_node, _ = lab.nodes
    one = vrrp_conf(priority=150, **V3)
    # global_defs (vrrp_version 3) comes once, from `one`.
    two = one + vrrp_conf(name="VI_2", vrid=52, priority=150, vips=("10.99.0.102/24",),
                          interval="0.1", auth=False)
    a = lab.halod(a_node, one)
    a.wait_state("MASTER", timeout=3)
    a.reload(two)
    a.wait_state("MASTER", timeout=3, name="VI_2")
    assert a_node.has("10.99.0.102/24")
    assert a.instance()["counters"]["transitions"] == 2  # INIT->BACKUP->MASTER, untouched
    pcap, cap = lab.capture("rm")
    time.sleep(0.2)
    a.reload(one)
    time.sleep(0.3)
    lab.stop_capture(cap)
    assert [i["name"] for i in a.instances()] == ["VI_1"]
    assert not a_node.has("10.99.0.102/24") and a_node.has("10.99.0.100/24")
    prio0 = [p for p in tshark_vrrp(pcap) if p["prio"] == 0]
    assert [p["vrid"] for p in prio0] == ["52"], prio0


def test_signal_dumps(lab):
    """The dump signals write keepalived's files at keepalived's paths: the
    JSON signal the instances to /tmp/keepalived.json, SIGUSR2 the counters
    to /tmp/keepalived.stats, SIGUSR1 the state to /tmp/keepalived.data.  A
    symlink planted at one of those paths is not followed."""
    import json
    import os
    a_node, _ = lab.nodes
    a = lab.halod(a_node, vrrp_conf(name="VI_dump", priority=255, **V3))
    a.wait_state("MASTER", timeout=2, name="VI_dump")
    with dump_lock():
        start = time.time() - 1
        a.proc.send_signal(signal.SIGRTMIN + 2)
        wait_for(lambda: fresh_file(JSON, start, a_node.ip4), 3, JSON)
        # keepalived's layout: an array of {"data", "stats"}, plus "halo".
        inst = [i for i in json.load(open(JSON)) if i["data"]["iname"] == "VI_dump"]
        assert inst and inst[0]["data"]["state"] == 2 and inst[0]["data"]["vipset"] is True
        assert inst[0]["stats"]["become_master"] == 1
        assert inst[0]["halo"]["state"] == "MASTER"
        assert oct(os.stat(JSON).st_mode & 0o777) == "0o600"
        a.proc.send_signal(signal.SIGUSR2)
        wait_for(lambda: fresh_file(STATS, start, "VRRP Instance: VI_dump"), 3, STATS)
        assert "  Became master: 1\n" in open(STATS).read()
        a.proc.send_signal(signal.SIGUSR1)
        wait_for(lambda: fresh_file(DATA, start, " VRRP Instance = VI_dump"), 3, DATA)
        data = open(DATA).read()
        assert "   State = MASTER\n" in data and "   Virtual Router ID = 51\n" in data

        target = os.path.join(lab.tmp, "victim")
        open(target, "w").write("untouched\n")
        os.unlink(STATS)
        os.symlink(target, STATS)
        try:
            a.proc.send_signal(signal.SIGUSR2)
            wait_for(lambda: f"cannot write {STATS}" in a.output(), 3, "the refusal")
            assert open(target).read() == "untouched\n"
            assert os.path.islink(STATS)
        finally:
            os.unlink(STATS)
