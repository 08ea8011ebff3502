"""Library answers are templates (DESIGN §6): the officer writes {{ nomor }}, {{ nama }},
{{ unit }}, {{ batas }}; the draft has them filled in for the ticket, and a text that cannot be
rendered is a form error. Through the real app and database."""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

from sqlmodel import select

from store.db import session_scope
from store.models import Answer, Draft, Ticket

from .conftest import DISHUB_TEXT, OTHER_CITIZEN


def _answer_form(db, pending_draft: int, body: str) -> tuple[int, dict[str, str]]:
    """The library form of the answer drafted for the DISHUB ticket, with a new text."""
    with session_scope(db) as s:
        answer = s.get(Answer, s.get(Draft, pending_draft).answer_id)
        form = {
            "title": answer.title,
            "unit": "DISHUB",
            "keywords": ", ".join(answer.keywords),
            "examples": "\n".join(answer.examples),
            "body": body,
            "active": "1",
            "action": "save",
        }
        return answer.id, form


def test_a_library_answer_is_a_template_filled_in_for_the_ticket(browser, db, pending_draft):
    browser.login("petugas")
    body = "Yth. {{ nama }}, aduan {{ nomor }} ({{ unit }}) kami tangani sebelum {{ batas }}."
    answer_id, form = _answer_form(db, pending_draft, body)
    page = browser.page(f"/admin/library/{answer_id}")
    assert "{{ nomor }}</code>: nomor tiket" in page and "{{ batas }}" in page  # the help
    preview = browser.post(f"/admin/library/{answer_id}", {**form, "action": "preview"})
    assert "Yth. Budi Santoso, aduan 1234567 (Dinas Perhubungan)" in preview.get_data(as_text=True)
    assert browser.post(f"/admin/library/{answer_id}", form).status_code == 303
    number = browser.say(DISHUB_TEXT, sender=OTHER_CITIZEN)  # received 10.00 WIB: due 15.00
    with session_scope(db) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
        draft = s.exec(select(Draft).where(Draft.ticket_id == ticket.id)).one()
        assert draft.body == (
            f"Yth. Bapak/Ibu, aduan {number} (Dinas Perhubungan) kami tangani sebelum "
            f"{ticket.due_at.astimezone(ZoneInfo('Asia/Jakarta')):%d/%m/%Y %H.%M} WIB."
        )
    page = browser.page(f"/admin/tickets/{number}")  # the suggestion is filled in as well
    assert f"aduan {number} (Dinas Perhubungan)" in page and "{{ nomor }}" not in page


def test_a_broken_answer_template_is_a_form_error_and_is_not_saved(browser, db, pending_draft):
    browser.login("petugas")
    for body, reason in [
        ("Aduan {{ nomr }} diproses.", "variabel tidak dikenal: {{ nomr }}"),
        ("Aduan {{ nomor diproses.", "templat tidak sah (baris 1)"),
    ]:
        answer_id, form = _answer_form(db, pending_draft, body)
        resp = browser.post(f"/admin/library/{answer_id}", form)
        assert resp.status_code == 400
        assert reason in resp.get_data(as_text=True)
        with session_scope(db) as s:
            assert s.get(Answer, answer_id).body != body
    rows = "id,unit,title,keywords,examples,body,auto_send,active\n"
    rows += ",DISHUB,Rusak,,,Aduan {{ nomr }},tidak,ya\n"
    upload = {"file": (io.BytesIO(rows.encode()), "pustaka.csv")}
    browser.post("/admin/library/import", upload, content_type="multipart/form-data")
    assert "baris 2: teks jawaban: variabel tidak dikenal" in browser.page("/admin/library")
