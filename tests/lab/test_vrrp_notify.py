"""Notifications from the running VRRP engine, between real halod
processes in network namespaces: notify scripts get keepalived's arguments
in transition order across a burst; the notify FIFO gets keepalived-format
lines; an insecure script is refused with one clear log line; a sync group
on two interfaces fails over together (group notify and GROUP lines); SMTP
alerts reach a sink in the node's namespace, one per transition, and a
blackholed smtp_server does not delay a failover.

Run as root:  HALO_BUILD_DIR=build-m /usr/bin/python3 -m pytest tests/lab/test_vrrp_notify.py
"""
import os
import pathlib
import re
import signal
import subprocess
import time

import pytest

from vrrp_lab import Lab, sh, wait_for

VIP = "10.99.0.100/24"
TRANS_RE = re.compile(r"\((VI_\d)\) (\w+) -> (\w+) \(")


@pytest.fixture
def lab1(halod_bin):
    lab = Lab(1, halod_bin)
    try:
        yield lab
    finally:
        lab.close()


@pytest.fixture
def lab2(halod_bin):
    lab = Lab(2, halod_bin)
    try:
        yield lab
    finally:
        lab.close()


def script(lab, name, body, mode=0o755):
    """A root-owned script in the lab's root-owned 0700 directory."""
    p = pathlib.Path(lab.tmp) / name
    p.write_text("#!/bin/sh\n" + body + "\n")
    os.chmod(p, mode)
    return p


def instance(name="VI_1", vrid=51, prio=150, iface="eth0", vip=VIP, extra=""):
    return (f"vrrp_instance {name} {{\n    state BACKUP\n    interface {iface}\n"
            f"    virtual_router_id {vrid}\n    priority {prio}\n    advert_int 0.1\n"
            f"    virtual_ipaddress {{\n        {vip}\n    }}\n{extra}}}\n")


def globals_(extra=""):
    return ("global_defs {\n    vrrp_version 3\n    script_user root\n"
            f"    enable_script_security\n{extra}}}\n")


def read_fifo(path, fd_holder):
    """Everything available on the FIFO so far (opened once, non-blocking)."""
    if not fd_holder:
        fd_holder.append(os.open(path, os.O_RDONLY | os.O_NONBLOCK))
    out = b""
    while True:
        try:
            chunk = os.read(fd_holder[0], 65536)
        except BlockingIOError:
            break
        if not chunk:
            break
        out += chunk
    return out.decode()


def transitions(daemon, name="VI_1"):
    return [m.group(3) for m in TRANS_RE.finditer(daemon.output()) if m.group(1) == name]


def notify_idle(daemon):
    n = daemon.vrrp_status()["notify"]
    return n["queued"] > 0 and n["queued"] == n["run"] + n["dropped"]


def test_notify_scripts_in_order_across_a_burst_and_fifo(lab1):
    """A weight-0 track_file flipped quickly: every transition runs
    notify_<state> then `notify INSTANCE VI_1 STATE 150`, in the order the
    transitions happened (each script is slow, so concurrency would show);
    the FIFO gets `INSTANCE "VI_1" STATE 150` for each, in the same order."""
    node = lab1.nodes[0]
    d = pathlib.Path(lab1.tmp)
    log, fifo, flag = d / "notify.log", d / "fifo", d / "fault"
    flag.write_text("0\n")
    tags = {s: script(lab1, f"{s}.sh", f"sleep 0.05\necho {s.upper()} >> {log}")
            for s in ("master", "backup", "fault")}
    gen = script(lab1, "notify.sh", f"sleep 0.1\necho \"$@\" >> {log}")
    extra = ("    track_file {\n        tf weight 0\n    }\n"
             + "".join(f"    notify_{s} \"{p}\"\n" for s, p in tags.items())
             + f"    notify \"{gen}\"\n")
    conf = (globals_(f"    notify_fifo {fifo}\n")
            + f"track_file tf {{\n    file \"{flag}\"\n}}\n" + instance(extra=extra))
    dm = lab1.halod(node, conf)
    dm.wait_state("MASTER", timeout=3)
    for v in ("1", "0", "1", "0", "1", "0"):
        flag.write_text(v + "\n")
        time.sleep(0.12)
    dm.wait_state("MASTER", timeout=3)
    wait_for(lambda: notify_idle(dm), 10, "notify scripts to finish")

    states = transitions(dm)
    assert states[:2] == ["BACKUP", "MASTER"] and states.count("FAULT") >= 2, states
    expect = []
    for s in states:
        expect += [s, f"INSTANCE VI_1 {s} 150"]
    assert log.read_text().splitlines() == expect
    fd = []
    lines = read_fifo(fifo, fd).splitlines()
    os.close(fd[0])
    assert lines == [f'INSTANCE "VI_1" {s} 150' for s in states]
    n = dm.vrrp_status()["notify"]
    assert n["fifo_lines"] == len(states) and n["failed"] == 0 and n["refused"] == 0
    assert n["run"] == 2 * len(states)


