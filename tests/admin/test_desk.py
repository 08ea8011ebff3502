"""The desk's work through the admin: transfer, library edits reaching the next draft, search, intake,
dashboard, confidential tickets. Everything goes through the real app and database."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from sqlmodel import col, select

from bot.messages import TicketStatus
from store.db import session_scope
from store.models import Answer, AuditLog, Contact, Draft, Message, Outbox, Ticket

from .conftest import CITIZEN, DISHUB_TEXT, OTHER_CITIZEN

ETHICS_TEXT = "DINKES #petugas puskesmas minta pungli untuk surat sehat"


def citizen_sees(browser, phone: str = CITIZEN) -> list[str]:
    """What the simulator page shows the citizen (the messages the phone received)."""
    data = browser.client.get(f"/simulator/messages?from={phone}").get_json()
    return [m["body"] for m in data["messages"] if m["direction"] == "out"]


def test_transfer_tells_the_citizen_the_new_unit_and_deadline(browser, db, dishub, clock):
    browser.login("petugas")
    clock.advance(hours=1)
    resp = browser.post(f"/admin/tickets/{dishub}/transfer", {"unit": "DPUPR", "reason": "jalan"})
    assert resp.status_code == 303
    assert any(
        # the clock runs from receipt (10.00 WIB): 5 hours of DPUPR's target, not from the transfer
        "dialihkan" in b and "DPUPR" in b and "15.00 WIB" in b
        for b in citizen_sees(browser)
    )
    with session_scope(db) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == dishub)).one()
        assert ticket.transferred_count == 1
    # no reason: refused, nothing changes
    resp = browser.post(f"/admin/tickets/{dishub}/transfer", {"unit": "DLH", "reason": ""})
    assert "alasan" in browser.page(f"/admin/tickets/{dishub}").lower()
    with session_scope(db) as s:
        assert s.exec(select(Ticket).where(Ticket.number == dishub)).one().transferred_count == 1


def test_a_library_edit_shows_in_the_next_draft(browser, db, dishub, pending_draft):
    browser.login("petugas")
    with session_scope(db) as s:
        draft = s.get(Draft, pending_draft)
        answer = s.get(Answer, draft.answer_id)
        form = {
            "title": answer.title,
            "unit": "DISHUB",
            "keywords": ", ".join(answer.keywords),
            "examples": "\n".join(answer.examples),
            "body": "Teks baru: petugas kami meluncur ke lokasi hari ini.",
            "active": "1",
        }
        answer_id = answer.id
    preview = browser.post(f"/admin/library/{answer_id}", {**form, "action": "preview"})
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert "Jawaban aduan 1234567 (DISHUB): Teks baru" in html and "segmen SMS" in html
    assert (
        browser.post(f"/admin/library/{answer_id}", {**form, "action": "save"}).status_code == 303
    )
    number = browser.say(DISHUB_TEXT, sender=OTHER_CITIZEN)
    with session_scope(db) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
        new = s.exec(select(Draft).where(Draft.ticket_id == ticket.id)).one()
        assert new.body.startswith("Teks baru")
        history = s.exec(select(AuditLog).where(AuditLog.action == "answer.update")).one()
        assert history.before["body"] != history.after["body"] and history.actor == "petugas"
    assert "answer.update" in browser.page(f"/admin/library/{answer_id}")


def test_library_deactivate_export_and_import(browser, db):
    browser.login("petugas")
    csv_text = browser.client.get("/admin/library/export.csv").get_data(as_text=True)
    assert csv_text.lstrip("\ufeff").startswith("id,unit,title,keywords,examples,body")
    assert "DINKES" not in csv_text  # the officer's units only (DISHUB, DPUPR)
    xlsx = browser.client.get("/admin/library/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    upload = "id,unit,title,keywords,examples,body,auto_send,active\n,DISHUB,Halte rusak,halte; atap,Halte bocor,Halte akan diperbaiki.,tidak,ya\n"
    resp = browser.post(
        "/admin/library/import",
        {"file": (__import__("io").BytesIO(upload.encode()), "baru.csv")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 303
    bad = upload.replace(",DISHUB,", ",DINKES,")  # not the officer's unit: all or nothing
    browser.post(
        "/admin/library/import",
        {"file": (__import__("io").BytesIO(bad.encode()), "x.csv")},
        content_type="multipart/form-data",
    )
    with session_scope(db) as s:
        rows = s.exec(select(Answer).where(Answer.title == "Halte rusak")).all()
        assert len(rows) == 1 and rows[0].keywords == ["halte", "atap"]
        answer_id = rows[0].id
    assert browser.post(f"/admin/library/{answer_id}/active").status_code == 303
    with session_scope(db) as s:
        assert s.get(Answer, answer_id).active is False


def test_inbox_search_takes_percent_and_underscore_literally(browser, dishub, dinkes):
    browser.login("admin")
    for q in ("%25", "_", "s_mpang"):  # LIKE wildcards: they must not match every ticket
        page = browser.page(f"/admin/?q={q}")
        assert dishub not in page and dinkes not in page, q
    assert dishub in browser.page("/admin/?q=simpang")


def test_inbox_search_channel_overdue_and_confidential(browser, dishub, dinkes, set_ticket, clock):
    browser.login("admin")
    assert dishub in browser.page("/admin/?q=simpang") and dinkes not in browser.page(
        "/admin/?q=simpang"
    )
    assert dinkes in browser.page(f"/admin/?q={dinkes}")
    assert dishub not in browser.page("/admin/?channel=kannel")
    set_ticket(dinkes, status=TicketStatus.ANSWERED, first_answer_at=clock())
    clock.advance(hours=6)
    overdue = browser.page("/admin/?overdue=1")
    assert dishub in overdue and dinkes not in overdue  # answered in time: not overdue
    browser.logout()
    set_ticket(dishub, confidential=True)
    browser.login("petugas")
    html = browser.page(f"/admin/tickets/{dishub}")
    assert "dirahasiakan" in html and "+62812*****890" not in html


def test_dashboard_counts_today_overdue_and_queue(browser, dishub, dinkes, clock):
    browser.login("admin")
    clock.advance(hours=6)
    html = browser.page("/admin/dashboard")
    assert '<div class="n">2</div><div class="l">Tiket baru' in html
    assert "<rect" in html and dishub in html  # the overdue list and the chart


def _import(browser, text: str, name: str = "pustaka-jawaban.csv") -> str:
    """Upload a library file; the library page with the outcome's message."""
    resp = browser.post(
        "/admin/library/import",
        {"file": (io.BytesIO(text.encode("utf-8-sig")), name)},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 303
    return browser.page("/admin/library")


def test_officer_reimports_own_export_with_all_units_answers(browser, db, clock):
    """The export lists the admin's all-units answers too: the same file comes back in unchanged, and
    a row that would change such an answer is refused with the true reason."""
    browser.login("admin")
    form = {"unit": "", "title": "Jam layanan", "body": "Kantor buka Senin-Jumat.", "active": "1"}
    assert browser.post("/admin/library/new", form).status_code == 303
    browser.logout()
    browser.login("petugas")
    exported = browser.client.get("/admin/library/export.csv").data.decode("utf-8-sig")
    assert "Jam layanan" in exported
    with session_scope(db) as s:
        before = {a.id: (a.updated_by, a.body) for a in s.exec(select(Answer))}
    page = _import(browser, exported)
    assert "Impor dibatalkan" not in page and "dilewati" in page, page
    with session_scope(db) as s:
        shared = s.exec(select(Answer).where(Answer.title == "Jam layanan")).one()
        assert (shared.updated_by, shared.body) == before[shared.id] == ("admin", form["body"])
    changed = exported.replace("Kantor buka Senin-Jumat.", "Kantor buka setiap hari.")
    page = _import(browser, changed)
    assert "jawaban untuk semua unit hanya dapat diubah admin" in page
    assert "bukan unit Anda" not in page
    with session_scope(db) as s:
        assert s.get(Answer, shared.id).body == form["body"]
    new_row = "id,unit,title,keywords,examples,body,auto_send,active\n,,Baru,,,Teks,tidak,ya\n"
    assert "jawaban untuk semua unit hanya dapat diubah admin" in _import(browser, new_row)


def test_walk_in_intake_files_a_ticket_and_acknowledges_by_sms(browser, db):
    browser.login("petugas")
    resp = browser.post(
        "/admin/intake",
        {
            "phone": "0813 9999 0000",
            "unit": "DPUPR",
            "text": "jalan berlubang di depan pasar",
            "channel": "simulator",
            "via": "phone",
        },
    )
    assert resp.status_code == 303
    number = resp.headers["Location"].rsplit("/", 1)[-1]
    assert any(number in body for body in citizen_sees(browser, "081399990000"))
    with session_scope(db) as s:
        assert (
            s.exec(select(AuditLog).where(AuditLog.action == "ticket.intake")).one().actor
            == "petugas"
        )
    bad = browser.post("/admin/intake", {"phone": "12", "text": "x", "channel": "simulator"})
    assert bad.status_code == 400


def test_ticket_actions_through_the_page_are_recorded(browser, db, dishub, pending_draft):
    browser.login("petugas")
    number = dishub
    for path, data in [
        ("claim", {}),
        ("priority", {"priority": "urgent"}),
        ("note", {"body": "cek ke lapangan, jangan dikirim"}),
        ("escalate", {"reason": "dugaan pungli"}),
        ("close", {"reason": "sudah diperbaiki di lapangan"}),
        ("reopen", {"reason": "warga menelepon: masih mati"}),
    ]:
        assert browser.post(f"/admin/tickets/{number}/{path}", data).status_code == 303, path
    assert (
        browser.post(f"/admin/tickets/{number}/priority", {"priority": "kilat"}).status_code == 303
    )
    html = browser.page(f"/admin/tickets/{number}")
    for label in (
        "diambil",
        "prioritas diubah",
        "dieskalasi ke komite",
        "ditutup",
        "dibuka kembali",
    ):
        assert label in html, label
    assert "Prioritas tidak dikenal" in html  # the bad value was refused, with a message
    assert not any("jangan dikirim" in b for b in citizen_sees(browser))
    approve = f"/admin/tickets/{number}/drafts/{pending_draft}/approve"
    assert browser.post(approve, {"next": "drafts"}).headers["Location"].endswith("/admin/drafts")
    with session_scope(db) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
        assert ticket.priority == "urgent" and ticket.reopened_count == 1
        answer = s.get(Answer, s.get(Draft, pending_draft).answer_id)
        assert answer.usage_count == 1


def test_a_closed_ticket_is_not_claimed_or_escalated_but_takes_notes_and_priority(
    browser, db, dishub
):
    """Nothing is pending on a closed ticket: no one takes it on and the committee is not called
    in (reopen it first). A note or a priority corrected for the record still go in."""
    browser.login("petugas")
    number = dishub
    assert browser.post(f"/admin/tickets/{number}/close", {"reason": "duplikat"}).status_code == 303
    html = browser.page(f"/admin/tickets/{number}")
    assert "Ambil tiket" not in html and "Eskalasi ke komite" not in html  # no form for them
    for path, said in [
        ("claim", "Tiket yang sudah ditutup tidak dapat diambil."),
        ("escalate", "tidak dapat dieskalasi ke komite; buka kembali dahulu."),
        ("note", "Catatan internal disimpan."),
        ("priority", f"Prioritas tiket {number} diubah."),
    ]:
        data = {"reason": "x", "body": "sudah ditelepon", "priority": "high"}
        resp = browser.post(f"/admin/tickets/{number}/{path}", data, follow_redirects=True)
        assert said in resp.get_data(as_text=True), path
    with session_scope(db) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
        assert ticket.status is TicketStatus.CLOSED and ticket.assigned_to is None
        assert ticket.priority == "high"
        done = {a.action for a in s.exec(select(AuditLog).where(AuditLog.ticket_id == ticket.id))}
    assert "ticket.claim" not in done and "ticket.escalate" not in done
    assert "ticket.note" in done


def test_walk_in_intake_for_a_citizen_who_sent_stop_says_nothing_was_sent(browser, db):
    browser.login("petugas")
    with session_scope(db) as s:
        s.add(Contact(phone="+6281399990001", opted_out=True, created_at=datetime.now(UTC)))
    form = {
        "phone": "0813 9999 0001",
        "unit": "DPUPR",
        "text": "jalan berlubang di depan pasar",
        "channel": "simulator",
    }
    resp = browser.post("/admin/intake", form)
    assert resp.status_code == 303
    number = resp.headers["Location"].rsplit("/", 1)[-1]
    page = browser.page(resp.headers["Location"])
    assert f"Aduan dicatat sebagai tiket {number}. Warga ini pernah mengirim STOP" in page
    assert "warga menerima SMS tanda terima" not in page
    with session_scope(db) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
        rows = s.exec(
            select(Outbox).join(Message, Message.id == Outbox.message_id)
            .where(Message.ticket_id == ticket.id)
        ).all()  # fmt: skip
        assert rows and all(r.status == "failed" and "STOP" in r.error for r in rows)


def test_intake_never_runs_a_committee_command_for_the_officer(browser, db, dinkes, set_ticket):
    """An officer typing a committee member's number cannot borrow the member's phone commands."""
    set_ticket(dinkes, ethics=True)
    browser.login("petugas")
    forms = [
        {"phone": "081100000001", "text": text, "channel": "simulator", "via": "phone"}
        for text in (f"INFO {dinkes}", f"ALIH {dinkes} DISHUB")
    ]
    # without a unit (and no open ticket of that phone) the officer is asked for one
    assert [browser.post("/admin/intake", f).status_code for f in forms] == [400, 400]
    assert browser.post("/admin/intake", {**forms[0], "unit": "DISHUB"}).status_code == 303
    # now the phone has a DISHUB ticket the officer may open: the uncoded text is added to it
    assert browser.post("/admin/intake", forms[1]).status_code == 303
    with session_scope(db) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == dinkes)).one()
        assert ticket.ethics and ticket.transferred_count == 0
        actions = {a.action for a in s.exec(select(AuditLog))}
        assert not any(a.startswith("committee.") or a == "ticket.transfer" for a in actions), (
            actions
        )
    assert browser.client.get(f"/admin/tickets/{dinkes}").status_code == 403


