#!/usr/bin/python3
"""VRRP at scale: many instances, halod against Debian's keepalived.

Two nodes (tests/lab/vrrp_lab.py) joined by K segments: eth0..eth(K-1) in
each node, each segment a bridge of its own in the switch namespace (VRIDs
are per segment, at most 250 instances on each here).  Node A runs every
instance at priority 200, node B at priority 100, VRRPv3, one /32 VIP per
instance; the same keepalived.conf text for both implementations.

Once A is master of everything (all VIPs on A, none on B) and its delayed
gratuitous ARPs are over, a window of --window seconds (default 60,
--quick 15) measures, per node:
  CPU     CPU time of every process in the daemon's process group over the
          window (/proc/PID/schedstat: the scheduler's nanosecond count, not
          the 250 Hz tick samples of utime/stime), in CPU seconds per second;
          the verdict line also splits it into user space and kernel by the
          utime/stime ratio: the kernel part includes carrying each advert
          through veth, the bridge and the receivers' sockets in the
          sender's context, the same work for both daemons;
  RSS     VmRSS summed over the same processes (the largest of the samples);
  jitter  from a capture on every bridge (tcpdump -w, parsed here): for each
          instance the gaps between the master's consecutive adverts, minus
          the configured interval; p50/p99/max of |deviation| over all gaps;
          "missed" counts gaps over 1.5 intervals;
  false transitions  halod: the change in the sum of counters.transitions
          (control socket) of both nodes; keepalived: the number of
          "Entering ... STATE" lines both nodes log during the window.

Both nodes' namespaces get net.core.rmem_default = --rmem (4 MiB): with the
kernel's 208 KiB, keepalived's backup (one socket per interface, 250
instances each) overflows its receive queue at 1,000 x 100 ms and churns,
and a comparison with a collapsing daemon says nothing.  halod reads with
recvmmsg and does not need it; it gets the same setting.

Then halod alone is pushed to more instances at 100 ms (--push) until it
breaks: a false transition or a p99 jitter over interval/10.

    bench/scale/run [--window 60 | --quick] [--build build-n]
                    [--profiles 1000x1s 1000x100ms 100x10ms] [--push 2000 3000 4000]
                    [--keep-captures DIR] [--rmem BYTES]
Exit status 0 when it ran; "target met" / "NOT met" is printed per line.
"""
import argparse
import json
import os
import pathlib
import re
import shutil
import signal
import struct
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "lab"))

from vrrp_lab import Lab, ctl_request, group_pids, sh, tcpdump_drops, wait_for  # noqa: E402

PER_SEGMENT = 250
PRIO_A, PRIO_B = 200, 100
CLK_TCK = os.sysconf("SC_CLK_TCK")
PROFILES = {"1000x1s": (1000, 1.0), "1000x100ms": (1000, 0.1), "100x10ms": (100, 0.01)}
ENTERING = re.compile(r"Entering (MASTER|BACKUP|FAULT) STATE")


def fmt_interval(sec):
    return f"{sec:g}"