def test_insecure_script_refused_once(lab1):
    """enable_script_security: a world-writable notify_master is refused at
    load with one log line naming it, and never runs; the secure
    notify_backup beside it runs."""
    node = lab1.nodes[0]
    d = pathlib.Path(lab1.tmp)
    bad_out, good_out = d / "bad.out", d / "good.out"
    bad = script(lab1, "bad.sh", f"echo ran >> {bad_out}", mode=0o777)
    good = script(lab1, "good.sh", f"echo ran >> {good_out}")
    extra = f"    notify_master \"{bad}\"\n    notify_backup \"{good}\"\n"
    dm = lab1.halod(node, globals_() + instance(extra=extra))
    dm.wait_state("MASTER", timeout=3)
    wait_for(lambda: good_out.exists(), 3, "notify_backup to run")
    wait_for(lambda: dm.vrrp_status()["notify"]["refused"] >= 1, 3, "refusal counted")
    time.sleep(0.3)
    assert not bad_out.exists()
    refusals = [line for line in dm.output().splitlines()
                if "refused by enable_script_security" in line]
    assert len(refusals) == 1, refusals
    assert "(VI_1) notify_master" in refusals[0] and str(bad) in refusals[0]
    n = dm.vrrp_status()["notify"]
    assert "notify_master refused" in n["last_refusal"]


def add_second_lan(lab):
    """A second bridge in the switch namespace and eth1 in every node."""
    sh("ip", "-n", lab.sw, "link", "add", "br1", "type", "bridge", "mcast_snooping", "0",
       "forward_delay", "0")
    sh("ip", "-n", lab.sw, "link", "set", "br1", "up")
    for node in lab.nodes:
        port = f"q{node.idx}"
        sh("ip", "-n", lab.sw, "link", "add", port, "type", "veth", "peer", "name", "eth1",
           "netns", node.ns)
        sh("ip", "-n", lab.sw, "link", "set", port, "master", "br1", "up")
        node.ip("addr", "add", f"10.98.0.{node.idx + 1}/24", "dev", "eth1")
        node.ip("link", "set", "eth1", "up")


def test_sync_group_on_two_interfaces_fails_over_together(lab2):
    """VI_1 on eth0 and VI_2 on eth1 in one sync group: eth1 down on the
    master puts both members in FAULT (VI_1 held by the group), the peer
    takes both VIPs; eth1 up again and both come back together.  The group
    notify script and GROUP FIFO lines follow."""
    add_second_lan(lab2)
    a_node, b_node = lab2.nodes
    d = pathlib.Path(lab2.tmp)
    log, fifo = d / "group.log", d / "gfifo"
    gen = script(lab2, "gnotify.sh", f"echo \"$@\" >> {log}")

    def conf(prio, notify):
        g = "vrrp_sync_group G1 {\n    group {\n        VI_1\n        VI_2\n    }\n"
        g += f"    notify \"{gen}\"\n}}\n" if notify else "}\n"
        return (globals_(f"    vrrp_notify_fifo {fifo}\n" if notify else "") + g
                + instance("VI_1", 51, prio) + instance("VI_2", 52, prio, "eth1",
                                                      "10.98.0.100/24"))
    a = lab2.halod(a_node, conf(150, True))
    b = lab2.halod(b_node, conf(100, False))
    for name in ("VI_1", "VI_2"):
        a.wait_state("MASTER", timeout=3, name=name)
        b.wait_state("BACKUP", timeout=3, name=name)
    assert a.instance()["sync_group"] == "G1"

    a_node.ip("link", "set", "eth1", "down")
    a.wait_state("FAULT", timeout=2, name="VI_2")
    a.wait_state("FAULT", timeout=2, name="VI_1")
    b.wait_state("MASTER", timeout=2, name="VI_1")
    b.wait_state("MASTER", timeout=2, name="VI_2")
    i1 = a.instance("VI_1")
    assert i1["trackers"]["group_fault"] is True and i1["trackers"]["interface_fault"] is False
    assert a.instance("VI_2")["trackers"]["interface_fault"] is True
    wait_for(lambda: b_node.has(VIP) and not a_node.has(VIP), 2, "VI_1's VIP on the peer")

    a_node.ip("link", "set", "eth1", "up")
    for name in ("VI_1", "VI_2"):
        a.wait_state("MASTER", timeout=3, name=name)
        b.wait_state("BACKUP", timeout=3, name=name)
    want = ["GROUP G1 BACKUP 0", "GROUP G1 MASTER 0", "GROUP G1 FAULT 0", "GROUP G1 BACKUP 0",
            "GROUP G1 MASTER 0"]
    wait_for(lambda: log.exists() and len(log.read_text().splitlines()) >= len(want), 3,
             "group notify")
    time.sleep(0.2)
    assert log.read_text().splitlines() == want
    fd = []
    flines = read_fifo(fifo, fd).splitlines()
    os.close(fd[0])
    g = [x for x in flines if x.startswith("GROUP")]
    assert g == [f'GROUP "G1" {w.split()[2]} 0' for w in want], flines
    assert 'INSTANCE "VI_1" FAULT 150' in flines and 'INSTANCE "VI_2" FAULT 150' in flines