def _thread(db, number: str) -> list[str]:
    with session_scope(db) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
        return [m.body for m in s.exec(select(Message).where(Message.ticket_id == ticket.id))]


def test_intake_without_unit_never_reaches_a_ticket_the_officer_may_not_open(browser, db):
    """The citizen's only open ticket is an ethics complaint: the officer is asked for a unit and
    learns nothing of it; the ticket and the citizen's phone are untouched."""
    number = browser.say(ETHICS_TEXT, sender=OTHER_CITIZEN)
    before, sms = _thread(db, number), citizen_sees(browser, OTHER_CITIZEN)
    browser.login("petugas")
    form = {"phone": OTHER_CITIZEN, "text": "warga menanyakan kelanjutan", "channel": "simulator"}
    resp = browser.post("/admin/intake", form)
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "Pilih unit untuk aduan ini" in html and number not in html
    assert _thread(db, number) == before
    assert citizen_sees(browser, OTHER_CITIZEN) == sms
    # the same answer as for a phone with no ticket at all
    assert browser.post("/admin/intake", {**form, "phone": "081300001111"}).status_code == 400


def test_intake_without_unit_goes_to_the_latest_ticket_the_officer_may_open(browser, db, clock):
    dishub = browser.say(DISHUB_TEXT, sender=OTHER_CITIZEN)
    clock.advance(minutes=5)
    ethics = browser.say(ETHICS_TEXT, sender=OTHER_CITIZEN)  # the latest open ticket, hidden
    browser.login("petugas")
    resp = browser.post(
        "/admin/intake",
        {"phone": OTHER_CITIZEN, "text": "lampunya masih mati", "channel": "simulator"},
    )
    assert resp.status_code == 303
    assert resp.headers["Location"].endswith(f"/admin/tickets/{dishub}")
    assert any("lampunya masih mati" in b for b in _thread(db, dishub))
    assert not any("lampunya masih mati" in b for b in _thread(db, ethics))


