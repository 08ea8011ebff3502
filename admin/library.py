"""The answer library pages: search, create, edit, (de)activate, preview, history, import/export."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlmodel import Session, col, select

from admin import ID, MAX_ID, answers, bp
from admin.access import STAFF, roles
from admin.auth import me
from admin.i18n import say, tr
from admin.views import runtime
from bot.messages import Role
from bot.problems import Problem, ProblemError
from bot.replies import library as templated
from bot.replies import render
from bot.replies.sms import encoding, segments
from store import repo
from store.db import read_session, session_scope
from store.models import Answer, AuditLog, Unit

SAMPLE_TICKET = "1234567"
SAMPLE_NAME = "Budi Santoso"
SAMPLE_UNIT = "Dinas Perhubungan"
MAX_UPLOAD = 200 * 1024


def _units(db: Session) -> dict[str, Unit]:
    return {u.code: u for u in repo.active_units(db)}


def _mine(db: Session) -> list[Unit]:
    """The units whose answers the viewer may change (admin: all)."""
    units = repo.active_units(db)
    return units if me().role is Role.ADMIN else [u for u in units if u.code in me().units]


def _may_edit(db: Session, unit_id: int | None) -> bool:
    return me().role is Role.ADMIN or unit_id in {u.id for u in _mine(db)}


def sample_context(unit_name: str = "") -> dict[str, Any]:
    """What the preview and the check on saving fill an answer's variables with."""
    cfg, now = runtime().desk.config.app, runtime().now()
    return templated.answer_context(
        nomor=SAMPLE_TICKET,
        nama=SAMPLE_NAME,
        unit=unit_name or SAMPLE_UNIT,
        due=now + timedelta(hours=5),
        lang=cfg.language,
        tz=cfg.timezone,
    )


def check_body(values: dict[str, Any]) -> None:
    """ProblemError with the reason when the answer's text is a template that cannot be rendered."""
    problem = templated.check_answer(runtime().desk.env, values["body"], sample_context())
    if problem:
        raise ProblemError(BAD_BODY, problem=problem)


def preview(body: str, unit_code: str, unit_name: str = "") -> dict[str, Any]:
    """The answer as the citizen receives it (variables filled with sample values), with its SMS
    cost. A text that does not render is shown as written (the form says why)."""
    desk = runtime().desk
    sample = sample_context(unit_name)
    if templated.check_answer(desk.env, body, sample) is None:
        body = templated.render_answer(desk.env, body, sample)
    text = render(
        desk.env,
        "answer",
        desk.config.app.language,
        now=runtime().now(),
        tz=desk.config.app.timezone,
        ticket=SAMPLE_TICKET,
        unit_code=unit_code or "UNIT",
        body=body,
    )
    return {
        "text": text,
        "segments": segments(text),
        "encoding": encoding(text),
        "chars": len(text),
    }


@bp.get("/library")
@roles(*STAFF)
def library() -> ResponseReturnValue:
    """The library, searchable; inactive answers on request."""
    q, inactive = request.args.get("q", "").strip()[:100], request.args.get("inactive") == "1"
    with read_session(runtime().engine) as db:
        scope = None if me().role is Role.ADMIN else [u.id for u in _mine(db)]
        rows = answers.search(db, unit_ids=scope, text=q, inactive=inactive)  # type: ignore[arg-type]
        codes = {u.id: u.code for u in repo.active_units(db)}
    return render_template("admin/library.html", rows=rows, codes=codes, q=q, inactive=inactive)


def _form_values(db: Session) -> dict[str, Any]:
    form = request.form
    row = {
        "unit": form.get("unit", ""),
        "title": form.get("title", ""),
        "keywords": form.get("keywords", "").replace(",", ";"),
        "examples": form.get("examples", "").replace("\r\n", "\n"),
        "body": form.get("body", "").replace("\r\n", "\n"),
        "auto_send": "ya" if form.get("auto_send") else "tidak",
        "active": "ya" if form.get("active") else "tidak",
    }
    values = answers.values_of(row, _units(db))
    if not _may_edit(db, values["unit_id"]):
        raise ProblemError(NOT_YOUR_UNITS)
    check_body(values)
    return values


