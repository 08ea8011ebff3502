"""Whole-message keywords, table-driven: (raw message, expected (keyword, arg) or None)."""

import pytest

from bot.parsers import Keyword, leading_answer, parse_keyword

HIT = [
    ("english", "ENGLISH", Keyword.LANGUAGE, "en"),
    ("english-phrase", "bahasa inggris", Keyword.LANGUAGE, "en"),
    ("indonesian", "Bahasa Indonesia", Keyword.LANGUAGE, "id"),
    ("indonesian-word", "indonesia!", Keyword.LANGUAGE, "id"),
    ("bantuan", "BANTUAN", Keyword.HELP, ""),
    ("info-lower", "info", Keyword.HELP, ""),
    ("help", "Help", Keyword.HELP, ""),
    ("tolong", "tolong", Keyword.HELP, ""),
    ("menu", "MENU", Keyword.HELP, ""),
    ("question-mark", "?", Keyword.HELP, ""),
    ("question-marks", "??", Keyword.HELP, ""),
    ("kode", "KODE", Keyword.CODES, ""),
    ("daftar", "daftar", Keyword.CODES, ""),
    ("list", "List", Keyword.CODES, ""),
    ("status-bare", "STATUS", Keyword.STATUS, ""),
    ("status-number", "STATUS 1234567", Keyword.STATUS, "1234567"),
    ("status-hash", "status #1234567", Keyword.STATUS, "1234567"),
    ("status-glued", "STATUS#1234567", Keyword.STATUS, "1234567"),
    ("status-colon", "status: 1234567", Keyword.STATUS, "1234567"),
    ("status-nomor", "Status nomor 1234567", Keyword.STATUS, "1234567"),
    ("status-no-dot", "STATUS No. 1234567", Keyword.STATUS, "1234567"),
    ("status-trailing-dot", "STATUS 1234567.", Keyword.STATUS, "1234567"),
    ("status-next-line", "STATUS\n1234567", Keyword.STATUS, "1234567"),
    ("cek", "cek", Keyword.STATUS, ""),
    ("cek-number", "CEK #998877", Keyword.STATUS, "998877"),
    # Judgement: the words citizens put around STATUS ask for nothing else.
    ("cek-status", "cek status", Keyword.STATUS, ""),
    ("status-aduan-saya", "Status aduan saya?", Keyword.STATUS, ""),
    ("status-aduanku", "status aduanku", Keyword.STATUS, ""),
    ("status-tiket-number", "STATUS tiket 1234567", Keyword.STATUS, "1234567"),
    ("cek-status-laporan-no", "cek status laporan no. 1234567", Keyword.STATUS, "1234567"),
    ("batal", "BATAL", Keyword.CANCEL, ""),
    ("cancel", "cancel", Keyword.CANCEL, ""),
    ("stop", "STOP", Keyword.STOP, ""),
    ("stop-bangs", "STOP!!", Keyword.STOP, ""),
    ("berhenti", "berhenti", Keyword.STOP, ""),
    ("unsubscribe", "UNSUBSCRIBE", Keyword.STOP, ""),
    ("mulai", "Mulai", Keyword.START, ""),
    ("start", "START", Keyword.START, ""),
    ("ya", "YA", Keyword.YES, ""),
    ("ya-dot", "ya.", Keyword.YES, ""),
    ("ya-bang", "Ya!", Keyword.YES, ""),
    ("y", "y", Keyword.YES, ""),
    ("yes", "Yes", Keyword.YES, ""),
    ("iya", "iya", Keyword.YES, ""),
    ("iyah", "IYAH", Keyword.YES, ""),
    ("ok", "ok", Keyword.YES, ""),
    ("oke", "Oke", Keyword.YES, ""),
    ("betul", "betul", Keyword.YES, ""),
    ("benar", "BENAR", Keyword.YES, ""),
    # Judgement: letters stretched for emphasis and a trailing emoji keep the meaning.
    ("ya-stretched", "yaaa", Keyword.YES, ""),
    ("oke-stretched", "okeee!", Keyword.YES, ""),
    ("ok-emoji", "ok 👍", Keyword.YES, ""),
    ("ya-spaces-controls", "  \u200bYa\x00 ", Keyword.YES, ""),
    ("ya-full-width", "ＹＡ！", Keyword.YES, ""),
    ("tidak", "TIDAK", Keyword.NO, ""),
    ("tidak-dot", "tidak.", Keyword.NO, ""),
    ("tdk", "tdk", Keyword.NO, ""),
    ("gak", "Gak", Keyword.NO, ""),
    ("ga", "ga", Keyword.NO, ""),
    ("nggak", "nggak", Keyword.NO, ""),
    ("enggak", "ENGGAK", Keyword.NO, ""),
    ("no", "no", Keyword.NO, ""),
    ("n", "N", Keyword.NO, ""),
    ("bukan", "bukan!", Keyword.NO, ""),
    ("greeting-halo", "halo", Keyword.HELP, ""),
    ("greeting-stretched", "Haloo min!", Keyword.HELP, ""),
    ("greeting-selamat-pagi", "Selamat pagi pak", Keyword.HELP, ""),
    ("greeting-salam", "Assalamualaikum wr wb", Keyword.HELP, ""),
    ("greeting-p", "P", Keyword.HELP, ""),
    ("number-1", "1", Keyword.NUMBER, "1"),
    ("number-99", "99", Keyword.NUMBER, "99"),
    ("number-dot", "3.", Keyword.NUMBER, "3"),
    ("number-paren", "2)", Keyword.NUMBER, "2"),
    ("number-leading-zero", "07", Keyword.NUMBER, "7"),
]

