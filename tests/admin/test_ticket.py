"""The ticket page and its forms: approve (as is, edited, from the queue), reject, free reply."""

from __future__ import annotations

import re

import pytest
from sqlmodel import col, select

from bot.messages import Direction, DraftStatus, TicketStatus
from store.db import session_scope
from store.models import Draft, Message, Outbox, Ticket


def staff_answers(db, number: str) -> list[tuple[Message, list[Outbox]]]:
    """Outbound messages written by staff on the ticket, each with its outbox rows."""
    with session_scope(db) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
        messages = s.exec(
            select(Message)
            .where(
                Message.ticket_id == ticket.id,
                Message.direction == Direction.OUT,
                Message.author != "bot",
            )
            .order_by(col(Message.id))
        ).all()
        return [
            (m, list(s.exec(select(Outbox).where(Outbox.message_id == m.id)))) for m in messages
        ]


def load(db, model, ident):
    with session_scope(db) as s:
        return s.get(model, ident)


def test_unknown_ticket_is_404(browser):
    browser.login("admin")
    assert browser.client.get("/admin/tickets/9999999").status_code == 404


@pytest.mark.parametrize(
    ("user", "ticket", "ethics", "status"),
    [
        ("petugas", "dishub", False, 200),
        ("petugas", "dinkes", False, 403),
        ("petugas", "dishub", True, 403),
        ("admin", "dinkes", False, 200),
        ("admin", "dishub", True, 200),
        ("komite", "dinkes", True, 200),
    ],
    ids=[
        "officer-own-unit",
        "officer-other-unit",
        "officer-ethics",
        "admin-any-unit",
        "admin-ethics",
        "committee-ethics",
    ],
)
def test_who_may_open_a_ticket(browser, request, set_ticket, user, ticket, ethics, status):
    number = request.getfixturevalue(ticket)
    if user == "komite":
        request.getfixturevalue("komite")
    set_ticket(number, ethics=ethics)
    browser.login(user)
    assert browser.client.get(f"/admin/tickets/{number}").status_code == status


def test_officer_cannot_answer_a_ticket_of_another_unit(browser, db, dinkes):
    browser.login("petugas")
    resp = browser.post(f"/admin/tickets/{dinkes}/reply", {"body": "Sudah kami cek."})
    assert resp.status_code == 403
    assert staff_answers(db, dinkes) == []


def test_ticket_page_shows_thread_masked_phone_and_pending_draft(browser, dishub, pending_draft):
    browser.login("petugas")
    html = browser.page(f"/admin/tickets/{dishub}")
    assert "DISHUB #lampu lalu lintas di simpang lima mati" in html  # the citizen's message
    assert f"No. tiket {dishub}" in html  # the bot's acknowledgement
    assert "+62812*****890" in html and "81234567890" not in html
    assert "tim APILL Dinas Perhubungan" in html and "skor 0." in html
    assert f"/drafts/{pending_draft}/approve" in html


def test_ticket_page_says_the_citizen_sent_stop(browser, dishub):
    """The officer must know an answer will not reach the phone: call, or wait for MULAI."""
    browser.login("petugas")
    assert 'id="opted-out"' not in browser.page(f"/admin/tickets/{dishub}")
    browser.say("STOP")
    page = browser.page(f"/admin/tickets/{dishub}")
    assert 'id="opted-out"' in page and "Warga mengirim STOP" in page


def test_approving_a_draft_sends_exactly_one_answer(browser, db, dishub, pending_draft, clock):
    browser.login("petugas")
    url = f"/admin/tickets/{dishub}/drafts/{pending_draft}/approve"
    resp = browser.post(url, follow_redirects=True)
    assert "disetujui dan dikirim" in resp.get_data(as_text=True)
    ((answer, outbox),) = staff_answers(db, dishub)
    assert answer.author == "petugas" and "tim APILL" in answer.body
    assert len(outbox) == 1 and outbox[0].address == "+6281234567890"
    draft = load(db, Draft, pending_draft)
    assert draft.status == DraftStatus.APPROVED and draft.decided_by == "petugas"
    with session_scope(db) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == dishub)).one()
        assert ticket.status == TicketStatus.ANSWERED and ticket.first_answer_at == clock()

    again = browser.post(url, follow_redirects=True)
    assert "sudah disetujui oleh petugas" in again.get_data(as_text=True)
    assert len(staff_answers(db, dishub)) == 1  # no second send


