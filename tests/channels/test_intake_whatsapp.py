"""Walk-in and telephone intake answered by WhatsApp (DESIGN §4: "the answer still goes out by
SMS/WA"): offered only where an approved template can start the conversation, since the citizen has
not written on WhatsApp. Real app and database, providers faked at HTTP."""

from __future__ import annotations

import re

from sqlmodel import select

from store.db import session_scope
from store.models import Ticket

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
FORM = {"phone": "0813 9999 0000", "unit": "DPUPR", "text": "jalan berlubang di depan pasar"}
PHONE = "+6281399990000"


def login(client) -> str:
    """Log the demo officer in; returns a CSRF token for the next forms."""
    token = TOKEN.search(client.get("/admin/login").get_data(as_text=True)).group(1)
    form = {"csrf_token": token, "username": "petugas", "password": "petugas-demo"}
    assert client.post("/admin/login", data=form).status_code == 302
    return TOKEN.search(client.get("/admin/intake").get_data(as_text=True)).group(1)


def intake(gateway, channel: str):
    client = gateway.app.test_client()
    token = login(client)
    return client, client.post(
        "/admin/intake", data={**FORM, "channel": channel, "csrf_token": token}
    )


def ticket_route(gateway) -> tuple[str, str]:
    with session_scope(gateway.runtime.engine) as s:
        ticket = s.exec(select(Ticket)).one()
        return ticket.channel, ticket.address


def test_intake_by_twilio_whatsapp_starts_with_the_approved_template(template_gateway):
    client, resp = intake(template_gateway, "twilio-wa")
    assert resp.status_code == 303
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "warga menerima tanda terima lewat WhatsApp" in page
    assert ticket_route(template_gateway) == ("twilio", "whatsapp:" + PHONE)
    sent = template_gateway.apis.sent(template_gateway.apis.TWILIO)
    # the citizen never wrote on WhatsApp, and the officer's typing opens no 24-hour window
    assert sent and all(p["To"] == "whatsapp:" + PHONE and "ContentSid" in p for p in sent)
    assert "Aduan Anda diterima" in sent[0]["ContentVariables"] and "Body" not in sent[0]


def test_intake_by_whatsapp_cloud_starts_with_the_approved_template(template_gateway):
    _, resp = intake(template_gateway, "whatsapp")
    assert resp.status_code == 303
    assert ticket_route(template_gateway) == ("whatsapp", PHONE)
    (payload, *_) = template_gateway.apis.sent(template_gateway.apis.GRAPH)
    assert payload["to"] == PHONE.lstrip("+") and payload["type"] == "template"
    assert payload["template"]["name"] == "jawaban_aduan"


def test_the_form_offers_whatsapp_with_its_template_rule(template_gateway):
    client = template_gateway.app.test_client()
    login(client)
    page = client.get("/admin/intake").get_data(as_text=True)
    assert 'value="twilio-wa"' in page and 'value="whatsapp"' in page
    assert "dikirim dengan template yang disetujui" in page


def test_without_a_template_whatsapp_is_not_offered_and_the_form_says_why(gateway):
    client = gateway.app.test_client()
    login(client)
    page = client.get("/admin/intake").get_data(as_text=True)
    assert 'value="twilio"' in page  # SMS through Twilio
    assert 'value="twilio-wa"' not in page and 'value="whatsapp"' not in page
    assert "WhatsApp tidak ditawarkan: WhatsApp (twilio), WhatsApp (Cloud API) belum punya" in page
    _, resp = intake(gateway, "twilio-wa")
    assert resp.status_code == 400 and "Pilih saluran jawaban yang aktif." in resp.get_data(
        as_text=True
    )
    with session_scope(gateway.runtime.engine) as s:
        assert s.exec(select(Ticket)).all() == []


def test_a_citizen_who_wrote_on_whatsapp_today_gets_free_text(template_gateway, clock):
    assert template_gateway.twilio("whatsapp:" + PHONE, "halo", "SM" + "7" * 32).status_code == 200
    clock.advance(hours=2)  # then telephones the desk
    _, resp = intake(template_gateway, "twilio-wa")
    assert resp.status_code == 303
    (ack, *_) = template_gateway.apis.sent(template_gateway.apis.TWILIO)
    assert "Aduan Anda diterima" in ack["Body"] and "ContentSid" not in ack
