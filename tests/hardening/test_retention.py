"""Retention (UU PDP): closed tickets past the policy lose personal data, statistics stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from click.testing import CliRunner
from sqlmodel import select

from bot.cli import main
from bot.config import RetentionConfig
from bot.messages import TicketStatus
from bot.retention import REMOVED, anonymise_closed, months_before
from store.db import make_engine, session_scope
from store.models import Contact, ContactAddress, Draft, Message, Outbox, Ticket

POLICY = RetentionConfig(anonymise_after_months=24)
ALICE, BOB = "081234567890", "085711112222"


def file_complaint(client, sender: str, text: str) -> str:
    resp = client.post("/simulator/messages", json={"from": sender, "text": text})
    assert resp.status_code == 200
    return resp.get_json()["ticket"]


def close(engine, number: str, at: datetime) -> None:
    with session_scope(engine) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
        ticket.status, ticket.closed_at = TicketStatus.CLOSED, at


def test_months_before_clamps_to_the_end_of_month():
    assert months_before(datetime(2026, 3, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)
    assert months_before(datetime(2026, 11, 24, tzinfo=UTC), 24) == datetime(
        2024, 11, 24, tzinfo=UTC
    )


def test_old_closed_tickets_are_anonymised_and_statistics_kept(app, client, clock):
    engine = app.extensions["aduan"].engine
    old = file_complaint(client, ALICE, "DISHUB #lampu lalu lintas di simpang lima mati")
    bob_old = file_complaint(client, BOB, "DINKES #puskesmas tutup, telepon saya 081298765432")
    close(engine, old, clock())
    close(engine, bob_old, clock())
    clock.advance(days=400)
    bob_new = file_complaint(client, BOB, "PDAM #air mati tiga hari")  # Bob's open ticket
    clock.advance(days=400)
    now = clock()

    with session_scope(engine) as s:
        dry = anonymise_closed(s, now=now, policy=POLICY, dry_run=True)
    assert sorted(dry.tickets) == sorted([old, bob_old]) and dry.contacts == 1
    with session_scope(engine) as s:
        assert s.exec(select(Contact).where(Contact.phone == "+6281234567890")).one()

    with session_scope(engine) as s:
        report = anonymise_closed(s, now=now, policy=POLICY)
    assert sorted(report.tickets) == sorted([old, bob_old]) and report.contacts == 1

    with session_scope(engine) as s:
        tickets = {t.number: t for t in s.exec(select(Ticket))}
        for number in (old, bob_old):
            t = tickets[number]
            assert t.anonymised_at == now and t.address == "anon"
            assert t.status is TicketStatus.CLOSED and t.received_at and t.unit_id
            msgs = s.exec(select(Message).where(Message.ticket_id == t.id)).all()
            assert msgs and all(m.body in (REMOVED, "") and m.address == "anon" for m in msgs)
            for m in msgs:
                for row in s.exec(select(Outbox).where(Outbox.message_id == m.id)):
                    assert row.body == REMOVED
            for d in s.exec(select(Draft).where(Draft.ticket_id == t.id)):
                assert d.body == REMOVED
        assert tickets[bob_new].anonymised_at is None
        phones = {c.phone for c in s.exec(select(Contact))}
        assert phones == {None, "+6285711112222"}, "Bob still has an open ticket: kept"
        addresses = {a.address for a in s.exec(select(ContactAddress))}
        assert addresses == {"+6285711112222"}
        new_msgs = s.exec(select(Message).where(Message.ticket_id == tickets[bob_new].id)).all()
        assert any("air mati" in m.body for m in new_msgs)

    with session_scope(engine) as s:  # idempotent
        assert anonymise_closed(s, now=now, policy=POLICY).tickets == []


def test_recent_and_open_tickets_are_untouched_and_zero_is_off(app, client, clock):
    engine = app.extensions["aduan"].engine
    recent = file_complaint(client, ALICE, "DISHUB #lampu mati")
    file_complaint(client, BOB, "DINKES #puskesmas tutup")  # open, old
    close(engine, recent, clock() + timedelta(days=700))
    clock.advance(days=800)
    with session_scope(engine) as s:
        assert anonymise_closed(s, now=clock(), policy=POLICY).tickets == []
        off = anonymise_closed(s, now=clock(), policy=RetentionConfig(0))
        assert off.cutoff is None and "off" in off.lines()[0]


def test_cli_dry_run_prints_the_report(tmp_path):
    url = f"sqlite:///{tmp_path}/cli.db"
    env = {"DATABASE_URL": url, "ADUAN_CONFIG": ""}
    runner = CliRunner()
    assert runner.invoke(main, ["seed-demo"], env=env).exit_code == 0
    result = runner.invoke(main, ["retention", "--dry-run"], env=env)
    assert result.exit_code == 0, result.output
    assert "would anonymise 0 tickets" in result.output
    make_engine(url).dispose()


def test_the_committees_copies_of_a_complaint_go_too(app, client, clock):
    """The escalation alert and an INFO reply quote the citizen's text on a staff phone, outside
    the ticket's thread; the committee's JAWAB repeats the answer: none of it outlives the policy."""
    from bot.messages import Role
    from store.models import StaffUser

    engine = app.extensions["aduan"].engine
    member = "+6281555555555"
    with session_scope(engine) as s:
        s.add(
            StaffUser(
                username="anggota1",
                role=Role.COMMITTEE,
                phone=member,
                committee_level="anggota",
                created_at=clock(),
            )
        )
    secret = "kepala seksi minta uang pungli 500 ribu di loket"
    number = file_complaint(client, ALICE, f"DISHUB #{secret}")
    for command in (f"INFO {number}", f"JAWAB {number} Petugas sudah diperiksa inspektorat"):
        resp = client.post("/simulator/messages", json={"from": member, "text": command})
        assert resp.status_code == 200
    with session_scope(engine) as s:
        copies = [m for m in s.exec(select(Message)) if m.ticket_id is None and "pungli" in m.body]
        assert len(copies) >= 2, "the alert and the INFO reply quote the complaint"
    close(engine, number, clock())
    clock.advance(days=800)

    with session_scope(engine) as s:
        anonymise_closed(s, now=clock(), policy=POLICY)

    with session_scope(engine) as s:
        left = [m.body for m in s.exec(select(Message)) if "pungli" in m.body]
        left += [o.body for o in s.exec(select(Outbox)) if "pungli" in o.body]
        left += [m.body for m in s.exec(select(Message)) if "inspektorat" in m.body]
        assert left == []


def test_the_officers_analysis_goes_with_the_complaint_and_its_times_stay(app, client, clock):
    """The analysis (SOP step 3) retells the complaint, in its row and in its audit lines."""
    from bot import analysis
    from store.models import AuditLog

    engine = app.extensions["aduan"].engine
    number = file_complaint(client, ALICE, "DISHUB #lampu mati di depan rumah no 12")
    texts = {"problem": "lampu depan rumah no 12 mati", "regulation": "", "solution": "ganti"}
    with session_scope(engine) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
        analysis.save(s, ticket, texts, now=clock(), actor="petugas")
        analysis.save(s, ticket, {**texts, "solution": "ganti lampu"}, now=clock(), actor="admin")
    close(engine, number, clock())
    analysed = clock()
    clock.advance(days=800)
    with session_scope(engine) as s:
        anonymise_closed(s, now=clock(), policy=POLICY)
    with session_scope(engine) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
        kept = analysis.of(s, ticket.id)
        assert kept is not None
        assert (kept.problem, kept.regulation, kept.solution) == (REMOVED, "", REMOVED)
        assert (kept.analysed_at, kept.analysed_by) == (analysed, "petugas")
        lines = s.exec(select(AuditLog).where(AuditLog.action == analysis.ACTION)).all()
        assert len(lines) == 2 and all(not line.before and not line.after for line in lines)


def test_officers_reasons_go_and_a_documented_close_stays_documented(app, client, clock):
    """A close's reason is the resolution record (SOP step 4): it retells the case, so it goes with
    the complaint; the recap still counts the ticket as documented, at the same moment."""
    from bot import committee, report, tickets
    from store.models import AuditLog, Escalation

    rt = app.extensions["aduan"]
    number = file_complaint(client, ALICE, "DISHUB #lampu mati di depan rumah Pak Slamet no 12")
    with session_scope(rt.engine) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
        escalation = committee.escalate(s, ticket, reason="officer", now=clock(), actor="petugas")
        escalation.note = "Pak Slamet mengancam petugas"  # as the admin's escalate form keeps it
        tickets.close(
            s,
            ticket,
            now=clock(),
            desk=rt.desk,
            actor="petugas",
            reason="lampu rumah Slamet diganti",
        )
    received = clock() - timedelta(days=1)

    def facts():
        with session_scope(rt.engine) as s:
            (fact,) = report.load_tickets(s, received, received + timedelta(days=2))
            return fact.documented_at

    documented = facts()
    assert documented is not None
    clock.advance(days=800)
    with session_scope(rt.engine) as s:
        anonymise_closed(s, now=clock(), policy=POLICY)
    with session_scope(rt.engine) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
        reasons = [
            a.reason for a in s.exec(select(AuditLog).where(AuditLog.ticket_id == ticket.id))
        ]
        reasons += [
            e.note for e in s.exec(select(Escalation).where(Escalation.ticket_id == ticket.id))
        ]
    assert REMOVED in reasons and not any("Slamet" in r for r in reasons)
    assert facts() == documented
