"""SLA fixtures: the demo desk plus staff with phones, and a complaint nobody answers."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.messages import Direction, InboundMessage, Role
from bot.service import Desk, process_inbound
from store.db import session_scope
from store.models import AuditLog, Escalation, Message, StaffUser, Ticket

OFFICER_PHONE = "+6281111111111"
OTHER_OFFICER_PHONE = "+6281111112222"
PENGARAH_PHONE = "+6281222222222"
KETUA_PHONE = "+6281333333333"
# No library answer matches this: the ticket stays open with no answer at all.
SILENT = "DISHUB #zzkq wrrx plvt"


@pytest.fixture
def staff(seeded: Engine, clock) -> Engine:
    """Two DISHUB officers with phones (one on Telegram), a DINKES officer, the Pengarah and Ketua."""
    rows = [
        ("budi", Role.OFFICER, ["DISHUB"], OFFICER_PHONE, None, "", ""),
        ("sari", Role.OFFICER, ["DISHUB", "DINKES"], OTHER_OFFICER_PHONE, None, "telegram", "555"),
        ("dina", Role.OFFICER, ["DINKES"], "+6281444444444", None, "", ""),
        ("pak_pengarah", Role.COMMITTEE, [], PENGARAH_PHONE, "pengarah", "", ""),
        ("bu_ketua", Role.COMMITTEE, [], KETUA_PHONE, "ketua", "", ""),
        ("anggota1", Role.COMMITTEE, [], "+6281555555555", "anggota", "", ""),
    ]
    with session_scope(seeded) as s:
        for name, role, units, phone, level, channel, address in rows:
            s.add(
                StaffUser(
                    username=name,
                    role=role,
                    units=units,
                    phone=phone,
                    committee_level=level,
                    preferred_channel=channel,
                    channel_address=address,
                    created_at=clock(),
                )
            )
    return seeded


class Probe:
    """Drives and inspects the desk: complaints through the service, what was sent and recorded."""

    OFFICER = OFFICER_PHONE
    OTHER_OFFICER = "555"  # sari's Telegram chat
    PENGARAH = PENGARAH_PHONE
    KETUA = KETUA_PHONE
    SILENT = SILENT

    def __init__(self, engine: Engine, desk: Desk) -> None:
        self.engine, self.desk = engine, desk

    def complain(self, now: datetime, text: str = SILENT, sender: str = "081234567890") -> str:
        """A citizen's complaint through the service, as a channel delivers it; the ticket number."""
        msg = InboundMessage(channel="simulator", address=sender, text=text)
        outcome = process_inbound(self.engine, msg, now=now, desk=self.desk)
        assert outcome.ticket
        return outcome.ticket

    def sent_to(self, address: str) -> list[Message]:
        with session_scope(self.engine) as s:
            stmt = select(Message).where(
                Message.direction == Direction.OUT, Message.address == address
            )
            return list(s.exec(stmt.order_by(Message.id)).all())

    def audits(self, action: str) -> list[AuditLog]:
        with session_scope(self.engine) as s:
            return list(s.exec(select(AuditLog).where(AuditLog.action == action)).all())

    def escalations(self) -> list[Escalation]:
        with session_scope(self.engine) as s:
            return list(s.exec(select(Escalation)).all())

    def ticket(self, number: str) -> Ticket:
        with session_scope(self.engine) as s:
            return s.exec(select(Ticket).where(Ticket.number == number)).one()


@pytest.fixture
def probe(staff: Engine, desk: Desk) -> Probe:
    return Probe(staff, desk)
