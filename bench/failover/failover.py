#!/usr/bin/python3
"""VRRP failover time of halod and of Debian's keepalived, measured on the wire.

One lab (tests/lab/vrrp_lab.py) per profile and implementation: two nodes on
a bridge, master A at priority 200 and backup B at priority 100, the same
keepalived.conf text for both implementations.  A capture runs on the bridge
for the whole session.  Each run takes A down one way, waits for B to hold
the VIP, then brings A back (restart, or port up) and waits until A is master
again, so the runs of a session share one lab.

Cases:
  crash  SIGKILL of A's process group; from A's last advert to B's first.
  stop   SIGTERM of A (priority-0 advert, then B takes over after Skew_Time);
         from A's priority-0 advert to B's first advert.
  link   A's bridge port set down in the switch namespace; from A's last
         advert that reached the bridge to B's first advert.
The same origin is used for B's first gratuitous ARP.

RFC bound: Master_Down_Interval = 3 x interval + (256 - 100) / 256 x interval
(crash, link) and Skew_Time = (256 - 100) / 256 x interval (stop).

Run as root from the repository (bench/failover/run wraps this):
    bench/failover/run [--runs 7] [--build build-n] [--profiles v3-50ms ...]
                       [--cases crash stop link] [--impls halod keepalived]
Exit status 0 when it ran; "target met" / "NOT met" is printed per line.
"""
import argparse
import json
import pathlib
import shutil
import signal
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "lab"))

from vrrp_lab import Lab, sh, vrrp_conf, wait_for  # noqa: E402

VIP = "10.99.0.100/24"
VIP_IP = VIP.split("/")[0]
PRIO_A, PRIO_B = 200, 100
SKEW_FRAC = (256 - PRIO_B) / 256

# name: (vrrp_conf settings, interval in seconds)
PROFILES = {
    "v2-1s": (dict(interval="1", version=2, auth=True), 1.0),
    "v3-1s": (dict(interval="1", version=3, auth=False), 1.0),
    "v3-50ms": (dict(interval="0.05", version=3, auth=False), 0.05),
    "v3-10ms": (dict(interval="0.01", version=3, auth=False), 0.01),
}
CASES = ("crash", "stop", "link")


def bound(case, interval):
    skew = SKEW_FRAC * interval
    return skew if case == "stop" else 3 * interval + skew


class Session:
    """One lab, one implementation, one profile: A master, B backup."""

    def __init__(self, impl, build, profile):
        self.impl, self.profile = impl, profile
        settings, self.interval = PROFILES[profile]
        self.conf_a = vrrp_conf(priority=PRIO_A, vips=(VIP,), **settings)
        self.conf_b = vrrp_conf(priority=PRIO_B, vips=(VIP,), **settings)
        self.lab = Lab(2, str(build / "halod"))
        self.a_node, self.b_node = self.lab.nodes
        self.pcap, self.cap = self.lab.capture(f"{impl}-{profile}", "ip proto 112 or arp")
        self.b_mac = json.loads(self.b_node.ip("-j", "link", "show", "eth0").stdout)[0]["address"]
        self.marks = []  # (case, action wall time)
        self.start(self.b_node)
        self.a = self.start(self.a_node)
        self.wait_a_master()

    def start(self, node):
        conf = self.conf_a if node is self.a_node else self.conf_b
        if self.impl == "halod":
            return self.lab.halod(node, conf)
        return self.lab.keepalived(node, conf)

    def settle_timeout(self):
        return 10 + 6 * self.interval

    def wait_a_master(self):
        wait_for(lambda: self.a_node.has(VIP) and not self.b_node.has(VIP),
                 self.settle_timeout(), "A to be master")

    def run(self, case):
        # Let A send at least one periodic advert as master first.
        time.sleep(1.1 * self.interval + 0.1)
        t = time.time()
        if case == "crash":
            self.a.kill()
        elif case == "stop":
            self.a.term()
        else:
            sh("ip", "-n", self.lab.sw, "link", "set", self.a_node.port, "down")
        self.marks.append((case, t))
        wait_for(lambda: self.b_node.has(VIP), self.settle_timeout(), "B to take over")
        time.sleep(0.05 + self.interval)
        if case == "link":
            sh("ip", "-n", self.lab.sw, "link", "set", self.a_node.port, "up")
        else:
            # A crashed master leaves its VIP behind; a rebooted host would not.
            self.a_node.ip("addr", "del", VIP, "dev", "eth0", check=False)
            self.a = self.start(self.a_node)
        self.wait_a_master()

    def finish(self):
        """Stops the capture and returns {case: [(advert gap, garp gap)]}."""
        time.sleep(0.2)
        self.lab.stop_capture(self.cap)
        out = sh("tshark", "-r", self.pcap, "-Y", "vrrp or arp", "-T", "fields",
                 "-E", "separator=|", "-e", "frame.time_epoch", "-e", "eth.src",
                 "-e", "ip.src", "-e", "vrrp.prio", "-e", "arp.opcode",
                 "-e", "arp.src.proto_ipv4", "-e", "arp.dst.proto_ipv4",
                 check=False, timeout=120).stdout
        adverts, garps = [], []
        for line in out.splitlines():
            t, mac, src, prio, op, asrc, adst = line.split("|")
            if prio:
                adverts.append((float(t), src, int(prio)))
            elif op == "1" and asrc == adst == VIP_IP and mac == self.b_mac:
                garps.append(float(t))
        res = {}
        for case, t in self.marks:
            res.setdefault(case, []).append(self.gap(case, t, adverts, garps))
        return res

    def gap(self, case, t, adverts, garps):
        a_ip, b_ip = self.a_node.ip4, self.b_node.ip4
        t1 = min((x for x, s, _ in adverts if s == b_ip and x > t), default=None)
        if t1 is None:
            return None
        want = (lambda p: p == 0) if case == "stop" else (lambda p: p > 0)
        t0 = max((x for x, s, p in adverts if s == a_ip and want(p) and x < t1
                  and x > t - 3 * self.interval - 0.5), default=None)
        if t0 is None:
            return None
        g1 = min((x for x in garps if x > t), default=None)
        return (t1 - t0, None if g1 is None else g1 - t0)

    def close(self):
        self.lab.close()


