"""Races on the citizen's lock (`repo.lock_contact`), played out step by step on PostgreSQL.

Each test holds one transaction (A) open after it changed the ticket under the contact's lock,
starts the other operation (B) in a thread, waits until PostgreSQL reports B waiting for A, then
commits A. B must then act on what A committed: the outcome is the one of A, then B, one after the
other. Without the lock B would judge the ticket as it was before A (or from its stale copy without
the re-read) and undo A's change, send twice or answer a closed ticket.

SQLite runs one write transaction at a time (`BEGIN IMMEDIATE`), so there these races cannot happen.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot import analysis, committee, delivery, jobs, service, tickets
from bot.messages import InboundMessage, OutboxStatus, StatusUpdate, TicketStatus
from bot.service import Desk
from store import repo
from store.db import session_scope
from store.models import AuditLog, Contact, Draft, Escalation, Message, Outbox, StaffUser, Ticket
from tests.admin.conftest import DISHUB_TEXT, Browser
from tests.admin.test_delivery_state import UNREACHABLE, answered, answers, receipt, ticket_of

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"),
    reason="PostgreSQL only (TEST_DATABASE_URL): SQLite runs one writer at a time, no race",
)
PHONE = "+6281234567890"  # the citizen of tests.admin.conftest, as the simulator stores it
WAIT = 10.0  # seconds: a bound on waiting for B to block (it takes milliseconds), never a sleep


def race(
    engine: Engine,
    first: Callable[[Session], None],
    second: Callable[[], Any],
    then: Callable[[Session], None] | None = None,
) -> Any:
    """Run `first` in a transaction and, before it commits, `second` in a thread; once `second`
    waits for one of its locks, run `then` (if any) in the same transaction and commit. Return what
    `second` returned."""
    done: dict[str, Any] = {}

    def run() -> None:
        try:
            done["result"] = second()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            done["error"] = exc

    thread = threading.Thread(target=run)
    with session_scope(engine) as session:
        first(session)
        session.flush()
        pid = session.exec(sa.select(sa.func.pg_backend_pid())).one()[0]  # type: ignore[call-overload]
        thread.start()
        waited = _blocked_by(engine, pid, thread)
        if then is not None:
            then(session)
    thread.join(WAIT)
    assert not thread.is_alive(), "B still runs after A committed"
    if "error" in done:
        raise done["error"]
    assert waited, f"B finished without waiting for A: the race was not played ({done})"
    return done.get("result")


def _blocked_by(engine: Engine, pid: int, thread: threading.Thread) -> bool:
    """Poll until a backend waits for a lock `pid` holds (True), or the thread ended (False)."""
    query = sa.text(
        "SELECT count(*) FROM pg_locks WHERE NOT granted AND :pid = ANY(pg_blocking_pids(pid))"
    )
    deadline = time.monotonic() + WAIT
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        while time.monotonic() < deadline:
            if conn.execute(query, {"pid": pid}).scalar_one():
                return True
            if not thread.is_alive():
                return False
            time.sleep(0.005)
    raise AssertionError(f"B neither waited for A nor finished within {WAIT} s")


def ticket_in(session: Session, number: str) -> Ticket:
    return session.exec(select(Ticket).where(Ticket.number == number)).one()


def audit_lines(engine: Engine, action: str) -> list[AuditLog]:
    with session_scope(engine) as s:
        return list(s.exec(select(AuditLog).where(AuditLog.action == action)))


def close_as_officer(number: str, now: datetime, desk: Desk) -> Callable[[Session], None]:
    """A: an officer closes the ticket, as the admin's close does (the citizen's lock first)."""

    def close(session: Session) -> None:
        ticket = ticket_in(session, number)
        repo.lock_contact(session, ticket.contact_id)
        tickets.close(session, ticket, now=now, desk=desk, actor="admin", reason="duplikat")

    return close


def citizen_reopens(number: str, now: datetime, desk: Desk) -> Callable[[Session], None]:
    """A: the citizen's TIDAK to the answer being handled (`resolve_contact` holds the lock)."""

    def say(session: Session) -> None:
        msg = InboundMessage("simulator", PHONE, "TIDAK", None, phone=PHONE)
        service.handle_inbound(session, msg, now=now, desk=desk)
        assert ticket_in(session, number).status is TicketStatus.OPEN  # as B will find it

    return say


@pytest.fixture
def officer(client: Any) -> Browser:
    """DISHUB's officer, logged in to the admin."""
    browser = Browser(client)
    browser.login("petugas")
    return browser


