"""Suggesting the unit for a complaint that came without a code (DESIGN §6).

A plain word-overlap ranking over each unit's profile; a learned router keeps this interface.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.answers.match import tokens


@dataclass(frozen=True)
class UnitProfile:
    """What is known of a unit: its name and description, plus texts that were routed to it
    (answer-library titles, keywords and examples, and complaints officers filed there)."""

    code: str
    name: str
    description: str = ""
    aliases: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()


def _weights(profile: UnitProfile) -> Counter[str]:
    words = tokens(
        " ".join((profile.name, profile.description, *profile.aliases, *profile.examples))
    )
    return Counter(words)


def suggest_units(
    text: str, profiles: Sequence[UnitProfile], k: int = 3
) -> list[tuple[str, float]]:
    """Top-k (unit code, confidence in [0, 1]) for an uncoded complaint, best first; [] if no clue."""
    query = set(tokens(text))
    if not query:
        return []
    scores: dict[str, float] = {}
    for profile in profiles:
        weights = _weights(profile)
        total = sum(weights.values()) or 1
        hits = [w for w in query if w in weights]
        # coverage of the query matters most; frequency in the profile breaks ties
        scores[profile.code] = len(hits) / len(query) + sum(weights[w] for w in hits) / total / 10
    ranked = sorted(((c, s) for c, s in scores.items() if s > 0), key=lambda cs: (-cs[1], cs[0]))
    norm = sum(s for _, s in ranked) or 1.0
    return [(code, round(score / norm, 4)) for code, score in ranked[:k]]
