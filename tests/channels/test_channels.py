"""One table-driven runner over every channel's recorded cases (tests/channels/cases/<channel>/).

Inbound cases go through the real app (webhook -> adapter -> service -> database) with a Flask test
client; outbound cases call the adapter's send() with providers faked only at the HTTP boundary.
Any HTTP request a case did not declare fails the test. Case format: tests/channels/README.md.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

import httpx
import pytest
from sqlmodel import col, select

from bot.channels.base import SendError, part_ids
from bot.channels.registry import CHANNELS
from bot.config import Config, SimulatorConfig, build_config
from bot.messages import OutboundMessage, OutboxStatus
from store.db import session_scope
from store.models import Message, Outbox

from .conftest import BASE_URL
from .conftest import SECRETS as PROVIDER_SECRETS

CASES = Path(__file__).parent / "cases"
SECRETS = {  # the web-hook providers' test secrets (conftest) plus Kannel's
    **PROVIDER_SECRETS,
    "KANNEL_SENDSMS_URL": "http://127.0.0.1:13013/cgi-bin/sendsms",
    "KANNEL_USERNAME": "aduan",
    "KANNEL_PASSWORD": "rahasia",
    "KANNEL_WEBHOOK_SECRET": "test-kannel-secret",
}
CHANNEL_SETTINGS = {  # the non-secret settings the recorded cases assume
    "twilio": {"sms_from": "+15005550006", "whatsapp_from": "whatsapp:+14155238886"},
    "kannel": {"sender": "1708", "allowed_ips": ["127.0.0.1"]},
}


def channel_config(channel: str, db_url: str, settings: dict[str, Any] | None = None) -> Config:
    """The config a case runs under: one channel enabled, plus the case's own extra settings."""
    section = {**CHANNEL_SETTINGS.get(channel, {}), **(settings or {})}
    data: dict[str, Any] = {"channels": {"enabled": [channel]}}
    if section:
        data["channels"][channel] = section
    env = {**SECRETS, "PUBLIC_BASE_URL": BASE_URL, "DATABASE_URL": db_url}
    return replace(build_config(data, env), simulator=SimulatorConfig(enabled=False))


class FakeProvider:
    """An httpx transport that serves declared responses in order and records every request."""

    def __init__(self, responses: list[dict[str, Any]]) -> None:
        self.responses = list(responses)
        self.requests: list[httpx.Request] = []
        self.unexpected: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if not self.responses:
            self.unexpected.append(f"{request.method} {request.url}")
            raise httpx.ConnectError("undeclared request", request=request)
        want = self.responses.pop(0)
        if want.get("method", request.method) != request.method or not str(request.url).startswith(
            want["url"]
        ):
            self.unexpected.append(f"{request.method} {request.url} (expected {want['url']})")
            raise httpx.ConnectError("request does not match the case", request=request)
        if want.get("raise") == "connect":  # the provider cannot be reached
            raise httpx.ConnectError("connection refused", request=request)
        if "json" in want:
            return httpx.Response(want.get("status", 200), json=want["json"])
        return httpx.Response(want.get("status", 200), text=want.get("text", ""))

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))


