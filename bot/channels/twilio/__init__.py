"""Twilio Programmable Messaging: SMS/MMS and WhatsApp (the `whatsapp:` prefix) on one webhook.

Both paths are stored as channel "twilio"; the address keeps the prefix ("+62812..." for SMS,
"whatsapp:+62812..." for WhatsApp), so replies go back on the path the citizen used and the
WhatsApp 24-hour window is measured on the WhatsApp address only.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator, compare
from twilio.rest import Client
from twilio.twiml.messaging_response import MessagingResponse

from bot.channels.base import (
    Ignored,
    Rejected,
    SendError,
    WebhookRequest,
    WebhookResponse,
    header,
    send_parts,
)
from bot.channels.files import Fetched, FetchFailed, get_capped
from bot.channels.twilio.form import WA
from bot.channels.twilio.form import address as form_address
from bot.channels.twilio.form import media as form_media
from bot.channels.twilio.rest import TWILIO_API, HttpxClient
from bot.config import TwilioConfig
from bot.messages import InboundMessage, OutboundMessage, OutboxStatus, StatusUpdate
from bot.parsers import mask_phone
from bot.replies.sms import one_line_parts, split_sms, split_text

log = logging.getLogger(__name__)
WINDOW = timedelta(hours=24)
BODY_LIMIT = 1600  # Twilio's maximum Body length
VARIABLE_LIMIT = 255  # Content API: "The variable value has a maximum length of 255 characters"
OPTED_OUT = "21610"  # "Attempt to send to unsubscribed recipient"
STATUS_MAP = {
    "accepted": OutboxStatus.SENT,
    "queued": OutboxStatus.SENT,
    "sending": OutboxStatus.SENT,
    "sent": OutboxStatus.SENT,
    "delivered": OutboxStatus.DELIVERED,
    "read": OutboxStatus.DELIVERED,
    "undelivered": OutboxStatus.FAILED,
    "failed": OutboxStatus.FAILED,
    "canceled": OutboxStatus.FAILED,
}
EMPTY_ACK = WebhookResponse(str(MessagingResponse()), content_type="text/xml; charset=utf-8")
NOT_OUTBOUND = {"receiving", "received", "scheduled", "partially_delivered"}
NO_TEMPLATE = (
    "WhatsApp: jendela 24 jam sudah tertutup dan tidak ada template yang disetujui "
    "(channels.twilio.whatsapp_template_sid); hubungi warga lewat kanal lain. "
    "(Outside WhatsApp's 24-hour window and no approved template configured.)"
)


class Twilio:
    name = "twilio"
    inline_replies = True  # TwiML in the webhook response
    inline_max_segments = 0

    def __init__(
        self,
        cfg: TwilioConfig,
        *,
        account_sid: str,
        auth_token: str,
        public_base_url: str,
        http: httpx.Client,
        api_key_sid: str = "",
        api_key_secret: str = "",
    ) -> None:
        """REST calls (sending, fetching media) authenticate with an API key when one is given, as
        Twilio recommends in production (it can be revoked alone), else with the account SID and
        auth token (`build_config` refuses half a key). Webhook signatures are always checked with
        the auth token: Twilio signs with it."""
        self.cfg = cfg
        self.configured = bool(account_sid and auth_token)
        self.auth_token = auth_token
        self.account_sid = account_sid
        self.rest_auth = (
            (api_key_sid, api_key_secret)
            if api_key_sid and api_key_secret
            else (account_sid, auth_token)
        )
        self.http = http
        self.status_url = f"{public_base_url}/webhooks/twilio/status" if public_base_url else ""
        self.client = Client(
            *self.rest_auth, account_sid, http_client=HttpxClient(http, cfg.api_base)
        )

    def fetch_media(self, item: dict[str, Any], *, cap: int) -> Fetched:
        """The MediaUrl with HTTP Basic auth (the API key, or the account SID and auth token, as
        Twilio requires for media once "enforce HTTP auth" is on, and harmless before); Twilio
        redirects to its CDN."""
        url = str(item.get("url", ""))
        if not url.startswith("https://"):
            raise FetchFailed("no_reference", final=True)
        base = self.cfg.api_base.rstrip("/")
        if base != TWILIO_API and url.startswith(TWILIO_API):
            url = base + url[len(TWILIO_API) :]
        return get_capped(self.http, url, cap=cap, auth=self.rest_auth)

    def verify(self, req: WebhookRequest) -> None:
        """X-Twilio-Signature over the public URL and every parameter; 403 when wrong or missing."""
        signature = header(req, "X-Twilio-Signature")
        if not signature or not self.auth_token:
            raise Rejected("missing X-Twilio-Signature", status=403)
        validator = RequestValidator(self.auth_token)
        json_body = "bodySHA256=" in req.url
        params: object = req.body.decode("utf-8", "replace") if json_body else dict(req.form)
        # The usual case first: signed over exactly this URL (one HMAC). Otherwise the library's
        # full check, which also tries the URL with and without its port and the JSON body hash.
        if not json_body and compare(validator.compute_signature(req.url, params), signature):
            return
        if not validator.validate(req.url, params, signature):
            raise Rejected("bad X-Twilio-Signature", status=403)

    def parse_inbound(self, req: WebhookRequest) -> list[InboundMessage]:
        """One message per request: text, MMS media, WhatsApp location and profile name."""
        form = req.form if req.method == "POST" else req.args
        sid = form.get("MessageSid") or form.get("SmsSid") or ""
        sender = form.get("From", "")
        if not sid or not sender:
            raise Rejected("MessageSid and From are required")
        address, phone = form_address(sender)
        media = form_media(form)
        text = form.get("Body", "") or form.get("ButtonText", "")
        return [
            InboundMessage(
                self.name,
                address,
                text,
                sid,
                phone=phone,
                name=form.get("ProfileName", ""),
                media=media,
            )
        ]

    def parse_status(self, req: WebhookRequest) -> list[StatusUpdate]:
        """A status callback: MessageSid + MessageStatus (+ ErrorCode); 21610 means opted out."""
        sid = req.form.get("MessageSid") or req.form.get("SmsSid") or ""
        status = req.form.get("MessageStatus") or req.form.get("SmsStatus") or ""
        if not sid or not status:
            raise Rejected("MessageSid and MessageStatus are required")
        if status in NOT_OUTBOUND:
            raise Ignored(f"status {status}")
        if status not in STATUS_MAP:
            raise Rejected(f"unknown MessageStatus {status!r}")
        code = req.form.get("ErrorCode", "")
        error = f"Twilio {code}: {req.form.get('ErrorMessage', '')}".strip(": ") if code else ""
        return [StatusUpdate(self.name, sid, STATUS_MAP[status], error, code == OPTED_OUT)]

    def ack(self, replies: Sequence[str]) -> WebhookResponse:
        """TwiML: one <Message> per reply (Twilio concatenates long SMS itself)."""
        if not replies:
            return EMPTY_ACK
        resp = MessagingResponse()
        for reply in replies:
            resp.message(reply)
        return WebhookResponse(str(resp), content_type="text/xml; charset=utf-8")

    def send(self, msg: OutboundMessage) -> str:
        """A later message through the REST API; returns the first part's Message SID (with every
        part's SID, see send_parts: Twilio sends a status callback for each)."""
        if msg.address.startswith(WA):
            return self._send_whatsapp(msg)
        return send_parts(
            split_sms(msg.text),
            lambda _i, part: self._create(msg, body=part),
            sent=msg.sent_parts,
        )

    def _send_whatsapp(self, msg: OutboundMessage) -> str:
        if _window_open(msg):
            parts = split_text(msg.text, BODY_LIMIT)
            return send_parts(
                parts, lambda _i, part: self._create(msg, body=part), sent=msg.sent_parts
            )
        if not self.cfg.whatsapp_template_sid:
            raise SendError(NO_TEMPLATE, permanent=True)
        # the approved template has one variable, {{1}}, that carries the (one-line) message
        return send_parts(
            one_line_parts(msg.text, VARIABLE_LIMIT),
            lambda _i, part: self._create(
                msg,
                content_sid=self.cfg.whatsapp_template_sid,
                content_variables=json.dumps({"1": part}, ensure_ascii=False),
            ),
            sent=msg.sent_parts,
        )

    def _create(self, msg: OutboundMessage, **fields: str) -> str:
        if not self.configured:
            raise SendError("Twilio: TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN not set", permanent=True)
        sender = self.cfg.whatsapp_from if msg.address.startswith(WA) else self.cfg.sms_from
        if sender.startswith("MG"):
            fields["messaging_service_sid"] = sender
        else:
            fields["from_"] = sender
        if self.status_url:
            fields["status_callback"] = self.status_url
        try:
            created = self.client.messages.create(to=msg.address, **fields)
        except TwilioRestException as exc:
            raise _send_error(exc, msg.address) from exc
        except httpx.HTTPError as exc:  # network trouble: try again later
            raise SendError(f"Twilio: {type(exc).__name__}") from exc
        return str(created.sid)


def _send_error(exc: TwilioRestException, address: str) -> SendError:
    """Map a REST error: 21610 opted out; other 4xx permanent; 429 and 5xx retried."""
    code = str(exc.code or "")
    log.warning("twilio refused a send to %s: %s %s", mask_phone(address), exc.status, code)
    reason = f"Twilio {code or exc.status}: {exc.msg}"
    if code == OPTED_OUT:
        return SendError(reason, opted_out=True)
    return SendError(reason, permanent=400 <= exc.status < 500 and exc.status != 429)


def _window_open(msg: OutboundMessage) -> bool:
    """WhatsApp allows free-form messages for 24 h after the citizen last wrote."""
    if msg.last_inbound_at is None:
        return False
    return (msg.attempt_at or datetime.now(UTC)) - msg.last_inbound_at < WINDOW
