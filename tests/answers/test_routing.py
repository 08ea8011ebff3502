"""Unit suggestion for uncoded complaints: the interface the suggestion flow relies on."""

from __future__ import annotations

from bot.answers import UnitProfile, routing, suggest_units
from bot.answers.classifier import LinearSVM

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


def test_warm_builds_the_router_suggest_units_then_uses(monkeypatch):
    profiles = [
        UnitProfile("DISHUB", "Dinas Perhubungan", "lampu lalu lintas, parkir, angkutan umum"),
        UnitProfile("DLH", "Dinas Lingkungan Hidup", "sampah, limbah, pencemaran sungai"),
    ]
    routing.warm(profiles)
    fits = []
    original = LinearSVM.fit
    monkeypatch.setattr(LinearSVM, "fit", lambda self, docs: fits.append(1) or original(self, docs))
    assert routing.suggest_units("sampah menumpuk di pasar", profiles)[0][0] == "DLH"
    assert fits == []  # nothing left to build at the first uncoded message
