"""Committee members act from their phones: OK, JAWAB, ALIH, INFO; strangers and mistakes are told.
Through bot.service.handle_inbound on the real database with the demo desk."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlmodel import col, select

from bot.committee import escalate, escalation_ladder
from bot.config import CommitteeConfig
from bot.messages import InboundMessage, OutboxStatus, Role, TicketStatus
from bot.parsers import mask_phone
from bot.service import Desk, handle_inbound
from store.db import session_scope
from store.models import AuditLog, Escalation, Message, Outbox, StaffUser, Ticket, Unit

CITIZEN = "+6281234567890"
ANGGOTA, KETUA, PENGARAH = "+6281100000001", "+6281100000002", "+6281100000003"
ETHICS = "DISHUB #petugas minta uang damai 200rb waktu razia"


def send(engine, desk, clock, phone, text):
    with session_scope(engine) as s:
        msg = InboundMessage("simulator", phone, text, None, phone=phone)
        return handle_inbound(s, msg, now=clock(), desk=desk)


def to_phone(engine, phone):
    """Bodies queued to a phone, oldest first."""
    with session_scope(engine) as s:
        stmt = select(Message.body).where(Message.address == phone, Message.direction == "out")
        return list(s.exec(stmt.order_by(col(Message.id))))


def ticket(engine, number):
    with session_scope(engine) as s:
        return s.exec(select(Ticket).where(Ticket.number == number)).one()


def escalation(engine):
    with session_scope(engine) as s:
        return s.exec(select(Escalation)).one()


@pytest.fixture
def ethics_ticket(seeded, desk, clock):
    out = send(seeded, desk, clock, CITIZEN, ETHICS)
    assert out.keys == ("ack_ethics",)
    return out.ticket


def test_the_first_level_gets_the_summary(seeded, ethics_ticket):
    (alert,) = to_phone(seeded, ANGGOTA)
    assert alert.startswith(f"ESKALASI {ethics_ticket} (DISHUB, dugaan pelanggaran etika, anggota)")
    assert to_phone(seeded, KETUA) == [] and to_phone(seeded, PENGARAH) == []


def test_ok_acknowledges_and_is_audited(seeded, desk, clock, ethics_ticket):
    out = send(seeded, desk, clock, ANGGOTA, f"ok {ethics_ticket}")
    assert out.keys == ("staff_ok",)
    found = escalation(seeded)
    assert found.acknowledged_by == "anggota" and found.closed_at is None
    with session_scope(seeded) as s:
        actions = [
            a.actor for a in s.exec(select(AuditLog).where(AuditLog.action == "committee.ok"))
        ]
    assert actions == ["anggota"]


def test_jawab_answers_the_citizen_and_closes_the_escalation(seeded, desk, clock, ethics_ticket):
    out = send(
        seeded, desk, clock, KETUA, f"JAWAB {ethics_ticket} Petugas tersebut sudah diperiksa."
    )
    assert out.keys == ("staff_answered",)
    got = to_phone(seeded, CITIZEN)
    answer, question = got[-1].split("\n")  # one message: the answer, then the question
    assert answer == f"Jawaban aduan {ethics_ticket} (DISHUB): Petugas tersebut sudah diperiksa."
    assert question.startswith(f"Apakah jawaban untuk aduan {ethics_ticket}")
    assert ticket(seeded, ethics_ticket).status.value == "answered"
    assert escalation(seeded).closed_at is not None


def test_alih_transfers_keeps_the_clock_from_receipt_and_tells_the_citizen(
    seeded, desk, clock, ethics_ticket
):
    received = clock()
    clock.advance(hours=2)
    out = send(seeded, desk, clock, ANGGOTA, f"ALIH {ethics_ticket} dinkes")
    assert out.keys == ("staff_transferred",)
    moved = ticket(seeded, ethics_ticket)
    assert moved.transferred_count == 1 and not moved.ethics
    assert moved.due_at == received + timedelta(hours=5)  # DINKES's 5 h, from receipt
    with session_scope(seeded) as s:
        assert s.get(Unit, moved.unit_id).code == "DINKES"
    assert to_phone(seeded, CITIZEN)[-1].startswith(
        f"Aduan {ethics_ticket} dialihkan ke Dinas Kesehatan"
    )
    assert escalation(seeded).closed_at is not None


def test_info_sends_the_thread_in_parts(seeded, desk, clock, ethics_ticket):
    small = Desk(replace(desk.config, committee=CommitteeConfig(info_part_chars=160)), desk.env)
    for i in range(3):
        send(
            seeded,
            small,
            clock,
            CITIZEN,
            f"tambahan keterangan nomor {i} tentang kejadian razia itu",
        )
    out = send(seeded, small, clock, PENGARAH, f"INFO {ethics_ticket}")
    assert set(out.keys) == {"staff_info"} and len(out.keys) >= 2
    assert all(len(body) <= 160 for body in out.replies)
    assert out.replies[0].startswith(f"INFO {ethics_ticket}: (1/")


@pytest.mark.parametrize(
    ("sender", "text", "keys"),
    [
        (CITIZEN, "JAWAB 1234567 sudah beres", ("staff_unknown",)),
        (CITIZEN, "OK 1234567", ("staff_unknown",)),
        (ANGGOTA, "JAWAB 1234567 sudah beres", ("staff_no_ticket",)),
        (ANGGOTA, "ALIH 1234567", ("staff_usage",)),
        (ANGGOTA, "JAWAB", ("staff_usage",)),
        (ANGGOTA, "INFO 9999999", ("staff_no_ticket",)),
    ],
    ids=[
        "stranger-jawab",
        "stranger-ok",
        "unknown-ticket",
        "alih-no-code",
        "jawab-bare",
        "info-unknown",
    ],
)
def test_strangers_and_mistakes_get_a_clear_reply(seeded, desk, clock, sender, text, keys):
    assert send(seeded, desk, clock, sender, text).keys == keys


def test_unknown_unit_and_no_escalation(seeded, desk, clock, ethics_ticket):
    assert send(seeded, desk, clock, ANGGOTA, f"ALIH {ethics_ticket} XYZ").keys == (
        "staff_unknown_unit",
    )
    plain = send(seeded, desk, clock, "+6285711112222", "PDAM #air keruh").ticket
    assert send(seeded, desk, clock, ANGGOTA, f"OK {plain}").keys == ("staff_no_ticket",)
    send(seeded, desk, clock, KETUA, f"JAWAB {ethics_ticket} sudah ditangani")  # closes it
    assert send(seeded, desk, clock, ANGGOTA, f"OK {ethics_ticket}").keys == (
        "staff_no_escalation",
    )


def test_an_officer_phone_cannot_command(seeded, desk, clock, ethics_ticket):
    with session_scope(seeded) as s:
        officer = s.exec(select(StaffUser).where(StaffUser.username == "petugas")).one()
        officer.phone = "+6285600000009"
        assert officer.role is Role.OFFICER
    out = send(seeded, desk, clock, "+6285600000009", f"JAWAB {ethics_ticket} tidak benar")
    assert out.keys == ("staff_not_committee",)
    assert ticket(seeded, ethics_ticket).status.value == "open"


def test_unacknowledged_escalations_climb_the_ladder(seeded, desk, clock, ethics_ticket):
    start = clock()
    with session_scope(seeded) as s:
        assert escalation_ladder(s, now=start + timedelta(hours=3, minutes=59), desk=desk) == 0
    with session_scope(seeded) as s:
        assert escalation_ladder(s, now=start + timedelta(hours=4), desk=desk) == 1
    assert escalation(seeded).level == "ketua"
    assert to_phone(seeded, KETUA)[0].startswith(
        f"ESKALASI {ethics_ticket} (DISHUB, dugaan pelanggaran etika, ketua)"
    )
    with session_scope(seeded) as s:
        assert escalation_ladder(s, now=start + timedelta(hours=5), desk=desk) == 0
        assert escalation_ladder(s, now=start + timedelta(hours=8), desk=desk) == 1
        assert escalation_ladder(s, now=start + timedelta(hours=40), desk=desk) == 0
    assert escalation(seeded).level == "pengarah"
    assert len(to_phone(seeded, KETUA)) == 1 and len(to_phone(seeded, PENGARAH)) == 1
    assert len(to_phone(seeded, ANGGOTA)) == 1


def test_an_acknowledged_escalation_stays(seeded, desk, clock, ethics_ticket):
    send(seeded, desk, clock, ANGGOTA, f"OK {ethics_ticket}")
    with session_scope(seeded) as s:
        assert escalation_ladder(s, now=clock() + timedelta(days=3), desk=desk) == 0
    assert escalation(seeded).level == "anggota"


def test_escalations_made_without_a_desk_are_announced_by_the_ladder(seeded, desk, clock):
    number = send(seeded, desk, clock, CITIZEN, "PDAM #air keruh").ticket
    clock.advance(hours=6)  # past the deadline, as the SLA job escalates it
    with session_scope(seeded) as s:
        found = s.exec(select(Ticket).where(Ticket.number == number)).one()
        escalate(s, found, reason="sla_breach", now=clock(), actor="scheduler")
    assert to_phone(seeded, ANGGOTA) == []
    with session_scope(seeded) as s:
        assert escalation_ladder(s, now=clock(), desk=desk) == 0
    assert to_phone(seeded, ANGGOTA)[0].startswith(f"ESKALASI {number} (PDAM, lewat batas waktu")


def test_refused_commands_are_on_record_without_the_whole_number(seeded, desk, clock):
    send(seeded, desk, clock, CITIZEN, "JAWAB 1234567 sudah beres")
    with session_scope(seeded) as s:
        (row,) = s.exec(select(AuditLog).where(AuditLog.action == "committee.refused")).all()
    assert row.reason == "not a staff number" and row.after == {
        "verb": "answer",
        "number": "1234567",
    }
    assert row.actor == mask_phone(CITIZEN) and CITIZEN not in row.actor


def test_the_committee_cannot_act_on_an_ordinary_unit_ticket(seeded, desk, clock):
    """As in the admin: ethics and escalated tickets only; an ordinary ticket looks unknown."""
    plain = send(seeded, desk, clock, CITIZEN, "DINKES #puskesmas tutup jam 10").ticket
    for text in (f"INFO {plain}", f"JAWAB {plain} sudah", f"ALIH {plain} DISHUB"):
        assert send(seeded, desk, clock, KETUA, text).keys == ("staff_no_ticket",)
    assert ticket(seeded, plain).status.value == "open"
    assert ticket(seeded, plain).transferred_count == 0


def test_a_closed_ticket_is_not_answered_or_moved_from_a_phone(seeded, desk, clock, ethics_ticket):
    send(seeded, desk, clock, KETUA, f"JAWAB {ethics_ticket} sudah ditangani")
    with session_scope(seeded) as s:
        closed = s.exec(select(Ticket).where(Ticket.number == ethics_ticket)).one()
        closed.status = TicketStatus.CLOSED
    sent = to_phone(seeded, CITIZEN)
    for text in (f"JAWAB {ethics_ticket} jawaban kedua", f"ALIH {ethics_ticket} DINKES"):
        assert send(seeded, desk, clock, KETUA, text).keys == ("staff_ticket_closed",)
    assert to_phone(seeded, CITIZEN) == sent  # nothing more reached the citizen
    assert ticket(seeded, ethics_ticket).status is TicketStatus.CLOSED
    assert send(seeded, desk, clock, KETUA, f"INFO {ethics_ticket}").keys[0] == "staff_info"


def test_ok_or_info_with_a_number_that_is_no_ticket_is_a_citizens_reply(seeded, desk, clock):
    """Answering "Di mana lokasinya?" with "info 2024 ..." must file the complaint, not refuse it."""
    assert send(seeded, desk, clock, CITIZEN, "DLH #sampah menumpuk").keys == ("ask_detail",)
    out = send(seeded, desk, clock, CITIZEN, "info 2024 di jalan mawar depan masjid")
    assert out.keys[0] == "ack_new" and out.ticket
    assert send(seeded, desk, clock, CITIZEN, "oke 081234567890 nomor saya").keys == ("ack_append",)


def test_info_or_ok_on_ones_own_ticket_is_the_citizens_message(seeded, desk, clock):
    """A citizen, or a committee member complaining from their phone, gets their own status."""
    number = send(seeded, desk, clock, CITIZEN, "PDAM #air keruh sudah 3 hari").ticket
    out = send(seeded, desk, clock, CITIZEN, f"INFO {number}")
    assert out.keys == ("status",) and number in out.replies[0]
    assert send(seeded, desk, clock, CITIZEN, f"OK {number}").keys == ("ack_append",)
    mine = send(seeded, desk, clock, ANGGOTA, "PDAM #air mati di rumah saya").ticket
    out = send(seeded, desk, clock, ANGGOTA, f"INFO {mine}")
    assert out.keys == ("status",) and mine in out.replies[0]
    with session_scope(seeded) as s:
        refused = s.exec(select(AuditLog).where(AuditLog.action == "committee.refused")).all()
    assert refused == []


def test_jawab_for_a_citizen_who_sent_stop_says_it_was_not_sent(seeded, desk, clock, ethics_ticket):
    send(seeded, desk, clock, CITIZEN, "STOP")
    sent = to_phone(seeded, CITIZEN)
    out = send(seeded, desk, clock, KETUA, f"JAWAB {ethics_ticket} Petugas sudah diperiksa.")
    assert out.keys == ("staff_answered_held",)
    assert "tidak dikirim" in out.replies[0] and "STOP" in out.replies[0]
    with session_scope(seeded) as s:
        stmt = select(Outbox.status).join(Message, col(Message.id) == col(Outbox.message_id))
        last = s.exec(
            stmt.where(Message.address == CITIZEN).order_by(col(Outbox.id).desc())
        ).first()
    assert last is OutboxStatus.FAILED and len(to_phone(seeded, CITIZEN)) == len(sent) + 1


def test_alih_to_the_unit_an_escalated_ticket_is_already_with_moves_nothing(seeded, desk, clock):
    number = send(seeded, desk, clock, CITIZEN, "PDAM #air keruh").ticket
    clock.advance(hours=6)
    with session_scope(seeded) as s:
        found = s.exec(select(Ticket).where(Ticket.number == number)).one()
        escalate(s, found, reason="sla_breach", now=clock(), actor="scheduler")
    sent = to_phone(seeded, CITIZEN)
    out = send(seeded, desk, clock, KETUA, f"ALIH {number} pdam")
    assert out.keys == ("staff_same_unit",) and "sudah di PDAM" in out.replies[0]
    assert ticket(seeded, number).transferred_count == 0
    assert to_phone(seeded, CITIZEN) == sent  # no "dialihkan ke PDAM" for the unit they are with


def test_info_says_where_the_ticket_stands_in_indonesian(seeded, desk, clock, ethics_ticket):
    """The first line read "DISHUB open": the enum's English word in an Indonesian SMS."""
    out = send(seeded, desk, clock, PENGARAH, f"INFO {ethics_ticket}")
    assert out.replies[0].startswith(f"INFO {ethics_ticket}: DISHUB menunggu jawaban\n")
