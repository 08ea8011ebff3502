"""Hostile input: oversized and non-UTF-8 bodies, template syntax, SQL and HTML in complaints."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlmodel import select

from bot.config import LimitsConfig
from store.db import session_scope
from store.models import Message, Outbox, Ticket
from tests.admin.conftest import Browser

CITIZEN = "081234567890"
NASTY = (
    "DISHUB #lampu mati {{ config }} {% for x in range(3) %}loop{% endfor %} "
    "<script>alert('xss')</script> <b>tebal</b> '; DROP TABLE ticket; -- \" OR 1=1"
)


@pytest.fixture
def config(config):
    return replace(config, limits=LimitsConfig(max_request_bytes=8192))


def stored_inbound(engine) -> list[str]:
    with session_scope(engine) as s:
        return [m.body for m in s.exec(select(Message).where(Message.direction == "in"))]


def test_oversized_request_is_413_and_nothing_stored(app, client):
    body = {"from": CITIZEN, "text": "DISHUB #" + "x" * 9000}
    resp = client.post("/simulator/messages", json=body)
    assert resp.status_code == 413 and "too large" in resp.get_data(as_text=True)
    resp = client.post("/webhooks/simulator", data={"Body": "x" * 9000})
    assert resp.status_code in (404, 413)
    assert stored_inbound(app.extensions["aduan"].engine) == []


def test_long_message_is_cut_and_the_citizen_told(app, client):
    limit = app.extensions["aduan"].desk.config.app.max_message_chars
    resp = client.post(
        "/simulator/messages", json={"from": CITIZEN, "text": "DISHUB #" + "a" * 5000}
    )
    assert resp.status_code == 200
    assert any(str(limit) in r for r in resp.get_json()["replies"])
    assert [len(b) for b in stored_inbound(app.extensions["aduan"].engine)] == [limit]


@pytest.mark.parametrize(
    "body",
    [b'{"from": "081234567890", "text": "\xff\xfe lampu"}', b"\xff\xfe\x00{", b"\xc3\x28"],
)
def test_body_that_is_not_utf8_is_400(app, client, body):
    resp = client.post("/simulator/messages", data=body, content_type="application/json")
    assert resp.status_code == 400
    assert stored_inbound(app.extensions["aduan"].engine) == []


def test_template_syntax_is_shown_literally_in_replies(client):
    resp = client.post("/simulator/messages", json={"from": CITIZEN, "text": "{{config}} #isi"})
    replies = " ".join(resp.get_json()["replies"])
    assert "{{config}}" in replies or "{{" not in replies
    assert "Config(" not in replies and "SECRET" not in replies
    resp = client.post("/simulator/messages", json={"from": CITIZEN, "text": NASTY})
    assert resp.status_code == 200 and resp.get_json()["ticket"]
    assert "loop" not in " ".join(resp.get_json()["replies"])


def test_sql_html_and_template_syntax_are_inert_in_the_admin(app, client):
    browser = Browser(client)
    number = browser.say(NASTY, sender=CITIZEN)
    assert browser.login("petugas").status_code == 302
    for path in ("/admin/", f"/admin/tickets/{number}"):
        page = browser.page(path)
        assert "<script>alert(" not in page and "<b>tebal</b>" not in page
        assert "loopx" not in page and "Config(" not in page
    page = browser.page(f"/admin/tickets/{number}")
    assert "&lt;script&gt;alert(" in page and "{{ config }}" in page
    assert "DROP TABLE ticket" in page
    with session_scope(app.extensions["aduan"].engine) as s:
        assert s.exec(select(Ticket).where(Ticket.number == number)).one()
    assert NASTY in stored_inbound(app.extensions["aduan"].engine)


def test_officer_answer_with_template_syntax_goes_out_literally(app, client):
    browser = Browser(client)
    number = browser.say("DINKES #puskesmas tutup", sender=CITIZEN)
    assert browser.login("admin").status_code == 302
    resp = browser.post(f"/admin/tickets/{number}/reply", {"body": "Hasil: {{ 7*7 }} {{ config }}"})
    assert resp.status_code == 303
    with session_scope(app.extensions["aduan"].engine) as s:
        bodies = [o.body for o in s.exec(select(Outbox))]
    answer = next(b for b in bodies if "Hasil:" in b)
    assert (
        "Hasil: {{ 7*7 }} {{ config }}\n" in answer
    )  # not evaluated (the ticket number may hold 49)
    assert "SECRET_KEY" not in answer and "<Config" not in answer
