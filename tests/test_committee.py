"""The escalation record every cause shares: one open escalation per ticket, audited."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.committee import escalate
from store.db import session_scope
from store.models import AuditLog, Escalation, Ticket


def test_escalate_is_idempotent_while_open(app, client, seeded, clock):
    reply = client.post(
        "/simulator/messages", json={"from": "081234567890", "text": "DISHUB #lampu mati"}
    ).get_json()
    with session_scope(seeded) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == reply["ticket"])).one()
        first = escalate(s, ticket, reason="sla_breach", now=clock())
        again = escalate(s, ticket, reason="citizen_no", now=clock())
        assert first.id == again.id and first.level == "anggota"
    with session_scope(seeded) as s:
        assert len(list(s.exec(select(Escalation)))) == 1
        actions = [a.action for a in s.exec(select(AuditLog))]
        assert actions.count("ticket.escalate") == 1


def test_unknown_reason_is_refused(seeded, clock):
    with session_scope(seeded) as s, pytest.raises(ValueError):
        escalate(s, Ticket(id=1), reason="bored", now=clock())
