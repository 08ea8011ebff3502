"""A message's attachments on the ticket page, and their download.

Twilio, Telegram and WhatsApp Cloud send a file as the provider's reference (a MediaUrl, a file_id, a
media id); the scheduler's fetch_media job (bot.media) downloads it afterwards and keeps its bytes in
an attachment row, as the simulator's files are kept; the message's media item keeps the metadata
and the row's id. The page lists from the item alone, so rendering a ticket never reads the files. Until then, or when it gave up (a file too large, of a
type not fetched, gone at the provider), the page lists it without a link and says which. A kept file
is served here, under the ticket's own access rule, always as a
download: an HTML or SVG file a citizen sent never runs in the admin's origin.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from flask import abort, send_file
from flask.typing import ResponseReturnValue

from admin import ID, bp, queries
from admin.auth import me
from admin.views import runtime
from bot.media_items import held as file_held
from bot.media_items import pending
from bot.messages import Role
from store import repo
from store.db import read_session
from store.models import Message, Ticket

# types a browser may be told as stored; anything else (HTML, SVG, scripts) is sent as octet-stream
SAFE_TYPES = frozenset(
    {
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/webp",
        "application/pdf",
        "audio/ogg",
        "audio/mpeg",
        "audio/mp4",
        "audio/aac",
        "audio/amr",
        "video/mp4",
        "video/3gpp",
    }
)
KIND = {
    "image": "Foto",
    "document": "Dokumen",
    "audio": "Audio",
    "video": "Video",
    "location": "Lokasi",
    "contact": "Kontak",
}
# why bot.media did not keep a file, as officers read it (codes from bot.channels.files and bot.media)
NOT_FETCHED = {
    "too_large": "berkas terlalu besar",
    "type": "jenis berkas tidak diunduh",
    "unsupported": "saluran tidak mendukung pengunduhan",
}
GONE = "tidak ada lagi di penyedia"  # a 4xx: expired, deleted or refused
TROUBLE = "penyedia tidak menjawab"  # network errors and 5xx, after every try


@dataclass(frozen=True)
class Attachment:
    """One attachment as the ticket page lists it."""

    index: int
    kind: str
    name: str
    content_type: str
    size: str
    place: str  # a location's coordinates, name and address
    held: bool  # the file is kept with the message and can be downloaded
    fetching: bool = False  # still to be fetched from the provider (bot.media)
    not_fetched: str = ""  # why the file was not fetched, for officers; '' when it was or will be


def listed(message: Message, *, identity: bool) -> list[Attachment]:
    """The message's attachments; without `identity` (an officer on a confidential ticket) the
    file names are left out, as they may name the citizen."""
    return [_item(i, m, identity) for i, m in enumerate(message.media or []) if isinstance(m, dict)]


def _item(index: int, media: dict[str, Any], identity: bool) -> Attachment:
    kind = str(media.get("kind", ""))
    place = ", ".join(
        str(media[k]) for k in ("latitude", "longitude", "name", "address") if media.get(k)
    )
    return Attachment(
        index=index,
        kind=KIND.get(kind, kind or "Berkas"),
        name=str(media.get("filename", "")) if identity else "",
        content_type=str(media.get("content_type", "")),
        size=_size(media.get("size")),
        place=place if kind == "location" else "",
        held=file_held(media),
        fetching=pending(media),
        not_fetched=_why(media),
    )


def _why(media: dict[str, Any]) -> str:
    """The reason bot.media gave up on the file, in Indonesian (the template translates it)."""
    if not media.get("fetch"):
        return ""
    reason = str(media.get("fetch_error", ""))
    return NOT_FETCHED.get(reason) or (GONE if reason.startswith("http:4") else TROUBLE)


def _size(raw: Any) -> str:
    """'840 B', '12,5 KB', '2,1 MB' (Indonesian decimal comma); '' when unknown."""
    try:
        size = int(raw)
    except (TypeError, ValueError):
        return ""
    if size < 1024:
        return f"{size} B"
    value, unit = (size / 1024, "KB") if size < 1024 * 1024 else (size / 1024 / 1024, "MB")
    return f"{value:.1f} {unit}".replace(".", ",")


@bp.context_processor
def _attachments() -> dict[str, Any]:
    """`attachments(message, ticket)` for the ticket page."""

    def shown(message: Message, ticket: Ticket) -> list[Attachment]:
        return listed(message, identity=may_download(ticket))

    return {"attachments": shown, "may_download": may_download}


def may_download(ticket: Ticket) -> bool:
    """Officers open confidential tickets without the citizen's identity; a photo or document the
    citizen sent may show it (an ID card, a face), so on those the files stay with admins and the
    committee."""
    return not (ticket.confidential and me().role is Role.OFFICER)


@bp.get(f"/tickets/<number>/messages/<{ID}:message_id>/media/<int(max=99):index>")
def attachment(number: str, message_id: int, index: int) -> ResponseReturnValue:
    """The file, as a download. Whatever the viewer may not have is a 404, so a link passed on to
    an officer of another unit does not even confirm the ticket exists."""
    with read_session(runtime().engine) as db:
        found = queries.ticket_by_number(db, number)
        if found is None or not queries.may_open(db, me(), found[0], found[1].code):
            abort(404)
        message = db.get(Message, message_id)
        if message is None or message.ticket_id != found[0].id or not may_download(found[0]):
            abort(404)
        media = message.media[index] if index < len(message.media or []) else None
        kept = file_held(media)
        data = repo.attachment_data(db, message_id=message_id, index=index) if kept else None
    if data is None or not isinstance(media, dict):
        abort(404)
    stored = str(media.get("content_type", "")).split(";", 1)[0].strip().lower()
    resp = send_file(
        io.BytesIO(data),
        mimetype=stored if stored in SAFE_TYPES else "application/octet-stream",
        as_attachment=True,
        download_name=str(media.get("filename") or f"lampiran-{message_id}-{index + 1}"),
    )
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Cache-Control"] = "private, no-store"  # personal data: not kept by a proxy
    return resp
