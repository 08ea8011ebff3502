"""Times, durations and the SLA label, without the web layer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from admin.display import duration, local_time, sla
from bot.messages import TicketStatus
from store.models import Ticket

RECEIVED = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
DUE = RECEIVED + timedelta(hours=5)


def ticket(**values) -> Ticket:
    fields = {
        "number": "1000000",
        "contact_id": 1,
        "unit_id": 1,
        "channel": "simulator",
        "address": "+6281234567890",
        "received_at": RECEIVED,
        "due_at": DUE,
        "updated_at": RECEIVED,
    }
    return Ticket(**{**fields, **values})


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(0), "0 m"),
        (timedelta(minutes=45, seconds=59), "45 m"),
        (timedelta(hours=3, minutes=12), "3 j 12 m"),
        (timedelta(hours=27, minutes=5), "27 j 5 m"),
    ],
    ids=["zero", "minutes", "hours", "over-a-day"],
)
def test_duration(delta, text):
    assert duration(delta) == text


@pytest.mark.parametrize(
    ("values", "now", "expected"),
    [
        ({}, RECEIVED, ("sisa 5 j 0 m", "ok")),
        ({}, DUE - timedelta(hours=3, minutes=12, seconds=30), ("sisa 3 j 12 m", "ok")),
        ({}, DUE - timedelta(minutes=59), ("sisa 59 m", "soon")),
        ({}, DUE, ("lewat 0 m", "late")),
        ({}, DUE + timedelta(seconds=10), ("lewat 1 m", "late")),
        ({}, DUE + timedelta(minutes=20), ("lewat 20 m", "late")),
        (
            {"first_answer_at": DUE - timedelta(hours=1)},
            DUE + timedelta(hours=9),
            ("dijawab tepat waktu", "done"),
        ),
        ({"first_answer_at": DUE + timedelta(minutes=20)}, DUE, ("dijawab terlambat 20 m", "done")),
        ({"status": TicketStatus.CLOSED}, DUE + timedelta(days=2), ("ditutup", "done")),
    ],
    ids=[
        "fresh",
        "hours-left",
        "last-hour",
        "at-deadline",
        "seconds-over",
        "overdue",
        "answered-in-time",
        "answered-late",
        "closed-unanswered",
    ],
)
def test_sla_label(values, now, expected):
    assert sla(ticket(**values), now) == expected


@pytest.mark.parametrize(
    ("zone", "text"),
    [
        ("Asia/Jakarta", "23/11/2026 10.00 WIB"),
        ("Asia/Makassar", "23/11/2026 11.00 WITA"),
        ("Asia/Jayapura", "23/11/2026 12.00 WIT"),
    ],
    ids=["wib", "wita", "wit"],
)
def test_local_time_uses_the_desk_zone(zone, text):
    assert local_time(RECEIVED, ZoneInfo(zone)) == text
    assert local_time(None, ZoneInfo(zone)) == "—"


@pytest.mark.parametrize(
    ("values", "now", "expected"),
    [
        ({}, DUE - timedelta(hours=3, minutes=12, seconds=30), ("3 h 12 m left", "ok")),
        ({}, DUE + timedelta(minutes=20), ("20 m overdue", "late")),
        ({"first_answer_at": DUE - timedelta(hours=1)}, DUE, ("answered on time", "done")),
        ({"first_answer_at": DUE + timedelta(minutes=20)}, DUE, ("answered 20 m late", "done")),
        ({"status": TicketStatus.CLOSED}, DUE + timedelta(days=2), ("closed", "done")),
    ],
    ids=["hours-left", "overdue", "answered-in-time", "answered-late", "closed-unanswered"],
)
def test_sla_label_in_english(values, now, expected):
    """The inbox's deadline column read "sisa 4 j 12 m" with EN chosen."""
    assert sla(ticket(**values), now, "en") == expected
