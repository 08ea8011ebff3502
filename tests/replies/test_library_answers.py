"""Library answers as sandboxed templates (DESIGN §6): a few variables, texts without `{{` used as
written, and a check that names what is wrong."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.replies import make_env
from bot.replies.library import answer_context, check_answer, render_answer

DUE = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # 15.00 WIB


@pytest.fixture(scope="module")
def env():
    return make_env()


def ctx(nama: str = "", lang: str = "id"):
    return answer_context(
        nomor="4827193", nama=nama, unit="Dinas Perhubungan", due=DUE, lang=lang, tz="Asia/Jakarta"
    )


def test_variables_are_filled_in(env):
    body = "Yth. {{ nama }}, aduan {{ nomor }} untuk {{ unit }} dijawab sebelum {{ batas }}."
    assert render_answer(env, body, ctx("Siti")) == (
        "Yth. Siti, aduan 4827193 untuk Dinas Perhubungan dijawab sebelum 24/11/2026 15.00 WIB."
    )
    assert render_answer(env, "Yth. {{ nama }}", ctx()) == "Yth. Bapak/Ibu"
    assert render_answer(env, "Dear {{ nama }}", ctx(lang="en")) == "Dear Sir/Madam"


@pytest.mark.parametrize(
    "body", ["Lampu sudah diperbaiki.", "Tarif {per jam} Rp2.000; kode #1 {x}", "50% {#}"]
)
def test_a_text_without_template_markers_is_used_as_written(env, body):
    assert render_answer(env, body, ctx()) == body and check_answer(env, body, ctx()) is None


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("Aduan {{ nomr }}", "variabel tidak dikenal: {{ nomr }}"),
        ("Aduan {{ nomor", "templat tidak sah (baris 1)"),
        ("{% if nomor %}ya", "templat tidak sah (baris 1)"),
        ("{{ nomor.__class__ }}", "unsafe"),
        ("{{ batas | deadline }}", "templat tidak sah"),
        ("{{ '' }}", "kosong"),
    ],
    ids=["unknown", "unclosed", "unclosed-block", "sandbox", "filter", "empty"],
)
def test_the_check_says_what_is_wrong(env, body, reason):
    assert reason in str(check_answer(env, body, ctx()))


def test_a_valid_template_passes_the_check(env):
    assert (
        check_answer(env, "{% if nama %}Yth. {{ nama }}{% endif %} aduan {{ nomor }}", ctx())
        is None
    )
