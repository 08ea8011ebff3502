"""*Tampilkan nomor*: the desk may see a citizen's full number on one ticket, to phone them; every
reveal is on the record, and the unit never sees the number of a confidential ticket."""

from __future__ import annotations

import logging

import pytest
from sqlmodel import col, select

from store.db import session_scope
from store.models import AuditLog, Contact, Ticket

FULL = "+6281234567890"  # tests.admin.conftest.CITIZEN in E.164
DIGITS = "81234567890"


def reveals(db, number: str) -> list[AuditLog]:
    with session_scope(db) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
        stmt = select(AuditLog).where(
            AuditLog.ticket_id == ticket.id, AuditLog.action == "ticket.phone_reveal"
        )
        return list(s.exec(stmt.order_by(col(AuditLog.id))))


def test_officer_reveals_the_number_once_and_it_is_audited(browser, db, dishub, clock, caplog):
    caplog.set_level(logging.DEBUG)
    browser.login("petugas")
    before = browser.page(f"/admin/tickets/{dishub}")
    assert DIGITS not in before and "Tampilkan nomor" in before
    resp = browser.post(f"/admin/tickets/{dishub}/phone")
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/tickets/{dishub}")
    shown = browser.client.get(f"/admin/tickets/{dishub}")
    html = shown.get_data(as_text=True)
    assert f'href="tel:{FULL}"' in html and "no-store" in shown.headers["Cache-Control"]
    assert "nomor telepon warga ditampilkan" in html  # the ticket's history says so
    assert DIGITS not in browser.page(f"/admin/tickets/{dishub}")  # the next view: masked again
    browser.post(f"/admin/tickets/{dishub}/phone")
    (first, second) = reveals(db, dishub)  # every reveal is a line
    assert (first.actor, first.entity, first.at) == ("petugas", "ticket", clock())
    assert DIGITS not in str(first.before) + str(first.after) + first.reason
    assert DIGITS not in caplog.text


def test_the_reveal_is_for_the_revealed_ticket_only(browser, dishub, dinkes):
    browser.login("admin")
    browser.post(f"/admin/tickets/{dishub}/phone")
    assert "85711112222" not in browser.page(f"/admin/tickets/{dinkes}")
    assert DIGITS not in browser.page(f"/admin/tickets/{dishub}")  # the other page used it up


@pytest.mark.parametrize(
    ("user", "ticket", "confidential", "ethics", "status"),
    [
        ("petugas", "dinkes", False, False, 403),
        ("petugas", "dishub", False, True, 403),
        ("petugas", "dishub", True, False, 403),
        ("admin", "dishub", True, False, 303),
        ("komite", "dishub", True, True, 303),
    ],
    ids=[
        "officer-other-unit",
        "officer-ethics",
        "officer-confidential",
        "admin-confidential",
        "committee-confidential",
    ],
)
def test_who_may_reveal(
    browser, db, request, set_ticket, user, ticket, confidential, ethics, status
):
    number = request.getfixturevalue(ticket)
    if user == "komite":
        request.getfixturevalue("komite")
    set_ticket(number, confidential=confidential, ethics=ethics)
    browser.login(user)
    page = browser.client.get(f"/admin/tickets/{number}").get_data(as_text=True)
    assert ("Tampilkan nomor" in page) == (status == 303)
    assert browser.post(f"/admin/tickets/{number}/phone").status_code == status
    assert len(reveals(db, number)) == (status == 303)


def test_unknown_ticket_is_404(browser):
    browser.login("admin")
    assert browser.post("/admin/tickets/9999999/phone").status_code == 404


def test_a_ticket_turned_confidential_after_the_reveal_stays_masked(browser, dishub, set_ticket):
    browser.login("petugas")
    browser.post(f"/admin/tickets/{dishub}/phone")
    set_ticket(dishub, confidential=True)
    assert DIGITS not in browser.page(f"/admin/tickets/{dishub}")


def test_a_contact_without_a_phone_has_nothing_to_reveal(browser, db, dishub):
    with session_scope(db) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == dishub)).one()
        s.get(Contact, ticket.contact_id).phone = None
    browser.login("admin")
    assert "Tampilkan nomor" not in browser.page(f"/admin/tickets/{dishub}")
    resp = browser.post(f"/admin/tickets/{dishub}/phone", follow_redirects=True)
    assert "Nomor telepon warga tidak diketahui" in resp.get_data(as_text=True)
    assert reveals(db, dishub) == []


def test_a_replayed_session_cookie_does_not_show_the_number_again(browser, db, dishub):
    """The session is a cookie the browser keeps: sent again as it was after the reveal, it showed
    the number on every view with no new audit line."""
    browser.login("petugas")
    browser.post(f"/admin/tickets/{dishub}/phone")
    kept = browser.client.get_cookie("session").value
    assert DIGITS in browser.page(f"/admin/tickets/{dishub}")
    browser.client.set_cookie("session", kept)
    assert DIGITS not in browser.page(f"/admin/tickets/{dishub}")
    assert len(reveals(db, dishub)) == 1
