"""Query and command functions: (session, *, ...) -> rows. They add and flush, never commit."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.messages import Direction, OutboxStatus, TicketStatus
from store.models import (
    Answer,
    Attachment,
    AuditLog,
    Contact,
    ContactAddress,
    Conversation,
    JobMark,
    Message,
    Outbox,
    Ticket,
    Unit,
)

TICKET_DIGITS = 7
PENDING_KEY = "aduan.outbox_pending"  # session.info flag: this transaction queued a row to send


def active_units(session: Session) -> list[Unit]:
    """Every active unit, by code."""
    return list(session.exec(select(Unit).where(Unit.active).order_by(Unit.code)))


def unit_by_code(session: Session, code: str) -> Unit | None:
    return session.exec(select(Unit).where(Unit.code == code.upper())).first()


def find_message(session: Session, *, channel: str, provider_id: str) -> Message | None:
    """The message a provider already delivered with this id, if any (deduplication).

    Nearly every id is new: look up the key column first and build the ORM row only on a hit."""
    stmt = select(Message.id).where(Message.channel == channel, Message.provider_id == provider_id)
    found = session.exec(stmt).first()
    return session.get(Message, found) if found is not None else None


def replies_to(session: Session, message_id: int) -> list[Message]:
    """The outbound messages produced in answer to one inbound message, in order."""
    stmt = select(Message).where(Message.reply_to_id == message_id).order_by(col(Message.id))
    return list(session.exec(stmt))


def inline_replies_to(session: Session, message_id: int) -> list[str]:
    """The bodies of the replies to one inbound message that went out in the webhook's response
    (a provider's retry gets them again; the others are the outbox's to send, or were held)."""
    stmt = (
        select(Message.body)
        .join(Outbox, col(Outbox.message_id) == col(Message.id))
        .where(
            Message.reply_to_id == message_id,
            Outbox.attempts == 0,  # never handed to the dispatcher
            col(Outbox.status).not_in(
                [OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.FAILED]
            ),
        )
        .order_by(col(Message.id))
    )
    return list(session.exec(stmt))


def lock_contact(session: Session, contact_id: int) -> None:
    """Take the contact's row lock (PostgreSQL; SQLite's write transactions are serial anyway).

    Everything that changes a citizen's conversation, tickets or messages takes this lock first:
    the citizen's own messages (`resolve_contact`) and an officer's answer alike. One order for
    everyone, so an answer racing the citizen's next message waits instead of deadlocking.

    `FOR NO KEY UPDATE`: lockers still wait for each other, but a row that merely points at the
    contact (an alert queued to a committee member while the member's own JAWAB holds their lock,
    see `alert_contact`) is not held up by it, as it would be by `FOR UPDATE`.
    """
    stmt = select(Contact.id).where(Contact.id == contact_id).with_for_update(key_share=True)
    session.exec(stmt).one()


def resolve_contact(
    session: Session, *, channel: str, address: str, phone: str | None, now: datetime
) -> Contact:
    """Find or create the contact behind a channel address; a phone number joins channels.

    The contact row is locked for the rest of the transaction, so one citizen's messages are handled
    one at a time even across workers (no two tickets from two simultaneous first messages)."""
    link, contact = _link_and_phone(session, channel=channel, address=address, phone=phone)
    if contact is None and link is not None:
        contact = session.get(Contact, link.contact_id)
        if contact is not None and phone and contact.phone is None:
            contact.phone = phone
    if contact is None:
        contact = Contact(phone=phone, created_at=now)
        session.add(contact)
        session.flush()
    else:
        lock_contact(session, contact.id)  # type: ignore[arg-type]
    if link is None:
        session.add(
            ContactAddress(
                contact_id=contact.id, channel=channel, address=address, last_seen_at=now
            )
        )
    else:
        if link.contact_id != contact.id:  # e.g. a Telegram chat that just shared its phone
            merge_phoneless(session, source_id=link.contact_id, target=contact)
        link.contact_id = contact.id  # type: ignore[assignment]
        link.last_seen_at = now
    session.flush()
    return contact


def _link_and_phone(
    session: Session, *, channel: str, address: str, phone: str | None
) -> tuple[ContactAddress | None, Contact | None]:
    """The address's link, if any, and the contact with that phone, if any: read, not locked."""
    link = session.exec(
        select(ContactAddress).where(
            ContactAddress.channel == channel, ContactAddress.address == address
        )
    ).first()
    by_phone = (
        session.exec(select(Contact).where(Contact.phone == phone)).first() if phone else None
    )
    return link, by_phone


