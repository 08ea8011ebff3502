"""SOP steps 3 and 4 (DESIGN §1) on a ticket: the analysis, and what counts as its documentation.

Step 3: an officer (or the committee, on the tickets it handles) analyses the problem and the
regulations that apply and recommends a solution. It is one `TicketAnalysis` row per ticket: the
first save's time and author stay, since the recap measures the step by them; an edit changes the
texts and who last changed them, and every save that changes something is one `ticket.analysis`
audit line with the changed fields before and after (the history of the texts).

Step 4: the officer documents the complaint and its resolution. That record is the reason a staff
account gives when it closes the ticket (`tickets.close`): the close form asks for it, so there is
no second form. A close with no reason, or by the scheduler (`auto_close`), documents nothing.
No Flask; the caller owns the transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from store import repo
from store.models import Ticket, TicketAnalysis

FIELDS = ("problem", "regulation", "solution")
REQUIRED = ("problem", "solution")  # not every complaint has a rule to cite (a broken lamp)
ACTION = "ticket.analysis"
DOCUMENTED_BY = "ticket.close"  # a staff account's close line with a reason: step 4


def of(session: Session, ticket_id: int) -> TicketAnalysis | None:
    """The ticket's analysis, if one was saved."""
    stmt = select(TicketAnalysis).where(TicketAnalysis.ticket_id == ticket_id)
    return session.exec(stmt).first()


def save(
    session: Session, ticket: Ticket, texts: dict[str, str], *, now: datetime, actor: str
) -> bool:
    """Record the analysis (`texts` keyed by `FIELDS`); False when nothing changed.

    The first save sets `analysed_at`/`analysed_by` for good; later ones only what changed and
    `updated_at`/`updated_by`. Each save that changes something writes one audit line."""
    repo.lock_contact(session, ticket.contact_id)  # two officers saving at once: one row
    found = of(session, ticket.id)  # type: ignore[arg-type]
    given = {key: texts.get(key, "") for key in FIELDS}
    if found is None:
        found = TicketAnalysis(
            ticket_id=ticket.id,
            analysed_at=now,
            analysed_by=actor,
            updated_at=now,
            updated_by=actor,
        )
        session.add(found)
        before: dict[str, object] = {}
        changed = {key: text for key, text in given.items() if text}
    else:
        changed = {key: text for key, text in given.items() if getattr(found, key) != text}
        before = {key: getattr(found, key) for key in changed}
        if not changed:
            return False
        found.updated_at, found.updated_by = now, actor
    for key, text in changed.items():
        setattr(found, key, text)
    ticket.updated_at = now
    repo.audit_ticket(session, ticket, ACTION, actor=actor, now=now, before=before, after=changed)
    return True
