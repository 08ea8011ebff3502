"""What staff do to a ticket: claim, transfer, close, reopen, priority, notes, replies. No Flask.

Each function changes the ticket in the caller's transaction, writes one audit line (who, when,
before/after, why) and, when the citizen must be told, queues the message in the same transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot import committee, conversations, screening, service, sla, undelivered
from bot.messages import Direction, OutboxStatus, Priority, TicketStatus
from bot.outbound import say
from bot.service import Desk
from store import repo
from store.models import Contact, Message, Ticket, Unit


def claim(session: Session, ticket: Ticket, *, staff_id: int, now: datetime, actor: str) -> None:
    """The officer takes the ticket on: it is assigned to them."""
    before = {"assigned_to": ticket.assigned_to}
    ticket.assigned_to, ticket.updated_at = staff_id, now
    repo.audit_ticket(
        session,
        ticket,
        "ticket.claim",
        actor=actor,
        now=now,
        before=before,
        after={"assigned_to": staff_id},
    )


def transfer(
    session: Session,
    ticket: Ticket,
    unit: Unit,
    *,
    reason: str,
    now: datetime,
    desk: Desk,
    actor: str,
) -> Message:
    """Move the ticket to another unit with a new deadline; the citizen is told both.

    The clock keeps running from receipt (DESIGN §8): the deadline moves by the difference between
    the new unit's target and the old one's (`sla.retarget`), so a late ticket stays late."""
    old = session.get(Unit, ticket.unit_id)
    before_due = ticket.due_at
    before = {"unit": old.code if old else None, "due_at": before_due.isoformat()}
    ticket.due_at = _retargeted(desk, ticket, old, unit, ticket.priority)
    _late_no_more(session, ticket, before_due, now)
    ticket.unit_id = unit.id  # type: ignore[assignment]
    ticket.transferred_count += 1
    ticket.assigned_to = None  # the new unit's officers claim it afresh
    ticket.updated_at = now
    repo.audit_ticket(
        session,
        ticket,
        "ticket.transfer",
        actor=actor,
        now=now,
        before=before,
        after={"unit": unit.code, "due_at": ticket.due_at.isoformat()},
        reason=reason,
    )
    return _tell(
        session,
        ticket,
        desk,
        "transferred",
        now=now,
        actor=actor,
        unit_code=unit.code,
        unit_name=unit.name,
        due=ticket.due_at,
    )


def flag_ethics(
    session: Session, ticket: Ticket, *, reason: str, now: datetime, desk: Desk, actor: str
) -> Message:
    """An officer judges the complaint an ethics case ("officer decision", DESIGN §7).

    It goes the way a screened complaint goes (`screening.flag`): hidden from the unit, drafts
    withdrawn, the committee alerted; the citizen is told it went to the committee."""
    screening.flag(
        session, ticket, now=now, desk=desk, actor=actor, after={"by": "officer"}, reason=reason
    )
    return _tell(session, ticket, desk, "ack_ethics", now=now, actor=actor)


def _retargeted(
    desk: Desk, ticket: Ticket, unit: Unit | None, new_unit: Unit | None, priority: Priority
) -> datetime:
    """The ticket's deadline once its unit's hours or its priority change (clock from receipt).

    Once the ticket has had its first answer, that answer's deadline is kept in `first_due_at` (as a
    reopen does): the recap and the ticket page judge the first answer against it, so a priority or
    unit changed afterwards cannot turn a late answer into an on-time one, or the reverse."""
    if ticket.first_answer_at is not None:
        ticket.first_due_at = ticket.first_due_at or ticket.due_at
    cfg = desk.config.sla
    old = sla.unit_target(cfg, unit, ticket.priority)
    return sla.retarget(
        desk.config, due=ticket.due_at, old=old, new=sla.unit_target(cfg, new_unit, priority)
    )


def _late_no_more(session: Session, ticket: Ticket, before_due: datetime, now: datetime) -> None:
    """An open ticket that was past its deadline and is not any more (a slower unit, a lower
    priority) may breach again: its breach mark goes, so the SLA clock escalates the new deadline's
    breach too. One that stays late keeps it (its breach was already counted)."""
    if ticket.status is TicketStatus.OPEN and before_due <= now < ticket.due_at:
        repo.forget(session, sla.breach_key(ticket))


def awaits_answer(ticket: Ticket) -> bool:
    """Whether the citizen is still waiting for an answer: never answered, or reopened and not
    answered since. Closing such a ticket needs a reason, and the citizen is told it."""
    return ticket.status is TicketStatus.OPEN


def close(
    session: Session,
    ticket: Ticket,
    *,
    now: datetime,
    desk: Desk,
    actor: str,
    reason: str = "",
    tell: bool = True,
) -> Message | None:
    """Resolve and close: nothing more is expected on this ticket (an SLA-breach escalation ends).

    A ticket closed while the citizen still awaits an answer is not closed silently: they get the
    officer's reason (`closed_unanswered`), unless `tell` is off (a duplicate or spam). The notice is
    returned; None when none was queued."""
    unanswered = awaits_answer(ticket)
    told = unanswered and tell
    before = {"status": ticket.status.value}
    ticket.status = TicketStatus.CLOSED
    ticket.resolved_at = ticket.resolved_at or now
    ticket.closed_at = ticket.updated_at = now
    after: dict[str, object] = {"status": "closed"}
    if unanswered:
        after["citizen_told"] = told
    repo.audit_ticket(
        session,
        ticket,
        "ticket.close",
        actor=actor,
        now=now,
        before=before,
        after=after,
        reason=reason,
    )
    committee.resolve_breach(session, ticket, now=now, actor=actor, why="closed")
    if not told:
        return None
    unit = session.get(Unit, ticket.unit_id)
    return _tell(
        session,
        ticket,
        desk,
        "closed_unanswered",
        now=now,
        actor=actor,
        unit_code=unit.code if unit else "",
        reason=reason.rstrip(". "),  # the template ends the sentence
    )


def reopen(
    session: Session,
    ticket: Ticket,
    *,
    now: datetime,
    desk: Desk,
    actor: str,
    reason: str = "",
) -> None:
    """Open a resolved or closed ticket again (the problem persists).

    A ticket that had been answered needs a new answer: its clock starts again from now
    (`conversations.restart_clock`)."""
    before = {"status": ticket.status.value, "due_at": ticket.due_at.isoformat()}
    ticket.status = TicketStatus.OPEN
    ticket.closed_at = None
    ticket.reopened_count += 1
    ticket.updated_at = now
    conversations.restart_clock(session, ticket, now=now, config=desk.config)
    repo.audit_ticket(
        session,
        ticket,
        "ticket.reopen",
        actor=actor,
        now=now,
        before=before,
        after={"status": "open", "due_at": ticket.due_at.isoformat()},
        reason=reason,
    )


def set_priority(
    session: Session,
    ticket: Ticket,
    priority: Priority,
    *,
    now: datetime,
    desk: Desk,
    actor: str,
    reason: str = "",
) -> None:
    """Change how urgent the ticket is; the deadline moves by the change of target (`sla.retarget`)."""
    before = {"priority": ticket.priority.value, "due_at": ticket.due_at.isoformat()}
    unit = session.get(Unit, ticket.unit_id)
    before_due, ticket.due_at = ticket.due_at, _retargeted(desk, ticket, unit, unit, priority)
    _late_no_more(session, ticket, before_due, now)
    ticket.priority, ticket.updated_at = priority, now
    repo.audit_ticket(
        session,
        ticket,
        "ticket.priority",
        actor=actor,
        now=now,
        before=before,
        after={"priority": priority.value, "due_at": ticket.due_at.isoformat()},
        reason=reason,
    )


def add_note(session: Session, ticket: Ticket, body: str, *, now: datetime, actor: str) -> Message:
    """An internal note on the thread: staff see it, the citizen never does."""
    # the citizen's lock, as every writer: a late "delivered" receipt judging whether anyone acted
    # on the ticket since its answer failed (`undelivered.answer_arrived`) waits for the note
    repo.lock_contact(session, ticket.contact_id)
    note = repo.add_message(
        session,
        ticket_id=ticket.id,
        contact_id=ticket.contact_id,
        direction=Direction.OUT,
        channel=ticket.channel,
        address=ticket.address,
        body=body,
        author=actor,
        is_note=True,
        created_at=now,
    )
    repo.audit_ticket(
        session,
        ticket,
        "ticket.note",
        actor=actor,
        now=now,
        before={},
        after={"message_id": note.id},
    )
    return note


def reply(
    session: Session, ticket: Ticket, body: str, *, now: datetime, desk: Desk, actor: str
) -> Message:
    """An answer in the officer's own words, sent on the ticket's channel."""
    return service.send_answer(session, ticket, body, now=now, desk=desk, actor=actor)


def _tell(
    session: Session,
    ticket: Ticket,
    desk: Desk,
    key: str,
    *,
    now: datetime,
    actor: str,
    **ctx: object,
) -> Message:
    """Queue a templated notice to the citizen on the ticket's channel (not if they opted out)."""
    return say(
        session,
        key=key,
        channel=ticket.channel,
        address=ticket.address,
        contact=session.get(Contact, ticket.contact_id),
        now=now,
        desk=desk,
        ticket_id=ticket.id,
        author=actor,
        ticket=ticket.number,
        **ctx,
    )