def _agreeing(
    session: Session, link: ContactAddress | None, by_phone: Contact | None
) -> Contact | None:
    """The linked contact, unless the phone belongs with another contact."""
    if link is None or (by_phone is not None and by_phone.id != link.contact_id):
        return None
    return session.get(Contact, link.contact_id)


def linked_contact(
    session: Session, *, channel: str, address: str, phone: str | None
) -> Contact | None:
    """The contact an address is already linked to (its phone, if given, agreeing), read without
    a lock; None when the address was never seen or now belongs with another phone's contact."""
    return _agreeing(
        session, *_link_and_phone(session, channel=channel, address=address, phone=phone)
    )


def alert_contact(
    session: Session, *, channel: str, address: str, phone: str | None
) -> Contact | None:
    """The contact behind a staff member's address, for an alert queued to them (its language and
    STOP): read without a lock and never created; None for an address and phone never seen.

    The alert is queued in the transaction of whatever raised it, e.g. a citizen's TIDAK holding
    the citizen's lock, while the member's JAWAB may hold the member's lock and wait for the
    citizen's. Waiting for the member's lock, or for the contact their very first JAWAB is
    creating, would close the circle (a deadlock), so nothing here waits or writes: an address not
    linked yet gets the alert without a contact, and `committee.link_staff` links it later."""
    link, by_phone = _link_and_phone(session, channel=channel, address=address, phone=phone)
    return _agreeing(session, link, by_phone) or by_phone


def open_tickets(session: Session, contact_id: int) -> list[Ticket]:
    """The contact's open tickets, most recently updated first."""
    stmt = (
        select(Ticket)
        .where(Ticket.contact_id == contact_id, Ticket.status == TicketStatus.OPEN)
        .order_by(col(Ticket.updated_at).desc(), col(Ticket.id).desc())
    )
    return list(session.exec(stmt))


def contact_tickets(session: Session, contact_id: int, limit: int = 5) -> list[Ticket]:
    """The contact's latest tickets, open ones first."""
    is_open = sa.case((col(Ticket.status) == TicketStatus.OPEN, 0), else_=1)
    stmt = (
        select(Ticket)
        .where(Ticket.contact_id == contact_id)
        .order_by(is_open, col(Ticket.received_at).desc())
        .limit(limit)
    )
    return list(session.exec(stmt))


def ticket_by_number(session: Session, number: str) -> Ticket | None:
    return session.exec(select(Ticket).where(Ticket.number == number)).first()


def new_ticket_number(session: Session) -> str:
    """A random 7-digit number: short for SMS and not guessable from anyone else's."""
    while True:
        number = str(secrets.randbelow(9 * 10 ** (TICKET_DIGITS - 1)) + 10 ** (TICKET_DIGITS - 1))
        taken = session.exec(select(Ticket.id).where(Ticket.number == number)).first()
        if taken is None:
            return number


def get_conversation(
    session: Session, *, channel: str, address: str, now: datetime
) -> Conversation:
    """The conversation row for an address, created idle on first contact."""
    conv = session.exec(
        select(Conversation).where(Conversation.channel == channel, Conversation.address == address)
    ).first()
    if conv is None:
        conv = Conversation(channel=channel, address=address, updated_at=now)
        session.add(conv)
        session.flush()
    return conv


def answers_for_unit(session: Session, unit_id: int | None) -> list[Answer]:
    """Active library answers of a unit plus those for every unit."""
    cond = col(Answer.unit_id).is_(None)
    if unit_id is not None:
        cond = sa.or_(cond, Answer.unit_id == unit_id)
    return list(session.exec(select(Answer).where(Answer.active, cond).order_by(col(Answer.id))))


