"""Stopping the SLA clock while the bot waits for the citizen's answer ([sla] pause_while_waiting).

The conversation flow signals it: call `pause` in the transaction that asks the citizen a follow-up
question about an open ticket, and `resume` in the one that handles the answer (or expires the
question). While paused the ticket gets no reminder and no breach; on resume its due time moves later
by the clock time the pause lasted (office hours only, in office-hours mode).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot import sla
from bot.config import Config
from store import repo
from store.models import SlaPause, Ticket


def pause(session: Session, ticket: Ticket, *, now: datetime, config: Config) -> bool:
    """Stop the ticket's clock; False when pausing is off, already paused or already answered."""
    if not config.sla.pause_while_waiting or ticket.first_answer_at is not None:
        return False
    if session.get(SlaPause, ticket.id) is not None:
        return False
    session.add(SlaPause(ticket_id=ticket.id, since=now))  # type: ignore[arg-type]
    _audit(session, ticket, "sla.pause", now, {"since": now.isoformat()})
    return True


def resume(session: Session, ticket: Ticket, *, now: datetime, config: Config) -> bool:
    """Start the clock again and push the due time back; False when it was not paused."""
    row = session.get(SlaPause, ticket.id)
    if row is None:
        return False
    before = ticket.due_at
    office = sla.office_hours(config.sla, config.app.timezone)
    ticket.due_at = sla.resume(ticket.due_at, row.since, now, office)
    session.delete(row)
    session.flush()
    _audit(session, ticket, "sla.resume", now, {"due_at": ticket.due_at.isoformat()}, before)
    return True


def _audit(
    session: Session,
    ticket: Ticket,
    action: str,
    now: datetime,
    after: dict,
    before: datetime | None = None,
) -> None:
    repo.audit_ticket(
        session,
        ticket,
        action,
        actor="bot",
        now=now,
        before={"due_at": before.isoformat()} if before else {},
        after=after,
    )