@pytest.fixture
def rt(app: Any) -> Any:
    return app.extensions["aduan"]


@pytest.fixture
def db(rt: Any) -> Engine:
    return rt.engine


@pytest.fixture
def dishub(officer: Browser) -> str:
    """A DISHUB complaint, filed through the simulator as a citizen's SMS is."""
    return officer.say(DISHUB_TEXT)


def post(browser: Browser, path: str, data: dict[str, str] | None = None) -> Callable[[], Any]:
    """B: a form post from the officer's browser (the CSRF token fetched before the race)."""
    token = browser.token()
    return lambda: browser.client.post(path, data={"csrf_token": token, **(data or {})})


def test_auto_close_leaves_a_ticket_the_citizen_just_reopened(officer, rt, db, dishub, clock):
    """The job picked the answered, silent ticket while the citizen's TIDAK was being handled."""
    answered(officer, dishub)
    later = clock.advance(days=3, hours=1)

    def auto_close() -> int:
        with session_scope(db) as s:
            return jobs.auto_close(s, now=later, desk=rt.desk)

    closed = race(db, citizen_reopens(dishub, later, rt.desk), auto_close)
    ticket = ticket_of(db, dishub)
    assert closed == 0 and ticket.status is TicketStatus.OPEN and ticket.reopened_count == 1
    assert audit_lines(db, "ticket.close") == []


def test_two_officers_closing_at_once_tell_the_citizen_once(officer, rt, db, dishub, clock):
    close = post(officer, f"/admin/tickets/{dishub}/close", {"reason": "sudah ditangani"})
    resp = race(db, close_as_officer(dishub, clock(), rt.desk), close)
    assert resp.status_code == 303
    (line,) = audit_lines(db, "ticket.close")
    assert line.actor == "admin"
    with session_scope(db) as s:
        notices = s.exec(select(Message).where(col(Message.body).contains("ditutup"))).all()
    assert len(notices) == 1, [m.body for m in notices]


def test_closing_an_answered_ticket_the_citizen_just_reopened_asks_for_a_reason(
    officer, rt, db, dishub, clock
):
    """The officer saw it answered and closed it without a reason; the citizen's TIDAK came first:
    it awaits an answer again, so the close wants a reason (told to the citizen) and is refused."""
    answered(officer, dishub)
    close = post(officer, f"/admin/tickets/{dishub}/close")
    later = clock.advance(hours=2)
    resp = race(db, citizen_reopens(dishub, later, rt.desk), close)
    assert resp.status_code == 303
    assert ticket_of(db, dishub).status is TicketStatus.OPEN
    assert audit_lines(db, "ticket.close") == []
    assert "belum dijawab: tuliskan alasan" in officer.page(f"/admin/tickets/{dishub}")


def _failed_answer(officer: Browser, db: Engine, number: str) -> Message:
    answered(officer, number)
    ((message, row),) = answers(db, number)
    receipt(db, row, OutboxStatus.FAILED, UNREACHABLE)
    assert ticket_of(db, number).status is TicketStatus.OPEN
    return message


def test_two_officers_sending_a_failed_answer_again_at_once_send_one_copy(
    officer, rt, db, dishub, clock
):
    failed = _failed_answer(officer, db, dishub)
    again = post(officer, f"/admin/tickets/{dishub}/messages/{failed.id}/resend")

    def resend(session: Session) -> None:
        ticket, message = ticket_in(session, dishub), session.get(Message, failed.id)
        tickets.resend(session, ticket, message, now=clock(), actor="admin")

    assert race(db, resend, again).status_code == 303
    (line,) = audit_lines(db, "message.resend")
    assert line.actor == "admin"
    assert [m.body for m, _ in answers(db, dishub)] == [failed.body, failed.body]
    assert "Pesan ini sudah dikirim ulang." in officer.page(f"/admin/tickets/{dishub}")


def test_sending_again_on_a_ticket_closed_meanwhile_is_refused(officer, rt, db, dishub, clock):
    failed = _failed_answer(officer, db, dishub)
    again = post(officer, f"/admin/tickets/{dishub}/messages/{failed.id}/resend")
    resp = race(db, close_as_officer(dishub, clock(), rt.desk), again)
    assert resp.status_code == 303
    ticket = ticket_of(db, dishub)
    assert ticket.status is TicketStatus.CLOSED and ticket.closed_at == clock()
    assert audit_lines(db, "message.resend") == []
    assert [m.body for m, _ in answers(db, dishub)].count(failed.body) == 1
    assert "Tiket yang sudah ditutup tidak dapat dikirimi pesan." in officer.page(
        f"/admin/tickets/{dishub}"
    )


