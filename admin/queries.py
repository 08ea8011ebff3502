"""What the admin reads and writes besides bot.service: (session, ...) functions that never commit.

Who sees what is decided here, once for SQL (`visible`) and once for a loaded ticket (`can_see`):
admin sees every ticket; the committee sees ethics tickets and escalated ones; an officer sees the
tickets of their units, never ethics ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from bot import screening, undelivered
from bot.messages import DraftStatus, OutboxStatus, Role, TicketStatus
from store import repo
from store.models import (
    Answer,
    AuditLog,
    Contact,
    Draft,
    Escalation,
    Message,
    Outbox,
    StaffUser,
    Ticket,
    Unit,
)

FULL_VIEW = {Role.ADMIN}


class Viewer(Protocol):
    role: Role
    units: tuple[str, ...]


def can_see(viewer: Viewer, ticket: Ticket, unit_code: str, *, escalated: bool = False) -> bool:
    """Whether this staff member may open the ticket."""
    if viewer.role in FULL_VIEW:
        return True
    if viewer.role is Role.COMMITTEE:
        return ticket.ethics or escalated
    return viewer.role is Role.OFFICER and unit_code in viewer.units and not ticket.ethics


def visible(stmt: Any, viewer: Viewer) -> Any:
    """Restrict a select that joins Ticket and Unit to the tickets the viewer may open."""
    if viewer.role in FULL_VIEW:
        return stmt
    if viewer.role is Role.COMMITTEE:
        escalated = sa.exists().where(col(Escalation.ticket_id) == col(Ticket.id))
        return stmt.where(sa.or_(col(Ticket.ethics).is_(True), escalated))
    if viewer.role is not Role.OFFICER:
        return stmt.where(sa.false())
    return stmt.where(col(Unit.code).in_(viewer.units), col(Ticket.ethics).is_(False))


def inbox(
    session: Session,
    viewer: Viewer,
    *,
    status: TicketStatus | None = None,
    unit_code: str | None = None,
    channel: str | None = None,
    overdue_at: datetime | None = None,
    failed: bool = False,
    search: str = "",
    limit: int = 50,
    offset: int = 0,
) -> list[tuple[Ticket, Unit, Contact, bool, bool]]:
    """Visible tickets, newest first, each with its unit, contact, whether a draft is pending and
    whether its latest answer failed to reach the citizen (`failed`: only those)."""
    pending = (
        sa.exists()
        .where(col(Draft.ticket_id) == col(Ticket.id), sendable_draft())
        .label("has_draft")
    )
    line = aliased(AuditLog)
    answer_failed = sa.exists().where(*last_answer_failed(line))
    stmt = (
        select(Ticket, Unit, Contact, pending, answer_failed.label("answer_failed"))
        .join(Unit, col(Unit.id) == col(Ticket.unit_id))
        .join(Contact, col(Contact.id) == col(Ticket.contact_id))
    )
    stmt = visible(stmt, viewer)
    if failed:
        stmt = stmt.where(answer_failed)
    if status is not None:
        stmt = stmt.where(col(Ticket.status) == status)
    if unit_code:
        stmt = stmt.where(col(Unit.code) == unit_code)
    if channel:
        stmt = stmt.where(col(Ticket.channel) == channel)
    if overdue_at is not None:
        stmt = stmt.where(*overdue(overdue_at))
    if search:
        stmt = stmt.where(_matches(search))
    stmt = stmt.order_by(col(Ticket.received_at).desc(), col(Ticket.id).desc())
    return [tuple(row) for row in session.exec(stmt.limit(limit).offset(offset))]  # type: ignore[misc]


def overdue(now: datetime) -> tuple[Any, ...]:
    """Conditions of an open ticket (awaiting an answer, also after a reopen) past its deadline."""
    return (
        col(Ticket.status) == TicketStatus.OPEN,
        col(Ticket.due_at) < now,
    )


def _matches(search: str) -> Any:
    """The ticket number, or a word in one of the citizen's messages on it (case-insensitive)."""
    in_text = sa.exists().where(
        col(Message.ticket_id) == col(Ticket.id),
        col(Message.is_note).is_(False),
        # autoescape: a % or _ typed in the search box is a character, not a LIKE wildcard
        sa.func.lower(col(Message.body)).contains(search.lower(), autoescape=True),
    )
    return sa.or_(col(Ticket.number) == search.strip(), in_text)


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


def sendable_draft() -> Any:
    """The SQL twin of service.draft_stale, for a select over Draft and Ticket: a pending draft that
    may still go to the citizen (its ticket open and unanswered, not an ethics case, and the answer
    in the library of the ticket's unit now)."""
    answer_unit = (
        sa.select(col(Answer.unit_id))
        .where(col(Answer.id) == col(Draft.answer_id))
        .scalar_subquery()
    )
    return sa.and_(
        col(Draft.status) == DraftStatus.PENDING,
        col(Ticket.status) == TicketStatus.OPEN,
        col(Ticket.first_answer_at).is_(None),
        col(Ticket.ethics).is_(False),
        sa.or_(answer_unit.is_(None), answer_unit == col(Ticket.unit_id)),
    )