def test_an_edited_draft_sends_the_edited_text(browser, db, dishub, pending_draft):
    browser.login("petugas")
    edited = "Terima kasih.\r\nLampu di simpang lima sudah diperbaiki tim APILL pagi ini."
    browser.post(f"/admin/tickets/{dishub}/drafts/{pending_draft}/approve", {"body": edited})
    ((answer, _),) = staff_answers(db, dishub)
    assert "Terima kasih.\nLampu di simpang lima sudah diperbaiki" in answer.body
    assert load(db, Draft, pending_draft).body == edited.replace("\r\n", "\n")


def test_approving_from_the_queue_returns_to_the_queue(browser, db, dishub, pending_draft):
    browser.login("petugas")
    assert f"Tiket {dishub}" in browser.page("/admin/drafts")
    resp = browser.post(
        f"/admin/tickets/{dishub}/drafts/{pending_draft}/approve", {"next": "drafts"}
    )
    assert resp.status_code == 303 and resp.headers["Location"] == "/admin/drafts"
    assert "Tidak ada draf yang menunggu" in browser.page("/admin/drafts")
    assert len(staff_answers(db, dishub)) == 1


def test_queue_lists_the_nearest_deadline_first(browser, clock):
    first = browser.say("DISHUB #lampu lalu lintas di simpang lima mati")
    clock.advance(minutes=30)
    second = browser.say("DISHUB #traffic light simpang tiga tdk nyala", sender="085711112222")
    browser.login("petugas")
    html = browser.page("/admin/drafts")
    assert second in html and html.index(first) < html.index(second)


def test_a_rejected_draft_is_never_sent(browser, db, dishub, pending_draft):
    browser.login("petugas")
    resp = browser.post(
        f"/admin/tickets/{dishub}/drafts/{pending_draft}/reject",
        {"reason": "kurang tepat"},
        follow_redirects=True,
    )
    assert "ditolak" in resp.get_data(as_text=True)
    assert load(db, Draft, pending_draft).status == DraftStatus.REJECTED
    again = browser.post(
        f"/admin/tickets/{dishub}/drafts/{pending_draft}/approve", follow_redirects=True
    )
    assert "sudah ditolak oleh petugas" in again.get_data(as_text=True)
    assert staff_answers(db, dishub) == []


def test_free_reply_goes_to_the_citizen(browser, db, dishub):
    browser.login("petugas")
    resp = browser.post(
        f"/admin/tickets/{dishub}/reply",
        {"body": "Petugas sedang menuju lokasi."},
        follow_redirects=True,
    )
    html = resp.get_data(as_text=True)
    assert f"Jawaban tiket {dishub} dikirim" in html and "Terjawab" in html
    ((answer, outbox),) = staff_answers(db, dishub)
    assert "Petugas sedang menuju lokasi." in answer.body and len(outbox) == 1


def test_a_resubmitted_reply_form_sends_once(browser, db, dishub):
    """A double click or the browser's resubmit carries the page's nonce again: one answer."""
    browser.login("petugas")
    page = browser.page(f"/admin/tickets/{dishub}")
    nonce = re.search(r'name="nonce" value="([0-9a-f]{32})"', page).group(1)  # type: ignore[union-attr]
    form = {"body": "Petugas sedang menuju lokasi.", "nonce": nonce}
    first = browser.post(f"/admin/tickets/{dishub}/reply", form, follow_redirects=True)
    again = browser.post(f"/admin/tickets/{dishub}/reply", form, follow_redirects=True)
    assert f"Jawaban tiket {dishub} dikirim" in first.get_data(as_text=True)
    assert "sudah dikirim" in again.get_data(as_text=True)
    assert len(staff_answers(db, dishub)) == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [("   ", "tidak boleh kosong"), ("x" * 1601, "terlalu panjang")],
    ids=["blank", "too-long"],
)
def test_unusable_reply_text_is_refused(browser, db, dishub, body, message):
    browser.login("petugas")
    resp = browser.post(f"/admin/tickets/{dishub}/reply", {"body": body}, follow_redirects=True)
    assert message in resp.get_data(as_text=True)
    assert staff_answers(db, dishub) == []


def test_a_closed_ticket_takes_no_answers(browser, db, dishub, pending_draft, set_ticket):
    set_ticket(dishub, status=TicketStatus.CLOSED)
    browser.login("petugas")
    assert "Tiket sudah ditutup." in browser.page(f"/admin/tickets/{dishub}")
    for path in (
        f"/admin/tickets/{dishub}/reply",
        f"/admin/tickets/{dishub}/drafts/{pending_draft}/approve",
    ):
        resp = browser.post(path, {"body": "Jawaban"}, follow_redirects=True)
        assert "sudah ditutup" in resp.get_data(as_text=True)
    assert staff_answers(db, dishub) == []


