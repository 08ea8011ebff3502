"""The inbox: who sees which tickets, filters, masked phones, local times and the SLA countdown."""

from __future__ import annotations

import pytest

from bot.messages import TicketStatus


@pytest.mark.parametrize(
    ("user", "sees_dishub", "sees_dinkes"),
    [("petugas", True, False), ("admin", True, True)],
    ids=["officer-own-units", "admin-all"],
)
def test_inbox_shows_the_tickets_the_user_may_open(
    browser, dishub, dinkes, user, sees_dishub, sees_dinkes
):
    browser.login(user)
    html = browser.page("/admin/")
    assert (dishub in html) is sees_dishub
    assert (dinkes in html) is sees_dinkes


@pytest.mark.parametrize(
    ("user", "visible"), [("petugas", False), ("admin", True)], ids=["officer", "admin"]
)
def test_ethics_tickets_are_hidden_from_officers(browser, dishub, set_ticket, user, visible):
    set_ticket(dishub, ethics=True)
    browser.login(user)
    assert (dishub in browser.page("/admin/")) is visible
    # nobody may send a library draft on an ethics case: it is in no one's approval queue
    assert dishub not in browser.page("/admin/drafts")


def test_inbox_row_shows_masked_phone_unit_status_and_wib_time(browser, dishub):
    browser.login("petugas")
    html = browser.page("/admin/")
    assert "+62812*****890" in html
    assert "81234567890" not in html  # never the whole number
    assert "DISHUB" in html and "Terbuka" in html
    assert "23/11/2026 10.00 WIB" in html  # 03:00 UTC


@pytest.mark.parametrize(
    ("later", "label"),
    [
        ({"hours": 0}, "sisa 5 j 0 m"),
        ({"hours": 1, "minutes": 48}, "sisa 3 j 12 m"),
        ({"hours": 4, "minutes": 15}, "sisa 45 m"),
        ({"hours": 5, "minutes": 20}, "lewat 20 m"),
    ],
    ids=["fresh", "hours-left", "minutes-left", "overdue"],
)
def test_inbox_counts_down_to_the_deadline(browser, dishub, clock, later, label):
    browser.login("petugas")
    clock.advance(**later)
    assert label in browser.page("/admin/")


def test_inbox_counts_down_in_english_when_english_is_chosen(browser, dishub, clock):
    browser.login("petugas")
    browser.client.get("/admin/lang/en")
    clock.advance(hours=1, minutes=48)
    page = browser.page("/admin/")
    assert "3 h 12 m left" in page and "sisa" not in page


def test_inbox_lists_newest_first(browser, clock):
    first = browser.say("DISHUB #lampu lalu lintas di simpang lima mati")
    clock.advance(minutes=5)
    second = browser.say("DPUPR #jalan berlubang di depan pasar", sender="085711112222")
    browser.login("petugas")
    html = browser.page("/admin/")
    assert html.index(second) < html.index(first)


@pytest.mark.parametrize(
    ("query", "shows_dishub", "shows_dinkes"),
    [
        ("", True, True),
        ("?status=open", True, False),
        ("?status=answered", False, True),
        ("?status=closed", False, False),
        ("?unit=DINKES", False, True),
        ("?unit=dishub", True, False),
        ("?unit=DINKES&status=open", False, False),
        ("?status=bogus&page=x", True, True),
    ],
    ids=[
        "all",
        "open",
        "answered",
        "closed",
        "unit",
        "unit-lowercase",
        "both",
        "bad-values-ignored",
    ],
)
def test_inbox_filters_by_status_and_unit(
    browser, dishub, dinkes, set_ticket, query, shows_dishub, shows_dinkes
):
    set_ticket(dinkes, status=TicketStatus.ANSWERED)
    browser.login("admin")
    html = browser.page("/admin/" + query)
    assert (dishub in html) is shows_dishub
    assert (dinkes in html) is shows_dinkes


def test_officer_cannot_filter_their_way_into_another_unit(browser, dinkes):
    browser.login("petugas")
    html = browser.page("/admin/?unit=DINKES")
    assert dinkes not in html and "Tidak ada tiket." in html
    assert 'value="DINKES"' not in html  # not offered in the unit filter either
