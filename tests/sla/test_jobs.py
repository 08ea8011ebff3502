"""Jobs with a fixed clock: catch-up after downtime, auto-close, the daily digest."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot import digests, jobs
from bot.config import JobsConfig, SlaConfig
from bot.messages import Direction, InboundMessage, TicketStatus
from bot.service import Desk, mark_answered, process_inbound
from store import repo
from store.db import session_scope
from store.models import JobMark, Message, Ticket

WIB = ZoneInfo("Asia/Jakarta")


def run(probe, job, now, desk=None) -> int:
    with session_scope(probe.engine) as s:
        return job(s, now=now, desk=desk or probe.desk)


def reminders(probe) -> list[int]:
    return [r.after["percent"] for r in probe.audits("sla.reminder")]


def test_after_downtime_only_the_latest_reminder_goes_out(probe, clock):
    start = clock()
    probe.complain(start)
    assert run(probe, jobs.sla_clock, start + timedelta(hours=4, minutes=40)) == 1
    assert reminders(probe) == [90]
    assert run(probe, jobs.sla_clock, start + timedelta(hours=4, minutes=50)) == 0
    assert reminders(probe) == [90]  # the skipped 60 % one never comes later
    (audit,) = probe.audits("sla.reminder")
    assert audit.after["sent_to"] == ["budi", "sari"]  # what the admin shows


def test_down_past_the_deadline_escalates_without_reminders(probe, clock):
    start = clock()
    probe.complain(start)
    assert run(probe, jobs.sla_clock, start + timedelta(hours=9)) == 1
    assert reminders(probe) == [] and len(probe.escalations()) == 1
    assert run(probe, jobs.sla_clock, start + timedelta(hours=10)) == 0


def test_answered_ticket_gets_nothing(probe, clock):
    start = clock()
    number = probe.complain(start)
    with session_scope(probe.engine) as s:
        t = s.exec(select(Ticket).where(Ticket.number == number)).one()
        mark_answered(s, t, now=start + timedelta(hours=1), actor="budi")
    assert run(probe, jobs.sla_clock, start + timedelta(hours=6)) == 0
    assert probe.escalations() == []


def test_ethics_ticket_is_never_shown_to_the_unit_but_still_escalates(probe, clock):
    start = clock()
    number = probe.complain(start)
    with session_scope(probe.engine) as s:
        s.exec(select(Ticket).where(Ticket.number == number)).one().ethics = True
    assert run(probe, jobs.sla_clock, start + timedelta(hours=4)) == 0
    assert probe.sent_to(probe.OFFICER) == []
    assert run(probe, jobs.sla_clock, start + timedelta(hours=5)) == 1


def _answer(probe, number, at):
    with session_scope(probe.engine) as s:
        t = s.exec(select(Ticket).where(Ticket.number == number)).one()
        mark_answered(s, t, now=at, actor="budi")


def test_auto_close_after_three_silent_days_once(probe, clock):
    start = clock()
    number = probe.complain(start)
    _answer(probe, number, start + timedelta(hours=1))
    assert run(probe, jobs.auto_close, start + timedelta(days=3)) == 0
    assert run(probe, jobs.auto_close, start + timedelta(days=3, hours=1)) == 1
    assert run(probe, jobs.auto_close, start + timedelta(days=4)) == 0
    t = probe.ticket(number)
    assert t.status is TicketStatus.CLOSED and t.closed_at == start + timedelta(days=3, hours=1)
    closing = [m.body for m in probe.sent_to("081234567890") if "tutup" in m.body]
    assert closing == [
        f"Aduan {number} (DISHUB) kami tutup karena tidak ada balasan dalam 3 hari. "
        "Jika masalah belum selesai, balas TIDAK dalam 30 hari. Terima kasih."
    ]
    assert [a.reason for a in probe.audits("ticket.close")] == [
        "no reply from the citizen in 3 days"
    ]


def test_auto_close_waits_when_the_citizen_replied(probe, clock):
    start = clock()
    number = probe.complain(start)
    _answer(probe, number, start + timedelta(hours=1))
    t = probe.ticket(number)
    with session_scope(probe.engine) as s:  # the flow links a reply to the answered ticket
        s.add(
            Message(
                ticket_id=t.id, contact_id=t.contact_id, direction=Direction.IN, channel=t.channel,
                address=t.address, body="masih belum beres", created_at=start + timedelta(hours=2),
            )
        )  # fmt: skip
    assert run(probe, jobs.auto_close, start + timedelta(days=5)) == 0
    assert probe.ticket(number).status is TicketStatus.ANSWERED


def test_auto_close_can_be_turned_off(probe, clock):
    desk = Desk(replace(probe.desk.config, jobs=JobsConfig(auto_close_days=0)), probe.desk.env)
    start = clock()
    number = probe.complain(start)
    _answer(probe, number, start + timedelta(hours=1))
    assert run(probe, jobs.auto_close, start + timedelta(days=30), desk) == 0


def test_daily_digest_once_a_day_at_seven(probe):
    monday = datetime(2026, 11, 23, 6, 0, tzinfo=WIB)
    probe.complain(monday)
    assert run(probe, digests.daily_digest, monday.replace(hour=6, minute=59)) == 0
    assert run(probe, digests.daily_digest, monday.replace(hour=7)) == 1  # DISHUB only
    assert run(probe, digests.daily_digest, monday.replace(hour=18)) == 0
    (digest,) = [m.body for m in probe.sent_to(probe.OFFICER) if m.body.startswith("Ringkasan")]
    assert digest == (
        "Ringkasan DISHUB 23/11/2026 07.00 WIB: 1 aduan terbuka, 0 lewat batas waktu, "
        "1 jatuh tempo hari ini, 0 dijawab kemarin."
    )
    assert probe.sent_to("+6281444444444") == []  # DINKES had nothing: no SMS
    tuesday = monday + timedelta(days=1, hours=3)
    assert run(probe, digests.daily_digest, tuesday) == 1
    (_, second) = [m.body for m in probe.sent_to(probe.OFFICER) if m.body.startswith("Ringkasan")]
    assert "1 aduan terbuka, 1 lewat batas waktu, 0 jatuh tempo hari ini" in second


def test_once_claims_a_key_one_time(probe, clock):
    with session_scope(probe.engine) as s:
        assert jobs.once(s, "k", clock()) and not jobs.once(s, "k", clock())
    with session_scope(probe.engine) as s:
        assert not jobs.once(s, "k", clock())


def test_a_claim_lost_to_a_concurrent_run_leaves_the_rest_of_the_transaction(
    probe, clock, monkeypatch
):
    """The check saw no mark, another run inserted it meanwhile: only the savepoint fails."""
    with session_scope(probe.engine) as s:
        assert repo.once(s, "escalation:1:notify:ketua", clock())
    with monkeypatch.context() as race, session_scope(probe.engine) as s:
        race.setattr(repo, "claimed", lambda session, key: False)  # the race's window
        s.add(JobMark(key="other-effect", at=clock()))
        assert not repo.once(s, "escalation:1:notify:ketua", clock())
    with session_scope(probe.engine) as s:
        assert repo.claimed(s, "other-effect")  # committed despite the lost claim


def test_office_hours_reminders_skip_the_weekend(probe):
    desk = Desk(replace(probe.desk.config, sla=SlaConfig(office_hours=True)), probe.desk.env)
    friday = datetime(2026, 11, 27, 15, 0, tzinfo=WIB)
    msg = InboundMessage(channel="simulator", address="081234567890", text=probe.SILENT)
    process_inbound(probe.engine, msg, now=friday, desk=desk)
    monday = datetime(2026, 11, 30, tzinfo=WIB)
    assert run(probe, jobs.sla_clock, datetime(2026, 11, 28, 18, 0, tzinfo=WIB), desk) == 0
    assert run(probe, jobs.sla_clock, monday.replace(hour=9, minute=59), desk) == 0
    assert run(probe, jobs.sla_clock, monday.replace(hour=10), desk) == 1  # 3 office hours in
    assert run(probe, jobs.sla_clock, monday.replace(hour=11, minute=30), desk) == 1  # 4 h 30
    assert run(probe, jobs.sla_clock, monday.replace(hour=12), desk) == 1  # breach
    assert reminders(probe) == [60, 90] and len(probe.escalations()) == 1
