"""The officer sees how far each message to the citizen got, which answers failed and why, and can
send a failed one again. Failures come in as a provider's receipt does (delivery.apply_status)."""

from __future__ import annotations

from sqlmodel import col, select

from bot import delivery
from bot.messages import Direction, OutboxStatus, StatusUpdate, TicketStatus
from store.db import session_scope
from store.models import AuditLog, Message, Outbox, Ticket

UNREACHABLE = "Twilio 30003: Unreachable destination handset"


def answers(db, number: str) -> list[tuple[Message, Outbox]]:
    """The staff's messages on the ticket with their outbox rows, oldest first."""
    with session_scope(db) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
        stmt = (
            select(Message, Outbox)
            .join(Outbox, col(Outbox.message_id) == col(Message.id))
            .where(
                Message.ticket_id == ticket.id,
                Message.direction == Direction.OUT,
                Message.author != "bot",
            )
            .order_by(col(Message.id))
        )
        return [(m, o) for m, o in s.exec(stmt)]


def ticket_of(db, number: str) -> Ticket:
    with session_scope(db) as s:
        return s.exec(select(Ticket).where(Ticket.number == number)).one()


def receipt(db, row: Outbox, status: OutboxStatus, error: str = "") -> None:
    update = StatusUpdate(row.channel, row.provider_id, status, error=error)
    assert delivery.apply_status(db, update, now=row.created_at)


def page(browser, path: str) -> str:
    """The page with its white space run together, as it reads."""
    return " ".join(browser.page(path).split())


def answered(browser, number: str, body: str = "Lampu sudah diperbaiki.") -> None:
    resp = browser.post(f"/admin/tickets/{number}/reply", {"body": body, "nonce": body})
    assert resp.status_code == 303


def test_each_message_to_the_citizen_shows_how_far_it_got(browser, db, dishub):
    browser.login("petugas")
    answered(browser, dishub)
    ((_, row),) = answers(db, dishub)
    assert 'Pengiriman: <strong class="sla-ok">terkirim' in page(
        browser, f"/admin/tickets/{dishub}"
    )
    receipt(db, row, OutboxStatus.DELIVERED)
    html = page(browser, f"/admin/tickets/{dishub}")
    assert 'Pengiriman: <strong class="sla-done">diterima' in html
    assert "Kirim ulang" not in html and "Jawaban gagal terkirim" not in html


def test_a_failed_answer_says_why_reopens_and_is_on_the_dashboard(browser, db, dishub):
    browser.login("petugas")
    answered(browser, dishub)
    ((_, row),) = answers(db, dishub)
    receipt(db, row, OutboxStatus.FAILED, UNREACHABLE)
    assert ticket_of(db, dishub).status is TicketStatus.OPEN
    html = page(browser, f"/admin/tickets/{dishub}")
    assert "gagal</strong> — Penyedia layanan tidak dapat mengirim pesan ini" in html
    assert UNREACHABLE in html and "Kirim ulang" in html
    assert "Jawaban gagal terkirim" in html and "tenggatnya berjalan lagi" in html
    assert "jawaban gagal terkirim" in html  # the history line
    dashboard = page(browser, "/admin/dashboard")
    assert "Jawaban gagal terkirim" in dashboard and f">{dishub}</a>" in dashboard
    browser.client.get("/admin/lang/en")
    english = page(browser, f"/admin/tickets/{dishub}")
    assert "The provider could not send this message" in english and "Send again" in english


def test_send_again_queues_the_same_text_once_and_answers_the_ticket_again(
    browser, db, dishub, clock
):
    browser.login("petugas")
    answered(browser, dishub)
    ((failed, row),) = answers(db, dishub)
    receipt(db, row, OutboxStatus.FAILED, UNREACHABLE)
    clock.advance(minutes=10)
    resp = browser.post(f"/admin/tickets/{dishub}/messages/{failed.id}/resend")
    assert resp.status_code == 303
    (_, _), (again, again_row) = answers(db, dishub)
    assert again.body == failed.body and again.author == "petugas"
    assert again_row.status is OutboxStatus.SENT  # the simulator took it (sent in the request)
    ticket = ticket_of(db, dishub)
    assert ticket.status is TicketStatus.ANSWERED and ticket.first_answer_at == clock()
    with session_scope(db) as s:
        (line,) = s.exec(select(AuditLog).where(AuditLog.action == "message.resend")).all()
        assert line.actor == "petugas" and line.before["message_id"] == failed.id
        assert line.before["error"] == UNREACHABLE and line.after == {"message_id": again.id}
    html = page(browser, f"/admin/tickets/{dishub}")
    assert "Sudah dikirim ulang." in html and "pesan dikirim ulang" in html
    assert "Jawaban gagal terkirim" not in page(browser, "/admin/dashboard")
    browser.post(f"/admin/tickets/{dishub}/messages/{failed.id}/resend")  # a second click
    assert len(answers(db, dishub)) == 2
    assert "Pesan ini sudah dikirim ulang." in page(browser, f"/admin/tickets/{dishub}")


