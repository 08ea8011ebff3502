"""The ethics lexicon page (admin only): list, add, reword, switch terms off and on (DESIGN §7).

The `ethicsterm` table is what screening reads for every message, so an edit counts from the next
message on; nothing is cached. A term is never deleted: switched off, it stays in the record of
what was screened. Every change is an audit line (who, when, before, after).
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlmodel import Session, col, select

from admin import ID, bp
from admin.access import roles
from admin.auth import me
from admin.i18n import say, tr
from admin.views import runtime
from bot.messages import Role
from bot.parsers.ethics import tokens
from bot.problems import Problem
from store import lexicon, repo
from store.db import session_scope
from store.models import AuditLog, EthicsTerm

TERM_MAX = 80  # the column's length
MIN_LETTERS = 3  # "uang" is a term; "x" would flag every text with an x in it
HISTORY = 30
EMPTY = "Istilah tidak boleh kosong."
TOO_LONG = "Istilah terlalu panjang (maksimal %(max)d karakter)."
TOO_SHORT = "Istilah harus memuat minimal %(min)d huruf atau angka."
DUPLICATE = "Istilah “%(term)s” sudah ada di leksikon (dibaca sama dengan “%(typed)s”)."
DUPLICATE_OFF = "Istilah “%(term)s” sudah ada tetapi nonaktif; aktifkan dari daftar."
ADDED = "Istilah “%(term)s” ditambahkan; pesan berikutnya disaring dengannya."
RENAMED = "Istilah “%(before)s” diubah menjadi “%(term)s”."
SWITCHED_OFF = "Istilah “%(term)s” dinonaktifkan; pesan berikutnya tidak disaring dengannya."
SWITCHED_ON = "Istilah “%(term)s” diaktifkan kembali."


def _problem(db: Session, typed: str, row_id: int | None = None) -> Problem | None:
    """Why the typed term cannot be saved (shown to the admin), or None.

    Two terms are the same when screening reads them the same (`pungl1` is `pungli`), so a
    duplicate is judged on the normalised words, not on the letters typed."""
    term = lexicon.clean_term(typed)
    if not term:
        return Problem(EMPTY)
    if len(term) > TERM_MAX:
        return Problem(TOO_LONG, {"max": TERM_MAX})
    words = tokens(term)
    if len("".join(words)) < MIN_LETTERS:
        return Problem(TOO_SHORT, {"min": MIN_LETTERS})
    for row in lexicon.ethics_terms(db, include_inactive=True):
        if row.id != row_id and tokens(row.term) == words:
            if not row.active:
                return Problem(DUPLICATE_OFF, {"term": row.term})
            return Problem(DUPLICATE, {"term": row.term, "typed": term})
    return None


def _history(db: Session) -> list[AuditLog]:
    stmt = select(AuditLog).where(AuditLog.entity == "ethicsterm")
    return list(db.exec(stmt.order_by(col(AuditLog.id).desc()).limit(HISTORY)))


def _page(db: Session, status: int = 200, **typed: Any) -> ResponseReturnValue:
    rows = lexicon.ethics_terms(db, include_inactive=True)
    return render_template(
        "admin/lexicon.html", rows=rows, history=_history(db), typed=typed, term_max=TERM_MAX
    ), status


def _audit(db: Session, row: EthicsTerm, action: str, before: dict[str, Any]) -> None:
    repo.audit(
        db,
        actor=me().username,
        action=f"lexicon.{action}",
        entity="ethicsterm",
        entity_id=row.id,
        now=runtime().now(),
        before=before,
        after={"term": row.term, "active": row.active},
    )


@bp.route("/settings/lexicon", methods=["GET", "POST"])
@roles(Role.ADMIN)
def settings_lexicon() -> ResponseReturnValue:
    """Every term, active or not, with its last change; POST adds one."""
    rt = runtime()
    with session_scope(rt.engine) as db:
        if request.method == "GET":
            return _page(db)
        typed = request.form.get("term", "")[: TERM_MAX * 2]
        problem = _problem(db, typed)
        if problem:
            flash(say(problem), "error")
            return _page(db, 400, new=typed)
        row = lexicon.add_ethics_term(db, typed, now=rt.now(), actor=me().username)
        _audit(db, row, "add", {})
        term = row.term
    flash(tr(ADDED) % {"term": term}, "ok")
    return redirect(url_for("admin.settings_lexicon"), 303)


def _row(db: Session, term_id: int) -> EthicsTerm:
    row = db.get(EthicsTerm, term_id)
    if row is None:
        abort(404)
    return row


@bp.post(f"/settings/lexicon/<{ID}:term_id>")
@roles(Role.ADMIN)
def settings_lexicon_edit(term_id: int) -> ResponseReturnValue:
    """Reword a term (a typo fixed, a better phrase)."""
    rt = runtime()
    with session_scope(rt.engine) as db:
        row = _row(db, term_id)
        typed = request.form.get("term", "")[: TERM_MAX * 2]
        if lexicon.clean_term(typed) == row.term:
            return redirect(url_for("admin.settings_lexicon"), 303)
        problem = _problem(db, typed, row.id)
        if problem:
            flash(say(problem), "error")
            return _page(db, 400, edit_id=row.id, edit=typed)
        before = lexicon.rename_ethics_term(db, row, typed, now=rt.now(), actor=me().username)
        _audit(db, row, "edit", {"term": before})
        said = tr(RENAMED) % {"before": before, "term": row.term}
    flash(said, "ok")
    return redirect(url_for("admin.settings_lexicon"), 303)


@bp.post(f"/settings/lexicon/<{ID}:term_id>/active")
@roles(Role.ADMIN)
def settings_lexicon_toggle(term_id: int) -> ResponseReturnValue:
    """Switch a term off (screening stops using it at once) or back on."""
    rt = runtime()
    with session_scope(rt.engine) as db:
        row = _row(db, term_id)
        if row.active is False:
            # a term switched back on must not duplicate one added meanwhile
            problem = _problem(db, row.term, row.id)
            if problem:
                flash(say(problem), "error")
                return _page(db, 400)
        lexicon.set_ethics_term_active(db, row, not row.active, now=rt.now(), actor=me().username)
        _audit(db, row, "activate" if row.active else "deactivate", {"active": not row.active})
        said = tr(SWITCHED_ON if row.active else SWITCHED_OFF) % {"term": row.term}
    flash(said, "ok")
    return redirect(url_for("admin.settings_lexicon"), 303)