def answer_rows_for_unit(session: Session, unit_id: int | None) -> list[sa.Row[Any]]:
    """answers_for_unit as plain rows (id, title, body, keywords, examples, auto_send): no ORM."""
    cond = col(Answer.unit_id).is_(None)
    if unit_id is not None:
        cond = sa.or_(cond, Answer.unit_id == unit_id)
    cols = (
        Answer.id,
        Answer.title,
        Answer.body,
        Answer.keywords,
        Answer.examples,
        Answer.auto_send,
    )
    stmt = sa.select(*cols).where(col(Answer.active), cond).order_by(col(Answer.id))
    return list(session.execute(stmt))


def add_message(session: Session, **fields: Any) -> Message:
    message = Message(**fields)
    session.add(message)
    session.flush()
    return message


def keep_file(
    session: Session,
    *,
    message_id: int,
    index: int,
    item: dict[str, Any],
    data: bytes,
    content_type: str,
    now: datetime,
) -> dict[str, Any]:
    """Store the bytes of media item `index` of the message in their own row and return the item
    as the message keeps it: its metadata and the row's id ("attachment"), never the bytes. The
    caller writes the item back into `Message.media`."""
    row = Attachment(
        message_id=message_id,
        item=index,
        content_type=content_type[:100],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        created_at=now,
    )
    session.add(row)
    session.flush()
    kept = {k: v for k, v in item.items() if k != "data"}
    return kept | {"attachment": row.id, "size": str(len(data)), "content_type": content_type}


def attachment_data(session: Session, *, message_id: int, index: int) -> bytes | None:
    """The bytes of the message's media item `index`, or None when none are kept (the download:
    the only reader of the data column)."""
    stmt = select(Attachment.data).where(
        Attachment.message_id == message_id, Attachment.item == index
    )
    return session.exec(stmt).first()


def drop_files(session: Session, message_ids: Sequence[int]) -> None:
    """Delete the kept files of these messages (retention)."""
    for start in range(0, len(message_ids), 500):  # keep IN (...) lists short for every backend
        chunk = message_ids[start : start + 500]
        session.exec(sa.delete(Attachment).where(col(Attachment.message_id).in_(chunk)))  # type: ignore[call-overload]


def queue_reply(
    session: Session,
    *,
    body: str,
    channel: str,
    address: str,
    now: datetime,
    ticket_id: int | None,
    contact_id: int | None,
    reply_to_id: int | None = None,
    author: str = "bot",
    inline: bool = False,
    blocked: str = "",
) -> Message:
    """Record an outbound message and its outbox row in the caller's transaction.

    A non-empty `blocked` reason (e.g. the citizen opted out) records the message as failed, unsent."""
    message = add_message(
        session,
        ticket_id=ticket_id,
        contact_id=contact_id,
        direction=Direction.OUT,
        channel=channel,
        address=address,
        body=body,
        author=author,
        reply_to_id=reply_to_id,
        created_at=now,
    )
    status = OutboxStatus.INLINE if inline else OutboxStatus.PENDING
    if blocked:
        status = OutboxStatus.FAILED
    if status is OutboxStatus.PENDING:
        session.info[PENDING_KEY] = True  # the caller should run the dispatcher after commit
    # A Core insert: nothing reads the outbox row back in this transaction, so no ORM object
    session.connection().execute(
        sa.insert(Outbox.__table__),  # type: ignore[attr-defined]
        {
            "message_id": message.id,
            "channel": channel,
            "address": address,
            "body": body,
            "status": status,
            "next_attempt_at": now if status is OutboxStatus.PENDING else None,
            "sent_at": now if status is OutboxStatus.INLINE else None,
            "error": blocked,
            "created_at": now,
        },
    )
    return message


def outbox_of(session: Session, message_id: int) -> Outbox | None:
    """The outbox row of an outbound message (one per message; the newest if ever more)."""
    stmt = select(Outbox).where(Outbox.message_id == message_id)
    return session.exec(stmt.order_by(col(Outbox.id).desc()).limit(1)).first()


