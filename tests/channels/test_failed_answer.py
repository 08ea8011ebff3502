"""An answer that never reaches the citizen does not meet the SLA: the ticket is answered when the
answer is queued and goes back to open (clock, breach escalation) when the outbox gives it up.
Twilio is faked at its HTTP API and its status callbacks; the rest is the real desk."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from bot import jobs, tickets
from bot.messages import TicketStatus
from store.db import session_scope
from store.models import AuditLog, Escalation, Ticket
from tests.channels.test_contacts import COMPLAINT, PHONE, answer

INVALID_TO = (400, {"code": 21211, "message": "The 'To' number is not valid.", "status": 400})


def ticket_now(gateway) -> Ticket:
    with session_scope(gateway.runtime.engine) as s:
        return s.exec(select(Ticket).order_by(col(Ticket.id).desc())).first()


def audits(gateway, action: str) -> list[AuditLog]:
    with session_scope(gateway.runtime.engine) as s:
        stmt = select(AuditLog).where(AuditLog.action == action).order_by(col(AuditLog.id))
        return list(s.exec(stmt))


def sla_clock(gateway, now) -> int:
    with session_scope(gateway.runtime.engine) as s:
        return jobs.sla_clock(s, now=now, desk=gateway.runtime.desk)


def test_an_answer_sent_and_delivered_stops_the_clock(gateway, clock):
    gateway.twilio(PHONE, COMPLAINT, "SM" + "6" * 32)
    row = answer(gateway, clock)
    assert row.status == "sent"
    gateway.twilio_status(row.provider_id, "delivered")
    ticket = ticket_now(gateway)
    assert ticket.status is TicketStatus.ANSWERED and ticket.first_answer_at == clock()
    assert audits(gateway, "ticket.answer_failed") == []
    assert sla_clock(gateway, ticket.due_at + timedelta(minutes=1)) == 0  # nothing to escalate


def test_an_answer_the_provider_refuses_opens_the_ticket_again(gateway, clock):
    gateway.twilio(PHONE, COMPLAINT, "SM" + "7" * 32)
    gateway.apis.errors[gateway.apis.TWILIO] = INVALID_TO
    row = answer(gateway, clock)
    assert row.status == "failed" and "21211" in row.error
    ticket = ticket_now(gateway)
    assert ticket.status is TicketStatus.OPEN
    assert ticket.first_answer_at is None and ticket.resolved_at is None
    (line,) = audits(gateway, "ticket.answer_failed")
    assert line.actor == "system" and "21211" in line.reason
    assert line.before == {"status": "answered"} and line.after["status"] == "open"
    assert sla_clock(gateway, ticket.due_at + timedelta(minutes=1)) == 1  # the breach escalates


def test_an_undelivered_receipt_after_a_breach_puts_it_before_the_committee_again(gateway, clock):
    gateway.twilio(PHONE, COMPLAINT, "SM" + "8" * 32)
    late = ticket_now(gateway).due_at + timedelta(minutes=1)
    assert sla_clock(gateway, late) == 1
    clock.advance(hours=6)
    row = answer(gateway, clock)  # the answer ends the breach escalation ...
    with session_scope(gateway.runtime.engine) as s:
        assert s.exec(select(Escalation)).one().closed_at == clock()
    gateway.twilio_status(row.provider_id, "undelivered", ErrorCode="30003")
    ticket = ticket_now(gateway)  # ... but it never arrived
    assert ticket.status is TicketStatus.OPEN and ticket.first_answer_at is None
    assert sla_clock(gateway, clock()) == 1
    with session_scope(gateway.runtime.engine) as s:
        assert len(s.exec(select(Escalation)).all()) == 2


def test_a_failed_follow_up_on_an_answered_ticket_leaves_it_answered(gateway, clock):
    gateway.twilio(PHONE, COMPLAINT, "SM" + "9" * 32)
    answer(gateway, clock, "Puskesmas buka pukul 07.00.")
    first = ticket_now(gateway).first_answer_at
    gateway.apis.errors[gateway.apis.TWILIO] = INVALID_TO
    clock.advance(minutes=5)
    assert answer(gateway, clock, "Tambahan: bawa KTP.").status == "failed"
    ticket = ticket_now(gateway)
    assert ticket.status is TicketStatus.ANSWERED and ticket.first_answer_at == first
    (line,) = audits(gateway, "ticket.answer_failed")
    assert line.after["status"] == "answered"  # recorded for the officer, the round stays met


def test_an_answer_after_a_reopen_that_fails_keeps_the_first_answer(gateway, clock):
    gateway.twilio(PHONE, COMPLAINT, "SM" + "0" * 32)
    answer(gateway, clock)
    first = ticket_now(gateway).first_answer_at
    with session_scope(gateway.runtime.engine) as s:
        ticket = s.get(Ticket, ticket_now(gateway).id)
        tickets.reopen(s, ticket, now=clock(), desk=gateway.runtime.desk, actor="petugas")
    due = ticket_now(gateway).due_at
    gateway.apis.errors[gateway.apis.TWILIO] = INVALID_TO
    answer(gateway, clock, "Jawaban kedua.")
    ticket = ticket_now(gateway)
    assert ticket.status is TicketStatus.OPEN and ticket.first_answer_at == first
    assert ticket.due_at == due  # the reopened round's deadline still runs


def test_words_after_a_failed_answer_are_not_taken_as_its_verdict(gateway, clock):
    """The answer asked "did it solve the problem?" as it was queued. It never arrived, yet the
    citizen's next words were read as the reply to that question: a TIDAK, the committee told
    the citizen was unhappy with an answer they never saw."""
    gateway.twilio(PHONE, COMPLAINT, "SM" + "5" * 32)
    gateway.apis.errors[gateway.apis.TWILIO] = INVALID_TO
    answer(gateway, clock)
    gateway.twilio(PHONE, "Tidak ada kabar sampai sekarang?", "SM" + "4" * 32)
    ticket = ticket_now(gateway)
    assert ticket.status is TicketStatus.OPEN and ticket.satisfied is None
    with session_scope(gateway.runtime.engine) as s:
        assert s.exec(select(Escalation)).all() == []
