"""The normaliser: slang, repeated letters, digits as letters, phrases, negations kept."""

from __future__ import annotations

import pytest

from bot.answers.normalize import normalize, slang, stem, tokens


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yg", ["yang"]),
        ("gmn cr ngurus", ["bagaimana", "cara", "urus"]),
        ("jln rusak", ["jalan", "rusak"]),
        ("mhn tlg", ["mohon", "tolong"]),
        ("sy blm dpt", ["saya", "belum", "dapat"]),
        ("gak ada", ["tidak", "ada"]),
        ("e-ktp ilang", ["ktp", "hilang"]),
        ("ora iso", ["tidak", "bisa"]),  # Javanese
        ("teu acan", ["tidak", "belum"]),  # Sundanese
        ("kartu keluarga", ["kk"]),  # phrase
    ],
)
def test_slang_and_regional_words(text, expected):
    assert normalize(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rusakkkk", ["rusak"]),
        ("bangettt", ["sangat"]),
        ("maaaaf", ["maaf"]),
        ("tolonggg", ["tolong"]),
        ("anak2", ["anak"]),
        ("jalan-jalan", ["jalan"]),
    ],
)
def test_repeated_letters_and_reduplication(text, expected):
    assert normalize(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("s4y4", ["saya"]),
        ("t4nya", ["tanya"]),
        ("b3lum", ["belum"]),
        # codes keep their digits: neighbourhood numbers, plates, network generations
        ("rt04", ["rt04"]),
        ("rw02", ["rw02"]),
        ("4g", ["4g"]),
        ("2024", ["2024"]),
    ],
)
def test_digits_as_letters_only_where_sensible(text, expected):
    assert normalize(text) == expected


def test_negations_and_question_words_survive_stop_words():
    words = tokens("kenapa KTP saya belum jadi, tidak ada kabar. kapan selesai?", stemmed=False)
    for kept in ("kenapa", "belum", "tidak", "kapan", "ktp"):
        assert kept in words
    for dropped in ("saya", "ada"):
        assert dropped not in words


def test_stemming_is_applied_and_cached():
    assert stem("perbaikan") == "baik"
    assert tokens("pelayanan yang lambat") == ["layan", "lambat"]
    assert stem.cache_info().hits + stem.cache_info().misses > 0


def test_the_dictionary_is_curated_and_packaged():
    table = slang()
    assert 400 <= len(table) <= 3000
    assert table["tdk"] == "tidak" and table["pdam"] == "pdam"


def test_words_sastrawi_stems_apart_meet():
    assert tokens("meninggal") == tokens("kematian") == tokens("wafat")
    assert tokens("antrian") == tokens("antri") == tokens("ngantri")
    assert tokens("blanko") == tokens("blangko")
