"""SMTP alerts: the asynchronous client (src/core/smtp.c) driven by
tests/lab/smtptool against SMTP sinks written here with asyncio.

Loopback only (127.0.0.1), no namespace; root is not needed by the test
itself.  Each sink is a tiny server speaking just enough SMTP, with knobs
for the misbehaviours the client must survive: no greeting, slow replies,
replies cut into single bytes, refused recipients, no EHLO, garbage.
"""
import asyncio
import email
import email.policy
import email.utils
import re
import socket
import subprocess
import threading
import time

import pytest

RESULT_RE = re.compile(
    r"^result id=(\d+) status=(\w+) rcpt_ok=(\d+) rcpt_rejected=(\d+) "
    r"elapsed_ms=([\d.]+) reason=(.*)$")
SUMMARY_RE = re.compile(
    r"^summary ticks=(\d+) max_lag_ms=([\d.]+) elapsed_ms=([\d.]+) sent=(\d+) "
    r"failed=(\d+) dropped=(\d+) cancelled=(\d+)$")


class Sink:
    """An SMTP server on 127.0.0.1 in its own thread and event loop.

    Records every command line (raw bytes) and every message (envelope and
    the raw DATA bytes, still dot-stuffed, without the final ".\\r\\n")."""

    def __init__(self, greet=True, greeting=b"220 sink.test ESMTP ready\r\n", ehlo=True,
                 reject=(), delay=0.0, bytewise=False, close_after_greeting=False):
        self.greet, self.greeting, self.ehlo = greet, greeting, ehlo
        self.reject, self.delay, self.bytewise = set(reject), delay, bytewise
        self.close_after_greeting = close_after_greeting
        self.commands = []   # raw lines, every connection
        self.messages = []   # dicts: helo, mail_from, rcpts, data
        self.connections = 0
        self.tasks = set()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._handle, "127.0.0.1", 0), self.loop).result(5)
        self.port = self.server.sockets[0].getsockname()[1]

    def close(self):
        async def stop():
            self.server.close()
            for t in self.tasks:
                t.cancel()
            await asyncio.gather(*self.tasks, return_exceptions=True)
            await self.server.wait_closed()
        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)

    async def _send(self, w, data):
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.bytewise:
            # One byte per segment: the client must reassemble lines and
            # multi-line replies from any split.
            for i in range(len(data)):
                w.write(data[i:i + 1])
                await w.drain()
                await asyncio.sleep(0.002)
        else:
            w.write(data)
            await w.drain()

    async def _handle(self, r, w):
        self.connections += 1
        self.tasks.add(asyncio.current_task())
        try:
            if not self.greet:
                await r.read()  # hold the connection open, silently, until EOF
                return
            await self._send(w, self.greeting)
            if self.close_after_greeting:
                await r.readline()  # the EHLO, so that closing sends FIN, not RST
                return
            await self._dialogue(r, w)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            w.close()

    async def _dialogue(self, r, w):
        msg = {"helo": None, "mail_from": None, "rcpts": [], "data": None}
        while True:
            line = await r.readline()
            if not line:
                return
            self.commands.append(line)
            cmd = line.decode("ascii", "replace").rstrip("\r\n")
            verb = cmd.split(" ", 1)[0].upper()
            if verb == "EHLO" and self.ehlo:
                msg["helo"] = cmd
                await self._send(w, b"250-sink.test greets you\r\n250-SIZE 100000\r\n"
                                    b"250-8BITMIME\r\n250 HELP\r\n")
            elif verb == "EHLO":
                await self._send(w, b"502 5.5.2 Error: command not recognized\r\n")
            elif verb == "HELO":
                msg["helo"] = cmd
                await self._send(w, b"250 sink.test\r\n")
            elif cmd.upper().startswith("MAIL FROM:"):
                msg["mail_from"] = cmd[10:]
                await self._send(w, b"250 2.1.0 Ok\r\n")
            elif cmd.upper().startswith("RCPT TO:"):
                addr = cmd[8:].strip("<>")
                if addr in self.reject:
                    await self._send(w, f"550 5.1.1 <{addr}>: Recipient address rejected\r\n"
                                     .encode())
                else:
                    msg["rcpts"].append(addr)
                    await self._send(w, b"250 2.1.5 Ok\r\n")
            elif verb == "DATA":
                await self._send(w, b"354 End data with <CR><LF>.<CR><LF>\r\n")
                data = b""
                while True:
                    dl = await r.readline()
                    if not dl or dl == b".\r\n":
                        break
                    data += dl
                msg["data"] = data
                self.messages.append(msg)
                msg = {"helo": msg["helo"], "mail_from": None, "rcpts": [], "data": None}
                await self._send(w, b"250 2.0.0 Ok: queued as 42\r\n")
            elif verb == "QUIT":
                await self._send(w, b"221 2.0.0 Bye\r\n")
                return
            else:
                await self._send(w, b"500 5.5.2 Error: bad syntax\r\n")


