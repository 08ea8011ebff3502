"""Settings (admin only): units and their follow-up questions, staff users and committee members."""

from __future__ import annotations

import itertools
from dataclasses import asdict
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_user
from sqlmodel import Session, col, select

from admin import ID, bp, reply_templates  # noqa: F401  (attaches the template routes)
from admin.access import roles
from admin.accounts import Staff
from admin.auth import me
from admin.display import PRIORITY
from admin.i18n import say, tr
from admin.views import runtime
from bot import committee, sla
from bot.messages import Role
from bot.parsers.phone import PhoneError, normalize_phone
from bot.passwords import hash_password
from bot.problems import Problem
from store import repo
from store.db import read_session, session_scope
from store.models import StaffUser, Unit

LEVELS = ("anggota", "ketua", "pengarah")
MIN_PASSWORD = 10
PRIORITIES = ("urgent", "high", "normal", "low")  # fastest first
PRIORITY_HOURS = "Jam per prioritas harus angka lebih dari 0 sampai 720, atau dikosongkan."
PRIORITY_ORDER = (
    "Perhatian: tenggat prioritas %(faster)s lebih lama daripada prioritas %(slower)s. "
    "Tabel tetap disimpan; periksa kembali bila tidak disengaja."
)
UNIT_INVALID = "Kode (huruf/angka), nama dan jam SLA (0–720) wajib benar."
UNIT_EXISTS = "Unit %(code)s sudah ada."
UNIT_SAVED = "Unit %(code)s disimpan."
UNKNOWN_ROLE = "Peran tidak dikenal."
BAD_PHONE = "Nomor HP tidak sah."
NO_UNITS = "Petugas harus melayani minimal satu unit."
COMMITTEE_NEEDS = "Anggota komite perlu tingkat (anggota/ketua/pengarah) dan nomor HP."
SHORT_PASSWORD = "Kata sandi minimal %(min)d karakter."
BAD_USERNAME = "Nama pengguna kosong, tidak sah, atau sudah dipakai."
NOT_YOURSELF = "Anda tidak dapat menonaktifkan akun Anda sendiri."
STAFF_SAVED = "Akun %(username)s disimpan."


@bp.get("/settings")
@roles(Role.ADMIN)
def settings() -> ResponseReturnValue:
    """Units, staff and committee at a glance."""
    with read_session(runtime().engine) as db:
        units = list(db.exec(select(Unit).order_by(col(Unit.code))))
        staff = list(
            db.exec(select(StaffUser).order_by(col(StaffUser.role), col(StaffUser.username)))
        )
    return render_template("admin/settings.html", units=units, staff=staff)


def _lines(name: str) -> list[str]:
    return [x.strip() for x in request.form.get(name, "").splitlines() if x.strip()]


def _audit(
    db: Session, entity: str, entity_id: int | None, before: dict[str, Any], after: dict[str, Any]
) -> None:
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    if changed:
        repo.audit(
            db,
            actor=me().username,
            action=f"{entity}.save",
            entity=entity,
            entity_id=entity_id,
            now=runtime().now(),
            before={k: before.get(k) for k in changed},
            after=changed,
        )


@bp.route("/settings/units/new", methods=["GET", "POST"])
@bp.route(f"/settings/units/<{ID}:unit_id>", methods=["GET", "POST"])
@roles(Role.ADMIN)
def settings_unit(unit_id: int | None = None) -> ResponseReturnValue:
    """A unit: name, aliases, description (used for routing), SLA hours, follow-up questions."""
    with session_scope(runtime().engine) as db:
        unit = db.get(Unit, unit_id) if unit_id else None
        if unit_id and unit is None:
            abort(404)
        if request.method == "GET":
            return _unit_page(unit)
        f = request.form
        code = (unit.code if unit else f.get("code", "")).strip().upper()
        try:
            hours = float(f.get("sla_hours", "5"))
        except ValueError:
            hours = -1
        if (
            not code.isalnum()
            or len(code) > 20
            or not f.get("name", "").strip()
            or not 0 < hours <= 720
        ):
            flash(tr(UNIT_INVALID), "error")
            return _unit_page(unit), 400
        table = _priority_hours()
        if isinstance(table, Problem):
            flash(say(table), "error")
            return _unit_page(unit), 400
        if unit is None and repo.unit_by_code(db, code):
            flash(tr(UNIT_EXISTS) % {"code": code}, "error")
            return _unit_page(None), 400
        before = unit.model_dump() if unit else {}
        unit = unit or Unit(code=code, name="")
        unit.name, unit.description = (
            f.get("name", "").strip()[:200],
            f.get("description", "").strip(),
        )
        unit.aliases = [a.upper() for a in _lines("aliases")]
        unit.questions, unit.sla_hours = _lines("questions"), hours
        unit.priority_hours, unit.active = table, bool(f.get("active"))
        db.add(unit)
        db.flush()
        _audit(db, "unit", unit.id, before, unit.model_dump())
        wrong = _out_of_order(unit)
    if wrong:
        names = {"faster": tr(PRIORITY[wrong[0]]), "slower": tr(PRIORITY[wrong[1]])}
        flash(tr(PRIORITY_ORDER) % names, "info")
    flash(tr(UNIT_SAVED) % {"code": code}, "ok")
    return redirect(url_for("admin.settings"), 303)


