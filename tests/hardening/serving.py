"""Run `aduan serve` as a real process for the crash tests, and a small client that records acks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

CONFIG = """
[simulator]
enabled = true
[channels]
enabled = ["simulator", "twilio"]
[channels.twilio]
sms_from = "+15005550006"
[limits]
messages_per_minute = 0
messages_per_hour = 0
[logging]
level = "WARNING"
"""
QUEUED = """
[inbound]
queued = true
workers = {inbox_workers}
"""


PUBLIC_BASE_URL = "https://aduan.example.go.id"
ACCOUNT_SID, AUTH_TOKEN = "AC" + "0" * 32, "crash-test-auth-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServeProcess:
    """`aduan serve --workers N` on 127.0.0.1 in its own process group."""

    def __init__(
        self,
        tmp: Path,
        db_url: str,
        workers: int = 2,
        queued: bool = False,
        inbox_workers: int = 1,
    ) -> None:
        queue = QUEUED.format(inbox_workers=inbox_workers) if queued else ""
        (tmp / "aduan.toml").write_text(CONFIG + queue)
        self.queued = queued
        self.tmp, self.workers, self.port = tmp, workers, free_port()
        self.env = {
            **os.environ,
            "ADUAN_CONFIG": str(tmp / "aduan.toml"),
            "DATABASE_URL": db_url,
            "PORT": str(self.port),
            "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        }
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        aduan = str(Path(sys.executable).with_name("aduan"))
        self.proc = subprocess.Popen(
            [aduan, "serve", "--workers", str(self.workers), "--timeout", "20"],
            cwd=self.tmp,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=open(self.tmp / "serve.log", "ab"),  # noqa: SIM115
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if len(self.worker_pids()) == self.workers and self.healthy():
                return
            time.sleep(0.1)
        raise RuntimeError(
            "aduan serve did not start: " + (self.tmp / "serve.log").read_text()[-2000:]
        )

    def healthy(self) -> bool:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            conn.request("GET", "/healthz")
            return conn.getresponse().status == 200
        except OSError:
            return False

    def children(self) -> list[int]:
        """The server's child processes, found by their parent pid in /proc (the `children` files
        of /proc/<pid>/task are documented as best effort: they may miss a running child)."""
        assert self.proc is not None
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.proc.pid and fields[0] != "Z":  # ppid; zombies are gone
                found.append(int(stat.parent.name))
        return found

    def describe(self, killed: list[int]) -> str:
        """What a failed wait for a restarted inbox worker saw: the children, the killed ones'
        state, and the end of the server's log."""
        states = {}
        for pid in killed:
            try:
                states[pid] = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                states[pid] = "gone"
        log = (self.tmp / "serve.log").read_text(errors="replace")[-3000:]
        return f"no new inbox worker among {self.children()}; killed {states}; log:\n{log}"

    def master_threads(self) -> int:
        assert self.proc is not None
        return len(list(Path(f"/proc/{self.proc.pid}/task").iterdir()))

    def worker_pids(self) -> list[int]:
        """The gunicorn web workers (not the inbox worker of queued intake)."""
        return [p for p in self.children() if b"bot.worker" not in _cmdline(p)]

    def inbox_worker_pid(self) -> int | None:
        return next(iter(self.inbox_worker_pids()), None)

    def inbox_worker_pids(self) -> list[int]:
        return [p for p in self.children() if b"bot.worker" in _cmdline(p)]

    def kill_worker(self) -> int:
        pid = self.worker_pids()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def kill_all(self) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill_all()


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def post_message(port: int, msg_id: str, sender: str, text: str) -> dict | None:
    """The simulator JSON endpoint; the decoded answer on 2xx, None when nothing came back."""
    body = json.dumps({"from": sender, "text": text, "id": msg_id})
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
        conn.request("POST", "/simulator/messages", body, {"Content-Type": "application/json"})
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
    except (OSError, http.client.HTTPException):  # the server died mid-answer: not acknowledged
        return None
    return json.loads(data) if 200 <= resp.status < 300 else None


def post_twilio(port: int, msg_id: str, sender: str, text: str) -> dict | None:
    """A signed Twilio SMS webhook (MessageSid = msg_id); {"twiml": ...} on 2xx, None otherwise.

    The signature is computed as Twilio documents it (HMAC-SHA1 over the public URL and the sorted
    form fields), so a retry is byte-for-byte what Twilio would resend."""
    form = {
        "MessageSid": msg_id,
        "SmsSid": msg_id,
        "AccountSid": ACCOUNT_SID,
        "From": "+62" + sender.removeprefix("0"),
        "To": "+15005550006",
        "Body": text,
        "NumMedia": "0",
    }
    signed = PUBLIC_BASE_URL + "/webhooks/twilio" + "".join(k + form[k] for k in sorted(form))
    mac = hmac.new(AUTH_TOKEN.encode(), signed.encode(), hashlib.sha1).digest()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": base64.b64encode(mac).decode(),
    }
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
        conn.request("POST", "/webhooks/twilio", urlencode(form), headers)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
    except (OSError, http.client.HTTPException):  # the server died mid-answer: not acknowledged
        return None
    return {"twiml": data.decode()} if 200 <= resp.status < 300 else None
