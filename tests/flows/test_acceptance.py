"""Issue 4's acceptance, as a new user would do it in the simulator: the JSON endpoint, the real
database, the demo desk (committee phones +628110000000{1,2,3} on the simulator channel)."""

from __future__ import annotations

import re

from sqlmodel import select

from admin import queries
from bot.service import send_answer
from store.db import session_scope
from store.models import Escalation, StaffUser, Ticket

CITIZEN = "081234567890"
ANGGOTA = "081100000001"
KETUA = "081100000002"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def say(client, text, sender=CITIZEN):
    resp = client.post("/simulator/messages", json={"from": sender, "text": text})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_json()


def received(client, phone):
    """What the phone has received so far (the simulator thread, outbound only)."""
    thread = client.get("/simulator/messages", query_string={"from": phone}).get_json()
    return [m["body"] for m in thread["messages"] if m["direction"] == "out"]


def test_uncoded_complaint_answer_tidak_and_committee_answer(app, client):
    engine, desk = app.extensions["aduan"].engine, app.extensions["aduan"].desk
    first = say(client, "sampah menumpuk di pinggir jalan sudah seminggu, baunya busuk sekali")
    assert first["replies"][0].startswith("Apakah aduan Anda untuk DLH (Dinas Lingkungan Hidup)?")
    assert "1 " in first["replies"][0] and first["ticket"] is None
    asked = say(client, "YA")
    assert asked["replies"] == [
        "DLH: Di mana lokasinya? Sebutkan jalan/dusun, desa/kelurahan dan kecamatan."
    ]
    ack = say(client, "Jl. Melati dekat pasar, Desa Sukamaju, Kec. Kota")
    number = ack["ticket"]
    assert number and ack["replies"][0].startswith(f"Aduan Anda diterima. No. tiket {number}")

    with session_scope(engine) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
        send_answer(
            s,
            ticket,
            "Sampah sudah diangkut hari ini.",
            now=app.extensions["aduan"].now(),
            desk=desk,
            actor="petugas",
        )
    inbox = received(client, CITIZEN)
    answer = f"Jawaban aduan {number} (DLH): Sampah sudah diangkut hari ini."
    assert inbox[-1].startswith(answer + "\n")  # one message: the answer, then the question
    assert f"Apakah jawaban untuk aduan {number} menyelesaikan" in inbox[-1]

    no = say(client, "TIDAK")
    assert "dibuka kembali" in no["replies"][0]
    with session_scope(engine) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
        assert (ticket.status.value, ticket.reopened_count, ticket.satisfied) == ("open", 1, False)
        escalation = s.exec(select(Escalation).where(Escalation.ticket_id == ticket.id)).one()
        assert (escalation.reason, escalation.level) == ("citizen_no", "anggota")
    (alert,) = received(client, ANGGOTA)
    assert alert.startswith(f"ESKALASI {number} (DLH, warga belum puas, anggota)\n")
    # the thread summary: the first complaint and the citizen's latest message on the ticket
    assert (
        "\nAduan: sampah menumpuk di pinggir jalan sudah seminggu, baunya busuk sekali\n" in alert
    )
    assert "\nTerakhir: Jl. Melati dekat pasar, Desa Sukamaju, Kec. Kota\n" in alert
    assert alert.endswith(f"INFO {number}: seluruh percakapan")
    assert received(client, KETUA) == []  # the next level hears of it only if nobody acts

    done = say(
        client, f"JAWAB {number} Komite sudah meminta DLH mengangkut ulang besok pagi.", ANGGOTA
    )
    assert done["replies"] == [f"Jawaban untuk tiket {number} dikirim ke warga."]
    answer = f"Jawaban aduan {number} (DLH): Komite sudah meminta DLH mengangkut ulang besok pagi."
    assert received(client, CITIZEN)[-1].startswith(answer)
    with session_scope(engine) as s:
        escalation = s.exec(select(Escalation)).one()
        assert escalation.closed_at is not None and escalation.acknowledged_by == "anggota"


def login(client, username, password):
    page = client.get("/admin/login").get_data(as_text=True)
    token = TOKEN.search(page).group(1)
    resp = client.post(
        "/admin/login",
        data={"csrf_token": token, "username": username, "password": password},
    )
    assert resp.status_code == 302


def test_ethics_complaint_never_reaches_the_dishub_officer(app, client):
    engine = app.extensions["aduan"].engine
    reply = say(client, "DISHUB #petugas minta uang damai 200rb waktu razia")
    number = reply["ticket"]
    assert "komite pengawas" in reply["replies"][0] and number in reply["replies"][0]
    say(client, "DISHUB #lampu lalu lintas di simpang lima mati", "085711112222")
    with session_scope(engine) as s:
        officer = s.exec(select(StaffUser).where(StaffUser.username == "petugas")).one()
        seen = [t.number for t, *_ in queries.inbox(s, officer)]
        drafts = [t.number for _, t, _ in queries.draft_queue(s, officer)]
        ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
        assert ticket.ethics and number not in seen and number not in drafts and len(seen) == 1
        assert s.exec(select(Escalation)).one().reason == "ethics"
    login(client, "petugas", "petugas-demo")
    page = client.get("/admin/").get_data(as_text=True)
    assert number not in page and seen[0] in page
    assert client.get(f"/admin/tickets/{number}").status_code in (403, 404)
    assert received(client, ANGGOTA)[0].startswith(f"ESKALASI {number} (DISHUB, dugaan pelanggaran")