def _history(db: Session, answer_id: int) -> list[AuditLog]:
    stmt = select(AuditLog).where(AuditLog.entity == "answer", AuditLog.entity_id == answer_id)
    return list(db.exec(stmt.order_by(col(AuditLog.id).desc())))


def _edit_page(db: Session, answer: Answer | None, form: dict[str, Any], status: int = 200) -> Any:
    unit = next((u for u in repo.active_units(db) if u.id == form.get("unit_id")), None)
    code, name = (unit.code, unit.name) if unit else ("", "")
    return render_template(
        "admin/answer.html",
        answer=answer,
        form=form,
        units=_mine(db),
        unit_code=code,
        variables=templated.VARIABLES,
        preview=preview(form.get("body", ""), code, name) if form.get("body") else None,
        history=_history(db, answer.id) if answer and answer.id else [],  # type: ignore[arg-type]
    ), status


@bp.route("/library/new", methods=["GET", "POST"])
@bp.route(f"/library/<{ID}:answer_id>", methods=["GET", "POST"])
@roles(*STAFF)
def library_edit(answer_id: int | None = None) -> ResponseReturnValue:
    """Create or edit an answer; the "Pratinjau" button shows the citizen's view without saving."""
    rt = runtime()
    with session_scope(rt.engine) as db:
        answer = db.get(Answer, answer_id) if answer_id else None
        if answer_id and answer is None:
            abort(404)
        if answer is not None and not _may_edit(db, answer.unit_id):
            abort(403)
        if request.method == "GET":
            form = answers.snapshot(answer) if answer else {"active": True, "unit_id": None}
            return _edit_page(db, answer, form)
        try:
            values = _form_values(db)
        except ProblemError as exc:
            flash(say(exc.problem), "error")
            # the form as typed, its unit still chosen: re-saving must not make it an all-units answer
            chosen = _units(db).get(request.form.get("unit", "").strip().upper())
            typed = {**request.form, "unit_id": chosen.id if chosen else None}
            return _edit_page(db, answer, typed, 400)
        if request.form.get("action") == "preview":
            return _edit_page(db, answer, values)
        saved = answers.save(db, answer, values, now=rt.now(), actor=me().username)
        saved_id = saved.id
    flash(tr(SAVED), "ok")
    return redirect(url_for("admin.library_edit", answer_id=saved_id), 303)


@bp.post(f"/library/<{ID}:answer_id>/active")
@roles(*STAFF)
def library_toggle(answer_id: int) -> ResponseReturnValue:
    """Deactivate (or activate again) an answer: inactive answers are never drafted."""
    rt = runtime()
    with session_scope(rt.engine) as db:
        answer = db.get(Answer, answer_id)
        if answer is None:
            abort(404)
        if not _may_edit(db, answer.unit_id):
            abort(403)
        answers.save(db, answer, {"active": not answer.active}, now=rt.now(), actor=me().username)
        said = tr(SWITCHED_ON if answer.active else SWITCHED_OFF) % {"title": answer.title}
    flash(said, "ok")
    return redirect(url_for("admin.library"), 303)


@bp.get("/library/export.<fmt>")
@roles(*STAFF)
def library_export(fmt: str) -> ResponseReturnValue:
    """Every answer the viewer may change, as CSV or XLSX."""
    if fmt not in {"csv", "xlsx"}:
        abort(404)
    with read_session(runtime().engine) as db:
        scope = None if me().role is Role.ADMIN else [u.id for u in _mine(db)]
        rows = answers.search(db, unit_ids=scope, inactive=True)  # type: ignore[arg-type]
        codes = {u.id: u.code for u in repo.active_units(db)}
    if fmt == "csv":
        body, mime = answers.export_csv(rows, codes).encode("utf-8-sig"), "text/csv"
    else:
        body = answers.export_xlsx(rows, codes)
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    headers = {"Content-Disposition": f"attachment; filename=pustaka-jawaban.{fmt}"}
    return Response(body, mimetype=mime, headers=headers)


