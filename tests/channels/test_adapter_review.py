"""Provider rules the recorded cases do not reach.

Providers are faked at the HTTP boundary (FakeProvider from the case runner)."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import parse_qs

import pytest

from bot.channels.base import Rejected, WebhookRequest
from bot.channels.registry import CHANNELS
from bot.messages import OutboundMessage

from .test_channels import FakeProvider, channel_config

GRAPH = "https://graph.facebook.com/v21.0/106540352242922/messages"
TWILIO = (
    "https://api.twilio.com/2010-04-01/Accounts/AC00000000000000000000000000000000/Messages.json"
)
ANSWER = (
    "Jawaban aduan 1234567 (DINKES): Terima kasih.\n\n"
    + "Puskesmas Sukamaju buka pukul 07.00 sampai 14.00 setiap hari kerja.     " * 20
    + "\nApakah masalah Anda sudah selesai? Balas YA atau TIDAK."
)


def _outbound(channel: str, address: str, clock) -> OutboundMessage:
    return OutboundMessage(
        7, channel, address, ANSWER, clock() - timedelta(hours=30), attempt_at=clock()
    )


def _one_line_and_whole(params: list[str], limit: int) -> None:
    """Each parameter is one line, without runs of blanks, within the limit; none of the text lost."""
    for text in params:
        assert "\n" not in text and "\t" not in text and "     " not in text, text
        assert 0 < len(text) <= limit
    words = " ".join(p.split(") ", 1)[1] if len(params) > 1 else p for p in params).split()
    assert words == ANSWER.split()


def test_whatsapp_template_parameter_is_one_line_within_the_body_limit(db_url, clock):
    wamid = {"messages": [{"id": "wamid.OUT11"}]}
    provider = FakeProvider([{"url": GRAPH, "json": wamid}] * 3)
    settings = {"template_name": "jawaban_aduan"}
    adapter = CHANNELS["whatsapp"](channel_config("whatsapp", db_url, settings), provider.client())

    assert adapter.send(_outbound("whatsapp", "+6281234567892", clock)) == "wamid.OUT11"

    bodies = [json.loads(r.content) for r in provider.requests]
    assert {b["type"] for b in bodies} == {"template"}
    params = [b["template"]["components"][0]["parameters"][0]["text"] for b in bodies]
    assert len(params) == 2
    _one_line_and_whole(params, 1024 - 100)


def test_twilio_template_variable_is_one_line_within_255_characters(db_url, clock):
    created = {"sid": "SM40000000000000000000000000000001", "status": "queued"}
    provider = FakeProvider([{"url": TWILIO, "status": 201, "json": created}] * 10)
    settings = {"whatsapp_template_sid": "HX0123456789abcdef0123456789abcdef"}
    adapter = CHANNELS["twilio"](channel_config("twilio", db_url, settings), provider.client())

    sid = adapter.send(_outbound("twilio", "whatsapp:+6281234567891", clock))

    assert sid == "SM40000000000000000000000000000001"
    forms = [parse_qs(r.content.decode()) for r in provider.requests]
    assert all("Body" not in f for f in forms)
    params = [json.loads(f["ContentVariables"][0])["1"] for f in forms]
    assert len(params) > 1
    _one_line_and_whole(params, 255)


def _kannel(db_url: str, allowed: list[str]):
    config = channel_config("kannel", db_url, {"allowed_ips": allowed})
    return CHANNELS["kannel"](config, FakeProvider([]).client())


def _kannel_request(remote_addr: str) -> WebhookRequest:
    args = {"secret": "test-kannel-secret", "from": "+6281234567890", "text": "halo"}
    return WebhookRequest(
        "GET", "https://aduan.example.go.id/webhooks/kannel", args=args, remote_addr=remote_addr
    )


def test_kannel_caller_seen_through_a_dual_stack_socket_is_allowed(db_url):
    """gunicorn bound to [::] reports an IPv4 peer as ::ffff:a.b.c.d."""
    _kannel(db_url, ["10.1.2.0/24"]).verify(_kannel_request("::ffff:10.1.2.3"))
    _kannel(db_url, ["127.0.0.1"]).verify(_kannel_request("::ffff:127.0.0.1"))
    with pytest.raises(Rejected) as info:
        _kannel(db_url, ["10.1.2.0/24"]).verify(_kannel_request("::ffff:10.9.9.9"))
    assert info.value.status == 403
