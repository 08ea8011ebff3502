"""Checking a login attempt: password (argon2), active account, and the throttle. No Flask here.

The throttle lives in the database, in the audit log: every attempt is a `login.*` row with the IP,
so it holds across workers and restarts, and it runs on the desk's clock.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from flask_login import UserMixin
from sqlmodel import Session

from admin import queries
from bot.messages import Role
from bot.passwords import hash_password, verify_password
from bot.problems import Problem
from store import repo
from store.models import StaffUser

MAX_FAILURES = 5
THROTTLE_WINDOW = timedelta(minutes=15)
BAD_LOGIN = "Nama pengguna atau kata sandi salah."
INACTIVE = "Akun ini dinonaktifkan. Hubungi admin."
THROTTLED = "Terlalu banyak percobaan gagal. Coba lagi dalam 15 menit."


@dataclass(frozen=True)
class Staff(UserMixin):
    """The logged-in staff member, detached from any database session."""

    id: int
    username: str
    full_name: str
    role: Role
    units: tuple[str, ...] = field(default=())
    # which password the session was opened with: a new password ends every session of the old one
    key: str = ""

    @classmethod
    def of(cls, user: StaffUser) -> Staff:
        role, units = user.role, tuple(user.units)
        return cls(user.id, user.username, user.full_name, role, units, session_key(user))  # type: ignore[arg-type]

    def get_id(self) -> str:
        """What the session cookie keeps: the account id and its password's session key."""
        return f"{self.id}:{self.key}"


def session_key(user: StaffUser) -> str:
    """A short digest of the password hash (never the hash itself: the cookie is only signed)."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def from_session(user_id: str, user: StaffUser | None) -> Staff | None:
    """The staff member a session stands for, or None when the account is gone, deactivated or
    its password was changed since the login (flask-login's session id is `get_id()`)."""
    if user is None or not user.active:
        return None
    staff = Staff.of(user)
    return staff if user_id == staff.get_id() else None


def authenticate(
    db: Session, username: str, password: str, *, ip: str, now: datetime
) -> Staff | Problem:
    """Check a login attempt and record it in the audit log; the staff member, or why not."""
    if throttled(db, username, ip=ip, now=now):
        record(db, username, "login.throttled", ip, now)
        return Problem(THROTTLED)
    user = queries.staff_by_username(db, username)
    # Verify against a dummy hash for unknown names, so timing does not tell which names exist.
    ok = verify_password(user.password_hash if user else _dummy_hash(), password)
    if user is None or not ok:
        record(db, username, "login.failed", ip, now)
        return Problem(BAD_LOGIN)
    if not user.active:
        record(db, username, "login.failed", ip, now, user_id=user.id, reason="inactive")
        return Problem(INACTIVE)
    user.last_login_at = now
    record(db, username, "login.ok", ip, now, user_id=user.id)
    return Staff.of(user)


def throttled(db: Session, username: str, *, ip: str, now: datetime) -> bool:
    """MAX_FAILURES failed attempts for this name from this IP within the window, since the last success."""
    failures = 0
    for row in queries.login_attempts(db, username, since=now - THROTTLE_WINDOW):
        if row.after.get("ip") != ip:
            continue
        failures = 0 if row.action == "login.ok" else failures + 1
    return failures >= MAX_FAILURES


def record(db: Session, username: str, action: str, ip: str, now: datetime, **extra: Any) -> None:
    repo.audit(
        db,
        actor=username or "-",
        action=action,
        entity="login",
        entity_id=extra.get("user_id"),
        now=now,
        after={"ip": ip},
        reason=extra.get("reason", ""),
    )


@cache
def _dummy_hash() -> str:
    return hash_password("tidak-ada-pengguna")
