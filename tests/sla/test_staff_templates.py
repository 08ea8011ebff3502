"""Staff messages (reminder, digest, recap summary): both languages, plain GSM-7, one or two SMS."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.replies import LANGUAGES, make_env, render
from bot.replies.sms import is_gsm7, segments

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
LINK = "https://aduan.example.go.id/admin/tickets/4827193"
SAMPLES = {
    "sla_reminder": {
        "ticket": "4827193", "unit_code": "DISDUKCAPIL", "percent": 90,
        "due": NOW + timedelta(hours=1), "link": LINK,
    },
    "digest": {"unit_code": "DISDUKCAPIL", "open": 12, "overdue": 3, "due_today": 4, "answered": 9, "link": LINK},
    "recap": {
        "month": "2026-10", "empty": False, "received": 1234, "answered": 1200, "within_pct": "93,5", "median": "2,25",
        "open": 34, "overdue": 12, "ethics": 3, "link": "https://aduan.example.go.id/admin/recap?month=2026-10",
    },
    "recap_empty": {
        "month": "2026-10", "empty": True, "received": 0, "answered": 0, "within_pct": "-", "median": "-",
        "open": 0, "overdue": 0, "ethics": 0, "link": "https://aduan.example.go.id/admin/recap?month=2026-10",
    },
}  # fmt: skip


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("key", sorted(SAMPLES))
def test_staff_templates_render_short_and_plain(key, lang):
    template = f"staff/{key.removesuffix('_empty')}"
    text = render(make_env(), template, lang, now=NOW, **SAMPLES[key])
    assert is_gsm7(text) and segments(text) <= 2, text
    assert "-%" not in text
    other = render(make_env(), template, "en" if lang == "id" else "id", now=NOW, **SAMPLES[key])
    assert text != other


def test_reminder_wording():
    text = render(
        make_env(), "staff/sla_reminder", "id", now=NOW, **{**SAMPLES["sla_reminder"], "link": ""}
    )
    assert text == (
        "PENGINGAT: aduan 4827193 (DISDUKCAPIL) belum dijawab, 90% waktu sudah terpakai. "
        "Batas pukul 11.00 WIB."
    )
