"""What the desk does when an answer to a citizen fails for good: the ticket awaits an answer again.

An answer marks its ticket `answered` when it is queued (`service.mark_answered`), in the same
transaction as its outbox row, so an answer is never sent twice and a draft is never approved twice.
DESIGN §8 counts the SLA to the first answer *sent*: when the outbox gives up every answer of the
round (a permanent provider error, its attempts used up, a failed receipt), the ticket goes back to
`open` here, its clock running again from receipt (or from its reopen), and the officer sees why.

The round is the ticket's answers since it last awaited one: the answer that answered it and the
follow-ups queued after (`_round`). One of them failing does not reopen the ticket while another may
still reach, or reached, the citizen; the last one to fail does. A STOP-held answer (recorded, never
sent: the citizen opted out) counts as given. A receipt that says a failed answer was delivered after
all (`answer_arrived`) puts a ticket its failure reopened back to answered, unless someone acted on
it or the citizen wrote since.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from bot import committee, sla
from bot.flows import State
from bot.messages import Direction, OutboxStatus, TicketStatus
from bot.service import OPTED_OUT
from store import repo
from store.models import AuditLog, Message, Outbox, Ticket

ANSWERED = "ticket.answer"
FAILED = "ticket.answer_failed"
DELIVERED = "ticket.answer_delivered"  # a failed answer's late receipt put the ticket back
ANSWER_LINES = (ANSWERED, FAILED, DELIVERED)  # what became of the ticket's latest answer
RESENT = "message.resend"
REOPENED = "ticket.reopen"  # the citizen's TIDAK or an officer's reopen
ACTOR = "system"
MACHINES = {ACTOR, "scheduler"}  # reminders and breach escalations are not someone acting


def latest_answer(session: Session, ticket_id: int) -> AuditLog | None:
    """The ticket's newest answer line (`ANSWER_LINES`: it says which message)."""
    stmt = select(AuditLog).where(
        AuditLog.ticket_id == ticket_id, col(AuditLog.action).in_(ANSWER_LINES)
    )
    return session.exec(stmt.order_by(col(AuditLog.id).desc()).limit(1)).first()


def _round(session: Session, ticket_id: int) -> list[AuditLog]:
    """The `ticket.answer` lines of the ticket's current round, oldest first: the newest that
    answered it while it was not answered (open, or closed), and the follow-ups after it."""
    stmt = select(AuditLog).where(AuditLog.ticket_id == ticket_id, AuditLog.action == ANSWERED)
    lines = []
    for line in session.exec(stmt.order_by(col(AuditLog.id).desc())):
        lines.append(line)
        if line.before.get("status") != TicketStatus.ANSWERED.value:
            break
    return lines[::-1]


def _ids(lines: list[AuditLog]) -> list[int]:
    """The answered message ids of `ticket.answer` lines, in their order."""
    return [line.after.get("message_id") for line in lines]


def round_answers(session: Session, ticket_id: int) -> list[int]:
    """The message ids of the answers of the ticket's current round (see _round), oldest first."""
    return _ids(_round(session, ticket_id))


def _given(session: Session, message_id: int | None) -> bool:
    """Whether an answer reached the citizen, may still (queued, sending), or was held because
    they sent STOP: anything but failed for good."""
    row = repo.outbox_of(session, message_id) if message_id else None
    return row is None or row.status is not OutboxStatus.FAILED or row.error == OPTED_OUT


def resent(session: Session, ticket_id: int) -> set[int]:
    """The ids of the ticket's messages an officer has already sent again (`tickets.resend`)."""
    stmt = select(AuditLog.before).where(AuditLog.ticket_id == ticket_id, AuditLog.action == RESENT)
    return {before.get("message_id") for before in session.exec(stmt)}


def answer_failed(session: Session, row: Outbox, *, now: datetime) -> bool:
    """The outbox row failed for good. When it carried the ticket's latest answer, or the last
    answer of the round that could still reach the citizen, record that it did not arrive and, if
    no answer of the round reached the citizen and the round began on an open ticket, open the
    ticket again (SLA clock, reminders and breach escalation resume). An older answer failing while
    a newer one of the round was given records nothing more than its failed outbox row (shown on
    its message, with Kirim ulang): the citizen got an answer. True when a line was recorded."""
    message = session.get(Message, row.message_id)
    ticket = session.get(Ticket, message.ticket_id) if message and message.ticket_id else None
    if ticket is None:
        return False
    # an officer's new answer may be committing now: wait for it, then judge from what is stored
    repo.lock_contact(session, ticket.contact_id)
    session.refresh(ticket)
    answers = _round(session, ticket.id)  # type: ignore[arg-type]
    ids = _ids(answers)
    if message.id not in ids:  # type: ignore[union-attr]
        return False  # not an answer, or one of a round answered again since
    latest = latest_answer(session, ticket.id)  # type: ignore[arg-type]
    is_latest = latest is not None and latest.action == ANSWERED and ids[-1] == message.id  # type: ignore[union-attr]
    others_given = any(_given(session, i) for i in ids if i != message.id)  # type: ignore[union-attr]
    reopen = (
        ticket.status is TicketStatus.ANSWERED
        and answers[0].before.get("status") == TicketStatus.OPEN.value
        and not others_given
    )
    if not (is_latest or reopen):
        return False
    before, after = ticket.status.value, {"message_id": message.id}  # type: ignore[union-attr]
    if reopen and (until := _unanswer(session, ticket, answers[0], now)):
        after["feedback_until"] = until
    repo.audit_ticket(
        session,
        ticket,
        FAILED,
        actor=ACTOR,
        now=now,
        before={"status": before},
        after={"status": ticket.status.value, **after},
        reason=row.error[:300],
    )
    return True


