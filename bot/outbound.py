"""Messages the desk starts itself (not replies to an inbound message): render, then queue."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from bot.replies import render
from store import repo
from store.models import Contact, Message

if TYPE_CHECKING:
    from bot.service import Desk


def say(
    session: Session,
    *,
    key: str,
    channel: str,
    address: str,
    contact: Contact | None,
    now: datetime,
    desk: Desk,
    ticket_id: int | None = None,
    author: str = "bot",
    **ctx: Any,
) -> Message:
    """Render a reply template in the contact's language and put it in the outbox."""
    cfg = desk.config.app
    lang = (contact.language if contact else "") or cfg.language
    body = render(desk.env, key, lang, now=now, tz=cfg.timezone, **ctx)
    opted_out = contact is not None and contact.opted_out
    return repo.queue_reply(
        session,
        body=body,
        channel=channel,
        address=address,
        now=now,
        ticket_id=ticket_id,
        contact_id=contact.id if contact else None,
        author=author,
        blocked="citizen opted out (STOP)" if opted_out else "",
    )