def failure_of(db: Engine, row: Outbox, now: datetime) -> Callable[[], bool]:
    """B: the provider's receipt that the message never arrived."""
    update = StatusUpdate(row.channel, row.provider_id, OutboxStatus.FAILED, error=UNREACHABLE)
    return lambda: delivery.apply_status(db, update, now=now)


def test_a_failed_receipt_does_not_reopen_a_ticket_closed_meanwhile(officer, rt, db, dishub, clock):
    """As when the receipt comes after the close: recorded for the officer, the ticket stays closed
    (the officer closed it; the failure alone never reopens a closed ticket)."""
    answered(officer, dishub)
    ((_, row),) = answers(db, dishub)
    later = clock.advance(minutes=5)
    fail = failure_of(db, row, later)
    assert race(db, close_as_officer(dishub, later, rt.desk), fail)
    ticket = ticket_of(db, dishub)
    assert ticket.status is TicketStatus.CLOSED and ticket.closed_at == later
    (line,) = audit_lines(db, "ticket.answer_failed")
    assert line.before == {"status": "closed"} and line.after["status"] == "closed"


def test_a_failed_receipt_for_an_older_answer_leaves_the_new_answer_standing(
    officer, rt, db, dishub, clock
):
    """An officer's second answer was being queued when the first one's failure came in: the
    ticket's latest answer is the new one, so the old failure does not reopen the ticket."""
    answered(officer, dishub)
    ((_, row),) = answers(db, dishub)
    later = clock.advance(minutes=5)
    fail = failure_of(db, row, later)

    def answer_again(session: Session) -> None:
        ticket = ticket_in(session, dishub)
        tickets.reply(session, ticket, "Jawaban kedua.", now=later, desk=rt.desk, actor="admin")

    assert race(db, answer_again, fail)
    ticket = ticket_of(db, dishub)
    assert ticket.status is TicketStatus.ANSWERED and ticket.resolved_at == later
    assert audit_lines(db, "ticket.answer_failed") == []


def test_an_answer_to_a_ticket_closed_meanwhile_is_refused(officer, rt, db, dishub, clock):
    reply = post(officer, f"/admin/tickets/{dishub}/reply", {"body": "Sudah diperbaiki."})
    assert race(db, close_as_officer(dishub, clock(), rt.desk), reply).status_code == 303
    ticket = ticket_of(db, dishub)
    assert ticket.status is TicketStatus.CLOSED and ticket.first_answer_at is None
    assert not any("Sudah diperbaiki." in m.body for m, _ in answers(db, dishub))
    assert "sudah ditutup; tidak ada jawaban yang dikirim" in officer.page(
        f"/admin/tickets/{dishub}"
    )


def test_a_draft_approved_on_a_ticket_closed_meanwhile_is_not_sent(officer, rt, db, dishub, clock):
    with session_scope(db) as s:
        (draft,) = s.exec(select(Draft).where(Draft.ticket_id == ticket_in(s, dishub).id))
    approve = post(officer, f"/admin/tickets/{dishub}/drafts/{draft.id}/approve")
    assert race(db, close_as_officer(dishub, clock(), rt.desk), approve).status_code == 303
    ticket = ticket_of(db, dishub)
    assert ticket.status is TicketStatus.CLOSED and ticket.first_answer_at is None
    assert not any(draft.body in m.body for m, _ in answers(db, dishub))
    assert "sudah ditutup; tidak ada jawaban yang dikirim" in officer.page(
        f"/admin/tickets/{dishub}"
    )


def test_two_officers_sending_it_to_the_committee_at_once_tell_the_citizen_once(
    officer, rt, db, dishub, clock
):
    ethics = post(officer, f"/admin/tickets/{dishub}/ethics", {"reason": "minta uang"})

    def flag(session: Session) -> None:
        ticket = ticket_in(session, dishub)
        repo.lock_contact(session, ticket.contact_id)
        tickets.flag_ethics(
            session, ticket, reason="pungli", now=clock(), desk=rt.desk, actor="admin"
        )

    assert race(db, flag, ethics).status_code == 303
    told = [m for m, _ in answers(db, dishub) if "komite pengawas" in m.body]
    assert len(told) == 1 and told[0].author == "admin"


