"""Trackers wired into the running VRRP engine, between real halod
processes in network namespaces: a vrrp_script's weight moves the VIP and
rise brings it back (preempt); weight 0 means FAULT; a script hanging past
its timeout fails and is killed; track_file value x weight sets the
priority (the owner's 255 never moves); a track_interface going down means
FAULT; and `status` explains why (the "trackers" object).

Run as root:  HALO_BUILD_DIR=build-m /usr/bin/python3 -m pytest tests/lab/test_vrrp_track.py
"""
import os
import signal
import subprocess
import pathlib
import time

import pytest

from vrrp_lab import Lab, sh, vrrp_conf, wait_for

VIP = "10.99.0.100/24"
SECURE = "    script_user root\n    enable_script_security\n"


@pytest.fixture
def lab2(halod_bin):
    lab = Lab(2, halod_bin)
    try:
        yield lab
    finally:
        lab.close()


@pytest.fixture
def lab1(halod_bin):
    lab = Lab(1, halod_bin)
    try:
        yield lab
    finally:
        lab.close()


def script(lab, name, body):
    """A root-owned 0755 script in the lab's root-owned 0700 directory
    (its parents are / and /tmp, which script security accepts)."""
    p = pathlib.Path(lab.tmp) / name
    p.write_text("#!/bin/sh\n" + body + "\n")
    os.chmod(p, 0o755)
    return p


def conf(prio, extra="", top="", name="VI_1", vrid=51, vips=(VIP,)):
    """v3 at 0.1 s with script security on; `top` adds top-level blocks."""
    return top + vrrp_conf(name=name, vrid=vrid, priority=prio, interval="0.1", version=3,
                           auth=False, vips=vips, extra=extra, globals_extra=SECURE)


def tracker(inst, name):
    for t in inst["trackers"]["trackers"]:
        if t["name"] == name:
            return t
    raise AssertionError(f"no tracker {name} in {inst['trackers']}")


def test_script_weight_moves_vip_and_rise_brings_it_back(lab2):
    """Master 150 with a script of weight -60 (fall 1, rise 2) against a
    backup at 120: the failing script drops it to 90, the backup takes the
    VIP; the script passing twice again restores 150 and it preempts."""
    a_node, b_node = lab2.nodes
    flag = pathlib.Path(lab2.tmp) / "flag"
    flag.write_text("ok\n")
    chk = script(lab2, "chk.sh", f"test -f {flag}")
    top = (f"vrrp_script chk {{\n    script \"{chk}\"\n    interval 1\n    weight -60\n"
           "    rise 2\n    fall 1\n}\n")
    track = "    track_script {\n        chk\n    }"
    a = lab2.halod(a_node, conf(150, track, top))
    b = lab2.halod(b_node, conf(120))
    a.wait_state("MASTER", timeout=5)
    b.wait_state("BACKUP")
    wait_for(lambda: a.vrrp_status()["scripts"][0]["runs"] >= 2, 3, "chk runs")
    ia = a.instance()
    assert ia["effective_priority"] == 150
    t = tracker(ia, "chk")
    assert t["kind"] == "script" and t["result"] == "up" and t["contribution"] == 0
    assert a_node.has(VIP)

    flag.unlink()
    b.wait_state("MASTER", timeout=3)
    a.wait_state("BACKUP", timeout=2)
    ia = a.instance()
    assert ia["effective_priority"] == 90 and ia["base_priority"] == 150
    t = tracker(ia, "chk")
    assert t["result"] == "down" and t["weight"] == -60 and t["contribution"] == -60
    assert ia["trackers"]["effective_priority"] == 90 and ia["trackers"]["fault"] is False
    wait_for(lambda: b_node.has(VIP) and not a_node.has(VIP), 2, "VIP on the backup")
    assert b.instance()["master_priority"] == 120 or b.state() == "MASTER"

    flag.write_text("ok\n")
    t0 = time.monotonic()
    a.wait_state("MASTER", timeout=3)
    # rise 2 at 1 s: one more successful run after the first.
    assert time.monotonic() - t0 >= 0.9
    b.wait_state("BACKUP", timeout=2)
    assert a.instance()["effective_priority"] == 150
    wait_for(lambda: a_node.has(VIP) and not b_node.has(VIP), 2, "VIP back on the master")
    st = a.vrrp_status()["scripts"][0]
    assert st["name"] == "chk" and st["failures"] >= 1 and st["disabled"] is False


