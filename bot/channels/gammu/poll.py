"""The Gammu SMSD inbox job: new rows -> the service (one transaction each) -> rows marked processed."""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from bot import delivery, service
from bot.channels.base import Channel
from bot.channels.gammu import smsd
from bot.channels.gammu.status import sync_statuses
from bot.messages import InboundMessage
from bot.parsers.phone import PhoneError, mask_phone, normalize_phone
from bot.service import Desk

log = logging.getLogger(__name__)
Parts = list[smsd.InboxRow]
INCOMPLETE_GRACE = timedelta(minutes=2)


def _concat_key(row: smsd.InboxRow) -> tuple[str, int, int, int] | None:
    """(sender, reference, total, sequence) from a concatenation UDH (8- or 16-bit reference)."""
    udh = row.udh.upper()
    try:
        if udh.startswith("050003") and len(udh) >= 12:
            ref, total, seq = (int(udh[i : i + 2], 16) for i in (6, 8, 10))
        elif udh.startswith("060804") and len(udh) >= 14:
            ref, total, seq = int(udh[6:10], 16), int(udh[10:12], 16), int(udh[12:14], 16)
        else:
            return None
    except ValueError:
        return None
    return row.sender, ref, total, seq


def assemble(rows: Parts) -> tuple[list[Parts], dict[tuple[str, int, int, int], Parts]]:
    """Single SMS alone, concatenated parts together in order; incomplete ones apart, by key."""
    ready: list[Parts] = []
    groups: dict[tuple[str, int, int], dict[int, smsd.InboxRow]] = defaultdict(dict)
    for row in rows:
        key = _concat_key(row)
        if key is None or key[2] <= 1:
            ready.append([row])
        else:
            groups[key[:3]].setdefault(key[3], row)
    waiting = {}
    for (sender, ref, total), parts in groups.items():
        ordered = [parts[i] for i in sorted(parts)]
        if set(parts) == set(range(1, total + 1)):
            ready.append(ordered)
        else:
            waiting[(sender, ref, total, ordered[0].id)] = ordered
    return sorted(ready, key=lambda p: p[0].id), waiting


def _due(
    gammu: Channel, waiting: dict[tuple[str, int, int, int], Parts], now: datetime
) -> list[Parts]:
    """Incomplete messages handed over as they are once they waited INCOMPLETE_GRACE: SMSD stores
    parts only when all arrived or its MultipartTimeout gave up, so what is missing may never come.
    The grace only covers SMSD writing one part's row after another."""
    seen: dict = gammu.waiting  # type: ignore[attr-defined]
    for key in list(seen):
        if key not in waiting:
            del seen[key]
    due = []
    for key, parts in waiting.items():
        if now - seen.setdefault(key, now) >= INCOMPLETE_GRACE:
            due.append(parts)
            del seen[key]
    return due


def to_message(parts: Parts, region: str) -> InboundMessage | None:
    """The message the service sees; None when the sender is no phone number (operator notices)."""
    first = parts[0]
    try:
        phone = normalize_phone(first.sender, region)
    except PhoneError:
        log.info("gammu: ignoring inbox %s from %s", first.id, mask_phone(first.sender))
        return None
    text = "".join(p.text for p in parts)
    # The inbox ID alone could repeat if SMSD's database is ever recreated: add sender and text.
    digest = hashlib.sha256(f"{phone}\n{text}".encode()).hexdigest()[:12]
    return InboundMessage("gammu", phone, text, f"inbox-{first.id}-{digest}", phone=phone)


def poll_gammu(
    engine: Engine, desk: Desk, channels: Mapping[str, Channel], *, now: datetime, limit: int = 100
) -> int:
    """Hand SMSD's new inbox rows to the service, mark them processed, send the replies queued, and
    record the delivery statuses SMSD reports in sentitems.

    Returns how many messages were handled. A crash between the service's commit and the marking
    only makes the next run see the rows again: the provider id deduplicates them."""
    gammu = channels["gammu"]
    db = gammu.smsd  # type: ignore[attr-defined]
    with db.begin() as conn:
        rows = smsd.unprocessed(conn, limit)
    ready, waiting = assemble(rows)
    handled = 0
    for parts in sorted(ready + _due(gammu, waiting, now), key=lambda p: p[0].id):
        msg = to_message(parts, desk.config.app.default_region)
        if msg is not None:
            try:
                service.process_inbound(engine, msg, now=now, desk=desk, inline=False)
            except Exception:  # left unprocessed for the next run; the others still go through
                log.exception(
                    "gammu: inbox %s from %s failed", parts[0].id, mask_phone(msg.phone or "")
                )
                continue
            handled += 1
        with db.begin() as conn:
            smsd.mark_processed(conn, [p.id for p in parts])
    if handled:
        delivery.dispatch(engine, channels, now=now, cfg=desk.config.delivery)
    sync_statuses(engine, db, now=now)
    return handled
