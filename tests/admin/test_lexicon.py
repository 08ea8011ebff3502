"""The ethics lexicon page: admins add, reword and switch terms off and on; every change is audited
and screening uses the edited lexicon from the next message on."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from store import lexicon
from store.db import session_scope
from store.models import AuditLog, EthicsTerm, Ticket

BENSIN = "DISHUB #tukang parkir selalu tarik uang bensin 20rb tiap hari"  # no default term
DAMAI = "DISHUB #petugas razia minta uang damai 200rb"


def _term(db, text: str) -> EthicsTerm | None:
    with session_scope(db) as s:
        return s.exec(select(EthicsTerm).where(EthicsTerm.term == text)).first()


def _ethics(db, number: str) -> bool:
    with session_scope(db) as s:
        return s.exec(select(Ticket).where(Ticket.number == number)).one().ethics


def _log(db) -> list[AuditLog]:
    with session_scope(db) as s:
        stmt = select(AuditLog).where(AuditLog.entity == "ethicsterm")
        return list(s.exec(stmt.order_by(col(AuditLog.id))))


def test_the_page_lists_every_term_for_the_admin_only(browser):
    browser.login("admin")
    page = browser.page("/admin/settings/lexicon")
    assert "pungli" in page and "uang damai" in page and 'name="csrf_token"' in page
    assert "/admin/settings/lexicon" in browser.page("/admin/settings")
    browser.logout()
    browser.login("petugas")
    assert browser.client.get("/admin/settings/lexicon").status_code == 403
    assert browser.post("/admin/settings/lexicon", {"term": "uang bensin"}).status_code == 403


def test_an_added_term_screens_the_next_complaint_at_once(browser, db):
    before = browser.say(BENSIN)
    assert not _ethics(db, before)
    browser.login("admin")
    resp = browser.post("/admin/settings/lexicon", {"term": "  Uang   BENSIN "})
    assert resp.status_code == 303
    row = _term(db, "uang bensin")
    assert row is not None and row.active and row.updated_by == "admin"
    (line,) = _log(db)
    assert (line.actor, line.action, line.entity_id) == ("admin", "lexicon.add", row.id)
    assert line.after == {"term": "uang bensin", "active": True}
    assert _ethics(db, browser.say(BENSIN, sender="085700001111"))


def test_a_switched_off_term_no_longer_flags_and_can_come_back(browser, db):
    browser.login("admin")
    for term in ("uang damai", "minta uang"):
        row = _term(db, term)
        assert browser.post(f"/admin/settings/lexicon/{row.id}/active").status_code == 303
    assert not _term(db, "uang damai").active
    assert not _ethics(db, browser.say(DAMAI))
    row = _term(db, "uang damai")
    assert browser.post(f"/admin/settings/lexicon/{row.id}/active").status_code == 303
    assert _term(db, "uang damai").active
    assert _ethics(db, browser.say(DAMAI, sender="085700001111"))
    actions = [(a.action, a.before, a.after["term"]) for a in _log(db)]
    assert actions == [
        ("lexicon.deactivate", {"active": True}, "uang damai"),
        ("lexicon.deactivate", {"active": True}, "minta uang"),
        ("lexicon.activate", {"active": False}, "uang damai"),
    ]


def test_a_reworded_term_screens_with_its_new_wording(browser, db):
    browser.login("admin")
    row = _term(db, "uang rokok")
    assert (
        browser.post(f"/admin/settings/lexicon/{row.id}", {"term": "uang bensin"}).status_code
        == 303
    )
    assert _term(db, "uang rokok") is None and _term(db, "uang bensin").id == row.id
    (line,) = _log(db)
    assert line.action == "lexicon.edit" and line.before == {"term": "uang rokok"}
    assert _ethics(db, browser.say(BENSIN))


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("   ", "tidak boleh kosong"),
        ("x" * 81, "terlalu panjang"),
        ("a!", "minimal 3 huruf"),
        ("PUNGLI", "sudah ada di leksikon"),
        ("pungl1", "“pungli” sudah ada"),  # screening reads it as pungli
        ("uang  damai", "sudah ada"),
    ],
    ids=["empty", "too-long", "too-short", "same-letters", "same-reading", "same-words"],
)
def test_a_bad_or_duplicate_term_is_refused_with_a_clear_error(browser, db, typed, says):
    browser.login("admin")
    with session_scope(db) as s:
        count = len(lexicon.ethics_terms(s, include_inactive=True))
    resp = browser.post("/admin/settings/lexicon", {"term": typed})
    assert resp.status_code == 400 and says in resp.get_data(as_text=True)
    with session_scope(db) as s:
        assert len(lexicon.ethics_terms(s, include_inactive=True)) == count
    assert _log(db) == []


def test_rewording_onto_another_term_or_switching_on_a_duplicate_is_refused(browser, db):
    browser.login("admin")
    oknum, suap = _term(db, "oknum"), _term(db, "suap")
    resp = browser.post(f"/admin/settings/lexicon/{oknum.id}", {"term": "suap"})
    assert resp.status_code == 400 and "sudah ada" in resp.get_data(as_text=True)
    assert _term(db, "oknum").id == oknum.id
    browser.post(f"/admin/settings/lexicon/{suap.id}/active")  # off
    resp = browser.post("/admin/settings/lexicon", {"term": "Suap"})
    assert resp.status_code == 400 and "nonaktif" in resp.get_data(as_text=True)
    assert [a.action for a in _log(db)] == ["lexicon.deactivate"]


def test_forms_need_their_csrf_token(browser, db):
    browser.login("admin")
    row = _term(db, "oknum")
    for path in ("/admin/settings/lexicon", f"/admin/settings/lexicon/{row.id}"):
        assert browser.client.post(path, data={"term": "uang bensin"}).status_code == 400
    assert browser.client.post(f"/admin/settings/lexicon/{row.id}/active").status_code == 400
    assert _term(db, "uang bensin") is None and _term(db, "oknum").active


def test_the_history_names_each_change_in_words_in_both_languages(browser, db):
    """Not the audit log's `lexicon.add`: the admin reads what happened, in the chosen language."""
    browser.login("admin")
    browser.post("/admin/settings/lexicon", {"term": "uang bensin"})
    browser.post(f"/admin/settings/lexicon/{_term(db, 'uang bensin').id}/active")
    page = browser.page("/admin/settings/lexicon")
    assert "istilah ditambahkan" in page and "istilah dinonaktifkan" in page
    assert "lexicon." not in page
    browser.client.get("/admin/lang/en")
    page = browser.page("/admin/settings/lexicon")
    assert "term added" in page and "term switched off" in page and "(inactive)" in page


def test_every_audit_action_label_has_an_english_translation():
    from admin import display, i18n

    assert [label for label in display.ACTION.values() if label not in i18n.EN] == []
