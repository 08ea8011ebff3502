"""SLA, jobs and scheduler config: bad values stop start-up and name the key."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, build_config


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"sla": {"office_start": "8 pagi"}}, "sla.office_start"),
        ({"sla": {"office_start": "17:00"}}, "sla.office_end"),
        ({"sla": {"office_days": ["senin"]}}, "sla.office_days"),
        ({"sla": {"extra_holidays": ["31-12-2026"]}}, "sla.extra_holidays"),
        ({"sla": {"priority": {"urgent": 0}}}, "sla.priority"),
        ({"sla": {"priority": {"kritis": 0.1}}}, "sla.priority.kritis"),
        ({"sla": {"reminder_at": 0.95}}, "sla.reminder_at"),
        ({"jobs": {"auto_close_days": -1}}, "jobs.auto_close_days"),
        ({"jobs": {"digest_time": "25:00"}}, "jobs.digest_time"),
        ({"jobs": {"staff_channel": "pos"}}, "jobs.staff_channel"),
        ({"scheduler": {"renew_seconds": 60}}, "scheduler.renew_seconds"),
    ],
    ids=[
        "office-start", "office-order", "office-day", "holiday-format", "zero-factor",
        "unknown-priority", "reminder-order", "negative-days", "bad-time", "unknown-channel",
        "renew-after-expiry",
    ],
)  # fmt: skip
def test_bad_values_name_the_key(data, message):
    with pytest.raises(ConfigError, match=message.replace(".", r"\.")):
        build_config(data, {})


def test_good_values_load():
    cfg = build_config(
        {
            "sla": {"office_hours": True, "extra_holidays": ["2026-12-31"], "priority": {"low": 3}},
            "jobs": {"auto_close_days": 0, "staff_channel": "twilio"},
            "channels": {"enabled": ["simulator", "twilio"]},
            "scheduler": {"in_web": True},
        },
        {},
    )
    assert cfg.sla.office_hours and cfg.sla.priority.low == 3.0 and cfg.sla.priority.urgent == 0.5
    assert cfg.jobs.auto_close_days == 0 and cfg.scheduler.in_web


def test_the_retired_pause_key_is_ignored_with_a_warning(caplog):
    with caplog.at_level("WARNING", logger="bot.config"):
        cfg = build_config({"sla": {"pause_while_waiting": True}}, {})
    assert not hasattr(cfg.sla, "pause_while_waiting")
    assert "sla.pause_while_waiting' is ignored" in caplog.text
