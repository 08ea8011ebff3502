"""Pesan tertahan: the admin's page of messages queued intake set aside after failing, and its
"Coba lagi" button. Rows are set aside through the real failure path (the `set_aside` fixture)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from sqlmodel import col, select

from bot import inbox
from bot.messages import Direction
from bot.parsers import mask_phone
from store.db import intake_engine, session_scope
from store.models import AuditLog, Inbox, Message, Outbox, Ticket

PHONE = "+6281234567890"
TEXT = "DINKES #puskesmas tutup jam 10"
HOSTILE = "DINKES #<script>alert('x')</script> {{ config }} {{ 7 * 7 }} tutup"
RETRY_OK = "Pesan dikembalikan ke antrean"
NOT_HELD = "sudah tidak tertahan"


@pytest.fixture
def queued() -> bool:
    return False


@pytest.fixture
def config(config, queued):
    """[inbound] queued as the test asks (off by default): the page works either way."""
    return replace(config, inbound=replace(config.inbound, queued=queued))


def inbox_row(db, row_id: int) -> dict:
    with session_scope(intake_engine(db)) as s:
        row = s.get(Inbox, row_id)
        return row.model_dump() if row else {}


def audit_lines(db) -> list[AuditLog]:
    with session_scope(db) as s:
        return list(s.exec(select(AuditLog).where(AuditLog.action == "inbox.retry")))


def drain(app) -> int:
    rt = app.extensions["aduan"]
    return inbox.drain(rt.engine, rt.desk, clock=rt.clock, on_queued=rt.kick_delivery)


def test_the_page_lists_the_message_masked_and_escaped(browser, set_aside):
    row_id = set_aside(HOSTILE)
    browser.login("admin")
    page = browser.page("/admin/held")
    assert f'id="held-{row_id}"' in page and f"/admin/held/{row_id}/retry" in page
    assert "RuntimeError" in page and "<td>3</td>" in page and "Coba lagi" in page
    assert "simulator" in page and "23/11/2026 10.00 WIB" in page  # received, local time
    assert mask_phone(PHONE) in page and PHONE not in page and "081234567890" not in page
    # the text shows literally: escaped HTML, Jinja syntax never evaluated
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page and "<script>" not in page
    assert "{{ config }} {{ 7 * 7 }}" in page
    assert "SECRET_KEY" not in page and "&lt;Config" not in page
    nav = page.split("</header>")[0]  # the navigation shows the count
    assert 'href="/admin/held"' in nav and '<span class="badge">1</span>' in nav


def test_the_page_is_in_english_too(browser, set_aside):
    set_aside(TEXT)
    browser.login("admin")
    browser.client.get("/admin/lang/en")
    page = browser.page("/admin/held")
    assert "Held messages" in page and "Retry" in page and "Attempts" in page
    assert "Fix the cause, then press Retry" in page and "Coba lagi" not in page


@pytest.mark.parametrize("queued", [False, True], ids=["inline-intake", "queued-intake"])
def test_nothing_set_aside_shows_the_empty_state(browser, app, queued):
    assert app.extensions["aduan"].desk.config.inbound.queued is queued
    browser.login("admin")
    page = browser.page("/admin/held")
    assert "Tidak ada pesan tertahan." in page and "/retry" not in page
    nav = page.split("</header>")[0]
    assert 'href="/admin/held"' in nav and 'class="badge"' not in nav
    # elsewhere the menu leaves it out while nothing is held: it is an exception list
    assert 'href="/admin/held"' not in browser.page("/admin/").split("</header>")[0]


def test_retry_queues_it_audits_it_and_the_worker_answers(browser, db, app, set_aside):
    row_id = set_aside(TEXT)
    browser.login("admin")
    resp = browser.post(f"/admin/held/{row_id}/retry")
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/admin/held")
    page = browser.page("/admin/held")
    assert RETRY_OK in page and "Tidak ada pesan tertahan." in page
    row = inbox_row(db, row_id)
    assert (row["processed_at"], row["attempts"], row["error"]) == (None, 0, "")
    (line,) = audit_lines(db)
    assert (line.actor, line.entity, line.entity_id) == ("admin", "inbox", row_id)
    assert line.before == {"channel": "simulator", "attempts": 3, "error": "RuntimeError"}
    recorded = json.dumps([line.before, line.after, line.reason])
    assert "puskesmas" not in recorded and PHONE not in recorded  # no complaint, no number

    assert drain(app) == 1  # the worker (or the scheduler's inbox job) handles it
    assert inbox_row(db, row_id)["message_id"] is not None
    with session_scope(db) as s:
        (msg,) = s.exec(select(Message).where(Message.direction == Direction.IN)).all()
        assert msg.body == TEXT and msg.ticket_id is not None
        assert s.get(Ticket, msg.ticket_id).number
        replies = s.exec(select(Outbox).where(col(Outbox.address) == PHONE)).all()
        assert any("Aduan Anda diterima" in r.body for r in replies)


def test_retrying_what_is_no_longer_held_changes_nothing(browser, db, app, set_aside):
    row_id = set_aside(TEXT)
    browser.login("admin")
    assert browser.post(f"/admin/held/{row_id}/retry").status_code == 303
    drain(app)
    handled = inbox_row(db, row_id)
    for target in (row_id, 999_999):  # handled meanwhile; never existed
        resp = browser.post(f"/admin/held/{target}/retry", follow_redirects=True)
        assert resp.status_code == 200 and NOT_HELD in resp.get_data(as_text=True)
    assert inbox_row(db, row_id) == handled and len(audit_lines(db)) == 1


@pytest.mark.parametrize("user", ["petugas", "komite"])
def test_other_roles_get_403_and_no_link(browser, db, set_aside, komite, user):
    row_id = set_aside(TEXT)
    before = inbox_row(db, row_id)
    browser.login(user)
    assert browser.client.get("/admin/held").status_code == 403
    assert browser.post(f"/admin/held/{row_id}/retry").status_code == 403
    assert "/admin/held" not in browser.page("/admin/")
    assert inbox_row(db, row_id) == before and audit_lines(db) == []


def test_logged_out_users_are_sent_to_login(browser, db, set_aside):
    row_id = set_aside(TEXT)
    before = inbox_row(db, row_id)
    for method, path in (("GET", "/admin/held"), ("POST", f"/admin/held/{row_id}/retry")):
        resp = browser.client.open(path, method=method)
        assert resp.status_code == 302 and "/admin/login" in resp.headers["Location"]
    assert inbox_row(db, row_id) == before


@pytest.mark.parametrize("token", [None, "bukan-token"], ids=["missing", "forged"])
def test_retry_without_a_valid_csrf_token_is_refused(browser, db, set_aside, token):
    row_id = set_aside(TEXT)
    before = inbox_row(db, row_id)
    browser.login("admin")
    data = {} if token is None else {"csrf_token": token}
    resp = browser.client.post(f"/admin/held/{row_id}/retry", data=data)
    assert resp.status_code == 400 and "Formulir kedaluwarsa" in resp.get_data(as_text=True)
    assert inbox_row(db, row_id) == before and audit_lines(db) == []
    assert [r.id for r in inbox.held(db)] == [row_id]