MISS = [
    ("empty", ""),
    ("spaces", "   "),
    ("only-hash", "#"),
    ("two-keywords", "ya tidak"),
    ("keyword-then-text", "ya betul jalannya rusak"),
    ("status-word-arg", "STATUS DISHUB"),
    ("status-two-numbers", "STATUS 123 456"),
    ("cek-then-text", "cek status lampu di simpang lima"),
    ("cek-a-place", "cek jalan rusak"),
    ("batal-with-number", "BATAL 1234567"),
    ("committee-ack", "OK 123456"),
    ("number-zero", "0"),
    ("number-100", "100"),
    ("number-negative", "-1"),
    ("leading-punctuation", "!ya"),
    ("leading-hash-keyword", "#STOP"),
    ("not-a-keyword", "lampu"),
    ("greeting-then-complaint", "halo min jalan rusak"),
    ("keyword-inside-word", "yakin"),
    ("code", "DISHUB #lampu"),
    ("language-in-a-sentence", "warga indonesia butuh jalan"),
]


@pytest.mark.parametrize(("raw", "keyword", "arg"), [c[1:] for c in HIT], ids=[c[0] for c in HIT])
def test_keyword(raw: str, keyword: Keyword, arg: str) -> None:
    assert parse_keyword(raw) == (keyword, arg)


@pytest.mark.parametrize("raw", [c[1] for c in MISS], ids=[c[0] for c in MISS])
def test_not_a_keyword(raw: str) -> None:
    assert parse_keyword(raw) is None


def test_every_keyword_is_reachable() -> None:
    samples = ("help", "kode", "status", "batal", "stop", "mulai", "ya", "tidak", "5", "english")
    assert {parse_keyword(s)[0] for s in samples if parse_keyword(s)} == set(Keyword)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ya, terima kasih", Keyword.YES),
        ("okee makasih pak", Keyword.YES),
        ("Tidak, air masih keruh", Keyword.NO),
        ("nggak, lampunya masih mati", Keyword.NO),
        ("ga ada perubahan", Keyword.NO),
        ("ya, tapi masih bau", None),  # a YA taken back
        ("ya gak berubah", None),
        ("benar, jalan masih rusak", None),
        ("gak apa-apa kok", None),  # "no problem"
        ("tidak masalah", None),
        ("gapapa", None),
        ("YA", None),  # a bare keyword is parse_keyword's
        ("sampah menumpuk lagi", None),
    ],
)
def test_leading_answer(text, expected):
    assert leading_answer(text) is expected
