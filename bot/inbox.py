"""Queued intake ([inbound] queued = true): the webhook stores, a worker understands and answers.

The webhook's whole database work is `accept`: one insert, its own transaction, so a provider gets
its 2xx as soon as the message is stored. A retry of the same provider message hits the unique key
(channel, provider id) and is dropped. `drain` (run by `aduan worker`) then handles each stored
message exactly as an inline webhook would (bot.service.handle_inbound, with the time it was
received as "now") and marks it processed. The inbox is kept apart from the main database's
transactions (store.db.intake_engine), so handling and marking are two commits: a worker killed
between them, or two workers that read the same row, handle it again, and the service recognises
the provider id and stores nothing new. Never lost, never stored twice.

Order: a round reads the oldest waiting rows once, and a sender's rows are handled oldest first,
each only after the one before it was handled (or set aside), and marked only after its handling
committed; so one sender's messages are handled in arrival order by any number of workers. A row
another worker marked since the read is skipped (a key lookup before each).

Inline intake ([inbound] queued = false) stores each message here too before answering it in the
request (handle_inline), so a message whose handling fails waits here for the scheduler's job, and
so do the sender's later messages until it is handled or set aside (order is kept inline too).

A row is in one of three states: waiting (processed_at NULL), handled (processed_at and message_id
set: _handle always stores the id of the message the service stored or recognised) or set aside
after failing MAX_ATTEMPTS times (processed_at set, message_id NULL, error naming the exception:
_set_aside). `held` lists the set-aside rows for the admin and `retry` puts one back in the queue.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from bot import service
from bot.messages import InboundMessage, Media
from bot.parsers import mask_phone
from store import repo
from store.db import intake_engine, read_connection, read_session, session_scope
from store.models import Inbox

log = logging.getLogger(__name__)
KEEP = timedelta(days=2)  # handled rows are purged after this (the message table keeps the text)
SET_ASIDE_KEEP = timedelta(days=28)  # ... and rows set aside after failing, this much later
PER_SENDER = 10  # one sender's rows per round at most: a flooding number cannot crowd others out
MAX_ATTEMPTS = 3  # a message that fails this often is set aside (error kept) so later ones proceed


def to_row(msg: InboundMessage, *, now: datetime) -> dict[str, Any]:
    """The inbox row of a parsed webhook message, received `now`. The provider's own time stamp
    (msg.received_at: when the phone sent it, by a clock Aduan does not control) is not kept: an
    inline webhook handles a message as of its arrival, and so does the worker (SLA clocks start at
    receipt, not a day earlier for a message sent offline)."""
    payload: dict[str, Any] = {"text": msg.text}
    if msg.phone:
        payload["phone"] = msg.phone
    if msg.name:
        payload["name"] = msg.name
    if msg.media:
        payload["media"] = [
            {"kind": m.kind, "url": m.url, "content_type": m.content_type, "extra": m.extra}
            for m in msg.media
        ]
    return {
        "channel": msg.channel,
        "address": msg.address,
        "provider_id": msg.provider_id,
        "payload": payload,
        "received_at": now,
        "attempts": 0,
        "error": "",
    }


def to_message(row: Inbox) -> InboundMessage:
    """The message back from its inbox row, as the channel adapter first parsed it."""
    data = row.payload
    media = tuple(
        Media(m["kind"], m.get("url", ""), m.get("content_type", ""), m.get("extra", {}))
        for m in data.get("media", ())
    )
    return InboundMessage(
        row.channel,
        row.address,
        data.get("text", ""),
        row.provider_id,
        phone=data.get("phone"),
        name=data.get("name", ""),
        media=media,
        received_at=row.received_at,
    )


INSERT = (
    "INSERT INTO inbox (channel, address, provider_id, payload, received_at, attempts, error) "
    "VALUES ({p}, {p}, {p}, {p}, {p}, 0, '') ON CONFLICT (channel, provider_id) DO NOTHING"
)
PARAMSTYLE = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def accept(engine: Engine, messages: Sequence[InboundMessage], *, now: datetime) -> None:
    """Store webhook messages in one short transaction; a provider's retry of a stored one is
    dropped. Plain driver SQL: this runs once per webhook, and SQLAlchemy's statement building
    would cost more than the insert itself."""
    if not messages:
        return
    intake = intake_engine(engine)
    sql = INSERT.format(p=PARAMSTYLE[intake.dialect.paramstyle])
    params = []
    for msg in messages:
        row = to_row(msg, now=now)
        when = row["received_at"].astimezone(UTC).replace(tzinfo=None)  # naive UTC, as UTCDateTime
        # an id-less message gets one, so a handling redone after a crash is recognised (dedupe)
        provider_id = row["provider_id"] or f"aduan-{uuid.uuid4().hex}"
        payload = json.dumps(row["payload"], ensure_ascii=False)
        params.append((row["channel"], row["address"], provider_id, payload, when))
    # The insert is its own transaction: one round trip instead of BEGIN, INSERT, COMMIT. (On
    # SQLite, `sqlite_begin=""` just leaves out our BEGIN; the PostgreSQL intake engine is in
    # autocommit mode.) A pooled connection the server dropped fails once: try once more.
    for attempt in (1, 2):
        try:
            with intake.connect() as conn:
                if intake.dialect.name == "sqlite":
                    conn = conn.execution_options(sqlite_begin="")
                conn.exec_driver_sql(sql, params[0] if len(params) == 1 else params)
                conn.commit()  # a no-op without an open transaction; explicit for the reader
            return
        except sa.exc.DBAPIError as exc:
            if attempt == 2 or not exc.connection_invalidated:
                raise
            log.warning("inbox: a pooled connection was dropped by the server; retrying")


def handle_inline(
    engine: Engine,
    messages: Sequence[InboundMessage],
    *,
    receive: Callable[[InboundMessage], service.Outcome],
    clock: Callable[[], datetime],
) -> list[service.Outcome]:
    """Inline intake ([inbound] queued = false) with queued intake's promise: each message is stored
    (accept, its own transaction) before `receive` handles it in the request, and marked handled
    after. A message whose handling raises stays waiting with the failed attempt counted, for the
    scheduler's `inbox` job to handle again (and set aside after MAX_ATTEMPTS, shown to the admin);
    the provider still gets its 2xx, so it does not retry into the same bug. A message whose sender
    has an earlier one still waiting is not handled here but left to that job too, so it is never
    answered ahead of it (_waits_behind). Returns the outcomes of the messages handled now."""
    kept = [
        m if m.provider_id else replace(m, provider_id=f"aduan-{uuid.uuid4().hex}")
        for m in messages
    ]
    accept(engine, kept, now=clock())
    outcomes = []
    for msg in kept:
        if _waits_behind(engine, msg):
            log.info(
                "inbox: a message on %s from %s waits behind an earlier one of the sender",
                msg.channel,
                mask_phone(msg.address),
            )
            continue
        try:
            outcome = receive(msg)
        except (sa.exc.OperationalError, sa.exc.InterfaceError) as exc:
            log.warning(
                "inbox: a message on %s from %s waits, the database said %s",
                msg.channel,
                mask_phone(msg.address),
                type(exc).__name__,
            )
            _mark_waiting(engine, msg, error=exc)
            continue
        except Exception as exc:
            _fail_inline(engine, msg, error=exc, clock=clock)
            continue
        _mark_handled(engine, msg, message_id=outcome.message_id, clock=clock)
        outcomes.append(outcome)
    return outcomes


def _waits_behind(engine: Engine, msg: InboundMessage) -> bool:
    """Whether an earlier message of the same sender (channel and address) is still waiting in the
    inbox after its handling failed (an attempt counted, or a database error noted). The message is
    then left to the inbox job, which handles a sender's messages in arrival order, rather than
    answered ahead of it. One indexed lookup (ix_inbox_sender) per message.

    Only a failure counts: an earlier message still being handled in another request holds
    the contact's lock, so `receive` waits for it and keeps the order anyway; deferring that one
    too would move a burst's replies from the provider's response to the outbox for nothing. (A
    worker killed mid-handling leaves its row with no attempt: the next message goes first, and
    the inbox job handles the killed one.)"""
    table = Inbox.__table__  # type: ignore[attr-defined]
    mine = sa.select(table.c.id).where(_row_of(msg)).scalar_subquery()
    earlier = sa.select(table.c.id).where(
        table.c.channel == msg.channel,
        table.c.address == msg.address,
        table.c.processed_at.is_(None),
        sa.or_(table.c.attempts > 0, table.c.error != ""),
        table.c.id < mine,
    )
    with read_connection(intake_engine(engine)) as conn:
        return conn.execute(earlier.limit(1)).first() is not None


def _mark_waiting(engine: Engine, msg: InboundMessage, *, error: Exception) -> None:
    """A busy or lost database: no attempt is counted (as in the worker), but the row says why it
    waits, so the sender's next message waits behind it (_waits_behind). Best effort: the database
    may still be failing, and the inbox job handles the row either way."""
    table = Inbox.__table__  # type: ignore[attr-defined]
    waiting = sa.and_(_row_of(msg), table.c.processed_at.is_(None))
    try:
        with intake_engine(engine).begin() as conn:
            conn.execute(table.update().where(waiting).values(error=type(error).__name__[:200]))
    except sa.exc.SQLAlchemyError:
        log.warning("inbox: could not mark a waiting message on %s", msg.channel)


def _row_of(msg: InboundMessage) -> sa.ColumnElement[bool]:
    """The inbox row of a message that went through accept (it has a provider id)."""
    table = Inbox.__table__  # type: ignore[attr-defined]
    return sa.and_(table.c.channel == msg.channel, table.c.provider_id == msg.provider_id)


def _mark_handled(
    engine: Engine, msg: InboundMessage, *, message_id: int | None, clock: Callable[[], datetime]
) -> None:
    table = Inbox.__table__  # type: ignore[attr-defined]
    waiting = sa.and_(_row_of(msg), table.c.processed_at.is_(None))
    done = {"processed_at": clock(), "message_id": message_id}
    with intake_engine(engine).begin() as conn:
        conn.execute(table.update().where(waiting).values(**done))


def _fail_inline(
    engine: Engine, msg: InboundMessage, *, error: Exception, clock: Callable[[], datetime]
) -> None:
    """Count the failed inline attempt on the message's row (see _set_aside), left waiting."""
    table = Inbox.__table__  # type: ignore[attr-defined]
    with read_connection(intake_engine(engine)) as conn:
        row_id = conn.execute(sa.select(table.c.id).where(_row_of(msg))).scalar()
    if row_id is not None:
        _set_aside(engine, row_id=row_id, error=error, clock=clock)
        log.warning("inbox: message %s is kept for the scheduler's inbox job", row_id)


