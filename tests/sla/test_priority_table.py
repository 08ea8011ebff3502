"""The unit's priority table (DESIGN §4): hours per priority, used wherever a deadline is set; a
priority the table leaves empty takes the unit's hours times the global [sla.priority] factor."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot import jobs, sla, tickets
from bot.config import SlaConfig
from bot.messages import Priority
from store import repo
from store.db import session_scope
from store.models import Ticket


def table(probe, code: str, hours: float, priority_hours: dict[str, float]) -> None:
    with session_scope(probe.engine) as s:
        unit = repo.unit_by_code(s, code)
        unit.sla_hours, unit.priority_hours = hours, priority_hours


def test_the_table_sets_a_priority_and_an_empty_one_takes_the_global_factor():
    cfg = SlaConfig()
    urgent_only = {"urgent": 1.0}
    assert sla.target(cfg, 6, "urgent", urgent_only) == timedelta(hours=1)
    assert sla.target(cfg, 6, "high", urgent_only) == timedelta(hours=4.5)  # 6 x 0.75
    assert sla.target(cfg, 6, "urgent", {}) == timedelta(hours=3)  # 6 x 0.5


def test_a_new_ticket_is_due_by_the_tables_normal_hours(probe, clock):
    table(probe, "DISHUB", 5, {"normal": 3})
    start = clock()
    number = probe.complain(start)
    assert probe.ticket(number).due_at == start + timedelta(hours=3)


def test_a_priority_change_uses_the_table_and_the_reminders_follow(probe, clock):
    table(probe, "DISHUB", 5, {"urgent": 1})
    start = clock()
    number = probe.complain(start)
    with session_scope(probe.engine) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
        tickets.set_priority(s, ticket, Priority.URGENT, now=start, desk=probe.desk, actor="budi")
    assert probe.ticket(number).due_at == start + timedelta(hours=1)
    with session_scope(probe.engine) as s:
        assert jobs.sla_clock(s, now=start + timedelta(minutes=35), desk=probe.desk) == 0
    with session_scope(probe.engine) as s:  # 60 % of the table's 1 h, not of 5 x 0.5
        assert jobs.sla_clock(s, now=start + timedelta(minutes=36), desk=probe.desk) == 1


def test_a_transfer_moves_the_deadline_by_the_new_units_table(probe, clock):
    table(probe, "DINKES", 5, {"high": 2})
    start = clock()
    number = probe.complain(start)
    with session_scope(probe.engine) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
        tickets.set_priority(s, ticket, Priority.HIGH, now=start, desk=probe.desk, actor="budi")
    assert probe.ticket(number).due_at == start + timedelta(hours=3, minutes=45)  # 5 x 0.75
    with session_scope(probe.engine) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
        dinkes = repo.unit_by_code(s, "DINKES")
        tickets.transfer(
            s, ticket, dinkes, reason="salah", now=start, desk=probe.desk, actor="budi"
        )
    assert probe.ticket(number).due_at == start + timedelta(hours=2)


def test_a_reopen_after_an_answer_restarts_the_clock_with_the_table(probe, clock):
    table(probe, "DISHUB", 5, {"normal": 2})
    start = clock()
    number = probe.complain(start)
    answered = start + timedelta(hours=1)
    with session_scope(probe.engine) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
        tickets.reply(s, ticket, "Sudah.", now=answered, desk=probe.desk, actor="budi")
    again = start + timedelta(days=1)
    with session_scope(probe.engine) as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
        tickets.reopen(s, ticket, now=again, desk=probe.desk, actor="budi")
    assert probe.ticket(number).due_at == again + timedelta(hours=2)
