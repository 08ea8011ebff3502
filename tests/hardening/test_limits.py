"""Per-number rate limit through the simulator endpoint: one warning, stored not answered, others
unaffected, answered again once the window has passed."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlmodel import select

from bot.config import LimitsConfig
from bot.messages import Direction
from store.db import session_scope
from store.models import AuditLog, Escalation, Message, Ticket

FLOODER, OTHER = "081234567890", "085711112222"


@pytest.fixture
def config(config):
    return replace(config, limits=LimitsConfig(messages_per_minute=3, messages_per_hour=5))


def say(client, sender: str, text: str) -> list[str]:
    resp = client.post("/simulator/messages", json={"from": sender, "text": text})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_json()["replies"]


def inbound_count(engine, phone: str) -> int:
    with session_scope(engine) as s:
        rows = s.exec(
            select(Message).where(Message.direction == Direction.IN, Message.address == phone)
        ).all()
        return len(rows)


def test_flood_gets_one_warning_and_is_stored_not_answered(app, client, clock):
    engine = app.extensions["aduan"].engine
    replies = [say(client, FLOODER, f"DISHUB #lampu mati nomor {i}") for i in range(3)]
    assert all(r for r in replies), "the first three are answered"
    warning = say(client, FLOODER, "DISHUB #lampu mati nomor 3")
    assert len(warning) == 1 and "terlalu banyak pesan" in warning[0]
    for i in range(4, 8):
        assert say(client, FLOODER, f"DISHUB #lampu mati nomor {i}") == []
    # the others are answered as usual meanwhile
    assert say(client, OTHER, "DINKES #puskesmas tutup")
    assert inbound_count(engine, "+6281234567890") == 8, "every message is stored"
    with session_scope(engine) as s:
        warns = s.exec(select(AuditLog).where(AuditLog.action == "rate_limit.warn")).all()
        assert len(warns) == 1


def test_limited_messages_join_the_open_ticket_and_open_none(app, client):
    """README says officers can see them: they used to be stored on no ticket, so no admin page
    showed them. They join the sender's latest open ticket; nothing new is opened or drafted."""
    engine = app.extensions["aduan"].engine
    say(client, FLOODER, "DISHUB #lampu mati")
    say(client, FLOODER, "PDAM #air keruh")  # the latest open ticket
    say(client, FLOODER, "PDAM #masih keruh")
    for i in range(3):  # past the limit of 3 a minute
        say(client, FLOODER, f"DINKES #puskesmas tutup {i}")
    with session_scope(engine) as s:
        units = [t.unit_id for t in s.exec(select(Ticket).order_by(Ticket.id))]
        assert len(units) == 2, "the limited DINKES complaints open no ticket"
        pdam = s.exec(select(Ticket).order_by(Ticket.id.desc())).first()
        stmt = select(Message.body).where(
            Message.ticket_id == pdam.id, Message.direction == Direction.IN
        )
        assert s.exec(stmt.order_by(Message.id)).all()[-3:] == [
            f"DINKES #puskesmas tutup {i}" for i in range(3)
        ]


def test_a_limited_message_naming_a_breach_goes_to_the_committee_not_the_unit(app, client):
    """Past the limit the words joined the latest open ticket unscreened: "petugas minta uang"
    landed on the ordinary DLH ticket before the unit, and the committee never heard of it."""
    engine = app.extensions["aduan"].engine
    say(client, FLOODER, "DISHUB #lampu lalu lintas mati")
    say(client, FLOODER, "lampunya masih mati")
    say(client, FLOODER, "sudah seminggu")
    assert say(client, FLOODER, "petugasnya minta uang damai 200rb")  # the warning
    say(client, FLOODER, "oknum itu minta uang lagi")
    with session_scope(engine) as s:
        first, ethics = s.exec(select(Ticket).order_by(Ticket.id)).all()
        assert (first.ethics, ethics.ethics, ethics.unit_id) == (False, True, first.unit_id)
        said = select(Message.body).where(Message.direction == Direction.IN)
        on_first = s.exec(said.where(Message.ticket_id == first.id)).all()
        assert not any("uang" in body for body in on_first)
        assert len(s.exec(said.where(Message.ticket_id == ethics.id)).all()) == 2  # one ticket
        assert s.exec(select(Escalation).where(Escalation.ticket_id == ethics.id)).all()


def test_limited_messages_without_an_open_ticket_open_none(app, client):
    engine = app.extensions["aduan"].engine
    for i in range(5):
        say(client, FLOODER, f"halo {i}")
    with session_scope(engine) as s:
        assert s.exec(select(Ticket)).all() == []


def test_answered_again_when_the_minute_has_passed(client, clock):
    for i in range(4):
        say(client, FLOODER, f"DISHUB #lampu mati {i}")
    clock.advance(minutes=2)
    assert say(client, FLOODER, "STATUS"), "under the minute limit again (4 of 5 this hour)"
    assert say(client, FLOODER, "STATUS") == [], "the hourly limit (5) is now passed: silent"
    clock.advance(minutes=61)
    assert say(client, FLOODER, "STATUS"), "a new hour"


def test_a_second_flood_an_hour_later_is_warned_again(client, clock):
    for i in range(4):
        say(client, FLOODER, f"halo {i}")
    clock.advance(minutes=90)
    for i in range(3):
        assert say(client, FLOODER, f"halo lagi {i}")
    assert "terlalu banyak" in say(client, FLOODER, "halo lagi 3")[0]


def test_zero_means_no_limit(app, client):
    runtime = app.extensions["aduan"]
    cfg = replace(runtime.desk.config, limits=LimitsConfig(0, 0))
    object.__setattr__(runtime.desk, "config", cfg)
    assert all(say(client, FLOODER, f"halo {i}") for i in range(12))


def test_an_opted_out_number_gets_no_warning(client):
    assert say(client, FLOODER, "STOP")
    for i in range(6):
        assert say(client, FLOODER, f"halo {i}") == []