def purge(engine: Engine, *, before: datetime) -> int:
    """Delete rows handled before `before`; returns how many. Rows set aside after failing keep
    their payload (and error) for whoever investigates the bug, for SET_ASIDE_KEEP longer: they
    hold a citizen's text (UU PDP)."""
    table = Inbox.__table__  # type: ignore[attr-defined]
    handled = sa.and_(table.c.processed_at < before, table.c.message_id.is_not(None))
    set_aside = table.c.processed_at < before - SET_ASIDE_KEEP
    with intake_engine(engine).begin() as conn:
        return int(conn.execute(sa.delete(table).where(sa.or_(handled, set_aside))).rowcount or 0)


def waiting(engine: Engine, *, limit: int) -> dict[tuple[str, str], list[Inbox]]:
    """A round's work: the oldest `limit` unprocessed rows, by sender (the sender of the oldest
    first), each sender's oldest first, and at most PER_SENDER of one sender.

    Usually one cheap read (no write lock). When one sender fills more than PER_SENDER places of
    it (a number flooding the desk), the rows are chosen again with each sender's oldest PER_SENDER
    only (a window over the waiting rows), so the flood cannot hold the others' answers back: it
    is stored at once and handled a few messages a round, between theirs."""
    oldest = select(Inbox).where(col(Inbox.processed_at).is_(None)).order_by(col(Inbox.id))
    with read_session(intake_engine(engine)) as session:
        rows = list(session.exec(oldest.limit(limit)))
        if len(rows) > PER_SENDER and _crowded(rows):
            table = Inbox.__table__  # type: ignore[attr-defined]
            place = sa.func.row_number().over(
                partition_by=(table.c.channel, table.c.address), order_by=table.c.id
            )
            ranked = (
                sa.select(table.c.id, place.label("place"))
                .where(table.c.processed_at.is_(None))
                .subquery()
            )
            ids = (
                sa.select(ranked.c.id)
                .where(ranked.c.place <= PER_SENDER)
                .order_by(ranked.c.id)
                .limit(limit)
            )
            rows = list(session.exec(oldest.where(col(Inbox.id).in_(ids))))
    by_sender: dict[tuple[str, str], list[Inbox]] = {}
    for row in rows:
        by_sender.setdefault((row.channel, row.address), []).append(row)
    return by_sender