def test_intake_naming_a_breach_is_not_added_to_the_officers_ticket(browser, db):
    """The citizen's open DISHUB ticket is the officer's; a walk-in complaint of extortion goes to
    the committee on a ticket of its own. It used to be sent with DISHUB's code, appended to that
    ticket and flag it: the lamp complaint vanished from the officer's list with it."""
    dishub = browser.say(DISHUB_TEXT, sender=OTHER_CITIZEN)
    browser.login("petugas")
    form = {
        "phone": OTHER_CITIZEN,
        "text": "petugas parkir di depan dinas minta pungli",
        "channel": "simulator",
    }
    resp = browser.post("/admin/intake", form)
    assert resp.status_code == 400 and "Pilih unit untuk aduan ini" in resp.get_data(as_text=True)
    resp = browser.post("/admin/intake", {**form, "unit": "DISHUB"})
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/admin/intake")
    with session_scope(db) as s:
        tickets = s.exec(select(Ticket).order_by(Ticket.id)).all()  # type: ignore[arg-type]
        assert [(t.number == dishub, t.ethics) for t in tickets] == [(True, False), (False, True)]
    assert not any("pungli" in b for b in _thread(db, dishub))


def test_intake_landing_on_a_hidden_ticket_does_not_name_it(browser, db):
    """With a unit chosen the bot files on a ticket the officer may not open (here a new DINKES
    ticket, not the officer's unit): the officer is told the complaint was recorded, not which
    ticket, and is not sent to it."""
    number = browser.say(ETHICS_TEXT, sender=OTHER_CITIZEN)
    browser.login("petugas")
    resp = browser.post(
        "/admin/intake",
        {"phone": OTHER_CITIZEN, "unit": "DINKES", "text": "antrean lama", "channel": "simulator"},
    )
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/admin/intake")
    html = browser.page("/admin/intake")
    assert "Aduan dicatat; warga menerima tanda terima" in html and number not in html
    assert "nomor tiketnya lewat SMS" in html


