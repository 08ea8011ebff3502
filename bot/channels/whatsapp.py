"""Meta's WhatsApp Cloud API: the GET verification challenge, signed POSTs carrying messages and
delivery statuses, and sends through the Graph API with httpx. The address is the E.164 phone."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from bot.channels.base import (
    Handshake,
    Ignored,
    Rejected,
    SendError,
    WebhookRequest,
    WebhookResponse,
    header,
)
from bot.config import WhatsAppConfig
from bot.messages import InboundMessage, Media, OutboundMessage, OutboxStatus, StatusUpdate
from bot.parsers import PhoneError, mask_phone, normalize_phone
from bot.replies.sms import split_text

log = logging.getLogger(__name__)
TEXT_LIMIT = 4096
WINDOW = timedelta(hours=24)
STATUS_MAP = {
    "sent": OutboxStatus.SENT,
    "delivered": OutboxStatus.DELIVERED,
    "read": OutboxStatus.DELIVERED,  # read implies delivered; Meta may skip 'delivered'
    "failed": OutboxStatus.FAILED,
}
MEDIA_TYPES = ("image", "document", "audio", "voice", "video")
RETRY_CODES = {4, 80007, 130429, 131048, 131056, 133016, 131053}  # throttling, media upload
NO_TEMPLATE = (
    "WhatsApp: jendela 24 jam sudah tertutup dan tidak ada template yang disetujui "
    "(channels.whatsapp.template_name); hubungi warga lewat kanal lain. "
    "(Outside WhatsApp's 24-hour window and no approved template configured.)"
)


class WhatsApp:
    name = "whatsapp"
    inline_replies = False  # sent through the Graph API after the commit
    statuses_inline = True  # Meta posts delivery statuses to the messages webhook

    def __init__(self, cfg: WhatsAppConfig, *, secrets: dict[str, str], http: httpx.Client):
        self.cfg = cfg
        self.app_secret = secrets.get("WHATSAPP_APP_SECRET", "")
        self.verify_token = secrets.get("WHATSAPP_VERIFY_TOKEN", "")
        self.access_token = secrets.get("WHATSAPP_ACCESS_TOKEN", "")
        self.phone_number_id = secrets.get("WHATSAPP_PHONE_NUMBER_ID", "")
        self.http = http

    def verify(self, req: WebhookRequest) -> None:
        """GET: hub.verify_token; POST: X-Hub-Signature-256 over the raw body. 403 otherwise."""
        if req.method == "GET":
            token = req.args.get("hub.verify_token", "")
            ok = req.args.get("hub.mode") == "subscribe" and bool(self.verify_token)
            if not ok or not hmac.compare_digest(token.encode(), self.verify_token.encode()):
                raise Rejected("bad hub.verify_token", status=403)
            return
        given = header(req, "X-Hub-Signature-256")
        if not given.startswith("sha256=") or not self.app_secret:
            raise Rejected("missing X-Hub-Signature-256", status=403)
        expected = hmac.new(self.app_secret.encode(), req.body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(given.removeprefix("sha256=").encode(), expected.encode()):
            raise Rejected("bad X-Hub-Signature-256", status=403)

    def parse_inbound(self, req: WebhookRequest) -> list[InboundMessage]:
        """Messages of every change for our phone number; unsupported types are skipped."""
        if req.method == "GET":
            raise Handshake(WebhookResponse(req.args.get("hub.challenge", "")))
        found = []
        for value in self._values(req.body):
            names = {
                c.get("wa_id"): c.get("profile", {}).get("name", "")
                for c in _list(value, "contacts")
            }
            for item in _list(value, "messages"):
                msg = _message(item, names)
                if msg is not None:
                    found.append(msg)
        if not found:
            raise Ignored("no message Aduan can read")
        return found

    def parse_status(self, req: WebhookRequest) -> list[StatusUpdate]:
        """Delivery statuses (sent, delivered, read, failed); others such as 'deleted' skipped."""
        updates = []
        for value in self._values(req.body):
            for item in _list(value, "statuses"):
                status = STATUS_MAP.get(str(item.get("status", "")))
                if status is None or not item.get("id"):
                    continue
                errors = item.get("errors") or [{}]
                error = errors[0] if isinstance(errors[0], dict) else {}
                text = f"WhatsApp {error.get('code')}: {error.get('title', '')}" if error else ""
                updates.append(StatusUpdate(self.name, str(item["id"]), status, text))
        return updates

    def ack(self, replies: Sequence[str]) -> WebhookResponse:
        return WebhookResponse("")

    def send(self, msg: OutboundMessage) -> str:
        """Text inside the 24-hour window, the approved template outside it; returns the wamid."""
        if _window_open(msg):
            parts = split_text(msg.text, TEXT_LIMIT)
            ids = [self._post(msg, {"type": "text", "text": {"body": p}}) for p in parts]
            return ids[0]
        if not self.cfg.template_name:
            raise SendError(NO_TEMPLATE, permanent=True)
        template = {
            "name": self.cfg.template_name,
            "language": {"code": self.cfg.template_language},
            # the approved template has one body variable, {{1}}, that carries the message
            "components": [{"type": "body", "parameters": [{"type": "text", "text": msg.text}]}],
        }
        return self._post(msg, {"type": "template", "template": template})

    def _post(self, msg: OutboundMessage, content: dict[str, Any]) -> str:
        if not (self.access_token and self.phone_number_id):
            reason = "WhatsApp: WHATSAPP_ACCESS_TOKEN/WHATSAPP_PHONE_NUMBER_ID not set"
            raise SendError(reason, permanent=True)
        url = f"{self.cfg.api_base}/{self.cfg.api_version}/{self.phone_number_id}/messages"
        payload = {"messaging_product": "whatsapp", "recipient_type": "individual"}
        payload["to"] = msg.address.lstrip("+")
        try:
            resp = self.http.post(
                url,
                json={**payload, **content},
                headers={"Authorization": f"Bearer {self.access_token}"},
            )
        except httpx.HTTPError as exc:
            raise SendError(f"WhatsApp: {type(exc).__name__}") from exc
        body = _json(resp)
        if resp.status_code >= 400:
            raise _send_error(resp.status_code, body, msg.address)
        try:
            return str(body["messages"][0]["id"])
        except (KeyError, IndexError, TypeError) as exc:
            raise SendError("WhatsApp: no message id in the response") from exc

    def _values(self, body: bytes) -> list[dict[str, Any]]:
        """The `value` objects of a webhook for our phone number id; 400 when malformed."""
        try:
            payload = json.loads(body or b"null")
        except (ValueError, UnicodeDecodeError) as exc:
            raise Rejected("body is not JSON") from exc
        if not isinstance(payload, dict) or not isinstance(payload.get("entry"), list):
            raise Rejected("not a WhatsApp webhook (entry missing)")
        values = []
        for entry in payload["entry"]:
            for change in _list(entry, "changes"):
                value = change.get("value") if isinstance(change, dict) else None
                if not isinstance(value, dict):
                    raise Rejected("change without a value")
                number_id = str(value.get("metadata", {}).get("phone_number_id", ""))
                if not self.phone_number_id or number_id == self.phone_number_id:
                    values.append(value)
        return values


def _list(obj: Any, key: str) -> list[Any]:
    if not isinstance(obj, dict):
        raise Rejected(f"expected an object holding {key!r}")
    items = obj.get(key, [])
    if not isinstance(items, list):
        raise Rejected(f"{key!r} must be a list")
    return [i for i in items if isinstance(i, dict)]


def _message(item: dict[str, Any], names: dict[Any, str]) -> InboundMessage | None:
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
    except (TypeError, ValueError):
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


def _window_open(msg: OutboundMessage) -> bool:
    """Free-form messages are allowed for 24 h after the citizen last wrote."""
    if msg.last_inbound_at is None:
        return False
    return (msg.attempt_at or datetime.now(UTC)) - msg.last_inbound_at < WINDOW


def _json(resp: httpx.Response) -> dict[str, Any]:
    try:
        body = resp.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _send_error(status: int, body: dict[str, Any], address: str) -> SendError:
    """Throttling and 5xx are retried; any other refusal is permanent (visible to officers)."""
    error = body.get("error") if isinstance(body.get("error"), dict) else {}
    code = error.get("code")
    log.warning("whatsapp refused a send to %s: %s %s", mask_phone(address), status, code)
    reason = f"WhatsApp {code or status}: {error.get('message', '')}".strip(": ")
    return SendError(reason, permanent=status < 500 and code not in RETRY_CODES and status != 429)
