"""A gateway with the Twilio, Telegram and WhatsApp Cloud channels on a real database, the providers
faked only at the HTTP boundary (any undeclared URL fails), and a citizen who writes on every path."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import threading
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from bot.config import SimulatorConfig, build_config

BASE_URL = "https://aduan.example.go.id"
SECRETS = {
    "TWILIO_ACCOUNT_SID": "AC00000000000000000000000000000000",
    "TWILIO_AUTH_TOKEN": "test-twilio-auth-token",
    "TELEGRAM_BOT_TOKEN": "123456:TEST-telegram-token",
    "TELEGRAM_WEBHOOK_SECRET": "test-telegram-secret",
    "WHATSAPP_APP_SECRET": "test-whatsapp-app-secret",
    "WHATSAPP_VERIFY_TOKEN": "test-whatsapp-verify",
    "WHATSAPP_ACCESS_TOKEN": "test-whatsapp-access",
    "WHATSAPP_PHONE_NUMBER_ID": "106540352242922",
}
TWILIO_API = (
    f"https://api.twilio.com/2010-04-01/Accounts/{SECRETS['TWILIO_ACCOUNT_SID']}/Messages.json"
)
TELEGRAM_API = f"https://api.telegram.org/bot{SECRETS['TELEGRAM_BOT_TOKEN']}/sendMessage"
GRAPH_API = f"https://graph.facebook.com/v21.0/{SECRETS['WHATSAPP_PHONE_NUMBER_ID']}/messages"
SETTINGS = {"twilio": {"sms_from": "+15005550006", "whatsapp_from": "whatsapp:+14155238886"}}


class FakeApis:
    """Twilio's, Telegram's and Meta's send endpoints; anything else is an error."""

    TWILIO, TELEGRAM, GRAPH = TWILIO_API, TELEGRAM_API, GRAPH_API

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.unexpected: list[str] = []
        self.errors: dict[str, tuple[int, dict[str, Any]]] = {}  # next answer for a URL
        self._ids = itertools.count(100)
        self._lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        with self._lock:
            n = next(self._ids)
            if url not in (TWILIO_API, TELEGRAM_API, GRAPH_API):
                self.unexpected.append(f"{request.method} {url}")
                raise httpx.ConnectError("undeclared request", request=request)
            payload = (
                json.loads(request.content)
                if url == GRAPH_API
                else {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
            )
            self.calls.append((url, payload))
            if url in self.errors:
                status, body = self.errors.pop(url)
                return httpx.Response(status, json=body)
        if url == TWILIO_API:
            return httpx.Response(201, json={"sid": f"SM{n:032d}", "status": "queued"})
        if url == TELEGRAM_API:
            chat = {"id": int(payload["chat_id"]), "type": "private"}
            result = {"message_id": n, "date": 1, "chat": chat, "text": payload["text"]}
            return httpx.Response(200, json={"ok": True, "result": result})
        return httpx.Response(
            200, json={"messaging_product": "whatsapp", "messages": [{"id": f"wamid.{n}"}]}
        )

    def sent(self, url: str) -> list[dict[str, Any]]:
        """The payloads sent to one API, in order."""
        return [payload for u, payload in self.calls if u == url]


@dataclass
class Gateway:
    app: Any
    apis: FakeApis

    @property
    def runtime(self) -> Any:
        return self.app.extensions["aduan"]

    def twilio(self, sender: str, body: str, sid: str, **extra: str) -> Any:
        """A Twilio webhook (SMS, or WhatsApp with a whatsapp: sender), correctly signed."""
        form = {"MessageSid": sid, "SmsSid": sid, "AccountSid": SECRETS["TWILIO_ACCOUNT_SID"]}
        form.update({"From": sender, "To": "+15005550006", "Body": body, "NumMedia": "0", **extra})
        url = f"{BASE_URL}/webhooks/twilio"
        data = url + "".join(k + form[k] for k in sorted(form))
        key = SECRETS["TWILIO_AUTH_TOKEN"].encode()
        sig = base64.b64encode(hmac.new(key, data.encode(), hashlib.sha1).digest()).decode()
        return self.app.test_client().post(
            "/webhooks/twilio", data=form, headers={"X-Twilio-Signature": sig}
        )

    def telegram(self, chat_id: int, update_id: int, message_id: int, **fields: Any) -> Any:
        """A Telegram update from a private chat, with the webhook secret."""
        user = {"id": chat_id, "is_bot": False, "first_name": "Warga"}
        message = {"message_id": message_id, "from": user, "date": 1700000000, **fields}
        message["chat"] = {"id": chat_id, "type": "private", "first_name": "Warga"}
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRETS["TELEGRAM_WEBHOOK_SECRET"]}
        update = {"update_id": update_id, "message": message}
        return self.app.test_client().post("/webhooks/telegram", json=update, headers=headers)

    def whatsapp(
        self, wa_id: str, text: str, wamid: str, *, timestamp: datetime | None = None
    ) -> Any:
        """A WhatsApp Cloud messages webhook, signed over the raw body."""
        stamp = str(int(timestamp.timestamp())) if timestamp else "1700000000"
        value = {
            "messaging_product": "whatsapp",
            "metadata": {"phone_number_id": SECRETS["WHATSAPP_PHONE_NUMBER_ID"]},
            "contacts": [{"profile": {"name": "Warga"}, "wa_id": wa_id}],
            "messages": [
                {
                    "from": wa_id,
                    "id": wamid,
                    "timestamp": stamp,
                    "type": "text",
                    "text": {"body": text},
                }
            ],
        }
        body = json.dumps(
            {
                "object": "whatsapp_business_account",
                "entry": [{"id": "1", "changes": [{"value": value, "field": "messages"}]}],
            }
        ).encode()
        sig = hmac.new(SECRETS["WHATSAPP_APP_SECRET"].encode(), body, hashlib.sha256).hexdigest()
        headers = {"X-Hub-Signature-256": f"sha256={sig}", "Content-Type": "application/json"}
        return self.app.test_client().post("/webhooks/whatsapp", data=body, headers=headers)

    def twilio_status(self, sid: str, status: str, **extra: str) -> Any:
        form = {"MessageSid": sid, "MessageStatus": status, **extra}
        url = f"{BASE_URL}/webhooks/twilio/status"
        data = url + "".join(k + form[k] for k in sorted(form))
        key = SECRETS["TWILIO_AUTH_TOKEN"].encode()
        sig = base64.b64encode(hmac.new(key, data.encode(), hashlib.sha1).digest()).decode()
        return self.app.test_client().post(
            "/webhooks/twilio/status", data=form, headers={"X-Twilio-Signature": sig}
        )


