"""SOP steps 3 and 4 on the ticket page: the "Analisis" form, and the close reason as the resolution
record, through a logged-in browser."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from bot import analysis
from store.db import session_scope
from store.models import AuditLog, Ticket, TicketAnalysis

FORM = {
    "problem": "Lampu lalu lintas simpang lima mati sejak pagi; rawan kecelakaan.",
    "regulation": "Perbup 12/2024 tentang pemeliharaan APILL",
    "solution": "Teruskan ke regu pemeliharaan APILL Dishub hari ini.",
}


def _saved(db, number: str) -> tuple[TicketAnalysis | None, list[AuditLog]]:
    with session_scope(db) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
        found = analysis.of(s, ticket.id)
        lines = s.exec(
            select(AuditLog)
            .where(AuditLog.ticket_id == ticket.id, AuditLog.action == "ticket.analysis")
            .order_by(col(AuditLog.id))
        ).all()
        return found, list(lines)


def test_saving_records_who_and_when_and_an_edit_keeps_the_first_time(browser, db, clock, dishub):
    browser.login("petugas")
    page = browser.page(f"/admin/tickets/{dishub}")
    assert 'id="analysis"' in page and f"/admin/tickets/{dishub}/analysis" in page
    first = clock()
    resp = browser.post(f"/admin/tickets/{dishub}/analysis", FORM)
    assert resp.status_code == 303
    assert f"Analisis tiket {dishub} disimpan." in browser.page(resp.headers["Location"])
    found, lines = _saved(db, dishub)
    assert found is not None and (found.analysed_at, found.analysed_by) == (first, "petugas")
    assert (found.problem, found.regulation, found.solution) == tuple(FORM.values())
    (line,) = lines
    assert (line.actor, line.at, line.before, line.after) == ("petugas", first, {}, FORM)

    clock.advance(minutes=40)
    edited = {**FORM, "solution": "Regu APILL sudah dijadwalkan besok pagi."}
    browser.logout()
    browser.login("admin")
    assert browser.post(f"/admin/tickets/{dishub}/analysis", edited).status_code == 303
    found, lines = _saved(db, dishub)
    assert (found.analysed_at, found.analysed_by) == (first, "petugas")  # measured by these
    assert (found.updated_at, found.updated_by) == (clock(), "admin")
    assert found.solution == edited["solution"]
    assert (lines[1].actor, lines[1].before, lines[1].after) == (
        "admin",
        {"solution": FORM["solution"]},
        {"solution": edited["solution"]},
    )
    page = browser.page(f"/admin/tickets/{dishub}")
    assert edited["solution"] in page and "terakhir diubah" in page and "analisis disimpan" in page

    resp = browser.post(f"/admin/tickets/{dishub}/analysis", edited)  # the same again
    assert "tidak berubah" in browser.page(resp.headers["Location"])
    assert len(_saved(db, dishub)[1]) == 2


@pytest.mark.parametrize("missing", ["problem", "solution"])
def test_the_problem_and_the_solution_are_required(browser, db, dishub, missing):
    browser.login("petugas")
    resp = browser.post(f"/admin/tickets/{dishub}/analysis", {**FORM, missing: "  "})
    assert "Isi uraian masalah dan rekomendasi" in browser.page(resp.headers["Location"])
    assert _saved(db, dishub) == (None, [])


def test_the_regulation_may_be_left_empty(browser, db, dishub):
    browser.login("petugas")
    browser.post(f"/admin/tickets/{dishub}/analysis", {**FORM, "regulation": ""})
    found, (line,) = _saved(db, dishub)
    assert found is not None and found.regulation == "" and "regulation" not in line.after


# (user, ticket, ethics, confidential) -> status: the ticket page's rule, as for every other action
CASES = [
    ("petugas", "dishub", False, False, 303),
    ("petugas", "dishub", False, True, 303),  # confidential hides the citizen, not the ticket
    ("petugas", "dinkes", False, False, 403),  # not one of petugas' units
    ("petugas", "dishub", True, False, 403),  # ethics: the committee's
    ("komite", "dinkes", False, False, 403),  # neither ethics nor escalated
    ("komite", "dinkes", True, False, 303),
    ("admin", "dinkes", True, True, 303),
]


@pytest.mark.parametrize(("user", "which", "ethics", "confidential", "status"), CASES)
def test_who_may_analyse_follows_the_other_ticket_actions(
    browser, db, dishub, dinkes, set_ticket, komite, user, which, ethics, confidential, status
):
    number = {"dishub": dishub, "dinkes": dinkes}[which]
    set_ticket(number, ethics=ethics, confidential=confidential)
    browser.login(user)
    assert browser.post(f"/admin/tickets/{number}/analysis", FORM).status_code == status
    # the same answer as an internal note, the ticket action with the fewest conditions
    assert browser.post(f"/admin/tickets/{number}/note", {"body": "cek"}).status_code == status
    found, lines = _saved(db, number)
    assert (found is not None, len(lines)) == ((True, 1) if status == 303 else (False, 0))


@pytest.mark.parametrize("token", [None, "bukan-token"], ids=["missing", "forged"])
def test_the_form_needs_its_csrf_token(browser, db, dishub, token):
    browser.login("petugas")
    data = FORM if token is None else {**FORM, "csrf_token": token}
    assert browser.client.post(f"/admin/tickets/{dishub}/analysis", data=data).status_code == 400
    assert _saved(db, dishub) == (None, [])


def test_the_forwarding_form_carries_the_analysis(browser, dishub):
    browser.login("petugas")
    assert "Rekomendasi penyelesaian" not in browser.page(f"/admin/tickets/{dishub}/print")
    browser.post(f"/admin/tickets/{dishub}/analysis", FORM)
    page = browser.page(f"/admin/tickets/{dishub}/print")
    assert "Rekomendasi penyelesaian" in page and FORM["solution"] in page


def test_the_close_form_asks_an_answered_ticket_for_its_resolution_record(
    browser, db, dishub, set_ticket
):
    browser.login("petugas")
    set_ticket(dishub, status="answered")
    page = browser.page(f"/admin/tickets/{dishub}")
    assert "Dokumentasi penyelesaian" in page and 'id="close-record"' in page
    record = "Lampu diperbaiki regu APILL; warga menyatakan sudah menyala."
    assert browser.post(f"/admin/tickets/{dishub}/close", {"reason": record}).status_code == 303
    with session_scope(db) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == dishub)).one()
        line = s.exec(
            select(AuditLog).where(
                AuditLog.ticket_id == ticket.id, AuditLog.action == analysis.DOCUMENTED_BY
            )
        ).one()
        assert (line.actor, line.reason) == ("petugas", record)


def test_the_analysis_and_the_record_are_in_english_when_english_is_chosen(
    browser, dishub, set_ticket
):
    browser.login("petugas")
    browser.client.get("/admin/lang/en")
    set_ticket(dishub, status="answered")
    resp = browser.post(f"/admin/tickets/{dishub}/analysis", FORM)
    page = browser.page(resp.headers["Location"])
    assert f"Analysis of ticket {dishub} saved." in page
    assert "Recommended solution" in page and "Resolution record" in page
    assert "analysis saved" in page and "Rekomendasi penyelesaian" not in page


def test_a_ticket_retention_anonymised_takes_no_more_text(browser, db, clock, dishub):
    """Retention scrubs a ticket once; a text added afterwards would be kept for good (UU PDP), and a
    reopened one would never be scrubbed again (it stays marked anonymised)."""
    from bot.config import RetentionConfig
    from bot.messages import TicketStatus
    from bot.retention import anonymise_closed
    from store.models import Message

    with session_scope(db) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == dishub)).one()
        ticket.status, ticket.closed_at = TicketStatus.CLOSED, clock()
    clock.advance(days=800)
    with session_scope(db) as s:
        assert anonymise_closed(s, now=clock(), policy=RetentionConfig(anonymise_after_months=24))
    browser.login("admin")
    resp = browser.post(f"/admin/tickets/{dishub}/analysis", FORM)
    assert "sudah dihapus (retensi data)" in browser.page(resp.headers["Location"])
    resp = browser.post(f"/admin/tickets/{dishub}/note", {"body": "warga bernama Budi menelepon"})
    assert resp.status_code == 303
    for action, form in [
        ("reopen", {"reason": "Budi (Jl. Melati 5) menelepon lagi"}),
        ("priority", {"priority": "high", "reason": "warga bernama Budi"}),
    ]:
        resp = browser.post(f"/admin/tickets/{dishub}/{action}", form)
        assert "sudah dihapus (retensi data)" in browser.page(resp.headers["Location"])
    assert _saved(db, dishub) == (None, [])
    with session_scope(db) as s:
        bodies = [m.body for m in s.exec(select(Message))]
        ticket = s.exec(select(Ticket).where(Ticket.number == dishub)).one()
        reasons = [
            a.reason for a in s.exec(select(AuditLog).where(AuditLog.ticket_id == ticket.id))
        ]
    assert ticket.status is TicketStatus.CLOSED
    assert not any("Budi" in b for b in bodies + reasons)
