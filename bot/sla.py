"""The SLA clock (DESIGN §8): due times and reminder moments. Pure: no database; it only logs.

Without office hours the clock is wall time. With office hours it only runs inside the working window
(Mon-Fri 08:00-16:00 Asia/Jakarta by default) on days that are not holidays or cuti bersama: a
complaint on Friday at 15:00 with a 5-hour target uses one hour on Friday and four on Monday, so it is
due Monday at 12:00.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot import holidays
from bot.config import WEEKDAYS, Config, SlaConfig

log = logging.getLogger(__name__)

MAX_DAYS = 3660  # a broken calendar (no working day at all) must not loop forever
ZERO = timedelta(0)


@dataclass(frozen=True)
class OfficeHours:
    """When the clock runs: a daily window on working days, in one time zone."""

    zone: ZoneInfo
    start: time
    end: time
    days: frozenset[int]  # Monday = 0
    holidays: frozenset[date]

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        """The day's working window, or None on a weekend or holiday."""
        if day.weekday() not in self.days or day in self.holidays:
            return None
        return (
            datetime.combine(day, self.start, tzinfo=self.zone),
            datetime.combine(day, self.end, tzinfo=self.zone),
        )


def office_hours(cfg: SlaConfig, tz: str) -> OfficeHours | None:
    """The office calendar from config, or None when the clock runs around the clock."""
    if not cfg.office_hours:
        return None
    days = set(holidays.shipped()) if cfg.national_holidays else set()
    days |= {date.fromisoformat(d) for d in cfg.extra_holidays}
    return OfficeHours(
        zone=ZoneInfo(tz),
        start=time.fromisoformat(cfg.office_start),
        end=time.fromisoformat(cfg.office_end),
        days=frozenset(WEEKDAYS.index(d) for d in cfg.office_days),
        holidays=frozenset(days),
    )


def target(
    cfg: SlaConfig,
    unit_hours: float | None,
    priority: str,
    table: Mapping[str, float] | None = None,
) -> timedelta:
    """The time allowed for a first answer: the hours the unit's priority table sets for this priority
    (DESIGN §4), else the unit's hours (or the default) times the global priority factor."""
    if table and table.get(str(priority)):
        return timedelta(hours=table[str(priority)])
    hours = unit_hours or cfg.default_hours
    factor = asdict(cfg.priority).get(str(priority), 1.0)
    return timedelta(hours=hours * factor)


def unit_target(cfg: SlaConfig, unit: Any, priority: str) -> timedelta:
    """`target` for a unit row (sla_hours and its priority table); None stands for no unit."""
    if unit is None:
        return target(cfg, None, priority)
    return target(cfg, unit.sla_hours, priority, unit.priority_hours)


def add(start: datetime, span: timedelta, office: OfficeHours | None) -> datetime:
    """The moment `span` of clock time after start (before it when span is negative)."""
    if office is None:
        return start + span
    if span < ZERO:
        return _back(start, -span, office)
    cursor, left = start.astimezone(office.zone), span
    for offset in range(MAX_DAYS):
        window = office.window(cursor.date() + timedelta(days=offset))
        if window is None:
            continue
        begin, end = max(window[0], cursor), window[1]
        if begin < end:
            if left <= end - begin:
                return begin + left
            left -= end - begin
    raise ValueError("no working time found within ten years: check the office calendar")


def _back(start: datetime, span: timedelta, office: OfficeHours) -> datetime:
    cursor, left = start.astimezone(office.zone), span
    for offset in range(MAX_DAYS):
        window = office.window(cursor.date() - timedelta(days=offset))
        if window is None:
            continue
        begin, end = window[0], min(window[1], cursor)
        if begin < end:
            if left <= end - begin:
                return end - left
            left -= end - begin
    raise ValueError("no working time found within ten years: check the office calendar")


def between(start: datetime, stop: datetime, office: OfficeHours | None) -> timedelta:
    """Clock time from start to stop (zero when stop is not later)."""
    if stop <= start:
        return ZERO
    if office is None:
        return stop - start
    total, day = ZERO, start.astimezone(office.zone).date()
    last = stop.astimezone(office.zone).date()
    while day <= last:
        window = office.window(day)
        if window is not None:
            total += max(ZERO, min(window[1], stop) - max(window[0], start))
        day += timedelta(days=1)
    return total


def due_at(
    config: Config,
    *,
    received: datetime,
    unit_hours: float | None,
    priority: str,
    table: Mapping[str, float] | None = None,
) -> datetime:
    """When the first answer is due for a complaint received at `received` (service, at receipt);
    `table` is the unit's priority table (`target`)."""
    span = target(config.sla, unit_hours, priority, table)
    due = add(received, span, office_hours(config.sla, config.app.timezone))
    warn_missing_holidays(config.sla, received, due)
    return due


def retarget(config: Config, *, due: datetime, old: timedelta, new: timedelta) -> datetime:
    """The due time after the target changed (transfer to another unit, new priority).

    The clock keeps running from receipt (or from a reopening): the due time moves by the difference
    of the targets."""
    moved = add(due, new - old, office_hours(config.sla, config.app.timezone))
    warn_missing_holidays(config.sla, min(due, moved), max(due, moved))
    return moved


def missing_holiday_lists(cfg: SlaConfig, today: date) -> list[int]:
    """The years the office-hours clock needs a holiday list for and has none (`holidays.missing`);
    none when the clock runs around the clock or the desk does not use the shipped lists."""
    if not (cfg.office_hours and cfg.national_holidays):
        return []
    return holidays.missing(today)


_warned: set[int] = set()


def warn_missing_holidays(cfg: SlaConfig, start: datetime, stop: datetime) -> list[int]:
    """Log a warning, once per year and process, when an office-hours deadline spans a year without a
    shipped holiday list (bot/holidays/<year>.toml): those days count as working days. Returns the
    years warned about now."""
    if not (cfg.office_hours and cfg.national_holidays):
        return []
    shipped = set(holidays.years())
    missing = [y for y in range(start.year, stop.year + 1) if y not in shipped and y not in _warned]
    for year in missing:
        _warned.add(year)
        log.warning(
            "no holiday list for %d (bot/holidays/%d.toml): office-hours deadlines count its "
            "public holidays and cuti bersama as working days; add the file or [sla] extra_holidays",
            year,
            year,
        )
    return missing


def round_suffix(ticket: Any) -> str:
    """The part of a ticket's job keys that names its round: a reopen after an answer starts one."""
    return f":r{ticket.reopened_count}" if ticket.first_answer_at is not None else ""


def breach_key(ticket: Any) -> str:
    """The JobMark key of the ticket's breach in its current round (`jobs.sla_clock`)."""
    return f"sla:{ticket.id}:breach{round_suffix(ticket)}"


def remind_at(due: datetime, span: timedelta, share: float, office: OfficeHours | None) -> datetime:
    """When `share` of the target has run: counted back from the due time, so a retarget moves it too."""
    return add(due, -(span * (1 - share)), office)
