"""The dashboard's counts: activity per day and open/overdue tickets, for the tickets a viewer sees."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from admin.queries import Viewer, overdue, visible
from bot.messages import TicketStatus
from store.models import Ticket, Unit


def daily_activity(
    session: Session, viewer: Viewer, *, since: datetime
) -> tuple[list[datetime], list[datetime]]:
    """When visible tickets were received, and first answered, since a moment."""
    base = select(Ticket.received_at, Ticket.first_answer_at).join(
        Unit, col(Unit.id) == col(Ticket.unit_id)
    )
    got = visible(base.where(col(Ticket.received_at) >= since), viewer)
    received = [r for r, _ in session.exec(got)]
    done = visible(base.where(col(Ticket.first_answer_at) >= since), viewer)
    return received, [a for _, a in session.exec(done)]


def desk_counts(session: Session, viewer: Viewer, *, now: datetime) -> dict[str, int]:
    """Open and overdue visible tickets."""
    base = (
        select(sa.func.count()).select_from(Ticket).join(Unit, col(Unit.id) == col(Ticket.unit_id))
    )
    opened = visible(base.where(col(Ticket.status) == TicketStatus.OPEN), viewer)
    late = visible(base.where(*overdue(now)), viewer)
    return {"open": int(session.exec(opened).one()), "overdue": int(session.exec(late).one())}
