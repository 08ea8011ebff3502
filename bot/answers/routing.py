"""Suggesting the unit for a complaint that came without a code (DESIGN §6).

A `Router` is a complement naive Bayes classifier (bot/answers/classifier.py) that learns from
three sources: each unit's name, aliases and description (plus built-in sector vocabulary when the
unit names a known sector, bot/answers/sectors.py), the answer-library texts and complaints
officers filed there (`UnitProfile.examples`), and the routed-ticket history
(bot/answers/history.py). It learns incrementally (`learn`), so the desk can feed it each ticket
as it is closed, or rebuild it on a schedule.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.answers.classifier import ComplementNB
from bot.answers.sectors import sector_text

# Confidences: softmax over class scores standardised by their spread (scale-free, whatever the
# vocabulary size), sharpened by BETA. BETA minimised log-loss in 5-fold CV on real complaints,
# where a 0.7 confidence was right about 70 % of the time (README, "Routing").
BETA = 1.25
DESCRIPTION_REPEAT = 2  # a description weighs like two routed tickets


@dataclass(frozen=True)
class UnitProfile:
    """What is known of a unit: its name and description, plus texts that were routed to it
    (answer-library titles, keywords and examples, and complaints officers filed there)."""

    code: str
    name: str
    description: str = ""
    aliases: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()


class Router:
    """Predicts a unit code from complaint text; learns from profiles and routed history."""

    def __init__(self) -> None:
        self.model = ComplementNB()

    @classmethod
    def from_profiles(cls, profiles: Sequence[UnitProfile]) -> Router:
        """A router knowing each unit's description, sector vocabulary and examples."""
        router = cls()
        for p in profiles:
            about = " ".join(
                (p.name, *p.aliases, p.description, sector_text(p.code, p.name, p.aliases))
            )
            for _ in range(DESCRIPTION_REPEAT):
                router.learn(about, p.code)
            for example in p.examples:
                router.learn(example, p.code)
        return router

    @classmethod
    def from_history(cls, pairs: Iterable[tuple[str, str]]) -> Router:
        """A router trained on (text, unit) pairs; units named like known sectors get their vocabulary."""
        router = cls()
        for text, unit in pairs:
            router.learn(text, unit)
        for unit in router.model.labels:
            about = sector_text(unit, unit)
            for _ in range(DESCRIPTION_REPEAT if about else 0):
                router.learn(about, unit)
        return router

    def learn(self, text: str, unit: str) -> None:
        """Learn one routed complaint (or description) for a unit."""
        self.model.learn(text, unit)

    def suggest(self, text: str, k: int = 3) -> list[tuple[str, float]]:
        """Top-k (unit, confidence) with confidences from a softmax over the class scores."""
        scores = self.model.scores(text)
        if not scores:
            return []
        top = max(scores.values())
        spread = statistics.pstdev(scores.values()) or 1.0
        weights = {c: math.exp((s - top) / spread * BETA) for c, s in scores.items()}
        total = sum(weights.values())
        ranked = sorted(weights.items(), key=lambda cw: (-cw[1], cw[0]))
        return [(code, round(w / total, 4)) for code, w in ranked[:k]]

    def predict(self, text: str) -> str | None:
        """The most likely unit, or None when the text shares nothing with what was learned."""
        best = self.suggest(text, k=1)
        return best[0][0] if best else None


@lru_cache(maxsize=8)
def _router(profiles: tuple[UnitProfile, ...]) -> Router:
    return Router.from_profiles(profiles)


def suggest_units(
    text: str, profiles: Sequence[UnitProfile], k: int = 3
) -> list[tuple[str, float]]:
    """Top-k (unit code, confidence in [0, 1]) for an uncoded complaint, best first; [] if no clue."""
    if not profiles:
        return []
    return _router(tuple(profiles)).suggest(text, k)
