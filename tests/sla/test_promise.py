"""The promise at receipt: the first reply names the due time, office hours included."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.config import SlaConfig
from bot.messages import InboundMessage
from bot.service import Desk, process_inbound

WIB = ZoneInfo("Asia/Jakarta")


def test_friday_afternoon_complaint_is_promised_for_monday_noon(probe):
    desk = Desk(replace(probe.desk.config, sla=SlaConfig(office_hours=True)), probe.desk.env)
    friday = datetime(2026, 11, 27, 15, 0, tzinfo=WIB)
    msg = InboundMessage(channel="simulator", address="081234567890", text=probe.SILENT)
    outcome = process_inbound(probe.engine, msg, now=friday, desk=desk)
    assert probe.ticket(outcome.ticket).due_at == datetime(2026, 11, 30, 12, 0, tzinfo=WIB)
    assert "paling lambat Senin, 30 Nov pukul 12.00 WIB" in outcome.replies[0]


def test_around_the_clock_by_default(probe):
    friday = datetime(2026, 11, 27, 15, 0, tzinfo=WIB)
    number = probe.complain(friday)
    assert probe.ticket(number).due_at == datetime(2026, 11, 27, 20, 0, tzinfo=WIB)
