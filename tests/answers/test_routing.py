"""Unit suggestion for uncoded complaints: the interface the suggestion flow relies on."""

from __future__ import annotations

from bot.answers import UnitProfile, suggest_units

PROFILES = [
    UnitProfile("DISHUB", "Dinas Perhubungan", "lampu lalu lintas, terminal, angkot, parkir"),
    UnitProfile("PDAM", "Perusahaan Daerah Air Minum", "air bersih, pipa bocor, tagihan air"),
    UnitProfile("DPUPR", "Dinas PUPR", "jalan rusak, jembatan, drainase, jalan berlubang"),
]


def test_the_unit_whose_words_match_comes_first():
    ranked = suggest_units("pipa air bocor di depan rumah", PROFILES)
    assert ranked[0][0] == "PDAM"
    assert 0 < ranked[0][1] <= 1
    assert [c for c, _ in ranked] == sorted(
        {c for c, _ in ranked}, key=[c for c, _ in ranked].index
    )


def test_at_most_k_and_nothing_without_a_clue():
    assert len(suggest_units("jalan rusak dan lampu lalu lintas mati", PROFILES, k=2)) == 2
    assert suggest_units("halo", PROFILES) == []
    assert suggest_units("", PROFILES) == []
