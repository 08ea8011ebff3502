"""Gammu SMSD round trips on a database made from Debian's shipped schema: inbox rows exactly as SMSD
writes them (its own INSERT, from its debug log), outbox rows read back with SMSD's own queries."""

from __future__ import annotations

import sqlite3

import pytest
from sqlmodel import col, select

from bot import delivery, service
from bot.channels.gammu import poll_gammu, smsd
from bot.messages import Direction, OutboxStatus
from store.db import session_scope
from store.models import Message, Outbox, Ticket

from .smsd_rows import CITIZEN, TEXT, processed, smsd_outgoing, smsd_receives


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
