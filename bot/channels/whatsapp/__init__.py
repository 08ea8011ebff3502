"""Meta's WhatsApp Cloud API: the GET verification challenge, signed POSTs carrying messages and
delivery statuses, and sends through the Graph API with httpx. The address is the E.164 phone."""

from __future__ import annotations

import hashlib
import hmac
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
    send_parts,
)
from bot.channels.files import Fetched, FetchFailed, get_capped, get_json, too_large
from bot.channels.whatsapp.payload import change_values, items, message, names, status_error
from bot.config import WhatsAppConfig
from bot.messages import InboundMessage, OutboundMessage, OutboxStatus, StatusUpdate
from bot.parsers import mask_phone
from bot.replies.sms import one_line_parts, split_text

log = logging.getLogger(__name__)
TEXT_LIMIT = 4096
# A template's body, its own text and the parameter together, is at most 1,024 characters; the
# approved template's own text must stay under 124 (e.g. "Jawaban aduan Anda: {{1}}").
TEMPLATE_PARAM_LIMIT = 900
WINDOW = timedelta(hours=24)
STATUS_MAP = {
    "sent": OutboxStatus.SENT,
    "delivered": OutboxStatus.DELIVERED,
    "read": OutboxStatus.DELIVERED,  # read implies delivered; Meta may skip 'delivered'
    "failed": OutboxStatus.FAILED,
}
RETRY_CODES = {4, 80007, 130429, 131048, 131056, 133016, 131053}  # throttling, media upload
NO_TEMPLATE = (
    "WhatsApp: jendela 24 jam sudah tertutup dan tidak ada template yang disetujui "
    "(channels.whatsapp.template_name); hubungi warga lewat kanal lain. "
    "(Outside WhatsApp's 24-hour window and no approved template configured.)"
)


class WhatsApp:
    name = "whatsapp"
    inline_replies = False  # sent through the Graph API after the commit
    inline_max_segments = 0
    statuses_inline = True  # Meta posts delivery statuses to the messages webhook

    def __init__(self, cfg: WhatsAppConfig, *, secrets: dict[str, str], http: httpx.Client):
        self.cfg = cfg
        self.app_secret = secrets.get("WHATSAPP_APP_SECRET", "")
        self.verify_token = secrets.get("WHATSAPP_VERIFY_TOKEN", "")
        self.access_token = secrets.get("WHATSAPP_ACCESS_TOKEN", "")
        self.phone_number_id = secrets.get("WHATSAPP_PHONE_NUMBER_ID", "")
        self.http = http

    def fetch_media(self, item: dict[str, Any], *, cap: int) -> Fetched:
        """GET /<media-id> for a short-lived download url (minutes), then that url, both with the
        bearer token. Meta keeps an inbound media id for 7 days."""
        media_id = str(item.get("media_id", ""))
        if not media_id or not self.access_token:
            raise FetchFailed(
                "no_reference" if not media_id else "not_configured", final=not media_id
            )
        auth = {"Authorization": f"Bearer {self.access_token}"}
        found = get_json(
            self.http, f"{self.cfg.api_base}/{self.cfg.api_version}/{media_id}", headers=auth
        )
        if not isinstance(found.get("url"), str) or not found["url"].startswith("https://"):
            raise FetchFailed("bad_answer", final=False)
        if too_large(found.get("file_size"), cap):
            raise FetchFailed("too_large", final=True)
        got = get_capped(self.http, found["url"], cap=cap, headers=auth)
        return Fetched(got.data, str(found.get("mime_type") or got.content_type))

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
        for value in change_values(req.body, self.phone_number_id):
            senders = names(value)
            for item in items(value, "messages"):
                msg = message(item, senders)
                if msg is not None:
                    found.append(msg)
        if not found:
            raise Ignored("no message Aduan can read")
        return found

    def parse_status(self, req: WebhookRequest) -> list[StatusUpdate]:
        """Delivery statuses (sent, delivered, read, failed); others such as 'deleted' skipped."""
        updates = []
        for value in change_values(req.body, self.phone_number_id):
            for item in items(value, "statuses"):
                status = STATUS_MAP.get(str(item.get("status", "")))
                if status is None or not item.get("id"):
                    continue
                updates.append(StatusUpdate(self.name, str(item["id"]), status, status_error(item)))
        return updates

    def ack(self, replies: Sequence[str]) -> WebhookResponse:
        return WebhookResponse("")

    def send(self, msg: OutboundMessage) -> str:
        """Text inside the 24-hour window, the approved template outside it; returns the wamid."""
        if _window_open(msg):
            parts = split_text(msg.text, TEXT_LIMIT)
            return send_parts(
                parts,
                lambda _i, p: self._post(msg, {"type": "text", "text": {"body": p}}),
                sent=msg.sent_parts,
            )
        if not self.cfg.template_name:
            raise SendError(NO_TEMPLATE, permanent=True)
        return send_parts(
            one_line_parts(msg.text, TEMPLATE_PARAM_LIMIT),
            lambda _i, p: self._post(msg, {"type": "template", "template": self._template(p)}),
            sent=msg.sent_parts,
        )

    def _template(self, text: str) -> dict[str, Any]:
        """The approved template; its one body variable, {{1}}, carries the (one-line) text."""
        return {
            "name": self.cfg.template_name,
            "language": {"code": self.cfg.template_language},
            "components": [{"type": "body", "parameters": [{"type": "text", "text": text}]}],
        }

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