def test_a_committee_answer_by_phone_to_a_ticket_closed_meanwhile_is_refused(
    officer, rt, db, clock
):
    """JAWAB from the Ketua's phone while an officer closes the ticket in the admin."""
    ketua = "+6281100000002"  # the demo's committee chair
    number = officer.say("DISHUB #petugas minta uang damai 200rb waktu razia")  # an ethics case

    def jawab() -> tuple[str, ...]:
        with session_scope(db) as s:
            msg = InboundMessage(
                "simulator", ketua, f"JAWAB {number} Sudah ditindak.", None, phone=ketua
            )
            return service.handle_inbound(s, msg, now=clock(), desk=rt.desk).keys

    assert race(db, close_as_officer(number, clock(), rt.desk), jawab) == ("staff_ticket_closed",)
    ticket = ticket_of(db, number)
    assert ticket.status is TicketStatus.CLOSED and ticket.first_answer_at is None
    assert not any("Sudah ditindak." in m.body for m, _ in answers(db, number))


def test_a_transfer_of_a_ticket_closed_meanwhile_is_refused(officer, rt, db, dishub, clock):
    transfer = post(officer, f"/admin/tickets/{dishub}/transfer", {"unit": "DINKES", "reason": "x"})
    assert race(db, close_as_officer(dishub, clock(), rt.desk), transfer).status_code == 303
    ticket = ticket_of(db, dishub)
    assert ticket.status is TicketStatus.CLOSED and audit_lines(db, "ticket.transfer") == []
    assert not any("DINKES" in m.body for m, _ in answers(db, dishub))
    assert "sudah ditutup tidak dapat dialihkan" in officer.page(f"/admin/tickets/{dishub}")


def test_reopening_a_ticket_the_citizen_just_reopened_changes_nothing(
    officer, rt, db, dishub, clock
):
    answered(officer, dishub)
    reopen = post(officer, f"/admin/tickets/{dishub}/reopen", {"reason": "belum beres"})
    later = clock.advance(hours=2)
    assert race(db, citizen_reopens(dishub, later, rt.desk), reopen).status_code == 303
    ticket = ticket_of(db, dishub)
    assert ticket.status is TicketStatus.OPEN and ticket.reopened_count == 1
    assert [line.actor for line in audit_lines(db, "ticket.reopen")] == ["citizen"]
    assert f"Tiket {dishub} masih terbuka." in officer.page(f"/admin/tickets/{dishub}")


def test_claiming_a_ticket_closed_meanwhile_is_refused(officer, rt, db, dishub, clock):
    claim = post(officer, f"/admin/tickets/{dishub}/claim")
    assert race(db, close_as_officer(dishub, clock(), rt.desk), claim).status_code == 303
    ticket = ticket_of(db, dishub)
    assert ticket.status is TicketStatus.CLOSED and ticket.assigned_to is None
    assert audit_lines(db, "ticket.claim") == []
    assert "Tiket yang sudah ditutup tidak dapat diambil." in officer.page(
        f"/admin/tickets/{dishub}"
    )


def test_escalating_a_ticket_closed_meanwhile_is_refused(officer, rt, db, dishub, clock):
    escalate = post(officer, f"/admin/tickets/{dishub}/escalate", {"reason": "lama"})
    assert race(db, close_as_officer(dishub, clock(), rt.desk), escalate).status_code == 303
    assert ticket_of(db, dishub).status is TicketStatus.CLOSED
    assert audit_lines(db, "ticket.escalate") == []
    with session_scope(db) as s:
        assert s.exec(select(Escalation)).all() == []
    assert "tidak dapat dieskalasi ke komite" in officer.page(f"/admin/tickets/{dishub}")


def test_a_priority_change_moves_the_deadline_the_citizen_just_reopened_it_with(
    officer, rt, db, dishub, clock
):
    """The citizen's TIDAK restarts the clock; the officer's new priority moves that deadline (not
    the answered round's, read before the reopen, which would undo the restart)."""
    answered(officer, dishub)
    priority = post(officer, f"/admin/tickets/{dishub}/priority", {"priority": "urgent"})
    later = clock.advance(hours=2)
    restarted: list[datetime] = []

    def reopen(session: Session) -> None:
        citizen_reopens(dishub, later, rt.desk)(session)
        restarted.append(ticket_in(session, dishub).due_at)

    assert race(db, reopen, priority).status_code == 303
    (changed,) = audit_lines(db, "ticket.priority")
    assert changed.before["due_at"] == restarted[0].isoformat()
    ticket = ticket_of(db, dishub)
    assert ticket.status is TicketStatus.OPEN and ticket.priority == "urgent"
    assert ticket.due_at.isoformat() == changed.after["due_at"]


