"""Attachments on the ticket page: listed with each message, downloadable under the ticket's own
access rule (404 for whoever may not see it) and always as a download with safe headers."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from sqlmodel import col, select

from bot.messages import InboundMessage, Media
from bot.service import handle_inbound
from store.db import session_scope
from store.models import Attachment, Message

from .conftest import CITIZEN, DINKES_TEXT, DISHUB_TEXT, OTHER_CITIZEN

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4  # 1,032 bytes
PAGE = b"<html><script>alert(1)</script></html>"
LINK = re.compile(r'href="(/admin/tickets/\d+/messages/\d+/media/\d+)"')


def _file(name: str, content_type: str, data: bytes) -> dict[str, str]:
    return {"name": name, "content_type": content_type, "data": base64.b64encode(data).decode()}


def say_with_files(browser, text: str, files: list[dict[str, str]], sender: str = CITIZEN) -> str:
    resp = browser.client.post(
        "/simulator/messages", json={"from": sender, "text": text, "media": files}
    )
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_json()["ticket"]


@pytest.fixture
def with_files(browser) -> str:
    """A DISHUB complaint carrying a photo and an HTML page."""
    files = [_file("lampu.png", "image/png", PNG), _file("halaman.html", "text/html", PAGE)]
    return say_with_files(browser, DISHUB_TEXT, files)


def _links(browser, number: str) -> list[str]:
    return LINK.findall(browser.page(f"/admin/tickets/{number}"))


def test_the_ticket_page_lists_each_file_with_a_download(browser, with_files):
    browser.login("petugas")
    html = browser.page(f"/admin/tickets/{with_files}")
    assert "Foto · lampu.png · image/png · 1,0 KB" in html
    assert "Dokumen · halaman.html · text/html · 38 B" in html
    assert len(_links(browser, with_files)) == 2


def test_the_files_are_kept_in_their_own_rows_not_in_the_message(browser, db, with_files):
    """The message's JSON keeps each file's metadata and its row's id; the bytes are in the row."""
    with session_scope(db) as s:
        message = s.exec(select(Message).where(Message.body == DISHUB_TEXT)).one()
        rows = s.exec(select(Attachment).order_by(col(Attachment.item))).all()
        assert [r.data for r in rows] == [PNG, PAGE]
        assert [(r.message_id, r.item, r.size) for r in rows] == [
            (message.id, 0, len(PNG)),
            (message.id, 1, len(PAGE)),
        ]
        assert rows[0].sha256 == hashlib.sha256(PNG).hexdigest()
        assert [m.get("attachment") for m in message.media] == [r.id for r in rows]
        assert [m.get("data") for m in message.media] == [None, None]
        assert message.media[0]["filename"] == "lampu.png"


