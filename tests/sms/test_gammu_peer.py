"""Real gammu-smsd (Debian) with its dummy phone driver on a PostgreSQL database made from the shipped
pgsql.sql: an SMS lands on the phone, SMSD stores it, poll_gammu answers, SMSD sends the reply; then an
officer's long answer goes out as a concatenated message."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlmodel import col, select

from bot import delivery, service
from bot.channels.gammu import poll_gammu, smsd
from bot.channels.registry import build_channels
from bot.config import build_config
from bot.messages import OutboxStatus
from bot.replies import make_env
from bot.service import Desk
from store.db import session_scope
from store.models import Outbox, Ticket

from .conftest import smsd_schema, wait_for

pytestmark = pytest.mark.peer
PG_ADMIN = (
    os.environ.get("TEST_DATABASE_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
CITIZEN = "+6281234567890"


@pytest.fixture
def smsd_pg() -> Iterator[str]:
    """A fresh PostgreSQL database with SMSD's shipped schema (a fresh one per run: SMSD keeps state)."""
    schema = smsd_schema("pgsql.sql").replace("CREATE LANGUAGE plpgsql;", "")  # exists since PG 9
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"smsd_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL unreachable at {PG_ADMIN} (gammu-smsd needs it): {exc}")
    url = make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(schema)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture
def smsd_daemon(tmp_path: Path, smsd_pg: str) -> Iterator[Path]:
    for binary in ("gammu", "gammu-smsd"):
        if shutil.which(binary) is None:
            pytest.skip(f"{binary} not installed: apt-get install gammu gammu-smsd")
    url = make_url(smsd_pg)
    (tmp_path / "phone").mkdir()
    phone = f"[gammu]\nmodel = dummy\ndevice = {tmp_path}/phone\nconnection = none\n"
    (tmp_path / "gammurc").write_text(phone)
    (tmp_path / "smsdrc").write_text(
        phone
        + f"""
[smsd]
service = sql
driver = native_pgsql
host = {url.host}
user = {url.username}
password = {url.password or ""}
database = {url.database}
logfile = {tmp_path}/smsd.log
pidfile = {tmp_path}/smsd.pid
debuglevel = 1
commtimeout = 1
sendtimeout = 5
loopsleep = 1
receivefrequency = 1
checkbattery = 0
checksignal = 0
phoneid = aduan
"""
    )
    with (tmp_path / "smsd.out").open("wb") as out:
        proc = subprocess.Popen(
            ["gammu-smsd", "-c", str(tmp_path / "smsdrc")], stdout=out, stderr=subprocess.STDOUT
        )
    try:
        yield tmp_path
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def phone_receives(d: Path, text: str) -> None:
    """An SMS arriving on the dummy phone: a Gammu SMS backup added to its inbox folder."""
    backup = d / "in.smsbackup"
    backup.write_text(
        '[SMSBackup000]\nSMSC = "+6281100000"\nState = UnRead\nDateTime = 20261123T100000\n'
        f'SMSCDateTime = 20261123T100000\nPDU = Deliver\nNumber = "{CITIZEN}"\nCoding = Default\n'
        f"Folder = 1\nLength = {len(text)}\nClass = -1\nText00 = {text.encode('utf-16-be').hex().upper()}\n"
    )
    subprocess.run(
        ["gammu", "-c", str(d / "gammurc"), "addsms", "3", str(backup), "-yes"],
        check=True,
        capture_output=True,
    )


def test_gammu_smsd_round_trip(smsd_daemon, smsd_pg, db_url, seeded, clock):
    cfg = build_config(
        {"channels": {"enabled": ["gammu"], "gammu": {"database_url": smsd_pg}}},
        {"DATABASE_URL": db_url},
    )
    desk, channels = Desk(config=cfg, env=make_env()), build_channels(cfg, httpx.Client())
    smsd_db = channels["gammu"].smsd  # type: ignore[attr-defined]

    def rows(sql: str, **params: object) -> list[sa.Row]:
        with smsd_db.connect() as conn:
            return list(conn.execute(sa.text(sql), params))

    try:
        phone_receives(smsd_daemon, "DINKES #puskesmas tutup jam 10")
        wait_for(lambda: rows('SELECT "ID" FROM inbox'), "SMSD to store the SMS")
        assert poll_gammu(seeded, desk, channels, now=clock()) == 1
        assert rows('SELECT "Processed" FROM inbox') == [(True,)]
        sent_sql = (
            'SELECT "SequencePosition", "TextDecoded", "Status" FROM sentitems'
            ' WHERE "ID" = :id AND "DestinationNumber" = :to ORDER BY "SequencePosition"'
        )
        with session_scope(seeded) as s:
            ack = s.exec(select(Outbox)).one()
        [(_, text, status)] = wait_for(
            lambda: rows(sent_sql, id=int(ack.provider_id), to=CITIZEN), "SMSD to send the ack"
        )
        assert text == ack.body and text.startswith("Aduan Anda diterima")
        assert status == "SendingOKNoReport"

        answer = "Puskesmas “Sukamaju” buka lagi pukul 08.00–14.00 WIB 🙏 " * 3
        with session_scope(seeded) as s:
            ticket = s.exec(select(Ticket)).one()
            service.send_answer(s, ticket, answer, now=clock(), desk=desk, actor="petugas")
        assert delivery.dispatch(seeded, channels, now=clock(), cfg=cfg.delivery) == 1
        with session_scope(seeded) as s:
            sent = s.exec(select(Outbox).order_by(col(Outbox.id).desc())).first()
        count = len(smsd.concat_parts(sent.body))
        parts = wait_for(
            lambda: (
                len(got := rows(sent_sql, id=int(sent.provider_id), to=CITIZEN)) == count and got
            ),
            "SMSD to send every part of the answer",
        )
        assert count > 2 and [p[0] for p in parts] == list(range(1, count + 1))
        assert "".join(p[1] for p in parts) == sent.body
        assert {p[2] for p in parts} == {"SendingOKNoReport"}
        assert poll_gammu(seeded, desk, channels, now=clock()) == 0  # also reads sentitems
        with session_scope(seeded) as s:  # the dummy phone gives no delivery report: still "sent"
            assert {r.status for r in s.exec(select(Outbox))} == {OutboxStatus.SENT}
    finally:
        channels["gammu"].close()  # type: ignore[attr-defined]
