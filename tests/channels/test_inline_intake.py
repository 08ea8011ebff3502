"""Inline intake ([inbound] queued = false) loses nothing: the webhook stores the message in the inbox
before handling it in the request, so a message whose handling raises is kept for the scheduler's
`inbox` job and the provider still gets its 200. Real database, providers faked at HTTP."""

from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa

from bot import flows, inbox
from tests.channels.test_queued_intake import OTHER, inbound, rows

PHONE = "+6281234567890"
COMPLAINT = "DINKES #puskesmas tutup jam 10 meledak"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response />'


def drain(gateway) -> int:
    """What the scheduler's `inbox` job runs when no worker does."""
    rt = gateway.runtime
    return inbox.drain(rt.engine, rt.desk, clock=rt.clock, on_queued=rt.kick_delivery)


def test_a_handled_message_is_answered_inline_and_marked(gateway):
    sid = "SM" + "1" * 32
    resp = gateway.twilio(PHONE, "DINKES #puskesmas tutup jam 10", sid)
    assert resp.status_code == 200 and "Aduan Anda diterima" in resp.get_data(as_text=True)
    (msg,) = inbound(gateway)
    (row,) = rows(gateway)
    assert row.provider_id == sid and row.processed_at is not None and row.message_id == msg.id
    assert drain(gateway) == 0 and gateway.apis.calls == []  # nothing handled or sent twice


def test_a_message_whose_handling_raises_is_kept_for_the_inbox_job(gateway, monkeypatch, caplog):
    real = flows.step

    def broken(snap, parsed, now):
        raise RuntimeError("a bug in handling")

    monkeypatch.setattr(flows, "step", broken)
    sid = "SM" + "2" * 32
    with caplog.at_level(logging.INFO):
        resp = gateway.twilio(PHONE, COMPLAINT, sid)
    assert resp.status_code == 200 and resp.get_data(as_text=True) == EMPTY_TWIML
    assert inbound(gateway) == []  # the handling transaction was rolled back ...
    (row,) = rows(gateway)  # ... but the message is stored, waiting, its failure counted
    assert row.provider_id == sid and row.payload["text"] == COMPLAINT
    assert row.processed_at is None and row.attempts == 1 and row.error == "RuntimeError"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert f"message {row.id}" in logged
    assert PHONE not in logged and "puskesmas" not in logged

    assert gateway.twilio(PHONE, COMPLAINT, sid).status_code == 200  # a retry stores no new row
    (row,) = rows(gateway)
    assert row.attempts == 2 and inbound(gateway) == []

    monkeypatch.setattr(flows, "step", real)  # the bug is fixed; the scheduler's job comes round
    assert drain(gateway) == 1
    (msg,) = inbound(gateway)
    assert msg.body == COMPLAINT and msg.ticket_id is not None and msg.provider_id == sid
    (row,) = rows(gateway)
    assert row.processed_at is not None and row.message_id == msg.id
    sent = gateway.apis.sent(gateway.apis.TWILIO)  # the acknowledgement, now through the outbox
    assert {p["To"] for p in sent} == {PHONE} and "Aduan Anda diterima" in sent[0]["Body"]


def test_a_message_that_keeps_failing_is_set_aside_for_the_admin(gateway, monkeypatch):
    def broken(snap, parsed, now):
        raise RuntimeError("a bug in handling")

    monkeypatch.setattr(flows, "step", broken)
    gateway.twilio(PHONE, COMPLAINT, "SM" + "3" * 32)
    for _ in range(inbox.MAX_ATTEMPTS - 1):
        drain(gateway)
    (row,) = inbox.held(gateway.runtime.engine)
    assert row.attempts == inbox.MAX_ATTEMPTS and row.payload["text"] == COMPLAINT


def test_a_senders_next_message_waits_behind_one_whose_handling_failed(gateway, monkeypatch, clock):
    """The second message (a detail for the complaint) must not be answered before the complaint
    it belongs to: handled first, it would find no ticket to join."""
    real = flows.step

    def broken(snap, parsed, now):
        if "meledak" in parsed.text:
            raise RuntimeError("a bug in handling")
        return real(snap, parsed, now)

    monkeypatch.setattr(flows, "step", broken)
    detail = "Lokasinya di depan pasar"
    gateway.twilio(PHONE, COMPLAINT, "SM" + "4" * 32)
    clock.advance(seconds=30)
    resp = gateway.twilio(PHONE, detail, "SM" + "5" * 32)
    assert resp.status_code == 200 and resp.get_data(as_text=True) == EMPTY_TWIML
    assert inbound(gateway) == []  # not handled ahead of the failed one ...
    failed, waiting = rows(gateway)
    assert failed.attempts == 1 and (waiting.attempts, waiting.error) == (0, "")  # ... nor failed
    assert waiting.processed_at is None

    resp = gateway.twilio(OTHER, "DINKES #jalan ke puskesmas rusak", "SM" + "6" * 32)
    assert "Aduan Anda diterima" in resp.get_data(as_text=True)  # another sender is not held up

    assert drain(gateway) == 0  # still failing: the detail keeps waiting behind it
    assert [r.processed_at is None for r in rows(gateway)] == [True, True, False]
    monkeypatch.setattr(flows, "step", real)  # the bug is fixed; the scheduler's job comes round
    assert drain(gateway) == 2
    complaint, added = [m for m in inbound(gateway) if m.address == PHONE]
    assert (complaint.body, added.body) == (COMPLAINT, detail) and complaint.id < added.id
    assert added.ticket_id == complaint.ticket_id is not None  # the detail joined the complaint
    assert added.created_at == complaint.created_at + timedelta(seconds=30)


def test_a_senders_next_message_waits_behind_one_the_database_failed(gateway, monkeypatch, clock):
    """A busy or lost database counts no attempt (as in the worker), but the detail still waits."""
    real = flows.step

    def busy(snap, parsed, now):
        if "meledak" in parsed.text:
            raise sa.exc.OperationalError("SELECT 1", {}, Exception("deadlock detected"))
        return real(snap, parsed, now)

    monkeypatch.setattr(flows, "step", busy)
    gateway.twilio(PHONE, COMPLAINT, "SM" + "4" * 32)
    (first,) = rows(gateway)
    assert (first.attempts, first.error, first.processed_at) == (0, "OperationalError", None)
    clock.advance(seconds=30)
    gateway.twilio(PHONE, "Lokasinya di depan pasar", "SM" + "5" * 32)
    assert inbound(gateway) == []  # not handled ahead of the complaint
    monkeypatch.setattr(flows, "step", real)
    assert drain(gateway) == 2
    complaint, added = inbound(gateway)
    assert added.ticket_id == complaint.ticket_id is not None
