"""Telegram Bot API through python-telegram-bot: updates parsed with PTB's Update, replies sent with
PTB's Bot over a request class backed by Aduan's synchronous httpx.Client (one asyncio.run per send).

The address is the chat id. A citizen who shares their own phone number (the contact button) is
linked to that phone's contact, joining their SMS/WhatsApp history.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Sequence
from typing import Any

import httpx
from telegram import Bot, KeyboardButton, Message, ReplyKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, TelegramError
from telegram.request import BaseRequest, RequestData

from bot.channels.base import (
    Ignored,
    Rejected,
    SendError,
    WebhookRequest,
    WebhookResponse,
    header,
    send_parts,
)
from bot.channels.files import Fetched, FetchFailed, get_capped, get_json, too_large
from bot.config import TelegramConfig
from bot.messages import InboundMessage, Media, OutboundMessage, StatusUpdate
from bot.parsers import PhoneError, normalize_phone
from bot.replies.sms import split_text

log = logging.getLogger(__name__)
TEXT_LIMIT = 4096
# Telegram's own commands: /start is what every new chat sends first, so it asks for the help (the
# START keyword would mean "opt in again"); other commands lose the slash (/status -> STATUS).
COMMANDS = {"start": "BANTUAN", "help": "BANTUAN"}
SHARE_PHONE = "📱 Bagikan nomor HP / Share phone number"


class HttpxRequest(BaseRequest):
    """PTB's request interface over a synchronous httpx.Client, so tests fake Telegram at HTTP."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        """Nothing to open: the httpx.Client belongs to the application."""

    async def shutdown(self) -> None:
        """Nothing to close: the httpx.Client belongs to the application."""

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, **_: Any
    ) -> tuple[int, bytes]:
        """POST the Bot API method; PTB turns the status and body into a result or an error."""
        data = request_data.json_parameters if request_data else None
        try:
            resp = self.http.request(method, url, data=data)
        except httpx.HTTPError as exc:
            raise NetworkError(f"httpx {type(exc).__name__}") from exc
        return resp.status_code, resp.content


class Telegram:
    name = "telegram"
    inline_replies = False  # sent with Bot.send_message after the commit
    inline_max_segments = 0

    def __init__(self, cfg: TelegramConfig, *, token: str, secret: str, http: httpx.Client):
        self.secret = secret
        self.configured = bool(token)
        self.token, self.api_base, self.http = token, cfg.api_base.rstrip("/"), http
        request = HttpxRequest(http)
        self.bot = Bot(
            token or "0:unset",
            base_url=f"{cfg.api_base}/bot",
            request=request,
            get_updates_request=request,
        )

    def fetch_media(self, item: dict[str, Any], *, cap: int) -> Fetched:
        """getFile for the file's path, then the file itself. Bots may download at most 20 MB, and
        the path link lasts an hour, so both are asked for on every try."""
        file_id = str(item.get("file_id", ""))
        if not file_id or not self.token:
            raise FetchFailed(
                "no_reference" if not file_id else "not_configured", final=not file_id
            )
        if too_large(item.get("size"), cap):
            raise FetchFailed("too_large", final=True)
        found = get_json(
            self.http, f"{self.api_base}/bot{self.token}/getFile", params={"file_id": file_id}
        )
        result = found.get("result")
        if not found.get("ok") or not isinstance(result, dict) or not result.get("file_path"):
            raise FetchFailed("bad_answer", final=False)
        if too_large(result.get("file_size"), cap):
            raise FetchFailed("too_large", final=True)
        return get_capped(
            self.http, f"{self.api_base}/file/bot{self.token}/{result['file_path']}", cap=cap
        )

    def verify(self, req: WebhookRequest) -> None:
        """X-Telegram-Bot-Api-Secret-Token, compared in constant time; 403 when wrong or missing."""
        given = header(req, "X-Telegram-Bot-Api-Secret-Token")
        if not given or not self.secret:
            raise Rejected("missing X-Telegram-Bot-Api-Secret-Token", status=403)
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            raise Rejected("bad X-Telegram-Bot-Api-Secret-Token", status=403)

    def parse_inbound(self, req: WebhookRequest) -> list[InboundMessage]:
        """New private-chat messages only; edits, stickers and other updates are ignored."""
        update = _update(req.body)
        message = update.message
        if message is None:
            raise Ignored("no new message in the update")
        # python-telegram-bot checks neither presence nor types: a signed but odd Update is malformed
        if message.chat is None or not isinstance(message.chat.id, int):
            raise Rejected("malformed Update: message without a chat id")
        if message.chat.type != "private":
            raise Ignored("not a private chat")
        if not all(isinstance(v, str | None) for v in (message.text, message.caption)):
            raise Rejected("malformed Update: text or caption is not a string")
        sender = message.from_user
        name = sender.full_name if sender else ""
        phone = _own_phone(message)
        media = _media(message)
        text = _command(message.text) if message.text else message.caption or ""
        if not text and not media and phone is None:
            raise Ignored("nothing Aduan can read (sticker, poll, ...)")
        return [
            InboundMessage(
                self.name,
                str(message.chat.id),
                text,
                f"{message.chat.id}:{message.message_id}",
                phone=phone,
                name=name if isinstance(name, str) else "",
                media=media,
                received_at=message.date,
            )
        ]

    def parse_status(self, req: WebhookRequest) -> list[StatusUpdate]:
        """Telegram sends no delivery receipts."""
        raise Ignored("Telegram has no status callbacks")

    def ack(self, replies: Sequence[str]) -> WebhookResponse:
        return WebhookResponse("")

    def send(self, msg: OutboundMessage) -> str:
        """Bot.send_message per 4096-character part; returns "<chat>:<message_id>" of the first."""
        parts = split_text(msg.text, TEXT_LIMIT)
        return send_parts(
            parts,
            lambda i, part: self._send_part(msg, part, first=i == 0),
            sent=msg.sent_parts,
        )

    def _send_part(self, msg: OutboundMessage, text: str, *, first: bool) -> str:
        if not self.configured:
            raise SendError("Telegram: TELEGRAM_BOT_TOKEN not set", permanent=True)
        markup = None
        if first and not msg.phone_known:
            # offered until the citizen shares it: the phone joins their SMS/WhatsApp history
            button = KeyboardButton(SHARE_PHONE, request_contact=True)
            markup = ReplyKeyboardMarkup([[button]], resize_keyboard=True, one_time_keyboard=True)
        try:
            sent = asyncio.run(
                self.bot.send_message(chat_id=msg.address, text=text, reply_markup=markup)
            )
        except (Forbidden, BadRequest, InvalidToken) as exc:  # blocked, chat gone, token revoked
            raise SendError(f"Telegram: {exc.message}", permanent=True) from exc
        except TelegramError as exc:  # flood control, timeouts, network: try again later
            raise SendError(f"Telegram: {exc.message}") from exc
        return f"{sent.chat.id}:{sent.message_id}"


