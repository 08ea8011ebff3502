"""Admin fixtures: a browser-like helper that logs in and posts forms with their CSRF token, and
complaints filed through the simulator endpoint, the same path a citizen's SMS takes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.messages import Role
from bot.passwords import hash_password
from store.db import session_scope
from store.models import Draft, StaffUser, Ticket

CITIZEN = "081234567890"
OTHER_CITIZEN = "085711112222"
DISHUB_TEXT = "DISHUB #lampu lalu lintas di simpang lima mati"  # matches the demo library: a draft
DINKES_TEXT = "DINKES #puskesmas tutup jam 10"
PASSWORDS = {"admin": "admin-demo", "petugas": "petugas-demo", "komite": "komite-demo"}
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """The test client used the way a browser uses the admin: forms carry the page's CSRF token."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.user: str | None = None

    def token(self) -> str:
        page = self.client.get("/admin/" if self.user else "/admin/login")
        found = TOKEN.search(page.get_data(as_text=True))
        assert found, "no CSRF token on the page"
        return found.group(1)

    def post(self, path: str, data: dict[str, str] | None = None, **kwargs: Any) -> Any:
        return self.client.post(path, data={"csrf_token": self.token(), **(data or {})}, **kwargs)

    def login(
        self,
        username: str,
        password: str | None = None,
        *,
        ip: str = "127.0.0.1",
        path: str = "/admin/login",
    ) -> Any:
        resp = self.post(
            path,
            {
                "username": username,
                "password": PASSWORDS.get(username, "") if password is None else password,
            },
            environ_base={"REMOTE_ADDR": ip},
        )
        if resp.status_code == 302:
            self.user = username
        return resp

    def logout(self) -> Any:
        resp = self.post("/admin/logout")
        self.user = None
        return resp

    def page(self, path: str) -> str:
        resp = self.client.get(path)
        assert resp.status_code == 200, (path, resp.status_code)
        return resp.get_data(as_text=True)

    def say(self, text: str, sender: str = CITIZEN) -> str:
        """A citizen's message through the simulator; returns the ticket number."""
        resp = self.client.post("/simulator/messages", json={"from": sender, "text": text})
        assert resp.status_code == 200, resp.get_data(as_text=True)
        return resp.get_json()["ticket"]


@pytest.fixture
def browser(client: Any) -> Browser:
    return Browser(client)


@pytest.fixture
def db(app: Any) -> Engine:
    """The app's own engine, for checking what the admin wrote."""
    return app.extensions["aduan"].engine


@pytest.fixture
def dishub(browser: Browser) -> str:
    """A DISHUB complaint with a pending draft from the demo library."""
    return browser.say(DISHUB_TEXT)


@pytest.fixture
def dinkes(browser: Browser) -> str:
    return browser.say(DINKES_TEXT, sender=OTHER_CITIZEN)


@pytest.fixture
def pending_draft(db: Engine, dishub: str) -> int:
    """The id of the DISHUB ticket's pending draft (never assumed: read back)."""
    with session_scope(db) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == dishub)).one()
        (draft,) = s.exec(select(Draft).where(Draft.ticket_id == ticket.id)).all()
        assert draft.status == "pending"
        return draft.id  # type: ignore[return-value]


@pytest.fixture
def komite(db: Engine, clock: Any) -> str:
    """A committee member (the demo has none): sees every ticket, ethics ones included."""
    with session_scope(db) as s:
        s.add(
            StaffUser(
                username="komite",
                password_hash=hash_password(PASSWORDS["komite"]),
                role=Role.COMMITTEE,
                committee_level="ketua",
                created_at=clock(),
            )
        )
    return "komite"


@pytest.fixture
def set_ticket(db: Engine):
    """Change columns of a ticket directly, for states the admin cannot reach yet (ethics, closed)."""

    def change(number: str, **values: Any) -> None:
        with session_scope(db) as s:
            ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
            for key, value in values.items():
                setattr(ticket, key, value)

    return change