def test_weight0_fault_and_hanging_script_is_killed(lab1):
    """A weight-0 script failing is FAULT (VIP released), passing again
    clears it; a script that hangs past its timeout counts as failed
    (FAULT) and is killed: never more than one copy runs."""
    node = lab1.nodes[0]
    flag = pathlib.Path(lab1.tmp) / "flag"
    flag.write_text("ok\n")
    chk = script(lab1, "chk.sh", f"test -f {flag}")
    hang = script(lab1, "hang.sh", f"test -f {flag}.hang || exit 0\nexec sleep 30")
    top = (f"vrrp_script chk {{\n    script \"{chk}\"\n    interval 1\n}}\n"
           f"vrrp_script hang {{\n    script \"{hang}\"\n    interval 1\n    timeout 1\n}}\n")
    extra1 = "    track_script {\n        chk\n    }"
    extra2 = "    track_script {\n        hang\n    }"
    text = top + conf(100, extra1) + conf(100, extra2, name="VI_2", vrid=52,
                                            vips=("10.99.0.101/24",)).split("}\n", 1)[1]
    d = lab1.halod(node, text)
    d.wait_state("MASTER", timeout=5)
    d.wait_state("MASTER", timeout=5, name="VI_2")
    assert node.has(VIP)

    flag.unlink()
    d.wait_state("FAULT", timeout=2)
    i = d.instance()
    assert i["trackers"]["fault"] is True
    t = tracker(i, "chk")
    assert t["weight"] == 0 and t["fault"] is True and t["result"] == "down"
    wait_for(lambda: not node.has(VIP), 2, "VIP released in FAULT")
    flag.write_text("ok\n")
    d.wait_state("MASTER", timeout=3)

    (pathlib.Path(f"{flag}.hang")).write_text("1\n")
    d.wait_state("FAULT", timeout=3, name="VI_2")
    assert d.state() == "MASTER"
    # keepalived's minimum interval and timeout are 1 s: a run every
    # second at most, each killed after 1 s.
    counts = []
    for _ in range(30):
        r = sh("ip", "netns", "exec", node.ns, "pgrep", "-f", "sleep 30", check=False)
        counts.append(len(r.stdout.split()))
        time.sleep(0.1)
    assert max(counts) <= 1, counts
    st = {s["name"]: s for s in d.vrrp_status()["scripts"]}["hang"]
    assert st["timeouts"] >= 2 and st["failures"] >= st["timeouts"], (st, counts)
    assert "vrrp_script hang: now down (timed out" in d.output()
    pathlib.Path(f"{flag}.hang").unlink()
    d.wait_state("MASTER", timeout=4, name="VI_2")
    time.sleep(0.4)
    r = sh("ip", "netns", "exec", node.ns, "pgrep", "-f", "sleep 30", check=False)
    assert r.stdout.strip() == ""


def test_track_file_value_times_weight_and_owner(lab1):
    """track_file weight 10: the value written sets base + value x 10; a
    write through rename is seen; the owner (255) tracking the same file
    stays at 255."""
    node = lab1.nodes[0]
    f = pathlib.Path(lab1.tmp) / "prio"
    f.write_text("0\n")
    top = f"track_file tf {{\n    file \"{f}\"\n    weight 10\n}}\n"
    track = "    track_file {\n        tf\n    }"
    text = top + conf(100, track) + conf(255, track, name="VI_2", vrid=52,
                                          vips=("10.99.0.101/24",)).split("}\n", 1)[1]
    d = lab1.halod(node, text)
    d.wait_state("MASTER", timeout=5)
    assert d.instance()["effective_priority"] == 100

    f.write_text("5\n")
    wait_for(lambda: d.instance()["effective_priority"] == 150, 2, "priority 150")
    t = tracker(d.instance(), "tf")
    assert t["kind"] == "file" and t["result"] == 5 and t["contribution"] == 50
    tmp = pathlib.Path(lab1.tmp) / "prio.new"
    tmp.write_text("-3\n")
    os.rename(tmp, f)
    wait_for(lambda: d.instance()["effective_priority"] == 70, 2, "priority 70")
    i2 = d.instance("VI_2")
    assert i2["effective_priority"] == 255 and i2["trackers"]["owner"] is True
    assert tracker(i2, "tf")["result"] == -3


def test_track_interface_down_is_fault(lab2):
    """track_interface on a second veth inside the master's namespace: down
    is FAULT (the backup takes the VIP), up again and the master preempts."""
    a_node, b_node = lab2.nodes
    a_node.ip("link", "add", "ext0", "type", "veth", "peer", "name", "ext1")
    a_node.ip("link", "set", "ext0", "up")
    a_node.ip("link", "set", "ext1", "up")
    track = "    track_interface {\n        ext0\n    }"
    a = lab2.halod(a_node, conf(150, track))
    b = lab2.halod(b_node, conf(100))
    a.wait_state("MASTER", timeout=5)
    b.wait_state("BACKUP")
    t = tracker(a.instance(), "ext0")
    assert t["kind"] == "interface" and t["result"] == "up"

    a_node.ip("link", "set", "ext0", "down")
    a.wait_state("FAULT", timeout=2)
    b.wait_state("MASTER", timeout=2)
    ia = a.instance()
    assert tracker(ia, "ext0")["result"] == "down" and ia["trackers"]["fault"] is True
    assert ia["trackers"]["interface_fault"] is False
    wait_for(lambda: b_node.has(VIP) and not a_node.has(VIP), 2, "VIP on the backup")

    a_node.ip("link", "set", "ext0", "up")
    a.wait_state("MASTER", timeout=3)
    b.wait_state("BACKUP", timeout=2)
    assert a_node.has(VIP)