def _crowded(rows: Sequence[Inbox]) -> bool:
    counts = Counter((row.channel, row.address) for row in rows)
    return max(counts.values()) > PER_SENDER


def _is_set_aside() -> sa.ColumnElement[bool]:
    """Set aside, not handled: marked processed without a stored message, with the error kept. (A
    handled row may also carry an error, from a failed attempt before the one that succeeded.)"""
    table = Inbox.__table__  # type: ignore[attr-defined]
    return sa.and_(
        table.c.processed_at.is_not(None), table.c.message_id.is_(None), table.c.error != ""
    )


def held(engine: Engine, *, limit: int = 100) -> list[Inbox]:
    """The rows set aside after failing, the latest received first (the admin's "Pesan tertahan")."""
    stmt = (
        select(Inbox)
        .where(_is_set_aside())
        .order_by(col(Inbox.received_at).desc(), col(Inbox.id).desc())
        .limit(limit)
    )
    with read_session(intake_engine(engine)) as session:
        return list(session.exec(stmt))


def held_count(engine: Engine) -> int:
    """How many rows are set aside (until purged, SET_ASIDE_KEEP after the others)."""
    stmt = select(sa.func.count()).select_from(Inbox).where(_is_set_aside())
    with read_session(intake_engine(engine)) as session:
        return int(session.exec(stmt).one())


