"""Sample contexts for previewing and validating edited reply templates (one per template key)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

UNITS = [
    {"code": "DISHUB", "name": "Dinas Perhubungan"},
    {"code": "DINKES", "name": "Dinas Kesehatan"},
    {"code": "DPUPR", "name": "Dinas Pekerjaan Umum dan Penataan Ruang"},
]
TICKET = "4827193"
BODY = "Terima kasih atas laporannya. Lampu lalu lintas di Simpang Lima sudah diperbaiki."


def samples(now: datetime) -> dict[str, dict[str, Any]]:
    """What each template is rendered with in the sandbox preview."""
    due = now + timedelta(hours=5)
    unit = {"unit_code": "DISHUB", "unit_name": "Dinas Perhubungan"}
    return {
        "ack_new": {"ticket": TICKET, **unit, "due": due, "link": "https://aduan.example/t/abc"},
        "ack_append": {"ticket": TICKET, **unit},
        "help": {"units": UNITS},
        "codes": {"units": UNITS},
        "confirm_unit": {"code": "DISHUB", "name": "Dinas Perhubungan"},
        "unknown_code": {"typed": "DISHB", "units": UNITS},
        "ask_text": unit,
        "status": {
            "tickets": [
                {
                    "number": TICKET,
                    "unit_code": "DISHUB",
                    "status": "open",
                    "due": due,
                    "answered_at": None,
                },
                {
                    "number": "5930412",
                    "unit_code": "PDAM",
                    "status": "answered",
                    "due": now,
                    "answered_at": now,
                },
            ]
        },
        "status_none": {},
        "status_not_found": {"number": "1234567"},
        "cancelled": {},
        "nothing_to_cancel": {},
        "answer": {"ticket": TICKET, "unit_code": "DISHUB", "body": BODY},
        "opted_out": {},
        "opted_in": {},
        "too_long": {"limit": 1600},
        "closed_unanswered": {
            "ticket": TICKET,
            "unit_code": "DISHUB",
            "reason": "lampu sudah menyala saat petugas datang",
        },
        "transferred": {
            "ticket": TICKET,
            "unit_code": "DPUPR",
            "unit_name": "Dinas Pekerjaan Umum dan Penataan Ruang",
            "due": due,
        },
    }
