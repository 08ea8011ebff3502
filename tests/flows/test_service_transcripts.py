"""Transcripts through the whole service (real database, demo desk): per turn the sender, the text,
the sender's conversation state after it and the reply templates used. `<expire 25h>` moves the
clock and runs the expiry job; `<answer A>` has an officer answer A's latest ticket."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from bot.conversations import expire_conversations
from bot.messages import InboundMessage, OutboxStatus
from bot.service import handle_inbound, send_answer
from store.db import session_scope
from store.models import Contact, Conversation, Message, Outbox, Ticket

PHONES = {"A": "+6281234567890", "B": "+6285711112222", "anggota": "+6281100000001"}

TRANSCRIPTS = {
    "a staff member who is also a citizen": [
        ("anggota", "DLH #sampah menumpuk di depan rumah", "awaiting_detail", ["ask_detail"]),
        ("anggota", "OK 1234567", "awaiting_detail", ["staff_no_ticket"]),
        ("anggota", "Jl. Melati, Desa Sukamaju", "idle", ["ack_new"]),
        ("anggota", "STATUS", "idle", ["status"]),
        ("anggota", "halo", "idle", ["help"]),
    ],
    "two citizens interleaved": [
        ("A", "DLH #sampah menumpuk", "awaiting_detail", ["ask_detail"]),
        ("B", "DISHUB #lampu lalu lintas di simpang lima mati", "idle", ["ack_new"]),
        ("A", "Jl. Melati", "idle", ["ack_new"]),
        ("B", "masih mati sampai sekarang", "idle", ["ack_append"]),
        ("A", "STATUS", "idle", ["status"]),
    ],
    "expiry closes the question politely": [
        ("A", "DLH #sampah menumpuk", "awaiting_detail", ["ask_detail"]),
        ("A", "<expire 25h>", "idle", ["expired"]),
        ("A", "Jl. Melati rusak", "awaiting_unit", ["suggest_unit"]),  # a fresh, uncoded complaint
    ],
    "nothing expires early": [
        ("A", "DLH #sampah menumpuk", "awaiting_detail", ["ask_detail"]),
        ("A", "<expire 23h>", "awaiting_detail", []),
        ("A", "Jl. Melati", "idle", ["ack_new"]),
    ],
    "answer, YA closes": [
        ("A", "PDAM #air keruh sejak kemarin", "idle", ["ack_new"]),
        ("A", "<answer A>", "awaiting_feedback", ["answer"]),  # the question rides along
        ("A", "YA", "idle", ["feedback_thanks"]),
    ],
    "answer, comment: back to the officers; YA then closes nothing, TIDAK escalates": [
        ("A", "PDAM #air keruh sejak kemarin", "idle", ["ack_new"]),
        ("A", "<answer A>", "awaiting_feedback", ["answer"]),
        ("A", "airnya masih agak bau", "awaiting_feedback", ["feedback_noted"]),
        ("A", "YA", "idle", ["feedback_still_open"]),
    ],
    "an answer while another complaint is being put together asks nothing": [
        ("A", "PDAM #air keruh sejak kemarin", "idle", ["ack_new"]),
        ("A", "DLH #sampah menumpuk", "awaiting_detail", ["ask_detail"]),
        ("A", "<answer A>", "awaiting_detail", ["answer"]),
        ("A", "ya", "idle", ["ack_new"]),
    ],
    "STOP in the middle: later complaints are filed without questions, replies held": [
        ("A", "DLH #sampah menumpuk", "awaiting_detail", ["ask_detail"]),
        ("A", "STOP", "idle", ["opted_out"]),
        ("A", "DLH #sampah", "idle", ["ack_new"]),
        ("A", "MULAI", "idle", ["opted_in"]),
    ],
    "ethics complaint to a unit with a follow-up question: not asked, to the committee at once": [
        ("A", "DLH #oknum petugas kebersihan minta uang rokok", "idle", ["ack_ethics"]),
        ("A", "DLH #sampah menumpuk", "awaiting_detail", ["ask_detail"]),
        ("A", "di TPS Desa Sukamaju", "idle", ["ack_new"]),
    ],
    "RAHASIA then a complaint": [
        ("A", "RAHASIA", "idle", ["confidential"]),
        ("A", "PDAM #air keruh", "idle", ["ack_new"]),
    ],
}


_KEYS = {"Jawaban": "answer", "Apakah": "ask_feedback"}  # first words of those two templates


def _keys(engine, phone, since):
    """Reply keys cannot be read back from bodies, so job messages are counted by their opening."""
    with session_scope(engine) as s:
        stmt = select(Message.body).where(
            Message.address == phone, Message.direction == "out", col(Message.id) > since
        )
        return ["expired" if b.startswith("Pertanyaan kami") else b for b in s.exec(stmt)]


def _last_id(engine):
    with session_scope(engine) as s:
        return max([m.id for m in s.exec(select(Message))], default=0)


def _state(engine, phone):
    with session_scope(engine) as s:
        conv = s.exec(select(Conversation).where(Conversation.address == phone)).first()
        return conv.state if conv else "idle"


def _answer(engine, desk, clock, phone):
    with session_scope(engine) as s:
        contact = s.exec(select(Contact).where(Contact.phone == phone)).one()
        ticket = s.exec(
            select(Ticket).where(Ticket.contact_id == contact.id).order_by(col(Ticket.id).desc())
        ).first()
        send_answer(s, ticket, "Pipa sudah diperbaiki.", now=clock(), desk=desk, actor="petugas")


def _turn(engine, desk, clock, who, text):
    phone = PHONES[who]
    if text.startswith("<expire"):
        clock.advance(hours=int(text[8:-2]))
        since = _last_id(engine)
        with session_scope(engine) as s:
            expire_conversations(s, now=clock(), desk=desk)
        return _keys(engine, phone, since)
    if text.startswith("<answer"):
        since = _last_id(engine)
        _answer(engine, desk, clock, phone)
        bodies = _keys(engine, phone, since)
        return [_KEYS[b.split(" ", 1)[0]] for b in bodies]
    with session_scope(engine) as s:
        msg = InboundMessage("simulator", phone, text, None, phone=phone)
        return list(handle_inbound(s, msg, now=clock(), desk=desk).keys)


@pytest.mark.parametrize("name", list(TRANSCRIPTS), ids=list(TRANSCRIPTS))
def test_service_transcript(seeded, desk, clock, name):
    for turn, (who, text, want_state, want_keys) in enumerate(TRANSCRIPTS[name]):
        keys = _turn(seeded, desk, clock, who, text)
        assert (_state(seeded, PHONES[who]), keys) == (want_state, want_keys), (
            f"turn {turn}: {text!r}"
        )
        clock.advance(minutes=1)


def test_the_answer_and_the_question_reach_the_citizen(seeded, desk, clock):
    for _, text, *_ in TRANSCRIPTS["answer, YA closes"][:2]:
        _turn(seeded, desk, clock, "A", text)
    bodies = _keys(seeded, PHONES["A"], 0)
    answer, question = bodies[-1].split("\n")  # one SMS: the answer, then the question
    assert answer.endswith("Pipa sudah diperbaiki.")
    assert question.startswith("Apakah jawaban untuk aduan")


def test_confidential_and_closed_tickets_are_recorded(seeded, desk, clock):
    for text in ("RAHASIA", "PDAM #air keruh", "<answer A>", "ya"):
        _turn(seeded, desk, clock, "A", text)
    with session_scope(seeded) as s:
        (ticket,) = s.exec(select(Ticket)).all()
        assert ticket.confidential and ticket.satisfied is True
        assert (ticket.status.value, ticket.closed_at) == ("closed", clock())


def _last_reply_held(engine, phone) -> bool:
    """Whether the latest reply to the phone was recorded failed with the opt-out, never sent."""
    with session_scope(engine) as s:
        reply = s.exec(
            select(Message)
            .where(Message.address == phone, Message.direction == "out")
            .order_by(col(Message.id).desc())
        ).first()
        row = s.exec(select(Outbox).where(Outbox.message_id == reply.id)).one()
        return row.status == OutboxStatus.FAILED and "opted out" in row.error


@pytest.mark.parametrize(
    "text",
    ["STATUS", "INFO <own>", "BANTUAN", "OK 1234567", "halo"],
    ids=["status", "info-own-ticket", "help", "command-of-a-stranger", "greeting"],
)
def test_after_stop_even_a_direct_question_gets_nothing_until_mulai(seeded, desk, clock, text):
    """STOP holds until MULAI (the SMS convention): a STATUS or INFO reply is recorded, unsent."""
    phone = PHONES["A"]
    _turn(seeded, desk, clock, "A", "PDAM #air keruh sejak kemarin")
    _turn(seeded, desk, clock, "A", "STOP")
    with session_scope(seeded) as s:
        number = s.exec(select(Ticket.number)).one()
    text = text.replace("<own>", number)
    with session_scope(seeded) as s:
        msg = InboundMessage("simulator", phone, text, None, phone=phone)
        out = handle_inbound(s, msg, now=clock(), desk=desk)
    assert out.keys and out.replies == () and out.inline_replies == ()
    assert _last_reply_held(seeded, phone)
    _turn(seeded, desk, clock, "A", "MULAI")
    assert _turn(seeded, desk, clock, "A", text) and not _last_reply_held(seeded, phone)
