"""What the admin reads and writes besides bot.service: (session, ...) functions that never commit.

Who sees what is decided here, once for SQL (`_visible`) and once for a loaded ticket (`can_see`):
admin and committee see every ticket; an officer sees the tickets of their units, never ethics ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

import sqlalchemy as sa
from sqlmodel import Session, col, select

from bot.messages import DraftStatus, Role, TicketStatus
from store import repo
from store.models import AuditLog, Contact, Draft, Message, StaffUser, Ticket, Unit

FULL_VIEW = {Role.ADMIN, Role.COMMITTEE}


class Viewer(Protocol):
    role: Role
    units: tuple[str, ...]


def can_see(viewer: Viewer, ticket: Ticket, unit_code: str) -> bool:
    """Whether this staff member may open the ticket."""
    if viewer.role in FULL_VIEW:
        return True
    return viewer.role is Role.OFFICER and unit_code in viewer.units and not ticket.ethics


def _visible(stmt: Any, viewer: Viewer) -> Any:
    """Restrict a select that joins Ticket and Unit to the tickets the viewer may open."""
    if viewer.role in FULL_VIEW:
        return stmt
    if viewer.role is not Role.OFFICER:
        return stmt.where(sa.false())
    return stmt.where(col(Unit.code).in_(viewer.units), col(Ticket.ethics).is_(False))


def inbox(
    session: Session,
    viewer: Viewer,
    *,
    status: TicketStatus | None = None,
    unit_code: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[tuple[Ticket, Unit, Contact, bool]]:
    """Visible tickets, newest first, each with its unit, contact and whether a draft is pending."""
    pending = (
        sa.exists()
        .where(col(Draft.ticket_id) == col(Ticket.id), col(Draft.status) == DraftStatus.PENDING)
        .label("has_draft")
    )
    stmt = (
        select(Ticket, Unit, Contact, pending)
        .join(Unit, col(Unit.id) == col(Ticket.unit_id))
        .join(Contact, col(Contact.id) == col(Ticket.contact_id))
    )
    stmt = _visible(stmt, viewer)
    if status is not None:
        stmt = stmt.where(col(Ticket.status) == status)
    if unit_code:
        stmt = stmt.where(col(Unit.code) == unit_code)
    stmt = stmt.order_by(col(Ticket.received_at).desc(), col(Ticket.id).desc())
    return [tuple(row) for row in session.exec(stmt.limit(limit).offset(offset))]  # type: ignore[misc]


def filter_units(session: Session, viewer: Viewer) -> list[Unit]:
    """The units offered in the inbox filter."""
    units = repo.active_units(session)
    if viewer.role in FULL_VIEW:
        return units
    return [u for u in units if u.code in viewer.units]


def ticket_by_number(session: Session, number: str) -> tuple[Ticket, Unit, Contact] | None:
    stmt = (
        select(Ticket, Unit, Contact)
        .join(Unit, col(Unit.id) == col(Ticket.unit_id))
        .join(Contact, col(Contact.id) == col(Ticket.contact_id))
        .where(Ticket.number == number)
    )
    row = session.exec(stmt).first()
    return None if row is None else (row[0], row[1], row[2])


def ticket_messages(session: Session, ticket_id: int) -> Sequence[Message]:
    """The ticket's thread, oldest first."""
    stmt = select(Message).where(Message.ticket_id == ticket_id).order_by(col(Message.id))
    return list(session.exec(stmt))


def ticket_drafts(session: Session, ticket_id: int) -> list[Draft]:
    """The ticket's drafts, pending ones first, then newest."""
    is_pending = sa.case((col(Draft.status) == DraftStatus.PENDING, 0), else_=1)
    stmt = (
        select(Draft).where(Draft.ticket_id == ticket_id).order_by(is_pending, col(Draft.id).desc())
    )
    return list(session.exec(stmt))


def draft_queue(
    session: Session, viewer: Viewer, *, limit: int = 100
) -> list[tuple[Draft, Ticket, Unit]]:
    """Pending drafts on visible tickets, the nearest deadline first."""
    stmt = (
        select(Draft, Ticket, Unit)
        .join(Ticket, col(Ticket.id) == col(Draft.ticket_id))
        .join(Unit, col(Unit.id) == col(Ticket.unit_id))
        .where(col(Draft.status) == DraftStatus.PENDING)
    )
    stmt = _visible(stmt, viewer).order_by(col(Ticket.due_at), col(Draft.id)).limit(limit)
    return [(d, t, u) for d, t, u in session.exec(stmt)]


def locked_draft(session: Session, draft_id: int) -> Draft | None:
    """The draft, locked until the transaction ends, so two officers cannot both send it."""
    stmt = select(Draft).where(Draft.id == draft_id).with_for_update()
    return session.exec(stmt).first()


def reject_draft(session: Session, draft: Draft, *, now: datetime, actor: str, reason: str) -> None:
    """An officer turns a pending draft down: nothing is sent."""
    draft.status, draft.decided_by, draft.decided_at = DraftStatus.REJECTED, actor, now
    repo.audit(
        session,
        actor=actor,
        action="draft.reject",
        entity="draft",
        entity_id=draft.id,
        ticket_id=draft.ticket_id,
        now=now,
        before={"status": "pending"},
        after={"status": "rejected"},
        reason=reason,
    )


def staff_by_username(session: Session, username: str) -> StaffUser | None:
    return session.exec(select(StaffUser).where(StaffUser.username == username)).first()


def login_attempts(session: Session, username: str, *, since: datetime) -> list[AuditLog]:
    """Failed and successful logins for a name since a moment, oldest first."""
    stmt = (
        select(AuditLog)
        .where(
            AuditLog.entity == "login",
            AuditLog.actor == (username or "-"),
            col(AuditLog.action).in_(["login.failed", "login.ok"]),
            col(AuditLog.at) >= since,
        )
        .order_by(col(AuditLog.at), col(AuditLog.id))
    )
    return list(session.exec(stmt))
