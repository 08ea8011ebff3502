"""Editing the reply templates (admin only): a sandboxed try-out, a preview, and refusal of any edit
that does not render. Saved edits are TemplateOverride rows that bot.replies loads before the files."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from jinja2 import TemplateError

from admin import bp
from admin.access import roles
from admin.auth import me
from admin.i18n import say, tr
from admin.template_samples import samples
from admin.views import runtime
from bot.messages import Role
from bot.problems import Problem
from bot.replies import (
    LANGUAGES,
    file_source,
    make_env,
    render,
    set_overrides,
    template_keys,
    template_name,
)
from bot.replies.sms import segments
from store import repo
from store import templates as stored
from store.db import read_session, session_scope

MAX_SOURCE = 4000
NO_SAMPLE = "tidak ada contoh konteks untuk %(key)s"
FAILED = "%(type)s: %(error)s"  # Jinja's own words, as the editor needs them
EMPTY = "templat menghasilkan pesan kosong"
REFUSED = "Templat ditolak: %(problem)s"
SAVED = "Templat disimpan; balasan berikutnya memakai teks ini."
RESET = "Templat dikembalikan ke teks bawaan."


def try_render(key: str, lang: str, source: str) -> tuple[str, Problem | None]:
    """(text, None) when the source renders with the sample context in a fresh sandbox, else
    ("", why)."""
    desk, now = runtime().desk, runtime().now()
    env = make_env(overrides={template_name(key, lang): source})
    ctx = samples(now).get(key)
    if ctx is None:
        return "", Problem(NO_SAMPLE, {"key": key})
    try:
        text = render(env, key, lang, now=now, tz=desk.config.app.timezone, **ctx)
    except (TemplateError, ValueError, TypeError) as exc:
        return "", Problem(FAILED, {"type": type(exc).__name__, "error": str(exc)})
    if not text.strip():
        return "", Problem(EMPTY)
    return text, None


@bp.get("/settings/templates")
@roles(Role.ADMIN)
def settings_templates() -> ResponseReturnValue:
    """Every reply template, marking the edited ones."""
    with read_session(runtime().engine) as db:
        edited = set(stored.overrides(db))
    keys = sorted(template_keys(runtime().desk.env))
    return render_template(
        "admin/templates_list.html", keys=keys, langs=LANGUAGES, edited=edited, name=template_name
    )


@bp.route("/settings/templates/<lang>/<key>", methods=["GET", "POST"])
@roles(Role.ADMIN)
def settings_template(lang: str, key: str) -> ResponseReturnValue:
    """Try an edit in the sandbox (preview), save it if it renders, or restore the shipped wording."""
    rt = runtime()
    if lang not in LANGUAGES or key not in template_keys(rt.desk.env):
        abort(404)
    with read_session(rt.engine) as db:
        current = stored.overrides(db).get(template_name(key, lang))
    source = current if current is not None else file_source(key, lang)
    action = request.form.get("action", "") if request.method == "POST" else ""
    if action == "reset":
        return _save(key, lang, None)
    if request.method == "POST":
        source = request.form.get("source", "").replace("\r\n", "\n")[:MAX_SOURCE]
    text, problem = try_render(key, lang, source)
    error = say(problem) if problem else ""
    if action == "save" and not error:
        return _save(key, lang, source)
    if error and action:
        flash(tr(REFUSED) % {"problem": error}, "error")
    page: dict[str, Any] = {
        "key": key,
        "lang": lang,
        "source": source,
        "text": text,
        "error": error,
        "segments": segments(text) if text else 0,
        "edited": current is not None,
    }
    return render_template("admin/template_edit.html", **page), 400 if error and action else 200


def _save(key: str, lang: str, source: str | None) -> ResponseReturnValue:
    rt = runtime()
    with session_scope(rt.engine) as db:
        before = stored.save_override(
            db, key=key, lang=lang, source=source, actor=me().username, now=rt.now()
        )
        repo.audit(
            db,
            actor=me().username,
            action="template.save" if source is not None else "template.reset",
            entity="template",
            entity_id=None,
            now=rt.now(),
            before={"key": key, "lang": lang, "source": before},
            after={"source": source},
        )
        fresh = stored.overrides(db)
    set_overrides(rt.desk.env, fresh)
    flash(tr(SAVED if source is not None else RESET), "ok")
    return redirect(url_for("admin.settings_template", lang=lang, key=key), 303)
