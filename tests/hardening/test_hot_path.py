"""The trimmed inbound path (issue 8): Core inserts for outbox and audit rows keep every column, and
the dispatcher is only woken when a transaction queued something to send."""

from __future__ import annotations

from sqlmodel import select

from bot.messages import InboundMessage, OutboxStatus
from bot.service import process_inbound
from store.db import session_scope
from store.models import AuditLog, Outbox, Ticket

PHONE = "+6281234567890"
COMPLAINT = "DISHUB #lampu lalu lintas mati di perempatan"


def _send(engine, desk, clock, text: str, sid: str, *, inline: bool):
    msg = InboundMessage("simulator", PHONE, text, sid, phone=PHONE)
    return process_inbound(engine, msg, now=clock(), desk=desk, inline=inline)


def test_inline_replies_do_not_wake_the_dispatcher(seeded, desk, clock):
    outcome = _send(seeded, desk, clock, COMPLAINT, "sid-1", inline=True)
    assert outcome.replies and outcome.queued is False
    with session_scope(seeded) as s:
        rows = s.exec(select(Outbox)).all()
    assert [r.status for r in rows] == [OutboxStatus.INLINE]
    assert rows[0].attempts == 0 and rows[0].provider_id is None and rows[0].error == ""
    assert rows[0].sent_at is not None and rows[0].next_attempt_at is None


def test_queued_replies_wake_the_dispatcher(seeded, desk, clock):
    outcome = _send(seeded, desk, clock, COMPLAINT, "sid-1", inline=False)
    assert outcome.replies and outcome.queued is True
    with session_scope(seeded) as s:
        row = s.exec(select(Outbox)).one()
    assert row.status is OutboxStatus.PENDING and row.next_attempt_at is not None
    # a provider's retry stores nothing new and queues nothing
    again = _send(seeded, desk, clock, COMPLAINT, "sid-1", inline=False)
    assert again.duplicate and again.queued is False and again.replies == outcome.replies


def test_audit_rows_written_by_core_keep_their_json(seeded, desk, clock):
    outcome = _send(seeded, desk, clock, COMPLAINT, "sid-1", inline=True)
    with session_scope(seeded) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == outcome.ticket)).one()
        row = s.exec(select(AuditLog).where(AuditLog.action == "ticket.open")).one()
    assert row.ticket_id == ticket.id and row.entity_id == ticket.id and row.actor == "citizen"
    assert row.after == {"status": "open", "unit": "DISHUB"} and row.before == {}
    assert row.reason == ""
