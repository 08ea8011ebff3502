"""The local simulator: a chat page in the browser standing in for a phone. No provider, no secrets."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Any

from bot.channels.base import Rejected, WebhookRequest, WebhookResponse, media_kind
from bot.messages import InboundMessage, Media, OutboundMessage, StatusUpdate
from bot.parsers.phone import PhoneError, normalize_phone

MAX_FILES = 5
MAX_FILE_BYTES = 2 * 1024 * 1024  # the file is kept in the message row: small, like a phone photo


class Simulator:
    name = "simulator"
    inline_replies = True
    inline_max_segments = 0

    def verify(self, req: WebhookRequest) -> None:
        """Nothing to verify: the simulator is enabled only by config, for trying Aduan locally."""

    def parse_inbound(self, req: WebhookRequest) -> list[InboundMessage]:
        """`{"from": "0812...", "text": "...", "id": optional, "media": optional}`; the phone
        becomes E.164. `media` is a list of `{"name", "content_type", "data": base64}`."""
        try:
            payload = json.loads(req.body or b"null")
        except (ValueError, UnicodeDecodeError) as exc:
            raise Rejected("body is not JSON") from exc
        if not isinstance(payload, dict):
            raise Rejected("body must be a JSON object")
        sender, text, msg_id = payload.get("from"), payload.get("text"), payload.get("id")
        if not isinstance(sender, str) or not sender.strip():
            raise Rejected("'from' must be a phone number")
        if not isinstance(text, str):
            raise Rejected("'text' must be a string")
        if msg_id is not None and not isinstance(msg_id, str | int):
            raise Rejected("'id' must be a string")
        try:
            phone = normalize_phone(sender)
        except PhoneError as exc:
            raise Rejected(f"'from' is not a valid phone number: {exc}") from exc
        provider_id = str(msg_id) if msg_id is not None else None
        media = _media(payload.get("media", []))
        return [InboundMessage(self.name, phone, text, provider_id, phone=phone, media=media)]

    def parse_status(self, req: WebhookRequest) -> list[StatusUpdate]:
        return []

    def ack(self, replies: Sequence[str]) -> WebhookResponse:
        return WebhookResponse(
            json.dumps({"replies": list(replies)}), content_type="application/json"
        )

    def send(self, msg: OutboundMessage) -> str:
        """Later messages (approved answers) are read from the database by the simulator page."""
        return f"sim-{msg.outbox_id}"


def _media(items: Any) -> tuple[Media, ...]:
    """Attached files, kept whole with the message: the simulator has no provider to fetch them from
    later, so the admin's download can be tried end to end."""
    if not isinstance(items, list) or len(items) > MAX_FILES:
        raise Rejected(f"'media' must be a list of at most {MAX_FILES} files")
    return tuple(_file(item) for item in items)


def _file(item: Any) -> Media:
    if not isinstance(item, dict) or not all(
        isinstance(item.get(k), str) for k in ("name", "content_type", "data")
    ):
        raise Rejected("each file needs 'name', 'content_type' and base64 'data' strings")
    try:
        data = base64.b64decode(item["data"], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise Rejected("'data' is not base64") from exc
    if len(data) > MAX_FILE_BYTES:
        raise Rejected(f"a file may be at most {MAX_FILE_BYTES} bytes")
    content_type = item["content_type"][:100]
    extra = {"filename": item["name"][:200], "size": str(len(data)), "data": item["data"]}
    return Media(media_kind(content_type), content_type=content_type, extra=extra)
