"""Settings: units and their follow-up questions, staff and committee accounts; the language switch."""

from __future__ import annotations

from sqlmodel import select

from bot.passwords import verify_password
from store.db import session_scope
from store.models import AuditLog, Contact, ContactAddress, StaffUser, Unit


def test_units_staff_and_committee_members_are_saved_and_audited(browser, db):
    browser.login("admin")
    with session_scope(db) as s:
        dishub = s.exec(select(Unit).where(Unit.code == "DISHUB")).one()
    form = {
        "name": "Dinas Perhubungan",
        "sla_hours": "4",
        "active": "1",
        "questions": "Di mana lokasinya?\r\nSejak kapan?",
        "aliases": "PERHUBUNGAN",
    }
    assert browser.post(f"/admin/settings/units/{dishub.id}", form).status_code == 303
    assert browser.post("/admin/settings/units/new", {**form, "code": "dis hub"}).status_code == 400
    officer = {
        "username": "budi",
        "full_name": "Budi",
        "role": "officer",
        "units": "DLH",
        "password": "rahasia-panjang",
        "active": "1",
    }
    assert browser.post("/admin/settings/staff/new", officer).status_code == 303
    assert (
        browser.post(
            "/admin/settings/staff/new", {**officer, "username": "budi2", "password": "pendek"}
        ).status_code
        == 400
    )
    member = {
        "username": "ketua.baru",
        "role": "committee",
        "committee_level": "ketua",
        "phone": "0812 1111 2222",
        "preferred_channel": "whatsapp",
        "password": "rahasia-panjang",
        "active": "1",
    }
    assert browser.post("/admin/settings/staff/new", {**member, "phone": ""}).status_code == 400
    assert browser.post("/admin/settings/staff/new", member).status_code == 303
    with session_scope(db) as s:
        unit = s.get(Unit, dishub.id)
        assert unit.questions == ["Di mana lokasinya?", "Sejak kapan?"] and unit.sla_hours == 4
        budi = s.exec(select(StaffUser).where(StaffUser.username == "budi")).one()
        assert budi.units == ["DLH"] and verify_password(budi.password_hash, "rahasia-panjang")
        ketua = s.exec(select(StaffUser).where(StaffUser.username == "ketua.baru")).one()
        assert ketua.phone == "+6281211112222" and ketua.committee_level == "ketua"
        # linked to a contact at once, before any alert or JAWAB could race to create it
        link = s.exec(select(ContactAddress).where(ContactAddress.address == ketua.phone)).one()
        assert link.channel == "whatsapp"
        assert s.get(Contact, link.contact_id).phone == ketua.phone
        saved = s.exec(select(AuditLog).where(AuditLog.action == "staff.save")).all()
        assert len(saved) == 2 and all("password_hash" not in a.after for a in saved)
        assert (
            s.exec(select(AuditLog).where(AuditLog.action == "unit.save")).one().after["sla_hours"]
            == 4
        )


def test_the_interface_switches_to_english_and_back(browser):
    browser.login("petugas")
    resp = browser.client.get(
        "/admin/lang/en", headers={"Referer": "http://localhost/admin/drafts"}
    )
    assert resp.headers["Location"].endswith("/admin/drafts")
    assert "Approval queue" in browser.page("/admin/drafts")
    evil = browser.client.get("/admin/lang/id", headers={"Referer": "https://evil.example/admin/x"})
    assert evil.headers["Location"].endswith("/admin/")
    assert "Antrean persetujuan" in browser.page("/admin/drafts")


def test_editing_an_officer_keeps_a_unit_that_is_inactive_for_now(browser, db):
    """The form lists active units only: saving an officer (say, a new name) while one of their
    units was switched off dropped that unit without a word."""
    with session_scope(db) as s:
        s.exec(select(Unit).where(Unit.code == "DPUPR")).one().active = False
        officer = s.exec(select(StaffUser).where(StaffUser.username == "petugas")).one()
        assert set(officer.units) == {"DISHUB", "DPUPR"}
        officer_id = officer.id
    browser.login("admin")
    form = {"full_name": "Petugas Baru", "role": "officer", "units": "DISHUB", "active": "1"}
    assert browser.post(f"/admin/settings/staff/{officer_id}", form).status_code == 303
    with session_scope(db) as s:
        officer = s.get(StaffUser, officer_id)
        assert officer.full_name == "Petugas Baru" and set(officer.units) == {"DISHUB", "DPUPR"}


def test_a_refused_account_form_comes_back_as_typed(browser, db):
    browser.login("admin")
    member = {
        "username": "anggota.baru",
        "full_name": "Siti Aminah",
        "role": "committee",
        "committee_level": "pengarah",
        "phone": "0812 3333 4444",
        "preferred_channel": "telegram",
        "password": "pendek",  # too short: refused
    }
    resp = browser.post("/admin/settings/staff/new", member)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert 'value="anggota.baru"' in page and 'value="Siti Aminah"' in page
    assert 'value="0812 3333 4444"' in page
    assert '<option value="committee" selected>' in page
    assert '<option value="pengarah" selected>' in page
    assert '<option value="telegram" selected>' in page
    assert 'name="active" value="1" >' in page  # left unticked, as sent
    assert 'value="pendek"' not in page  # a password is never sent back
    with session_scope(db) as s:
        assert s.exec(select(StaffUser).where(StaffUser.username == "anggota.baru")).first() is None


def _dishub_form(**table: str) -> dict[str, str]:
    form = {"name": "Dinas Perhubungan", "sla_hours": "6", "active": "1"}
    return {**form, **{f"priority_{p}": hours for p, hours in table.items()}}


def test_a_units_priority_table_is_saved_checked_and_shown(browser, db):
    browser.login("admin")
    with session_scope(db) as s:
        dishub = s.exec(select(Unit).where(Unit.code == "DISHUB")).one()
    path = f"/admin/settings/units/{dishub.id}"
    assert browser.post(path, _dishub_form(urgent="0")).status_code == 400
    assert browser.post(path, _dishub_form(high="dua")).status_code == 400
    with session_scope(db) as s:
        assert s.get(Unit, dishub.id).priority_hours == {}
    saved = browser.post(path, _dishub_form(urgent="1,5", high="", low="24"))
    assert saved.status_code == 303
    with session_scope(db) as s:
        assert s.get(Unit, dishub.id).priority_hours == {"urgent": 1.5, "low": 24.0}
        audit = s.exec(select(AuditLog).where(AuditLog.action == "unit.save")).one()
        assert audit.after["priority_hours"] == {"urgent": 1.5, "low": 24.0}
    page = browser.page(path)
    assert 'name="priority_urgent"' in page and 'value="1.5"' in page
    assert "Perhatian" not in browser.page("/admin/settings")  # 1.5 <= 4.5 <= 6 <= 24


def test_a_priority_table_out_of_order_is_saved_with_a_warning(browser, db):
    browser.login("admin")
    with session_scope(db) as s:
        dishub = s.exec(select(Unit).where(Unit.code == "DISHUB")).one()
    path = f"/admin/settings/units/{dishub.id}"
    # urgent 5 h is slower than high's 6 x 0.75 = 4.5 h from the global factor
    assert browser.post(path, _dishub_form(urgent="5")).status_code == 303
    page = browser.page("/admin/settings")
    assert "Perhatian: tenggat prioritas mendesak lebih lama daripada prioritas tinggi" in page
    with session_scope(db) as s:
        assert s.get(Unit, dishub.id).priority_hours == {"urgent": 5.0}