@pytest.fixture
def sink_factory():
    sinks = []

    def make(**kw):
        s = Sink(**kw)
        sinks.append(s)
        return s
    yield make
    for s in sinks:
        s.close()


def run_tool(tool, port, to, *extra, sender="alerts@lb1.test", host="127.0.0.1", timeout=30):
    cmd = [tool, host, str(port), sender, *to, *extra]
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    wall = time.monotonic() - t0
    results = []
    summary = None
    for line in p.stdout.splitlines():
        m = RESULT_RE.match(line)
        if m:
            results.append({"id": int(m[1]), "status": m[2], "rcpt_ok": int(m[3]),
                            "rcpt_rejected": int(m[4]), "elapsed_ms": float(m[5]),
                            "reason": m[6]})
        m = SUMMARY_RE.match(line)
        if m:
            summary = {"ticks": int(m[1]), "max_lag_ms": float(m[2]),
                       "elapsed_ms": float(m[3]), "sent": int(m[4]), "failed": int(m[5]),
                       "dropped": int(m[6]), "cancelled": int(m[7])}
    assert summary is not None, f"no summary line:\n{p.stdout}\n{p.stderr}"
    return p, results, summary, wall


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def unstuff(data: bytes) -> bytes:
    lines = data.split(b"\r\n")
    return b"\r\n".join(l[1:] if l.startswith(b".") else l for l in lines)


# ---- delivery ---------------------------------------------------------------


def test_delivers_well_formed_message(smtptool_bin, sink_factory):
    sink = sink_factory()
    body = "first line\n.starts with a dot\n..two dots\n.\nlast line"
    p, res, summ, _ = run_tool(smtptool_bin, sink.port, ["ops@example.test", "oncall@example.test"],
                               "--subject", "[lb1] VRRP Instance VI_1 - Entering MASTER state",
                               "--body", body, "--helo", "lb1.test", "--timeout", "5")
    assert p.returncode == 0, p.stdout + p.stderr
    assert [(r["status"], r["rcpt_ok"], r["rcpt_rejected"]) for r in res] == [("ok", 2, 0)]
    assert res[0]["reason"] == "delivered to 2 recipient(s)"
    assert len(sink.messages) == 1
    m = sink.messages[0]
    # Envelope.
    assert m["helo"] == "EHLO lb1.test"
    assert m["mail_from"] == "<alerts@lb1.test>"
    assert m["rcpts"] == ["ops@example.test", "oncall@example.test"]
    # Every command and every message line ends in CRLF, never a bare LF.
    assert all(c.endswith(b"\r\n") and b"\n" not in c[:-2] for c in sink.commands)
    data = m["data"]
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"\r" not in data.replace(b"\r\n", b"")
    # Dot-stuffing on the wire, undone by the receiver.
    head, _, raw_body = data.partition(b"\r\n\r\n")
    assert raw_body == (b"first line\r\n..starts with a dot\r\n...two dots\r\n..\r\n"
                        b"last line\r\n")
    assert unstuff(raw_body) == b"first line\r\n.starts with a dot\r\n..two dots\r\n.\r\nlast line\r\n"
    # Headers.
    msg = email.message_from_bytes(unstuff(data), policy=email.policy.compat32)
    assert msg["From"] == "alerts@lb1.test"
    assert [a for _, a in email.utils.getaddresses([msg["To"]])] == \
        ["ops@example.test", "oncall@example.test"]
    assert msg["Subject"] == "[lb1] VRRP Instance VI_1 - Entering MASTER state"
    assert msg["X-Mailer"] == "halo"
    assert re.fullmatch(r"<halo\.\d+\.\d+\.1@lb1\.test>", msg["Message-ID"])
    sent = email.utils.parsedate_to_datetime(msg["Date"])
    assert abs(sent.timestamp() - time.time()) < 60
    assert re.fullmatch(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug"
                        r"|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d [+-]\d{4}", msg["Date"])


def test_vrrp_alert_subject_and_body(smtptool_bin, sink_factory):
    sink = sink_factory()
    p, res, _, _ = run_tool(smtptool_bin, sink.port, ["ops@example.test"],
                            "--vrrp", "lb1", "VI_1", "MASTER")
    assert p.returncode == 0, p.stdout + p.stderr
    msg = email.message_from_bytes(unstuff(sink.messages[0]["data"]))
    assert msg["Subject"] == "[lb1] VRRP Instance VI_1 - Entering MASTER state"
    text = msg.get_payload()
    assert "VI_1" in text and "MASTER" in text and "lb1" in text


