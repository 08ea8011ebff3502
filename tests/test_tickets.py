"""bot.tickets: the staff operations on a ticket, on a real database, each audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot import tickets
from bot.messages import Direction, InboundMessage, OutboxStatus, Priority, TicketStatus
from bot.service import handle_inbound
from store import repo
from store.db import session_scope
from store.models import AuditLog, Message, Outbox, Ticket

PHONE = "+6281234567890"


@pytest.fixture
def number(seeded, desk, clock) -> str:
    """A DISHUB ticket opened by an SMS through the service."""
    with session_scope(seeded) as s:
        msg = InboundMessage("simulator", PHONE, "DISHUB #lampu lalu lintas mati", phone=PHONE)
        return handle_inbound(s, msg, now=clock(), desk=desk).ticket  # type: ignore[return-value]


def _audit(s, ticket: Ticket, action: str) -> AuditLog:
    return s.exec(
        select(AuditLog).where(AuditLog.ticket_id == ticket.id, AuditLog.action == action)
    ).one()


def test_transfer_moves_the_ticket_keeps_the_clock_from_receipt_and_tells_the_citizen(
    seeded, desk, clock, number
):
    received = clock()
    later = clock.advance(hours=2)
    with session_scope(seeded) as s:
        ticket = repo.ticket_by_number(s, number)
        dpupr = repo.unit_by_code(s, "DPUPR")
        dpupr.sla_hours = 7
        message = tickets.transfer(
            s, ticket, dpupr, reason="jalan, bukan lampu", now=later, desk=desk, actor="petugas"
        )
    with session_scope(seeded) as s:
        ticket = repo.ticket_by_number(s, number)
        assert ticket.unit_id == dpupr.id and ticket.transferred_count == 1
        assert ticket.due_at == received + timedelta(hours=7)  # DPUPR's target, from receipt
        row = _audit(s, ticket, "ticket.transfer")
        assert row.before["unit"] == "DISHUB" and row.after["unit"] == "DPUPR"
        assert row.reason == "jalan, bukan lampu" and row.actor == "petugas"
        sent = s.get(Message, message.id)
        assert sent.direction is Direction.OUT and sent.address == PHONE
        assert "DPUPR" in sent.body and "dialihkan" in sent.body and "17.00 WIB" in sent.body
        outbox = s.exec(select(Outbox).where(Outbox.message_id == message.id)).one()
        assert outbox.status is OutboxStatus.PENDING


def test_close_reopen_priority_claim_and_note_are_recorded(seeded, desk, clock, number):
    now = clock()
    with session_scope(seeded) as s:
        ticket = repo.ticket_by_number(s, number)
        tickets.claim(s, ticket, staff_id=2, now=now, actor="petugas")
        tickets.set_priority(s, ticket, Priority.URGENT, now=now, desk=desk, actor="petugas")
        note = tickets.add_note(s, ticket, "cek lokasi besok", now=now, actor="petugas")
        tickets.close(s, ticket, now=now, desk=desk, actor="petugas", reason="selesai")
        assert ticket.status is TicketStatus.CLOSED and ticket.closed_at == now
        tickets.reopen(s, ticket, now=now, desk=desk, actor="petugas", reason="masih mati")
    with session_scope(seeded) as s:
        ticket = repo.ticket_by_number(s, number)
        assert ticket.status is TicketStatus.OPEN and ticket.closed_at is None
        assert ticket.reopened_count == 1 and ticket.priority is Priority.URGENT
        assert ticket.assigned_to == 2
        assert s.get(Message, note.id).is_note is True
        assert s.exec(select(Outbox).where(Outbox.message_id == note.id)).first() is None
        assert _audit(s, ticket, "ticket.priority").before["priority"] == "normal"
        assert _audit(s, ticket, "ticket.close").reason == "selesai"
        assert _audit(s, ticket, "ticket.reopen").before["status"] == "closed"
        # the citizen's own thread never shows the note
        assert all(not m.is_note for m in repo.thread(s, contact_id=ticket.contact_id))


def test_a_reply_stops_the_clock(seeded, desk, clock, number):
    later = clock.advance(hours=1)
    with session_scope(seeded) as s:
        ticket = repo.ticket_by_number(s, number)
        sent = tickets.reply(s, ticket, "Sudah diperbaiki.", now=later, desk=desk, actor="petugas")
        assert "Sudah diperbaiki." in sent.body
        assert ticket.status is TicketStatus.ANSWERED and ticket.first_answer_at == later


def _notices(s, ticket: Ticket) -> list[str]:
    stmt = select(Message).where(
        Message.ticket_id == ticket.id,
        Message.direction == Direction.OUT,
        Message.author == "petugas",
    )
    return [m.body for m in s.exec(stmt)]


@pytest.mark.parametrize("tell", [True, False], ids=["told", "duplicate"])
def test_closing_an_unanswered_ticket_tells_the_citizen_why_unless_told_not_to(
    seeded, desk, clock, number, tell
):
    with session_scope(seeded) as s:
        ticket = repo.ticket_by_number(s, number)
        notice = tickets.close(
            s, ticket, now=clock(), desk=desk, actor="petugas", reason="sudah menyala", tell=tell
        )
        assert (notice is not None) is tell
        assert _audit(s, ticket, "ticket.close").after["citizen_told"] is tell
        expected = [
            f"Aduan {number} (DISHUB) ditutup oleh petugas tanpa jawaban. Alasan: sudah "
            "menyala. Jika masalah belum selesai, kirim lagi DISHUB #isi aduan."
        ]
        assert _notices(s, ticket) == (expected if tell else [])


def test_closing_an_answered_ticket_sends_nothing_more(seeded, desk, clock, number):
    with session_scope(seeded) as s:
        ticket = repo.ticket_by_number(s, number)
        tickets.reply(s, ticket, "Sudah diperbaiki.", now=clock(), desk=desk, actor="petugas")
        notice = tickets.close(s, ticket, now=clock(), desk=desk, actor="petugas")
        assert notice is None and len(_notices(s, ticket)) == 1