def session(impl, build, profile, cases, runs):
    """Runs every case `runs` times; a broken lab is rebuilt (bounded)."""
    results = {c: [] for c in cases}
    errors = []
    for case in cases:
        done, attempts = 0, 0
        while done < runs and attempts < runs + 3:
            attempts += 1
            s = None
            try:
                s = Session(impl, build, profile)
                while done < runs:
                    s.run(case)
                    done += 1
            except Exception as e:  # a hung or confused daemon is a result too
                errors.append(f"{impl} {profile} {case}: {str(e).splitlines()[0][:120]}")
            finally:
                if s is not None:
                    try:
                        got = s.finish()
                        results[case] += got.get(case, [])
                    except Exception as e:
                        errors.append(f"{impl} {profile} {case}: parse: {e}")
                    s.close()
            done = len(results[case])
    return results, errors


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x, w=8, scale=1000.0):
    return f"{x * scale:{w}.2f}" if x is not None else f"{'-':>{w}}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--profiles", nargs="*", default=list(PROFILES), choices=list(PROFILES))
    ap.add_argument("--cases", nargs="*", default=list(CASES), choices=list(CASES))
    ap.add_argument("--impls", nargs="*", default=["halod", "keepalived"],
                    choices=["halod", "keepalived"])
    args = ap.parse_args()
    build = pathlib.Path(args.build).resolve()
    impls = [i for i in args.impls if i == "halod" or shutil.which("keepalived")]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))
    load0 = open("/proc/loadavg").read().split()[:3]
    t_start = time.monotonic()
    print(f"failover bench: runs={args.runs} impls={impls} build={build} "
          f"loadavg at start {' '.join(load0)}", flush=True)
    rows, errors = [], []
    for profile in args.profiles:
        interval = PROFILES[profile][1]
        res = {}
        for impl in impls:
            res[impl], errs = session(impl, build, profile, args.cases, args.runs)
            errors += errs
            for case in args.cases:
                ok = [g for g in res[impl][case] if g is not None]
                adv = [g[0] for g in ok]
                print(f"  {profile:8} {case:6} {impl:10} n={len(ok)}/{len(res[impl][case])} "
                      f"advert ms: {' '.join(f'{x * 1000:.1f}' for x in adv)}", flush=True)
        for case in args.cases:
            rows.append((profile, case, bound(case, interval), res))
    print_table(rows, impls)
    load1 = open("/proc/loadavg").read().split()[:3]
    print(f"elapsed {time.monotonic() - t_start:.0f} s; loadavg at end {' '.join(load1)}")
    for e in errors:
        print(f"error: {e}")
    return 0


def print_table(rows, impls):
    print()
    print("Takeover time, medians in ms (origin: the master's last advert, or its priority-0 "
          "advert for 'stop')")
    print(f"{'profile':8} {'case':6} {'bound':>8} | {'halod':>8} {'Δbound':>7} {'garp':>8} "
          f"{'n':>3} | {'keepal.':>8} {'Δbound':>7} {'garp':>8} {'n':>3} | {'ratio':>6} target")
    for profile, case, b, res in rows:
        cols, meds = [], {}
        for impl in ("halod", "keepalived"):
            gaps = res.get(impl, {}).get(case, [])
            ok = [g for g in gaps if g is not None]
            m = med([g[0] for g in ok])
            mg = med([g[1] for g in ok])
            meds[impl] = m
            d = None if m is None else m - b
            cols.append(f"{fmt(m)} {fmt(d, 7)} {fmt(mg)} {len(ok):>3}")
        h, k = meds["halod"], meds["keepalived"]
        ratio = f"{h / k:6.3f}" if h is not None and k else f"{'-':>6}"
        met = h is not None and h - b <= 0.001 and (k is None or h <= k)
        print(f"{profile:8} {case:6} {b * 1000:8.2f} | {cols[0]} | {cols[1]} | {ratio} "
              f"{'target met' if met else 'NOT met'}")


if __name__ == "__main__":
    sys.exit(main())