def layout(n):
    """[(segment, vrid)] for n instances spread evenly over the segments."""
    k = -(-n // PER_SEGMENT)
    per = -(-n // k)
    return [(i // per, i % per + 1) for i in range(n)], k


def vip(seg, vrid):
    return f"10.{100 + seg}.{vrid}.1"


def config(n, interval, priority):
    inst, _ = layout(n)
    out = ["global_defs {", "    vrrp_version 3", "}"]
    for seg, vrid in inst:
        out += [f"vrrp_instance VI_{seg}_{vrid} {{", "    state BACKUP",
                f"    interface eth{seg}", f"    virtual_router_id {vrid}",
                f"    priority {priority}", f"    advert_int {fmt_interval(interval)}",
                "    virtual_ipaddress {", f"        {vip(seg, vrid)}/32", "    }", "}"]
    return "\n".join(out) + "\n"


def add_segments(lab, k):
    """eth1..eth(k-1) in every node, each on a bridge brK of its own."""
    for seg in range(1, k):
        sh("ip", "-n", lab.sw, "link", "add", f"br{seg}", "type", "bridge",
           "mcast_snooping", "0", "forward_delay", "0")
        sh("ip", "-n", lab.sw, "link", "set", f"br{seg}", "up")
        for node in lab.nodes:
            port = f"{node.port}s{seg}"
            sh("ip", "-n", lab.sw, "link", "add", port, "type", "veth", "peer", "name",
               f"eth{seg}", "netns", node.ns)
            sh("ip", "-n", lab.sw, "link", "set", port, "master", f"br{seg}", "up")
            node.ip("addr", "add", f"10.99.{seg}.{node.idx + 1}/24", "dev", f"eth{seg}")
            node.ip("link", "set", f"eth{seg}", "up")


def vip_count(node):
    """The node's /32 VIPs; -1 when `ip` did not answer in 30 s (seen while
    keepalived churns through 1,000 instances: the caller asks again)."""
    try:
        out = node.ip("-j", "-4", "addr", "show", timeout=30).stdout
    except subprocess.TimeoutExpired:
        return -1
    n = 0
    for link in json.loads(out or "[]"):
        for a in link.get("addr_info", []):
            if a.get("prefixlen") == 32 and a["local"].startswith("10.1"):
                n += 1
    return n


def cpu_seconds(pgid):
    """(CPU, utime, stime) of the process group's processes, in seconds.
    CPU is the scheduler's own count (/proc/PID/schedstat, nanoseconds);
    utime and stime come from the kernel's 250 Hz tick sampling and only
    say how CPU splits between user space and the kernel.  With tick
    accounting, stime includes the softirq work done in the process's
    context: carrying its adverts through veth, the bridge and into the
    peer's and the captures' sockets."""
    cpu = user = system = 0
    for pid in group_pids(pgid):
        try:
            stat = open(f"/proc/{pid}/stat").read()
            sched = open(f"/proc/{pid}/schedstat").read()
        except OSError:
            continue
        f = stat[stat.rindex(")") + 2:].split()
        user += int(f[11])
        system += int(f[12])
        cpu += int(sched.split()[0])
    return cpu / 1e9, user / CLK_TCK, system / CLK_TCK


def user_share(before, after):
    """utime / (utime + stime) over the window (ticks)."""
    u, t = after[1] - before[1], after[1] + after[2] - before[1] - before[2]
    return u / t if t > 0 else 0.0


def rss_kib(pgid):
    total = 0
    for pid in group_pids(pgid):
        try:
            for line in open(f"/proc/{pid}/status"):
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def transitions(d):
    if d.kind == "halod":
        r = ctl_request(d.socket, "status", timeout=30)
        inst = r["result"]["subsystems"]["vrrp"].get("instances", [])
        return sum(i["counters"]["transitions"] for i in inst)
    return len(ENTERING.findall(d.output()))


def read_pcap(path):
    """Yields (time, src IPv4 bytes, vrid, prio) for every VRRP packet."""
    data = pathlib.Path(path).read_bytes()
    if len(data) < 24:
        return
    magic = data[:4]
    endian = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    div = 1e9 if nano else 1e6
    rec = struct.Struct(endian + "IIII")
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, _ = rec.unpack_from(data, off)
        off += 16
        pkt = data[off:off + incl]
        off += incl
        if len(pkt) < 14 + 20 + 4 or pkt[12:14] != b"\x08\x00":
            continue
        ihl = (pkt[14] & 15) * 4
        if pkt[14 + 9] != 112:
            continue
        v = 14 + ihl
        yield sec + frac / div, pkt[26:30], pkt[v + 1], pkt[v + 2]


def jitter(pcaps, a_ips, interval):
    """Deviation statistics of the master's advert gaps, per instance."""
    last, devs, missed, others = {}, [], 0, 0
    for seg, path in enumerate(pcaps):
        for t, src, vrid, prio in read_pcap(path):
            if src != a_ips[seg]:
                others += 1
                continue
            key = (seg, vrid)
            if key in last:
                gap = t - last[key]
                devs.append(abs(gap - interval))
                if gap > 1.5 * interval:
                    missed += 1
            last[key] = t
    devs.sort()

    def pct(p):
        return devs[min(len(devs) - 1, int(p * len(devs)))] if devs else None
    return dict(p50=pct(0.5), p99=pct(0.99), max=devs[-1] if devs else None,
                gaps=len(devs), missed=missed, instances=len(last), other_src=others)


def start_caps(lab, k):
    caps = []
    for seg in range(k):
        path = pathlib.Path(lab.tmp) / f"seg{seg}.pcap"
        p = subprocess.Popen(["ip", "netns", "exec", lab.sw, "tcpdump", "-i", f"br{seg}",
                              "-n", "-B", "16384", "-s", "96", "-w", str(path), "ip proto 112"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             start_new_session=True)
        lab.captures.append(p)
        caps.append((path, p))
    time.sleep(1.0)
    return caps


def stop_caps(caps):
    dropped = 0
    for _, p in caps:
        p.send_signal(signal.SIGINT)
    for _, p in caps:
        try:
            _, err = p.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
            _, err = p.communicate(timeout=5)
        dropped += tcpdump_drops(err)
    return dropped


def measure(impl, build, n, interval, window, keep=None, rmem=None):
    lab = Lab(2, str(build / "halod"))
    try:
        a_node, b_node = lab.nodes
        _, k = layout(n)
        add_segments(lab, k)
        if rmem:
            for node in lab.nodes:
                sh("ip", "netns", "exec", node.ns, "sysctl", "-qw",
                   f"net.core.rmem_default={rmem}")
        start = lab.halod if impl == "halod" else lab.keepalived
        b = start(b_node, config(n, interval, PRIO_B))
        a = start(a_node, config(n, interval, PRIO_A))
        t0 = time.monotonic()
        settled, unsettled = None, None
        try:
            wait_for(lambda: vip_count(a_node) == n and vip_count(b_node) == 0,
                     60 + 10 * interval, f"{impl}: A master of all {n}", interval=0.5)
            settled = time.monotonic() - t0
        except AssertionError:
            # Measured anyway: the window then shows what the churn costs.
            unsettled = f"not settled after {time.monotonic() - t0:.0f} s: " \
                        f"A holds {vip_count(a_node)}/{n} VIPs, B {vip_count(b_node)}"
        time.sleep(6.5)  # the delayed gratuitous ARP burst, 5 s after takeover
        # The status requests stay outside the capture and the CPU window: a large
        # status reply holds halod's loop for a few ms and would show as jitter.
        tr0 = transitions(a) + transitions(b)
        time.sleep(0.5)
        caps = start_caps(lab, k)
        c0 = (cpu_seconds(a.pgid), cpu_seconds(b.pgid))
        w0 = time.monotonic()
        rss = [0, 0]
        while time.monotonic() - w0 < window:
            time.sleep(min(5.0, max(0.0, window - (time.monotonic() - w0))))
            rss = [max(rss[0], rss_kib(a.pgid)), max(rss[1], rss_kib(b.pgid))]
        c1 = (cpu_seconds(a.pgid), cpu_seconds(b.pgid))
        span = time.monotonic() - w0
        load = float(open("/proc/loadavg").read().split()[0])
        dropped = stop_caps(caps)
        alive = a.alive() and b.alive()
        tr1 = transitions(a) + transitions(b)
        a_ips = [f"10.99.{s}.1" for s in range(k)]
        a_ips = [bytes(int(x) for x in ip.split(".")) for ip in a_ips]
        jit = jitter([c[0] for c in caps], a_ips, interval)
        if keep:
            dest = pathlib.Path(keep) / f"{impl}-{n}x{fmt_interval(interval)}"
            dest.mkdir(parents=True, exist_ok=True)
            for path, _ in caps:
                shutil.copy(path, dest / path.name)
        return dict(impl=impl, n=n, interval=interval, settle=settled, unsettled=unsettled,
                    cpu=tuple((c1[i][0] - c0[i][0]) / span for i in (0, 1)),
                    usr=tuple(user_share(c0[i], c1[i]) * (c1[i][0] - c0[i][0]) / span
                              for i in (0, 1)),
                    rss=(rss[0] / 1024, rss[1] / 1024), false=tr1 - tr0,
                    alive=alive, dropped=dropped, load=load, **jit)
    except Exception as e:
        return dict(impl=impl, n=n, interval=interval, error=str(e).splitlines()[0][:160])
    finally:
        lab.close()


def ms(x):
    return f"{x * 1000:7.3f}" if x is not None else f"{'-':>7}"


HEADER = (f"{'profile':11} {'impl':10} {'cpu A':>6} {'cpu B':>6} {'rss A':>6} {'rss B':>6} "
          f"{'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} {'gaps':>7} {'miss':>5} {'false':>5} "
          f"{'drop':>5} {'settle':>6} {'load':>4}")


def row(name, r):
    if "error" in r:
        return f"{name:11} {r['impl']:10} ERROR {r['error']}"
    s = (f"{name:11} {r['impl']:10} {r['cpu'][0]:6.3f} {r['cpu'][1]:6.3f} "
         f"{r['rss'][0]:6.1f} {r['rss'][1]:6.1f} {ms(r['p50'])} {ms(r['p99'])} {ms(r['max'])} "
         f"{r['gaps']:7} {r['missed']:5} {r['false']:5} {r['dropped']:5} "
         + (f"{r['settle']:5.1f}s" if r["settle"] is not None else "  none") + f" {r['load']:4.1f}")
    if r["unsettled"]:
        s += f" ({r['unsettled']})"
    if not r["alive"]:
        s += " (a daemon died)"
    if r["instances"] != r["n"]:
        s += f" (adverts from {r['instances']}/{r['n']} instances)"
    return s


def healthy(r):
    return ("error" not in r and r["alive"] and r["settle"] is not None and r["false"] == 0 and r["p99"] is not None
            and r["p99"] < r["interval"] / 10 and r["instances"] == r["n"])


def verdict(h, k):
    if "error" in h:
        return "NOT met (halod failed)"
    ok = healthy(h) and h["p99"] < 0.001
    why = []
    if not ok:
        why.append("halod false transitions/jitter")
    if k and "error" not in k:
        cpu_r = sum(h["cpu"]) / max(1e-9, sum(k["cpu"]))
        rss_r = sum(h["rss"]) / max(1e-9, sum(k["rss"]))
        if cpu_r > 0.5:
            why.append("CPU")
        if rss_r > 0.5:
            why.append("RSS")
        usr_r = sum(h["usr"]) / max(1e-9, sum(k["usr"]))
        head = (f"ratio halod/keepalived (A+B): CPU {cpu_r:.3f} (user space alone "
                f"{usr_r:.3f}; system {sum(h['cpu']) - sum(h['usr']):.3f} vs "
                f"{sum(k['cpu']) - sum(k['usr']):.3f} s/s), RSS {rss_r:.3f}; ")
    else:
        head = "no keepalived figures; "
    return head + ("target met" if not why else "NOT met (" + ", ".join(why) + ")")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--window", type=float, default=60.0)
    ap.add_argument("--quick", action="store_true", help="a 15 s window")
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--profiles", nargs="*", default=list(PROFILES), choices=list(PROFILES))
    ap.add_argument("--impls", nargs="*", default=["halod", "keepalived"],
                    choices=["halod", "keepalived"])
    ap.add_argument("--push", nargs="*", type=int, default=[2000, 3000, 4000],
                    help="halod instance counts at 100 ms, tried in order until one breaks")
    ap.add_argument("--rmem", type=int, default=4 << 20, metavar="BYTES",
                    help="net.core.rmem_default in both nodes' namespaces (0: leave the "
                         "kernel's 208 KiB); the same for both daemons")
    ap.add_argument("--keep-captures", metavar="DIR",
                    help="copy each window's captures to DIR/IMPL-NxINTERVAL/")
    args = ap.parse_args()
    window = 15.0 if args.quick else args.window
    build = pathlib.Path(args.build).resolve()
    impls = [i for i in args.impls if i == "halod" or shutil.which("keepalived")]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))
    t_start = time.monotonic()
    print(f"scale bench: window {window:g} s, impls={impls}, build={build}, "
          f"loadavg at start {' '.join(open('/proc/loadavg').read().split()[:3])}", flush=True)
    results = []
    for name in args.profiles:
        n, interval = PROFILES[name]
        res = {}
        for impl in impls:
            res[impl] = measure(impl, build, n, interval, window, args.keep_captures, args.rmem)
            print("  " + row(name, res[impl]), flush=True)
        results.append((name, res))
    pushed = []
    for n in args.push:
        r = measure("halod", build, n, 0.1, window, args.keep_captures, args.rmem)
        print("  " + row(f"{n}x100ms", r), flush=True)
        pushed.append((f"{n}x100ms", r))
        if not healthy(r):
            break
    print()
    print("cpu: CPU s/s; rss: MiB; p50/p99/max: |advert gap - interval|; miss: gaps > 1.5 "
          "intervals; false: transitions in the window; drop: capture drops; load: 1-min loadavg "
          "at the window's end; A master, B backup")
    print(HEADER)
    for name, res in results:
        for impl in impls:
            print(row(name, res[impl]))
        if "halod" in res:
            print(f"{'':11} -> {verdict(res['halod'], res.get('keepalived'))}")
    if pushed:
        print("halod pushed (100 ms):")
        for name, r in pushed:
            print(row(name, r) + ("  ok" if healthy(r) else "  BROKEN (false transitions, "
                                   "missing instances or p99 > interval/10)"))
    print(f"elapsed {time.monotonic() - t_start:.0f} s; loadavg at end "
          f"{' '.join(open('/proc/loadavg').read().split()[:3])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
