"""The outbox dispatcher: claims due rows, sends them through their channel, records the outcome.

A row is claimed (status 'sending' with a lease) in its own short transaction before the provider is
called, so two dispatchers never send the same row: PostgreSQL skips rows another worker has locked
(FOR UPDATE SKIP LOCKED) and SQLite serialises writers with BEGIN IMMEDIATE. A row whose lease ran out
(the process died mid-send) is claimed again: after a crash a message may go out twice, never zero times.
Such a re-claim counts as an attempt like any other; once `max_attempts` is used up the row is failed
with a reason officers can read instead of being sent again (it may or may not have gone out).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot import undelivered
from bot.channels.base import Channel, SendError, part_ids
from bot.config import DeliveryConfig
from bot.messages import DESK_ID_PREFIX, Direction, OutboundMessage, OutboxStatus, StatusUpdate
from bot.parsers import mask_phone
from store import repo
from store.db import read_session, session_scope
from store.models import Contact, Message, Outbox, OutboxPart

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)
INTERRUPTED = "interrupted"  # the start of the reason a row gets when its lease ran out too often
# How far a receipt has got: a receipt never moves a row back (callbacks arrive out of order).
# `failed` may still become `delivered` (a carrier retried and succeeded; Twilio and SMSCs report
# that), `delivered` is final.
RANK = {
    OutboxStatus.PENDING: 0,
    OutboxStatus.INLINE: 0,
    OutboxStatus.SENDING: 0,
    OutboxStatus.SENT: 1,
    OutboxStatus.FAILED: 2,
    OutboxStatus.DELIVERED: 3,
}


def anything_due(engine: Engine, *, now: datetime) -> bool:
    """A cheap read (no SQLite write lock) before claiming: is any row due?"""
    stmt = select(Outbox.id).where(
        col(Outbox.status).in_([OutboxStatus.PENDING, OutboxStatus.SENDING]),
        col(Outbox.next_attempt_at) <= now,
    )
    with read_session(engine) as session:
        return session.exec(stmt.limit(1)).first() is not None


def claim(
    engine: Engine,
    *,
    now: datetime,
    limit: int = 50,
    max_attempts: int = DeliveryConfig.max_attempts,
) -> list[OutboundMessage]:
    """Mark due rows as being sent and return them.

    A 'sending' row whose lease ran out was claimed before and its outcome never recorded: it is
    claimed again (one more attempt) while attempts remain, and failed once they are used up."""
    due = sa.or_(
        sa.and_(col(Outbox.status) == OutboxStatus.PENDING, col(Outbox.next_attempt_at) <= now),
        sa.and_(col(Outbox.status) == OutboxStatus.SENDING, col(Outbox.next_attempt_at) <= now),
    )
    with session_scope(engine) as session:
        stmt = select(Outbox).where(due).order_by(col(Outbox.id)).limit(limit)
        rows = [
            r
            for r in session.exec(stmt.with_for_update(skip_locked=True))
            if _allowed(session, r) and not _given_up(session, r, max_attempts, now)
        ]
        for row in rows:
            row.status = OutboxStatus.SENDING
            row.attempts += 1
            row.next_attempt_at = now + LEASE
        return [
            OutboundMessage(
                r.id,  # type: ignore[arg-type]
                r.channel,
                r.address,
                r.body,
                _last_inbound(session, r),
                attempt_at=now,
                phone_known=_phone_known(session, r),
                attempt=r.attempts,
                sent_parts=_sent_parts(session, r),
            )
            for r in rows
        ]


def _sent_parts(session: Session, row: Outbox) -> tuple[str, ...]:
    """The provider ids of the leading parts an earlier attempt sent (SendError.sent): the retry
    sends only the parts after them. Parts only reserved (Kannel's planned ids) do not count."""
    stmt = select(OutboxPart).where(OutboxPart.outbox_id == row.id).order_by(col(OutboxPart.part))
    ids: list[str] = []
    for part in session.exec(stmt):
        if part.part != len(ids) + 1 or RANK[part.status] < RANK[OutboxStatus.SENT]:
            break
        ids.append(part.provider_id)
    return tuple(ids)


def _allowed(session: Session, row: Outbox) -> bool:
    """False (and the row failed) for a queued answer to a citizen who opted out since; the flow's
    own replies (reply_to_id set, e.g. the STOP confirmation) were decided with opt-out in view."""
    message = session.get(Message, row.message_id)
    contact = session.get(Contact, message.contact_id) if message and message.contact_id else None
    if contact is None or not contact.opted_out or message.reply_to_id is not None:  # type: ignore[union-attr]
        return True
    row.status, row.next_attempt_at, row.error = (
        OutboxStatus.FAILED,
        None,
        "citizen opted out (STOP)",
    )
    return False


def _given_up(session: Session, row: Outbox, max_attempts: int, now: datetime) -> bool:
    """True (and the row failed) for a row whose lease ran out on its last allowed attempt."""
    if row.status is not OutboxStatus.SENDING or row.attempts < max_attempts:
        return False
    row.status, row.next_attempt_at = OutboxStatus.FAILED, None
    row.error = (
        f"{INTERRUPTED}: pengiriman terputus {row.attempts} kali sebelum hasilnya tercatat; "
        "pesan mungkin sudah atau belum sampai, periksa lalu kirim ulang bila perlu. "
        f"(Sending was interrupted {row.attempts} times before its outcome was recorded; "
        "the message may or may not have gone out.)"
    )
    log.warning(
        "outbox %s failed: lease expired on attempt %s of %s", row.id, row.attempts, max_attempts
    )
    undelivered.answer_failed(session, row, now=now)
    return True


def _phone_known(session: Session, row: Outbox) -> bool:
    """Whether the recipient's phone number is known (a Telegram chat may not have shared it)."""
    message = session.get(Message, row.message_id)
    contact = session.get(Contact, message.contact_id) if message and message.contact_id else None
    return contact is None or contact.phone is not None


def _last_inbound(session: Session, row: Outbox) -> datetime | None:
    """When this address last wrote to us on this channel (WhatsApp only lets us answer for 24 h).
    A complaint an officer typed in for the citizen is not the citizen writing: it opens no window."""
    stmt = select(sa.func.max(Message.created_at)).where(
        Message.channel == row.channel,
        Message.address == row.address,
        Message.direction == Direction.IN,
        sa.or_(
            col(Message.provider_id).is_(None),
            sa.not_(col(Message.provider_id).startswith(DESK_ID_PREFIX, autoescape=True)),
        ),
    )
    return session.exec(stmt).one()


def _record(
    engine: Engine,
    msg: OutboundMessage,
    *,
    now: datetime,
    cfg: DeliveryConfig,
    provider_id: str | None,
    error: SendError | None,
) -> None:
    with session_scope(engine) as session:
        # Locked (FOR UPDATE; SQLite's writers are serial anyway): a delivery report handled at
        # this moment would otherwise commit 'delivered' between our read and our write, and our
        # 'sent' would overwrite it (PostgreSQL, read committed).
        row = session.get(Outbox, msg.outbox_id, with_for_update=True)
        if row is None:
            return
        if error is None:
            # A delivery report may have come in while we were still sending: keep what it said.
            # A row failed only because its lease ran out (this send was slower than the lease)
            # did go out after all.
            status = OutboxStatus.SENT if row.status is OutboxStatus.SENDING else row.status
            if status is OutboxStatus.FAILED and row.error.startswith(INTERRUPTED):
                status = OutboxStatus.SENT
                undelivered.answer_arrived(session, row, now=now)
            row.status, row.provider_id, row.sent_at = status, provider_id, now
            row.error = "" if status is OutboxStatus.SENT else row.error
            _save_parts(session, row, part_ids(provider_id), sent=True)
            if status is OutboxStatus.DELIVERED and not _all_delivered(session, row):
                row.status = OutboxStatus.SENT  # the receipts were for the parts sent before
            message = session.get(Message, row.message_id)
            if message is not None and provider_id is not None:
                _set_message_provider_id(session, message, provider_id)
            return
        row.error = str(error)[:500]
        if error.opted_out:
            _opt_out(session, row, now=now)
        if error.sent:  # the leading parts went out: recorded, so the retry sends only the rest
            row.provider_id = row.provider_id or error.sent[0]
            _save_parts(session, row, error.sent, sent=True, partial=True)
        # a part's receipt may already have failed the row while the later parts were being sent
        if error.permanent or row.attempts >= cfg.max_attempts or row.status is OutboxStatus.FAILED:
            if row.status is not OutboxStatus.FAILED:
                undelivered.answer_failed(session, row, now=now)
            row.status, row.next_attempt_at = OutboxStatus.FAILED, None
        else:
            backoff = cfg.retry_base_seconds * 2 ** (row.attempts - 1)
            row.status, row.next_attempt_at = OutboxStatus.PENDING, now + timedelta(seconds=backoff)


def _set_message_provider_id(session: Session, message: Message, provider_id: str) -> None:
    """Copy the provider id onto the message unless another message of the channel holds it.

    Provider ids are unique per channel among messages (the inbound deduplication key), but a
    provider may hand out an id again (Gammu SMSD's outbox IDs restart at 1 when its database is
    recreated; a simulator citizen may pick any id). The outbox row keeps the id in any case, and
    delivery reports are matched on the outbox (the newest row wins, see apply_status); the older
    message keeps its id, because for an inbound one it is what recognises a provider's retry."""
    if message.provider_id == provider_id:
        return
    try:
        with session.begin_nested():  # the outbox row's changes were flushed before the savepoint
            message.provider_id = provider_id
    except IntegrityError:
        log.warning(
            "provider id %s on %s is already another message's: kept on outbox only",
            provider_id,
            message.channel,
        )


def _reserve_provider_id(engine: Engine, channel: Channel, msg: OutboundMessage) -> None:
    """A channel that makes its provider id itself (Kannel: the id in the dlr-url) records it before
    sending, so a delivery report that beats the send's own bookkeeping still finds its row."""
    planned = getattr(channel, "planned_provider_id", None)
    if planned is None:
        return
    with session_scope(engine) as session:
        row = session.get(Outbox, msg.outbox_id)
        if row is not None:
            row.provider_id = planned(msg)
            _save_parts(session, row, part_ids(row.provider_id), sent=False)


def _save_parts(
    session: Session, row: Outbox, ids: tuple[str, ...], *, sent: bool, partial: bool = False
) -> None:
    """Record each part's provider id of a message sent in parts (a single part needs none: the
    row's own provider_id is its id; `partial`: the leading parts of a send that failed later, kept
    even if only one went out). An id already recorded keeps its receipt status; a part sent
    again under a new id (Twilio, after a lease ran out) starts over."""
    if len(ids) < 2 and not partial:
        return
    have = {
        p.part: p for p in session.exec(select(OutboxPart).where(OutboxPart.outbox_id == row.id))
    }
    for number, provider_id in enumerate(ids, 1):
        part = have.get(number)
        if part is None:
            part = OutboxPart(
                outbox_id=row.id,  # type: ignore[arg-type]
                part=number,
                channel=row.channel,
                provider_id=provider_id,
            )
            session.add(part)
        elif part.provider_id != provider_id:
            part.provider_id, part.status, part.error = provider_id, OutboxStatus.PENDING, ""
        if sent and RANK[part.status] < RANK[OutboxStatus.SENT]:
            part.status = OutboxStatus.SENT


def _all_delivered(session: Session, row: Outbox) -> bool:
    """Whether every recorded part of the row was delivered (a row without parts: its own receipt)."""
    stmt = select(OutboxPart.status).where(OutboxPart.outbox_id == row.id)
    return all(status is OutboxStatus.DELIVERED for status in session.exec(stmt))


def dispatch(
    engine: Engine,
    channels: Mapping[str, Channel],
    *,
    now: datetime,
    cfg: DeliveryConfig,
    limit: int = 50,
) -> int:
    """Send what is due; returns how many were sent successfully."""
    if not anything_due(engine, now=now):
        return 0  # the common case after an inline reply: no write lock taken at all
    sent = 0
    for msg in claim(engine, now=now, limit=limit, max_attempts=cfg.max_attempts):
        try:
            sent += deliver_one(engine, channels, msg, now=now, cfg=cfg)
        except Exception:  # one row's bookkeeping must not hold the rest of the batch back
            log.exception(
                "outbox %s: outcome not recorded; the row is claimed again after its lease",
                msg.outbox_id,
            )
    return sent


def _still_claimed(engine: Engine, msg: OutboundMessage) -> bool:
    """False when the row's lease ran out and another dispatcher claimed it again meanwhile
    (a slow provider held up this batch): sending it here too would send it twice."""
    if not msg.attempt:
        return True
    with read_session(engine) as session:
        row = session.get(Outbox, msg.outbox_id)
        return (
            row is not None and row.status is OutboxStatus.SENDING and row.attempts == msg.attempt
        )


def deliver_one(
    engine: Engine,
    channels: Mapping[str, Channel],
    msg: OutboundMessage,
    *,
    now: datetime,
    cfg: DeliveryConfig,
) -> bool:
    """Send one claimed row and record the outcome; True when the provider accepted it."""
    if not _still_claimed(engine, msg):
        return False
    channel = channels.get(msg.channel)
    provider_id, error = None, None
    if channel is None:
        error = SendError(f"channel {msg.channel} is not enabled")
    else:
        try:
            _reserve_provider_id(engine, channel, msg)
            provider_id = channel.send(msg)
        except SendError as exc:
            error = exc
        except Exception as exc:  # a provider library's own error: retry with back-off
            log.exception("send failed on %s to %s", msg.channel, mask_phone(msg.address))
            error = SendError(type(exc).__name__)
    _record(engine, msg, now=now, cfg=cfg, provider_id=provider_id, error=error)
    return error is None


def apply_status(engine: Engine, update: StatusUpdate, *, now: datetime) -> bool:
    """Record a delivery receipt; False when no outbox row has that provider id (ignored).

    Receipts only move a row forward (RANK): a late 'sent' or 'failed' after 'delivered', or a
    late 'sent' after 'failed', changes nothing but an opt-out. A provider id given out again is
    matched to the newest row that has it (the provider means its latest message)."""
    with session_scope(engine) as session:
        of_part = select(OutboxPart.outbox_id).where(
            OutboxPart.channel == update.channel, OutboxPart.provider_id == update.provider_id
        )
        outbox_id = session.exec(of_part.order_by(col(OutboxPart.id).desc()).limit(1)).first()
        if outbox_id is not None:
            return _apply_to_part(session, outbox_id, update, now=now)
        stmt = select(Outbox).where(
            Outbox.channel == update.channel, Outbox.provider_id == update.provider_id
        )
        stmt = stmt.order_by(col(Outbox.id).desc()).limit(1)
        row = session.exec(stmt.with_for_update()).first()  # see _record
        if row is None:
            return False
        if RANK[update.status] > RANK[row.status]:
            was, row.status = row.status, update.status
            if update.status is OutboxStatus.DELIVERED:
                row.delivered_at, row.error = now, ""
                if was is OutboxStatus.FAILED:
                    undelivered.answer_arrived(session, row, now=now)
            elif update.error:
                row.error = update.error[:500]
            if update.status is OutboxStatus.FAILED:
                undelivered.answer_failed(session, row, now=now)
        elif update.status is row.status and update.error and not row.error:
            row.error = update.error[:500]
        if update.opted_out:
            _opt_out(session, row, now=now)
        return True


def _apply_to_part(
    session: Session, outbox_id: int, update: StatusUpdate, *, now: datetime
) -> bool:
    """A receipt for one part of a message sent in parts: the part moves forward (RANK), and the
    row follows all its parts: failed as soon as one failed (with that part's error, unless the
    row already shows why it failed), delivered only once every part was delivered."""
    row = session.get(Outbox, outbox_id, with_for_update=True)  # the row first, as _record does
    if row is None:
        return False
    stmt = select(OutboxPart).where(OutboxPart.outbox_id == outbox_id).order_by(OutboxPart.part)
    parts = list(session.exec(stmt.with_for_update()))
    part = next(p for p in reversed(parts) if p.provider_id == update.provider_id)
    if RANK[update.status] > RANK[part.status]:
        part.status = update.status
        part.error = "" if update.status is OutboxStatus.DELIVERED else update.error[:500]
    elif update.status is part.status and update.error and not part.error:
        part.error = update.error[:500]
    failed = next((p for p in parts if p.status is OutboxStatus.FAILED), None)
    if failed is not None:
        if row.status is not OutboxStatus.FAILED or not row.error:
            was = row.status
            row.status = OutboxStatus.FAILED
            reason = failed.error or "failed"
            row.error = f"part {failed.part}/{len(parts)}: {reason}"[:500]
            if was is not OutboxStatus.FAILED:
                undelivered.answer_failed(session, row, now=now)
    elif all(p.status is OutboxStatus.DELIVERED for p in parts):
        # a row waiting to send its later parts (SendError.sent) is not delivered yet
        if row.status not in (OutboxStatus.DELIVERED, OutboxStatus.PENDING):
            was = row.status
            row.status, row.delivered_at, row.error = OutboxStatus.DELIVERED, now, ""
            if was is OutboxStatus.FAILED:
                undelivered.answer_arrived(session, row, now=now)
    if update.opted_out:
        _opt_out(session, row, now=now)
    return True


def _opt_out(session: Session, row: Outbox, *, now: datetime) -> None:
    """The provider says the recipient unsubscribed: send them nothing more until MULAI/START.

    A message queued without a contact (an alert to a committee member not linked yet, an
    officer's notice) gets its address's contact, made if need be, so the STOP is kept: alerts
    find it (`repo.alert_contact`), and the member's next message joins it. Not the alert's
    transaction, so making it here waits on nobody's lock but the member's own."""
    message = session.get(Message, row.message_id)
    if message is None:
        return
    contact = session.get(Contact, message.contact_id) if message.contact_id else None
    if contact is None:
        contact = repo.resolve_contact(
            session, channel=row.channel, address=row.address, phone=None, now=now
        )
        message.contact_id = contact.id
    contact.opted_out = True