def resend(
    session: Session, ticket: Ticket, message: Message, *, now: datetime, actor: str
) -> Message:
    """Queue a message that failed for good again, word for word, to the same address ("Kirim
    ulang"). When the ticket's latest answer failed and this message is an answer of that round
    (their failure opened the ticket again, or left a follow-up unsent), the copy is that answer
    now: the ticket is answered again from this moment.

    Raises ValueError for a message that did not fail, was already sent again, or whose citizen
    asked to receive nothing more (STOP): a resend would fail the same way."""
    repo.lock_contact(session, ticket.contact_id)  # two officers clicking at once: one copy
    session.refresh(ticket)  # closed by another officer meanwhile: not answered over the close
    if ticket.status is TicketStatus.CLOSED:
        raise ValueError("ticket closed")
    if why := _not_resendable(session, ticket, message):
        raise ValueError(why)
    again = repo.queue_reply(
        session,
        body=message.body,
        channel=message.channel,
        address=message.address,
        now=now,
        ticket_id=ticket.id,
        contact_id=message.contact_id,
        author=actor,
    )
    failed = repo.outbox_of(session, message.id)  # type: ignore[arg-type]
    repo.audit_ticket(
        session,
        ticket,
        undelivered.RESENT,
        actor=actor,
        now=now,
        before={"message_id": message.id, "error": failed.error[:300] if failed else ""},
        after={"message_id": again.id},
    )
    # The copy of an answer of the round joins the round: it answers a ticket its failure reopened,
    # and on a ticket still answered (a newer answer was out when this one failed) it is one more
    # answer that may reach the citizen, so the newer one failing later does not reopen it.
    # ... but not on a ticket the citizen's TIDAK or an officer reopened since: that asks for a new
    # answer, and a copy of the old one is not it.
    if message.id in undelivered.round_answers(session, ticket.id) and (  # type: ignore[arg-type]
        ticket.status is TicketStatus.ANSWERED or undelivered.open_by_failure(session, ticket)
    ):
        service.mark_answered(session, ticket, now=now, actor=actor, message=again)
    return again


def _not_resendable(session: Session, ticket: Ticket, message: Message) -> str:
    """Why the message may not be sent again, or ''."""
    row = repo.outbox_of(session, message.id)  # type: ignore[arg-type]
    if message.ticket_id != ticket.id or message.is_note or row is None:
        return "not a message sent on this ticket"
    if row.status is not OutboxStatus.FAILED:
        return "not failed"
    if message.id in undelivered.resent(session, ticket.id):  # type: ignore[arg-type]
        return "already sent again"
    contact = session.get(Contact, message.contact_id) if message.contact_id else None
    if contact is not None and contact.opted_out:
        return "opted out"
    return ""