def test_helo_fallback_when_ehlo_refused(smtptool_bin, sink_factory):
    sink = sink_factory(ehlo=False)
    p, res, _, _ = run_tool(smtptool_bin, sink.port, ["ops@example.test"], "--helo", "lb1")
    assert p.returncode == 0, p.stdout + p.stderr
    assert res[0]["status"] == "ok"
    assert sink.commands[:2] == [b"EHLO lb1\r\n", b"HELO lb1\r\n"]
    assert len(sink.messages) == 1


def test_replies_split_into_single_bytes(smtptool_bin, sink_factory):
    sink = sink_factory(bytewise=True,
                        greeting=b"220-sink.test first line\r\n220-second\r\n220 ready\r\n")
    p, res, _, _ = run_tool(smtptool_bin, sink.port, ["ops@example.test"])
    assert p.returncode == 0, p.stdout + p.stderr
    assert res[0]["status"] == "ok"
    assert len(sink.messages) == 1


# ---- recipients ---------------------------------------------------------------


def test_one_refused_recipient_does_not_stop_the_others(smtptool_bin, sink_factory):
    sink = sink_factory(reject={"gone@example.test"})
    p, res, _, _ = run_tool(smtptool_bin, sink.port,
                            ["a@example.test", "gone@example.test", "c@example.test"])
    assert p.returncode == 0, p.stdout + p.stderr
    r = res[0]
    assert (r["status"], r["rcpt_ok"], r["rcpt_rejected"]) == ("ok", 2, 1)
    assert "<gone@example.test>: 550 5.1.1 <gone@example.test>: Recipient address rejected" \
        in r["reason"]
    assert sink.messages[0]["rcpts"] == ["a@example.test", "c@example.test"]
    assert "refused recipient <gone@example.test>" in p.stderr


def test_every_recipient_refused_is_a_failure(smtptool_bin, sink_factory):
    sink = sink_factory(reject={"a@example.test", "b@example.test"})
    p, res, _, _ = run_tool(smtptool_bin, sink.port, ["a@example.test", "b@example.test"])
    assert p.returncode == 1
    r = res[0]
    assert (r["status"], r["rcpt_ok"], r["rcpt_rejected"]) == ("reply", 0, 2)
    assert "every recipient refused (first: <a@example.test>: 550" in r["reason"]
    assert sink.messages == []
    assert not any(c.startswith(b"DATA") for c in sink.commands)


# ---- failures -------------------------------------------------------------------


def test_connection_refused_is_reported_at_once(smtptool_bin):
    port = closed_port()
    p, res, _, wall = run_tool(smtptool_bin, port, ["ops@example.test"], "--timeout", "10")
    assert p.returncode == 1
    assert res[0]["status"] == "connect"
    assert res[0]["reason"] == f"connect to 127.0.0.1:{port}: connection refused"
    assert res[0]["elapsed_ms"] < 500
    assert wall < 2


def test_unresolvable_server(smtptool_bin):
    p, res, _, _ = run_tool(smtptool_bin, 25, ["ops@example.test"], "--timeout", "3",
                            host="no-such-host.invalid")
    assert p.returncode == 1
    assert res[0]["status"] in ("resolve", "timeout")
    assert "no-such-host.invalid" in res[0]["reason"]


def test_silent_server_times_out_on_the_greeting(smtptool_bin, sink_factory):
    sink = sink_factory(greet=False)
    p, res, summ, _ = run_tool(smtptool_bin, sink.port, ["ops@example.test"],
                               "--timeout", "1", "--overall", "20")
    assert p.returncode == 1
    r = res[0]
    assert r["status"] == "timeout"
    assert r["reason"] == (f"no progress within 1.0 s waiting for the greeting from "
                           f"127.0.0.1:{sink.port}")
    assert 900 <= r["elapsed_ms"] < 2500
    assert sink.connections == 1
    # Waiting did not stall the loop (a blocking wait would stall it for the
    # whole 1 s; the margin absorbs a loaded CI machine).
    assert summ["max_lag_ms"] < 500


def test_overall_timeout_bounds_a_slow_dialogue(smtptool_bin, sink_factory):
    # Each reply is within the 5 s reply timeout, the message is not within 1 s.
    sink = sink_factory(delay=0.4)
    p, res, _, _ = run_tool(smtptool_bin, sink.port, ["ops@example.test"],
                            "--timeout", "5", "--overall", "1")
    assert p.returncode == 1
    r = res[0]
    assert r["status"] == "timeout"
    assert r["reason"].startswith("message not sent within 1.0 s (waiting for ")
    assert 900 <= r["elapsed_ms"] < 2500
    assert sink.messages == []