def _signer(channel: str):
    path = CASES / channel / "signer.py"
    spec = importlib.util.spec_from_file_location(f"signer_{channel}", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.sign


def _corrupt(values: dict[str, str]) -> dict[str, str]:
    return {k: ("x" + v[1:] if v[:1] != "x" else "y" + v[1:]) for k, v in values.items()}


def _prepare(case: dict[str, Any], channel: str) -> dict[str, Any]:
    """Build the test client's keyword arguments, signed as the case asks."""
    req = case["request"]
    query = dict(req.get("query", {}))
    if "json" in req:
        body, content_type = json.dumps(req["json"]).encode(), "application/json"
    elif "form" in req:
        body, content_type = urlencode(req["form"]).encode(), "application/x-www-form-urlencoded"
    else:
        body, content_type = req.get("body", "").encode(), req.get("content_type", "text/plain")
    headers = dict(req.get("headers", {}))
    mode = case.get("sign", "valid")
    if mode in ("valid", "bad"):
        url = BASE_URL + req["path"] + (f"?{urlencode(query)}" if query else "")
        signed = _signer(channel)(req, SECRETS, url, body)
        extra_headers, extra_query = signed.get("headers", {}), signed.get("query", {})
        if mode == "bad":
            extra_headers, extra_query = _corrupt(extra_headers), _corrupt(extra_query)
        headers.update(extra_headers)
        query.update(extra_query)
    return {
        "method": req.get("method", "POST"),
        "path": req["path"],
        "query_string": urlencode(query),
        "data": body,
        "content_type": req.get("content_type", content_type),
        "headers": headers,
        "environ_base": {"REMOTE_ADDR": req.get("remote_addr", "127.0.0.1")},
    }


def _matches(row: Message, want: dict[str, Any]) -> bool:
    got = {"text": row.body, "address": row.address, "phone": None, "media": row.media}
    for key, value in want.items():
        if key == "media":
            # each expected attachment's keys must match; other stored keys are not compared
            if len(row.media) != len(value) or not all(
                got_m.get(k) == v
                for got_m, want_m in zip(row.media, value, strict=True)
                for k, v in want_m.items()
            ):
                return False
        elif key == "phone":
            continue  # checked through the contact below
        elif got[key] != value:
            return False
    return True


def _cases(kind: str) -> list[Path]:
    return sorted(p for p in CASES.glob(f"*/{kind}/*.json"))


def _id(path: Path) -> str:
    return f"{path.parent.parent.name}/{path.stem}"


@pytest.mark.parametrize("path", _cases("inbound"), ids=_id)
def test_inbound_case(path: Path, db_url: str, seeded, clock, tmp_path, monkeypatch):
    from bot.app import create_app

    channel, case = path.parent.parent.name, json.loads(path.read_text())
    provider = FakeProvider(case.get("mock_responses", []))
    monkeypatch.chdir(tmp_path)
    app = create_app(
        channel_config(channel, db_url, case.get("settings")),
        http=provider.client(),
        clock=clock,
        testing=True,
    )
    engine = app.extensions["aduan"].engine
    _setup(engine, case.get("setup", {}), clock)
    client = app.test_client()
    kwargs = _prepare(case, channel)
    expect = case["expect"]
    for _ in range(case.get("deliveries", 1)):
        resp = client.open(**kwargs)
        assert resp.status_code == expect["status"], resp.get_data(as_text=True)
        for fragment in expect.get("body_contains", []):
            assert fragment in resp.get_data(as_text=True)
    with session_scope(engine) as s:
        inbound = list(
            s.exec(select(Message).where(Message.direction == "in").order_by(col(Message.id)))
        )
        assert len(inbound) == len(expect.get("inbound", [])), [m.body for m in inbound]
        for row, want in zip(inbound, expect.get("inbound", []), strict=True):
            assert _matches(row, want), (row, want)
        if "outbox" in expect:
            assert len(list(s.exec(select(Outbox)))) == expect["outbox"]
        for want in expect.get("outbox_status", []):
            row = s.exec(select(Outbox).where(Outbox.provider_id == want["provider_id"])).one()
            assert row.status == want["status"]
    assert provider.unexpected == [], provider.unexpected
    engine.dispose()


def _setup(engine, setup: dict[str, Any], clock) -> None:
    """Rows a case needs beforehand, e.g. a sent message whose receipt arrives."""
    from bot.messages import Direction

    with session_scope(engine) as s:
        for row in setup.get("outbox", []):
            msg = Message(
                direction=Direction.OUT,
                channel=row["channel"],
                address=row["address"],
                body="x",
                created_at=clock(),
            )
            s.add(msg)
            s.flush()
            s.add(
                Outbox(
                    message_id=msg.id,
                    channel=row["channel"],
                    address=row["address"],
                    body="x",
                    status=OutboxStatus(row.get("status", "sent")),
                    provider_id=row["provider_id"],
                    created_at=clock(),
                )
            )


@pytest.mark.parametrize("path", _cases("outbound"), ids=_id)
def test_outbound_case(path: Path, db_url: str, clock):
    channel, case = path.parent.parent.name, json.loads(path.read_text())
    provider = FakeProvider(case.get("responses", []))
    adapter = CHANNELS[channel](
        channel_config(channel, db_url, case.get("settings")), provider.client()
    )
    m = case["message"]
    hours = m.get("last_inbound_hours_ago", 1)
    msg = OutboundMessage(
        7,
        channel,
        m["address"],
        m["text"],
        None if hours is None else clock() - timedelta(hours=hours),
        attempt_at=clock(),
        phone_known=m.get("phone_known", True),
        sent_parts=tuple(m.get("sent_parts", ())),
    )
    expect = case["expect"]
    if expect.get("error"):
        with pytest.raises(SendError) as info:
            adapter.send(msg)
        assert info.value.permanent is (expect["error"] == "permanent")
        assert info.value.opted_out is expect.get("opted_out", False)
        assert expect.get("error_contains", "") in str(info.value)
        assert info.value.sent == tuple(expect.get("sent", ()))
    else:
        provider_id = adapter.send(msg)
        assert provider_id == expect["provider_id"]
        if "parts" in expect:
            assert part_ids(provider_id) == tuple(expect["parts"])
    assert len(provider.requests) == len(expect["requests"]), [
        str(r.url) for r in provider.requests
    ]
    for request, want in zip(provider.requests, expect["requests"], strict=True):
        _check_request(request, want)
    assert provider.unexpected == []


def _check_request(request: httpx.Request, want: dict[str, Any]) -> None:
    assert request.method == want.get("method", "POST")
    assert str(request.url).split("?")[0] == want["url"].split("?")[0]
    if "params" in want:
        params = dict(request.url.params)
        assert {k: params.get(k) for k in want["params"]} == want["params"]
    form = {k: v[0] for k, v in parse_qs(request.content.decode("utf-8", "replace")).items()}
    if "form" in want:
        assert {k: form.get(k) for k in want["form"]} == want["form"]
    for key, prefix in want.get("form_startswith", {}).items():
        assert form.get(key, "").startswith(prefix), (key, form.get(key))
    for key, fragment in want.get("form_contains", {}).items():
        assert fragment in form.get(key, ""), (key, form.get(key))
    if "json" in want:
        body = json.loads(request.content)
        assert {k: body.get(k) for k in want["json"]} == want["json"]
    for header, value in want.get("headers", {}).items():
        assert request.headers.get(header) == value


WEBHOOK_CHANNELS = sorted(set(CHANNELS) - {"simulator", "gammu"})


@pytest.mark.parametrize("channel", WEBHOOK_CHANNELS)
def test_every_webhook_channel_has_the_required_cases(channel):
    cases = [json.loads(p.read_text()) for p in CASES.glob(f"{channel}/inbound/*.json")]
    assert (CASES / channel / "signer.py").exists()
    assert any(c["expect"].get("inbound") for c in cases), "an inbound message case"
    assert any(c.get("sign") == "bad" and c["expect"]["status"] == 403 for c in cases), (
        "bad signature"
    )
    assert any(c.get("sign") == "missing" and c["expect"]["status"] == 403 for c in cases), (
        "missing signature"
    )
    assert any(c.get("deliveries", 1) > 1 for c in cases), "duplicate delivery"
    assert any(c["expect"]["status"] == 400 for c in cases), "malformed body"
    assert list(CASES.glob(f"{channel}/outbound/*.json")), "an outbound case"