def draft_queue(
    session: Session, viewer: Viewer, *, limit: int = 100
) -> list[tuple[Draft, Ticket, Unit]]:
    """Pending drafts on visible tickets that may still be sent, the nearest deadline first."""
    stmt = (
        select(Draft, Ticket, Unit)
        .join(Ticket, col(Ticket.id) == col(Draft.ticket_id))
        .join(Unit, col(Unit.id) == col(Ticket.unit_id))
        .where(sendable_draft())
    )
    stmt = visible(stmt, viewer).order_by(col(Ticket.due_at), col(Draft.id)).limit(limit)
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


def intake_target(
    session: Session, viewer: Viewer, phone: str, text: str
) -> tuple[Ticket, Unit] | None:
    """The open ticket a walk-in complaint without a unit is added to: the citizen's most recently
    updated open ticket that the viewer may open (and that a complaint to its unit reaches, since the
    bot files a coded complaint on the unit's first open ticket of the same kind, ethics or not:
    bot/service.py). None when there is no such ticket: tickets the viewer may not open are passed
    over without a trace."""
    contact = session.exec(select(Contact).where(Contact.phone == phone)).first()
    if contact is None:
        return None
    ethics = screening.names_breach(session, text)
    units_seen: set[int] = set()
    for ticket in repo.open_tickets(session, contact.id):  # type: ignore[arg-type]
        if ticket.ethics != ethics or ticket.unit_id in units_seen:
            continue  # a coded complaint of this text would not reach it
        units_seen.add(ticket.unit_id)
        unit = session.get(Unit, ticket.unit_id)
        if unit is not None and unit.active and may_open(session, viewer, ticket, unit.code):
            return ticket, unit
    return None


def may_open(session: Session, viewer: Viewer, ticket: Ticket, unit_code: str) -> bool:
    """`can_see` with the ticket's escalation looked up (the committee opens escalated tickets)."""
    escalated = has_escalation(session, ticket.id)  # type: ignore[arg-type]
    return can_see(viewer, ticket, unit_code, escalated=escalated)


def held_back(session: Session, message: Message) -> bool:
    """Whether an outbound message just queued was recorded unsent (the citizen sent STOP), so the
    officer is not told it went to the citizen."""
    stmt = select(Outbox.status).where(Outbox.message_id == message.id)
    return any(status == OutboxStatus.FAILED for status in session.exec(stmt))


def answer_failed(session: Session, ticket_id: int) -> AuditLog | None:
    """The `ticket.answer_failed` line when the ticket's latest answer did not reach the citizen."""
    line = undelivered.latest_answer(session, ticket_id)
    return line if line is not None and line.action == undelivered.FAILED else None


def last_answer_failed(line: Any) -> tuple[Any, ...]:
    """Conditions making the audit line `line` (AuditLog or an alias of it) the `ticket.answer_failed`
    line of a ticket, not closed, whose latest answer failed for good: no answer line came after it
    (an answer queued since takes the ticket off). One definition for the dashboard's card
    (failed_answers) and the inbox's badge and filter."""
    newer = aliased(AuditLog)
    answered_since = sa.exists().where(
        col(newer.ticket_id) == col(line.ticket_id),
        col(newer.action).in_(undelivered.ANSWER_LINES),
        col(newer.id) > col(line.id),
    )
    return (
        col(line.ticket_id) == col(Ticket.id),
        col(line.action) == undelivered.FAILED,
        ~answered_since,
        col(Ticket.status) != TicketStatus.CLOSED,
    )


def failed_answers(
    session: Session, viewer: Viewer, *, limit: int = 10
) -> list[tuple[Ticket, Unit, AuditLog]]:
    """Visible tickets, not closed, whose latest answer failed for good (newest failure first): the
    officer sends it again or phones the citizen."""
    stmt = (
        select(Ticket, Unit, AuditLog)
        .join(AuditLog, col(AuditLog.ticket_id) == col(Ticket.id))
        .join(Unit, col(Unit.id) == col(Ticket.unit_id))
        .where(*last_answer_failed(AuditLog))
    )
    stmt = visible(stmt, viewer).order_by(col(AuditLog.id).desc()).limit(limit)
    return [(t, u, a) for t, u, a in session.exec(stmt)]


def has_escalation(session: Session, ticket_id: int) -> bool:
    """Whether the ticket was ever put before the committee."""
    stmt = select(Escalation.id).where(Escalation.ticket_id == ticket_id).limit(1)
    return session.exec(stmt).first() is not None


def ticket_history(session: Session, ticket_id: int) -> list[AuditLog]:
    """Everything done on the ticket, oldest first."""
    stmt = select(AuditLog).where(AuditLog.ticket_id == ticket_id).order_by(col(AuditLog.id))
    return list(session.exec(stmt))


def staff_name(session: Session, staff_id: int | None) -> str:
    user = session.get(StaffUser, staff_id) if staff_id else None
    return (user.full_name or user.username) if user else ""


def count_use(session: Session, answer_id: int | None) -> None:
    """One more citizen got this library answer (through an approved draft)."""
    answer = session.get(Answer, answer_id) if answer_id else None
    if answer is not None:
        answer.usage_count += 1
