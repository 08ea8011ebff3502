"""Ethics screening: informal spellings are caught, ordinary words that merely look alike are not."""

from __future__ import annotations

import pytest

from bot.parsers.ethics import screen, tokens
from store.lexicon import DEFAULT_TERMS

FLAGGED = [
    ("plain", "ada pungli di kantor kecamatan", "pungli"),
    ("phrase", "petugas minta uang damai 200rb waktu razia", "uang damai"),
    ("digits-as-letters", "ada pungl1 waktu urus KTP", "pungli"),
    ("stretched", "puuungliii terus pak", "pungli"),
    ("spaced", "ada p u n g l i di pasar", "pungli"),
    ("dotted", "dimintai u.a.n.g d.a.m.a.i", "uang damai"),
    ("glued-phrase", "katanya uangdamai saja", "uang damai"),
    ("prefix", "saya dipungli petugas parkir", "pungli"),
    ("suffix", "suapnya 50 ribu", "suap"),
    ("symbol", "minta $uap dulu", "suap"),
    ("capitals", "OKNUM DISHUB MINTA JATAH", "oknum"),
    ("calo-suffix", "lewat calonya lebih cepat", "calo"),
    ("harassment", "saya dilecehkan petugas", "dilecehkan"),
    ("cigarette-money", "dimintai uang rokok", "uang rokok"),
    ("accents", "grâtifikasi", "gratifikasi"),
    ("slang-money-affixed", "dimintain duit 50rb biar cepet", "minta uang"),
    ("passive-demand", "diminta uang 100 ribu agar cepat", "minta uang"),
    ("active-demand", "petugas meminta uang tambahan", "minta uang"),
    ("slang-cigarette-money", "katanya duit rokok", "uang rokok"),
    ("envelope", "harus kasih amplop ke petugas", "kasih amplop"),
    ("envelope-given", "sudah saya kasih amplop tapi belum diproses", "kasih amplop"),
    ("envelope-asked", "petugas memberi kode minta amplop", "minta amplop"),
    ("envelope-affixed", "diberi amplop oleh kontraktor", "beri amplop"),
    ("palm-greasing", "pakai salam tempel biar lancar", "salam tempel"),
]
CLEAN = [
    ("calon", "pendaftaran calon siswa baru"),
    ("numbers", "jalan rusak 200rb"),
    ("uang-alone", "uang pendaftaran terlalu mahal"),
    ("damai-alone", "lingkungan damai dan bersih"),
    ("suapan-like", "supaya cepat"),
    ("short-runs", "RT 5 RW 2 di desa a b"),
    ("empty", ""),
    ("school-fees", "uang sekolah terlalu mahal"),
    ("finance", "laporan keuangan desa belum diumumkan"),
    ("refund", "tagihan salah, saya minta uang saya dikembalikan"),
    ("envelope-documents", "berkas lamaran dimasukkan ke amplop coklat"),
]


@pytest.mark.parametrize(("text", "term"), [c[1:] for c in FLAGGED], ids=[c[0] for c in FLAGGED])
def test_flagged(text, term):
    assert term in screen(text, DEFAULT_TERMS)


@pytest.mark.parametrize("text", [c[1] for c in CLEAN], ids=[c[0] for c in CLEAN])
def test_clean(text):
    assert screen(text, DEFAULT_TERMS) == []


def test_the_lexicon_is_what_is_given():
    assert screen("ada pungli", ["korupsi"]) == []
    assert screen("ada sogokan", ["sogok"]) == ["sogok"]


def test_tokens_keep_numbers_and_join_spelled_words():
    assert tokens("Bayar 200 ribu ke p-u-n-g-l-i") == ["bayar", "200", "ribu", "ke", "pungli"]
