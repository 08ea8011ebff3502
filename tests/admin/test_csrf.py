"""CSRF: every admin form needs its token (also in the TESTING app); the JSON and webhook routes do not."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.messages import Direction
from store.db import session_scope
from store.models import Message


def test_testing_mode_does_not_switch_csrf_off(app):
    assert app.config["TESTING"] is True
    assert app.config["WTF_CSRF_ENABLED"] is True


def test_login_without_a_token_is_400(client):
    resp = client.post("/admin/login", data={"username": "petugas", "password": "petugas-demo"})
    assert resp.status_code == 400
    assert client.get("/admin/").status_code == 302  # not logged in


@pytest.mark.parametrize("token", [None, "", "bukan-token"], ids=["missing", "empty", "forged"])
@pytest.mark.parametrize("action", ["approve", "reject", "reply"])
def test_admin_forms_without_a_valid_token_are_400(
    browser, db, dishub, pending_draft, action, token
):
    browser.login("petugas")
    path = {
        "approve": f"/admin/tickets/{dishub}/drafts/{pending_draft}/approve",
        "reject": f"/admin/tickets/{dishub}/drafts/{pending_draft}/reject",
        "reply": f"/admin/tickets/{dishub}/reply",
    }[action]
    data = {"body": "Jawaban"} if token is None else {"body": "Jawaban", "csrf_token": token}
    assert browser.client.post(path, data=data).status_code == 400
    with session_scope(db) as s:
        sent = s.exec(
            select(Message).where(Message.direction == Direction.OUT, Message.author == "petugas")
        )
        assert sent.all() == []


def test_simulator_json_needs_no_token_while_admin_csrf_is_on(app, client):
    assert app.config["WTF_CSRF_ENABLED"] is True
    resp = client.post("/simulator/messages", json={"from": "081234567890", "text": "halo"})
    assert resp.status_code == 200 and resp.get_json()["replies"]


def test_webhooks_are_not_checked_for_a_token(client):
    # no such channel: the webhook itself answers 404, CSRF never answers 400 first
    assert client.post("/webhooks/tidakada", data={"Body": "halo"}).status_code == 404


def test_the_csrf_switch_is_honoured(app, client):
    app.config["WTF_CSRF_ENABLED"] = False
    resp = client.post("/admin/login", data={"username": "petugas", "password": "petugas-demo"})
    assert resp.status_code == 302
