"""Ethics screening of complaint text against the editable lexicon (DESIGN §7)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import Session, select

from bot import committee
from bot.messages import DraftStatus
from bot.parsers.ethics import screen
from store import lexicon, repo
from store.models import Draft, Ticket

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
    flag(session, ticket, now=now, desk=desk, actor=actor, after={"terms": found})
    return True


def flag(
    session: Session,
    ticket: Ticket,
    *,
    now: datetime,
    desk: Desk,
    actor: str,
    after: dict[str, object],
    reason: str = "",
) -> None:
    """Make the ticket an ethics case, whether the lexicon or an officer found it (DESIGN §7).

    From now on the unit's officers do not see it, its pending library drafts are withdrawn (the
    committee answers, never the library) and the committee's phones get the alert."""
    ticket.ethics, ticket.updated_at = True, now
    repo.audit_ticket(
        session,
        ticket,
        "ticket.ethics",
        actor=actor,
        now=now,
        before={"ethics": False},
        after={"ethics": True, **after},
        reason=reason,
    )
    _withdraw_drafts(session, ticket, now=now, actor=actor)
    committee.escalate(session, ticket, reason="ethics", now=now, actor=actor, desk=desk)


def _withdraw_drafts(session: Session, ticket: Ticket, *, now: datetime, actor: str) -> None:
    stmt = select(Draft).where(Draft.ticket_id == ticket.id, Draft.status == DraftStatus.PENDING)
    for draft in session.exec(stmt.with_for_update()):
        draft.status, draft.decided_by, draft.decided_at = DraftStatus.REJECTED, actor, now
        repo.audit(
            session,
            actor=actor,
            action="draft.withdraw",
            entity="draft",
            entity_id=draft.id,
            ticket_id=ticket.id,
            now=now,
            before={"status": DraftStatus.PENDING.value},
            after={"status": DraftStatus.REJECTED.value},
            reason="ethics",
        )