def _gateway(db_url, clock, tmp_path, monkeypatch, **sections: Any):
    """The app with the three web-hook channels, synchronous delivery and a fixed clock."""
    from bot.app import create_app

    data = {"channels": {"enabled": ["twilio", "telegram", "whatsapp"], **SETTINGS}, **sections}
    env = {**SECRETS, "PUBLIC_BASE_URL": BASE_URL, "DATABASE_URL": db_url}
    cfg = replace(build_config(data, env), simulator=SimulatorConfig(enabled=False))
    apis = FakeApis()
    monkeypatch.chdir(tmp_path)
    app = create_app(
        cfg, http=httpx.Client(transport=httpx.MockTransport(apis)), clock=clock, testing=True
    )
    yield Gateway(app, apis)
    app.extensions["aduan"].engine.dispose()
    assert apis.unexpected == []


@pytest.fixture
def gateway(db_url, seeded, clock, tmp_path, monkeypatch):
    """Webhook messages handled inline, in their request."""
    yield from _gateway(db_url, clock, tmp_path, monkeypatch)


@pytest.fixture
def queued_gateway(db_url, seeded, clock, tmp_path, monkeypatch):
    """Webhook messages stored in the inbox, handled by bot.inbox.drain ([inbound] queued)."""
    yield from _gateway(db_url, clock, tmp_path, monkeypatch, inbound={"queued": True})


@pytest.fixture
def template_gateway(db_url, seeded, clock, tmp_path, monkeypatch):
    """The gateway with an approved WhatsApp template on Twilio and on the Cloud API."""
    twilio = {**SETTINGS["twilio"], "whatsapp_template_sid": "HX" + "0" * 32}
    channels = {
        "enabled": ["twilio", "telegram", "whatsapp"],
        "twilio": twilio,
        "whatsapp": {"template_name": "jawaban_aduan"},
    }
    yield from _gateway(db_url, clock, tmp_path, monkeypatch, channels=channels)
