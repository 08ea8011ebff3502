"""Hypothesis fuzzing: the parser never crashes, and no webhook endpoint ever answers 500.

The webhook test is generic over every registered channel (bot.channels.registry.CHANNELS), with every
provider secret set so verification runs: a channel added later is fuzzed without editing this file.
"""

from __future__ import annotations

import json
from dataclasses import replace

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.channels.registry import CHANNELS
from bot.config import CHANNEL_NAMES, SECRET_ENV, ChannelsConfig, GammuConfig
from bot.parsers import (
    PhoneError,
    UnitRef,
    mask_phone,
    normalize_phone,
    normalize_text,
    parse_message,
)

REFS = [UnitRef("DISHUB", ("PERHUBUNGAN",)), UnitRef("DINKES", ("PUSKESMAS",)), UnitRef("PU", ())]
NAMES = sorted(n for n in CHANNELS if n in CHANNEL_NAMES)
PATHS = ["/simulator/messages"] + [
    p for n in NAMES for p in (f"/webhooks/{n}", f"/webhooks/{n}/status")
]
SIGNATURE_HEADERS = [
    "X-Twilio-Signature",
    "X-Telegram-Bot-Api-Secret-Token",
    "X-Hub-Signature-256",
    "X-Kannel-Secret",
    "Authorization",
    "Content-Encoding",
    "Transfer-Encoding",
]
header_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=60)
phoneish = st.one_of(st.from_regex(r"\+?(62|0)8[0-9]{7,12}", fullmatch=True), st.text(max_size=30))


def test_parser_never_raises_on_any_text():
    @given(st.text(max_size=400))
    def check(text):
        parsed = parse_message(normalize_text(text), REFS)
        assert parsed is not None
        assert normalize_text(normalize_text(text)) == normalize_text(text)

    check()


@given(st.one_of(phoneish, st.text(max_size=40)))
def test_phone_parsing_only_raises_phone_error(raw):
    try:
        e164 = normalize_phone(raw)
    except PhoneError:
        return
    assert e164.startswith("+") and e164[1:].isdigit()
    assert mask_phone(e164) != e164


form_body = st.dictionaries(
    st.sampled_from(["From", "To", "Body", "MessageSid", "SmsSid", "MessageStatus", "NumMedia",
                     "MediaUrl0", "AccountSid", "text", "from", "id", "msisdn"]) | header_text,
    st.text(max_size=80) | phoneish,
    max_size=8,
)  # fmt: skip
json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=40) | phoneish,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=15,
)  # fmt: skip
simulator_json = st.fixed_dictionaries(
    {"from": phoneish, "text": st.text(max_size=200)},
    optional={"id": st.text(max_size=20) | st.integers() | st.none() | st.lists(st.integers())},
)


@st.composite
def requests(draw):
    path = draw(st.sampled_from(PATHS))
    method = draw(st.sampled_from(["POST", "POST", "POST", "GET", "PUT", "DELETE", "HEAD"]))
    kind = draw(st.sampled_from(["form", "json", "simulator", "bytes", "text"]))
    if kind == "form":
        body, ctype = (
            httpx.QueryParams(draw(form_body)).__str__().encode(),
            "application/x-www-form-urlencoded",
        )
    elif kind in ("json", "simulator"):
        value = draw(simulator_json if kind == "simulator" else json_value)
        body, ctype = json.dumps(value).encode(), "application/json"
    elif kind == "bytes":
        body = draw(st.binary(max_size=300))
        ctype = draw(
            st.sampled_from(
                [
                    "application/json",
                    "application/x-www-form-urlencoded",
                    "multipart/form-data; boundary=x",
                    "text/plain",
                    "",
                ]
            )
        )
    else:
        body, ctype = draw(st.text(max_size=200)).encode("utf-8", "surrogatepass"), "text/xml"
    headers = {
        k: draw(header_text) for k in draw(st.lists(st.sampled_from(SIGNATURE_HEADERS), max_size=3))
    }
    query = draw(
        st.dictionaries(
            st.sampled_from(
                ["text", "from", "id", "hub.mode", "hub.challenge", "hub.verify_token"]
            ),
            header_text,
            max_size=3,
        )
    )
    return method, path, query, headers, ctype, body  # fmt: skip


@pytest.fixture
def config(config, tmp_path):
    gammu = GammuConfig(database_url=f"sqlite:///{tmp_path}/smsd.db")  # no webhook, but enabled
    channels = replace(ChannelsConfig(), enabled=tuple(NAMES), gammu=gammu)
    secrets = {name: f"fuzz-{name.lower()}-value" for name in SECRET_ENV}
    return replace(
        config, channels=channels, secrets=secrets, public_base_url="https://aduan.example.test"
    )


@pytest.fixture
def fuzz_app(config, seeded, clock, tmp_path, monkeypatch):
    from bot.app import create_app

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"undeclared URL in fuzzing: {request.url.host}")

    monkeypatch.chdir(tmp_path)
    http = httpx.Client(transport=httpx.MockTransport(refuse))
    app = create_app(config, http=http, clock=clock, testing=True)
    yield app
    app.extensions["aduan"].engine.dispose()


def test_every_webhook_endpoint_answers_without_a_500(fuzz_app):
    client = fuzz_app.test_client()
    seen: set[int] = set()

    @settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(requests())
    def check(req):
        method, path, query, headers, ctype, body = req
        resp = client.open(
            path, method=method, query_string=query, headers=headers, data=body,
            content_type=ctype or None,
        )  # fmt: skip
        assert resp.status_code < 500, (method, path, resp.status_code, resp.get_data()[:200])
        seen.add(resp.status_code)

    check()
    assert seen & {200, 400, 403}, seen
