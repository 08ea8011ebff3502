"""Reply wording: one sandboxed Jinja environment over templates/<lang>/<key>.txt.j2."""

import re
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import (
    ChoiceLoader,
    DictLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    Undefined,
    pass_context,
)
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

LANGUAGES = ("id", "en")
_TEMPLATE_DIR = Path(__file__).parent / "templates"
_SUFFIX = ".txt.j2"

# Indonesia's legal zone names (Keppres 41/1987), fixed here rather than taken from whatever
# tzdata is installed; other zones get a numeric offset, which every reader understands.
_ZONE_NAMES = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}

_STYLE: dict[str, dict[str, Any]] = {
    "id": {
        "weekdays": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
        "months": ("Jan Feb Mar Apr Mei Jun Jul Agu Sep Okt Nov Des").split(),
        "time": "{t:%H.%M} {zone}",
        "today": "pukul {time}",
        "tomorrow": "besok pukul {time}",
        "later": "{weekday}, {t.day} {month} pukul {time}",
        "full": "{t:%d/%m/%Y} {time}",
    },
    "en": {
        "weekdays": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
        "months": ("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec").split(),
        "time": "{t:%H:%M} {zone}",
        "today": "{time} today",
        "tomorrow": "{time} tomorrow",
        "later": "{weekday} {t.day} {month}, {time}",
        "full": "{t.day} {month} {t.year} {time}",
    },
}

_BLANK_RUNS = re.compile(r"\n{3,}")


def _zone_name(tz: str, moment: datetime) -> str:
    """Abbreviation for tz (WIB, WITA, WIT), else its UTC offset at moment, e.g. "UTC+8"."""
    if tz in _ZONE_NAMES:
        return _ZONE_NAMES[tz]
    offset = moment.astimezone(ZoneInfo(tz)).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    if minutes == 0:
        return "UTC"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{'+' if minutes > 0 else '-'}{hours}" + (f":{rest:02d}" if rest else "")


def _aware(value: object, what: str) -> datetime:
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()  # a missing variable is an UndefinedError, as elsewhere
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValueError(f"{what} must be a timezone-aware datetime, got {value!r}")
    return value


def _clock(context: Context) -> tuple[dict[str, Any], datetime, str]:
    try:
        lang, now, tz = context["lang"], context["now"], context["tz"]
    except KeyError as missing:
        raise ValueError(f"time filters need {missing} in the context; use render()") from None
    return _STYLE.get(lang, _STYLE["id"]), _aware(now, "now"), tz


def _fields(style: dict[str, Any], local: datetime, tz: str) -> dict[str, Any]:
    time = style["time"].format(t=local, zone=_zone_name(tz, local))
    return {
        "t": local,
        "time": time,
        "weekday": style["weekdays"][local.weekday()],
        "month": style["months"][local.month - 1],
    }


@pass_context
def _deadline(context: Context, due: datetime) -> str:
    """Format due in the reply's zone and language, relative to now (today / tomorrow / weekday)."""
    style, now, tz = _clock(context)
    zone = ZoneInfo(tz)
    local = _aware(due, "due").astimezone(zone)
    days = (local.date() - now.astimezone(zone).date()).days
    form = {0: "today", 1: "tomorrow"}.get(days, "later")
    return style[form].format(**_fields(style, local, tz))


@pass_context
def _datetime_local(context: Context, moment: datetime) -> str:
    """Format moment as a full local date and time, e.g. "24/11/2026 09.15 WIB"."""
    style, _, tz = _clock(context)
    return local_datetime(moment, style, tz)


def local_datetime(moment: datetime, style: dict[str, Any] | str, tz: str) -> str:
    """A full local date and time in a language's style (or the language's tag), e.g.
    "24/11/2026 09.15 WIB": unambiguous whenever it is read."""
    if isinstance(style, str):
        style = _STYLE[_language(style)]
    local = _aware(moment, "datetime").astimezone(ZoneInfo(tz))
    return str(style["full"].format(**_fields(style, local, tz)))


def make_env(
    template_dir: Path | None = None, overrides: dict[str, str] | None = None
) -> SandboxedEnvironment:
    """Sandboxed, strict, plain-text Jinja environment over the reply templates, with time filters.

    `overrides` maps "<lang>/<key>.txt.j2" to a source edited in the admin; it wins over the file."""
    env = SandboxedEnvironment(
        loader=ChoiceLoader(
            [DictLoader(dict(overrides or {})), FileSystemLoader(template_dir or _TEMPLATE_DIR)]
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # SMS is plain text; HTML escaping would leak &amp; into messages
        keep_trailing_newline=False,
    )
    env.filters["deadline"] = _deadline
    env.filters["datetime_local"] = _datetime_local
    return env


def template_name(key: str, lang: str) -> str:
    """The loader name of a reply template, e.g. "id/ack_new.txt.j2"."""
    return f"{lang}/{key}{_SUFFIX}"


def set_overrides(env: Environment, overrides: dict[str, str]) -> None:
    """Replace the edited templates of an env made by make_env, and forget compiled ones."""
    loader = env.loader
    assert isinstance(loader, ChoiceLoader) and isinstance(loader.loaders[0], DictLoader)
    mapping = loader.loaders[0].mapping
    mapping.clear()
    mapping.update(overrides)
    if env.cache is not None:
        env.cache.clear()


def file_source(key: str, lang: str) -> str:
    """The shipped wording of a template (before any override)."""
    return (_TEMPLATE_DIR / template_name(key, lang)).read_text(encoding="utf-8")


def _language(lang: str) -> str:
    """The supported language for a tag like "en", "EN-us" or "id_ID"; anything else is "id"."""
    primary = re.split(r"[-_]", lang.strip().lower(), maxsplit=1)[0]
    return primary if primary in LANGUAGES else LANGUAGES[0]


def render(
    env: Environment, key: str, lang: str, *, now: datetime, tz: str = "Asia/Jakarta", **ctx: Any
) -> str:
    """Render templates/<lang>/<key>.txt.j2 with ctx, lang, now and tz; stripped, blank runs collapsed."""
    lang = _language(lang)
    template = env.get_template(f"{lang}/{key}{_SUFFIX}")
    text = template.render(ctx, lang=lang, now=_aware(now, "now"), tz=tz)
    lines = "\n".join(line.rstrip() for line in text.splitlines())
    return _BLANK_RUNS.sub("\n\n", lines).strip()


def template_keys(env: Environment) -> set[str]:
    """Every key that has a template; raises ValueError if the languages do not have the same keys."""
    found: dict[str, set[str]] = {lang: set() for lang in LANGUAGES}
    for name in env.list_templates():
        lang, _, file = name.partition("/")
        if lang in found and "/" not in file and file.endswith(_SUFFIX):
            found[lang].add(file.removesuffix(_SUFFIX))
    keys = set().union(*found.values())
    missing = {lang: sorted(keys - have) for lang, have in found.items() if keys - have}
    if missing:
        raise ValueError(f"reply templates missing per language: {missing}")
    return keys
