"""Per-number rate limit, counted in the database inside the inbound transaction.

The caller has already locked the sender's contact row (repo.resolve_contact), so the count is exact
even across workers: the messages of one number are handled one at a time. A sender past the limit gets
ONE polite warning (an audit row marks it), then its messages are stored but not answered until its
recent volume falls under the limit again. Nothing here slows other numbers: it is one indexed query.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Session, col, select

from bot.config import LimitsConfig
from bot.messages import Direction
from store.models import AuditLog, Message

MINUTE, HOUR = timedelta(minutes=1), timedelta(hours=1)
WARN_ACTION = "rate_limit.warn"


class Verdict(StrEnum):
    OK = "ok"  # answer as usual
    WARN = "warn"  # over the limit for the first time in this flood: one warning, no flow
    SILENT = "silent"  # over the limit and already warned: store only


def recent_inbound(session: Session, contact_id: int, now: datetime) -> tuple[int, int]:
    """Inbound messages of the contact in the last minute and the last hour (this one included)."""
    in_minute = sa.func.sum(sa.case((col(Message.created_at) > now - MINUTE, 1), else_=0))
    stmt = select(in_minute, sa.func.count()).where(
        Message.contact_id == contact_id,
        Message.direction == Direction.IN,
        col(Message.created_at) > now - HOUR,
    )
    minute, hour = session.exec(stmt).one()
    return int(minute or 0), int(hour or 0)


def _warned_since(session: Session, contact_id: int, since: datetime) -> bool:
    stmt = select(AuditLog.id).where(
        AuditLog.action == WARN_ACTION,
        AuditLog.entity == "contact",
        AuditLog.entity_id == contact_id,
        col(AuditLog.at) > since,
    )
    return session.exec(stmt.limit(1)).first() is not None


def check(session: Session, contact_id: int, *, now: datetime, cfg: LimitsConfig) -> Verdict:
    """Whether to answer this sender's message; records the warning when it is the first."""
    if not (cfg.messages_per_minute or cfg.messages_per_hour):
        return Verdict.OK  # no limit configured: skip the count
    minute, hour = recent_inbound(session, contact_id, now)
    over = (cfg.messages_per_minute and minute > cfg.messages_per_minute) or (
        cfg.messages_per_hour and hour > cfg.messages_per_hour
    )
    if not over:
        return Verdict.OK
    if _warned_since(session, contact_id, now - HOUR):
        return Verdict.SILENT
    session.add(
        AuditLog(
            at=now,
            actor="bot",
            action=WARN_ACTION,
            entity="contact",
            entity_id=contact_id,
            after={"per_minute": minute, "per_hour": hour},
        )
    )
    return Verdict.WARN
