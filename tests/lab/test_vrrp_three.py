"""Three halod nodes on one LAN (issue 3): the election follows priority,
each crash hands mastership to the next-highest survivor (never skipping
it), the highest returns and preempts; and an address owner (priority 255,
its VIP its own interface address) is master at once at start-up, with no
Master_Down wait, and is never preempted.

Run as root:  HALO_BUILD_DIR=build-o /usr/bin/python3 -m pytest tests/lab/test_vrrp_three.py
"""
import time

import pytest

from vrrp_lab import Lab, tshark_vrrp, vrrp_conf, wait_for

V3 = dict(interval="0.1", version=3, auth=False)
VIP = "10.99.0.100/24"


@pytest.fixture
def lab(halod_bin):
    lab = Lab(3, halod_bin)
    try:
        yield lab
    finally:
        lab.close()


def holders(lab, vip):
    return [n.ns for n in lab.nodes if n.has(vip)]


def masters(daemons):
    return [d.node.ns for d in daemons if d.alive() and d.state() == "MASTER"]


def test_election_order_and_cascading_failover(lab):
    n150, n120, n100 = lab.nodes
    d150 = lab.halod(n150, vrrp_conf(priority=150, **V3))
    d120 = lab.halod(n120, vrrp_conf(priority=120, **V3))
    d100 = lab.halod(n100, vrrp_conf(priority=100, **V3))
    d150.wait_state("MASTER", timeout=3)
    d120.wait_state("BACKUP")
    d100.wait_state("BACKUP")
    time.sleep(0.5)
    assert masters([d150, d120, d100]) == [n150.ns]
    assert holders(lab, VIP) == [n150.ns]
    for d in (d120, d100):
        i = d.instance()
        assert i["master_address"] == n150.ip4 and i["master_priority"] == 150

    # Crash of 150: 120's down interval (skew 0.0531 s) is shorter than
    # 100's (0.0609 s), so 120 takes over and 100 then sees 120's adverts
    # and stays backup.
    pcap, cap = lab.capture("cascade1")
    time.sleep(0.3)
    d150.kill()
    d120.wait_state("MASTER", timeout=2)
    time.sleep(0.5)
    lab.stop_capture(cap)
    assert d100.state() == "BACKUP"
    assert d100.instance()["counters"]["became_master"] == 0
    assert d100.instance()["master_address"] == n120.ip4
    # The dead master's VIP stays on its interface after a crash; remove it
    # as an operator (or a reboot) would, so the holder check stays exact.
    n150.ip("addr", "del", VIP, "dev", "eth0")
    assert holders(lab, VIP) == [n120.ns]
    # On the wire: after 150's last advert only 120 speaks.
    pk = tshark_vrrp(pcap)
    last150 = max(p["t"] for p in pk if p["src"] == n150.ip4)
    assert {p["src"] for p in pk if p["t"] > last150} == {n120.ip4}

    # Crash of 120: 100 takes over.
    d120.kill()
    d100.wait_state("MASTER", timeout=2)
    n120.ip("addr", "del", VIP, "dev", "eth0")
    wait_for(lambda: holders(lab, VIP) == [n100.ns], 2, "VIP on the 100 node only")
    assert d100.instance()["last_transition"]["reason"] == "master_down"

    # 150 returns: it preempts; 100 yields.
    d150b = lab.halod(n150, vrrp_conf(priority=150, **V3))
    d150b.wait_state("MASTER", timeout=3)
    d100.wait_state("BACKUP", timeout=2)
    wait_for(lambda: holders(lab, VIP) == [n150.ns], 2, "VIP back on the 150 node")
    assert d150b.instance()["last_transition"]["reason"] == "preempt"
    assert d100.instance()["last_transition"]["reason"] == "higher_priority"


def test_address_owner_is_master_at_once_and_never_preempted(lab):
    """Owner semantics: the VIP is the owner's own interface address.  v3 at
    1 s, so Master_Down_Interval (3.004 s for priority 255) dwarfs the
    start-up time of the daemon."""
    owner, other, _ = lab.nodes
    own_vip = f"{owner.ip4}/24"
    conf = dict(interval="1", version=3, auth=False, vips=(own_vip,))
    pcap, cap = lab.capture("owner")
    # A backup with the highest non-owner priority is already running.
    d254 = lab.halod(other, vrrp_conf(priority=254, **conf))
    d254.wait_state("BACKUP")
    time.sleep(0.2)
    t0 = time.time()
    d255 = lab.halod(owner, vrrp_conf(priority=255, **conf))
    d255.wait_state("MASTER", timeout=2)
    # The 254 node either never became master (owner first) or yields to it.
    d254.wait_state("BACKUP", timeout=2)
    time.sleep(2.5)
    lab.stop_capture(cap)

    inst = d255.instance()
    assert inst["last_transition"]["reason"] == "address_owner"
    assert inst["counters"]["transitions"] == 1   # INIT -> MASTER, no BACKUP
    assert d254.state() == "BACKUP"
    assert d254.instance()["master_priority"] == 255
    # The owner's address is still there (it was never removed) and the
    # 254 node does not hold it.
    assert owner.has(own_vip) and not other.has(own_vip)

    pk = tshark_vrrp(pcap, extra_fields=("frame.time_epoch",))
    first = min(float(p["frame.time_epoch"]) for p in pk if p["src"] == owner.ip4)
    startup = first - t0
    mdi = 3 * 1.0 + (256 - 255) / 256 * 1.0
    print(f"owner: first advert {startup * 1000:.1f} ms after start (MDI {mdi * 1000:.0f} ms)")
    assert 0 <= startup < mdi / 4, startup
    assert all(p["prio"] == 255 for p in pk if p["src"] == owner.ip4)
    # Never preempted: only the owner advertises once it is up.
    assert {p["src"] for p in pk if float(p["frame.time_epoch"]) > first} == {owner.ip4}
    # A clean stop resigns (priority 0) but leaves the owner's own interface
    # address in place: the daemon never added it.
    d255.term()
    d254.wait_state("MASTER", timeout=2)
    assert owner.has(own_vip)
