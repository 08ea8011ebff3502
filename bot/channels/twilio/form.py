"""Reading Twilio's form-encoded webhooks: the sender's address and phone, media and locations."""

from __future__ import annotations

from collections.abc import Mapping

from bot.channels.base import Rejected, media_kind
from bot.messages import Media
from bot.parsers import PhoneError, normalize_phone

WA = "whatsapp:"
MAX_MEDIA = 50  # Twilio sends at most 10; a larger count is not a real message


def address(sender: str) -> tuple[str, str | None]:
    """The reply address (prefix kept) and the E.164 phone behind it, if it is one."""
    prefix = WA if sender.startswith(WA) else ""
    raw = sender.removeprefix(WA)
    try:
        phone = normalize_phone(raw)
    except PhoneError:
        return sender, None  # a WhatsApp BSUID or an alphanumeric sender: no phone to join on
    return prefix + phone, phone


def media(form: Mapping[str, str]) -> tuple[Media, ...]:
    """MMS/WhatsApp media (MediaUrlN, MediaContentTypeN) and a shared location."""
    found = []
    try:
        count = int(form.get("NumMedia", "0") or 0)
    except ValueError as exc:
        raise Rejected("NumMedia must be a number") from exc
    if not 0 <= count <= MAX_MEDIA:
        raise Rejected(f"NumMedia must be 0 to {MAX_MEDIA}")
    for i in range(count):
        kind_type = form.get(f"MediaContentType{i}", "")
        found.append(Media(media_kind(kind_type), form.get(f"MediaUrl{i}", ""), kind_type))
    if form.get("Latitude") and form.get("Longitude"):
        extra = {"latitude": form["Latitude"], "longitude": form["Longitude"]}
        if form.get("Address"):
            extra["address"] = form["Address"]
        found.append(Media("location", extra=extra))
    return tuple(found)
