"""Citizens' files fetched from the provider and kept with the message (DESIGN §4).

Twilio, Telegram and WhatsApp Cloud deliver a file as a reference (a MediaUrl, a file_id, a media
id). The webhook stores only that reference and sets `Message.media_due_at`; the scheduler's
fetch_media job downloads the file later, outside the webhook request (the provider gets its 200 at
once) and outside any transaction (a slow CDN holds no database lock): the job reads the due
messages, closes its session, downloads, then writes each message back in a short transaction of
its own. The bytes go to their own row (store.models.Attachment, as the simulator's files do) and
the media item keeps the metadata and the row's id ("attachment"): the ticket page reads the JSON
without the file, the admin's download (admin.attachments) selects the bytes, retention deletes the
row.

Per item the job records `fetch_tries`, and once it gives up `fetch` ("failed" or "skipped") with a
reason code in `fetch_error`; the provider's reference is kept either way.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.channels.base import Channel
from bot.channels.files import Fetched, FetchFailed
from bot.config import MediaConfig
from bot.media_items import pending
from store import repo
from store.db import read_session, session_scope
from store.models import Message

log = logging.getLogger(__name__)
BATCH = 20  # messages per run: a run's downloads stay well inside the job's interval


def allowed(content_type: str) -> bool:
    """Images, PDF, audio and video are fetched; other types (office files, archives, HTML) stay a
    reference at the provider, out of the desk's way and the database's."""
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind == "application/pdf" or kind.split("/", 1)[0] in ("image", "audio", "video")


def fetch_due(
    engine: Engine, channels: Mapping[str, Channel], *, now: datetime, cfg: MediaConfig
) -> int:
    """Fetch the files of up to BATCH due messages; returns the files kept."""
    with read_session(engine) as db:
        stmt = (
            select(Message.id, Message.channel, Message.media)
            .where(col(Message.media_due_at) <= now)
            .order_by(col(Message.media_due_at), col(Message.id))
            .limit(BATCH)
        )
        rows = [(i, c, list(m or [])) for i, c, m in db.exec(stmt)]
    kept = 0
    for message_id, channel_name, media in rows:
        channel = channels.get(channel_name)
        outcomes = {i: _fetch(channel, item, cfg) for i, item in enumerate(media) if pending(item)}
        kept += _save(engine, message_id, outcomes, now=now, cfg=cfg)
    return kept


def _fetch(
    channel: Channel | None, item: dict[str, Any], cfg: MediaConfig
) -> Fetched | FetchFailed:
    """One file, or why not. No transaction is open here."""
    declared = str(item.get("content_type", ""))
    if declared and not allowed(declared):
        return FetchFailed("type", final=True)
    if channel is None:
        return FetchFailed("channel_off", final=False)  # disabled for now: tried again later
    fetch = getattr(channel, "fetch_media", None)  # the simulator, Kannel, Gammu carry no files
    if fetch is None:
        return FetchFailed("unsupported", final=True)
    try:
        got: Fetched = fetch(item, cap=cfg.max_bytes)
    except FetchFailed as exc:
        return exc
    kind = declared or got.content_type
    if not allowed(kind):
        return FetchFailed("type", final=True)
    return Fetched(got.data, kind)


def _save(
    engine: Engine,
    message_id: int,
    outcomes: dict[int, Fetched | FetchFailed],
    *,
    now: datetime,
    cfg: MediaConfig,
) -> int:
    """Write the outcomes back in one short transaction. An item that changed meanwhile (retention
    scrubbed the message) is left as it is now: a file never comes back after anonymisation."""
    kept = 0
    with session_scope(engine) as session:
        message = session.get(Message, message_id)
        if message is None:
            return 0
        media = [dict(m) if isinstance(m, dict) else m for m in message.media or []]
        for index, outcome in outcomes.items():
            if index < len(media) and pending(media[index]):
                _tried(media[index], outcome, cfg, message_id)
                if isinstance(outcome, Fetched):
                    media[index] = repo.keep_file(
                        session,
                        message_id=message_id,
                        index=index,
                        item=media[index],
                        data=outcome.data,
                        content_type=outcome.content_type,
                        now=now,
                    )
                    kept += 1
        message.media = media  # a new list: the JSON column sees the change
        message.media_due_at = _next_try(media, now, cfg)
    return kept


def _tried(
    item: dict[str, Any], outcome: Fetched | FetchFailed, cfg: MediaConfig, message_id: int
) -> None:
    """Count the try on the item; a failure records its reason, and gives up when it is final or
    the last try."""
    tries = int(item.get("fetch_tries", 0) or 0) + 1
    item["fetch_tries"] = tries
    if isinstance(outcome, Fetched):
        item.pop("fetch_error", None)
        return
    item["fetch_error"] = outcome.reason
    if outcome.final or tries >= cfg.max_attempts:
        item["fetch"] = "skipped" if outcome.reason in ("type", "too_large") else "failed"
        # the reason and the message id only: the URL may carry a token, the address is personal
        log.info("media of message %s not fetched: %s", message_id, outcome.reason)


def _next_try(media: list[Any], now: datetime, cfg: MediaConfig) -> datetime | None:
    """Back-off doubling with the most-tried waiting file; None once nothing waits."""
    waiting = [int(m.get("fetch_tries", 0) or 0) for m in media if pending(m)]
    if not waiting:
        return None
    return now + timedelta(seconds=cfg.retry_base_seconds * 2 ** max(max(waiting) - 1, 0))