def retry(engine: Engine, row_id: int, *, clock: Callable[[], datetime]) -> Inbox | None:
    """Put one set-aside row back in the queue (unprocessed, no attempts, no error): the next
    drain handles it like a new message, the worker or the scheduler's inbox job, with its time of
    receipt as "now" (see _handle for why a handling redone is never stored twice). Returns the row
    as it was set aside; None, changing nothing, when it is not set aside (handled, waiting,
    purged or unknown). The update re-checks the state, so two officers retrying at once put it
    back once."""
    table = Inbox.__table__  # type: ignore[attr-defined]
    back = {"processed_at": None, "attempts": 0, "error": ""}
    with session_scope(intake_engine(engine)) as session:
        row = session.exec(select(Inbox).where(col(Inbox.id) == row_id, _is_set_aside())).first()
        if row is None:
            return None
        session.expunge(row)  # the caller gets it as it was set aside
        stmt = table.update().where(table.c.id == row_id, _is_set_aside()).values(**back)
        if session.connection().execute(stmt).rowcount != 1:
            return None  # retried meanwhile by someone else
    log.info(
        "inbox: message %s put back in the queue, set aside %s ago after %s",
        row_id,
        clock() - row.processed_at,  # type: ignore[operator]
        row.error,
    )
    return row


def last_id(engine: Engine) -> int:
    """The newest inbox row's id (0 when empty): ids only grow, so its change over time is the
    arrival rate (a key lookup)."""
    table = Inbox.__table__  # type: ignore[attr-defined]
    with read_connection(intake_engine(engine)) as conn:
        return int(conn.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0)


def backlog(engine: Engine) -> int:
    """How many stored messages wait to be handled."""
    stmt = select(sa.func.count()).select_from(Inbox).where(col(Inbox.processed_at).is_(None))
    with read_session(intake_engine(engine)) as session:
        return int(session.exec(stmt).one())


def drain(
    engine: Engine,
    desk: service.Desk,
    *,
    clock: Callable[[], datetime],
    limit: int = 200,
    on_queued: Callable[[], None] | None = None,
    stop: Callable[[], bool] = lambda: False,
) -> int:
    """Handle the oldest `limit` waiting messages, sender by sender; returns how many were handled.
    `on_queued` runs after a message whose handling queued something to send (the dispatcher);
    `stop` is asked between messages (a worker told to stop finishes the message in hand).
    Messages stored meanwhile wait for the next round."""
    handled = 0
    for rows in waiting(engine, limit=limit).values():
        if stop():
            break
        handled += handle_sender(engine, desk, rows, clock=clock, on_queued=on_queued, stop=stop)
    return handled


