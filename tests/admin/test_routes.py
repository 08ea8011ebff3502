"""Every admin route, in one table: logged-out users are sent to the login page, every POST needs its
CSRF token, and each role opens only what it should. A new route fails the completeness check."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from admin import ID
from store.db import session_scope
from store.models import Answer, EthicsTerm, Message, StaffUser, Ticket, Unit

# (method, path with {dishub} {dinkes} {answer} {unit} {staff} {draft} {held} {term} {message})
# -> who may open it
ALL, DESK, ADMIN = ("admin", "petugas", "komite"), ("admin", "petugas"), ("admin",)
OVERSIGHT = ("admin", "komite")
ROUTES = [
    ("GET", "/admin/", ALL),
    ("GET", "/admin/dashboard", ALL),
    ("GET", "/admin/drafts", ALL),
    ("GET", "/admin/tickets/{dishub}", DESK),
    ("GET", "/admin/tickets/{dishub}/print", DESK),
    ("POST", "/admin/tickets/{dishub}/drafts/{draft}/approve", DESK),
    ("POST", "/admin/tickets/{dishub}/drafts/{draft}/reject", DESK),
    ("POST", "/admin/tickets/{dishub}/reply", DESK),
    ("POST", "/admin/tickets/{dishub}/claim", DESK),
    ("POST", "/admin/tickets/{dishub}/transfer", DESK),
    ("POST", "/admin/tickets/{dishub}/escalate", DESK),
    ("POST", "/admin/tickets/{dishub}/ethics", DESK),
    ("POST", "/admin/tickets/{dishub}/close", DESK),
    ("POST", "/admin/tickets/{dishub}/reopen", DESK),
    ("POST", "/admin/tickets/{dishub}/priority", DESK),
    ("POST", "/admin/tickets/{dishub}/note", DESK),
    ("POST", "/admin/tickets/{dishub}/analysis", DESK),
    ("POST", "/admin/tickets/{dishub}/phone", DESK),
    ("POST", "/admin/tickets/{dishub}/messages/{message}/resend", DESK),
    ("GET", "/admin/library", DESK),
    ("GET", "/admin/library/new", DESK),
    ("POST", "/admin/library/new", DESK),
    ("GET", "/admin/library/{answer}", DESK),
    ("POST", "/admin/library/{answer}", DESK),
    ("POST", "/admin/library/{answer}/active", DESK),
    ("GET", "/admin/library/export.csv", DESK),
    ("POST", "/admin/library/import", DESK),
    ("GET", "/admin/intake", DESK),
    ("POST", "/admin/intake", DESK),
    ("GET", "/admin/settings", ADMIN),
    ("GET", "/admin/settings/units/new", ADMIN),
    ("POST", "/admin/settings/units/new", ADMIN),
    ("GET", "/admin/settings/units/{unit}", ADMIN),
    ("POST", "/admin/settings/units/{unit}", ADMIN),
    ("GET", "/admin/settings/staff/new", ADMIN),
    ("POST", "/admin/settings/staff/new", ADMIN),
    ("GET", "/admin/settings/staff/{staff}", ADMIN),
    ("POST", "/admin/settings/staff/{staff}", ADMIN),
    ("GET", "/admin/settings/templates", ADMIN),
    ("GET", "/admin/settings/templates/id/answer", ADMIN),
    ("POST", "/admin/settings/templates/id/answer", ADMIN),
    ("GET", "/admin/settings/lexicon", ADMIN),
    ("POST", "/admin/settings/lexicon", ADMIN),
    ("POST", "/admin/settings/lexicon/{term}", ADMIN),
    ("POST", "/admin/settings/lexicon/{term}/active", ADMIN),
    ("GET", "/admin/recap", OVERSIGHT),
    ("GET", "/admin/recap.xlsx", OVERSIGHT),
    ("GET", "/admin/recap.csv", OVERSIGHT),
    ("GET", "/admin/sla", ALL),
    ("GET", "/admin/held", ADMIN),
    ("POST", "/admin/held/{held}/retry", ADMIN),
    ("POST", "/admin/logout", ALL),
]
PUBLIC = {"/admin/login", "/admin/lang/<code>", "/admin/static/<path:filename>"}
# routes that answer 404 to whoever may not see the ticket (not confirming it exists): their roles
# are tested in test_attachments.py; here only that they need a login
HIDDEN = [("GET", "/admin/tickets/{dishub}/messages/{message}/media/0")]


@pytest.fixture
def ids(db, dishub, pending_draft, komite) -> dict[str, object]:
    """Real ids to fill the paths with (the committee fixture adds the komite login)."""
    with session_scope(db) as s:
        answer = s.exec(select(Answer).join(Unit).where(Unit.code == "DISHUB")).first()
        unit = s.exec(select(Unit).where(Unit.code == "DISHUB")).one()
        staff = s.exec(select(StaffUser).where(StaffUser.username == "petugas")).one()
        term = s.exec(select(EthicsTerm).where(EthicsTerm.term == "oknum")).one()
        ticket = s.exec(select(Ticket).where(Ticket.number == dishub)).one()
        reply = s.exec(
            select(Message).where(Message.ticket_id == ticket.id).order_by(col(Message.id).desc())
        ).first()
        return {
            "dishub": dishub,
            "draft": pending_draft,
            "answer": answer.id,
            "unit": unit.id,
            "staff": staff.id,
            "term": term.id,
            "held": 1,  # an inbox row id (none is set aside here: a retry changes nothing)
            "message": reply.id,  # the bot's receipt, sent: a resend changes nothing
        }


def test_the_table_lists_every_admin_route(app):
    rules = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/admin") and rule.rule not in PUBLIC
        for method in rule.methods & {"GET", "POST"}
    }
    listed = {
        (
            m,
            p.replace("{dishub}", "<number>")
            .replace("{draft}", f"<{ID}:draft_id>")
            .replace("{answer}", f"<{ID}:answer_id>")
            .replace("{unit}", f"<{ID}:unit_id>")
            .replace("{staff}", f"<{ID}:user_id>")
            .replace("{held}", f"<{ID}:row_id>")
            .replace("{term}", f"<{ID}:term_id>")
            .replace("{message}", f"<{ID}:message_id>")
            .replace("media/0", "media/<int(max=99):index>")
            .replace("export.csv", "export.<fmt>")
            .replace("templates/id/answer", "templates/<lang>/<key>"),
        )
        for m, p, _ in ROUTES + [(*row, ALL) for row in HIDDEN]
    }
    assert rules == listed


# One test per concern looping over the table: each login costs an argon2 hash, so the table is
# walked with one session rather than one test (and one login) per row.


def test_logged_out_users_are_sent_to_login(browser, ids):
    for method, path, _who in ROUTES + [(*row, ALL) for row in HIDDEN]:
        resp = browser.client.open(path.format(**ids), method=method)
        assert resp.status_code == 302, (method, path)
        assert "/admin/login" in resp.headers["Location"], (method, path)


def test_every_post_needs_the_csrf_token(browser, ids):
    browser.login("admin")
    for method, path, _who in ROUTES:
        if method != "POST" or path == "/admin/logout":
            continue
        for token in ({}, {"csrf_token": "bukan-token"}):
            resp = browser.client.post(
                path.format(**ids), data={"body": "x", "reason": "x", **token}
            )
            assert resp.status_code == 400, (path, token)
            assert "Formulir kedaluwarsa" in resp.get_data(as_text=True)
    assert browser.client.post("/admin/logout").status_code == 400  # still logged in
    assert browser.client.get("/admin/").status_code == 200


@pytest.mark.parametrize("user", ["admin", "petugas", "komite"])
def test_each_role_opens_only_its_pages(browser, ids, user):
    browser.login(user)
    for method, path, who in ROUTES:
        if method != "GET":
            continue
        resp = browser.client.get(path.format(**ids))
        assert resp.status_code == (200 if user in who else 403), (path, resp.status_code)


@pytest.mark.parametrize("user", ["petugas", "komite"])
def test_posts_outside_a_role_are_refused(browser, ids, user):
    browser.login(user)
    for method, path, who in ROUTES:
        if method == "POST" and user not in who:
            assert browser.post(path.format(**ids), {"body": "x"}).status_code == 403, path


VISIBILITY = [  # (user, ticket, ethics) -> status
    ("petugas", "dishub", False, 200),
    ("petugas", "dinkes", False, 403),
    ("petugas", "dishub", True, 403),
    ("komite", "dinkes", False, 403),
    ("komite", "dinkes", True, 200),
    ("admin", "dinkes", True, 200),
]


@pytest.mark.parametrize("user", ["petugas", "komite", "admin"])
def test_a_dishub_officer_cannot_open_dinkes_or_ethics_tickets(
    browser, dishub, dinkes, set_ticket, komite, user
):
    browser.login(user)
    numbers = {"dishub": dishub, "dinkes": dinkes}
    for who, ticket, ethics, status in VISIBILITY:
        if who != user:
            continue
        number = numbers[ticket]
        set_ticket(number, ethics=ethics)
        for suffix in ("", "/print"):
            got = browser.client.get(f"/admin/tickets/{number}{suffix}").status_code
            assert got == status, (ticket, ethics, suffix)
        posted = browser.post(f"/admin/tickets/{number}/note", {"body": "catatan"})
        assert posted.status_code == (303 if status == 200 else 403)
        set_ticket(number, ethics=False)


def test_committee_sees_a_ticket_once_it_is_escalated(browser, dinkes, komite):
    browser.login("admin")
    assert browser.post(f"/admin/tickets/{dinkes}/escalate", {"reason": "x"}).status_code == 303
    browser.logout()
    browser.login("komite")
    assert browser.client.get(f"/admin/tickets/{dinkes}").status_code == 200
    assert dinkes in browser.page("/admin/")


def test_an_id_too_long_for_the_database_is_not_found(browser, ids):
    """An id past the INTEGER column (a mistyped or tampered URL) is a 404, not an OverflowError
    (SQLite) or a DataError (PostgreSQL) surfacing as a 500."""
    browser.login("admin")
    huge = "9" * 25
    keys = ("draft", "answer", "unit", "staff", "held", "term", "message")
    filled = {**ids, **dict.fromkeys(keys, huge)}
    checked = 0
    for method, path, _who in ROUTES:
        if not any(f"{{{k}}}" in path for k in keys):
            continue
        url = path.format(**filled)
        resp = browser.post(url, {"body": "x"}) if method == "POST" else browser.client.get(url)
        assert resp.status_code == 404, (method, path, resp.status_code)
        checked += 1
    assert checked == 13
    page = browser.page(f"/admin/?page={huge}")  # past the last page: empty, not a 500
    assert "Tidak ada tiket." in page
