"""Opt-out from Twilio (error 21610) and the Telegram contact button that joins phone histories."""

from __future__ import annotations

import json

from sqlmodel import col, select

from bot.service import send_answer
from store import repo
from store.db import session_scope
from store.models import Contact, Message, Outbox, Ticket

COMPLAINT = "DINKES #puskesmas tutup jam 10"
PHONE = "+6281234567890"


def contact_of(gateway, channel: str, address: str) -> Contact:
    with session_scope(gateway.runtime.engine) as s:
        contact = repo.contact_by_address(s, channel=channel, address=address)
        assert contact is not None
        return contact


def answer(gateway, clock, body: str = "Puskesmas buka pukul 07.00.") -> Outbox:
    """An officer answers the latest ticket; returns its outbox row after a dispatch."""
    runtime = gateway.runtime
    with session_scope(runtime.engine) as s:
        ticket = s.exec(select(Ticket).order_by(col(Ticket.id).desc())).first()
        send_answer(s, ticket, body, now=clock(), desk=runtime.desk, actor="petugas")
    runtime.deliver_now()
    with session_scope(runtime.engine) as s:
        return s.exec(select(Outbox).order_by(col(Outbox.id).desc())).first()


def test_status_21610_opts_the_citizen_out_and_nothing_more_is_sent(gateway, clock):
    gateway.twilio(PHONE, COMPLAINT, "SM" + "1" * 32)
    first = answer(gateway, clock, "Sebentar.")
    assert first.status == "sent"
    resp = gateway.twilio_status(first.provider_id, "failed", ErrorCode="21610")
    assert resp.status_code == 200
    assert contact_of(gateway, "twilio", PHONE).opted_out
    calls = len(gateway.apis.calls)
    blocked = answer(gateway, clock)
    assert blocked.status == "failed" and "STOP" in blocked.error
    assert len(gateway.apis.calls) == calls  # nothing went to Twilio


def test_send_refused_with_21610_opts_the_citizen_out(gateway, clock):
    gateway.twilio(PHONE, COMPLAINT, "SM" + "2" * 32)
    gateway.apis.errors[gateway.apis.TWILIO] = (
        400,
        {"code": 21610, "message": "Attempt to send to unsubscribed recipient", "status": 400},
    )
    row = answer(gateway, clock, "Sebentar.")
    assert row.status == "failed" and "21610" in row.error
    assert contact_of(gateway, "twilio", PHONE).opted_out


def test_status_callbacks_record_delivery(gateway, clock):
    gateway.twilio(PHONE, COMPLAINT, "SM" + "3" * 32)
    row = answer(gateway, clock, "Sebentar.")
    gateway.twilio_status(row.provider_id, "delivered")
    gateway.twilio_status(row.provider_id, "sent")  # late and out of order: ignored
    with session_scope(gateway.runtime.engine) as s:
        row = s.get(Outbox, row.id)
        assert row.status == "delivered" and row.delivered_at == clock()


def test_telegram_offers_the_phone_button_until_the_phone_is_shared(gateway):
    gateway.telegram(5550003, update_id=1, message_id=1, text="/start")
    (offer,) = gateway.apis.sent(gateway.apis.TELEGRAM)
    markup = json.loads(offer["reply_markup"])
    assert markup["keyboard"][0][0]["request_contact"] is True
    contact = {"phone_number": "6281234567890", "first_name": "Warga", "user_id": 5550003}
    gateway.telegram(5550003, update_id=2, message_id=3, contact=contact)
    after = gateway.apis.sent(gateway.apis.TELEGRAM)[-1]
    assert "reply_markup" not in after  # phone known now: no more offers
    assert contact_of(gateway, "telegram", "5550003").phone == PHONE


def test_shared_phone_joins_the_sms_history(gateway):
    gateway.twilio(PHONE, COMPLAINT, "SM" + "4" * 32)
    gateway.telegram(5550004, update_id=1, message_id=1, text="halo")
    before = contact_of(gateway, "telegram", "5550004")
    assert before.phone is None
    contact = {"phone_number": "+62 812-3456-7890", "first_name": "Warga", "user_id": 5550004}
    gateway.telegram(5550004, update_id=2, message_id=3, contact=contact)
    joined = contact_of(gateway, "telegram", "5550004")
    assert joined.id == contact_of(gateway, "twilio", PHONE).id
    with session_scope(gateway.runtime.engine) as s:
        channels = {m.channel for m in repo.thread(s, contact_id=joined.id)}
        assert channels == {"twilio", "telegram"}
        assert list(s.exec(select(Message).where(Message.contact_id == before.id))) == []
    # STATUS on Telegram now lists the ticket filed by SMS
    gateway.telegram(5550004, update_id=3, message_id=5, text="STATUS")
    with session_scope(gateway.runtime.engine) as s:
        number = s.exec(select(Ticket)).one().number
    assert number in gateway.apis.sent(gateway.apis.TELEGRAM)[-1]["text"]


def test_someone_elses_contact_card_links_nothing(gateway):
    gateway.telegram(5550005, update_id=1, message_id=1, text="halo")
    card = {"phone_number": "6281299999999", "first_name": "Budi", "user_id": 42}
    resp = gateway.telegram(5550005, update_id=2, message_id=3, contact=card)
    assert resp.status_code == 200
    assert contact_of(gateway, "telegram", "5550005").phone is None


def test_an_answer_queued_before_the_opt_out_is_not_sent(gateway, clock):
    gateway.telegram(5550006, update_id=1, message_id=1, text=COMPLAINT)
    runtime = gateway.runtime
    gateway.apis.errors[gateway.apis.TELEGRAM] = (
        502,
        {"ok": False, "error_code": 502, "description": "Bad Gateway"},
    )
    first = answer(gateway, clock, "Sebentar.")
    assert first.status == "pending"  # will be retried with back-off
    gateway.telegram(5550006, update_id=2, message_id=3, text="STOP")
    stop_reply = gateway.apis.sent(gateway.apis.TELEGRAM)[-1]["text"]
    clock.advance(hours=1)
    calls = len(gateway.apis.calls)
    runtime.deliver_now()
    with session_scope(runtime.engine) as s:
        row = s.get(Outbox, first.id)
    assert row.status == "failed" and "STOP" in row.error
    assert len(gateway.apis.calls) == calls  # the retry never reached Telegram
    assert stop_reply  # while the STOP confirmation itself did go out
