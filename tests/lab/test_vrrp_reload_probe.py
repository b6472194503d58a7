"""Reload while MASTER under a steady client probe (issue 3): a client pings
the VIP every 10 ms throughout; the master's halod gets SIGHUP with an
unchanged config, then with a config that adds a second VIP.  No probe may
be lost, and `ip -ts monitor address` in the master's namespace must show
no deletion of the first VIP (a reload that re-adds VIPs would flap it).

Run as root:  HALO_BUILD_DIR=build-o /usr/bin/python3 -m pytest tests/lab/test_vrrp_reload_probe.py
"""
import shutil
import signal
import time

import pytest

from vrrp_lab import Bg, Lab, ping_summary, vrrp_conf, wait_for

V3 = dict(interval="0.1", version=3, auth=False)
VIP1, VIP2 = "10.99.0.100/24", "10.99.0.101/24"

pytestmark = pytest.mark.skipif(shutil.which("ping") is None, reason="iputils ping missing")


@pytest.fixture
def lab(halod_bin):
    lab = Lab(3, halod_bin)
    try:
        yield lab
    finally:
        lab.close()


def test_reload_under_probe_loses_nothing(lab):
    m_node, b_node, client = lab.nodes
    one = vrrp_conf(priority=150, vips=(VIP1,), **V3)
    two = vrrp_conf(priority=150, vips=(VIP1, VIP2), **V3)
    m = lab.halod(m_node, one)
    b = lab.halod(b_node, vrrp_conf(priority=100, vips=(VIP1,), **V3))
    m.wait_state("MASTER", timeout=3)
    b.wait_state("BACKUP")
    before = m.instance()

    mon = Bg(lab, m_node.ns, ["ip", "-ts", "monitor", "address"], "monitor")
    # 400 probes at 10 ms: ~4 s, covering both reloads with margin on each
    # side; -W 1 so a late reply still counts as received.
    ping = Bg(lab, client.ns, ["ping", "-n", "-i", "0.01", "-c", "400", "-W", "1",
                               VIP1.split("/")[0]], "ping")
    time.sleep(0.8)
    m.reload(one)
    time.sleep(0.8)
    m.reload(two)
    wait_for(lambda: m_node.has(VIP2), 2, "the second VIP")
    wait_for(lambda: ping.proc.poll() is not None, 10, "ping to finish")
    out = ping.stop()
    time.sleep(0.2)
    events = mon.stop(signal.SIGTERM)

    tx, rx = ping_summary(out)
    print(f"probe: {tx} sent, {rx} received across two reloads")
    assert tx == 400 and rx == tx, out
    assert ping.proc.returncode == 0, out
    # The monitor saw the reload's change (so it was live) and no deletion.
    assert any("10.99.0.101/24" in l and "Deleted" not in l for l in events.splitlines()), events
    assert not [l for l in events.splitlines() if "Deleted" in l], events
    after = m.instance()
    assert after["state"] == "MASTER" and b.state() == "BACKUP"
    assert after["counters"]["transitions"] == before["counters"]["transitions"]
    assert m_node.has(VIP1) and not b_node.has(VIP1)
