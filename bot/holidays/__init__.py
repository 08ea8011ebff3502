"""The shipped lists of Indonesian public holidays and cuti bersama, one TOML file per year."""

from __future__ import annotations

import tomllib
from datetime import date
from functools import cache
from pathlib import Path

_DIR = Path(__file__).parent


@cache
def shipped() -> dict[date, str]:
    """Every holiday in bot/holidays/<year>.toml: date -> name (both tables together)."""
    days: dict[date, str] = {}
    for path in sorted(_DIR.glob("[0-9][0-9][0-9][0-9].toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for table in data.values():
            days.update({date.fromisoformat(day): name for day, name in table.items()})
    return days


def years() -> list[int]:
    """The years a shipped list exists for (`sla.warn_missing_holidays` logs a deadline outside them)."""
    return sorted({d.year for d in shipped()})


def needed(today: date) -> list[int]:
    """The years whose list an office-hours desk needs now: this one, and from 1 December the next
    (deadlines set in late December already run into January)."""
    return [today.year, today.year + 1] if today.month == 12 else [today.year]


def missing(today: date) -> list[int]:
    """The `needed` years no shipped file covers: the admin dashboard warns, `aduan holidays check`
    fails. The official dates (SKB 3 Menteri) are never guessed: an officer adds the year's file."""
    have = set(years())
    return [year for year in needed(today) if year not in have]