def _unit_page(unit: Unit | None) -> str:
    """The unit form; the priority table shows the global factor each empty field falls back to."""
    factors = asdict(runtime().desk.config.sla.priority)
    return render_template("admin/unit.html", unit=unit, factors=factors, priorities=PRIORITIES)


def _priority_hours() -> dict[str, float] | Problem:
    """The unit's priority table from the form (DESIGN §4), or why it cannot be saved: hours per
    priority, a field left empty takes the unit's SLA hours times the [sla.priority] factor."""
    table: dict[str, float] = {}
    for priority in PRIORITIES:
        raw = request.form.get(f"priority_{priority}", "").strip().replace(",", ".")
        if not raw:
            continue
        try:
            table[priority] = float(raw)
        except ValueError:
            return Problem(PRIORITY_HOURS)
        if not 0 < table[priority] <= 720:
            return Problem(PRIORITY_HOURS)
    return table


def _out_of_order(unit: Unit) -> tuple[str, str] | None:
    """The first pair of priorities whose targets run the wrong way (urgent <= high <= normal <=
    low), counted as the clock will count them: saved all the same, with a warning, since an
    unusual table (a unit whose "low" work is quick) may be meant."""
    cfg = runtime().desk.config.sla
    for faster, slower in itertools.pairwise(PRIORITIES):
        if sla.unit_target(cfg, unit, faster) > sla.unit_target(cfg, unit, slower):
            return faster, slower
    return None


def _staff_values(db: Session, user: StaffUser | None) -> dict[str, Any] | Problem:
    """The form's staff fields, or the reason they cannot be saved."""
    f = request.form
    role = f.get("role", "")
    if role not in set(Role):
        return Problem(UNKNOWN_ROLE)
    known = {u.code for u in repo.active_units(db)}
    units = [c for c in f.getlist("units") if c in known]
    # an inactive unit has no checkbox on the form: an edit keeps it rather than dropping it unseen
    units += [c for c in (user.units if user else []) if c not in known and c not in units]
    phone = f.get("phone", "").strip()
    if phone:
        try:
            phone = normalize_phone(phone)
        except PhoneError:
            return Problem(BAD_PHONE)
    level = f.get("committee_level", "")
    values = {
        "full_name": f.get("full_name", "").strip()[:120],
        "role": Role(role),
        "units": units if role == Role.OFFICER else [],
        "phone": phone or None,
        "committee_level": level if role == Role.COMMITTEE and level in LEVELS else None,
        "preferred_channel": f.get("preferred_channel", "").strip()[:20],
        "active": bool(f.get("active")),
    }
    if role == Role.OFFICER and not units:
        return Problem(NO_UNITS)
    if role == Role.COMMITTEE and (not values["committee_level"] or not phone):
        return Problem(COMMITTEE_NEEDS)
    password = f.get("password", "")
    if password or user is None:
        if len(password) < MIN_PASSWORD:
            return Problem(SHORT_PASSWORD, {"min": MIN_PASSWORD})
        values["password_hash"] = hash_password(password)
    return values


@bp.route("/settings/staff/new", methods=["GET", "POST"])
@bp.route(f"/settings/staff/<{ID}:user_id>", methods=["GET", "POST"])
@roles(Role.ADMIN)
def settings_staff(user_id: int | None = None) -> ResponseReturnValue:
    """A staff account: officer (units), committee member (level, phone, channel) or admin."""
    with session_scope(runtime().engine) as db:
        user = db.get(StaffUser, user_id) if user_id else None
        if user_id and user is None:
            abort(404)
        units = repo.active_units(db)
        page = {"user": user, "units": units, "levels": LEVELS, "roles": list(Role)}
        if request.method == "GET":
            return render_template("admin/staff.html", **page)
        username = user.username if user else request.form.get("username", "").strip().lower()[:80]
        values = _staff_values(db, user)
        if user is None and (
            not username.replace(".", "").replace("_", "").isalnum()
            or db.exec(select(StaffUser).where(StaffUser.username == username)).first()
        ):
            values = Problem(BAD_USERNAME)
        if user is not None and not isinstance(values, Problem):
            if user.id == me().id and not values["active"]:
                values = Problem(NOT_YOURSELF)
        if isinstance(values, Problem):
            # the form comes back as typed, to be corrected, not retyped
            flash(say(values), "error")
            return render_template("admin/staff.html", **page, form=request.form), 400
        before = _public(user) if user else {}
        user = user or StaffUser(username=username, created_at=runtime().now())
        for key, value in values.items():
            setattr(user, key, value)
        db.add(user)
        db.flush()
        _audit(
            db, "staff", user.id, before, {**_public(user), "password": "password_hash" in values}
        )
        # their phone address is linked now, before any alert or JAWAB could race to create it
        committee.link_member(db, user, now=runtime().now(), desk=runtime().desk)
        renewed = Staff.of(user) if user.id == me().id and "password_hash" in values else None
    if renewed is not None:  # a new password ends the other sessions, not this one
        login_user(renewed)
    flash(tr(STAFF_SAVED) % {"username": username}, "ok")
    return redirect(url_for("admin.settings"), 303)


def _public(user: StaffUser) -> dict[str, Any]:
    """What the audit log may keep of an account (never the hash)."""
    data = user.model_dump(exclude={"password_hash", "created_at", "last_login_at"})
    data["role"] = str(data["role"])
    return data
