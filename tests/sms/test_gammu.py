"""Gammu SMSD round trips on a database made from Debian's shipped schema: inbox rows exactly as SMSD
writes them (its own INSERT, from its debug log), outbox rows read back with SMSD's own queries."""

from __future__ import annotations

import sqlite3

import httpx
import pytest
from sqlmodel import col, select

from bot import delivery, service
from bot.channels.gammu import poll_gammu, smsd
from bot.channels.registry import build_channels
from bot.config import build_config
from bot.messages import Direction, OutboxStatus
from bot.replies import make_env
from bot.service import Desk
from store.db import session_scope
from store.models import Message, Outbox, Ticket

CITIZEN = "+6281234567890"
TEXT = "DINKES #puskesmas tutup jam 10"

# gammu-smsd 1.42 (Debian), debuglevel 255: "Execute SQL: INSERT INTO inbox (...) VALUES (...)".
SMSD_INSERT = (
    'INSERT INTO inbox ("ReceivingDateTime", "Text", "SenderNumber", "Coding", "SMSCNumber", "UDH",'
    ' "Class", "TextDecoded", "RecipientID", "Status") VALUES (?, ?, ?, ?, ?, ?, -1, ?, ?, 0)'
)
# What SMSD selects to send (SQLite flavour: its "now" is datetime('now', 'localtime')). SMSD itself
# compares with "<", so it takes a row written this second on its next loop; "<=" avoids a sleep here.
SMSD_OUTBOX_DUE = (
    "SELECT \"ID\" FROM outbox WHERE \"SendingDateTime\" <= datetime('now', 'localtime')"
    " AND \"SendingTimeOut\" <= datetime('now', 'localtime')"
    " AND \"SendBefore\" >= time('now', 'localtime') AND \"SendAfter\" <= time('now', 'localtime')"
    ' AND ("SenderID" is NULL OR "SenderID" = \'\' OR "SenderID" = \'aduan\')'
    ' ORDER BY "Priority" DESC, "InsertIntoDB" ASC'
)


def ucs2_hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def smsd_receives(url: str, text: str, sender: str = CITIZEN, udh: str = "") -> None:
    """The row SMSD inserts when the modem hands it an SMS."""
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        conn.execute(
            SMSD_INSERT,
            ("2026-11-23 10:00:00", ucs2_hex(text), sender, "Default_No_Compression",
             "+6281100000", udh, text, "aduan"),
        )  # fmt: skip


def smsd_outgoing(url: str) -> list[tuple[str, str, str]]:
    """(number, coding, whole text) of every due outbox row, multipart rows joined as SMSD does."""
    out = []
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        for (outbox_id,) in conn.execute(SMSD_OUTBOX_DUE).fetchall():
            number, coding, text, multi, creator = conn.execute(
                'SELECT "DestinationNumber", "Coding", "TextDecoded", "MultiPart", "CreatorID"'
                ' FROM outbox WHERE "ID" = ?',
                (outbox_id,),
            ).fetchone()
            assert creator == "aduan"
            rest = conn.execute(
                'SELECT "TextDecoded" FROM outbox_multipart WHERE "ID" = ? ORDER BY "SequencePosition"',
                (outbox_id,),
            ).fetchall()
            assert (multi == "true") is bool(rest)
            out.append((number, coding, text + "".join(r[0] for r in rest)))
    return out


def processed(url: str) -> list[str]:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        return [r[0] for r in conn.execute('SELECT "Processed" FROM inbox ORDER BY "ID"')]


@pytest.fixture
def gammu(db_url, smsd_sqlite, seeded):
    cfg = build_config(
        {"channels": {"enabled": ["gammu"], "gammu": {"database_url": smsd_sqlite}}},
        {"DATABASE_URL": db_url},
    )
    channels = build_channels(cfg, httpx.Client())
    yield Desk(config=cfg, env=make_env()), channels
    channels["gammu"].close()  # type: ignore[attr-defined]


def inbound(engine) -> list[Message]:
    with session_scope(engine) as s:
        rows = s.exec(
            select(Message).where(Message.direction == Direction.IN).order_by(col(Message.id))
        )
        return list(rows)


