"""Advert phases of a large configuration (src/vrrp/vrrp_timer.h).

Instances that become master together would send in one burst per
interval; a configuration too large for one slot (at 100 ms a slot holds
VRRP_PHASE_GROUP = 50) deals them round-robin over slots spread across the
interval instead.
Here 120 VRRPv3 instances at 100 ms on one node (3 slots, 33.3 ms apart)
must:
  - send each instance's adverts at the phase of its place in the file:
    (offset of instance i from instance 0) mod 100 ms = (i mod 3) x 33.3 ms;
  - never leave a gap longer than one interval between two adverts of an
    instance (the phase only ever makes a gap shorter);
while a configuration of 40 instances (one slot) keeps the RFC's timing:
each round of adverts is one burst of all 40, as before.

Run as root:  HALO_BUILD_DIR=build-x /usr/bin/python3 -m pytest tests/lab/test_vrrp_phase.py
"""
import time

import pytest

from vrrp_lab import Lab, tshark_vrrp, wait_for

INTERVAL = 0.1


def config(n):
    out = ["global_defs {", "    vrrp_version 3", "}"]
    for i in range(n):
        out += [f"vrrp_instance VI_{i + 1} {{", "    state BACKUP", "    interface eth0",
                f"    virtual_router_id {i + 1}", "    priority 150", "    advert_int 0.1",
                "    virtual_ipaddress {", f"        10.77.{i + 1}.1/32", "    }", "}"]
    return "\n".join(out) + "\n"


@pytest.fixture
def lab(halod_bin):
    lab = Lab(1, halod_bin)
    try:
        yield lab
    finally:
        lab.close()


def adverts_by_vrid(lab, d, n):
    """All n instances master, then 1.5 s of their adverts: {vrid: [t]}."""
    wait_for(lambda: all(i["state"] == "MASTER" for i in d.instances())
             and len(d.instances()) == n, 15, f"{n} instances MASTER", interval=0.2)
    path, p = lab.capture("phase", "ip proto 112")
    time.sleep(1.5)
    lab.stop_capture(p)  # fails if tcpdump dropped any
    times = {}
    for pkt in tshark_vrrp(path):
        times.setdefault(int(pkt["vrid"]), []).append(pkt["t"])
    assert sorted(times) == list(range(1, n + 1)), f"adverts from {len(times)}/{n} instances"
    return times


def circular_offset(t, ref):
    """(t - ref) mod INTERVAL, in seconds."""
    return (t - ref) % INTERVAL


def test_large_config_spreads_adverts_over_the_interval(lab):
    n, slots = 120, 3
    d = lab.halod(lab.nodes[0], config(n))
    times = adverts_by_vrid(lab, d, n)
    ref = times[1][0]
    for vrid, ts in times.items():
        want = ((vrid - 1) % slots) * INTERVAL / slots
        for t in ts:
            got = circular_offset(t, ref)
            # Distance on the circle of one interval.
            err = min(abs(got - want), INTERVAL - abs(got - want))
            assert err < 0.004, f"VRID {vrid}: advert at phase {got * 1000:.1f} ms, " \
                                f"want {want * 1000:.1f} ms"
        gaps = [b - a for a, b in zip(ts, ts[1:])]
        assert len(gaps) >= 10, f"VRID {vrid}: {len(ts)} adverts in 1.5 s"
        assert max(gaps) < INTERVAL + 0.004, f"VRID {vrid}: gap {max(gaps) * 1000:.1f} ms"
    # Three clusters, not one burst: every advert is within 4 ms of one of
    # the three phases (checked above), and each phase holds a third.
    per_slot = [sum(1 for v in times if (v - 1) % slots == s) for s in range(slots)]
    assert per_slot == [40, 40, 40]


def test_small_config_keeps_one_burst(lab):
    n = 40
    d = lab.halod(lab.nodes[0], config(n))
    times = adverts_by_vrid(lab, d, n)
    # Without phases every round of adverts is one burst: split the capture
    # where nothing was sent for 20 ms; every full round holds all 40.
    allt = sorted((t, v) for v, ts in times.items() for t in ts)
    rounds, cur = [], [allt[0]]
    for a, b in zip(allt, allt[1:]):
        if b[0] - a[0] > 0.02:
            rounds.append(cur)
            cur = []
        cur.append(b)
    rounds.append(cur)
    full = rounds[1:-1]  # the capture may cut the first and last round
    assert len(full) >= 10, f"{len(rounds)} rounds in 1.5 s"
    for r in full:
        assert sorted(v for _, v in r) == list(range(1, n + 1))
        assert r[-1][0] - r[0][0] < 0.004, f"a round spread over {(r[-1][0] - r[0][0]) * 1000:.1f} ms"
