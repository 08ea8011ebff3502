"""Learning routing from the desk's own history: tickets officers routed or transferred.

The service (or a scheduled job) calls `routing_pairs` to get (first message, final unit) for every
answered or closed ticket, and `unit_profiles` to get profiles ready for `suggest_units`, with the
history folded into each unit's examples. A ticket's final unit is the truth: when an officer
transferred it (`ALIH`), the ticket row already carries the new unit. Tickets whose texts retention
removed (UU PDP) are left out: their text is gone and must not be learned again.

Reading the history costs ~50 ms (SQLite) to ~200 ms (PostgreSQL) with 10,000 closed tickets, and
every uncoded message asks for it. So each process keeps the last history read per engine with a
signature of the learnable tickets (how many, the sums of their ids and unit ids, the newest
update): one aggregate query tells whether anything was closed, reopened, transferred or
anonymised since, and only then are the messages read again.
"""

from __future__ import annotations

import threading
import weakref

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from bot.answers.routing import UnitProfile
from bot.messages import Direction, TicketStatus
from store.models import Answer, Message, Ticket, Unit

MAX_PER_UNIT = 2000  # newest first: enough to learn, bounded so rebuilding stays quick
DONE = (TicketStatus.ANSWERED, TicketStatus.CLOSED)

_KEPT_LOCK = threading.Lock()
# engine -> (signature, [(first message, unit id)]); an engine that is gone takes its entry along
_KEPT: weakref.WeakKeyDictionary[sa.Engine, tuple[tuple[object, ...], list[tuple[str, int]]]] = (
    weakref.WeakKeyDictionary()
)


def _learnable() -> tuple[sa.ColumnElement[bool], ...]:
    return col(Ticket.status).in_(DONE), col(Ticket.anonymised_at).is_(None)


def _signature(session: Session) -> tuple[object, ...]:
    """Changes when a ticket enters or leaves the history or moves to another unit."""
    row = session.exec(
        select(
            func.count(),
            func.sum(col(Ticket.id)),
            func.sum(col(Ticket.unit_id)),
            func.max(col(Ticket.updated_at)),
        ).where(*_learnable())
    ).one()
    return tuple(row)


def _engine(session: Session) -> sa.Engine:
    bind = session.get_bind()
    return bind.engine if isinstance(bind, sa.Connection) else bind  # type: ignore[return-value]


def routing_pairs(session: Session, limit_per_unit: int = MAX_PER_UNIT) -> list[tuple[str, str]]:
    """(first citizen message, unit code) for answered/closed tickets, newest first per unit."""
    engine = _engine(session)
    signature = (limit_per_unit, *_signature(session))
    with _KEPT_LOCK:
        kept = _KEPT.get(engine)
    if kept is None or kept[0] != signature:
        # read after the signature: what is kept is never older than its signature says
        kept = (signature, _read_pairs(session, limit_per_unit))
        with _KEPT_LOCK:
            _KEPT[engine] = kept
    codes = dict(session.exec(select(Unit.id, Unit.code)).all())  # codes can be renamed
    return [(body, codes[unit_id]) for body, unit_id in kept[1] if unit_id in codes]


def _read_pairs(session: Session, limit_per_unit: int) -> list[tuple[str, int]]:
    tickets = session.exec(
        select(Ticket.id, Ticket.unit_id)
        .where(*_learnable())
        .order_by(col(Ticket.received_at).desc(), col(Ticket.id).desc())
    ).all()
    per_unit: dict[int, int] = {}
    wanted: dict[int, int] = {}
    for ticket_id, unit_id in tickets:
        if per_unit.get(unit_id, 0) < limit_per_unit and ticket_id is not None:
            per_unit[unit_id] = per_unit.get(unit_id, 0) + 1
            wanted[ticket_id] = unit_id
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
    return [(tid, first[tid]) for tid in ticket_ids if tid in first]  # newest ticket first


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
