"""Messages to staff phones (reminders, digests, the monthly summary): who gets them and on which channel."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from bot.config import Config
from bot.messages import Role
from bot.replies import render
from bot.service import Desk
from store import repo
from store.models import StaffUser

HEADS = ("pengarah", "ketua")  # committee levels that receive the monthly summary


def unit_officers(session: Session, unit_code: str) -> list[StaffUser]:
    """Active officers who serve the unit, by username."""
    stmt = select(StaffUser).where(StaffUser.active, StaffUser.role == Role.OFFICER)
    staff = session.exec(stmt.order_by(StaffUser.username)).all()
    return [s for s in staff if unit_code in s.units]


def committee_heads(session: Session) -> list[StaffUser]:
    """Active committee members at the Pengarah and Ketua levels."""
    stmt = select(StaffUser).where(StaffUser.active, StaffUser.role == Role.COMMITTEE)
    staff = session.exec(stmt.order_by(StaffUser.username)).all()
    return [s for s in staff if (s.committee_level or "") in HEADS]


def route(staff: StaffUser, config: Config) -> tuple[str, str] | None:
    """(channel, address) that reaches a staff member's phone, or None when none is known."""
    address = staff.channel_address or staff.phone or ""
    enabled = config.channels.enabled
    channel = (
        staff.preferred_channel or config.jobs.staff_channel or (enabled[0] if enabled else "")
    )
    return (channel, address) if channel and address else None


def tell_staff(
    session: Session,
    staff: Iterable[StaffUser],
    key: str,
    *,
    now: datetime,
    desk: Desk,
    ticket_id: int | None = None,
    **ctx: Any,
) -> list[str]:
    """Queue templates/<lang>/staff/<key> to each staff member's phone; returns who was reached."""
    cfg = desk.config
    reached = []
    for member in staff:
        where = route(member, cfg)
        if where is None:
            continue
        body = render(
            desk.env, f"staff/{key}", cfg.app.language, now=now, tz=cfg.app.timezone, **ctx
        )
        repo.queue_reply(
            session,
            body=body,
            channel=where[0],
            address=where[1],
            now=now,
            ticket_id=ticket_id,
            contact_id=None,
            author="scheduler",
        )
        reached.append(member.username)
    return reached


def admin_link(config: Config, path: str) -> str:
    """An absolute admin URL when PUBLIC_BASE_URL is known, else the path."""
    return f"{config.public_base_url}{path}"
