"""Learning routing from the desk's own history: tickets officers routed or transferred.

The service (or a scheduled job) calls `routing_pairs` to get (first message, final unit) for every
answered or closed ticket, and `unit_profiles` to get profiles ready for `suggest_units`, with the
history folded into each unit's examples. A ticket's final unit is the truth: when an officer
transferred it (`ALIH`), the ticket row already carries the new unit.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from bot.answers.routing import UnitProfile
from bot.messages import Direction, TicketStatus
from store.models import Answer, Message, Ticket, Unit

MAX_PER_UNIT = 2000  # newest first: enough to learn, bounded so rebuilding stays quick


def routing_pairs(session: Session, limit_per_unit: int = MAX_PER_UNIT) -> list[tuple[str, str]]:
    """(first citizen message, unit code) for answered/closed tickets, newest first per unit."""
    done = (TicketStatus.ANSWERED, TicketStatus.CLOSED)
    tickets = session.exec(
        select(Ticket.id, Unit.code)
        .join(Unit, col(Unit.id) == col(Ticket.unit_id))
        .where(col(Ticket.status).in_(done))
        .order_by(col(Ticket.received_at).desc())
    ).all()
    per_unit: dict[str, int] = {}
    wanted: dict[int, str] = {}
    for ticket_id, code in tickets:
        if per_unit.get(code, 0) < limit_per_unit and ticket_id is not None:
            per_unit[code] = per_unit.get(code, 0) + 1
            wanted[ticket_id] = code
    return [(body, wanted[tid]) for tid, body in _first_messages(session, list(wanted))]


def _first_messages(session: Session, ticket_ids: list[int]) -> list[tuple[int, str]]:
    first: dict[int, str] = {}
    for start in range(0, len(ticket_ids), 500):  # keep IN (...) lists short for every backend
        rows = session.exec(
            select(Message.ticket_id, Message.body)
            .where(col(Message.ticket_id).in_(ticket_ids[start : start + 500]))
            .where(Message.direction == Direction.IN, col(Message.is_note).is_(False))
            .order_by(col(Message.created_at), col(Message.id))
        ).all()
        for ticket_id, body in rows:
            if ticket_id is not None and ticket_id not in first and body.strip():
                first[ticket_id] = body
    return list(first.items())


def unit_profiles(session: Session, *, history: bool = True) -> list[UnitProfile]:
    """Profiles of active units: description, aliases, answer-library texts, routed complaints."""
    units = session.exec(select(Unit).where(Unit.active).order_by(col(Unit.code))).all()
    learned: dict[str, list[str]] = {u.code: [] for u in units}
    for answer in session.exec(select(Answer).where(Answer.active)).all():
        texts = [answer.title, " ".join(answer.keywords), *answer.examples]
        for unit in units:
            if answer.unit_id == unit.id:
                learned[unit.code].append(" ".join(t for t in texts if t))
    if history:
        for text, code in routing_pairs(session):
            if code in learned:
                learned[code].append(text)
    return [
        UnitProfile(u.code, u.name, u.description, tuple(u.aliases), tuple(learned[u.code]))
        for u in units
    ]
