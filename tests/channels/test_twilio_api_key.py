"""A Twilio API key (TWILIO_API_KEY_SID / TWILIO_API_KEY_SECRET) for the REST calls, as Twilio
recommends in production; the webhook signature stays the auth token's (Twilio signs with it)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import httpx
import pytest

from bot.channels.base import WebhookRequest
from bot.channels.registry import build_channels
from bot.config import ConfigError, build_config
from bot.messages import OutboundMessage
from tests.channels.test_signatures import TW_EXPECTED, TW_PARAMS, TW_TOKEN, TW_URL

ACCOUNT = "AC" + "1" * 32
KEY, KEY_SECRET = "SK" + "2" * 32, "the-api-key-secret"
MEDIA = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Messages/MM1/Media/ME1"


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def fake_twilio(seen: list[httpx.Request]) -> httpx.Client:
    def api(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path.endswith("/Messages.json"):
            return httpx.Response(201, json={"sid": "SM" + "0" * 32, "status": "queued"})
        return httpx.Response(200, content=b"\xff\xd8jpeg", headers={"content-type": "image/jpeg"})

    return httpx.Client(transport=httpx.MockTransport(api))


def twilio(environ: dict[str, str], seen: list[httpx.Request]):
    env = {"TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_AUTH_TOKEN": TW_TOKEN, **environ}
    cfg = build_config(
        {"channels": {"enabled": ["twilio"], "twilio": {"sms_from": "+15005550006"}}}, env
    )
    return build_channels(cfg, fake_twilio(seen))["twilio"]


@pytest.mark.parametrize(
    ("environ", "user", "password"),
    [
        ({"TWILIO_API_KEY_SID": KEY, "TWILIO_API_KEY_SECRET": KEY_SECRET}, KEY, KEY_SECRET),
        ({}, ACCOUNT, TW_TOKEN),  # no key: the account SID and auth token, as before
    ],
)
def test_sending_and_fetching_media_use_the_api_key_when_one_is_set(environ, user, password):
    seen: list[httpx.Request] = []
    channel = twilio(environ, seen)
    now = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
    channel.send(OutboundMessage(1, "twilio", "+6281234567890", "Jawaban", None, attempt_at=now))
    fetched = channel.fetch_media({"url": MEDIA}, cap=1000)
    assert fetched.data == b"\xff\xd8jpeg"
    send, media = seen
    assert send.url.path == f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"  # the account's path
    assert send.headers["Authorization"] == basic(user, password)
    assert media.headers["Authorization"] == basic(user, password)


def test_webhook_signatures_are_still_checked_with_the_auth_token():
    channel = twilio({"TWILIO_API_KEY_SID": KEY, "TWILIO_API_KEY_SECRET": KEY_SECRET}, [])
    req = WebhookRequest(
        "POST", TW_URL, headers={"X-Twilio-Signature": TW_EXPECTED}, form=TW_PARAMS
    )
    channel.verify(req)  # raises on failure


@pytest.mark.parametrize("half", ["TWILIO_API_KEY_SID", "TWILIO_API_KEY_SECRET"])
def test_half_an_api_key_is_refused_when_the_config_is_read(half):
    with pytest.raises(ConfigError, match="both TWILIO_API_KEY_SID and TWILIO_API_KEY_SECRET"):
        build_config({}, {half: "x"})


def test_the_key_is_a_secret_from_the_environment_never_the_file():
    with pytest.raises(ConfigError, match="unknown config key"):
        build_config({"channels": {"twilio": {"api_key_sid": KEY}}}, {})
