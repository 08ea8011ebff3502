"""Retention (UU PDP): closed tickets older than the policy lose their personal data.

Kept for the statistics: ticket numbers, units, statuses, priorities and every timestamp. Removed:
message and draft texts, the officer's analysis (SOP step 3: it retells the complaint), media (and the files kept in the attachment table), addresses, and the contact's phone, name and channel addresses once
none of the contact's tickets still needs them. Messages on no ticket lose text and address once they
are older than the policy, whoever they went to: the committee's alerts and INFO replies quote the
citizen's complaint on a staff phone, a JAWAB repeats the answer, a STATUS reply names the ticket.
A plain job function: the caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from bot import analysis
from bot.config import RetentionConfig
from bot.messages import TicketStatus
from store import repo
from store.models import (
    AuditLog,
    Contact,
    ContactAddress,
    Conversation,
    Draft,
    Escalation,
    Message,
    Outbox,
    Ticket,
    TicketAnalysis,
)

REMOVED = "[dihapus sesuai kebijakan retensi data]"
LOOSE_PER_TICKET = 10  # messages on no ticket scrubbed per run: this many times the ticket limit
ANON_ADDRESS = "anon"
COPIED_TEXTS = {"body", *analysis.FIELDS}  # audit line keys that hold a copy of a scrubbed text


@dataclass
class Report:
    """What a run did (or, in a dry run, would do)."""

    cutoff: datetime | None
    dry_run: bool
    tickets: list[str] = field(default_factory=list)
    messages: int = 0
    contacts: int = 0

    def lines(self) -> list[str]:
        if self.cutoff is None:
            return ["Retention is off ([retention] anonymise_after_months = 0)."]
        verb = "would anonymise" if self.dry_run else "anonymised"
        return [
            f"Closed tickets closed before {self.cutoff:%Y-%m-%d %H:%M} UTC: {verb} "
            f"{len(self.tickets)} tickets, {self.messages} messages, {self.contacts} contacts.",
            *(f"  ticket {n}" for n in self.tickets),
        ]


def months_before(now: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (clamped to the month's last day)."""
    index = now.year * 12 + now.month - 1 - months
    year, month = divmod(index, 12)
    for day in range(now.day, 27, -1):  # 31 -> 30 -> 29 -> 28 until the date exists
        try:
            return now.replace(year=year, month=month + 1, day=day)
        except ValueError:
            continue
    return now.replace(year=year, month=month + 1, day=min(now.day, 28))


def due_tickets(session: Session, cutoff: datetime, limit: int) -> list[Ticket]:
    closed_when = sa.func.coalesce(col(Ticket.closed_at), col(Ticket.updated_at))
    stmt = (
        select(Ticket)
        .where(
            Ticket.status == TicketStatus.CLOSED,
            col(Ticket.anonymised_at).is_(None),
            closed_when <= cutoff,
        )
        .order_by(col(Ticket.id))
        .limit(limit)
    )
    return list(session.exec(stmt))


def _scrub_messages(session: Session, messages: list[Message]) -> int:
    for message in messages:
        message.body = REMOVED if message.body else ""
        message.media = []  # the provider references and the files' metadata
        message.media_due_at = None  # nothing left to fetch
        message.address = ANON_ADDRESS
    ids = [m.id for m in messages]
    repo.drop_files(session, ids)  # type: ignore[arg-type]  # the files kept in their own rows
    for start in range(0, len(ids), 500):  # keep IN (...) lists short for every backend
        session.exec(
            sa.update(Outbox)
            .where(col(Outbox.message_id).in_(ids[start : start + 500]))
            .values(body=REMOVED, address=ANON_ADDRESS)
        )
    return len(messages)


def _loose(cutoff: datetime) -> Any:
    """Messages on no ticket, older than the cutoff and not scrubbed yet."""
    return (
        col(Message.ticket_id).is_(None),
        col(Message.created_at) <= cutoff,
        col(Message.address) != ANON_ADDRESS,
    )


def _scrub_loose(session: Session, cutoff: datetime, limit: int) -> int:
    """Old messages on no ticket, to citizens and to staff phones alike (a batch at a time)."""
    stmt = select(Message).where(*_loose(cutoff)).order_by(col(Message.id)).limit(limit)
    return _scrub_messages(session, list(session.exec(stmt)))