def _update(body: bytes) -> Update:
    try:
        payload = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise Rejected("body is not JSON") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("update_id"), int):
        raise Rejected("not a Telegram Update (update_id missing)")
    try:
        return Update.de_json(payload, None)
    except (TypeError, ValueError, KeyError, AttributeError, OverflowError, OSError) as exc:
        raise Rejected(f"malformed Update: {type(exc).__name__}") from exc


def _command(text: str) -> str:
    """'/start' -> 'BANTUAN', '/status@AduanBot 1234567' -> 'STATUS 1234567'; other text unchanged."""
    if not text.startswith("/"):
        return text
    head, _, rest = text[1:].partition(" ")
    name = head.split("@", 1)[0].lower()
    return f"{COMMANDS.get(name, name.upper())} {rest}".strip()


def _own_phone(message: Message) -> str | None:
    """The phone of a contact the sender shared about themself (the contact button), E.164."""
    contact, sender = message.contact, message.from_user
    if contact is None or sender is None or contact.user_id != sender.id:
        return None
    raw = contact.phone_number
    if not isinstance(raw, str):
        return None
    try:
        return normalize_phone(raw if raw.startswith("+") else f"+{raw}")
    except PhoneError:
        return None


def _media(message: Message) -> tuple[Media, ...]:
    """Photos, documents, audio, video and locations; files are kept as Telegram file ids (with
    the file's name and size when Telegram gives them, for the ticket page)."""
    media = []
    if message.photo:
        biggest = message.photo[-1]
        media.append(Media("image", content_type="image/jpeg", extra=_file(biggest)))
    for kind, item in (
        ("document", message.document),
        ("audio", message.audio or message.voice),
        ("video", message.video),
    ):
        if item is not None:
            mime = getattr(item, "mime_type", "") or ""
            media.append(Media(kind, content_type=str(mime), extra=_file(item)))
    if message.location is not None:
        loc = message.location
        media.append(
            Media(
                "location", extra={"latitude": str(loc.latitude), "longitude": str(loc.longitude)}
            )
        )
    return tuple(media)


def _file(item: Any) -> dict[str, str]:
    """The file id, and the name and size in bytes where Telegram sends them."""
    extra = {"file_id": str(item.file_id)}
    name, size = getattr(item, "file_name", None), getattr(item, "file_size", None)
    if isinstance(name, str) and name:
        extra["filename"] = name
    if isinstance(size, int) and size >= 0:
        extra["size"] = str(size)
    return extra
