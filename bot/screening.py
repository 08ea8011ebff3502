"""Ethics screening of complaint text against the editable lexicon (DESIGN §7)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import Session

from bot import committee
from bot.parsers.ethics import screen
from store import lexicon, repo
from store.models import Ticket

if TYPE_CHECKING:
    from bot.service import Desk


def names_breach(session: Session, text: str) -> bool:
    """Whether the text names a breach of ethics (a term of the active lexicon)."""
    return bool(screen(text, lexicon.active_ethics_words(session)))


def flag_if_ethics(
    session: Session, ticket: Ticket, text: str, *, now: datetime, desk: Desk, actor: str = "bot"
) -> bool:
    """Flag the ticket and put it before the committee if text names a breach; True if newly flagged.

    A flagged ticket is hidden from the unit's officers (admin.queries) and gets no library draft."""
    if ticket.ethics:
        return False
    found = screen(text, lexicon.active_ethics_words(session))
    if not found:
        return False
    ticket.ethics = True
    repo.audit_ticket(
        session,
        ticket,
        "ticket.ethics",
        actor=actor,
        now=now,
        before={"ethics": False},
        after={"ethics": True, "terms": found},
    )
    committee.escalate(session, ticket, reason="ethics", now=now, actor=actor, desk=desk)
    return True
