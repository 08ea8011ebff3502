"""An answer that never reaches the citizen does not meet the SLA: the ticket is answered when the
answer is queued and goes back to open (clock, breach escalation) when the outbox gives it up.
Twilio is faked at its HTTP API and its status callbacks; the rest is the real desk."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlmodel import col, select

from admin import queries as admin_queries
from bot import delivery, jobs, tickets
from bot.messages import Role, TicketStatus
from bot.service import send_answer
from store.db import session_scope
from store.models import AuditLog, Conversation, Escalation, Message, Outbox, Ticket
from tests.channels.test_contacts import COMPLAINT, PHONE, answer

ADMIN = SimpleNamespace(role=Role.ADMIN, units=())
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


def conversation_state(gateway) -> str:
    with session_scope(gateway.runtime.engine) as s:
        return s.exec(select(Conversation).where(Conversation.address == PHONE)).one().state


def test_a_delivered_receipt_after_the_failure_answers_the_ticket_again(gateway, clock):
    """Providers report out of order, and a carrier may retry after reporting a failure: the citizen
    got the answer, so the ticket the failure reopened is answered again, as it was."""
    gateway.twilio(PHONE, COMPLAINT, "SM" + "a" * 32)
    late = ticket_now(gateway).due_at + timedelta(minutes=1)
    clock.advance(hours=6)
    answered_at = clock()
    row = answer(gateway, clock)
    gateway.twilio_status(row.provider_id, "undelivered", ErrorCode="30003")
    assert ticket_now(gateway).status is TicketStatus.OPEN
    assert conversation_state(gateway) == "idle"  # the feedback question went with the answer
    assert sla_clock(gateway, late + timedelta(hours=6)) == 1  # breached: the committee is told
    clock.advance(minutes=3)
    gateway.twilio_status(row.provider_id, "delivered")
    ticket = ticket_now(gateway)
    assert ticket.status is TicketStatus.ANSWERED
    assert ticket.first_answer_at == ticket.resolved_at == answered_at
    (line,) = audits(gateway, "ticket.answer_delivered")
    assert line.actor == "system" and line.at == clock()
    assert line.before == {"status": "open"} and line.after["message_id"] == row.message_id
    with session_scope(gateway.runtime.engine) as s:  # the breach alert ends with the answer
        assert all(e.closed_at is not None for e in s.exec(select(Escalation)))
        assert admin_queries.failed_answers(s, ADMIN) == []  # off the dashboard
    assert conversation_state(gateway) == "awaiting_feedback"  # the question did arrive
    gateway.twilio(PHONE, "YA", "SM" + "b" * 32)
    assert ticket_now(gateway).status is TicketStatus.CLOSED and ticket_now(gateway).satisfied


def _citizen_writes(gateway, clock) -> None:
    gateway.twilio(PHONE, "Belum ada jawaban sampai sekarang?", "SM" + "c" * 32)


def _officer_notes(gateway, clock) -> None:
    with session_scope(gateway.runtime.engine) as s:
        ticket = s.get(Ticket, ticket_now(gateway).id)
        tickets.add_note(s, ticket, "Warga sudah ditelepon.", now=clock(), actor="petugas")


@pytest.mark.parametrize(
    "since", [_citizen_writes, _officer_notes], ids=["citizen-wrote", "officer-acted"]
)
def test_a_delivered_receipt_leaves_the_ticket_open_once_something_happened(gateway, clock, since):
    gateway.twilio(PHONE, COMPLAINT, "SM" + "d" * 32)
    row = answer(gateway, clock)
    gateway.twilio_status(row.provider_id, "failed", ErrorCode="30003")
    clock.advance(minutes=2)
    since(gateway, clock)
    clock.advance(minutes=2)
    gateway.twilio_status(row.provider_id, "delivered")
    assert ticket_now(gateway).status is TicketStatus.OPEN  # the officer decides
    # ... but the answer is said to have arrived, so it is no longer listed as failed
    (line,) = audits(gateway, "ticket.answer_delivered")
    assert line.before == {"status": "open"} and line.after["status"] == "open"
    with session_scope(gateway.runtime.engine) as s:
        assert admin_queries.failed_answers(s, ADMIN) == []


def test_an_older_answer_failing_after_a_newer_one_went_out_leaves_it_answered(gateway, clock):
    """The citizen got the newer answer; the older one's failure shows on its message only. Once
    the newer one fails too, no answer of the round reached the citizen: the ticket reopens."""
    gateway.twilio(PHONE, COMPLAINT, "SM" + "e" * 32)
    older = answer(gateway, clock, "Puskesmas buka pukul 07.00.")
    clock.advance(minutes=5)
    newer = answer(gateway, clock, "Koreksi: buka pukul 07.30.")
    gateway.twilio_status(older.provider_id, "undelivered", ErrorCode="30003")
    assert ticket_now(gateway).status is TicketStatus.ANSWERED
    assert audits(gateway, "ticket.answer_failed") == []  # the latest answer may still arrive
    with session_scope(gateway.runtime.engine) as s:
        assert s.get(Outbox, older.id).status == "failed"  # what the ticket page shows
        assert admin_queries.failed_answers(s, ADMIN) == []
    gateway.twilio_status(newer.provider_id, "undelivered", ErrorCode="30003")
    ticket = ticket_now(gateway)
    assert ticket.status is TicketStatus.OPEN and ticket.first_answer_at is None
    (line,) = audits(gateway, "ticket.answer_failed")
    assert line.after["message_id"] == newer.message_id and line.after["status"] == "open"


def test_an_older_answer_failing_last_reopens_when_the_newer_failed_first(gateway, clock):
    gateway.twilio(PHONE, COMPLAINT, "SM" + "f" * 32)
    older = answer(gateway, clock, "Puskesmas buka pukul 07.00.")
    newer = answer(gateway, clock, "Koreksi: buka pukul 07.30.")
    gateway.twilio_status(newer.provider_id, "undelivered", ErrorCode="30003")
    assert ticket_now(gateway).status is TicketStatus.ANSWERED  # the older one is still out
    gateway.twilio_status(older.provider_id, "undelivered", ErrorCode="30003")
    assert ticket_now(gateway).status is TicketStatus.OPEN
    failed = audits(gateway, "ticket.answer_failed")
    assert [line.after["status"] for line in failed] == ["answered", "open"]


def test_an_answer_given_up_as_interrupted_that_went_out_after_all_answers_it_again(gateway, clock):
    """The dispatcher's send outlived its last lease: the row was failed as interrupted and the
    ticket reopened, then the send finished and recorded `sent`. The citizen got the answer."""
    gateway.twilio(PHONE, COMPLAINT, "SM" + "g" * 32)
    rt, cfg = gateway.runtime, gateway.runtime.desk.config.delivery
    with session_scope(rt.engine) as s:
        ticket = s.get(Ticket, ticket_now(gateway).id)
        send_answer(s, ticket, "Puskesmas buka pukul 07.00.", now=clock(), desk=rt.desk, actor="x")
    slow = None
    while claimed := delivery.claim(rt.engine, now=clock(), max_attempts=cfg.max_attempts):
        (slow,) = claimed
        clock.advance(seconds=delivery.LEASE.total_seconds() + 1)  # each send outlives its lease
    assert ticket_now(gateway).status is TicketStatus.OPEN  # given up: may not have gone out
    delivery._record(rt.engine, slow, now=clock(), cfg=cfg, provider_id="SM" + "h" * 32, error=None)
    assert ticket_now(gateway).status is TicketStatus.ANSWERED
    assert len(audits(gateway, "ticket.answer_delivered")) == 1


def test_an_answer_held_because_the_citizen_sent_stop_does_not_reopen(gateway, clock):
    """Decision: the citizen opted out; the answer is recorded (shown held on the ticket page)."""
    gateway.twilio(PHONE, COMPLAINT, "SM" + "i" * 32)
    gateway.twilio(PHONE, "STOP", "SM" + "j" * 32)
    row = answer(gateway, clock)
    assert row.status == "failed" and "STOP" in row.error
    assert ticket_now(gateway).status is TicketStatus.ANSWERED
    assert audits(gateway, "ticket.answer_failed") == []


def test_a_resent_older_answer_joins_the_round(gateway, clock):
    """The older answer failed while a newer one was out; the officer sent it again and the copy
    arrived. The newer one failing afterwards does not reopen the ticket: the citizen has an answer."""
    gateway.twilio(PHONE, COMPLAINT, "SM" + "e" * 32)
    older = answer(gateway, clock, "Puskesmas buka pukul 07.00.")
    clock.advance(minutes=5)
    newer = answer(gateway, clock, "Tambahan: bawa KTP.")
    gateway.twilio_status(older.provider_id, "undelivered", ErrorCode="30003")
    clock.advance(minutes=1)
    rt = gateway.runtime
    with session_scope(rt.engine) as s:
        ticket = s.get(Ticket, ticket_now(gateway).id)
        copy_id = tickets.resend(
            s, ticket, s.get(Message, older.message_id), now=clock(), actor="petugas"
        ).id
    rt.deliver_now()
    with session_scope(rt.engine) as s:
        copy = s.exec(select(Outbox).where(Outbox.message_id == copy_id)).one()
    gateway.twilio_status(copy.provider_id, "delivered")
    clock.advance(minutes=1)
    gateway.twilio_status(newer.provider_id, "undelivered", ErrorCode="30003")
    ticket = ticket_now(gateway)
    assert ticket.status is TicketStatus.ANSWERED and ticket.first_answer_at is not None
    assert not any(a.after.get("status") == "open" for a in audits(gateway, "ticket.answer_failed"))


def _failed_follow_up(gateway, clock) -> Outbox:
    """A ticket answered (and the answer delivered), then a follow-up that failed for good."""
    gateway.twilio(PHONE, COMPLAINT, "SM" + "9" * 32)
    first = answer(gateway, clock, "Puskesmas buka pukul 07.00.")
    gateway.twilio_status(first.provider_id, "delivered")
    clock.advance(minutes=5)
    follow = answer(gateway, clock, "Tambahan: bawa KTP.")
    gateway.twilio_status(follow.provider_id, "undelivered", ErrorCode="30003")
    return follow


def test_a_failed_follow_up_delivered_after_all_is_no_longer_listed_failed(gateway, clock):
    follow = _failed_follow_up(gateway, clock)
    with session_scope(gateway.runtime.engine) as s:
        listed = [t.number for t, _, _ in admin_queries.failed_answers(s, ADMIN)]
    assert listed == [ticket_now(gateway).number]
    clock.advance(minutes=3)
    gateway.twilio_status(follow.provider_id, "delivered")
    with session_scope(gateway.runtime.engine) as s:
        assert admin_queries.failed_answers(s, ADMIN) == []
    assert ticket_now(gateway).status is TicketStatus.ANSWERED
    (line,) = audits(gateway, "ticket.answer_delivered")
    assert line.after == {"status": "answered", "message_id": follow.message_id}


def _reopen_by_tidak(gateway, rt, clock) -> None:
    gateway.twilio(PHONE, "TIDAK", "SM" + "f" * 32)


def _reopen_by_officer(gateway, rt, clock) -> None:
    with session_scope(rt.engine) as s:
        ticket = s.get(Ticket, ticket_now(gateway).id)
        tickets.reopen(s, ticket, now=clock(), desk=rt.desk, actor="petugas", reason="belum")


@pytest.mark.parametrize("reopen", [_reopen_by_tidak, _reopen_by_officer], ids=["tidak", "officer"])
def test_a_resent_old_answer_does_not_undo_a_reopen(gateway, clock, reopen):
    """The older answer failed, the newer arrived, then the ticket was reopened (not solved): sending
    the old answer again is a copy of an old answer, not the new answer the reopen asks for."""
    gateway.twilio(PHONE, COMPLAINT, "SM" + "e" * 32)
    older = answer(gateway, clock, "Puskesmas buka pukul 07.00.")
    clock.advance(minutes=5)
    newer = answer(gateway, clock, "Tambahan: bawa KTP.")
    gateway.twilio_status(older.provider_id, "undelivered", ErrorCode="30003")
    gateway.twilio_status(newer.provider_id, "delivered")
    rt = gateway.runtime
    reopen(gateway, rt, clock)
    assert ticket_now(gateway).status is TicketStatus.OPEN
    clock.advance(minutes=30)
    with session_scope(rt.engine) as s:
        ticket = s.get(Ticket, ticket_now(gateway).id)
        tickets.resend(s, ticket, s.get(Message, older.message_id), now=clock(), actor="petugas")
    assert ticket_now(gateway).status is TicketStatus.OPEN


def test_a_follow_up_delivered_after_all_on_a_reopened_ticket_is_no_longer_listed_failed(
    gateway, clock
):
    follow = _failed_follow_up(gateway, clock)
    gateway.twilio(PHONE, "TIDAK", "SM" + "f" * 32)
    assert ticket_now(gateway).status is TicketStatus.OPEN
    with session_scope(gateway.runtime.engine) as s:
        assert len(admin_queries.failed_answers(s, ADMIN)) == 1
    gateway.twilio_status(follow.provider_id, "delivered")
    with session_scope(gateway.runtime.engine) as s:
        assert admin_queries.failed_answers(s, ADMIN) == []
    assert ticket_now(gateway).status is TicketStatus.OPEN
