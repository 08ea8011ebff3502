"""Reading Meta's WhatsApp webhook payloads: the change values, inbound messages and their media."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from bot.channels.base import Rejected
from bot.messages import InboundMessage, Media
from bot.parsers import PhoneError, mask_phone, normalize_phone

log = logging.getLogger(__name__)
MEDIA_TYPES = ("image", "document", "audio", "voice", "video")


def change_values(body: bytes, phone_number_id: str) -> list[dict[str, Any]]:
    """The `value` objects of a webhook for our phone number id; 400 when malformed."""
    try:
        payload = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise Rejected("body is not JSON") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("entry"), list):
        raise Rejected("not a WhatsApp webhook (entry missing)")
    values = []
    for entry in payload["entry"]:
        for change in items(entry, "changes"):
            value = change.get("value") if isinstance(change, dict) else None
            if not isinstance(value, dict):
                raise Rejected("change without a value")
            metadata = value.get("metadata", {})
            if not isinstance(metadata, dict):
                raise Rejected("metadata must be an object")
            number_id = str(metadata.get("phone_number_id", ""))
            if not phone_number_id or number_id == phone_number_id:
                values.append(value)
    return values


def items(obj: Any, key: str) -> list[Any]:
    """The dict items of a list field; 400 when it is not a list."""
    if not isinstance(obj, dict):
        raise Rejected(f"expected an object holding {key!r}")
    items = obj.get(key, [])
    if not isinstance(items, list):
        raise Rejected(f"{key!r} must be a list")
    return [i for i in items if isinstance(i, dict)]


def message(item: dict[str, Any], names: dict[str, str]) -> InboundMessage | None:
    """One inbound WhatsApp message, or None for types Aduan does not read (unsupported, reaction)."""
    kind, sender, wamid = item.get("type"), item.get("from"), item.get("id")
    if not isinstance(sender, str) or not isinstance(wamid, str):
        raise Rejected("message without from or id")
    text, media = _content(kind, item)
    if text is None:
        return None
    try:
        phone = normalize_phone(sender if sender.startswith("+") else f"+{sender}")
    except PhoneError:
        log.info("whatsapp message from a non-phone id %s ignored", mask_phone(sender))
        return None
    try:
        received = datetime.fromtimestamp(int(item.get("timestamp", "")), UTC)
    except (TypeError, ValueError, OverflowError, OSError):  # absent or out of range: not needed
        received = None
    return InboundMessage(
        "whatsapp",
        phone,
        text,
        wamid,
        phone=phone,
        name=names.get(sender, ""),
        media=media,
        received_at=received,
    )


def names(value: dict[str, Any]) -> dict[str, str]:
    """Profile names by WhatsApp id; an odd contact entry is skipped (the name is optional)."""
    found = {}
    for contact in items(value, "contacts"):
        wa_id, profile = contact.get("wa_id"), contact.get("profile")
        name = profile.get("name") if isinstance(profile, dict) else None
        if isinstance(wa_id, str) and isinstance(name, str):
            found[wa_id] = name
    return found


def status_error(item: dict[str, Any]) -> str:
    """The first error of a status as text; an odd `errors` part gives none (it is optional)."""
    errors = item.get("errors")
    error = errors[0] if isinstance(errors, list) and errors else None
    if not isinstance(error, dict) or not error:
        return ""
    return f"WhatsApp {error.get('code')}: {error.get('title', '')}"


def _content(kind: Any, item: dict[str, Any]) -> tuple[str | None, tuple[Media, ...]]:
    body = item.get(kind) if isinstance(kind, str) else None
    body = body if isinstance(body, dict) else {}
    if kind == "text":
        return str(body.get("body", "")), ()
    if kind in MEDIA_TYPES:
        extra = {"media_id": str(body.get("id", ""))}
        if body.get("filename"):
            extra["filename"] = str(body["filename"])
        major = "audio" if kind == "voice" else kind
        return str(body.get("caption", "")), (
            Media(major, "", str(body.get("mime_type", "")), extra),
        )
    if kind == "location":
        extra = {k: str(body[k]) for k in ("latitude", "longitude", "name", "address") if k in body}
        return "", (Media("location", extra=extra),)
    if kind == "button":
        return str(body.get("text", "")), ()
    if kind == "interactive":
        reply = body.get("button_reply") or body.get("list_reply") or {}
        return str(reply.get("title", "")) if isinstance(reply, dict) else "", ()
    return None, ()