def test_a_note_written_while_a_failed_answer_turns_out_delivered_keeps_the_ticket_open(
    officer, rt, db, dishub, clock
):
    """An officer acted on the ticket reopened by the failure: the late "delivered" receipt leaves
    it open for them (as when it comes after the note), it does not answer it again under them."""
    _failed_answer(officer, db, dishub)
    ((_, row),) = answers(db, dishub)
    later = clock.advance(minutes=5)
    update = StatusUpdate(row.channel, row.provider_id, OutboxStatus.DELIVERED)

    def note(session: Session) -> None:
        ticket = ticket_in(session, dishub)
        tickets.add_note(session, ticket, "Warga sudah ditelepon.", now=later, actor="petugas")

    race(db, note, lambda: delivery.apply_status(db, update, now=later))
    assert ticket_of(db, dishub).status is TicketStatus.OPEN
    # the answer is said to have arrived (no longer listed failed), the ticket left as it is
    (line,) = audit_lines(db, "ticket.answer_delivered")
    assert line.before == {"status": "open"} and line.after["status"] == "open"


@pytest.mark.parametrize("linked", [True, False], ids=["linked-ahead", "new-number"])
def test_a_member_s_jawab_and_a_citizen_s_message_alerting_that_member_do_not_deadlock(
    linked, officer, rt, db, dishub, clock
):
    """The committee member's JAWAB holds their own contact's lock (their inbound message) and
    waits for the citizen's; the citizen's TIDAK, holding the citizen's lock, escalates and alerts
    that member. The alert must not wait for the member's lock: both go through, in turn.

    `new-number` is the window the `link_staff` job leaves (a number written straight into the
    database, the job not run yet): the member's very first JAWAB from it creates their contact
    while the TIDAK alerts that number for the first time. The alert must neither create nor wait
    for that contact, or each would wait for the other and PostgreSQL would fail one (a deadlock,
    as it did before `repo.alert_contact` stopped creating contacts)."""
    phone = "+6281100000001"  # the demo's first committee level: the one a TIDAK alerts
    if linked:  # the members' addresses are linked ahead, as the scheduler does
        assert committee.link_staff(db, now=clock(), desk=rt.desk) == 3
    answered(officer, dishub)
    escalate = officer.post(f"/admin/tickets/{dishub}/escalate", {"reason": "lama"})
    assert escalate.status_code == 303  # so the committee may answer it
    if not linked:
        with session_scope(db) as s:  # the anggota's new number, written straight into the database
            member = s.exec(select(StaffUser).where(StaffUser.phone == phone)).one()
            member.phone = phone = "+6281100000099"
            assert repo.linked_contact(s, channel="simulator", address=phone, phone=phone) is None
    later = clock.advance(hours=2)

    def citizen_lock(session: Session) -> None:
        repo.lock_contact(session, ticket_in(session, dishub).contact_id)

    def jawab() -> tuple[str, ...]:
        with session_scope(db) as s:
            text = f"JAWAB {dishub} Sudah ditindak komite."
            msg = InboundMessage("simulator", phone, text, None, phone=phone)
            return service.handle_inbound(s, msg, now=later, desk=rt.desk).keys

    keys = race(db, citizen_lock, jawab, then=citizen_reopens(dishub, later, rt.desk))
    assert "staff_ticket_closed" not in keys and "staff_no_ticket" not in keys
    (reopened,) = audit_lines(db, "ticket.reopen")
    assert reopened.actor == "citizen"
    with session_scope(db) as s:
        (contact,) = s.exec(select(Contact).where(Contact.phone == phone)).all()
        assert repo.linked_contact(s, channel="simulator", address=phone, phone=phone) == contact
        # the TIDAK's alert went out, on the contact linked ahead, or on none for the new number
        to_member = select(Message).where(Message.address == phone, Message.created_at == later)
        (alert,) = [m for m in s.exec(to_member) if m.body.startswith(f"ESKALASI {dishub} ")]
        assert alert.contact_id == (contact.id if linked else None)
    assert any("Sudah ditindak komite." in m.body for m, _ in answers(db, dishub))
    assert ticket_of(db, dishub).status is TicketStatus.ANSWERED


