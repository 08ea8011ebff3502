"""What the desk does when an answer to a citizen fails for good: the ticket awaits an answer again.

An answer marks its ticket `answered` when it is queued (`service.mark_answered`), in the same
transaction as its outbox row, so an answer is never sent twice and a draft is never approved twice.
DESIGN §8 counts the SLA to the first answer *sent*: when the outbox gives that answer up (a
permanent provider error, its attempts used up, a failed receipt), the ticket goes back to `open`
here, its clock running again from receipt (or from its reopen), and the officer sees why.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from bot import sla
from bot.flows import State
from bot.messages import TicketStatus
from store import repo
from store.models import AuditLog, Message, Outbox, Ticket

ANSWERED = "ticket.answer"
FAILED = "ticket.answer_failed"
RESENT = "message.resend"
ACTOR = "system"


def latest_answer(session: Session, ticket_id: int) -> AuditLog | None:
    """The ticket's newest `ticket.answer` or `ticket.answer_failed` line (which says which message)."""
    stmt = select(AuditLog).where(
        AuditLog.ticket_id == ticket_id, col(AuditLog.action).in_([ANSWERED, FAILED])
    )
    return session.exec(stmt.order_by(col(AuditLog.id).desc()).limit(1)).first()


def resent(session: Session, ticket_id: int) -> set[int]:
    """The ids of the ticket's messages an officer has already sent again (`tickets.resend`)."""
    stmt = select(AuditLog.before).where(AuditLog.ticket_id == ticket_id, AuditLog.action == RESENT)
    return {before.get("message_id") for before in session.exec(stmt)}


def answer_failed(session: Session, row: Outbox, *, now: datetime) -> bool:
    """The outbox row failed for good: when it carried its ticket's latest answer, record that the
    answer did not reach the citizen and, if that answer was what closed the round, open the ticket
    again (SLA clock, reminders and breach escalation resume). True when it was such an answer."""
    message = session.get(Message, row.message_id)
    ticket = session.get(Ticket, message.ticket_id) if message and message.ticket_id else None
    if ticket is None:
        return False
    # an officer's new answer may be committing now: wait for it, then judge from what is stored
    repo.lock_contact(session, ticket.contact_id)
    session.refresh(ticket)
    line = latest_answer(session, ticket.id)  # type: ignore[arg-type]
    if line is None or line.action != ANSWERED or line.after.get("message_id") != message.id:  # type: ignore[union-attr]
        return False
    before = ticket.status.value
    if ticket.status is TicketStatus.ANSWERED and line.before.get("status") == "open":
        _unanswer(session, ticket, line, now)
    repo.audit_ticket(
        session,
        ticket,
        FAILED,
        actor=ACTOR,
        now=now,
        before={"status": before},
        after={"status": ticket.status.value, "message_id": message.id},  # type: ignore[union-attr]
        reason=row.error[:300],
    )
    return True


def _unanswer(session: Session, ticket: Ticket, line: AuditLog, now: datetime) -> None:
    """Undo what the answer did to the ticket: open again, and unanswered if it was the first.

    The deadline stays as it was (the clock ran from receipt all along). The round's breach mark is
    dropped, so a ticket that breached before its answer is escalated again: the committee was told
    the breach ended with that answer."""
    ticket.status, ticket.resolved_at, ticket.updated_at = TicketStatus.OPEN, None, now
    if line.after.get("first"):
        ticket.first_answer_at = None
    repo.forget(session, sla.breach_key(ticket))
    # the answer asked "did it solve the problem?": a citizen who never got it would have their
    # next words ("belum ada kabar?") taken as TIDAK, and the committee told they are unhappy
    conv = repo.get_conversation(session, channel=ticket.channel, address=ticket.address, now=now)
    if conv.state == State.AWAITING_FEEDBACK.value and conv.data.get("ticket") == ticket.number:
        conv.state, conv.data, conv.expires_at, conv.updated_at = State.IDLE.value, {}, None, now
