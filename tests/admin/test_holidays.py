"""The dashboard warns admins when the office-hours SLA clock lacks this year's holiday list (from 1
December also next year's): the official dates are never guessed, an officer adds the file."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot import holidays
from bot.config import SlaConfig

DECEMBER = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # 08:00 WIB on the 1st
WARNING = 'id="no-holidays-2027"'


@pytest.fixture
def config(config, request):
    """The office-hours clock unless the test says otherwise (parametrize indirect)."""
    return replace(config, sla=SlaConfig(office_hours=getattr(request, "param", True)))


@pytest.fixture(autouse=True)
def only_2026(monkeypatch):
    """The lists as shipped when this was written, whatever files are added later."""
    monkeypatch.setattr(holidays, "years", lambda: [2026])


def test_admins_are_warned_from_december_when_next_years_list_is_missing(browser, clock):
    browser.login("admin")
    assert WARNING not in browser.page("/admin/dashboard")  # November: 2026 is there
    clock.now = DECEMBER
    page = browser.page("/admin/dashboard")
    assert WARNING in page and "bot/holidays/2027.toml" in page
    assert "no-holidays-2026" not in page


def test_this_years_missing_list_is_a_warning_all_year(browser, clock, monkeypatch):
    monkeypatch.setattr(holidays, "years", lambda: [2025])
    browser.login("admin")
    assert 'id="no-holidays-2026"' in browser.page("/admin/dashboard")


def test_officers_are_not_warned(browser, clock):
    clock.now = DECEMBER
    browser.login("petugas")
    assert WARNING not in browser.page("/admin/dashboard")


@pytest.mark.parametrize("config", [False], indirect=True)
def test_no_warning_when_the_clock_runs_around_the_clock(browser, clock):
    clock.now = DECEMBER
    browser.login("admin")
    assert WARNING not in browser.page("/admin/dashboard")


def test_the_warning_is_in_english_too(browser, clock):
    clock.now = DECEMBER
    browser.login("admin")
    browser.client.get("/admin/lang/en")
    assert "The list of public holidays and cuti bersama for 2027" in browser.page(
        "/admin/dashboard"
    )
