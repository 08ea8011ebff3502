"""Acceptance on each web-hook path: a citizen's complaint is acknowledged on the channel it came
from, and the officer's later answer leaves on that same channel. Real database, fake HTTP APIs."""

from __future__ import annotations

import base64
import hashlib
import hmac

from sqlmodel import col, select

from bot.service import approve_draft
from store.db import session_scope
from store.models import Draft, Message, Outbox, Ticket

COMPLAINT = "DINKES #puskesmas tutup jam 10"


def answer_latest_ticket(gateway, clock) -> Ticket:
    """Two hours later an officer approves the drafted answer; the dispatcher sends it."""
    clock.advance(hours=2)
    runtime = gateway.runtime
    with session_scope(runtime.engine) as s:
        ticket = s.exec(select(Ticket).order_by(col(Ticket.id).desc())).first()
        draft = s.exec(select(Draft).where(Draft.ticket_id == ticket.id)).one()
        approve_draft(s, draft, now=clock(), desk=runtime.desk, actor="petugas")
    assert runtime.deliver_now() == 1
    return ticket


def outbox(gateway) -> list[Outbox]:
    with session_scope(gateway.runtime.engine) as s:
        return list(s.exec(select(Outbox).order_by(col(Outbox.id))))


def test_twilio_sms_path(gateway, clock):
    resp = gateway.twilio("+6281234567890", COMPLAINT, "SM" + "1" * 32)
    assert resp.status_code == 200 and resp.mimetype == "text/xml"
    assert "<Message>Aduan Anda diterima" in resp.get_data(as_text=True)
    assert gateway.apis.calls == []  # the acknowledgement travelled inline, as TwiML
    ticket = answer_latest_ticket(gateway, clock)
    assert (ticket.channel, ticket.address) == ("twilio", "+6281234567890")
    parts = gateway.apis.sent(gateway.apis.TWILIO)
    assert {(p["To"], p["From"]) for p in parts} == {("+6281234567890", "+15005550006")}
    assert all(p["StatusCallback"].endswith("/webhooks/twilio/status") for p in parts)
    # a long answer goes as standalone SMS with "(i/n)" markers, each fitting one segment
    first = parts[0]["Body"]
    expected = f"Jawaban aduan {ticket.number}"
    assert first.startswith(expected) if len(parts) == 1 else first.startswith(f"(1/{len(parts)}) ")
    assert expected in first
    row = outbox(gateway)[-1]
    assert (row.status, row.provider_id) == ("sent", f"SM{100:032d}")


def test_twilio_whatsapp_path(gateway, clock):
    resp = gateway.twilio("whatsapp:+6281234567891", COMPLAINT, "SM" + "2" * 32)
    assert "<Message>Aduan Anda diterima" in resp.get_data(as_text=True)
    ticket = answer_latest_ticket(gateway, clock)
    assert ticket.address == "whatsapp:+6281234567891"
    (sent,) = gateway.apis.sent(gateway.apis.TWILIO)
    assert sent["To"] == "whatsapp:+6281234567891" and sent["From"] == "whatsapp:+14155238886"
    assert sent["Body"].startswith(f"Jawaban aduan {ticket.number}")


def test_telegram_path(gateway, clock):
    resp = gateway.telegram(5550001, update_id=1, message_id=10, text=COMPLAINT)
    assert resp.status_code == 200
    (ack,) = gateway.apis.sent(gateway.apis.TELEGRAM)
    assert ack["chat_id"] == "5550001" and ack["text"].startswith("Aduan Anda diterima")
    ticket = answer_latest_ticket(gateway, clock)
    assert (ticket.channel, ticket.address) == ("telegram", "5550001")
    answer = gateway.apis.sent(gateway.apis.TELEGRAM)[-1]
    assert answer["chat_id"] == "5550001"
    assert answer["text"].startswith(f"Jawaban aduan {ticket.number}")


def test_whatsapp_cloud_path(gateway, clock):
    resp = gateway.whatsapp("6281234567892", COMPLAINT, "wamid.IN1")
    assert resp.status_code == 200
    (ack,) = gateway.apis.sent(gateway.apis.GRAPH)
    assert ack["to"] == "6281234567892" and ack["text"]["body"].startswith("Aduan Anda diterima")
    ticket = answer_latest_ticket(gateway, clock)
    assert (ticket.channel, ticket.address) == ("whatsapp", "+6281234567892")
    answer = gateway.apis.sent(gateway.apis.GRAPH)[-1]
    assert answer["type"] == "text" and answer["to"] == "6281234567892"
    assert answer["text"]["body"].startswith(f"Jawaban aduan {ticket.number}")
    rows = outbox(gateway)
    assert [r.provider_id for r in rows] == ["wamid.100", "wamid.101"]


def test_whatsapp_answer_after_the_window_fails_visibly(gateway, clock):
    gateway.whatsapp("6281234567892", COMPLAINT, "wamid.IN2")
    clock.advance(hours=30)
    runtime = gateway.runtime
    with session_scope(runtime.engine) as s:
        draft = s.exec(select(Draft)).one()
        approve_draft(s, draft, now=clock(), desk=runtime.desk, actor="petugas")
    assert runtime.deliver_now() == 0
    row = outbox(gateway)[-1]
    assert row.status == "failed" and "24 jam" in row.error
    assert len(gateway.apis.sent(gateway.apis.GRAPH)) == 1  # only the acknowledgement went out


def test_a_wrong_signature_stores_nothing(gateway):
    resp = gateway.app.test_client().post(
        "/webhooks/twilio",
        data={"MessageSid": "SM" + "3" * 32, "From": "+6281234567890", "Body": COMPLAINT},
        headers={"X-Twilio-Signature": "RSOYDt4T1cUTdK1PDd93/VVr8B8="},
    )
    assert resp.status_code == 403
    with session_scope(gateway.runtime.engine) as s:
        assert list(s.exec(select(Message))) == []


def test_twilio_signature_covers_the_public_url_not_the_proxied_one(gateway):
    """Behind a TLS proxy Flask sees http://localhost/...; Twilio signed PUBLIC_BASE_URL's URL."""
    form = {"MessageSid": "SM" + "4" * 32, "From": "+6281234567890", "Body": COMPLAINT}
    internal = "http://localhost/webhooks/twilio" + "".join(k + form[k] for k in sorted(form))
    key = b"test-twilio-auth-token"
    sig = base64.b64encode(hmac.new(key, internal.encode(), hashlib.sha1).digest()).decode()
    client = gateway.app.test_client()
    resp = client.post("/webhooks/twilio", data=form, headers={"X-Twilio-Signature": sig})
    assert resp.status_code == 403
    assert gateway.twilio("+6281234567890", COMPLAINT, "SM" + "4" * 32).status_code == 200


def test_webhooks_open_no_session_and_the_admin_does(gateway):
    """Provider webhooks carry no cookie: their requests get Flask's empty, read-only session
    (no signing work, nothing to set); the admin and the simulator keep their cookie sessions."""
    from flask.sessions import NullSession, SecureCookieSession

    app = gateway.app
    for path, kind in [
        ("/webhooks/twilio", NullSession),
        ("/admin/login", SecureCookieSession),
        ("/simulator", SecureCookieSession),
    ]:
        with app.test_request_context(path, headers={"Cookie": "session=not-a-valid-cookie"}):
            from flask import session

            assert type(session._get_current_object()) is kind, path
    resp = gateway.twilio("+6281234567890", COMPLAINT, "SM" + "9" * 32)
    assert resp.status_code == 200 and "Set-Cookie" not in resp.headers
