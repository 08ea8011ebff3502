"""Real Kannel from Debian: bearerbox + smsbox + fakesmsc (kannel-extras) on free local ports, talking to
a live Aduan server. A citizen's SMS goes in through the fake SMS centre, Aduan's inline reply comes
back through Kannel; later the officer's answer goes out through sendsms and its DLR comes back."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import col, select

from bot import service
from bot.app import create_app
from bot.config import build_config
from bot.messages import OutboxStatus
from bot.replies.sms import segments
from store.db import session_scope
from store.models import Message, Outbox, Ticket, Unit

from .conftest import free_port, wait_for
from .fakesmsc import messages

pytestmark = pytest.mark.peer

FAKESMSC = "/usr/lib/kannel/test/fakesmsc"
SECRET = "peer-kannel-secret"
CITIZEN, SHORTCODE = "6281234567890", "1708"


def kannel_conf(d: Path, ports: dict[str, int], aduan: str) -> str:
    get_url = f"{aduan}/webhooks/kannel?secret={SECRET}&from=%p&to=%P&text=%a&ts=%T&smsc=%i&id=%I"
    return f"""
group = core
admin-port = {ports["admin"]}
admin-password = adminpw
smsbox-port = {ports["smsbox"]}
admin-allow-ip = "127.0.0.1"
box-allow-ip = "127.0.0.1"
log-file = "{d}/bearerbox.log"
log-level = 0

group = smsc
smsc = fake
smsc-id = FAKE
port = {ports["smsc"]}
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
sendsms-port = {ports["sendsms"]}
log-file = "{d}/smsbox.log"
mo-recode = true

group = sendsms-user
username = aduan
password = rahasia
max-messages = 3
concatenation = true

