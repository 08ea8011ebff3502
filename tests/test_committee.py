"""The escalation record every cause shares: one open escalation per ticket, audited; a new cause supersedes it."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.committee import escalate
from store.db import session_scope
from store.models import AuditLog, Escalation, Ticket


def test_escalate_is_idempotent_for_the_same_cause_and_a_new_cause_supersedes(
    app, client, seeded, clock
):
    reply = client.post(
        "/simulator/messages", json={"from": "081234567890", "text": "DISHUB #lampu mati"}
    ).get_json()
    with session_scope(seeded) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == reply["ticket"])).one()
        first = escalate(s, ticket, reason="sla_breach", now=clock())
        assert escalate(s, ticket, reason="sla_breach", now=clock()).id == first.id
        first.level = "ketua"
        again = escalate(s, ticket, reason="citizen_no", now=clock())
        assert again.id != first.id and again.level == "ketua"  # not sent back down
        assert first.closed_at == clock() and first.note == "superseded: citizen_no"
        assert escalate(s, ticket, reason="sla_breach", now=clock()).id == again.id
    with session_scope(seeded) as s:
        assert len(list(s.exec(select(Escalation)))) == 2
        escalated = [a for a in s.exec(select(AuditLog)) if a.action == "ticket.escalate"]
        assert [a.after.get("supersedes") for a in escalated] == [None, first.id]


def test_unknown_reason_is_refused(seeded, clock):
    with session_scope(seeded) as s, pytest.raises(ValueError):
        escalate(s, Ticket(id=1), reason="bored", now=clock())