def _scrub_ticket(session: Session, ticket: Ticket, now: datetime) -> int:
    messages = list(session.exec(select(Message).where(Message.ticket_id == ticket.id)))
    count = _scrub_messages(session, messages)
    for draft in session.exec(select(Draft).where(Draft.ticket_id == ticket.id)):
        draft.body = REMOVED
    for found in session.exec(select(TicketAnalysis).where(TicketAnalysis.ticket_id == ticket.id)):
        for key in analysis.FIELDS:  # who analysed it and when stay (the recap's step 3)
            setattr(found, key, REMOVED if getattr(found, key) else "")
    for escalation in session.exec(select(Escalation).where(Escalation.ticket_id == ticket.id)):
        if escalation.note:  # the officer's words to the committee retell the case too
            escalation.note = REMOVED
    for entry in session.exec(select(AuditLog).where(AuditLog.ticket_id == ticket.id)):
        # audit rows keep who did what and when; texts they copied go, and so do the officers'
        # free-text reasons (a close's is the resolution record, SOP step 4, and retells the case).
        # A reason given stays marked as given, so the recap's "documented" figure does not change.
        entry.before = {k: v for k, v in entry.before.items() if k not in COPIED_TEXTS}
        entry.after = {k: v for k, v in entry.after.items() if k not in COPIED_TEXTS}
        if entry.reason:
            entry.reason = REMOVED
    ticket.address = ANON_ADDRESS
    ticket.anonymised_at = now
    return count


def _still_needed(session: Session, contact_id: int, leaving: list[int]) -> bool:
    """True while the contact has a ticket (besides those `leaving`) that keeps its personal data."""
    stmt = select(Ticket.id).where(
        Ticket.contact_id == contact_id,
        col(Ticket.anonymised_at).is_(None),
        col(Ticket.id).not_in(leaving or [-1]),
    )
    return session.exec(stmt.limit(1)).first() is not None


def _scrub_contact(session: Session, contact: Contact) -> None:
    """Phone, name, channel addresses and conversations of the contact go (its old messages on no
    ticket go with everyone's, `_scrub_loose`)."""
    links = list(
        session.exec(select(ContactAddress).where(ContactAddress.contact_id == contact.id))
    )
    for link in links:
        conv = session.exec(
            select(Conversation).where(
                Conversation.channel == link.channel, Conversation.address == link.address
            )
        ).first()
        if conv is not None:
            session.delete(conv)
        session.delete(link)
    contact.phone, contact.name = None, ""


def anonymise_closed(
    session: Session,
    *,
    now: datetime,
    policy: RetentionConfig,
    dry_run: bool = False,
    limit: int = 1000,
) -> Report:
    """Anonymise up to `limit` closed tickets older than the policy. The caller commits."""
    if policy.anonymise_after_months <= 0:
        return Report(cutoff=None, dry_run=dry_run)
    cutoff = months_before(now, policy.anonymise_after_months)
    report = Report(cutoff=cutoff, dry_run=dry_run)
    tickets = due_tickets(session, cutoff, limit)
    report.tickets = [t.number for t in tickets]
    if dry_run:
        ids = [t.id for t in tickets]
        stmt = select(sa.func.count()).where(col(Message.ticket_id).in_(ids))
        report.messages = int(session.exec(stmt).one()) if ids else 0
        loose = select(sa.func.count()).select_from(Message).where(*_loose(cutoff))
        report.messages += min(int(session.exec(loose).one()), limit * LOOSE_PER_TICKET)
        report.contacts = sum(
            not _still_needed(session, c, ids)  # type: ignore[arg-type]
            for c in {t.contact_id for t in tickets}
        )
        return report
    for ticket in tickets:
        report.messages += _scrub_ticket(session, ticket, now)
    session.flush()
    for contact_id in sorted({t.contact_id for t in tickets}):
        contact = session.get(Contact, contact_id)
        if contact is not None and not _still_needed(session, contact_id, []):
            _scrub_contact(session, contact)
            report.contacts += 1
    report.messages += _scrub_loose(session, cutoff, limit * LOOSE_PER_TICKET)
    session.flush()
    return report
