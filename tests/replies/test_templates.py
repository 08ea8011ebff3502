"""Reply templates: every key renders in both languages, fits its SMS budget, and stays sandboxed."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from jinja2 import StrictUndefined, TemplateNotFound, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from bot.replies import LANGUAGES, make_env, render, template_keys
from bot.replies.sms import is_gsm7, segments

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # Monday 10.00 WIB
UNITS = [
    {"code": "DISHUB", "name": "Dinas Perhubungan"},
    {"code": "DINKES", "name": "Dinas Kesehatan"},
    {"code": "DISDIK", "name": "Dinas Pendidikan"},
    {"code": "DPUPR", "name": "Dinas Pekerjaan Umum dan Penataan Ruang"},
    {"code": "DISDUKCAPIL", "name": "Dinas Kependudukan dan Pencatatan Sipil"},
    {"code": "DLH", "name": "Dinas Lingkungan Hidup"},
    {"code": "DINSOS", "name": "Dinas Sosial"},
    {"code": "PDAM", "name": "Perumda Air Minum"},
    {"code": "SATPOLPP", "name": "Satuan Polisi Pamong Praja"},
]
BODY = (
    "Terima kasih atas laporannya. Lampu lalu lintas di Simpang Lima sudah diperbaiki "
    "petugas pada Senin pagi. Jika masih mati, balas TIDAK."
)
SAMPLES: dict[str, dict[str, object]] = {
    "ack_new": {
        "ticket": "4827193",
        "unit_code": "DISHUB",
        "unit_name": "Dinas Perhubungan",
        "due": NOW + timedelta(hours=5, minutes=30),
    },
    "ack_append": {"ticket": "4827193", "unit_code": "DISHUB", "unit_name": "Dinas Perhubungan"},
    "help": {"units": UNITS},
    "codes": {"units": UNITS},
    "confirm_unit": {"code": "DISHUB", "name": "Dinas Perhubungan"},
    "unknown_code": {"typed": "DISHB", "units": UNITS},
    "ask_text": {"unit_code": "PDAM", "unit_name": "Perumda Air Minum"},
    "status": {
        "tickets": [
            {
                "number": "4827193",
                "unit_code": "DISHUB",
                "status": "open",
                "due": NOW + timedelta(hours=20),
                "answered_at": None,
            },
            {
                "number": "5930412",
                "unit_code": "PDAM",
                "status": "answered",
                "due": NOW - timedelta(days=1),
                "answered_at": NOW - timedelta(days=1, hours=2),
            },
            {
                "number": "1175038",
                "unit_code": "DINKES",
                "status": "closed",
                "due": NOW - timedelta(days=9),
                "answered_at": NOW - timedelta(days=9, hours=1),
            },
        ]
    },
    "status_none": {},
    "status_not_found": {"number": "1234567"},
    "cancelled": {},
    "nothing_to_cancel": {},
    "answer": {"ticket": "4827193", "unit_code": "DISHUB", "body": BODY},
    "opted_out": {},
    "opted_in": {},
    "language_set": {},
    "closed_unanswered": {
        "ticket": "4827193",
        "unit_code": "DISHUB",
        "reason": "lampu sudah menyala saat petugas datang",
    },
    "too_long": {"limit": 1000},
    "auto_closed": {"ticket": "4827193", "unit_code": "DISHUB", "days": 3, "reopen_days": 30},
    "rate_limited": {},
    "suggest_unit": {
        "code": "DPUPR",
        "name": "Dinas Pekerjaan Umum dan Penataan Ruang",
        "choices": [u["code"] for u in UNITS if u["code"] != "DPUPR"],
    },
    "choose_unit": {"choices": [u["code"] for u in UNITS]},
    "unknown_code_unit": {
        "typed": "XYZ",
        "code": "DPUPR",
        "name": "Dinas Pekerjaan Umum dan Penataan Ruang",
        "choices": [u["code"] for u in UNITS if u["code"] != "DPUPR"],
    },
    "ask_detail": {
        "unit_code": "DLH",
        "question": "Di mana lokasinya? Sebutkan jalan, desa/kelurahan dan kecamatan.",
    },
    "ask_name": {},
    "ask_feedback": {"ticket": "4827193"},
    "feedback_noted": {"ticket": "4827193"},
    "feedback_thanks": {"ticket": "4827193"},
    "feedback_still_open": {"ticket": "4827193"},
    "reopened": {"ticket": "4827193"},
    "confidential": {"ticket": "4827193"},
    "expired": {},
    "ack_ethics": {"ticket": "4827193"},
    "transferred": {
        "ticket": "4827193",
        "unit_code": "DISHUB",
        "unit_name": "Dinas Perhubungan",
        "due": NOW + timedelta(hours=5),
    },
    "committee_alert": {
        "ticket": "4827193",
        "unit_code": "DISDUKCAPIL",
        "reason": "citizen_no",
        "level": "pengarah",
        "messages": 12,
        "age_hours": 30,
        "due": NOW - timedelta(hours=2),
        "overdue": True,
        # as bot.committee.alert_context fits them: the whole alert within info_part_chars (459)
        "first": "x" * 120,
        "latest": "y" * 120,
    },
    "staff_unknown": {},
    "staff_not_committee": {},
    "staff_usage": {},
    "staff_no_ticket": {"number": "4827193"},
    "staff_no_escalation": {"number": "4827193"},
    "staff_ticket_closed": {"number": "4827193"},
    "staff_ok": {"number": "4827193", "name": "Ketua Komite Pengawas Etik"},
    "staff_answered": {"number": "4827193"},
    "staff_answered_held": {"number": "4827193"},
    "staff_unknown_unit": {"typed": "DISHB"},
    "staff_same_unit": {"number": "4827193", "unit_code": "DISHUB"},
    "staff_transferred": {"number": "4827193", "unit_code": "DISDUKCAPIL"},
    "staff_info": {"number": "4827193", "text": "(1/2) " + "y" * 430},
    "staff_info_head": {"unit_code": "DISDUKCAPIL", "status": "answered"},
}
# Most segments each reply may cost with the samples above (GSM-7, 160 / 153 per part).
BUDGET = {
    "ack_new": 2,
    "ack_append": 1,
    "help": 2,
    "codes": 2,  # one line per unit: grows with the unit list
    "confirm_unit": 2,
    "unknown_code": 2,
    "ask_text": 1,
    "status": 2,  # one line per ticket: three tickets here
    "status_none": 1,
    "status_not_found": 1,
    "cancelled": 1,
    "nothing_to_cancel": 1,
    "answer": segments(BODY) + 1,  # the officer's text plus a short header
    "opted_out": 1,
    "opted_in": 1,
    "language_set": 1,
    "too_long": 1,
    "auto_closed": 1,
    "closed_unanswered": 2,  # the officer's reason (up to 300 characters) may add more
    "rate_limited": 2,
    "suggest_unit": 2,  # grows with the unit list
    "choose_unit": 2,
    "unknown_code_unit": 2,  # grows with the unit list
    "ask_detail": 1,
    "ask_name": 1,
    "ask_feedback": 1,
    "feedback_noted": 1,
    "feedback_thanks": 1,
    "feedback_still_open": 1,
    "reopened": 1,
    "confidential": 1,
    "expired": 1,
    "ack_ethics": 2,
    "transferred": 2,
    "committee_alert": 3,  # the thread summary is fitted to [committee] info_part_chars = 459
    "staff_unknown": 1,
    "staff_not_committee": 1,
    "staff_usage": 1,
    "staff_no_ticket": 1,
    "staff_no_escalation": 1,
    "staff_ticket_closed": 1,
    "staff_ok": 1,
    "staff_answered": 1,
    "staff_answered_held": 1,
    "staff_unknown_unit": 1,
    "staff_same_unit": 1,
    "staff_transferred": 1,
    "staff_info": 3,  # [committee] info_part_chars = 459 by default
    "staff_info_head": 1,
}
UNIT_KEYS = {  # replies that name one unit: must keep their budget for the longest unit name
    "ack_new": ("unit_code", "unit_name"),
    "ack_append": ("unit_code", "unit_name"),
    "confirm_unit": ("code", "name"),
    "ask_text": ("unit_code", "unit_name"),
    "suggest_unit": ("code", "name"),
    "unknown_code_unit": ("code", "name"),
    "transferred": ("unit_code", "unit_name"),
}
CASES = [(key, lang) for key in sorted(SAMPLES) for lang in LANGUAGES]
MISSING = [(key, name) for key in sorted(SAMPLES) for name in SAMPLES[key]]


@pytest.fixture(scope="module")
def env() -> SandboxedEnvironment:
    return make_env()


def test_samples_cover_every_template(env: SandboxedEnvironment) -> None:
    assert set(SAMPLES) == template_keys(env)
    assert set(BUDGET) == set(SAMPLES)


@pytest.mark.parametrize(("key", "lang"), CASES, ids=[f"{k}-{lang}" for k, lang in CASES])
def test_renders_gsm7_within_budget(env: SandboxedEnvironment, key: str, lang: str) -> None:
    text = render(env, key, lang, now=NOW, **SAMPLES[key])
    assert text and text == text.strip()
    assert "\n\n\n" not in text and "{" not in text and "}" not in text
    assert is_gsm7(text), [ch for ch in text if not is_gsm7(ch)]
    assert segments(text) <= BUDGET[key], text


@pytest.mark.parametrize(("key", "lang"), CASES, ids=[f"{k}-{lang}" for k, lang in CASES])
def test_languages_have_their_own_wording(env: SandboxedEnvironment, key: str, lang: str) -> None:
    other = next(o for o in LANGUAGES if o != lang)
    assert render(env, key, lang, now=NOW, **SAMPLES[key]) != render(
        env, key, other, now=NOW, **SAMPLES[key]
    )


UNIT_CASES = [(key, lang) for key in sorted(UNIT_KEYS) for lang in LANGUAGES]


@pytest.mark.parametrize(("key", "lang"), UNIT_CASES, ids=[f"{k}-{lang}" for k, lang in UNIT_CASES])
def test_budget_holds_for_every_unit_and_far_deadline(
    env: SandboxedEnvironment, key: str, lang: str
) -> None:
    code_field, name_field = UNIT_KEYS[key]
    for unit in UNITS:
        ctx = {**SAMPLES[key], code_field: unit["code"], name_field: unit["name"]}
        if "due" in ctx:
            ctx["due"] = NOW + timedelta(days=2, hours=23)  # the longest deadline wording
        text = render(env, key, lang, now=NOW, **ctx)
        assert is_gsm7(text) and segments(text) <= BUDGET[key], text


def test_example_wording(env: SandboxedEnvironment) -> None:
    assert render(env, "ack_new", "id", now=NOW, **SAMPLES["ack_new"]) == (
        "Aduan Anda diterima. No. tiket 4827193 untuk Dinas Perhubungan (DISHUB). "
        "Jawaban paling lambat pukul 15.30 WIB. Ketik STATUS untuk memantau."
    )
    assert render(env, "answer", "id", now=NOW, **SAMPLES["answer"]) == (
        f"Jawaban aduan 4827193 (DISHUB): {BODY}"
    )
    assert render(env, "codes", "id", now=NOW, units=UNITS[:2]).splitlines()[1:] == [
        "DISHUB - Dinas Perhubungan",
        "DINKES - Dinas Kesehatan",
    ]
    status = render(env, "status", "id", now=NOW, **SAMPLES["status"]).splitlines()
    assert status[1:] == [
        "4827193 (DISHUB): menunggu jawaban, paling lambat besok pukul 06.00 WIB",
        "5930412 (PDAM): sudah dijawab",
        "1175038 (DINKES): selesai",
    ]


def test_non_gsm_context_makes_ucs2(env: SandboxedEnvironment) -> None:
    ctx = {**SAMPLES["answer"], "body": "Sudah diperbaiki 👍"}
    assert not is_gsm7(render(env, "answer", "id", now=NOW, **ctx))


@pytest.mark.parametrize(("key", "name"), MISSING, ids=[f"{k}-{n}" for k, n in MISSING])
def test_missing_context_variable_raises(env: SandboxedEnvironment, key: str, name: str) -> None:
    ctx = {k: v for k, v in SAMPLES[key].items() if k != name}
    with pytest.raises(UndefinedError):
        render(env, key, "id", now=NOW, **ctx)


@pytest.mark.parametrize(
    ("lang", "used"),
    [("id", "id"), ("en", "en"), ("EN-us", "en"), ("id_ID", "id"), ("jv", "id"), ("", "id")],
    ids=["id", "en", "en-region", "id-region", "unknown", "empty"],
)
def test_language_fallback(env: SandboxedEnvironment, lang: str, used: str) -> None:
    expected = render(env, "opted_in", used, now=NOW)
    assert render(env, "opted_in", lang, now=NOW) == expected


def test_unknown_key_and_naive_now(env: SandboxedEnvironment) -> None:
    with pytest.raises(TemplateNotFound):
        render(env, "no_such_key", "id", now=NOW)
    with pytest.raises(ValueError, match="timezone-aware"):
        render(env, "opted_in", "id", now=datetime(2026, 11, 23, 10, 0))


def test_env_settings(env: SandboxedEnvironment) -> None:
    assert isinstance(env, SandboxedEnvironment)
    assert env.undefined is StrictUndefined
    assert env.trim_blocks and env.lstrip_blocks
    assert not env.autoescape and not env.keep_trailing_newline
    assert {"deadline", "datetime_local"} <= set(env.filters)


def write(root: Path, files: dict[str, str]) -> SandboxedEnvironment:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return make_env(root)


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__ }}",
        "{{ units.__class__.__base__.__subclasses__() }}",
        "{{ cycler.__init__.__globals__ }}",
    ],
    ids=["mro", "class", "subclasses", "globals"],
)
def test_sandbox_refuses_dunder_access(tmp_path: Path, source: str) -> None:
    env = write(tmp_path, {"id/evil.txt.j2": source, "en/evil.txt.j2": source})
    with pytest.raises(SecurityError):
        render(env, "evil", "id", now=NOW, units=UNITS)


def test_render_collapses_blank_lines_and_strips(tmp_path: Path) -> None:
    source = "\n  first  \n\n\n\n{% if x %}\nsecond\n{% endif %}\n\n\n"
    env = write(tmp_path, {"id/k.txt.j2": source, "en/k.txt.j2": source})
    assert render(env, "k", "id", now=NOW, x=True) == "first\n\nsecond"


def test_template_keys_must_match_across_languages(tmp_path: Path) -> None:
    env = write(tmp_path, {"id/a.txt.j2": "a", "id/b.txt.j2": "b", "en/a.txt.j2": "a"})
    with pytest.raises(ValueError, match="'en': \\['b'\\]"):
        template_keys(env)
    assert template_keys(write(tmp_path, {"en/b.txt.j2": "b", "en/notes.md": "x"})) == {"a", "b"}


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


DEADLINES = [
    # (now, due, tz, lang, expected)
    (at(23, 3), at(23, 8, 30), "Asia/Jakarta", "id", "pukul 15.30 WIB"),
    (at(23, 3), at(23, 8, 30), "Asia/Jakarta", "en", "15:30 WIB today"),
    (at(23, 3), at(24, 2, 15), "Asia/Jakarta", "id", "besok pukul 09.15 WIB"),
    (at(23, 3), at(24, 2, 15), "Asia/Jakarta", "en", "09:15 WIB tomorrow"),
    (at(22, 3), at(24, 2, 15), "Asia/Jakarta", "id", "Selasa, 24 Nov pukul 09.15 WIB"),
    (at(22, 3), at(24, 2, 15), "Asia/Jakarta", "en", "Tue 24 Nov, 09:15 WIB"),
    (at(23, 16), at(23, 21), "Asia/Jakarta", "id", "besok pukul 04.00 WIB"),  # 23.00 WIB
    (at(23, 16), at(23, 21), "Asia/Jakarta", "en", "04:00 WIB tomorrow"),
    (at(23, 16), at(23, 21), "UTC", "id", "pukul 21.00 UTC"),
    (at(23, 16), at(23, 21), "Asia/Makassar", "id", "pukul 05.00 WITA"),  # now 00.00 WITA
    (at(23, 16), at(23, 21), "Asia/Jayapura", "en", "06:00 WIT today"),  # now 01:00 WIT
    (at(23, 3), at(23, 8), "Asia/Pontianak", "id", "pukul 15.00 WIB"),
    (at(23, 3), at(23, 8), "Asia/Singapore", "en", "16:00 UTC+8 today"),
    (at(23, 3), at(23, 8), "Asia/Kolkata", "en", "13:30 UTC+5:30 today"),
    (at(23, 3), at(23, 8), "America/Sao_Paulo", "id", "pukul 05.00 UTC-3"),
    (at(23, 3), at(22, 8), "Asia/Jakarta", "id", "Minggu, 22 Nov pukul 15.00 WIB"),  # overdue
    (at(23, 3), at(17, 2, 0, 8), "Asia/Jakarta", "id", "Senin, 17 Agu pukul 09.00 WIB"),
    (at(23, 3), at(1, 2, 0, 12), "Asia/Jakarta", "id", "Selasa, 1 Des pukul 09.00 WIB"),
    (at(23, 3), at(28, 0, 0, 5), "Asia/Jakarta", "en", "Thu 28 May, 07:00 WIB"),
]


@pytest.mark.parametrize(
    ("now", "due", "tz", "lang", "expected"),
    DEADLINES,
    ids=[f"{d[3]}-{d[2].split('/')[-1]}-{d[4]}" for d in DEADLINES],
)
def test_deadline_filter(
    env: SandboxedEnvironment, now: datetime, due: datetime, tz: str, lang: str, expected: str
) -> None:
    template = env.from_string("{{ due | deadline }}")
    assert template.render(due=due, lang=lang, now=now, tz=tz) == expected


@pytest.mark.parametrize(
    ("tz", "lang", "expected"),
    [
        ("Asia/Jakarta", "id", "24/11/2026 09.15 WIB"),
        ("Asia/Jakarta", "en", "24 Nov 2026 09:15 WIB"),
        ("Asia/Makassar", "id", "24/11/2026 10.15 WITA"),
        ("UTC", "en", "24 Nov 2026 02:15 UTC"),
    ],
    ids=["id-WIB", "en-WIB", "id-WITA", "en-UTC"],
)
def test_datetime_local_filter(
    env: SandboxedEnvironment, tz: str, lang: str, expected: str
) -> None:
    template = env.from_string("{{ dt | datetime_local }}")
    assert template.render(dt=at(24, 2, 15), lang=lang, now=NOW, tz=tz) == expected


@pytest.mark.parametrize(
    ("source", "ctx"),
    [
        ("{{ due | deadline }}", {"due": datetime(2026, 11, 23, 15, 0)}),
        ("{{ due | deadline }}", {"due": "15.00"}),
        ("{{ dt | datetime_local }}", {"dt": datetime(2026, 11, 23, 15, 0)}),
    ],
    ids=["naive-due", "string-due", "naive-datetime"],
)
def test_time_filters_refuse_naive_values(
    env: SandboxedEnvironment, source: str, ctx: dict[str, object]
) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        env.from_string(source).render(ctx, lang="id", now=NOW, tz="Asia/Jakarta")


def test_time_filters_need_the_render_clock(env: SandboxedEnvironment) -> None:
    with pytest.raises(ValueError, match="use render"):
        env.from_string("{{ due | deadline }}").render(due=NOW)
