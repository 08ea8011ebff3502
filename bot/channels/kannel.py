"""Kannel: inbound SMS through smsbox's sms-service get-url, replies in the response body, later messages
through the sendsms HTTP interface, delivery reports through a dlr-url back to /webhooks/kannel/status.

Kannel signs nothing, so a request is accepted only from an allowed address AND with the shared secret
(KANNEL_WEBHOOK_SECRET) in its `secret` query parameter, which the get-url and dlr-url carry.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from urllib.parse import urlencode

import httpx

from bot.channels.base import (
    Ignored,
    PartIds,
    Rejected,
    SendError,
    WebhookRequest,
    WebhookResponse,
    send_parts,
)
from bot.config import Config
from bot.messages import InboundMessage, OutboundMessage, OutboxStatus, StatusUpdate
from bot.parsers.phone import PhoneError, mask_phone, normalize_phone
from bot.replies.sms import is_gsm7, split_sms

log = logging.getLogger(__name__)

# dlr-mask bits (Kannel user guide): 1 delivered to phone, 2 not delivered to phone, 4 queued on the
# SMSC, 8 delivered to the SMSC, 16 not delivered to the SMSC. Only final answers change the outbox:
# an "8" arriving after the "1" must not turn a delivered message back into a sent one.
DLR_STATUS = {1: OutboxStatus.DELIVERED, 2: OutboxStatus.FAILED, 16: OutboxStatus.FAILED}
UCS2, GSM7 = "2", "0"


def _networks(allowed: Sequence[str]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(a, strict=False) for a in allowed)


def _provider_id(args: Mapping[str, str], sender: str, text: str) -> str:
    """Kannel's internal id (%I) when the get-url carries it, else a digest of sender, time and text.

    %I is stable across smsbox's own get-url retries; the digest also catches an SMSC that delivers
    the same message twice with its original time stamp."""
    if args.get("id"):
        return f"I:{args['id'][:120]}"
    stamp = args.get("ts") or args.get("time") or ""
    digest = hashlib.sha256(f"{sender}\n{stamp}\n{text}".encode()).hexdigest()
    return f"H:{digest[:40]}"


def _received_at(args: Mapping[str, str]) -> datetime | None:
    raw = args.get("ts", "")
    if not raw:
        return None
    try:
        return datetime.fromtimestamp(int(raw), UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise Rejected("'ts' must be a unix time (%T)") from exc


class Kannel:
    name = "kannel"
    inline_replies = True

    def __init__(self, config: Config, http: httpx.Client) -> None:
        self.cfg = config.channels.kannel
        self.http = http
        self.secret = config.secret("KANNEL_WEBHOOK_SECRET")
        self.sendsms_url = config.secret("KANNEL_SENDSMS_URL")
        self.username = config.secret("KANNEL_USERNAME")
        self.password = config.secret("KANNEL_PASSWORD")
        self.base_url = config.public_base_url
        self.region = config.app.default_region
        self.allowed = _networks(self.cfg.allowed_ips)
        self.inline_max_segments = self.cfg.reply_max_messages  # smsbox cuts the rest silently

    def verify(self, req: WebhookRequest) -> None:
        """An allowed caller address and the shared secret; without a configured secret, nobody."""
        try:
            addr = ipaddress.ip_address(req.remote_addr)
        except ValueError as exc:
            raise Rejected("caller address not allowed", 403) from exc
        # a server bound to "::" sees an IPv4 caller as ::ffff:a.b.c.d
        if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
            addr = addr.ipv4_mapped
        if not any(addr in net for net in self.allowed):
            raise Rejected("caller address not allowed", 403)
        given = req.args.get("secret", "")
        if not self.secret or not given:
            raise Rejected("missing secret", 403)
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            raise Rejected("wrong secret", 403)

    def parse_inbound(self, req: WebhookRequest) -> list[InboundMessage]:
        """get-url `?from=%p&to=%P&text=%a&ts=%T&smsc=%i&id=%I`: one SMS per request."""
        sender, text = req.args.get("from"), req.args.get("text")
        if not sender or text is None:
            raise Rejected("'from' and 'text' are required")
        try:
            phone = normalize_phone(sender, self.region)
        except PhoneError as exc:
            # An operator's notice from a name or short code: answered with nothing (omit-empty),
            # because a 4xx would make smsbox send its "request failed" text back to it.
            raise Ignored(f"sender is not a phone number: {mask_phone(sender)}") from exc
        received = _received_at(req.args)
        provider_id = _provider_id(req.args, phone, text)
        return [
            InboundMessage(self.name, phone, text, provider_id, phone=phone, received_at=received)
        ]

    def parse_status(self, req: WebhookRequest) -> list[StatusUpdate]:
        """dlr-url `?id=<our id>&type=%d`: final reports update the outbox, the others are ignored."""
        provider_id, kind = req.args.get("id"), req.args.get("type", "")
        if not provider_id or not kind.isascii() or not kind.isdigit() or len(kind) > 9:
            raise Rejected("'id' and a numeric 'type' are required")
        status = DLR_STATUS.get(int(kind))
        if status is None:
            raise Ignored(f"intermediate delivery report {kind}")
        error = "" if status is OutboxStatus.DELIVERED else f"Kannel DLR {kind}"
        return [StatusUpdate(self.name, provider_id, status, error=error)]

    def ack(self, replies: Sequence[str]) -> WebhookResponse:
        """The body is the reply SMS; X-Kannel-Coding asks smsbox for UCS-2 when GSM-7 cannot carry it."""
        body = "\n\n".join(r for r in replies if r)
        headers = {} if is_gsm7(body) else {"X-Kannel-Coding": UCS2}
        return WebhookResponse(body, 200, "text/plain; charset=utf-8", headers)

    def send(self, msg: OutboundMessage) -> str:
        """One sendsms request per "(i/n)" part, each with its own id in the dlr-url (a message of
        one part: `kannel-<outbox id>`; of n: `kannel-<outbox id>-<i>`), so each part's DLR counts."""
        if not (self.sendsms_url and self.username and self.password):
            raise SendError("KANNEL_SENDSMS_URL, KANNEL_USERNAME or KANNEL_PASSWORD is not set")
        parts = split_sms(msg.text)
        ids = self._part_ids(msg, len(parts))

        def one(i: int, part: str) -> str:
            self._sendsms(msg.address, part, ids[i])
            return ids[i]

        return send_parts(parts, one, sent=msg.sent_parts)

    def planned_provider_id(self, msg: OutboundMessage) -> str:
        """Known before sending: the dispatcher records it first, as a DLR may beat send()'s return."""
        return PartIds(self._part_ids(msg, len(split_sms(msg.text))))

    @staticmethod
    def _part_ids(msg: OutboundMessage, count: int) -> list[str]:
        if count <= 1:
            return [f"kannel-{msg.outbox_id}"]
        return [f"kannel-{msg.outbox_id}-{i}" for i in range(1, count + 1)]

    def _sendsms(self, to: str, text: str, provider_id: str) -> None:
        params = {
            "username": self.username,
            "password": self.password,
            "to": to,
            "text": text,
            "charset": "UTF-8",
            "coding": GSM7 if is_gsm7(text) else UCS2,
            **({"from": self.cfg.sender} if self.cfg.sender else {}),
            **self._dlr_params(provider_id),
        }
        try:
            resp = self.http.get(self.sendsms_url, params=params)
        except httpx.HTTPError as exc:
            raise SendError(f"Kannel unreachable: {type(exc).__name__}") from exc
        if resp.status_code in (200, 201, 202) and resp.text.lstrip()[:2] in ("0:", "3:"):
            return
        reason = f"Kannel sendsms {resp.status_code}: {resp.text.strip()[:200]}"
        # 4xx: bad credentials or request, the same again would fail again; 503 and others: retry.
        raise SendError(reason, permanent=400 <= resp.status_code < 500)

    def _dlr_params(self, provider_id: str) -> dict[str, str]:
        """Delivery reports need a URL Kannel can reach: none without PUBLIC_BASE_URL or a mask."""
        if not self.base_url or not self.cfg.dlr_mask:
            return {}
        query = urlencode({"secret": self.secret, "id": provider_id})
        url = f"{self.base_url}/webhooks/kannel/status?{query}&type=%d"
        return {"dlr-mask": str(self.cfg.dlr_mask), "dlr-url": url}