def test_a_draft_of_another_ticket_is_404(browser, db, dishub, pending_draft):
    other = browser.say("DPUPR #jalan berlubang di depan pasar", sender="085711112222")
    browser.login("petugas")
    resp = browser.post(f"/admin/tickets/{other}/drafts/{pending_draft}/approve")
    assert resp.status_code == 404
    assert load(db, Draft, pending_draft).status == DraftStatus.PENDING


def _refused(browser, db, number: str, draft_id: int, why: str) -> None:
    """The draft can no longer be sent: the queue and the ticket page offer no approval, and
    approving anyway sends nothing and says why."""
    for page in ("/admin/drafts", f"/admin/tickets/{number}"):
        assert f"/drafts/{draft_id}/approve" not in browser.page(page)
    before = len(staff_answers(db, number))
    resp = browser.post(f"/admin/tickets/{number}/drafts/{draft_id}/approve", follow_redirects=True)
    assert resp.status_code == 200 and why in resp.get_data(as_text=True)
    assert len(staff_answers(db, number)) == before
    assert load(db, Draft, draft_id).status == DraftStatus.PENDING


def test_a_draft_is_not_sent_after_the_ticket_was_answered(browser, db, dishub, pending_draft):
    """Another officer answered in their own words: the stale library draft must not follow."""
    browser.login("petugas")
    browser.post(f"/admin/tickets/{dishub}/reply", {"body": "Petugas sedang menuju lokasi."})
    _refused(browser, db, dishub, pending_draft, "sudah dijawab")
    assert len(staff_answers(db, dishub)) == 1


def test_a_reopened_ticket_does_not_revive_its_old_draft(
    browser, db, dishub, pending_draft, set_ticket
):
    browser.login("petugas")
    browser.post(f"/admin/tickets/{dishub}/reply", {"body": "Petugas sedang menuju lokasi."})
    set_ticket(dishub, status=TicketStatus.OPEN)  # the citizen said TIDAK
    _refused(browser, db, dishub, pending_draft, "sudah dijawab")


def test_a_draft_from_the_old_units_library_is_not_sent_after_a_transfer(
    browser, db, dishub, pending_draft
):
    browser.login("petugas")  # serves DISHUB and DPUPR
    resp = browser.post(
        f"/admin/tickets/{dishub}/transfer", {"unit": "DPUPR", "reason": "jalan rusak"}
    )
    assert resp.status_code == 303
    _refused(browser, db, dishub, pending_draft, "dialihkan")


def test_the_queue_leaves_out_drafts_of_closed_tickets(
    browser, db, dishub, pending_draft, set_ticket
):
    set_ticket(dishub, status=TicketStatus.CLOSED)
    browser.login("petugas")
    _refused(browser, db, dishub, pending_draft, "sudah ditutup")


def test_a_draft_is_never_sent_on_a_ticket_flagged_for_ethics(
    browser, db, dishub, pending_draft, komite, set_ticket
):
    """The ticket became an ethics case after its draft was made (a later complaint naming pungli
    is a ticket of its own, so this is the committee's or an officer's decision): the committee
    sees the ticket, never a library answer to send."""
    set_ticket(dishub, ethics=True)
    browser.login("komite")
    _refused(browser, db, dishub, pending_draft, "komite")


def test_an_officer_who_transfers_out_of_their_units_lands_on_the_inbox(browser, dishub):
    """petugas serves DISHUB and DPUPR: after sending the ticket to DLH they may no longer open
    it, so the redirect must not lead to a 403 on the ticket just handed over."""
    browser.login("petugas")
    resp = browser.post(
        f"/admin/tickets/{dishub}/transfer", {"unit": "DLH", "reason": "salah unit"}
    )
    assert resp.status_code == 303
    assert resp.headers["Location"].endswith("/admin/")
    assert f"Tiket {dishub} dialihkan ke DLH" in browser.page("/admin/")


def test_an_officer_who_transfers_within_their_units_stays_on_the_ticket(browser, dishub):
    browser.login("petugas")
    resp = browser.post(
        f"/admin/tickets/{dishub}/transfer", {"unit": "DPUPR", "reason": "jalan rusak"}
    )
    assert resp.headers["Location"].endswith(f"/admin/tickets/{dishub}")