def test_after_stop_the_officer_is_told_nothing_was_sent(browser, db, dishub, pending_draft):
    """The citizen sent STOP: the answer, the approved draft and the transfer notice are recorded
    unsent, and the officer is told so instead of "dikirim ke warga"."""
    browser.say("STOP")
    browser.login("petugas")
    resp = browser.post(f"/admin/tickets/{dishub}/drafts/{pending_draft}/approve")
    page = browser.page(resp.headers["Location"])
    assert "disetujui dan disimpan, tetapi tidak dikirim" in page
    resp = browser.post(
        f"/admin/tickets/{dishub}/reply", {"body": "Sudah diperbaiki", "nonce": "n1"}
    )
    page = browser.page(resp.headers["Location"])
    assert "disimpan, tetapi tidak dikirim" in page and "STOP" in page
    assert f"Jawaban tiket {dishub} dikirim ke warga" not in page
    resp = browser.post(f"/admin/tickets/{dishub}/transfer", {"unit": "DPUPR", "reason": "jalan"})
    page = browser.page(resp.headers["Location"])
    assert "warga tidak diberi tahu" in page and "sudah diberi tahu" not in page
    with session_scope(db) as s:
        latest = s.exec(select(Outbox).order_by(Outbox.id.desc()).limit(3)).all()  # type: ignore[union-attr]
        assert [(r.status, r.error) for r in latest] == [("failed", "citizen opted out (STOP)")] * 3
    browser.client.get("/admin/lang/en")
    resp = browser.post(f"/admin/tickets/{dishub}/reply", {"body": "Sudah", "nonce": "n3"})
    assert "saved, but not sent" in browser.page(resp.headers["Location"])


