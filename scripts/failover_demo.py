#!/usr/bin/python3
"""The live failover demo (the README's first command runs it).

Builds a lab of network namespaces - a switch with a bridge, two halod
routers sharing the virtual address 10.99.0.100 and a client - shows who is
master, kills the master's whole process group (a crash: no priority-0
advert), and prints the timeline read from a capture on the bridge: the dead
master's last advert, the backup's first advert, its gratuitous ARP, and the
client's first answered probe.  Everything it creates is removed on exit,
also on failure or Ctrl-C.

    scripts/failover_demo.py [--halod PATH] [--advert-int SECONDS] [--version 2|3]
"""
from __future__ import annotations

import argparse
import json
import pathlib
import signal
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "lab"))

import vrrp_lab  # noqa: E402  (the lab helpers the tests use)

VIP = "10.99.0.100"


def say(msg: str = "") -> None:
    print(msg, flush=True)


def show_status(name: str, d: vrrp_lab.Daemon) -> None:
    i = d.instance()
    vips = ", ".join(i.get("vips") or []) or "-"
    say(f"  {name:6} {d.node.ip4:11} {i['state']:7} priority {i['effective_priority']:3}"
        f"  VIPs: {vips}")


def tshark_fields(pcap: pathlib.Path, filt: str, fields: list[str]) -> list[list[str]]:
    argv = ["tshark", "-r", str(pcap), "-Y", filt, "-T", "fields", "-E", "separator=|"]
    for f in fields:
        argv += ["-e", f]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=60).stdout
    return [line.split("|") for line in out.splitlines() if line]


def mac_of(node: vrrp_lab.Node) -> str:
    out = node.ip("-j", "link", "show", "dev", "eth0").stdout
    return json.loads(out)[0]["address"]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:+10.2f} ms"


def timeline(pcap: pathlib.Path, client_pcap: pathlib.Path, master: vrrp_lab.Node,
             backup: vrrp_lab.Node, t_kill: float, bound: float, rfc: str) -> bool:
    adverts = [(float(t), src, int(prio)) for t, src, prio in tshark_fields(
        pcap, "vrrp", ["frame.time_epoch", "ip.src", "vrrp.prio"])]
    last_old = max((t for t, src, _ in adverts if src == master.ip4 and t <= t_kill),
                   default=None)
    first_new = min((t for t, src, _ in adverts if src == backup.ip4 and t > t_kill),
                    default=None)
    garps = [float(r[0]) for r in tshark_fields(
        pcap, f"arp.opcode == 1 && arp.src.proto_ipv4 == {VIP} && arp.dst.proto_ipv4 == {VIP}",
        ["frame.time_epoch"])]
    first_garp = min((t for t in garps if t > t_kill), default=None)
    # The bridge forwards unicast port to port, so the probes are captured on
    # the client's own switch port.  The killed router's kernel still holds
    # the VIP (a crashed daemon cannot remove it) and answers until the
    # client follows the new master's gratuitous ARP: the probe that counts
    # is the first one answered from the new master's MAC address.
    replies = [float(r[0]) for r in tshark_fields(
        client_pcap, f"icmp.type == 0 && ip.src == {VIP} && eth.src == {mac_of(backup)}",
        ["frame.time_epoch"])]
    first_reply = min((t for t in replies if t > t_kill), default=None)
    if last_old is None or first_new is None:
        say("  the capture does not show the takeover (no adverts?)")
        return False
    say(f"  {ms(0)}  last advert from {master.ip4} (the master), then it is killed")
    say(f"  {ms(first_new - last_old)}  first advert from {backup.ip4}, the new master"
        f" ({rfc} bound: Master_Down_Interval = {bound * 1000:.2f} ms)")
    if first_garp is not None:
        say(f"  {ms(first_garp - last_old)}  gratuitous ARP for {VIP} from {backup.ip4}")
    else:
        say("  no gratuitous ARP seen after the kill")
    if first_reply is not None:
        say(f"  {ms(first_reply - last_old)}  first probe from the client answered by"
            f" {backup.ip4}'s MAC")
    else:
        say("  no probe answered after the kill")
    return first_garp is not None and first_reply is not None


def capture_port(lab: vrrp_lab.Lab, node: vrrp_lab.Node):
    """tcpdump on a node's port of the switch (ICMP only)."""
    path = pathlib.Path(lab.tmp) / f"{node.port}.pcap"
    p = subprocess.Popen(["ip", "netns", "exec", lab.sw, "tcpdump", "-i", node.port, "-U",
                          "--immediate-mode", "-n", "-w", str(path), "icmp"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    lab.captures.append(p)
    vrrp_lab.wait_for(lambda: path.exists(), 5, "the client port capture")
    time.sleep(0.3)
    return path, p


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--halod", default=str(ROOT / "build" / "halod"))
    ap.add_argument("--advert-int", default="1", help="advert_int in seconds (default 1)")
    ap.add_argument("--version", default="2", choices=("2", "3"))
    args = ap.parse_args()
    interval = float(args.advert_int)
    # RFC 3768 / 5798: Master_Down_Interval = 3 * interval + Skew_Time, and
    # the backup has priority 100: Skew_Time = (256 - 100) / 256 * interval.
    bound = 3 * interval + (256 - 100) / 256 * interval

    lab = vrrp_lab.Lab(3, halod_bin=args.halod)
    ping = None
    # Ctrl-C and SIGTERM end the demo through the same clean-up path.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        r1, r2, client = lab.nodes
        say(f"==> lab {lab.prefix}: switch {lab.sw}, routers {r1.ns} and {r2.ns},"
            f" client {client.ns}")
        conf = dict(interval=args.advert_int, version=args.version,
                    auth=args.version == "2", vips=(f"{VIP}/24",))
        cap, cap_proc = lab.capture("demo", "ip proto 112 or arp")
        client_cap, client_proc = capture_port(lab, client)
        say("==> starting halod on both routers (priority 150 and 100)")
        a = lab.halod(r1, vrrp_lab.vrrp_conf(priority=150, **conf))
        b = lab.halod(r2, vrrp_lab.vrrp_conf(priority=100, **conf))
        a.wait_state("MASTER", timeout=bound + 5)
        b.wait_state("BACKUP", timeout=5)
        show_status("router1", a)
        show_status("router2", b)
        say(f"==> the client pings {VIP} every 20 ms")
        ping = subprocess.Popen(["ip", "netns", "exec", client.ns, "ping", "-n", "-q",
                                 "-i", "0.02", "-W", "1", VIP],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        time.sleep(1.0)
        say("==> killing router1's whole process group (SIGKILL: a crash, no goodbye)")
        t_kill = time.time()
        a.kill()
        b.wait_state("MASTER", timeout=bound + 5)
        time.sleep(1.0)
        lab.stop_capture(cap_proc)
        lab.stop_capture(client_proc)
        show_status("router2", b)
        say("==> timeline (from a capture on the bridge)")
        rfc = "RFC 3768" if args.version == "2" else "RFC 9568"
        ok = timeline(cap, client_cap, r1, r2, t_kill, bound, rfc)
        say("==> cleaning up")
        return 0 if ok else 1
    except KeyboardInterrupt:
        say("interrupted; cleaning up")
        return 130
    finally:
        if ping and ping.poll() is None:
            ping.kill()
            ping.wait(timeout=5)
        lab.close()


if __name__ == "__main__":
    sys.exit(main())