def answer_arrived(session: Session, row: Outbox, *, now: datetime) -> bool:
    """A failed answer reached the citizen after all (a provider reporting out of order, a carrier
    that retried). When its failure is what opened the ticket again and nothing happened on the
    ticket since (no message from the citizen, no one acting on it: reminders and breach alerts
    do not count), the ticket is answered again as it was, with a `ticket.answer_delivered` line;
    otherwise it stays open for the officer. True when it was put back."""
    message = session.get(Message, row.message_id)
    ticket = session.get(Ticket, message.ticket_id) if message and message.ticket_id else None
    if ticket is None:
        return False
    repo.lock_contact(session, ticket.contact_id)  # as answer_failed: judge what is committed
    session.refresh(ticket)
    failed = _reopened_by_failure(session, ticket) if ticket.status is TicketStatus.OPEN else None
    answers = _round(session, ticket.id) if failed is not None else []  # type: ignore[arg-type]
    if (
        failed is None
        or message.id not in _ids(answers)  # type: ignore[union-attr]
        or _citizen_wrote(session, ticket, since=failed.at)
    ):
        # the ticket stays as it is, but the answer is no longer listed failed
        _arrived_anyway(session, ticket, message, now)  # type: ignore[arg-type]
        return False
    ticket.status, ticket.updated_at = TicketStatus.ANSWERED, now
    ticket.resolved_at = answers[-1].at  # as the round's last answer left it
    if answers[0].after.get("first"):
        ticket.first_answer_at = answers[0].at
    committee.resolve_breach(session, ticket, now=now, actor=ACTOR, why="answered")
    _ask_again(session, ticket, failed, now)
    _say_delivered(session, ticket, message, TicketStatus.OPEN, now)  # type: ignore[arg-type]
    return True


def _arrived_anyway(session: Session, ticket: Ticket, message: Message, now: datetime) -> None:
    """A failed answer was delivered after all but the ticket stays as it is (its failure did not
    reopen it, or someone acted since): when its failure is still the ticket's latest answer line,
    say it arrived, so the dashboard, the inbox badge and the banner stop calling it failed."""
    latest = latest_answer(session, ticket.id)  # type: ignore[arg-type]
    if latest is None or latest.action != FAILED or latest.after.get("message_id") != message.id:
        return
    _say_delivered(session, ticket, message, ticket.status, now)


def _say_delivered(
    session: Session, ticket: Ticket, message: Message, before: TicketStatus, now: datetime
) -> None:
    """The `ticket.answer_delivered` line: the failed answer `message` arrived after all."""
    repo.audit_ticket(
        session,
        ticket,
        DELIVERED,
        actor=ACTOR,
        now=now,
        before={"status": before.value},
        after={"status": ticket.status.value, "message_id": message.id},
    )


def open_by_failure(session: Session, ticket: Ticket) -> bool:
    """Whether the ticket awaits an answer because its round's answers failed, rather than because
    the citizen's TIDAK or an officer reopened it since: the newer of the two kinds of line wins."""
    stmt = select(AuditLog).where(
        AuditLog.ticket_id == ticket.id, col(AuditLog.action).in_((FAILED, REOPENED))
    )
    for line in session.exec(stmt.order_by(col(AuditLog.id).desc())):
        if line.action == REOPENED:
            return False
        if line.after.get("status") == TicketStatus.OPEN.value:
            return True
    return False


def _reopened_by_failure(session: Session, ticket: Ticket) -> AuditLog | None:
    """The `ticket.answer_failed` line that opened the ticket again, when no one (officer,
    committee, citizen's TIDAK) has acted on the ticket since; None otherwise."""
    stmt = select(AuditLog).where(
        AuditLog.ticket_id == ticket.id,
        col(AuditLog.actor).not_in(MACHINES) | (AuditLog.action == FAILED),
    )
    line = session.exec(stmt.order_by(col(AuditLog.id).desc()).limit(1)).first()
    if line is None or line.action != FAILED:
        return None
    reopened = line.after.get("status") == TicketStatus.OPEN.value
    return line if reopened and line.before.get("status") == TicketStatus.ANSWERED.value else None


def _citizen_wrote(session: Session, ticket: Ticket, *, since: datetime) -> bool:
    stmt = select(Message.id).where(
        Message.contact_id == ticket.contact_id,
        Message.direction == Direction.IN,
        col(Message.created_at) > since,
    )
    return session.exec(stmt.limit(1)).first() is not None


def _ask_again(session: Session, ticket: Ticket, failed: AuditLog, now: datetime) -> None:
    """The citizen did get the answer's "did it solve the problem?": wait for their YA/TIDAK again,
    until the question's own expiry, if the failure ended it and nothing else started since."""
    until = failed.after.get("feedback_until")
    if not until or datetime.fromisoformat(until) <= now:
        return
    conv = repo.get_conversation(session, channel=ticket.channel, address=ticket.address, now=now)
    if conv.state == State.IDLE.value and not conv.data:
        conv.state, conv.data = State.AWAITING_FEEDBACK.value, {"ticket": ticket.number}
        conv.expires_at, conv.updated_at = datetime.fromisoformat(until), now


def _unanswer(session: Session, ticket: Ticket, line: AuditLog, now: datetime) -> str | None:
    """Undo what the round's first answer (`line`) did to the ticket: open again, and unanswered if
    it was the first. Returns when the feedback question it ended would have expired (ISO), if any.

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
        until = conv.expires_at.isoformat() if conv.expires_at else None
        conv.state, conv.data, conv.expires_at, conv.updated_at = State.IDLE.value, {}, None, now
        return until
    return None
