"""Login, logout, the login throttle and the login requirement on every admin route."""

from __future__ import annotations

import pytest
from sqlmodel import select

from store.db import session_scope
from store.models import AuditLog, StaffUser

NO_TICKET = "1234567"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/admin/"),
        ("get", "/admin/?status=open&unit=DISHUB"),
        ("get", "/admin/drafts"),
        ("get", f"/admin/tickets/{NO_TICKET}"),
        ("post", f"/admin/tickets/{NO_TICKET}/reply"),
        ("post", f"/admin/tickets/{NO_TICKET}/drafts/1/approve"),
        ("post", f"/admin/tickets/{NO_TICKET}/drafts/1/reject"),
        ("post", "/admin/logout"),
    ],
    ids=["inbox", "inbox-filtered", "drafts", "ticket", "reply", "approve", "reject", "logout"],
)
def test_logged_out_is_sent_to_the_login_page(client, method, path):
    resp = getattr(client, method)(path)
    assert resp.status_code == 302
    assert resp.headers["Location"].startswith("/admin/login")


def test_login_page_renders_with_a_token(client):
    html = client.get("/admin/login").get_data(as_text=True)
    assert 'name="csrf_token"' in html and "Kata sandi" in html


def test_login_records_the_time_and_opens_the_inbox(browser, db, clock):
    resp = browser.login("petugas")
    assert resp.status_code == 302 and resp.headers["Location"] == "/admin/"
    assert "Kotak masuk" in browser.page("/admin/")
    with session_scope(db) as s:
        user = s.exec(select(StaffUser).where(StaffUser.username == "petugas")).one()
        assert user.last_login_at == clock()
        ok = s.exec(select(AuditLog).where(AuditLog.action == "login.ok")).one()
        assert ok.actor == "petugas" and ok.after == {"ip": "127.0.0.1"}


@pytest.mark.parametrize(
    ("username", "password", "status", "message"),
    [
        ("petugas", "salah", 401, "Nama pengguna atau kata sandi salah."),
        ("tidakada", "petugas-demo", 401, "Nama pengguna atau kata sandi salah."),
        ("PETUGAS", "petugas-demo", 401, "Nama pengguna atau kata sandi salah."),
        ("", "", 401, "Nama pengguna atau kata sandi salah."),
        ("nonaktif", "petugas-demo", 401, "Akun ini dinonaktifkan."),
    ],
    ids=["wrong-password", "unknown-user", "case-differs", "empty", "inactive"],
)
def test_bad_logins_are_refused(browser, db, clock, username, password, status, message):
    with session_scope(db) as s:  # an inactive account with a known password
        hashed = (
            s.exec(select(StaffUser).where(StaffUser.username == "petugas")).one().password_hash
        )
        s.add(
            StaffUser(username="nonaktif", password_hash=hashed, active=False, created_at=clock())
        )
    resp = browser.login(username, password)
    assert resp.status_code == status
    assert message in resp.get_data(as_text=True)
    assert browser.client.get("/admin/").status_code == 302


def test_login_only_follows_a_next_inside_the_admin(browser):
    assert (
        browser.login("petugas", path="/admin/login?next=/admin/drafts").headers["Location"]
        == "/admin/drafts"
    )
    for target in (
        "//evil.example/admin/",
        "https://evil.example/admin/",
        "/simulator",
        "/\\evil.example",
    ):
        browser.logout()
        resp = browser.login("petugas", path=f"/admin/login?next={target}")
        assert resp.headers["Location"] == "/admin/", target