def test_sync_group_takes_over_together_after_a_crash(lab2):
    """The group's master crashes: the peer's two members take over
    together within Master_Down_Interval: the member whose down timer runs
    out first waits for the other, which then takes it along ("following
    to MASTER"), and the group stays MASTER."""
    add_second_lan(lab2)
    a_node, b_node = lab2.nodes

    def conf(prio):
        g = "vrrp_sync_group G1 {\n    group {\n        VI_1\n        VI_2\n    }\n}\n"
        return (globals_() + g + instance("VI_1", 51, prio)
                + instance("VI_2", 52, prio, "eth1", "10.98.0.100/24"))
    a = lab2.halod(a_node, conf(150))
    b = lab2.halod(b_node, conf(100))
    for name in ("VI_1", "VI_2"):
        a.wait_state("MASTER", timeout=3, name=name)
        b.wait_state("BACKUP", timeout=3, name=name)
    t0 = time.monotonic()
    a.kill()
    seen = []

    def both():
        st = (b.state("VI_1"), b.state("VI_2"))
        seen.append(st)
        return st == ("MASTER", "MASTER")
    wait_for(both, 3, "both members MASTER", interval=0.005)
    took = time.monotonic() - t0
    # Master_Down_Interval for priority 100 at 0.1 s is 0.36 s.
    assert took < 1.0, took
    assert ("BACKUP", "BACKUP") in seen
    for _ in range(10):
        time.sleep(0.1)
        assert (b.state("VI_1"), b.state("VI_2")) == ("MASTER", "MASTER")
    assert b_node.has(VIP) and "10.98.0.100/24" in b_node.addrs("eth1")
    assert "sync group G1: following to MASTER" in b.output()



def test_reload_keeps_fifo_and_notifies_a_removed_instance(lab1):
    """A reload that removes VI_2: the FIFO is the same one (a reader keeps
    reading), VI_2 is notified as keepalived does for a deleted instance
    without notify_deleted (FAULT), and the kept VI_1 notifies nothing."""
    node = lab1.nodes[0]
    d = pathlib.Path(lab1.tmp)
    log, fifo = d / "notify.log", d / "fifo"
    gen = script(lab1, "notify.sh", f"echo \"$@\" >> {log}")
    extra = f"    notify \"{gen}\"\n"
    one = globals_(f"    notify_fifo {fifo}\n") + instance(extra=extra)
    two = one + instance("VI_2", 52, 150, vip="10.99.0.101/24", extra=extra)
    dm = lab1.halod(node, two)
    dm.wait_state("MASTER", timeout=3)
    dm.wait_state("MASTER", timeout=3, name="VI_2")
    fd = []
    read_fifo(fifo, fd)
    ino = os.stat(fifo).st_ino
    wait_for(lambda: notify_idle(dm), 5, "notify scripts to finish")
    before = log.read_text().splitlines()

    before_reloads = dm.vrrp_status()["reloads"]
    dm.conf.write_text(one)
    dm.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: dm.vrrp_status()["reloads"] == before_reloads + 1, 5, "the reload")
    wait_for(lambda: notify_idle(dm) and len(log.read_text().splitlines()) > len(before), 5,
             "the removal notified")
    time.sleep(0.3)
    assert os.stat(fifo).st_ino == ino
    assert read_fifo(fifo, fd).splitlines() == ['INSTANCE "VI_2" FAULT 150']
    os.close(fd[0])
    assert log.read_text().splitlines()[len(before):] == ["INSTANCE VI_2 FAULT 150"]
    assert dm.state() == "MASTER" and [i["name"] for i in dm.instances()] == ["VI_1"]