def transfer_to_dinkes(number: str, now: datetime, desk: Desk) -> Callable[[Session], None]:
    """A: another officer (an admin) hands the ticket to DINKES, under the citizen's lock."""

    def transfer(session: Session) -> None:
        ticket = ticket_in(session, number)
        repo.lock_contact(session, ticket.contact_id)
        target = repo.unit_by_code(session, "DINKES")
        tickets.transfer(
            session, ticket, target, reason="salah unit", now=now, desk=desk, actor="admin"
        )

    return transfer


def test_an_answer_to_a_ticket_transferred_away_meanwhile_is_refused(
    officer, rt, db, dishub, clock
):
    """DISHUB's officer answers while an admin hands the ticket to DINKES: once the lock is theirs,
    the ticket is no longer DISHUB's, and the answer is refused as it would be a moment later."""
    reply = post(officer, f"/admin/tickets/{dishub}/reply", {"body": "Sudah diperbaiki."})
    resp = race(db, transfer_to_dinkes(dishub, clock(), rt.desk), reply)
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/admin/")
    ticket = ticket_of(db, dishub)
    assert ticket.status is TicketStatus.OPEN and ticket.first_answer_at is None
    assert not any("Sudah diperbaiki." in m.body for m, _ in answers(db, dishub))
    assert "baru saja dialihkan ke unit lain" in officer.page("/admin/")


@pytest.mark.parametrize("action", ["resend", "note", "analysis"])
def test_other_ticket_actions_on_a_ticket_transferred_away_meanwhile_are_refused(
    action, officer, rt, db, dishub, clock
):
    """Kirim ulang, a note and an analysis go through `locked_ticket` as the answer does: once the
    lock is DISHUB's officer's, the ticket is DINKES's and nothing of theirs is written on it."""
    forms = {
        "note": ("note", {"body": "Warga sudah ditelepon."}, "ticket.note"),
        "analysis": (
            "analysis",
            {"problem": "Lampu mati.", "regulation": "", "solution": "Ganti lampu."},
            "ticket.analysis",
        ),
    }
    failed = _failed_answer(officer, db, dishub) if action == "resend" else None
    if failed is not None:
        path, data, audited = f"messages/{failed.id}/resend", {}, "message.resend"
    else:
        path, data, audited = forms[action]
    form = post(officer, f"/admin/tickets/{dishub}/{path}", data)
    resp = race(db, transfer_to_dinkes(dishub, clock(), rt.desk), form)
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/admin/")
    assert audit_lines(db, audited) == []
    if failed is not None:  # not sent again
        assert [m.body for m, _ in answers(db, dishub)].count(failed.body) == 1
    with session_scope(db) as s:
        ticket = ticket_in(s, dishub)
        assert ticket.unit_id == repo.unit_by_code(s, "DINKES").id
        notes = select(Message).where(Message.ticket_id == ticket.id, col(Message.is_note))
        assert s.exec(notes).all() == []
        assert analysis.of(s, ticket.id) is None
    assert "baru saja dialihkan ke unit lain" in officer.page("/admin/")


def test_saving_a_member_whose_phone_just_wrote_in_for_the_first_time_saves_the_account(
    app, rt, db, clock
):
    """The account's link (`committee.link_member`) would create the contact the phone's first
    message is creating: it waits for that message, finds the phone taken, and the account is
    saved all the same (the link is the message's, or the job's on its next run)."""
    phone = "+6281299998888"
    admin = Browser(app.test_client())
    admin.login("admin")
    form = {
        "username": "ketua.dua",
        "role": "committee",
        "committee_level": "ketua",
        "phone": "0812 9999 8888",
        "preferred_channel": "simulator",
        "password": "rahasia-panjang",
        "active": "1",
    }

    def first_message(session: Session) -> None:
        msg = InboundMessage("simulator", phone, "halo", None, phone=phone)
        service.handle_inbound(session, msg, now=clock(), desk=rt.desk)

    resp = race(db, first_message, post(admin, "/admin/settings/staff/new", form))
    assert resp.status_code == 303
    with session_scope(db) as s:
        member = s.exec(select(StaffUser).where(StaffUser.username == "ketua.dua")).one()
        assert member.phone == phone
        (contact,) = s.exec(select(Contact).where(Contact.phone == phone)).all()
        assert repo.linked_contact(s, channel="simulator", address=phone, phone=phone) == contact