def handle_sender(
    engine: Engine,
    desk: service.Desk,
    rows: Sequence[Inbox],
    *,
    clock: Callable[[], datetime],
    on_queued: Callable[[], None] | None = None,
    stop: Callable[[], bool] = lambda: False,
) -> int:
    """Handle one sender's waiting rows (read together, oldest first), each in its own transaction,
    stopping at the first that cannot be handled now, so a later message never overtakes it.

    Order holds with any number of workers: the read saw every waiting row of this sender older
    than these (rows only ever become processed), and each is marked only after its handling
    committed. Two workers on the same rows do the same work in the same order; the second replays.
    A database that is busy or gone (locked SQLite file, restarting server) is not the message's
    fault: the sender waits for the next round and nothing is counted. Another worker inserting the
    same contact or message at the same moment (IntegrityError) is retried at once. Anything else is
    a failed attempt on that very row; see _set_aside."""
    handled = 0
    for row in rows:
        conflicts = 0
        while True:
            if stop():
                return handled
            if not _still_waiting(engine, row.id):  # type: ignore[arg-type]
                queued = None  # another worker handled (or set aside) it since the read
                break
            try:
                queued = _handle(engine, desk, row, clock=clock)
                break
            except (sa.exc.OperationalError, sa.exc.InterfaceError) as exc:
                log.warning(
                    "inbox: message %s waits, the database said %s", row.id, type(exc).__name__
                )
                return handled
            except Exception as exc:
                conflicts += isinstance(exc, IntegrityError)
                if isinstance(exc, IntegrityError) and conflicts < MAX_ATTEMPTS:
                    log.info("inbox: retrying message %s after a concurrent insert", row.id)
                    continue
                if _set_aside(engine, row_id=row.id, error=exc, clock=clock):  # type: ignore[arg-type]
                    queued = None  # out of the way (or handled by another worker): go on
                    break
                return handled  # tried again next round; the sender's later messages wait
        if queued is None:
            continue
        handled += 1
        if queued and on_queued is not None:
            on_queued()
    return handled


def _still_waiting(engine: Engine, row_id: int) -> bool:
    """Whether the row is still unprocessed (a key lookup, no write lock)."""
    table = Inbox.__table__  # type: ignore[attr-defined]
    stmt = sa.select(table.c.id).where(table.c.id == row_id, table.c.processed_at.is_(None))
    with read_connection(intake_engine(engine)) as conn:
        return conn.execute(stmt).first() is not None


def _handle(
    engine: Engine, desk: service.Desk, row: Inbox, *, clock: Callable[[], datetime]
) -> bool:
    """Handle one inbox row in a transaction of the main database, then mark it processed; returns
    whether the handling queued a row for the dispatcher. A crash between the two commits, or a
    second worker that read the same row, handles it again: the service recognises the provider id
    (every inbox row has one) and stores and queues nothing new."""
    with session_scope(engine) as session:
        outcome = service.handle_inbound(session, to_message(row), now=row.received_at, desk=desk)
        queued = bool(session.info.get(repo.PENDING_KEY))
    table = Inbox.__table__  # type: ignore[attr-defined]
    done = {"processed_at": clock(), "message_id": outcome.message_id}
    stmt = table.update().where(table.c.id == row.id, table.c.processed_at.is_(None))
    with intake_engine(engine).begin() as conn:
        conn.execute(stmt.values(**done))
    log.info(
        "inbox handled channel=%s from=%s message=%s ticket=%s duplicate=%s",
        row.channel,
        mask_phone(row.address),
        outcome.message_id,
        outcome.ticket,
        outcome.duplicate,
    )
    return queued


def _set_aside(
    engine: Engine, *, row_id: int, error: Exception, clock: Callable[[], datetime]
) -> bool:
    """Count a failed attempt on this row; past MAX_ATTEMPTS it is marked processed with the error
    (set aside), so the sender's later messages are not held up behind it. True when the sender can
    go on (set aside now, or meanwhile handled by another worker)."""
    log.error("inbox: handling message %s failed: %s", row_id, type(error).__name__, exc_info=error)
    with session_scope(intake_engine(engine)) as session:
        row = session.get(Inbox, row_id)
        if row is None or row.processed_at is not None:
            return True
        row.attempts += 1
        row.error = f"{type(error).__name__}"[:200]
        if row.attempts < MAX_ATTEMPTS:
            return False
        row.processed_at = clock()
        log.error("inbox: message %s set aside after %d attempts", row.id, row.attempts)
        return True
