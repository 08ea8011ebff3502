"""The acceptance path of the foundation, end to end through the simulator endpoint."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from store.db import session_scope
from store.models import Draft, Message, Outbox, Ticket

CITIZEN = "081234567890"


def say(client, text: str, sender: str = CITIZEN, **extra):
    resp = client.post("/simulator/messages", json={"from": sender, "text": text, **extra})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_json()


def test_coded_complaint_opens_ticket_with_unit_and_deadline(client, clock, app):
    out = say(client, "DISHUB #lampu lalu lintas di simpang lima mati")
    assert out["ticket"] and out["ticket"].isdigit() and len(out["ticket"]) == 7
    (reply,) = out["replies"]
    assert "Dinas Perhubungan" in reply and out["ticket"] in reply
    # received 10:00 WIB, promised 5 hours later
    assert "15.00 WIB" in reply
    with session_scope(app.extensions["aduan"].engine) as s:
        ticket = s.exec(select(Ticket)).one()
        assert ticket.due_at - ticket.received_at == timedelta(hours=5)
        assert ticket.address == "+6281234567890"


def test_follow_up_without_code_goes_to_the_same_ticket(client, app):
    first = say(client, "DISHUB #lampu lalu lintas di simpang lima mati")
    second = say(client, "masih mati sampai sekarang", sender="+62 812-3456-7890")
    assert second["ticket"] == first["ticket"]
    assert first["ticket"] in second["replies"][0]
    with session_scope(app.extensions["aduan"].engine) as s:
        assert len(list(s.exec(select(Ticket)))) == 1
        bodies = [m.body for m in s.exec(select(Message).where(Message.direction == "in"))]
        assert bodies == [
            "DISHUB #lampu lalu lintas di simpang lima mati",
            "masih mati sampai sekarang",
        ]


def test_status_lists_only_own_tickets(client):
    mine = say(client, "DISHUB #lampu lalu lintas di simpang lima mati")["ticket"]
    theirs = say(client, "PDAM #air tidak mengalir tiga hari", sender="085711112222")["ticket"]
    status = say(client, "STATUS")["replies"][0]
    assert mine in status and theirs not in status
    probe = say(client, f"STATUS {theirs}")["replies"][0]
    assert theirs in probe  # echoes the number asked for...
    assert "PDAM" not in probe  # ...but reveals nothing about it


def test_near_miss_code_asks_and_yes_files_it(client):
    out = say(client, "dishb #jalan")
    assert out["ticket"] is None
    assert "DISHUB" in out["replies"][0] and "YA" in out["replies"][0]
    confirmed = say(client, "ya")
    assert confirmed["ticket"] is not None
    assert "Dinas Perhubungan" in confirmed["replies"][0]


def test_greeting_gets_format_help_and_codes(client):
    (reply,) = say(client, "halo")["replies"]
    assert "#" in reply and "DISHUB" in reply and "SATPOLPP" in reply


def test_same_provider_id_is_stored_once_and_answered_identically(client, app):
    first = say(client, "DINKES #puskesmas tutup jam 10", id="sim-42")
    again = say(client, "DINKES #puskesmas tutup jam 10", id="sim-42")
    assert again["replies"] == first["replies"] and again["ticket"] == first["ticket"]
    assert again["duplicate"] is True
    with session_scope(app.extensions["aduan"].engine) as s:
        assert len(list(s.exec(select(Message).where(Message.direction == "in")))) == 1
        assert len(list(s.exec(select(Outbox)))) == 1


def test_matching_library_answer_becomes_a_pending_draft(client, app):
    say(client, "DISHUB #lampu lalu lintas di simpang lima mati")
    with session_scope(app.extensions["aduan"].engine) as s:
        (draft,) = s.exec(select(Draft)).all()
        assert draft.status == "pending" and draft.score >= 0.3


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"text": "halo"}, 400),
        ({"from": "bukan nomor", "text": "halo"}, 400),
        ({"from": CITIZEN}, 400),
        ({"from": CITIZEN, "text": 5}, 400),
    ],
    ids=["no-from", "bad-phone", "no-text", "text-not-string"],
)
def test_malformed_simulator_payload_is_400(client, payload, status):
    assert client.post("/simulator/messages", json=payload).status_code == status


def test_non_json_body_is_400(client):
    resp = client.post("/simulator/messages", data="not json", content_type="text/plain")
    assert resp.status_code == 400


def test_history_shows_thread_for_the_page(client):
    say(client, "DISHUB #lampu mati")
    data = client.get(f"/simulator/messages?from={CITIZEN}").get_json()
    assert [m["direction"] for m in data["messages"]] == ["in", "out"]


def test_simulator_page_renders(client):
    resp = client.get("/simulator")
    assert resp.status_code == 200 and b"/simulator/messages" in resp.data


def test_healthz_reports_database(client):
    data = client.get("/healthz").get_json()
    assert data["status"] == "ok" and data["database"]["ok"] and data["database"]["revision"]


def test_a_unit_deactivated_while_its_question_is_pending_does_not_break_the_chat(client, seeded):
    from sqlmodel import select

    from store.db import session_scope
    from store.models import Unit

    ask = client.post("/simulator/messages", json={"from": "081234567890", "text": "dishb #jalan"})
    assert "DISHUB" in ask.get_json()["replies"][0]
    with session_scope(seeded) as s:
        s.exec(select(Unit).where(Unit.code == "DISHUB")).one().active = False
    yes = client.post("/simulator/messages", json={"from": "081234567890", "text": "YA"})
    assert yes.status_code == 200
    assert yes.get_json()["ticket"] is None and yes.get_json()["replies"]  # a helpful answer


def test_follow_ups_to_a_ticket_of_a_deactivated_unit_are_still_added_and_acknowledged(
    client, seeded
):
    from sqlmodel import select

    from store.db import session_scope
    from store.models import Unit

    first = client.post("/simulator/messages", json={"from": CITIZEN, "text": "DISHUB #lampu mati"})
    number = first.get_json()["ticket"]
    with session_scope(seeded) as s:
        s.exec(select(Unit).where(Unit.code == "DISHUB")).one().active = False
    more = client.post("/simulator/messages", json={"from": CITIZEN, "text": "dekat pasar baru"})
    assert more.status_code == 200
    assert more.get_json()["ticket"] == number
    assert "Dinas Perhubungan (DISHUB)" in more.get_json()["replies"][0]
    status = client.post("/simulator/messages", json={"from": CITIZEN, "text": "STATUS"})
    assert "DISHUB" in status.get_json()["replies"][0]