def ticket_outbox(session: Session, ticket_id: int) -> dict[int, Outbox]:
    """The outbox row of each of the ticket's outbound messages, by message id."""
    stmt = (
        select(Outbox)
        .join(Message, col(Message.id) == col(Outbox.message_id))
        .where(Message.ticket_id == ticket_id)
        .order_by(col(Outbox.id))
    )
    return {row.message_id: row for row in session.exec(stmt)}


def audit(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None,
    now: datetime,
    ticket_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> None:
    """Append one line to the audit log (a Core insert: the row is never read back here)."""
    session.connection().execute(
        sa.insert(AuditLog.__table__),  # type: ignore[attr-defined]
        {
            "at": now,
            "actor": actor,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "ticket_id": ticket_id,
            "before": before or {},
            "after": after or {},
            "reason": reason,
        },
    )


def audit_ticket(
    session: Session,
    ticket: Ticket,
    action: str,
    *,
    actor: str,
    now: datetime,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> None:
    """Append one audit line about a ticket (the commonest kind)."""
    audit(
        session,
        actor=actor,
        action=action,
        entity="ticket",
        entity_id=ticket.id,
        ticket_id=ticket.id,
        now=now,
        before=before,
        after=after,
        reason=reason,
    )


def thread(session: Session, *, contact_id: int, channel: str | None = None) -> Sequence[Message]:
    """A contact's messages (no internal notes), oldest first, optionally on one channel."""
    stmt = select(Message).where(Message.contact_id == contact_id, col(Message.is_note).is_(False))
    if channel:
        stmt = stmt.where(Message.channel == channel)
    return list(session.exec(stmt.order_by(col(Message.id))))


def address_thread(session: Session, *, channel: str, address: str) -> Sequence[Message]:
    """Every message from and to one address on one channel (no internal notes), oldest first:
    what that phone has seen, staff alerts and notices (which may have no contact) included."""
    stmt = select(Message).where(
        Message.channel == channel, Message.address == address, col(Message.is_note).is_(False)
    )
    return list(session.exec(stmt.order_by(col(Message.id))))


def contact_by_address(session: Session, *, channel: str, address: str) -> Contact | None:
    link, _ = _link_and_phone(session, channel=channel, address=address, phone=None)
    return session.get(Contact, link.contact_id) if link else None


def count_rows(session: Session, model: type[Any]) -> int:
    return int(session.exec(select(sa.func.count()).select_from(model)).one())


def merge_phoneless(session: Session, *, source_id: int, target: Contact) -> None:
    """Move a contact known only by a channel address (no phone) into the contact of the phone it
    shared: messages, tickets and addresses follow, so the histories become one."""
    source = session.get(Contact, source_id)
    if source is None or source.phone is not None or source.id == target.id:
        return
    for model in (Message, Ticket, ContactAddress):
        session.execute(
            sa.update(model).where(model.contact_id == source_id).values(contact_id=target.id)  # type: ignore[arg-type]
        )
    target.name = target.name or source.name
    target.language = target.language or source.language
    target.opted_out = target.opted_out or source.opted_out
    session.flush()


def claimed(session: Session, key: str) -> bool:
    """Whether a one-time effect was claimed already (by `once`)."""
    return session.exec(select(JobMark.id).where(JobMark.key == key)).first() is not None


def forget(session: Session, key: str) -> None:
    """Drop a one-time mark, so the effect may happen again (e.g. a breach after a new deadline)."""
    session.exec(sa.delete(JobMark).where(col(JobMark.key) == key))


def once(session: Session, key: str, now: datetime) -> bool:
    """Claim a one-time effect (a JobMark with a unique key): True the first time, False ever after.

    The insert runs in a savepoint, so a concurrent claim of the same key fails only that savepoint,
    not the caller's transaction."""
    if claimed(session, key):
        return False
    try:
        with session.begin_nested():
            session.add(JobMark(key=key, at=now))
    except IntegrityError:
        return False
    return True