@bp.post("/library/import")
@roles(*STAFF)
def library_import() -> ResponseReturnValue:
    """Rows with a known id update that answer; rows without one add answers. All or nothing.

    An officer's export also lists the all-units answers (and re-importing it must work): a row for
    an answer the officer may not change is accepted when it leaves that answer as it is, and skipped.
    """
    rt, upload = runtime(), request.files.get("file")
    data = upload.read(MAX_UPLOAD + 1) if upload else b""
    if not upload or not data or len(data) > MAX_UPLOAD:
        flash(tr(NO_FILE) % {"max": MAX_UPLOAD // 1024}, "error")
        return redirect(url_for("admin.library"), 303)
    try:
        with session_scope(rt.engine) as db:
            count, skipped = _import(db, answers.read_rows(upload.filename or "", data))
    except ProblemError as exc:
        flash(tr(IMPORT_CANCELLED) % {"problem": say(exc.problem)}, "error")
        return redirect(url_for("admin.library"), 303)
    message = tr(IMPORTED) % {"count": count}
    if skipped:
        message += " " + tr(SKIPPED) % {"count": skipped}
    flash(message, "ok")
    return redirect(url_for("admin.library"), 303)


IMPORTED = "%(count)d jawaban diimpor."
SKIPPED = (
    "%(count)d jawaban yang tidak dapat Anda ubah (untuk semua unit atau unit lain) tidak berubah "
    "dan dilewati."
)
SAVED = "Jawaban disimpan. Draf berikutnya memakai teks ini."
SWITCHED_ON = "Jawaban “%(title)s” diaktifkan."
SWITCHED_OFF = "Jawaban “%(title)s” dinonaktifkan."
NO_FILE = "Pilih berkas CSV atau XLSX (maksimal %(max)d KB)."
IMPORT_CANCELLED = "Impor dibatalkan: %(problem)s"
ROW = "baris %(row)d: %(problem)s"
BAD_BODY = "teks jawaban: %(problem)s"
NOT_YOUR_UNITS = "Anda hanya dapat menyimpan jawaban untuk unit Anda."
ALL_UNITS_ONLY_ADMIN = "jawaban untuk semua unit hanya dapat diubah admin"
NOT_YOUR_UNIT = "unit %(code)s bukan unit Anda"
NOT_YOUR_ANSWER = "jawaban ini milik unit lain"


def _import(db: Session, rows: list[dict[str, str]]) -> tuple[int, int]:
    """(answers saved, rows skipped because they change nothing the officer may not change)."""
    units, rt = _units(db), runtime()
    saved = skipped = 0
    for number, row in enumerate(rows, start=2):
        try:
            values = answers.values_of(row, units)
            check_body(values)
        except ProblemError as exc:
            raise ProblemError(ROW, row=number, problem=exc.problem) from None
        raw_id = (row.get("id") or "").strip()
        known = raw_id.isascii() and raw_id.isdigit() and int(raw_id) <= MAX_ID
        existing = db.get(Answer, int(raw_id)) if known else None
        if existing is not None and not _may_edit(db, existing.unit_id):
            if answers.unchanged(existing, values, units):
                skipped += 1
                continue
            problem = Problem(NOT_YOUR_ANSWER if existing.unit_id else ALL_UNITS_ONLY_ADMIN)
            raise ProblemError(ROW, row=number, problem=problem)
        if not _may_edit(db, values["unit_id"]):
            code = (row.get("unit") or "").strip().upper()
            problem = (
                Problem(NOT_YOUR_UNIT, {"code": code}) if code else Problem(ALL_UNITS_ONLY_ADMIN)
            )
            raise ProblemError(ROW, row=number, problem=problem)
        answers.save(db, existing, values, now=rt.now(), actor=me().username)
        saved += 1
    return saved, skipped