@contextmanager
def statements(engine) -> Iterator[list[str]]:
    """Every SQL statement the app runs on the engine meanwhile."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def test_the_ticket_page_does_not_read_the_files_and_the_download_does(browser, db, with_files):
    """A 10 MB photo is read only when someone downloads it, never to show the ticket."""
    browser.login("petugas")
    with statements(db) as page_sql:
        links = _links(browser, with_files)
    assert len(links) == 2 and any("FROM message" in q for q in page_sql)
    assert not [q for q in page_sql if "attachment.data" in q]
    with statements(db) as download_sql:
        assert browser.client.get(links[0]).data == PNG
    assert [q for q in download_sql if "attachment.data" in q]


def test_a_photo_downloads_as_an_attachment_with_its_type(browser, with_files):
    browser.login("petugas")
    photo, _ = _links(browser, with_files)
    resp = browser.client.get(photo)
    assert resp.status_code == 200 and resp.data == PNG
    assert resp.headers["Content-Type"] == "image/png"
    assert resp.headers["Content-Disposition"] == "attachment; filename=lampu.png"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in resp.headers["Cache-Control"]


def test_a_file_of_another_type_is_sent_as_octet_stream(browser, with_files):
    browser.login("petugas")
    _, page = _links(browser, with_files)
    resp = browser.client.get(page)
    assert resp.status_code == 200 and resp.data == PAGE
    assert resp.headers["Content-Type"] == "application/octet-stream"
    assert resp.headers["Content-Disposition"].startswith("attachment;")
    assert resp.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("change", "user", "status"),
    [
        ({}, "petugas", 200),
        ({"ethics": True}, "petugas", 404),
        ({"confidential": True}, "petugas", 404),
        ({"confidential": True}, "admin", 200),
        ({"ethics": True}, "admin", 200),
    ],
    ids=[
        "own-unit",
        "ethics-officer",
        "confidential-officer",
        "confidential-admin",
        "ethics-admin",
    ],
)
def test_who_may_download(browser, set_ticket, with_files, change, user, status):
    browser.login("admin")
    photo, _ = _links(browser, with_files)
    browser.logout()
    set_ticket(with_files, **change)
    browser.login(user)
    assert browser.client.get(photo).status_code == status


def test_an_officer_of_another_unit_gets_404_not_the_file(browser):
    number = say_with_files(
        browser, DINKES_TEXT, [_file("resep.png", "image/png", PNG)], sender=OTHER_CITIZEN
    )
    browser.login("admin")
    (photo,) = _links(browser, number)
    browser.logout()
    browser.login("petugas")  # DISHUB only
    resp = browser.client.get(photo)
    assert resp.status_code == 404 and PNG not in resp.data


def test_a_confidential_ticket_lists_files_to_officers_without_names_or_links(
    browser, set_ticket, with_files
):
    set_ticket(with_files, confidential=True)
    browser.login("petugas")
    html = browser.page(f"/admin/tickets/{with_files}")
    assert "Foto · image/png · 1,0 KB" in html and "lampu.png" not in html
    assert _links(browser, with_files) == []


def test_a_file_reached_through_another_ticket_or_index_is_404(browser, with_files, dinkes):
    """The number in the URL must be the file's own ticket, and the index one of its files."""
    browser.login("admin")
    photo, _ = _links(browser, with_files)
    assert browser.client.get(photo.replace(with_files, dinkes)).status_code == 404
    assert browser.client.get(photo.rsplit("/", 1)[0] + "/7").status_code == 404
    assert browser.client.get(photo).status_code == 200


def test_a_provider_held_file_is_listed_without_a_link(app, browser, db, clock):
    """A Twilio MMS is recorded as its MediaUrl only: the desk sees what it is, and that Aduan has
    not got the file."""
    desk = app.extensions["aduan"].desk
    media = (Media("image", "https://api.twilio.com/2010-04-01/Media/ME1", "image/jpeg"),)
    msg = InboundMessage(
        "simulator", "+6281234567890", DISHUB_TEXT, phone="+6281234567890", media=media
    )
    with session_scope(db) as s:
        number = handle_inbound(s, msg, now=clock(), desk=desk).ticket
        stored = s.exec(select(Message).where(Message.body == DISHUB_TEXT)).first()
        assert stored.media[0]["url"].endswith("/ME1")
    browser.login("petugas")
    html = browser.page(f"/admin/tickets/{number}")
    assert "Foto · image/jpeg" in html
    assert "berkas sedang diambil dari penyedia (simulator)" in html  # bot.media fetches it
    assert _links(browser, number) == [] and "api.twilio.com" not in html


@pytest.mark.parametrize(
    "files",
    [
        [{"name": "a.png", "content_type": "image/png", "data": "bukan base64!"}],
        [{"name": "a.png", "content_type": "image/png"}],
        "lampu.png",
    ],
    ids=["not-base64", "no-data", "not-a-list"],
)
def test_the_simulator_refuses_malformed_files(browser, files):
    resp = browser.client.post(
        "/simulator/messages", json={"from": CITIZEN, "text": DISHUB_TEXT, "media": files}
    )
    assert resp.status_code == 400