group = sms-service
keyword = default
get-url = "{get_url}"
accept-x-kannel-headers = true
# as [channels.kannel] reply_max_messages: the UCS-2 receipt with its tracking link takes 4
max-messages = 6
concatenation = true
omit-empty = true
"""


class Processes:
    def __init__(self) -> None:
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, args: list[str], log: Path) -> subprocess.Popen[bytes]:
        with log.open("wb") as out:
            proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
        self.procs.append(proc)
        return proc

    def stop(self) -> None:
        for proc in reversed(self.procs):  # fakesmsc, smsbox, then bearerbox
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(5)


@pytest.fixture
def kannel(tmp_path, db_url, seeded, clock, monkeypatch, live_server_factory) -> Iterator[dict]:
    missing = [b for b in ("bearerbox", "smsbox") if shutil.which(b) is None]
    missing += [FAKESMSC] if not Path(FAKESMSC).exists() else []
    if missing:
        pytest.skip(
            f"Kannel not installed ({', '.join(missing)}): apt-get install kannel kannel-extras"
        )
    ports = {name: free_port() for name in ("admin", "smsbox", "smsc", "sendsms", "aduan")}
    aduan = f"http://127.0.0.1:{ports['aduan']}"
    env = {
        "DATABASE_URL": db_url,
        "PUBLIC_BASE_URL": aduan,
        "KANNEL_WEBHOOK_SECRET": SECRET,
        "KANNEL_SENDSMS_URL": f"http://127.0.0.1:{ports['sendsms']}/cgi-bin/sendsms",
        "KANNEL_USERNAME": "aduan",
        "KANNEL_PASSWORD": "rahasia",
    }
    kannel = {"sender": SHORTCODE, "dlr_mask": 3, "reply_max_messages": 6}
    data = {"channels": {"enabled": ["kannel"], "kannel": kannel}}
    monkeypatch.chdir(tmp_path)
    app = create_app(build_config(data, env), clock=clock, testing=True)
    live_server_factory(app, ports["aduan"])
    conf = tmp_path / "kannel.conf"
    conf.write_text(kannel_conf(tmp_path, ports, aduan))
    procs = Processes()
    status = f"http://127.0.0.1:{ports['admin']}/status.txt?password=adminpw"
    try:
        procs.start(["bearerbox", str(conf)], tmp_path / "bearerbox.out")
        wait_for(lambda: _get(status), "bearerbox's admin page")
        procs.start(["smsbox", str(conf)], tmp_path / "smsbox.out")
        wait_for(lambda: "smsbox:(none)" in (_get(status) or ""), "smsbox to connect")
        yield {"app": app, "ports": ports, "dir": tmp_path, "procs": procs}
    finally:
        procs.stop()
        app.extensions["aduan"].engine.dispose()


def _get(url: str) -> str | None:
    try:
        return httpx.get(url, timeout=2).text
    except httpx.HTTPError:
        return None


def test_sms_through_kannel_gets_the_ack_and_later_the_answer(kannel, seeded, clock):
    ports, d = kannel["ports"], kannel["dir"]
    log = d / "fakesmsc.out"
    with session_scope(seeded) as s:  # an en dash in the unit name: the inline ack must go as UCS-2
        s.exec(select(Unit).where(Unit.code == "DINKES")).one().name = "Dinas Kesehatan – Puskesmas"
    kannel["procs"].start(
        [FAKESMSC, "-H", "127.0.0.1", "-r", str(ports["smsc"]), "-i", "0.5", "-m", "1",
         f"{CITIZEN} {SHORTCODE} text DINKES #puskesmas tutup jam 10"],
        log,
    )  # fmt: skip
    [(sender, to, kind, text)] = wait_for(lambda: messages(log), "Aduan's reply at fakesmsc")
    assert (sender, to, kind) == (SHORTCODE, CITIZEN, "udh")  # a concatenated UCS-2 SMS
    assert text.startswith("Aduan Anda diterima") and "Dinas Kesehatan – Puskesmas (DINKES)" in text
    link = re.search(r"/t/(\S+)$", text)  # the tracking link came through whole, at the end
    assert link and segments(text) == 4 and len(link[1]) > 20
    with session_scope(seeded) as s:
        [msg] = s.exec(select(Message).where(Message.direction == "in")).all()
        assert (msg.channel, msg.address) == ("kannel", "+" + CITIZEN)
        assert msg.body == "DINKES #puskesmas tutup jam 10"
        assert msg.provider_id and msg.provider_id.startswith("I:")  # Kannel's %I came through
        ticket = s.exec(select(Ticket)).one()
        assert ticket.number in text

    # The officer's answer, later, through sendsms: not GSM-7, so UCS-2, and it asks for a DLR.
    answer = "Puskesmas “Sukamaju” buka lagi pukul 08.00 WIB 🙏"
    runtime = kannel["app"].extensions["aduan"]
    with session_scope(seeded) as s:
        ticket = s.exec(select(Ticket)).one()
        service.send_answer(s, ticket, answer, now=clock(), desk=runtime.desk, actor="petugas")
    assert runtime.deliver_now() == 1

    def all_parts() -> list | None:
        got = messages(log)[1:]
        first = re.match(r"\((\d+)/(\d+)\) ", got[0][3]) if got else None
        return got if first and len(got) >= int(first.group(2)) else None

    parts = wait_for(all_parts, "every part of the answer at fakesmsc")
    # each part is coded on its own: the one holding the emoji is UCS-2
    assert {p[:2] for p in parts} == {(SHORTCODE, "+" + CITIZEN)}
    assert "ucs-2" in {p[2] for p in parts} <= {"ucs-2", "text"}
    assert [re.match(r"\((\d+)/(\d+)\) ", p[3]).groups() for p in parts] == [  # type: ignore[union-attr]
        (str(i), str(len(parts))) for i in range(1, len(parts) + 1)
    ]
    whole = " ".join(p[3].split(" ", 1)[1] for p in parts)  # without the "(i/n) " markers
    assert answer in whole and whole.startswith("Jawaban aduan") and "Balas YA atau TIDAK" in whole

    def delivered() -> bool:
        with session_scope(seeded) as s:
            row = s.exec(select(Outbox).order_by(col(Outbox.id).desc())).first()
            return row is not None and row.status is OutboxStatus.DELIVERED

    wait_for(delivered, "the delivery report")