def test_unexpected_reply_code_is_quoted(smtptool_bin, sink_factory):
    sink = sink_factory(greeting=b"554 5.3.2 sink.test busy, go away\r\n")
    p, res, _, _ = run_tool(smtptool_bin, sink.port, ["ops@example.test"])
    assert p.returncode == 1
    assert res[0]["status"] == "reply"
    assert res[0]["reason"] == (f"unexpected reply to the connection (greeting) from "
                                f"127.0.0.1:{sink.port}: 554 5.3.2 sink.test busy, go away")


def test_garbage_reply_is_a_protocol_error(smtptool_bin, sink_factory):
    sink = sink_factory(greeting=b"SSH-2.0-OpenSSH_9.2\r\n")
    p, res, _, _ = run_tool(smtptool_bin, sink.port, ["ops@example.test"])
    assert p.returncode == 1
    assert res[0]["status"] == "protocol"
    assert "malformed reply line 'SSH-2.0-OpenSSH_9.2'" in res[0]["reason"]


def test_server_hanging_up_is_reported(smtptool_bin, sink_factory):
    sink = sink_factory(close_after_greeting=True)
    p, res, _, _ = run_tool(smtptool_bin, sink.port, ["ops@example.test"])
    assert p.returncode == 1
    assert res[0]["status"] == "io"
    assert "closed the connection while we waited for the reply to EHLO" in res[0]["reason"]


# ---- the loop and the queue ---------------------------------------------------


def test_loop_keeps_running_while_the_server_is_slow(smtptool_bin, sink_factory):
    # 7 replies x 0.25 s: about 1.75 s during which the 10 ms tick must keep
    # firing on time.
    sink = sink_factory(delay=0.25)
    p, res, summ, _ = run_tool(smtptool_bin, sink.port, ["ops@example.test"],
                               "--timeout", "5", "--tick-ms", "10")
    assert p.returncode == 0, p.stdout + p.stderr
    assert res[0]["status"] == "ok"
    assert res[0]["elapsed_ms"] >= 1500
    assert summ["ticks"] >= 0.7 * summ["elapsed_ms"] / 10
    # A client that blocked on the server would stall the loop for a whole
    # reply delay (250 ms) at least; scheduling noise on a loaded 2-core CI
    # machine under ASan has been measured at ~100 ms.
    assert summ["max_lag_ms"] < 200


def test_queue_sends_in_order_and_drops_the_oldest(smtptool_bin, sink_factory):
    sink = sink_factory()
    p, res, summ, _ = run_tool(smtptool_bin, sink.port, ["ops@example.test"],
                               "--subject", "alert", "--count", "5", "--queue", "2")
    assert p.returncode == 1  # three were dropped
    by_id = {r["id"]: r for r in res}
    assert sorted(by_id) == [1, 2, 3, 4, 5]
    assert [by_id[i]["status"] for i in (1, 2, 3)] == ["dropped"] * 3
    assert by_id[1]["reason"] == "dropped: alert queue full"
    assert [by_id[i]["status"] for i in (4, 5)] == ["ok", "ok"]
    subjects = [email.message_from_bytes(m["data"])["Subject"] for m in sink.messages]
    assert subjects == ["alert #4", "alert #5"]
    assert (summ["sent"], summ["dropped"]) == (2, 3)
    # One connection per message, one after the other.
    assert sink.connections == 2


def test_several_messages_all_delivered_in_order(smtptool_bin, sink_factory):
    sink = sink_factory()
    p, res, summ, _ = run_tool(smtptool_bin, sink.port, ["ops@example.test"],
                               "--subject", "alert", "--count", "4")
    assert p.returncode == 0, p.stdout + p.stderr
    assert [r["status"] for r in res] == ["ok"] * 4
    subjects = [email.message_from_bytes(m["data"])["Subject"] for m in sink.messages]
    assert subjects == [f"alert #{i}" for i in range(1, 5)]
    # One connection per message, each ended with QUIT before the next one
    # starts (smtptool exits on the last result, possibly before its QUIT).
    assert sink.connections == 4
    assert sink.commands.count(b"QUIT\r\n") >= 3
    verbs = [c.split(b" ")[0].split(b":")[0].rstrip(b"\r\n") for c in sink.commands]
    assert verbs[:7] == [b"EHLO", b"MAIL", b"RCPT", b"DATA", b"QUIT", b"EHLO", b"MAIL"]


def test_close_cancels_pending_messages(smtptool_bin, sink_factory):
    sink = sink_factory(greet=False)
    p, res, summ, wall = run_tool(smtptool_bin, sink.port, ["ops@example.test"],
                                  "--timeout", "20", "--count", "3", "--close-after", "0.3")
    assert p.returncode == 1
    assert sorted((r["id"], r["status"]) for r in res) == \
        [(1, "cancelled"), (2, "cancelled"), (3, "cancelled")]
    assert summ["cancelled"] == 3
    assert wall < 5