def test_five_failures_throttle_that_name_from_that_address(browser, clock):
    for _ in range(5):
        assert browser.login("petugas", "salah", ip="10.0.0.7").status_code == 401
    refused = browser.login("petugas", ip="10.0.0.7")  # even with the right password
    assert refused.status_code == 429 and "Terlalu banyak percobaan" in refused.get_data(
        as_text=True
    )
    assert browser.login("admin", ip="10.0.0.7").status_code == 302  # another name is not affected
    browser.logout()
    assert browser.login("petugas", ip="10.0.0.8").status_code == 302  # nor another address
    browser.logout()
    clock.advance(minutes=14)
    assert browser.login("petugas", ip="10.0.0.7").status_code == 429
    clock.advance(minutes=1, seconds=1)  # the oldest failures leave the 15-minute window
    assert browser.login("petugas", ip="10.0.0.7").status_code == 302


def test_a_successful_login_starts_the_count_again(browser):
    for _ in range(4):
        browser.login("petugas", "salah")
    assert browser.login("petugas").status_code == 302
    browser.logout()
    for _ in range(4):
        browser.login("petugas", "salah")
    assert browser.login("petugas").status_code == 302


def test_logout_ends_the_session(browser, db):
    browser.login("petugas")
    resp = browser.logout()
    assert resp.status_code == 302 and resp.headers["Location"] == "/admin/login"
    assert browser.client.get("/admin/").status_code == 302
    with session_scope(db) as s:
        assert s.exec(select(AuditLog).where(AuditLog.action == "logout")).one().actor == "petugas"


def test_a_deactivated_account_loses_its_session(browser, db):
    browser.login("petugas")
    with session_scope(db) as s:
        s.exec(select(StaffUser).where(StaffUser.username == "petugas")).one().active = False
    assert browser.client.get("/admin/").status_code == 302


def test_a_logged_in_user_skips_the_login_page(browser):
    browser.login("admin")
    resp = browser.client.get("/admin/login")
    assert resp.status_code == 302 and resp.headers["Location"] == "/admin/"


def _staff(db, username):
    with session_scope(db) as s:
        user = s.exec(select(StaffUser).where(StaffUser.username == username)).one()
        return user.id, {"full_name": user.full_name, "role": str(user.role), "active": "1"}


def test_a_new_password_ends_the_sessions_opened_with_the_old_one(app, browser, db):
    """An admin resetting a leaked password must lock out whoever holds it: before, the session
    cookie kept only the account id, so a session opened with the old password stayed open."""
    from .conftest import Browser

    officer = Browser(app.test_client())
    officer.login("petugas")
    other_admin = Browser(app.test_client())
    other_admin.login("admin")
    browser.login("admin")
    user_id, form = _staff(db, "petugas")
    form = {**form, "units": ["DISHUB", "DPUPR"], "password": "kata-sandi-baru-1"}
    assert browser.post(f"/admin/settings/staff/{user_id}", form).status_code == 303
    resp = officer.client.get("/admin/")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/admin/login")
    officer.user = None  # logged out: the login page gives the form's token
    assert officer.login("petugas", "kata-sandi-baru-1").status_code == 302
    assert officer.client.get("/admin/").status_code == 200
    # the admin's own new password: this session goes on, the admin's other session ends
    admin_id, admin_form = _staff(db, "admin")
    own = {**admin_form, "password": "admin-baru-12345"}
    assert browser.post(f"/admin/settings/staff/{admin_id}", own).status_code == 303
    assert browser.client.get("/admin/settings").status_code == 200
    assert other_admin.client.get("/admin/").status_code == 302
    # an edit without a new password logs nobody out
    assert (
        browser.post(f"/admin/settings/staff/{user_id}", {**form, "password": ""}).status_code
        == 303
    )
    assert officer.client.get("/admin/").status_code == 200


def test_the_session_cookie_does_not_carry_the_password_hash(browser, db):
    browser.login("petugas")
    with browser.client.session_transaction() as cookie:
        kept = cookie["_user_id"]
    with session_scope(db) as s:
        user = s.exec(select(StaffUser).where(StaffUser.username == "petugas")).one()
        assert kept.startswith(f"{user.id}:") and kept.split(":", 1)[1] not in user.password_hash
