"""Answer matching: known cases, typos, the no-answer threshold, the cached rank() interface."""

from __future__ import annotations

from bot.answers.match import AnswerDoc, Matcher, matcher_for, rank

LIBRARY = [
    AnswerDoc(
        1,
        "KTP hilang",
        "Bawa surat kehilangan dari kepolisian dan fotokopi KK ke Disdukcapil.",
        ("ktp hilang", "kehilangan"),
        ("KTP saya hilang bagaimana cara mengurusnya?", "cara cetak ulang KTP yang hilang"),
    ),
    AnswerDoc(
        2,
        "Air PDAM mati",
        "Gangguan air bersih: petugas PDAM memeriksa pipa di wilayah Anda hari ini.",
        ("air mati", "pdam"),
        ("air pdam tidak mengalir sejak pagi", "kenapa air mati terus"),
    ),
    AnswerDoc(
        3,
        "Lampu jalan mati",
        "Laporan lampu penerangan jalan umum diteruskan ke Dishub untuk diperbaiki.",
        ("pju", "lampu jalan"),
        ("lampu jalan di gang kami mati", "penerangan jalan padam"),
    ),
]


def test_informal_messages_find_their_answer():
    matcher = Matcher(LIBRARY)
    assert matcher.rank("gmn cr ngurus ktp yg ilang??")[0].answer_id == 1
    assert matcher.rank("aer pdam gak ngalir dr pagi")[0].answer_id == 2
    assert matcher.rank("pju depan rmh mati min")[0].answer_id == 3


def test_typos_are_tolerated():
    assert Matcher(LIBRARY).rank("ktp sy hilanq, mau cetak ulng")[0].answer_id == 1


def test_confidence_is_in_range_and_unrelated_text_scores_low():
    matcher = Matcher(LIBRARY)
    good = matcher.rank("KTP saya hilang bagaimana cara mengurusnya?")[0]
    assert 0.7 <= good.score <= 1.0
    vague = matcher.rank("pupuk subsidi langka di kios tani")
    assert vague == [] or vague[0].score < 0.3
    assert matcher.rank("") == [] and matcher.rank("halo min") == []


def test_rank_keeps_its_interface_and_limit():
    matches = rank("air mati dan lampu jalan mati", LIBRARY, limit=2)
    assert len(matches) == 2
    assert {m.answer_id for m in matches} == {2, 3}
    assert matches[0].score >= matches[1].score


def test_matcher_is_cached_by_library_version():
    loads = []

    def load():
        loads.append(1)
        return LIBRARY

    first = matcher_for("v1", load)
    assert matcher_for("v1", load) is first
    assert matcher_for("v2", load) is not first
    assert len(loads) == 2