def reload(d, text):
    before = d.vrrp_status()["reloads"]
    d.conf.write_text(text)
    d.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: d.vrrp_status()["reloads"] == before + 1, 5, "the reload")


def test_reload_keeps_tracker_results_and_swaps_scripts(lab2):
    """A master demoted by a failing script (rise 3) stays demoted across a
    reload that keeps its instance: no transition, the same effective
    priority, the script's down state and history kept.  A script added
    by the reload starts running, a script removed stops."""
    a_node, b_node = lab2.nodes
    flag = pathlib.Path(lab2.tmp) / "flag"
    chk = script(lab2, "chk.sh", f"test -f {flag}")
    old = script(lab2, "old.sh", "exit 0")
    new = script(lab2, "new.sh", "exit 0")
    blocks = {n: f"vrrp_script {n} {{\n    script \"{p}\"\n    interval 1\n    weight -60\n"
                 "    rise 3\n}\n" for n, p in (("chk", chk), ("old", old), ("new", new))}

    def text(names):
        track = "    track_script {\n" + "".join(f"        {n}\n" for n in names) + "    }"
        return "".join(blocks[n] for n in names) + conf(150, track)
    a = lab2.halod(a_node, text(["chk", "old"]))
    b = lab2.halod(b_node, conf(120))
    b.wait_state("MASTER", timeout=5)
    a.wait_state("BACKUP", timeout=3)
    assert a.instance()["effective_priority"] == 90
    time.sleep(1.2)
    transitions_count = a.instance()["counters"]["transitions"]
    runs = {s["name"]: s for s in a.vrrp_status()["scripts"]}
    assert runs["chk"]["result"] == "down" and runs["old"]["runs"] >= 1

    flag.write_text("ok\n")  # one success now: rise 3 is not reached yet
    time.sleep(1.1)
    reload(a, text(["chk", "new"]))
    time.sleep(0.5)
    ia = a.instance()
    assert ia["state"] == "BACKUP" and ia["effective_priority"] == 90
    assert ia["counters"]["transitions"] == transitions_count
    assert tracker(ia, "chk")["result"] == "down"
    scripts = {s["name"]: s for s in a.vrrp_status()["scripts"]}
    assert set(scripts) == {"chk", "new"}
    wait_for(lambda: {s["name"]: s for s in a.vrrp_status()["scripts"]}["new"]["runs"] >= 1,
             3, "the new script to run")
    # The success count carried over: rise 3 is reached within ~2 more
    # runs, and the master comes back by preemption.
    a.wait_state("MASTER", timeout=4)
    assert a.instance()["effective_priority"] == 150
    assert "new" in [t["name"] for t in a.instance()["trackers"]["trackers"]]
    assert "old" not in [t["name"] for t in a.instance()["trackers"]["trackers"]]
    assert b.state() in ("BACKUP", "MASTER")
    b.wait_state("BACKUP", timeout=2)


def test_failing_tracker_at_start_goes_straight_to_fault(lab1):
    """A tracked interface down when halod starts: INIT -> FAULT directly
    (no BACKUP first); up again, the instance starts as usual."""
    node = lab1.nodes[0]
    node.ip("link", "add", "ext0", "type", "veth", "peer", "name", "ext1")
    d = lab1.halod(node, conf(100, "    track_interface {\n        ext0\n    }"))
    d.wait_state("FAULT", timeout=3)
    assert tracker(d.instance(), "ext0")["result"] == "down"
    node.ip("link", "set", "ext1", "up")
    node.ip("link", "set", "ext0", "up")
    d.wait_state("MASTER", timeout=3)
    trans = [line.split(") ", 1)[1] for line in d.output().splitlines()
             if "(VI_1) " in line and " -> " in line]
    assert trans[0].startswith("INIT -> FAULT"), trans
    assert trans[1].startswith("FAULT -> BACKUP") and trans[2].startswith("BACKUP -> MASTER")


def test_track_process_quorum(lab1):
    """vrrp_track_process with weight 0: no matching process is FAULT; the
    process started is seen at the next /proc scan (1 s) and the instance
    runs; killed, FAULT again.  The match needs the exact parameter."""
    node = lab1.nodes[0]
    arg = str(90000 + os.getpid() % 9999)
    top = f"vrrp_track_process tp {{\n    process sleep {arg}\n    weight 0\n}}\n"
    d = lab1.halod(node, top + conf(100, "    track_process {\n        tp\n    }"))
    d.wait_state("FAULT", timeout=3)
    other = subprocess.Popen(["sleep", arg + "1"])
    p = None
    try:
        time.sleep(1.5)  # at least one scan: a longer parameter does not match
        assert d.state() == "FAULT"
        p = subprocess.Popen(["sleep", arg])
        d.wait_state("MASTER", timeout=3)
        t = tracker(d.instance(), "tp")
        assert t["kind"] == "process" and t["result"] == "up"
        p.kill()
        p.wait(timeout=5)
        d.wait_state("FAULT", timeout=3)
        assert tracker(d.instance(), "tp")["result"] == "down"
    finally:
        for q in (p, other):
            if q is None:
                continue
            q.kill()
            q.wait(timeout=5)
