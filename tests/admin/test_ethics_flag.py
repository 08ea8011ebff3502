"""An officer's decision that a complaint is an ethics case ("Teruskan ke komite (pelanggaran etika)"):
the ticket goes the way a screened one goes, and who, when and why is in its history."""

from __future__ import annotations

from sqlmodel import col, select

from store.db import session_scope
from store.models import AuditLog, Draft, Escalation, Message, Ticket

ANGGOTA = "+6281100000001"  # the demo's first-level committee member
WHY = "Warga menyebut petugas meminta imbalan agar lampu segera diperbaiki"


def _ticket(db, number: str) -> Ticket:
    with session_scope(db) as s:
        return s.exec(select(Ticket).where(Ticket.number == number)).one()


def _to(db, address: str) -> list[str]:
    with session_scope(db) as s:
        stmt = select(Message.body).where(Message.address == address, Message.direction == "out")
        return list(s.exec(stmt.order_by(col(Message.id))))


def test_the_ticket_page_offers_the_action(browser, dishub):
    browser.login("petugas")
    page = browser.page(f"/admin/tickets/{dishub}")
    assert "Teruskan ke komite (pelanggaran etika)" in page
    assert f"/admin/tickets/{dishub}/ethics" in page


def test_an_officer_sends_a_ticket_to_the_committee_as_an_ethics_case(
    browser, db, dishub, pending_draft, clock
):
    browser.login("petugas")
    resp = browser.post(f"/admin/tickets/{dishub}/ethics", {"reason": WHY})
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/admin/")
    ticket = _ticket(db, dishub)
    assert ticket.ethics
    with session_scope(db) as s:
        draft = s.get(Draft, pending_draft)
        assert (draft.status, draft.decided_by) == ("rejected", "petugas")
        (escalation,) = s.exec(select(Escalation)).all()
        assert (escalation.reason, escalation.level) == ("ethics", "anggota")
        (flagged,) = s.exec(select(AuditLog).where(AuditLog.action == "ticket.ethics")).all()
        assert (flagged.actor, flagged.reason, flagged.at) == ("petugas", WHY, clock())
        assert flagged.after == {"ethics": True, "by": "officer"}
        withdrawn = s.exec(select(AuditLog).where(AuditLog.action == "draft.withdraw")).one()
        assert withdrawn.entity_id == pending_draft and withdrawn.actor == "petugas"
    told = _to(db, ticket.address)[-1]
    assert f"No. tiket {dishub}" in told and "komite" in told
    (alert,) = _to(db, ANGGOTA)
    assert alert.startswith(f"ESKALASI {dishub} (DISHUB, dugaan pelanggaran etika, anggota)")
    # hidden from the unit from now on, as screened tickets are
    assert browser.client.get(f"/admin/tickets/{dishub}").status_code == 403
    assert dishub not in browser.page("/admin/")
    assert browser.post(f"/admin/tickets/{dishub}/ethics", {"reason": WHY}).status_code == 403


def test_the_admin_stays_on_the_ticket_and_reads_who_and_why_in_its_history(browser, db, dishub):
    browser.login("admin")
    resp = browser.post(f"/admin/tickets/{dishub}/ethics", {"reason": WHY}, follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert resp.request.path == f"/admin/tickets/{dishub}"
    assert "diteruskan ke komite sebagai dugaan pelanggaran etika" in page
    assert f"admin · ditandai aduan etik (ke komite) · “{WHY}”" in page
    assert "Teruskan ke komite (pelanggaran etika)" not in page  # nothing left to flag
    again = browser.post(f"/admin/tickets/{dishub}/ethics", {"reason": WHY}, follow_redirects=True)
    assert "sudah ditangani komite" in again.get_data(as_text=True)
    assert len(_to(db, ANGGOTA)) == 1


def test_a_reason_is_required(browser, db, dishub, pending_draft):
    browser.login("petugas")
    resp = browser.post(f"/admin/tickets/{dishub}/ethics", {"reason": "  "}, follow_redirects=True)
    assert "Tuliskan alasan" in resp.get_data(as_text=True)
    assert not _ticket(db, dishub).ethics and _to(db, ANGGOTA) == []
    with session_scope(db) as s:
        assert s.get(Draft, pending_draft).status == "pending"


def test_a_closed_ticket_is_not_sent(browser, db, dishub, set_ticket):
    set_ticket(dishub, status="closed")
    browser.login("petugas")
    resp = browser.post(f"/admin/tickets/{dishub}/ethics", {"reason": WHY}, follow_redirects=True)
    assert "buka kembali dahulu" in resp.get_data(as_text=True)
    assert not _ticket(db, dishub).ethics


def test_it_supersedes_an_officer_escalation_and_alerts_the_committee_at_once(browser, db, dishub):
    browser.login("petugas")
    assert browser.post(f"/admin/tickets/{dishub}/escalate", {"reason": "lama"}).status_code == 303
    assert browser.post(f"/admin/tickets/{dishub}/ethics", {"reason": WHY}).status_code == 303
    with session_scope(db) as s:
        rows = s.exec(select(Escalation).order_by(col(Escalation.id))).all()
        assert [(e.reason, e.closed_at is None) for e in rows] == [
            ("officer", False),
            ("ethics", True),
        ]
        assert rows[0].note == "lama; superseded: ethics"
    # the officer's escalation waits for the ladder job; the ethics case is sent at once
    (alert,) = _to(db, ANGGOTA)
    assert alert.startswith(f"ESKALASI {dishub} (DISHUB, dugaan pelanggaran etika, anggota)")
