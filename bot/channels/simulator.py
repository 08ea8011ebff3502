"""The local simulator: a chat page in the browser standing in for a phone. No provider, no secrets."""

from __future__ import annotations

import json
from collections.abc import Sequence

from bot.channels.base import Rejected, WebhookRequest, WebhookResponse
from bot.messages import InboundMessage, OutboundMessage, StatusUpdate
from bot.parsers.phone import PhoneError, normalize_phone


class Simulator:
    name = "simulator"
    inline_replies = True
    inline_max_segments = 0

    def verify(self, req: WebhookRequest) -> None:
        """Nothing to verify: the simulator is enabled only by config, for trying Aduan locally."""

    def parse_inbound(self, req: WebhookRequest) -> list[InboundMessage]:
        """`{"from": "0812...", "text": "...", "id": optional}`; the phone becomes E.164."""
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
        return [InboundMessage(self.name, phone, text, provider_id, phone=phone)]

    def parse_status(self, req: WebhookRequest) -> list[StatusUpdate]:
        return []

    def ack(self, replies: Sequence[str]) -> WebhookResponse:
        return WebhookResponse(
            json.dumps({"replies": list(replies)}), content_type="application/json"
        )

    def send(self, msg: OutboundMessage) -> str:
        """Later messages (approved answers) are read from the database by the simulator page."""
        return f"sim-{msg.outbox_id}"
