"""SMSD's sentitems statuses (SendingError, DeliveryOK) reach Aduan's outbox on the next poll."""

from __future__ import annotations

import sqlite3

from sqlmodel import col, select

from bot.channels.gammu import poll_gammu
from bot.messages import OutboxStatus
from store.db import session_scope
from store.models import Outbox

from .smsd_rows import TEXT, smsd_receives, smsd_sends


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