def test_stop_runs_notify_stop_before_exit(lab1):
    """SIGTERM: the master resigns and its notify_stop / `notify ... STOP`
    scripts run (the VRRP child waits for them, bounded) before exit."""
    node = lab1.nodes[0]
    d = pathlib.Path(lab1.tmp)
    log = d / "stop.log"
    stop = script(lab1, "stop.sh", f"sleep 0.2\necho STOP >> {log}")
    gen = script(lab1, "gen.sh", f"echo \"$@\" >> {log}")
    extra = f"    notify_stop \"{stop}\"\n    notify \"{gen}\"\n"
    dm = lab1.halod(node, globals_() + instance(extra=extra))
    dm.wait_state("MASTER", timeout=3)
    dm.term()
    assert log.read_text().splitlines()[-2:] == ["STOP", "INSTANCE VI_1 STOP 150"]
    assert not node.has(VIP)


SINK = r'''
import asyncio, json, sys
port, out = int(sys.argv[1]), sys.argv[2]
async def handle(r, w):
    w.write(b"220 sink ESMTP\r\n")
    while True:
        line = await r.readline()
        if not line:
            break
        verb = line.split(b" ", 1)[0].strip().upper()
        if verb == b"DATA":
            w.write(b"354 go\r\n")
            data = b""
            while True:
                dl = await r.readline()
                if not dl or dl == b".\r\n":
                    break
                data += dl
            with open(out, "a") as f:
                f.write(json.dumps(data.decode("utf-8", "replace")) + "\n")
            w.write(b"250 ok\r\n")
        elif verb == b"QUIT":
            w.write(b"221 bye\r\n")
            break
        else:
            w.write(b"250 ok\r\n")
        await w.drain()
    w.close()
async def main():
    srv = await asyncio.start_server(handle, "127.0.0.1", port)
    print("ready", flush=True)
    async with srv:
        await asyncio.sleep(120)
asyncio.run(main())
'''


def smtp_globals(server, port):
    return (f"    router_id lab1\n    notification_email {{\n        ops@example.test\n    }}\n"
            f"    notification_email_from halo@example.test\n"
            f"    smtp_server {server} {port}\n    smtp_connect_timeout 5\n    smtp_alert\n")


def test_smtp_one_mail_per_transition(lab1):
    """A sink on 127.0.0.1 inside the node's namespace receives one mail per
    transition (BACKUP, MASTER, FAULT, BACKUP, MASTER), subjects in order."""
    import json
    node = lab1.nodes[0]
    d = pathlib.Path(lab1.tmp)
    sink_py, mails, flag = d / "sink.py", d / "mails", d / "fault"
    sink_py.write_text(SINK)
    flag.write_text("0\n")
    p = subprocess.Popen(["ip", "netns", "exec", node.ns, "/usr/bin/python3", str(sink_py),
                          "2525", str(mails)], stdout=subprocess.PIPE, start_new_session=True)
    try:
        assert p.stdout.readline().strip() == b"ready"
        extra = "    track_file {\n        tf weight 0\n    }\n"
        conf = (globals_(smtp_globals("127.0.0.1", 2525))
                + f"track_file tf {{\n    file \"{flag}\"\n}}\n" + instance(extra=extra))
        dm = lab1.halod(node, conf)
        dm.wait_state("MASTER", timeout=3)
        flag.write_text("1\n")
        dm.wait_state("FAULT", timeout=2)
        flag.write_text("0\n")
        dm.wait_state("MASTER", timeout=3)
        states = transitions(dm)
        assert states == ["BACKUP", "MASTER", "FAULT", "BACKUP", "MASTER"], states

        def got():
            return mails.exists() and len(mails.read_text().splitlines()) >= len(states)
        wait_for(got, 5, "one mail per transition")
        time.sleep(0.3)
        bodies = [json.loads(x) for x in mails.read_text().splitlines()]
        assert len(bodies) == len(states)
        subjects = [re.search(r"^Subject: (.*)$", b, re.M).group(1).strip() for b in bodies]
        assert subjects == [f"[lab1] VRRP Instance VI_1 - Entering {s} state" for s in states]
        st = dm.vrrp_status()["smtp"]
        assert st["enabled"] and st["sent"] == len(states) and st["failed"] == 0
    finally:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait(timeout=5)


