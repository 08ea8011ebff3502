"""The SLA clock: wall time, office hours across weekends and holidays, priorities."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import holidays, sla
from bot.config import Config, PriorityFactors, SlaConfig

WIB = ZoneInfo("Asia/Jakarta")
OFFICE = Config(sla=SlaConfig(office_hours=True))


def wib(day: str, hm: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{hm}").replace(tzinfo=WIB)


def due(config: Config, received: datetime, hours: float = 5.0, priority: str = "normal"):
    return sla.due_at(config, received=received, unit_hours=hours, priority=priority)


def test_wall_clock_by_default():
    assert due(Config(), wib("2026-11-27", "15:00")) == wib("2026-11-27", "20:00")


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (("2026-11-27", "15:00"), ("2026-11-30", "12:00")),  # Friday 15:00 -> Monday 12:00
        (("2026-11-23", "10:00"), ("2026-11-23", "15:00")),  # inside one day
        (("2026-11-23", "11:00"), ("2026-11-23", "16:00")),  # exactly to closing time
        (("2026-11-23", "12:00"), ("2026-11-24", "09:00")),  # overnight
        (("2026-11-23", "06:30"), ("2026-11-23", "13:00")),  # before opening: starts at 08:00
        (("2026-11-28", "10:00"), ("2026-11-30", "13:00")),  # Saturday: starts Monday 08:00
        (("2026-12-23", "14:00"), ("2026-12-28", "11:00")),  # cuti bersama 24/12, Natal 25/12
        (("2026-03-17", "15:00"), ("2026-03-25", "12:00")),  # Nyepi and the Idul Fitri week
    ],
    ids=["friday", "same-day", "to-closing", "overnight", "early", "saturday", "natal", "lebaran"],
)
def test_office_hours(received, expected):
    assert due(OFFICE, wib(*received)) == wib(*expected)


def test_extra_holidays_and_without_national_list():
    local = replace(OFFICE, sla=replace(OFFICE.sla, extra_holidays=("2026-11-30",)))
    assert due(local, wib("2026-11-27", "15:00")) == wib("2026-12-01", "12:00")
    plain = replace(OFFICE, sla=replace(OFFICE.sla, national_holidays=False))
    assert due(plain, wib("2026-12-23", "14:00")) == wib("2026-12-24", "11:00")


def test_priority_factors_scale_the_target():
    start = wib("2026-11-23", "08:00")
    assert due(Config(), start, priority="urgent") == start + timedelta(hours=2.5)
    assert due(Config(), start, priority="high") == start + timedelta(hours=3.75)
    assert due(Config(), start, priority="low") == start + timedelta(hours=10)
    custom = Config(sla=SlaConfig(priority=PriorityFactors(urgent=0.2)))
    assert due(custom, start, priority="urgent") == start + timedelta(hours=1)
    assert due(Config(), start, hours=0) == start + timedelta(hours=5)  # unit without a target


def test_reminder_moments_count_back_from_due():
    office = sla.office_hours(OFFICE.sla, "Asia/Jakarta")
    received = wib("2026-11-27", "15:00")
    span = timedelta(hours=5)
    d = sla.add(received, span, office)
    assert sla.remind_at(d, span, 0.6, office) == wib("2026-11-30", "10:00")  # 3 h of clock
    assert sla.remind_at(d, span, 0.9, office) == wib("2026-11-30", "11:30")
    assert sla.remind_at(d, span, 0.1, office) == wib("2026-11-27", "15:30")
    assert sla.remind_at(d + span, span, 0.6, None) == d + span - timedelta(hours=2)


def test_between_counts_only_office_time():
    office = sla.office_hours(OFFICE.sla, "Asia/Jakarta")
    got = sla.between(wib("2026-11-27", "15:00"), wib("2026-11-30", "12:00"), office)
    assert got == timedelta(hours=5)
    assert sla.between(wib("2026-11-28", "09:00"), wib("2026-11-29", "17:00"), office) == timedelta(
        0
    )


def test_retarget_after_transfer_keeps_counting_from_receipt():
    received = wib("2026-11-27", "15:00")
    d = due(OFFICE, received)
    moved = sla.retarget(OFFICE, due=d, old=timedelta(hours=5), new=timedelta(hours=8))
    assert moved == wib("2026-11-30", "15:00")
    back = sla.retarget(OFFICE, due=d, old=timedelta(hours=5), new=timedelta(hours=2))
    assert back == wib("2026-11-30", "09:00")


def test_shipped_holidays_cover_the_current_year():
    days = holidays.shipped()
    assert 2026 in holidays.years()
    assert len([d for d in days if d.year == 2026]) == 25  # 17 libur nasional + 8 cuti bersama
    assert days[datetime(2026, 8, 17).date()].startswith("Proklamasi")


def test_office_calendar_without_working_days_fails_clearly():
    closed = replace(OFFICE, sla=replace(OFFICE.sla, office_days=()))
    with pytest.raises(ValueError, match="office calendar"):
        due(closed, wib("2026-11-23", "10:00"))