def test_answer_flash_says_sent_when_it_was_queued(browser, dishub):
    browser.login("petugas")
    resp = browser.post(
        f"/admin/tickets/{dishub}/reply", {"body": "Sudah diperbaiki", "nonce": "n2"}
    )
    assert f"Jawaban tiket {dishub} dikirim ke warga." in browser.page(resp.headers["Location"])


def test_import_row_with_an_id_too_long_for_the_database_adds_an_answer(browser, db):
    """An id that cannot be a stored answer's (too long for the column, or not ASCII digits) is a
    new answer, as an unknown id is: not a 500 from the database or an English int() error."""
    browser.login("admin")
    header = "id,unit,title,keywords,examples,body,auto_send,active\n"
    rows = f"{'9' * 25},DISHUB,Jawaban A,,,Teks A,tidak,ya\n²,DISHUB,Jawaban B,,,Teks B,tidak,ya\n"
    assert "2 jawaban diimpor." in _import(browser, header + rows)
    with session_scope(db) as s:
        titles = set(s.exec(select(Answer.title)))
    assert {"Jawaban A", "Jawaban B"} <= titles


def test_a_refused_library_form_keeps_its_unit(browser, db):
    """A form sent back with an error (a title of spaces) showed "Semua unit" selected again, so
    saving it after fixing the title made the DISHUB answer an all-units one."""
    browser.login("admin")
    form = {"unit": "DISHUB", "title": "   ", "body": "Teks", "keywords": "a; b", "active": "1"}
    resp = browser.post("/admin/library/new", form)
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert '<option value="DISHUB" selected>' in html
    assert 'value="a; b"' in html and ">Teks</textarea>" in html


