"""The SLA over a ticket's life: answers and closing end a breach escalation, new causes reach the
committee, a reopen starts a new round, priority and transfer move the deadline from receipt."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from bot import committee, jobs, report, screening, sla, tickets
from bot.config import SlaConfig
from bot.messages import InboundMessage, Priority, TicketStatus
from bot.service import process_inbound
from store import repo
from store.db import session_scope
from store.models import Escalation, Ticket

ANGGOTA = "+6281555555555"
CITIZEN = "081234567890"


def run(probe, job, now) -> int:
    with session_scope(probe.engine) as s:
        return job(s, now=now, desk=probe.desk)


def citizen(probe, text, now):
    msg = InboundMessage(channel="simulator", address=CITIZEN, text=text)
    return process_inbound(probe.engine, msg, now=now, desk=probe.desk)


def act(probe, number, fn, *args, **kwargs):
    """Run a bot.tickets operation on the ticket in its own transaction."""
    with session_scope(probe.engine) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
        return fn(s, ticket, *args, **kwargs)


def bodies(probe, address) -> list[str]:
    return [m.body for m in probe.sent_to(address)]


def breached(probe, start) -> tuple[str, datetime]:
    """A silent complaint past its 5-hour deadline, escalated and told to the Anggota."""
    number = probe.complain(start)
    late = start + timedelta(hours=5, minutes=1)
    assert run(probe, jobs.sla_clock, late) == 1
    run(probe, committee.escalation_ladder, late)
    assert len(bodies(probe, ANGGOTA)) == 1
    return number, late


def test_an_answer_ends_the_breach_escalation_and_the_ladder_stops(probe, clock):
    number, late = breached(probe, clock())
    act(probe, number, tickets.reply, "Sudah diperbaiki.", now=late, desk=probe.desk, actor="budi")
    (esc,) = probe.escalations()
    assert esc.closed_at == late and "answered" in esc.note
    (audit,) = probe.audits("escalation.resolve")
    assert audit.actor == "budi" and audit.reason == "answered"
    for hours in (5, 10, 20):
        assert run(probe, committee.escalation_ladder, late + timedelta(hours=hours)) == 0
    assert bodies(probe, probe.KETUA) == [] and bodies(probe, probe.PENGARAH) == []


def test_closing_ends_an_acknowledged_breach_escalation(probe, clock):
    number, late = breached(probe, clock())
    with session_scope(probe.engine) as s:
        s.exec(select(Escalation)).one().acknowledged_at = late
    act(probe, number, tickets.close, now=late, desk=probe.desk, actor="budi", reason="dobel")
    (esc,) = probe.escalations()
    assert esc.closed_at == late and probe.audits("escalation.resolve")[0].reason == "closed"


def test_the_ladder_closes_a_breach_whose_ticket_is_no_longer_overdue(probe, clock):
    number, late = breached(probe, clock())
    with session_scope(probe.engine) as s:  # answered some way that did not end it (older data)
        s.exec(select(Ticket).where(Ticket.number == number)).one().status = TicketStatus.ANSWERED
    assert run(probe, committee.escalation_ladder, late + timedelta(hours=5)) == 0
    (esc,) = probe.escalations()
    assert esc.closed_at is not None and bodies(probe, probe.KETUA) == []
    assert probe.audits("escalation.resolve")[0].actor == "scheduler"


def test_an_ethics_escalation_is_the_committees_to_close(probe, clock):
    start = clock()
    number = probe.complain(start, "DISHUB #petugas minta uang damai 200rb waktu razia")
    act(probe, number, tickets.reply, "Kami periksa.", now=start, desk=probe.desk, actor="budi")
    (esc,) = probe.escalations()
    assert esc.reason == "ethics" and esc.closed_at is None
    run(probe, committee.escalation_ladder, start + timedelta(hours=5))
    assert len(bodies(probe, probe.KETUA)) == 1  # still goes up: nobody on the committee acted


def test_an_escalated_ticket_flagged_for_ethics_is_the_committees(probe, clock):
    """The breach escalation gives way to an ethics one (the screening path, as when an officer
    or the lexicon flags the ticket)."""
    number, late = breached(probe, clock())
    text = "petugasnya malah minta uang damai"
    act(probe, number, screening.flag_if_ethics, text, now=late, desk=probe.desk, actor="budi")
    assert probe.ticket(number).ethics
    old, new = sorted(probe.escalations(), key=lambda e: e.id)
    assert old.reason == "sla_breach" and old.closed_at is not None
    assert new.reason == "ethics" and new.closed_at is None
    alerts = bodies(probe, ANGGOTA)
    assert len(alerts) == 2 and "dugaan pelanggaran etika" in alerts[-1]
    # an answer does not end it: the committee owns ethics cases
    act(probe, number, tickets.reply, "Maaf.", now=late, desk=probe.desk, actor="budi")
    assert sum(e.closed_at is None for e in probe.escalations()) == 1


def test_the_citizens_no_after_an_acknowledged_escalation_is_a_new_alert(probe, clock):
    start = clock()
    number = probe.complain(start)
    with session_scope(probe.engine) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
        esc = committee.escalate(
            s, ticket, reason="officer", now=start, actor="budi", desk=probe.desk
        )
        esc.acknowledged_at, esc.acknowledged_by = start, "anggota1"
    answered = start + timedelta(hours=1)
    act(probe, number, tickets.reply, "Sudah.", now=answered, desk=probe.desk, actor="budi")
    out = citizen(probe, "TIDAK", answered + timedelta(hours=1))
    assert out.keys == ("reopened",)
    alerts = bodies(probe, ANGGOTA)
    assert len(alerts) == 2 and "warga belum puas" in alerts[-1]
    officer, tidak = sorted(probe.escalations(), key=lambda e: e.id)
    assert officer.closed_at is not None and "superseded: citizen_no" in officer.note
    assert tidak.reason == "citizen_no" and tidak.acknowledged_at is None


def test_the_citizens_yes_to_a_later_answer_ends_their_no_but_an_officers_close_does_not(
    probe, clock
):
    start = clock()
    number = probe.complain(start)
    answered = start + timedelta(hours=1)
    act(probe, number, tickets.reply, "Sudah.", now=answered, desk=probe.desk, actor="budi")
    assert citizen(probe, "TIDAK", answered + timedelta(hours=1)).keys == ("reopened",)
    (tidak,) = probe.escalations()
    assert tidak.reason == "citizen_no" and tidak.closed_at is None
    again = answered + timedelta(hours=2)
    act(
        probe, number, tickets.reply, "Sudah kami ulangi.", now=again, desk=probe.desk, actor="budi"
    )
    assert probe.escalations()[0].closed_at is None  # an answer alone does not end it
    citizen(probe, "YA", again + timedelta(minutes=30))
    (tidak,) = probe.escalations()
    assert tidak.closed_at is not None and "citizen satisfied" in tidak.note
    assert probe.ticket(number).status is TicketStatus.CLOSED
    # an officer closing the ticket is not the citizen being satisfied
    other = probe.complain(start, "DINKES #antrean puskesmas lama sekali")
    act(probe, other, tickets.reply, "Sudah.", now=answered, desk=probe.desk, actor="budi")
    citizen(probe, "TIDAK", answered + timedelta(hours=1))
    act(probe, other, tickets.close, now=again, desk=probe.desk, actor="budi", reason="selesai")
    still = [e for e in probe.escalations() if e.closed_at is None]
    assert [e.reason for e in still] == ["citizen_no"]


def test_escalating_again_for_the_same_reason_or_a_breach_returns_the_open_one(probe, clock):
    start = clock()
    number = probe.complain(start)
    with session_scope(probe.engine) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
        first = committee.escalate(s, ticket, reason="citizen_no", now=start)
        assert committee.escalate(s, ticket, reason="citizen_no", now=start).id == first.id
        assert committee.escalate(s, ticket, reason="sla_breach", now=start).id == first.id
    assert len(probe.escalations()) == 1


def test_a_reopened_ticket_needs_a_new_answer_within_the_target(probe, clock):
    start = clock()
    number = probe.complain(start)
    answered = start + timedelta(hours=6)  # late: due at +5 h
    assert run(probe, jobs.sla_clock, answered) == 1  # the first breach
    act(probe, number, tickets.reply, "Sudah.", now=answered, desk=probe.desk, actor="budi")
    reopened = answered + timedelta(hours=1)
    citizen(probe, "TIDAK", reopened)
    t = probe.ticket(number)
    assert t.status is TicketStatus.OPEN and t.first_answer_at == answered
    assert t.due_at == reopened + timedelta(hours=5) and t.first_due_at == start + timedelta(
        hours=5
    )
    # the clock runs again: reminders and a breach of the new deadline
    assert run(probe, jobs.sla_clock, reopened + timedelta(hours=3)) == 1
    assert run(probe, jobs.sla_clock, reopened + timedelta(hours=5)) == 1
    assert [a.action for a in probe.audits("sla.breach")] == ["sla.breach"] * 2
    # the recap still judges the first answer against the first deadline
    with session_scope(probe.engine) as s:
        fig = report.monthly(s, "2026-11", tz="Asia/Jakarta", now=start + timedelta(days=3)).overall
    assert fig.answered == 1 and fig.within_sla == 0


def test_an_officer_reopen_also_gives_a_new_deadline(probe, clock):
    start = clock()
    number = probe.complain(start)
    act(probe, number, tickets.reply, "Sudah.", now=start, desk=probe.desk, actor="budi")
    later = start + timedelta(days=1)
    act(probe, number, tickets.reopen, now=later, desk=probe.desk, actor="budi", reason="belum")
    assert probe.ticket(number).due_at == later + timedelta(hours=5)


def test_reopening_a_ticket_closed_unanswered_keeps_its_deadline(probe, clock):
    start = clock()
    number = probe.complain(start)
    act(probe, number, tickets.close, now=start, desk=probe.desk, actor="budi")
    act(probe, number, tickets.reopen, now=start + timedelta(days=1), desk=probe.desk, actor="budi")
    t = probe.ticket(number)
    assert t.due_at == start + timedelta(hours=5) and t.first_due_at is None


def test_yes_on_a_ticket_an_officer_reopened_closes_nothing(probe, clock):
    start = clock()
    number = probe.complain(start)
    act(probe, number, tickets.reply, "Sudah.", now=start, desk=probe.desk, actor="budi")
    later = start + timedelta(hours=1)
    act(probe, number, tickets.reopen, now=later, desk=probe.desk, actor="budi", reason="belum")
    out = citizen(probe, "YA", later + timedelta(minutes=5))
    assert out.keys == ("feedback_still_open",) and "masih ditangani" in out.replies[0]
    t = probe.ticket(number)
    assert t.status is TicketStatus.OPEN and t.satisfied is None
    assert [a.after["status"] for a in probe.audits("ticket.close")] == []


def test_yes_on_an_answered_ticket_closes_it(probe, clock):
    start = clock()
    number = probe.complain(start)
    act(probe, number, tickets.reply, "Sudah.", now=start, desk=probe.desk, actor="budi")
    assert citizen(probe, "YA", start + timedelta(minutes=5)).keys == ("feedback_thanks",)
    assert probe.ticket(number).status is TicketStatus.CLOSED


def test_priority_moves_the_deadline_and_the_reminders(probe, clock):
    start = clock()
    number = probe.complain(start)
    act(
        probe,
        number,
        tickets.set_priority,
        Priority.URGENT,
        now=start,
        desk=probe.desk,
        actor="budi",
    )
    assert probe.ticket(number).due_at == start + timedelta(hours=2, minutes=30)
    assert run(probe, jobs.sla_clock, start + timedelta(hours=1, minutes=29)) == 0
    assert run(probe, jobs.sla_clock, start + timedelta(hours=1, minutes=30)) == 1  # 60 % of 2.5 h
    (audit,) = probe.audits("ticket.priority")
    assert audit.after["due_at"] == (start + timedelta(hours=2, minutes=30)).isoformat()
    act(probe, number, tickets.set_priority, Priority.LOW, now=start, desk=probe.desk, actor="budi")
    assert probe.ticket(number).due_at == start + timedelta(hours=10)  # 2 x 5 h from receipt


def test_a_transfer_keeps_the_clock_from_receipt(probe, clock):
    start = clock()
    number = probe.complain(start)
    with session_scope(probe.engine) as s:
        repo.unit_by_code(s, "DINKES").sla_hours = 8
    moved = start + timedelta(hours=6)  # already late for DISHUB's 5 h
    with session_scope(probe.engine) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
        dinkes = repo.unit_by_code(s, "DINKES")
        tickets.transfer(
            s, ticket, dinkes, reason="salah", now=moved, desk=probe.desk, actor="budi"
        )
    assert probe.ticket(number).due_at == start + timedelta(hours=8)  # DINKES's 8 h from receipt
    answered = start + timedelta(hours=9)
    act(probe, number, tickets.reply, "Sudah.", now=answered, desk=probe.desk, actor="dina")
    with session_scope(probe.engine) as s:
        fig = report.monthly(s, "2026-11", tz="Asia/Jakarta", now=start + timedelta(days=3)).overall
    assert fig.answered == 1 and fig.within_sla == 0 and fig.median_hours == 9.0


def test_a_deadline_in_a_year_without_a_holiday_list_is_logged_once(monkeypatch, caplog, config):
    monkeypatch.setattr(sla, "_warned", set())
    cfg = replace(config, sla=SlaConfig(office_hours=True))
    received = datetime(2026, 12, 31, 8, 0, tzinfo=UTC)  # Thursday 15:00 WIB
    with caplog.at_level(logging.WARNING, logger="bot.sla"):
        sla.due_at(cfg, received=received, unit_hours=5, priority="normal")
        sla.due_at(cfg, received=received, unit_hours=5, priority="normal")
        sla.due_at(cfg, received=received - timedelta(days=30), unit_hours=5, priority="normal")
    warnings = [r.getMessage() for r in caplog.records if r.name == "bot.sla"]
    assert len(warnings) == 1 and "no holiday list for 2027" in warnings[0]


def test_no_warning_inside_shipped_years_or_without_office_hours(monkeypatch, caplog, config):
    monkeypatch.setattr(sla, "_warned", set())
    received = datetime(2027, 3, 1, 3, 0, tzinfo=UTC)
    with caplog.at_level(logging.WARNING, logger="bot.sla"):
        sla.due_at(config, received=received, unit_hours=5, priority="normal")  # wall clock
        office = replace(config, sla=SlaConfig(office_hours=True))
        sla.due_at(office, received=received - timedelta(days=90), unit_hours=5, priority="normal")
    assert [r for r in caplog.records if r.name == "bot.sla"] == []


def test_a_later_priority_or_transfer_does_not_rejudge_the_first_answer(probe, clock):
    start = clock()
    late, on_time = probe.complain(start), probe.complain(start, sender="085711112222")
    act(
        probe,
        late,
        tickets.reply,
        "Sudah.",
        now=start + timedelta(hours=6),
        desk=probe.desk,
        actor="budi",
    )
    act(
        probe,
        on_time,
        tickets.reply,
        "Sudah.",
        now=start + timedelta(hours=4),
        desk=probe.desk,
        actor="budi",
    )
    # after the answers: the late one made low priority (10 h), the on-time one urgent (2.5 h)
    act(
        probe,
        late,
        tickets.set_priority,
        Priority.LOW,
        now=start + timedelta(hours=7),
        desk=probe.desk,
        actor="budi",
    )
    act(
        probe,
        on_time,
        tickets.set_priority,
        Priority.URGENT,
        now=start + timedelta(hours=7),
        desk=probe.desk,
        actor="budi",
    )
    with session_scope(probe.engine) as s:
        repo.unit_by_code(s, "DINKES").sla_hours = 20
    with session_scope(probe.engine) as s:  # and the late one moved to a slower unit
        ticket = s.exec(select(Ticket).where(Ticket.number == late)).one()
        dinkes = repo.unit_by_code(s, "DINKES")
        tickets.transfer(
            s,
            ticket,
            dinkes,
            reason="salah",
            now=start + timedelta(hours=8),
            desk=probe.desk,
            actor="budi",
        )
    with session_scope(probe.engine) as s:
        recap = report.monthly(s, "2026-11", tz="Asia/Jakarta", now=start + timedelta(days=3))
    within = {t.number: t.first_answer_at <= t.due_at for t in recap.tickets}
    assert within == {late: False, on_time: True}
    assert recap.overall.within_sla == 1
    assert probe.ticket(late).first_due_at == start + timedelta(hours=5)


def test_a_ticket_late_again_after_its_deadline_moved_is_escalated_again(probe, clock):
    start = clock()
    number, late = breached(probe, start)
    # the officer lowers the priority: due at +10 h, no longer late; the ladder ends the breach
    moved = start + timedelta(hours=6)
    act(probe, number, tickets.set_priority, Priority.LOW, now=moved, desk=probe.desk, actor="budi")
    run(probe, committee.escalation_ladder, moved)
    assert all(e.closed_at is not None for e in probe.escalations())
    # still unanswered at the new deadline: a new breach reaches the committee
    assert run(probe, jobs.sla_clock, start + timedelta(hours=10)) == 1
    assert [e.closed_at for e in probe.escalations()][-1] is None
    assert len(probe.audits("sla.breach")) == 2
    assert run(probe, jobs.sla_clock, start + timedelta(hours=11)) == 0  # once


def test_a_transfer_that_leaves_the_ticket_late_is_not_a_new_breach(probe, clock):
    start = clock()
    number, late = breached(probe, start)
    with session_scope(probe.engine) as s:
        repo.unit_by_code(s, "DINKES").sla_hours = 8
    with session_scope(probe.engine) as s:  # moved at +12 h: due at +8 h, still late
        ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
        dinkes = repo.unit_by_code(s, "DINKES")
        at = start + timedelta(hours=12)
        tickets.transfer(s, ticket, dinkes, reason="salah", now=at, desk=probe.desk, actor="budi")
    assert run(probe, jobs.sla_clock, start + timedelta(hours=12, minutes=1)) == 0
    assert len(probe.audits("sla.breach")) == 1


def test_the_citizens_ethics_complaint_beside_a_late_ticket_is_a_ticket_of_its_own(probe, clock):
    """The late lamp ticket stays the unit's, its breach escalation open; the complaint naming a
    bribe, coded or not, is an ethics ticket of its own, alerted to the committee. Both used to be
    added to the lamp ticket and flag it: the unit lost the complaint it was already late on."""
    number, late = breached(probe, clock())
    coded = citizen(probe, "DISHUB #petugasnya malah minta uang damai", late)
    assert coded.keys == ("ack_ethics",) and coded.ticket != number
    # uncoded text goes to the latest open ticket: now the ethics one, which it joins
    more = citizen(probe, "katanya biar cepat diurus", late + timedelta(minutes=5))
    assert more.ticket == coded.ticket and more.keys == ("ack_append",)
    assert not probe.ticket(number).ethics and probe.ticket(coded.ticket).ethics
    breach, ethics = sorted(probe.escalations(), key=lambda e: e.id)
    assert breach.ticket_id == probe.ticket(number).id and breach.reason == "sla_breach"
    assert breach.closed_at is None
    assert ethics.ticket_id == probe.ticket(coded.ticket).id and ethics.reason == "ethics"
    alerts = bodies(probe, ANGGOTA)
    assert len(alerts) == 2 and "dugaan pelanggaran etika" in alerts[-1]


def test_uncoded_ethics_text_on_an_ordinary_ticket_opens_an_ethics_ticket(probe, clock):
    start = clock()
    number = probe.complain(start)
    out = citizen(probe, "oh iya petugasnya minta pungli juga", start + timedelta(minutes=5))
    assert out.keys == ("ack_ethics",) and out.ticket != number
    lamp, ethics = probe.ticket(number), probe.ticket(out.ticket)
    assert not lamp.ethics and ethics.ethics and ethics.unit_id == lamp.unit_id
    (esc,) = probe.escalations()
    assert esc.ticket_id == ethics.id and esc.reason == "ethics"