def test_a_citizen_on_gammu_gets_the_ack_and_later_the_answer(seeded, gammu, smsd_sqlite, clock):
    desk, channels = gammu
    smsd_receives(smsd_sqlite, TEXT)
    assert poll_gammu(seeded, desk, channels, now=clock()) == 1
    assert processed(smsd_sqlite) == ["true"]
    [msg] = inbound(seeded)
    assert (msg.channel, msg.address, msg.body) == ("gammu", CITIZEN, TEXT)
    [(number, coding, ack)] = smsd_outgoing(smsd_sqlite)
    assert (number, coding) == (CITIZEN, "Default_No_Compression")
    assert ack.startswith("Aduan Anda diterima") and "DINKES" in ack
    with session_scope(seeded) as s:
        ticket = s.exec(select(Ticket)).one()
        assert ticket.channel == "gammu" and ticket.number in ack
        [row] = s.exec(select(Outbox))
        assert row.status is OutboxStatus.SENT and row.provider_id == "1"

    # The officer's answer, later: long and not GSM-7, so a concatenated UCS-2 message.
    answer = "Puskesmas “Sukamaju” buka lagi pukul 08.00–14.00 WIB 🙏 " * 4
    clock.advance(hours=2)
    with session_scope(seeded) as s:
        ticket = s.exec(select(Ticket)).one()
        service.send_answer(s, ticket, answer, now=clock(), desk=desk, actor="petugas")
    assert delivery.dispatch(seeded, channels, now=clock(), cfg=desk.config.delivery) == 1
    outgoing = smsd_outgoing(smsd_sqlite)
    assert len(outgoing) == 2
    number, coding, text = outgoing[1]
    assert (number, coding) == (CITIZEN, "Unicode_No_Compression")
    with session_scope(seeded) as s:
        sent = s.exec(select(Outbox).order_by(col(Outbox.id))).all()[-1]
        assert text == sent.body and answer.strip() in text
        assert sent.provider_id == "2"


def test_multipart_rows_carry_the_concatenation_udh(smsd_sqlite):
    text = "Jawaban aduan 1234567 (DINKES): " + "puskesmas buka {jam} 08.00 setiap hari. " * 8
    engine = smsd.make_smsd_engine(smsd_sqlite)
    with engine.begin() as conn:
        outbox_id = smsd.write_outbox(conn, CITIZEN, text, ref=0x1D3)
    with sqlite3.connect(smsd_sqlite.removeprefix("sqlite:///")) as conn:
        first = conn.execute('SELECT "UDH", "TextDecoded" FROM outbox WHERE "ID" = ?', (outbox_id,))
        rest = conn.execute(
            'SELECT "UDH", "TextDecoded" FROM outbox_multipart ORDER BY "SequencePosition"'
        )
        parts = [*first.fetchall(), *rest.fetchall()]
    engine.dispose()
    assert [udh for udh, _ in parts] == ["050003D30301", "050003D30302", "050003D30303"]
    assert "".join(t for _, t in parts) == text
    # 153 septets per part, "{" and "}" cost two each.
    assert all(sum(2 if ch in "{}" else 1 for ch in t) <= 153 for _, t in parts)


def test_a_crash_before_marking_processed_does_not_duplicate(seeded, gammu, smsd_sqlite, clock):
    desk, channels = gammu
    smsd_receives(smsd_sqlite, TEXT)
    poll_gammu(seeded, desk, channels, now=clock())
    with sqlite3.connect(smsd_sqlite.removeprefix("sqlite:///")) as conn:
        conn.execute("UPDATE inbox SET \"Processed\" = 'false'")
    for _ in range(2):
        poll_gammu(seeded, desk, channels, now=clock())
    assert len(inbound(seeded)) == 1
    assert len(smsd_outgoing(smsd_sqlite)) == 1
    assert processed(smsd_sqlite) == ["true"]


def test_concatenated_inbox_parts_are_one_message(seeded, gammu, smsd_sqlite, clock):
    desk, channels = gammu
    head, tail = "DINKES #puskesmas tutup ", "jam 10 pagi"
    smsd_receives(smsd_sqlite, tail, udh="0500034F0202")  # the parts may arrive in any order
    assert poll_gammu(seeded, desk, channels, now=clock()) == 0  # incomplete: waits
    assert processed(smsd_sqlite) == ["false"]
    smsd_receives(smsd_sqlite, head, udh="0500034F0201")
    assert poll_gammu(seeded, desk, channels, now=clock()) == 1
    assert [m.body for m in inbound(seeded)] == [head + tail]
    assert processed(smsd_sqlite) == ["true", "true"]