def _close_row(db, number: str) -> AuditLog:
    with session_scope(db) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
        return s.exec(
            select(AuditLog).where(
                AuditLog.ticket_id == ticket.id, AuditLog.action == "ticket.close"
            )
        ).one()


def test_closing_an_unanswered_ticket_needs_a_reason_and_tells_the_citizen(browser, db, dishub):
    browser.login("petugas")
    html = browser.page(f"/admin/tickets/{dishub}")
    assert 'name="silent"' in html and "Alasan (dikirim ke warga)" in html
    refused = browser.post(f"/admin/tickets/{dishub}/close", {"reason": "  "})
    assert refused.status_code == 303
    assert "tuliskan alasan penutupan" in browser.page(f"/admin/tickets/{dishub}")
    with session_scope(db) as s:
        assert s.exec(select(Ticket).where(Ticket.number == dishub)).one().status == "open"
    browser.post(f"/admin/tickets/{dishub}/close", {"reason": "lampu sudah menyala."})
    told = [b for b in citizen_sees(browser) if "ditutup oleh petugas" in b]
    assert told == [
        f"Aduan {dishub} (DISHUB) ditutup oleh petugas tanpa jawaban. Alasan: lampu sudah "
        "menyala. Jika masalah belum selesai, kirim lagi DISHUB #isi aduan."
    ]
    html = browser.page(f"/admin/tickets/{dishub}")
    assert "warga diberi tahu alasannya" in html and "“lampu sudah menyala.”" in html
    row = _close_row(db, dishub)
    assert row.reason == "lampu sudah menyala." and row.after["citizen_told"] is True


def test_a_duplicate_is_closed_without_notice_when_the_officer_says_so(browser, db, dishub):
    browser.login("petugas")
    before = citizen_sees(browser)
    browser.post(f"/admin/tickets/{dishub}/close", {"reason": "duplikat 1234567", "silent": "1"})
    assert citizen_sees(browser) == before
    html = browser.page(f"/admin/tickets/{dishub}")
    assert "ditutup tanpa pemberitahuan ke warga" in html
    assert "“duplikat 1234567” · tanpa pemberitahuan ke warga" in html
    assert _close_row(db, dishub).after["citizen_told"] is False


def test_an_answered_ticket_closes_without_reason_or_notice(browser, db, dishub):
    browser.login("petugas")
    browser.post(f"/admin/tickets/{dishub}/reply", {"body": "Sudah diperbaiki."})
    before = citizen_sees(browser)
    browser.post(f"/admin/tickets/{dishub}/close", {})
    assert citizen_sees(browser) == before
    row = _close_row(db, dishub)
    assert row.reason == "" and "citizen_told" not in row.after


def test_reopen_needs_a_reason_and_priority_keeps_one(browser, db, dishub):
    browser.login("petugas")
    browser.post(f"/admin/tickets/{dishub}/close", {"reason": "x", "silent": "1"})
    browser.post(f"/admin/tickets/{dishub}/reopen", {})
    assert "Tuliskan alasan membuka kembali tiket." in browser.page(f"/admin/tickets/{dishub}")
    browser.post(f"/admin/tickets/{dishub}/reopen", {"reason": "warga datang lagi"})
    browser.post(
        f"/admin/tickets/{dishub}/priority", {"priority": "high", "reason": "dekat sekolah"}
    )
    with session_scope(db) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == dishub)).one()
        assert ticket.status == "open" and ticket.priority == "high"
        reasons = {
            row.action: row.reason
            for row in s.exec(select(AuditLog).where(AuditLog.ticket_id == ticket.id))
        }
    assert reasons["ticket.reopen"] == "warga datang lagi"
    assert reasons["ticket.priority"] == "dekat sekolah"
    html = browser.page(f"/admin/tickets/{dishub}")
    assert "“warga datang lagi”" in html and "“dekat sekolah”" in html


