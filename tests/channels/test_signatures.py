"""Known-answer tests for the Twilio and Meta webhook signatures, computed here from the documented
algorithms (PROTOCOLS.md 1.2 and 3) and then checked against the adapters' verify()."""

from __future__ import annotations

import base64
import hashlib
import hmac

import httpx
import pytest

from bot.channels.base import Rejected, WebhookRequest
from bot.channels.twilio import Twilio
from bot.channels.whatsapp import WhatsApp
from bot.config import TwilioConfig, WhatsAppConfig

# twilio-python's own test vector (tests/unit/test_request_validator.py)
TW_TOKEN = "12345"
TW_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
TW_PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+14158675309",
    "Digits": "1234",
    "From": "+14158675309",
    "To": "+18005551212",
}
TW_EXPECTED = "RSOYDt4T1cUTdK1PDd93/VVr8B8="

# Meta's WhatsApp-Nodejs-SDK test vector
META_SECRET = "TEST_APP_SECRET"
META_BODY = b"test"
META_EXPECTED = "0c61947b610d4f45e65f3d680e26027121ec2413e77598bcb6cfc6e0d9888221"


def twilio_signature(token: str, url: str, params: dict[str, str]) -> str:
    """HMAC-SHA1 over the URL followed by every parameter name and value, sorted by name; base64."""
    data = url + "".join(name + params[name] for name in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()


def twilio(token: str = TW_TOKEN) -> Twilio:
    return Twilio(
        TwilioConfig(), account_sid="AC0", auth_token=token, public_base_url="", http=httpx.Client()
    )


def test_twilio_signature_known_answer():
    assert twilio_signature(TW_TOKEN, TW_URL, TW_PARAMS) == TW_EXPECTED


@pytest.mark.parametrize(
    "url",
    [TW_URL, "https://mycompany.com:443/myapp.php?foo=1&bar=2"],
    ids=["as-signed", "with-default-port"],
)
def test_twilio_adapter_accepts_the_known_signature(url):
    req = WebhookRequest("POST", url, headers={"X-Twilio-Signature": TW_EXPECTED}, form=TW_PARAMS)
    twilio().verify(req)  # raises on failure


@pytest.mark.parametrize(
    "change",
    [
        {"url": "http://mycompany.com/myapp.php?foo=1&bar=2"},  # proxy's internal scheme
        {"url": "https://mycompany.com/myapp.php?foo=1"},  # query string dropped
        {"form": {**TW_PARAMS, "Digits": "1235"}},
        {"form": {**TW_PARAMS, "Extra": "x"}},  # a parameter the signature did not cover
        {"headers": {}},
        {"token": "54321"},
    ],
    ids=["http", "query", "param", "extra-param", "missing", "other-token"],
)
def test_twilio_adapter_rejects_anything_else(change):
    req = WebhookRequest(
        "POST",
        change.get("url", TW_URL),
        headers=change.get("headers", {"X-Twilio-Signature": TW_EXPECTED}),
        form=change.get("form", TW_PARAMS),
    )
    with pytest.raises(Rejected) as info:
        twilio(change.get("token", TW_TOKEN)).verify(req)
    assert info.value.status == 403


def meta_signature(secret: str, body: bytes) -> str:
    """HMAC-SHA256 of the raw body with the app secret, hex."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def whatsapp(secret: str = META_SECRET) -> WhatsApp:
    return WhatsApp(WhatsAppConfig(), secrets={"WHATSAPP_APP_SECRET": secret}, http=httpx.Client())


def test_meta_signature_known_answer():
    assert meta_signature(META_SECRET, META_BODY) == META_EXPECTED


def test_whatsapp_adapter_accepts_the_known_signature():
    headers = {"x-hub-signature-256": f"sha256={META_EXPECTED}"}  # any header case
    whatsapp().verify(
        WebhookRequest("POST", "https://x/webhooks/whatsapp", headers, body=META_BODY)
    )


@pytest.mark.parametrize(
    ("headers", "body", "secret"),
    [
        ({"X-Hub-Signature-256": f"sha256={META_EXPECTED}"}, b"test ", META_SECRET),
        ({"X-Hub-Signature-256": f"sha256={META_EXPECTED}"}, META_BODY, "OTHER"),
        ({"X-Hub-Signature-256": META_EXPECTED}, META_BODY, META_SECRET),  # no sha256= prefix
        ({"X-Hub-Signature": "sha1=" + "0" * 40}, META_BODY, META_SECRET),  # the old header
        ({}, META_BODY, META_SECRET),
        ({"X-Hub-Signature-256": f"sha256={META_EXPECTED}"}, META_BODY, ""),  # secret unset
    ],
    ids=["body", "secret", "prefix", "sha1", "missing", "unconfigured"],
)
def test_whatsapp_adapter_rejects_anything_else(headers, body, secret):
    req = WebhookRequest("POST", "https://x/webhooks/whatsapp", headers, body=body)
    with pytest.raises(Rejected) as info:
        whatsapp(secret).verify(req)
    assert info.value.status == 403