def test_an_incomplete_concatenated_message_is_handled_after_the_grace(
    seeded, gammu, smsd_sqlite, clock
):
    desk, channels = gammu
    # Parts 1 and 3 of 3: SMSD stored them after its MultipartTimeout, part 2 never came.
    smsd_receives(smsd_sqlite, "3 pagi", udh="0500031C0303")
    smsd_receives(smsd_sqlite, "DINKES #puskesmas tutup jam ", udh="0500031C0301")
    assert poll_gammu(seeded, desk, channels, now=clock()) == 0
    clock.advance(seconds=119)
    assert poll_gammu(seeded, desk, channels, now=clock()) == 0
    assert processed(smsd_sqlite) == ["false", "false"]
    clock.advance(seconds=1)
    assert poll_gammu(seeded, desk, channels, now=clock()) == 1
    assert [m.body for m in inbound(seeded)] == ["DINKES #puskesmas tutup jam 3 pagi"]
    assert processed(smsd_sqlite) == ["true", "true"]
    assert channels["gammu"].waiting == {}  # type: ignore[attr-defined]


def test_operator_notices_are_marked_but_not_answered(seeded, gammu, smsd_sqlite, clock):
    desk, channels = gammu
    smsd_receives(smsd_sqlite, "Sisa pulsa Anda Rp 5.000", sender="TELKOMSEL")
    assert poll_gammu(seeded, desk, channels, now=clock()) == 0
    assert processed(smsd_sqlite) == ["true"]
    assert inbound(seeded) == [] and smsd_outgoing(smsd_sqlite) == []


def test_gammu_has_no_webhook(seeded, gammu):
    desk, channels = gammu
    from bot.channels.base import Rejected, WebhookRequest

    with pytest.raises(Rejected) as info:
        channels["gammu"].verify(WebhookRequest("GET", "http://x/webhooks/gammu"))
    assert info.value.status == 404


# gammu-smsd 1.42 moving a sent part to sentitems (its debug log; SQLite has no now(): a literal).
SMSD_SENT = (
    'INSERT INTO sentitems ("CreatorID", "ID", "SequencePosition", "Status", "SendingDateTime",'
    ' "SMSCNumber", "TPMR", "SenderID", "Text", "DestinationNumber", "Coding", "UDH", "Class",'
    ' "TextDecoded", "InsertIntoDB", "RelativeValidity", "StatusCode") VALUES (\'aduan\', ?, ?, ?,'
    " '2026-11-23 10:00:05', '123456', 255, 'aduan', ?, ?, 'Default_No_Compression', '', -1, ?,"
    " '2026-11-23 10:00:04', -1, -1)"
)


def smsd_sends(url: str, outbox_id: int, status: str, seq: int = 1) -> None:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        number, text = conn.execute(
            'SELECT "DestinationNumber", "TextDecoded" FROM outbox WHERE "ID" = ?', (outbox_id,)
        ).fetchone()
        conn.execute(SMSD_SENT, (outbox_id, seq, status, ucs2_hex(text), number, text))


def outbox_statuses(engine) -> list[tuple[str | None, OutboxStatus, str]]:
    with session_scope(engine) as s:
        rows = s.exec(select(Outbox).order_by(col(Outbox.id)))
        return [(r.provider_id, r.status, r.error) for r in rows]


def test_smsd_sentitems_statuses_reach_the_outbox(seeded, gammu, smsd_sqlite, clock):
    desk, channels = gammu
    smsd_receives(smsd_sqlite, TEXT)
    smsd_receives(smsd_sqlite, "halo", sender="+6281311112222")
    poll_gammu(seeded, desk, channels, now=clock())
    assert [s[:2] for s in outbox_statuses(seeded)] == [("1", "sent"), ("2", "sent")]
    smsd_sends(smsd_sqlite, 1, "SendingOK")
    smsd_sends(smsd_sqlite, 2, "SendingError")
    poll_gammu(seeded, desk, channels, now=clock())
    assert outbox_statuses(seeded) == [
        ("1", "sent", ""),
        ("2", "failed", "SMSD SendingError"),
    ]
    with sqlite3.connect(smsd_sqlite.removeprefix("sqlite:///")) as conn:  # the DLR arrives
        conn.execute('UPDATE sentitems SET "Status" = \'DeliveryOK\' WHERE "ID" = 1')
    poll_gammu(seeded, desk, channels, now=clock())
    assert outbox_statuses(seeded)[0] == ("1", "delivered", "")