def _name_the_citizen_and_greet_by_name(browser, db) -> None:
    """The citizen is known as Budi, and the traffic-light answer greets by {{ nama }}."""
    browser.say("BANTUAN")
    with session_scope(db) as s:
        s.exec(select(Contact)).one().name = "Budi Santoso"
        answer = s.exec(select(Answer).where(col(Answer.body).contains("lampu lalu lintas"))).one()
        answer.body = answer.body.replace("Bapak/Ibu", "{{ nama }}", 1)


def _pending_body(db, number: str) -> str:
    with session_scope(db) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
        (draft,) = s.exec(select(Draft).where(Draft.ticket_id == ticket.id)).all()
        return draft.body


def test_rahasia_takes_the_name_out_of_a_pending_draft(browser, db):
    _name_the_citizen_and_greet_by_name(browser, db)
    number = browser.say(DISHUB_TEXT)
    assert _pending_body(db, number).startswith("Terima kasih, Budi Santoso.")
    browser.say("RAHASIA")
    assert _pending_body(db, number).startswith("Terima kasih, Bapak/Ibu. Laporan lampu")
    browser.login("petugas")
    assert "Budi" not in browser.page(f"/admin/tickets/{number}")


def test_rahasia_strips_the_name_when_the_answer_cannot_be_made_again(browser, db):
    _name_the_citizen_and_greet_by_name(browser, db)
    number = browser.say(DISHUB_TEXT)
    with session_scope(db) as s:
        s.exec(select(Draft)).one().answer_id = None  # its library answer was removed
    browser.say("RAHASIA")
    body = _pending_body(db, number)
    assert "Budi" not in body and body.startswith("Terima kasih, Bapak/Ibu. Laporan lampu")


def test_library_csv_export_names_its_charset_once(browser):
    """`text/csv; charset=utf-8; charset=utf-8` was sent: Flask adds the charset to text types."""
    browser.login("admin")
    resp = browser.client.get("/admin/library/export.csv")
    assert resp.headers["Content-Type"] == "text/csv; charset=utf-8"


@pytest.mark.parametrize(
    ("path", "indonesian", "english"),
    [
        ("/admin/drafts", "tenggat terdekat di atas", "nearest deadline first"),
        ("/admin/intake", "Nama warga (boleh kosong)", "Citizen&#39;s name (optional)"),
        ("/admin/intake", "datang langsung", "in person"),
        ("/admin/library", "tampilkan yang nonaktif", "show inactive ones"),
        ("/admin/library", '<span class="badge">aktif', '<span class="badge">active'),
        ("/admin/settings", "Pertanyaan lanjutan", "Follow-up questions"),
        ("/admin/settings/lexicon", '<span class="badge">aktif', '<span class="badge">active'),
        ("/admin/sla", "Pengingat dan pelanggaran SLA", "SLA reminders and breaches"),
        ("/admin/recap", "Rekapitulasi aduan", "Complaints recap"),
        ("/admin/recap", "Median waktu jawab", "Median time to answer"),
        ("/admin/recap", "Didokumentasikan ≤ 30 menit", "Documented within 30 minutes"),
        ("/admin/recap", "dihitung dari tindakan petugas sebelumnya", "timed from the officer"),
        ("/admin/library/new", "Tulis teks jawaban lalu tekan Pratinjau.", "Write the answer text"),
        ("/admin/settings/units/new", "Nama lain (satu per baris)", "Other names (one per line)"),
        ("/admin/settings/staff/new", "Unit yang dilayani (petugas)", "Units served (officers)"),
        ("/admin/settings/templates", "kotak pasir", "sandbox"),
    ],
)
def test_desk_pages_are_in_english_when_english_is_chosen(browser, path, indonesian, english):
    """Found walking the admin with EN chosen: these pages and forms kept their Indonesian text."""
    browser.login("admin")
    assert indonesian in browser.page(path)
    browser.client.get("/admin/lang/en")
    page = browser.page(path)
    assert english in page and indonesian not in page


def test_the_ticket_page_history_and_priority_are_in_english(browser, dishub):
    """The history read "tiket dibuka" and the priority "biasa" with EN chosen."""
    browser.login("admin")
    browser.client.get("/admin/lang/en")
    page = browser.page(f"/admin/tickets/{dishub}")
    assert "ticket opened" in page and "tiket dibuka" not in page
    assert "<strong>normal</strong>" in page and "biasa" not in page
    assert f"<h1>Ticket {dishub}" in page and "Pakai di jawaban" not in page
