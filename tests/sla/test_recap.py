"""The monthly recap against a hand count of a seeded month, its files, CLI and the summary SMS."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlmodel import col, select

from bot import digests, report, sla
from bot.cli import main
from bot.config import SlaConfig
from bot.messages import Direction, TicketStatus
from bot.recap import TicketFacts, compute, nearest_rank
from store.db import session_scope
from store.models import Contact, Escalation, Message, StaffUser, Ticket, Unit

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 24, 3, 0, tzinfo=WIB)
PHONE = "+6281298765432"
SENDERS = ("081234567890", "081234567891", "081234567892")
# number, unit, channel, received (WIB), hours to the first answer (None: none), extras
SEED = [
    ("1000001", "DISHUB", "telegram", "2026-10-01 00:30", 1, {"satisfied": True}),
    (
        "1000002",
        "DISHUB",
        "twilio",
        "2026-10-02 10:00",
        2,
        {"transferred_count": 1, "satisfied": False, "address": f"whatsapp:{PHONE}"},
    ),
    ("1000003", "DISHUB", "telegram", "2026-10-05 08:00", 6, {"reopened_count": 1}),
    ("1000004", "DISHUB", "kannel", "2026-10-10 13:00", None, {}),
    ("1000005", "DINKES", "telegram", "2026-10-12 09:00", 4, {"satisfied": True, "esc": 1}),
    ("1000006", "DINKES", "whatsapp", "2026-10-20 09:00", 10, {"esc": 1}),
    ("1000007", "DINKES", "twilio", "2026-10-21 09:00", 3, {"ethics": True, "esc": 1}),
    ("1000008", "DINKES", "twilio", "2026-10-31 23:00", None, {"typed": ["intake-1"]}),  # walk-in
    # answered after the month; the desk typed in a follow-up after the citizen's SMS
    ("1000009", "DISHUB", "twilio", "2026-10-31 20:00", 5, {"typed": ["SM1", "intake-2"]}),
    ("1000010", "DISHUB", "twilio", "2026-09-30 23:30", 1, {}),  # September (WIB)
    ("1000011", "DINKES", "twilio", "2026-11-01 00:00", 1, {}),  # November
]


@pytest.fixture
def month(staff):
    """October 2026 as SEED describes it (every ticket due 5 hours after receipt)."""
    with session_scope(staff) as s:
        units = {u.code: u.id for u in s.exec(select(Unit))}
        contact = Contact(phone=PHONE, created_at=NOW)
        s.add(contact)
        s.flush()
        for number, code, channel, received, hours, extra in SEED:
            extra = dict(extra)
            esc = extra.pop("esc", 0)
            typed = extra.pop("typed", [])
            extra.setdefault("address", PHONE)
            at = datetime.fromisoformat(received).replace(tzinfo=WIB)
            answered = at + timedelta(hours=hours) if hours is not None else None
            ticket = Ticket(
                number=number, contact_id=contact.id, unit_id=units[code], channel=channel,
                received_at=at, due_at=at + timedelta(hours=5),
                first_answer_at=answered, updated_at=at,
                status=TicketStatus.ANSWERED if answered else TicketStatus.OPEN, **extra,
            )  # fmt: skip
            s.add(ticket)
            s.flush()
            for provider_id in typed:  # the inbound messages, first one first
                s.add(
                    Message(
                        ticket_id=ticket.id, direction=Direction.IN, channel=channel,
                        address=PHONE, provider_id=provider_id, created_at=at,
                    )
                )  # fmt: skip
                s.flush()
            if esc:
                s.add(
                    Escalation(
                        ticket_id=ticket.id, reason="sla_breach", created_at=at, level_since=at
                    )
                )
    return staff


def test_overall_figures_match_the_hand_count(month):
    with session_scope(month) as s:
        recap = report.monthly(s, "2026-10", tz="Asia/Jakarta", now=NOW)
    f = recap.overall
    assert [t.number for t in recap.tickets][:1] == ["1000001"] and len(recap.tickets) == 9
    assert (f.received, f.answered, f.within_sla, f.within_sla_pct) == (9, 6, 4, 44.4)
    assert (f.median_hours, f.p90_hours) == (3.5, 10)  # hours 1 2 3 4 6 10
    assert (f.open, f.overdue) == (3, 1)
    assert (f.transferred, f.escalated, f.ethics, f.reopened) == (1, 3, 1, 1)
    assert (f.satisfied, f.unsatisfied, f.satisfaction_pct) == (2, 1, 66.7)
    # how each came in: Twilio WA and WhatsApp Cloud together, the desk's intake apart
    assert f.by_channel == {"sms": 3, "whatsapp": 2, "telegram": 3, "loket": 1}


def test_unit_figures_leave_ethics_out(month):
    with session_scope(month) as s:
        recap = report.monthly(s, "2026-10", tz="Asia/Jakarta", now=NOW)
    dishub, dinkes = recap.units["DISHUB"], recap.units["DINKES"]
    assert (dishub.received, dishub.answered, dishub.within_sla, dishub.within_sla_pct) == (
        5,
        3,
        2,
        40.0,
    )
    assert (dishub.median_hours, dishub.p90_hours, dishub.open, dishub.overdue) == (2, 6, 2, 1)
    assert (dishub.transferred, dishub.reopened, dishub.satisfaction_pct) == (1, 1, 50.0)
    assert dishub.by_channel == {"sms": 2, "whatsapp": 1, "telegram": 2, "loket": 0}
    assert (dinkes.received, dinkes.answered, dinkes.within_sla, dinkes.within_sla_pct) == (
        3,
        2,
        1,
        33.3,
    )
    assert (dinkes.median_hours, dinkes.p90_hours, dinkes.open, dinkes.overdue) == (7, 10, 1, 0)
    assert (dinkes.escalated, dinkes.ethics, dinkes.satisfaction_pct) == (2, 0, 100.0)
    assert dinkes.by_channel == {"sms": 0, "whatsapp": 1, "telegram": 1, "loket": 1}


def test_running_month_uses_now_as_cutoff():
    recap = compute([], "2026-11", tz="Asia/Jakarta", now=NOW)
    assert recap.cutoff == NOW and recap.overall.received == 0
    assert recap.overall.within_sla_pct is None and recap.overall.median_hours is None
    assert nearest_rank([5, 1, 3], 0.9) == 5 and nearest_rank([], 0.5) is None


def test_a_ticket_closed_without_an_answer_is_counted_apart_not_as_open():
    def ticket(number: str, closed: str | None) -> TicketFacts:
        at = datetime(2026, 10, 6, 9, 0, tzinfo=WIB)
        closed_at = datetime.fromisoformat(closed).replace(tzinfo=WIB) if closed else None
        return TicketFacts(
            number=number, unit_code="DISHUB", channel="twilio", priority="normal",
            status="closed" if closed else "open", received_at=at,
            due_at=at + timedelta(hours=5), first_answer_at=None, closed_at=closed_at,
        )  # fmt: skip

    tickets = [
        ticket("2000001", "2026-10-06 10:00"),  # a duplicate, closed within the hour
        ticket("2000002", "2026-10-20 10:00"),  # closed late, never answered
        ticket("2000003", "2026-11-02 10:00"),  # closed after the month: open at its end
        ticket("2000004", None),
    ]
    f = compute(tickets, "2026-10", tz="Asia/Jakarta", now=NOW).overall
    assert (f.received, f.answered, f.closed_unanswered) == (4, 0, 2)
    assert (f.open, f.overdue) == (2, 2)  # waiting at the cutoff: 2000003 and 2000004
    assert f.within_sla == 0 and f.within_sla_pct == 0.0  # a closed ticket was not answered
    summary = report.summary_csv(compute(tickets, "2026-10", tz="Asia/Jakarta", now=NOW))
    assert next(csv.DictReader(io.StringIO(summary)))["closed_unanswered"] == "2"
    assert report.LABELS["closed_unanswered"] == "Ditutup tanpa jawaban"


def test_xlsx_has_overall_units_and_tickets_without_phones(month, tmp_path):
    with session_scope(month) as s:
        recap = report.monthly(s, "2026-10", tz="Asia/Jakarta", now=NOW)
    path = tmp_path / "recap.xlsx"
    report.write_xlsx(recap, str(path), tz=WIB)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Ringkasan", "DINKES", "DISHUB", "Tiket"]
    overall = {r[0]: r[1] for r in wb["Ringkasan"].iter_rows(min_row=3, values_only=True)}
    assert overall["Diterima"] == 9 and overall["Tepat waktu (%)"] == 44.4
    assert overall["Kanal: SMS"] == 3 and overall["Kanal: Loket/telepon"] == 1
    assert overall["Dugaan pelanggaran etik"] == 1  # ethics: a count only ...
    rows = list(wb["Tiket"].iter_rows(values_only=True))
    assert len(rows) == 9 and rows[0][0] == "number"
    by_number = {r[0]: r for r in rows[1:]}
    assert "1000007" not in by_number  # ... never listed, so the unit it names stays hidden
    assert by_number["1000001"][5] == datetime(2026, 10, 1, 0, 30)  # local time
    assert by_number["1000008"][2] == "Loket/telepon" and by_number["1000002"][2] == "WhatsApp"
    cells = [str(c) for ws in wb for r in ws.iter_rows(values_only=True) for c in r]
    assert not any("81298765432" in c or "298765" in c for c in cells)
    assert any(c.startswith("+62") and "*" in c for c in cells)


def test_csv_summary_and_tickets(month):
    with session_scope(month) as s:
        recap = report.monthly(s, "2026-10", tz="Asia/Jakarta", now=NOW)
    rows = list(csv.DictReader(io.StringIO(report.summary_csv(recap))))
    assert [r["scope"] for r in rows] == ["SEMUA", "DINKES", "DISHUB"]
    assert rows[0]["received"] == "9" and rows[2]["channel_sms"] == "2"
    assert rows[0]["channel_loket"] == "1" and rows[0]["ethics"] == "1"
    listing = list(csv.reader(io.StringIO(report.tickets_csv(recap, tz=WIB))))
    assert len(listing) == 9 and "1000007" not in {r[0] for r in listing}


def test_cli_writes_xlsx_and_csv(month, db_url, tmp_path):
    env = {"DATABASE_URL": db_url, "ADUAN_CONFIG": ""}
    runner = CliRunner()
    out = tmp_path / "recap.xlsx"
    result = runner.invoke(
        main, ["report", "monthly", "--month", "2026-10", "--out", str(out)], env=env
    )
    assert result.exit_code == 0, result.output
    assert "9 received, 6 answered" in result.output
    assert load_workbook(out)["Ringkasan"]["B3"].value == 9
    out_csv = tmp_path / "recap.csv"
    result = runner.invoke(
        main, ["report", "monthly", "--month", "2026-10", "--out", str(out_csv)], env=env
    )
    assert result.exit_code == 0 and out_csv.read_text().startswith("month,scope")
    bad = runner.invoke(
        main, ["report", "monthly", "--month", "2026-13", "--out", str(out)], env=env
    )
    assert bad.exit_code != 0 and "YYYY-MM" in bad.output


def test_summary_goes_to_pengarah_and_ketua_on_the_first_at_seven(month, probe, desk):
    def run(local: str) -> int:
        at = datetime.fromisoformat(local).replace(tzinfo=WIB)
        with session_scope(month) as s:
            return digests.monthly_recap(s, now=at, desk=desk)

    assert run("2026-11-01 06:59") == 0
    assert probe.sent_to(probe.PENGARAH) == []
    assert run("2026-11-01 07:00") == 1
    assert run("2026-11-01 07:01") == 0
    assert run("2026-11-03 10:00") == 0  # a restart later in the month sends nothing again
    (pengarah,) = probe.sent_to(probe.PENGARAH)
    (ketua,) = probe.sent_to(probe.KETUA)
    assert pengarah.body == ketua.body
    assert pengarah.body.startswith(
        "Rekap aduan 2026-10: 9 diterima, 6 dijawab, 44,4% tepat waktu, median 3,5 jam."
    )
    assert "/admin/recap?month=2026-10" in pengarah.body
    assert probe.sent_to("+6281555555555") == []  # an Anggota does not get it


def test_summary_catches_up_after_downtime(month, probe, desk):
    with session_scope(month) as s:
        assert digests.monthly_recap(s, now=datetime(2026, 11, 2, 9, 0, tzinfo=WIB), desk=desk) == 1
    assert len(probe.sent_to(probe.KETUA)) == 1


def test_summary_waits_for_a_head_with_a_phone_and_an_empty_month_says_so(staff, probe, desk):
    # nothing was received in October here (the `month` fixture is not used)
    def run(local: str) -> int:
        at = datetime.fromisoformat(local).replace(tzinfo=WIB)
        with session_scope(staff) as s:
            return digests.monthly_recap(s, now=at, desk=desk)

    with session_scope(staff) as s:
        heads = s.exec(
            select(StaffUser).where(col(StaffUser.committee_level).in_(["pengarah", "ketua"]))
        ).all()
        for head in heads:
            head.phone = None
    assert run("2026-11-01 07:00") == 0  # nobody to tell: not marked as sent
    assert run("2026-11-02 07:00") == 0
    with session_scope(staff) as s:
        pengarah = s.exec(select(StaffUser).where(StaffUser.username == "pak_pengarah")).one()
        pengarah.phone = probe.PENGARAH  # a Pengarah is given a phone later in the month
    assert run("2026-11-03 10:00") == 1
    assert run("2026-11-03 10:01") == 0
    (summary,) = probe.sent_to(probe.PENGARAH)
    assert summary.body.startswith(
        "Rekap aduan 2026-10: tidak ada aduan yang diterima bulan ini. Rincian: "
    )
    assert "-%" not in summary.body


def test_first_officer_action_within_15_minutes_on_the_sla_clock():
    def ticket(number: str, received: str, acted: str | None, answered: str | None = None):
        def at(text: str | None) -> datetime | None:
            return datetime.fromisoformat(text).replace(tzinfo=WIB) if text else None

        return TicketFacts(
            number=number, unit_code="DISHUB", channel="twilio", priority="normal",
            status="open", received_at=at(received), due_at=at(received) + timedelta(hours=5),
            first_answer_at=at(answered), first_action_at=at(acted),
        )  # fmt: skip

    tickets = [
        ticket("3000001", "2026-10-05 09:00", "2026-10-05 09:10"),  # claimed in 10 minutes
        ticket("3000002", "2026-10-05 09:00", "2026-10-05 09:30"),  # too late
        ticket("3000003", "2026-10-05 09:00", None),  # nobody yet
        # answered by the bot (auto-send) before anyone acted: needed no officer, left out
        ticket("3000004", "2026-10-05 09:00", "2026-10-05 11:00", "2026-10-05 09:00"),
        # Friday 15:55, acted on Monday 08:05: ten minutes of office time, 64 hours of wall time
        ticket("3000005", "2026-10-09 15:55", "2026-10-12 08:05"),
    ]
    wall = compute(tickets, "2026-10", tz="Asia/Jakarta", now=NOW).overall
    assert wall.first_action_15_pct == 25.0  # 1 of 4
    office = sla.office_hours(SlaConfig(office_hours=True), "Asia/Jakarta")
    counted = compute(tickets, "2026-10", tz="Asia/Jakarta", now=NOW, office=office).overall
    assert counted.first_action_15_pct == 50.0  # 2 of 4
    assert report.LABELS["first_action_15_pct"] == "Ditangani petugas ≤ 15 menit (%)"


def test_first_officer_action_comes_from_staff_audit_lines_and_messages(probe, clock):
    from bot import jobs, tickets

    start = clock()
    claimed, noted, ignored = (probe.complain(start, sender=s) for s in SENDERS)
    with session_scope(probe.engine) as s:
        budi = s.exec(select(StaffUser).where(StaffUser.username == "budi")).one()
        first = s.exec(select(Ticket).where(Ticket.number == claimed)).one()
        tickets.claim(s, first, staff_id=budi.id, now=start + timedelta(minutes=14), actor="budi")
        second = s.exec(select(Ticket).where(Ticket.number == noted)).one()
        tickets.add_note(s, second, "cek lokasi", now=start + timedelta(minutes=16), actor="budi")
    with session_scope(probe.engine) as s:  # the scheduler's reminders are no officer's action
        assert jobs.sla_clock(s, now=start + timedelta(hours=3), desk=probe.desk) == 3
    with session_scope(probe.engine) as s:
        recap = report.monthly(s, "2026-11", tz="Asia/Jakarta", now=start + timedelta(hours=4))
    acted = {t.number: t.first_action_at for t in recap.tickets}
    assert acted[claimed] == start + timedelta(minutes=14)
    assert acted[noted] == start + timedelta(minutes=16) and acted[ignored] is None
    assert recap.overall.first_action_15_pct == 33.3


def test_sop_steps_3_and_4_from_the_analysis_and_the_close_records(probe, clock):
    """Step 3 from the officer's previous action (or receipt) to the analysis' first save, step 4
    from the analysis (or receipt) to the first staff close with a reason; shares of the tickets
    where the step happened, the tickets without it counted apart."""
    from bot import analysis, tickets

    start = clock()
    senders = [f"08123456780{i}" for i in range(6)]
    claimed, late, skipped, bare, scheduled, untouched = (
        probe.complain(start, sender=s) for s in senders
    )

    def act(number: str, minutes: int, what: str, text: str = "", actor: str = "budi") -> None:
        now = start + timedelta(minutes=minutes)
        with session_scope(probe.engine) as s:
            ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
            if what == "claim":
                budi = s.exec(select(StaffUser).where(StaffUser.username == "budi")).one()
                tickets.claim(s, ticket, staff_id=budi.id, now=now, actor=actor)  # type: ignore[arg-type]
            elif what == "analyse":
                texts = {"problem": "lampu mati", "solution": text or "perbaiki"}
                analysis.save(s, ticket, texts, now=now, actor=actor)
            else:
                tickets.close(
                    s, ticket, now=now, desk=probe.desk, actor=actor, reason=text, tell=False
                )

    act(claimed, 5, "claim")
    act(claimed, 18, "analyse")  # 13 minutes after the claim: step 3 on time
    act(claimed, 40, "close", "diperbaiki")  # 22 minutes after the analysis: on time
    act(late, 20, "analyse")  # the first thing done: 20 minutes from receipt, late
    act(late, 60, "close", "diperbaiki")  # 40 minutes after the analysis: late
    act(late, 90, "analyse", "ganti lampu")  # an edit moves neither measure
    act(skipped, 25, "close", "duplikat")  # no analysis: 25 minutes from receipt
    act(bare, 30, "close")  # closed with nothing written: not documented
    act(scheduled, 35, "close", "tidak ada balasan", actor="scheduler")  # no officer's
    with session_scope(probe.engine) as s:
        recap = report.monthly(s, "2026-11", tz="Asia/Jakarta", now=start + timedelta(hours=4))
    facts = {t.number: t for t in recap.tickets}
    assert facts[late].analysed_at == start + timedelta(minutes=20)
    assert facts[skipped].documented_at == start + timedelta(minutes=25)
    assert facts[bare].documented_at is None and facts[scheduled].documented_at is None
    f = recap.overall
    assert (f.analysis_15_pct, f.without_analysis) == (50.0, 4)  # claimed / late; the other 4
    assert (f.documentation_30_pct, f.closed_undocumented) == (66.7, 2)  # bare, scheduled
    assert facts[untouched].closed_at is None  # open: not yet due for a record
    row = next(csv.DictReader(io.StringIO(report.summary_csv(recap))))
    assert (row["analysis_15_pct"], row["closed_undocumented"]) == ("50.0", "2")
    assert report.LABELS["documentation_30_pct"] == "Didokumentasikan ≤ 30 menit (%)"


def test_sop_steps_on_the_sla_clock_and_before_the_cutoff():
    def ticket(number: str, received: str, acted: str, analysed: str | None, documented: str):
        def at(local: str | None) -> datetime | None:
            return datetime.fromisoformat(local).replace(tzinfo=WIB) if local else None

        return TicketFacts(
            number=number, unit_code="DISHUB", channel="twilio", priority="normal",
            status="closed", received_at=at(received), due_at=at(received) + timedelta(hours=5),
            first_answer_at=None, closed_at=at(documented), first_action_at=at(acted),
            analysed_at=at(analysed), documented_at=at(documented),
        )  # fmt: skip

    tickets = [
        # Friday 15:50, analysed and documented on Monday morning: minutes of office time
        ticket(
            "4000001",
            "2026-10-09 15:50",
            "2026-10-09 15:50",
            "2026-10-12 08:05",
            "2026-10-12 08:30",
        ),  # fmt: skip
        # documented before it was analysed: step 4 runs from receipt (50 minutes)
        ticket(
            "4000002",
            "2026-10-13 09:00",
            "2026-10-13 09:05",
            "2026-10-13 10:00",
            "2026-10-13 09:50",
        ),  # fmt: skip
        # analysed and documented after the month's end: neither counts yet
        ticket(
            "4000003",
            "2026-10-31 16:00",
            "2026-10-31 16:05",
            "2026-11-02 08:00",
            "2026-11-02 08:10",
        ),  # fmt: skip
    ]
    wall = compute(tickets, "2026-10", tz="Asia/Jakarta", now=NOW).overall
    assert (wall.analysis_15_pct, wall.documentation_30_pct) == (0.0, 50.0)
    assert (wall.without_analysis, wall.closed_undocumented) == (1, 0)
    office = sla.office_hours(SlaConfig(office_hours=True), "Asia/Jakarta")
    counted = compute(tickets, "2026-10", tz="Asia/Jakarta", now=NOW, office=office).overall
    assert (counted.analysis_15_pct, counted.documentation_30_pct) == (50.0, 50.0)
