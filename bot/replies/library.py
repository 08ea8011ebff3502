"""Library answers as templates (DESIGN §6: "answer text (a template)").

An answer's text may name a few variables, rendered in the reply templates' sandbox (bot.replies.
make_env) when the answer becomes a draft: {{ nomor }}, {{ nama }}, {{ unit }} and {{ batas }}.
A text without `{{` or `{%` is not a template and is used exactly as written (the answers written
before this, with any braces they hold). The admin checks a text when it is saved (check_answer):
a syntax error or an unknown variable is refused with the reason, so a draft never fails to render.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jinja2 import Environment, TemplateError, meta

from bot.problems import Problem
from bot.replies import local_datetime

# the variables, with the help the library form shows (Indonesian, English)
VARIABLES = {
    "nomor": ("nomor tiket", "the ticket number"),
    "nama": (
        "nama warga, atau “Bapak/Ibu” bila tidak diketahui atau dirahasiakan",
        "the citizen's name, or “Bapak/Ibu” when unknown or confidential",
    ),
    "unit": ("nama unit tiket", "the ticket's unit name"),
    "batas": ("batas waktu jawaban, mis. 24/11/2026 15.00 WIB", "the answer's deadline"),
}
GREETING = {"id": "Bapak/Ibu", "en": "Sir/Madam"}
# why check_answer refuses a text (the admin shows it in the officer's language)
UNKNOWN_VARIABLE = "variabel tidak dikenal: %(names)s; yang tersedia: %(known)s"
INVALID_AT = "templat tidak sah (baris %(line)d): %(error)s"
INVALID = "templat tidak sah: %(error)s"
RENDERS_EMPTY = "templat menghasilkan teks kosong"
_MARKERS = ("{{", "{%")


def is_template(body: str) -> bool:
    return any(marker in body for marker in _MARKERS)


def answer_context(
    *, nomor: str, nama: str, unit: str, due: datetime, lang: str, tz: str
) -> dict[str, Any]:
    """The variables for one ticket; a missing name becomes the greeting of the reply language."""
    greeting = GREETING.get(lang, GREETING["id"])
    return {
        "nomor": nomor,
        "nama": nama.strip() or greeting,
        "unit": unit,
        "batas": local_datetime(due, lang, tz),
    }


def render_answer(env: Environment, body: str, ctx: dict[str, Any]) -> str:
    """The answer's text for a ticket; raises TemplateError (or ValueError/TypeError from a misused
    filter) when it cannot be rendered."""
    if not is_template(body):
        return body
    return env.from_string(body).render(ctx).strip()


def check_answer(env: Environment, body: str, sample: dict[str, Any]) -> Problem | None:
    """None when the text renders for a ticket, else the reason, for the officer to correct."""
    if not is_template(body):
        return None
    try:
        unknown = sorted(meta.find_undeclared_variables(env.parse(body)) - set(VARIABLES))
        if unknown:
            names = ", ".join(f"{{{{ {name} }}}}" for name in unknown)
            known = ", ".join(f"{{{{ {name} }}}}" for name in VARIABLES)
            return Problem(UNKNOWN_VARIABLE, {"names": names, "known": known})
        text = render_answer(env, body, sample)
    except TemplateError as exc:
        error = exc.message or type(exc).__name__
        if getattr(exc, "lineno", None):
            return Problem(INVALID_AT, {"line": exc.lineno, "error": error})  # type: ignore[attr-defined]
        return Problem(INVALID, {"error": error})
    except (ValueError, TypeError) as exc:
        return Problem(INVALID, {"error": str(exc)})
    return None if text else Problem(RENDERS_EMPTY)
