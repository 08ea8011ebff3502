"""Reply templates edited in the sandbox (a broken edit is refused), and the citizen's progress link."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from sqlmodel import select

from bot import progress
from store.db import session_scope
from store.models import TemplateOverride

from .conftest import CITIZEN, DISHUB_TEXT

PATH = "/admin/settings/templates/id/ack_new"


def test_a_broken_template_is_refused_with_its_error(browser, db):
    browser.login("admin")
    for source, error in [
        ("Tiket {{ ticket ", "TemplateSyntaxError"),
        ("Tiket {{ nomor }}", "UndefinedError"),
        ("{{ ''.__class__.__mro__ }}", "SecurityError"),
    ]:
        resp = browser.post(PATH, {"source": source, "action": "save"})
        assert resp.status_code == 400
        html = resp.get_data(as_text=True)
        assert "Templat ditolak" in html and error in html, source
    with session_scope(db) as s:
        assert s.exec(select(TemplateOverride)).all() == []


def test_a_saved_template_is_used_for_the_next_reply_and_can_be_reset(browser, db):
    browser.login("admin")
    source = (
        "Terima kasih, tiket {{ ticket }} ({{ unit_code }}) kami catat. Batas {{ due | deadline }}."
    )
    preview = browser.post(PATH, {"source": source, "action": "preview"})
    assert preview.status_code == 200 and "tiket 4827193 (DISHUB) kami catat" in preview.get_data(
        as_text=True
    )
    assert browser.post(PATH, {"source": source, "action": "save"}).status_code == 303
    resp = browser.client.post("/simulator/messages", json={"from": CITIZEN, "text": DISHUB_TEXT})
    assert resp.get_json()["replies"][0].startswith("Terima kasih, tiket")
    assert browser.post(PATH, {"action": "reset"}).status_code == 303
    again = browser.client.post(
        "/simulator/messages", json={"from": "085700001111", "text": DISHUB_TEXT}
    )
    assert again.get_json()["replies"][0].startswith("Aduan Anda diterima")


def test_every_template_has_a_sample_to_preview_with(app, clock):
    """A key without a sample cannot be previewed or saved (try_render refuses it)."""
    from admin.template_samples import samples
    from bot.replies import template_keys

    env = app.extensions["aduan"].desk.env
    assert sorted(template_keys(env) - set(samples(clock()))) == []


def test_each_shipped_template_previews_without_error(browser):
    """auto_closed among them: its page shows the text as the citizen gets it, not an error."""
    from bot.replies import LANGUAGES, make_env, template_keys

    browser.login("admin")
    for key in sorted(template_keys(make_env())):
        for lang in LANGUAGES:
            html = browser.page(f"/admin/settings/templates/{lang}/{key}")
            assert 'class="error-text"' not in html, (lang, key)
    auto_closed = browser.page("/admin/settings/templates/id/auto_closed")
    assert "4827193" in auto_closed


@pytest.fixture
def linked_app(config, seeded, clock, tmp_path, monkeypatch):
    """The app with PUBLIC_BASE_URL set: acknowledgements carry the progress link."""
    from bot.app import create_app

    monkeypatch.chdir(tmp_path)
    app = create_app(
        replace(config, public_base_url="https://aduan.example"), clock=clock, testing=True
    )
    yield app
    app.extensions["aduan"].engine.dispose()


def test_the_acknowledgement_links_to_a_progress_page_without_personal_data(linked_app):
    client = linked_app.test_client()
    reply = client.post("/simulator/messages", json={"from": CITIZEN, "text": DISHUB_TEXT})
    ack = reply.get_json()["replies"][0]
    link = re.search(r"https://aduan\.example(/t/\S+)", ack)
    assert link, ack
    page = client.get(link.group(1))
    html = page.get_data(as_text=True)
    number = reply.get_json()["ticket"]
    assert page.status_code == 200 and number in html and "Terbuka" in html
    assert "1234567890" not in html and "+62812" not in html  # no phone, masked or whole
    assert "simpang" not in html.lower()  # no complaint text
    assert client.get(link.group(1)[:-3] + "abc").status_code == 404  # tampered
    secret = linked_app.extensions["aduan"].desk.link_secret
    assert progress.read_token(secret, link.group(1)[3:], max_age_days=90) == number
    assert progress.read_token("another-secret", link.group(1)[3:], max_age_days=90) is None


def test_no_link_without_a_public_base_url(client):
    reply = client.post("/simulator/messages", json={"from": CITIZEN, "text": DISHUB_TEXT})
    assert "/t/" not in reply.get_json()["replies"][0]


def test_staff_reminders_never_show_on_the_citizens_progress_page(linked_app, clock):
    from datetime import timedelta

    from bot import jobs
    from store.models import StaffUser

    client = linked_app.test_client()
    reply = client.post("/simulator/messages", json={"from": CITIZEN, "text": DISHUB_TEXT})
    link = re.search(r"https://aduan\.example(/t/\S+)", reply.get_json()["replies"][0])
    runtime = linked_app.extensions["aduan"]
    with session_scope(runtime.engine) as s:
        s.exec(
            select(StaffUser).where(StaffUser.username == "petugas")
        ).one().phone = "+6285600000009"
    with session_scope(runtime.engine) as s:  # the 60 % reminder goes to the officer's phone
        assert jobs.sla_clock(s, now=clock() + timedelta(hours=3), desk=runtime.desk) == 1
    html = client.get(link.group(1)).get_data(as_text=True)
    assert reply.get_json()["ticket"] in html
    assert "PENGINGAT" not in html.upper() and "60%" not in html
