"""What a stored media item (an entry of `Message.media`) says about its file, without fetching it.

Pure functions on the stored dicts, shared by the service (which marks a new message's files as due),
the fetch job (bot.media, which downloads them through the channels) and the admin (which says which
files are still at the provider). Kept apart from bot.media so the core never imports the channels'
HTTP code to store a message.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

REFERENCES = ("url", "file_id", "media_id")  # Twilio, Telegram, WhatsApp Cloud
GIVEN_UP = ("failed", "skipped")


def reference(item: Any) -> str:
    """The provider's handle on the file, '' when there is none (a location, a simulator file)."""
    if not isinstance(item, dict):
        return ""
    return next((str(item[k]) for k in REFERENCES if item.get(k)), "")


def held(item: Any) -> bool:
    """The file is kept in Aduan's database (store.models.Attachment, the row id under "attachment")."""
    return isinstance(item, dict) and bool(item.get("attachment"))


def pending(item: Any) -> bool:
    """A file still to fetch: held by the provider, not kept yet, not given up on."""
    return bool(reference(item)) and not held(item) and item.get("fetch") not in GIVEN_UP


def due_at(media: list[dict[str, Any]], now: datetime) -> datetime | None:
    """`Message.media_due_at` for a newly stored message: now when a file waits at the provider."""
    return now if any(pending(m) for m in media) else None
