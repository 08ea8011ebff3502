"""Staff sessions: Flask-Login, the login and logout pages, and the guard on every admin route.

CSRF (Flask-WTF) is checked only for the admin blueprint, by its own before_request: the webhooks are
verified by their providers' signatures and the simulator is a JSON API, so neither needs exempting.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, flash, redirect, render_template, request, session, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect

from admin import MAX_ID, bp
from admin.accounts import THROTTLED, Staff, authenticate, from_session, record
from admin.i18n import say, tr
from bot.problems import Problem
from store.db import read_session, session_scope
from store.models import StaffUser

PUBLIC_ENDPOINTS = {"admin.login", "admin.static", "admin.set_lang"}
LOGIN_FIRST = "Silakan masuk terlebih dahulu."
EXPIRED = "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi."
WELCOME = "Selamat datang, %(name)s."
LOGGED_OUT = "Anda sudah keluar."


def me() -> Staff:
    """The logged-in staff member (views behind the guard only)."""
    return current_user._get_current_object()  # type: ignore[no-any-return]


@bp.record_once
def _setup(state: BlueprintSetupState) -> None:
    init_app(state.app)


def init_app(app: Flask) -> None:
    """Attach Flask-Login and Flask-WTF's CSRF to the app; CSRF is then applied by admin's guard."""
    manager = LoginManager()
    manager.login_view = "admin.login"
    manager.login_message = LOGIN_FIRST
    manager.login_message_category = "info"
    manager.localize_callback = tr  # flashed in the language chosen before logging in
    manager.user_loader(_load_user)
    manager.init_app(app)
    if "csrf" not in app.extensions:
        CSRFProtect(app)
    # The app-wide check would cover the webhooks and the simulator too; _guard runs it for admin.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False


def _load_user(user_id: str) -> Staff | None:
    """A deactivated or deleted account, or one whose password was changed (by its owner or reset
    by an admin), loses its session on the next request."""
    account = user_id.split(":", 1)[0]
    if not (account.isascii() and account.isdigit()) or int(account) > MAX_ID:
        return None
    with read_session(current_app.extensions["aduan"].engine) as session:
        return from_session(user_id, session.get(StaffUser, int(account)))


@bp.before_request
def _guard() -> ResponseReturnValue | None:
    """Every admin page needs a login (except the login page); every admin POST needs a CSRF token."""
    if request.endpoint not in PUBLIC_ENDPOINTS and not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined,no-any-return]
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        current_app.extensions["csrf"].protect()
    return None


@bp.errorhandler(CSRFError)
def _csrf_failed(_exc: CSRFError) -> ResponseReturnValue:
    return render_template("admin/error.html", code=400, message=tr(EXPIRED)), 400


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """The login form; on success, go to the page that asked for a login (same site only)."""
    if current_user.is_authenticated:
        return redirect(url_for("admin.inbox"))
    if request.method == "GET":
        return render_template("admin/login.html", username="")
    runtime = current_app.extensions["aduan"]
    username = request.form.get("username", "").strip()[:80]
    password = request.form.get("password", "")
    with session_scope(runtime.engine) as db:
        staff = authenticate(
            db, username, password, ip=request.remote_addr or "", now=runtime.now()
        )
    if isinstance(staff, Problem):
        flash(say(staff), "error")
        status = 429 if staff.text == THROTTLED else 401
        return render_template("admin/login.html", username=username), status
    chosen = session.get("lang")
    session.clear()  # nothing from before the login carries over, but the language picked on its page
    if chosen:
        session["lang"] = chosen
    login_user(staff)
    flash(tr(WELCOME) % {"name": staff.full_name or staff.username}, "ok")
    return redirect(_safe_next(request.args.get("next")) or url_for("admin.inbox"))


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    runtime = current_app.extensions["aduan"]
    staff = me()
    with session_scope(runtime.engine) as db:
        record(
            db, staff.username, "logout", request.remote_addr or "", runtime.now(), user_id=staff.id
        )
    logout_user()
    flash(tr(LOGGED_OUT), "info")
    return redirect(url_for("admin.login"))


def _safe_next(target: str | None) -> str | None:
    """Only a path inside the admin: never another host (open redirect)."""
    if not target or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith(bp.url_prefix or "/admin"):
        return None
    return target
