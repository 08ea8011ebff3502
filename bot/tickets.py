"""Changing a ticket's unit (ALIH from a committee phone, or the admin's transfer button)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlmodel import Session

from bot.outbound import say
from store import repo
from store.models import Contact, Ticket, Unit

if TYPE_CHECKING:
    from bot.service import Desk


def transfer(
    session: Session,
    ticket: Ticket,
    unit: Unit,
    *,
    reason: str,
    now: datetime,
    desk: Desk,
    actor: str,
) -> None:
    """Move the ticket to another unit: its SLA restarts there, and the citizen is told."""
    old = session.get(Unit, ticket.unit_id)
    hours = unit.sla_hours or desk.config.sla.default_hours
    before = {"unit": old.code if old else None, "due_at": ticket.due_at.isoformat()}
    ticket.unit_id = unit.id  # type: ignore[assignment]
    ticket.due_at = now + timedelta(hours=hours)
    ticket.transferred_count += 1
    ticket.updated_at = now
    repo.audit(
        session,
        actor=actor,
        action="ticket.transfer",
        entity="ticket",
        entity_id=ticket.id,
        ticket_id=ticket.id,
        now=now,
        before=before,
        after={"unit": unit.code, "due_at": ticket.due_at.isoformat()},
        reason=reason,
    )
    say(
        session,
        key="transferred",
        channel=ticket.channel,
        address=ticket.address,
        contact=session.get(Contact, ticket.contact_id),
        now=now,
        desk=desk,
        ticket_id=ticket.id,
        ticket=ticket.number,
        unit_code=unit.code,
        unit_name=unit.name,
        due=ticket.due_at,
    )