def test_blackholed_smtp_server_does_not_delay_failover(lab2):
    """The backup's smtp_server is an unused lab address (no host answers:
    the connect hangs): its takeover after the master's crash still comes
    within the v3 0.1 s Master_Down_Interval, with a mail still in flight."""
    a_node, b_node = lab2.nodes
    a = lab2.halod(a_node, globals_() + instance(prio=150))
    b = lab2.halod(b_node, globals_(smtp_globals("10.99.0.250", 25)) + instance(prio=100))
    a.wait_state("MASTER", timeout=3)
    b.wait_state("BACKUP", timeout=3)
    time.sleep(0.5)
    assert b.vrrp_status()["smtp"]["pending"] >= 1
    t0 = time.monotonic()
    a.kill()
    b.wait_state("MASTER", timeout=3)
    took = time.monotonic() - t0
    # Master_Down_Interval at priority 100 / 0.1 s is 0.36 s; allow polling.
    assert took < 0.8, took
    st = b.vrrp_status()["smtp"]
    assert st["sent"] == 0 and st["pending"] >= 1
    assert b_node.has(VIP)


LOWER_PRI_ADVERT = r"""
import socket, struct
from scapy.all import Ether, IP, Raw, get_if_hwaddr

def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff

# VRRPv3, VRID 51, priority 100, one address, Max Adver Int 10 cs; the
# checksum over the message alone (the v3_checksum_as_v2 form, accepted).
m = bytes([0x31, 51, 100, 1, 0, 10, 0, 0, 10, 99, 0, 100])
m = m[:6] + struct.pack("!H", csum(m)) + m[8:]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
for _ in range(3):
    s.send(bytes(Ether(dst="01:00:5e:00:00:12", src=get_if_hwaddr("eth0")) /
                 IP(src="10.99.0.2", dst="224.0.0.18", ttl=255, proto=112) / Raw(m)))
"""


def test_master_rx_lower_pri(lab2):
    """A MASTER that hears a lower priority (three forged priority-100
    adverts from the other node) stays MASTER, runs notify_master_rx_lower_pri
    once per such advert (as keepalived does) with no arguments, and writes
    `INSTANCE "VI_1" MASTER_RX_LOWER_PRI 150` to the FIFO."""
    a_node, b_node = lab2.nodes
    d = pathlib.Path(lab2.tmp)
    log, fifo = d / "rx.log", d / "fifo"
    rx = script(lab2, "rx.sh", f"echo \"rx $#\" >> {log}")
    extra = f"    notify_master_rx_lower_pri \"{rx}\"\n"
    a = lab2.halod(a_node, globals_(f"    notify_fifo {fifo}\n") + instance(extra=extra))
    a.wait_state("MASTER", timeout=3)
    fd = []
    read_fifo(fifo, fd)  # opened before the adverts arrive
    forge = d / "lower.py"
    forge.write_text(LOWER_PRI_ADVERT)
    subprocess.run(["ip", "netns", "exec", b_node.ns, "/usr/bin/python3", str(forge)],
                   check=True, capture_output=True, timeout=60)
    wait_for(lambda: log.exists() and len(log.read_text().splitlines()) == 3, 3,
             "three rx_lower_pri runs")
    assert log.read_text().splitlines() == ["rx 0"] * 3
    assert a.state() == "MASTER" and a_node.has(VIP)
    lines = read_fifo(fifo, fd).splitlines()
    os.close(fd[0])
    assert lines == ['INSTANCE "VI_1" MASTER_RX_LOWER_PRI 150'] * 3, lines
    c = a.instance()["counters"]
    assert c["lower_prio_discarded"] == 3 and c["transitions"] == 2
    # Per-instance notify counts: three scripts; FIFO lines for BACKUP,
    # MASTER and the three lower-priority adverts.
    wait_for(lambda: a.instance()["notify"]["run"] == 3, 3, "the scripts reaped")
    n = a.instance()["notify"]
    assert n["failed"] == 0 and n["fifo_lines"] == 5 and n["transitions"] == 2, n
