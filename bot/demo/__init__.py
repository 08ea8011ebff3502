"""Demo data for `make run`: nine units of a kabupaten, their prepared answers, two staff logins, three committee phones."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from bot.messages import Role
from bot.passwords import hash_password
from store import repo
from store.models import Answer, StaffUser, Unit

HERE = Path(__file__).parent
# Printed by `make run`; change them (or create real users) before anyone else can reach the admin.
DEMO_LOGINS = (
    ("admin", "admin-demo", Role.ADMIN, [], "Admin Demo"),
    ("petugas", "petugas-demo", Role.OFFICER, ["DISHUB", "DPUPR"], "Petugas SMS Demo"),
)


# The oversight committee: escalations reach their phones (the simulator stands in for them).
DEMO_COMMITTEE = (
    ("anggota", "anggota", "+6281100000001", "Anggota Komite Demo"),
    ("ketua", "ketua", "+6281100000002", "Ketua Komite Demo"),
    ("pengarah", "pengarah", "+6281100000003", "Pengarah Komite Demo"),
)
COMMITTEE_PASSWORD = "komite-demo"


def _load(name: str) -> list[dict]:
    return json.loads((HERE / name).read_text(encoding="utf-8"))


def seed_demo(session: Session, *, now: datetime) -> bool:
    """Fill an empty database with the demo desk; does nothing (False) if any unit exists."""
    if repo.count_rows(session, Unit):
        return False
    units = {}
    for row in _load("units.json"):
        unit = Unit(**row)
        session.add(unit)
        units[unit.code] = unit
    session.flush()
    for row in _load("answers.json"):
        unit = units[row.pop("unit")]
        session.add(Answer(unit_id=unit.id, updated_at=now, updated_by="demo", **row))
    for username, password, role, unit_codes, full_name in DEMO_LOGINS:
        session.add(
            StaffUser(
                username=username,
                password_hash=hash_password(password),
                role=role,
                units=unit_codes,
                full_name=full_name,
                created_at=now,
            )
        )
    committee_hash = hash_password(COMMITTEE_PASSWORD)  # argon2 is slow on purpose: hash once
    for username, level, phone, full_name in DEMO_COMMITTEE:
        session.add(
            StaffUser(
                username=username,
                password_hash=committee_hash,
                role=Role.COMMITTEE,
                full_name=full_name,
                phone=phone,
                committee_level=level,
                preferred_channel="simulator",
                created_at=now,
            )
        )
    session.flush()
    return True
