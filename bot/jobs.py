"""Scheduled jobs: plain functions of (session, *, now, desk). DESIGN §8.

Every one-time effect (a reminder, an escalation, a closing message, a digest) first claims a JobMark
with a unique key in the caller's transaction: a second run, a second scheduler process or a catch-up
after downtime finds the mark and does nothing, and a failed transaction takes its mark with it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from bot import committee, notices, sla, tickets
from bot.messages import Direction, TicketStatus
from bot.outbound import say
from bot.service import Desk
from store import repo
from store.models import Contact, Message, Ticket, Unit

ACTOR = "scheduler"
claimed, once = repo.claimed, repo.once  # the one-time marks (store/repo.py), as the jobs name them


def sla_clock(session: Session, *, now: datetime, desk: Desk) -> int:
    """Remind the unit's officers at 60 % and 90 % of the target; escalate a breach. Returns effects.

    Every open ticket awaits an answer: a new one, or one reopened after its answer (which got a
    new deadline, `conversations.restart_clock`, and gets its own reminders and breach)."""
    stmt = (
        select(Ticket, Unit)
        .join(Unit, col(Unit.id) == Ticket.unit_id)
        .where(Ticket.status == TicketStatus.OPEN)
        .order_by(col(Ticket.due_at))
    )
    office = sla.office_hours(desk.config.sla, desk.config.app.timezone)
    rows = session.exec(stmt).all()
    return sum(_tick(session, ticket, unit, now, desk, office) for ticket, unit in rows)


def _tick(
    session: Session,
    ticket: Ticket,
    unit: Unit,
    now: datetime,
    desk: Desk,
    office: sla.OfficeHours | None,
) -> int:
    # A ticket reopened after an answer runs a new round: its marks carry the reopen count.
    round_ = sla.round_suffix(ticket)
    if now >= ticket.due_at:
        if not once(session, sla.breach_key(ticket), now):
            return 0
        committee.escalate(session, ticket, reason="sla_breach", now=now, actor=ACTOR)
        repo.audit_ticket(
            session,
            ticket,
            "sla.breach",
            actor=ACTOR,
            now=now,
            after={"due_at": ticket.due_at.isoformat()},
        )
        return 1
    if ticket.ethics:
        return 0  # the unit must not see it; the committee already has it
    cfg = desk.config
    span = sla.unit_target(cfg.sla, unit, ticket.priority)
    shares = sorted((cfg.sla.reminder_at, cfg.sla.final_reminder_at), reverse=True)
    for i, share in enumerate(shares):  # latest first: after downtime only the latest one is sent
        if now < sla.remind_at(ticket.due_at, span, share, office):
            continue
        keys = [f"sla:{ticket.id}:{ticket.unit_id}:{round(s * 100)}{round_}" for s in shares[i:]]
        claimed = [
            once(session, key, now) for key in keys
        ]  # earlier reminders are skipped for good
        return _remind(session, ticket, unit, round(share * 100), now, desk) if claimed[0] else 0
    return 0


def _remind(
    session: Session, ticket: Ticket, unit: Unit, percent: int, now: datetime, desk: Desk
) -> int:
    link = notices.admin_link(desk.config, f"/admin/tickets/{ticket.number}")
    sent_to = notices.tell_staff(
        session,
        notices.unit_officers(session, unit.code),
        "sla_reminder",
        now=now,
        desk=desk,
        ticket_id=ticket.id,
        ticket=ticket.number,
        unit_code=unit.code,
        percent=percent,
        due=ticket.due_at,
        link=link if desk.config.public_base_url else "",
    )
    after = {"percent": percent, "due_at": ticket.due_at.isoformat(), "sent_to": sent_to}
    repo.audit_ticket(session, ticket, "sla.reminder", actor=ACTOR, now=now, after=after)
    return 1


def auto_close(session: Session, *, now: datetime, desk: Desk) -> int:
    """Close answered tickets the citizen left without a reply for N days, with a closing message."""
    days = desk.config.jobs.auto_close_days
    if days <= 0:
        return 0
    replied = (
        select(Message.id)
        .where(Message.ticket_id == Ticket.id, Message.direction == Direction.IN)
        .where(col(Message.created_at) > Ticket.resolved_at)
    )
    stmt = (
        select(Ticket, Unit, Contact)
        .join(Unit, col(Unit.id) == Ticket.unit_id)
        .join(Contact, col(Contact.id) == Ticket.contact_id)
        .where(Ticket.status == TicketStatus.ANSWERED)
        .where(col(Ticket.resolved_at) <= now - timedelta(days=days), ~sa.exists(replied))
    )
    closed = 0
    for ticket, unit, contact in session.exec(stmt).all():
        # the citizen's TIDAK or comment may be committing now: wait for it, then look again
        resolved = ticket.resolved_at
        repo.lock_contact(session, ticket.contact_id)
        session.refresh(ticket)
        if ticket.status is not TicketStatus.ANSWERED or ticket.resolved_at != resolved:
            continue
        if once(session, f"close:{ticket.id}:{ticket.reopened_count}", now):
            _close(session, ticket, unit, contact, now, desk)
            closed += 1
    return closed


def _close(
    session: Session, ticket: Ticket, unit: Unit, contact: Contact, now: datetime, desk: Desk
) -> None:
    days = desk.config.jobs.auto_close_days
    say(
        session,
        key="auto_closed",
        channel=ticket.channel,
        address=ticket.address,
        contact=contact,
        now=now,
        desk=desk,
        ticket_id=ticket.id,
        author=ACTOR,
        ticket=ticket.number,
        unit_code=unit.code,
        days=days,
        reopen_days=desk.config.conversation.reopen_days,  # how long a TIDAK still reopens it
    )
    tickets.close(
        session,
        ticket,
        now=now,
        desk=desk,
        actor=ACTOR,
        reason=f"no reply from the citizen in {days} days",
    )
