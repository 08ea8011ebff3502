"""Putting a ticket before the committee (Ketua, Anggota, Pengarah). DESIGN §7.

`escalate` is the one entry point every cause uses: ethics flag, SLA breach, the citizen's TIDAK,
an officer's decision. A ticket has at most one open escalation; escalating it again returns it.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from store import repo
from store.models import Escalation, Ticket

REASONS = ("ethics", "sla_breach", "citizen_no", "officer")
LEVELS = ("anggota", "ketua", "pengarah")


def open_escalation(session: Session, ticket_id: int) -> Escalation | None:
    """The ticket's escalation that is not closed yet, if any."""
    stmt = select(Escalation).where(
        Escalation.ticket_id == ticket_id,
        Escalation.closed_at == None,  # noqa: E711
    )
    return session.exec(stmt).first()


def escalate(
    session: Session, ticket: Ticket, *, reason: str, now: datetime, actor: str = "bot"
) -> Escalation:
    """Record that the committee must look at the ticket (idempotent while one is open)."""
    if reason not in REASONS:
        raise ValueError(f"unknown escalation reason {reason!r}")
    assert ticket.id is not None
    existing = open_escalation(session, ticket.id)
    if existing is not None:
        return existing
    escalation = Escalation(
        ticket_id=ticket.id, reason=reason, level=LEVELS[0], created_at=now, level_since=now
    )
    session.add(escalation)
    session.flush()
    repo.audit(
        session,
        actor=actor,
        action="ticket.escalate",
        entity="escalation",
        entity_id=escalation.id,
        ticket_id=ticket.id,
        now=now,
        after={"reason": reason, "level": escalation.level},
    )
    return escalation
