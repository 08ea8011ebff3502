"""Sample contexts for previewing and validating edited reply templates (one per template key: a
key without one cannot be edited, tests/admin/test_templates_progress.py checks every key has one)."""

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
CHOICES = ["DINKES", "DPUPR"]
# the replies about one ticket that need only its number
TICKET_ONLY = (
    "ack_ethics",
    "ask_feedback",
    "feedback_noted",
    "feedback_thanks",
    "feedback_still_open",
    "reopened",
    "confidential",
)


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
        "unknown_code_unit": {
            "typed": "XYZ",
            "code": "DISHUB",
            "name": "Dinas Perhubungan",
            "choices": ["DINKES", "DPUPR"],
        },
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
        "auto_closed": {"ticket": TICKET, "unit_code": "DISHUB", "days": 3, "reopen_days": 30},
        "language_set": {},
        "rate_limited": {},
        "suggest_unit": {"code": "DISHUB", "name": "Dinas Perhubungan", "choices": CHOICES},
        "choose_unit": {"choices": ["DISHUB", *CHOICES]},
        "ask_detail": {"unit_code": "DISHUB", "question": "Di mana lokasinya? Sebutkan jalan."},
        "ask_name": {},
        "expired": {},
        **{key: {"ticket": TICKET} for key in TICKET_ONLY},
        **_committee(now),
    }


def _committee(now: datetime) -> dict[str, dict[str, Any]]:
    """The committee's messages: the alert and the replies to commands from a member's phone."""
    number = {"number": TICKET}
    return {
        "committee_alert": {
            "ticket": TICKET,
            "unit_code": "DINKES",
            "reason": "citizen_no",
            "level": "ketua",
            "messages": 4,
            "age_hours": 30,
            "due": now - timedelta(hours=2),
            "overdue": True,
            "first": "Obat di puskesmas selalu kosong.",
            "latest": "Sampai sekarang belum ada.",
        },
        "staff_unknown": {},
        "staff_not_committee": {},
        "staff_usage": {},
        "staff_unknown_unit": {"typed": "DISHB"},
        "staff_ok": {**number, "name": "Ketua Komite Pengawas Etik"},
        "staff_same_unit": {**number, "unit_code": "DISHUB"},
        "staff_transferred": {**number, "unit_code": "DINKES"},
        "staff_info": {**number, "text": "(1/1) Terbuka, DISHUB, lampu lalu lintas mati."},
        "staff_info_head": {"unit_code": "DISHUB", "status": "open"},
        **dict.fromkeys(
            (
                "staff_no_ticket",
                "staff_no_escalation",
                "staff_ticket_closed",
                "staff_answered",
                "staff_answered_held",
            ),
            number,
        ),
    }
