"""Delivery statuses from SMSD's `sentitems` (one row per sent part) into Aduan's outbox."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import col, select

from bot.delivery import apply_status
from bot.messages import OutboxStatus, StatusUpdate
from store.db import session_scope
from store.models import Outbox

SENTITEMS = sa.table("sentitems", sa.column("ID"), sa.column("Status"))
FAILED = {"SendingError", "DeliveryFailed", "Error"}
WATCH = timedelta(days=2)  # SendingOKNoReport never changes: stop looking after a while


def part_statuses(conn: Connection, ids: list[int]) -> dict[int, list[str]]:
    """sentitems.Status of every part SMSD sent, by outbox ID."""
    found: dict[int, list[str]] = {}
    stmt = sa.select(SENTITEMS.c.ID, SENTITEMS.c.Status).where(SENTITEMS.c.ID.in_(ids))
    for outbox_id, status in conn.execute(stmt):
        found.setdefault(int(outbox_id), []).append(status)
    return found


def _update(provider_id: int, statuses: list[str]) -> StatusUpdate | None:
    """A failed part fails the message; it is delivered when every part is DeliveryOK."""
    bad = sorted(set(statuses) & FAILED)
    if bad:
        return StatusUpdate("gammu", str(provider_id), OutboxStatus.FAILED, error=f"SMSD {bad[0]}")
    if set(statuses) == {"DeliveryOK"}:
        return StatusUpdate("gammu", str(provider_id), OutboxStatus.DELIVERED)
    return None


def sync_statuses(engine: Engine, smsd_db: Engine, *, now: datetime) -> int:
    """Record what SMSD reports for messages sent recently; returns how many changed."""
    with session_scope(engine) as session:
        rows = session.exec(
            select(Outbox.provider_id).where(
                Outbox.channel == "gammu",
                Outbox.status == OutboxStatus.SENT,
                col(Outbox.sent_at) >= now - WATCH,
            )
        )
        ids = [int(p) for p in rows if p and p.isdigit()]
    if not ids:
        return 0
    with smsd_db.connect() as conn:
        found = part_statuses(conn, ids)
    updates = [u for i, s in found.items() if (u := _update(i, s)) is not None]
    return sum(apply_status(engine, u, now=now) for u in updates)