def test_a_message_that_did_not_fail_or_is_not_visible_is_not_sent_again(
    browser, db, dishub, dinkes
):
    browser.login("admin")
    answered(browser, dinkes)
    ((sent, _),) = answers(db, dinkes)
    browser.post(f"/admin/tickets/{dinkes}/messages/{sent.id}/resend")
    assert len(answers(db, dinkes)) == 1
    browser.logout()
    browser.login("petugas")  # DISHUB's officer: the DINKES ticket is not theirs
    resp = browser.post(f"/admin/tickets/{dinkes}/messages/{sent.id}/resend")
    assert resp.status_code == 403
    resp = browser.post(f"/admin/tickets/{dishub}/messages/{sent.id}/resend")  # another ticket's
    assert resp.status_code == 303 and len(answers(db, dinkes)) == 1


def inbox_row(html: str, number: str) -> str:
    """The inbox table's row of one ticket ('' when it is not listed)."""
    return next((row for row in html.split("<tr")[1:] if f">{number}</strong>" in row), "")


def test_the_inbox_marks_and_filters_tickets_whose_latest_answer_failed(
    browser, db, dishub, dinkes
):
    browser.login("admin")
    answered(browser, dishub)
    answered(browser, dinkes)
    ((failed, row),) = answers(db, dishub)
    receipt(db, row, OutboxStatus.FAILED, UNREACHABLE)
    html = page(browser, "/admin/")
    assert '<span class="badge failed"' in inbox_row(html, dishub)
    assert "jawaban gagal</span>" in inbox_row(html, dishub)  # words, not a colour only
    assert "badge failed" not in inbox_row(html, dinkes)  # its answer went out
    only = page(browser, "/admin/?failed=1")
    assert inbox_row(only, dishub) and not inbox_row(only, dinkes)
    assert 'name="failed" value="1" checked' in only
    assert 'href="/admin/?failed=1"' in page(browser, "/admin/dashboard")  # the card links here
    browser.client.get("/admin/lang/en")
    english = page(browser, "/admin/?failed=1")
    assert "answer failed</span>" in inbox_row(english, dishub) and "Failed answers only" in english
    browser.post(f"/admin/tickets/{dishub}/messages/{failed.id}/resend")  # answered again
    assert "badge failed" not in inbox_row(page(browser, "/admin/"), dishub)
    assert not inbox_row(page(browser, "/admin/?failed=1"), dishub)


def test_an_older_answer_that_failed_after_a_newer_one_shows_on_its_message_only(
    browser, db, dishub
):
    browser.login("petugas")
    answered(browser, dishub, "Lampu sudah diperbaiki.")
    answered(browser, dishub, "Koreksi: diperbaiki besok pagi.")
    (older, row), (_, newer) = answers(db, dishub)
    receipt(db, newer, OutboxStatus.DELIVERED)
    receipt(db, row, OutboxStatus.FAILED, UNREACHABLE)
    assert ticket_of(db, dishub).status is TicketStatus.ANSWERED  # the citizen got the newer one
    html = page(browser, f"/admin/tickets/{dishub}")
    assert "gagal</strong> — Penyedia layanan tidak dapat mengirim pesan ini" in html
    assert f"/messages/{older.id}/resend" in html  # still there to send again
    assert "Jawaban gagal terkirim" not in html and "tenggatnya berjalan lagi" not in html
    assert "badge failed" not in inbox_row(page(browser, "/admin/"), dishub)


def test_sending_again_either_failed_answer_of_the_round_answers_the_ticket(
    browser, db, dishub, clock
):
    browser.login("petugas")
    answered(browser, dishub, "Lampu sudah diperbaiki.")
    answered(browser, dishub, "Koreksi: diperbaiki besok pagi.")
    (_, row), (newer, newer_row) = answers(db, dishub)
    receipt(db, newer_row, OutboxStatus.FAILED, UNREACHABLE)  # the older one is still out ...
    receipt(db, row, OutboxStatus.FAILED, UNREACHABLE)  # ... then fails too: the latest line
    assert ticket_of(db, dishub).status is TicketStatus.OPEN
    clock.advance(minutes=10)
    browser.post(
        f"/admin/tickets/{dishub}/messages/{newer.id}/resend"
    )  # the officer picks this one
    ticket = ticket_of(db, dishub)
    assert ticket.status is TicketStatus.ANSWERED and ticket.first_answer_at == clock()
