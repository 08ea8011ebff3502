"""Suggesting the unit for a complaint that came without a code (DESIGN §6).

A `Router` combines a linear SVM and complement naive Bayes (bot/answers/classifier.py), both
learning from three sources: each unit's name, aliases and description (plus built-in sector vocabulary when the
unit names a known sector, bot/answers/sectors.py), the answer-library texts and complaints
officers filed there (`UnitProfile.examples`), and the routed-ticket history
(bot/answers/history.py). It learns incrementally (`learn`: naive Bayes at once, the SVM refit once
the data grew by 10 % or a unit is new), so the desk can feed it each ticket as it is closed, or
rebuild it on a schedule.
"""

from __future__ import annotations

import math
import statistics
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.answers.classifier import ComplementNB, LinearSVM, word_features
from bot.answers.sectors import sector_text

# Confidences: softmax over class scores standardised by their spread (scale-free, whatever the
# vocabulary size), sharpened by BETA. BETA minimised log-loss in 5-fold CV on real complaints,
# where a 0.8 confidence was right about 84 % of the time (README, "Routing").
BETA = 1.5
DESCRIPTION_REPEAT = 2  # a description weighs like two routed tickets
SVM_WEIGHT = 3.0  # the SVM's standardised scores count this many times naive Bayes' (see README)
REFIT = 0.1  # refit the SVM once the documents grew by 10 % since its last fit


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
    """Predicts a unit code from complaint text; learns from profiles and routed history.

    Two models vote: a linear SVM (the stronger one in CV, refit in batches) and complement naive
    Bayes (updated by every `learn`, so a ticket counts at once). Each model's class scores are
    standardised before they are added, SVM_WEIGHT times the SVM's.
    """

    def __init__(self) -> None:
        self.model = ComplementNB()
        self.svm = LinearSVM()
        # what the SVM refits on: the texts, which the caller holds anyway (features cost memory)
        self._docs: list[tuple[str, str]] = []
        self._fitted = 0  # documents the SVM was last fit on

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
        if word_features(text):
            self._docs.append((text, unit))

    def _svm_scores(self, text: str) -> dict[str, float]:
        """The SVM's scores, refitting first when a unit is new to it or the data grew by REFIT."""
        if not self._docs:
            return {}
        stale = len(self._docs) - self._fitted > REFIT * self._fitted
        if stale or self.svm.labels != self.model.labels:
            self.svm.fit([(word_features(text), unit) for text, unit in self._docs])
            self._fitted = len(self._docs)
        return self.svm.scores(word_features(text))

    def scores(self, text: str) -> dict[str, float]:
        """Combined class scores (higher is better); empty when the text shares nothing known."""
        bayes = self.model.scores(text)
        if not bayes:
            return {}
        svm = self._svm_scores(text)
        if set(svm) != set(bayes):
            return bayes
        svm = _standardised(svm)
        return {c: s + SVM_WEIGHT * svm[c] for c, s in _standardised(bayes).items()}

    def suggest(self, text: str, k: int = 3) -> list[tuple[str, float]]:
        """Top-k (unit, confidence) with confidences from a softmax over the class scores."""
        scores = self.scores(text)
        if not scores:
            return []
        top = max(scores.values())
        spread = statistics.pstdev(scores.values()) or 1.0
        weights = {c: math.exp((s - top) / spread * BETA) for c, s in scores.items()}
        total = sum(weights.values())
        ranked = sorted(weights.items(), key=lambda cw: (-cw[1], cw[0]))
        return [(code, round(w / total, 4)) for code, w in ranked[:k]]

    def warm(self) -> None:
        """Build naive Bayes' weights and fit the SVM now instead of at the first prediction."""
        self.model.warm()
        self._svm_scores("")

    def predict(self, text: str) -> str | None:
        """The most likely unit, or None when the text shares nothing with what was learned."""
        best = self.suggest(text, k=1)
        return best[0][0] if best else None


def _standardised(scores: dict[str, float]) -> dict[str, float]:
    """Scores shifted to mean 0 and scaled to spread 1, so two models' scores can be added."""
    mean = statistics.fmean(scores.values())
    spread = statistics.pstdev(scores.values()) or 1.0
    return {c: (s - mean) / spread for c, s in scores.items()}


_ROUTERS_LOCK = threading.Lock()
# The last router per set of units (codes, names, descriptions), with the profiles it learned.
_ROUTERS: dict[
    tuple[tuple[str, str, str, tuple[str, ...]], ...], tuple[tuple[UnitProfile, ...], Router]
] = {}


def _router(profiles: tuple[UnitProfile, ...]) -> Router:
    """A router for these profiles. When only the examples changed (tickets were closed since),
    the last router learns the new ones instead of being rebuilt: the caller rebuilds profiles
    for every uncoded message, and a rebuild of a large history takes seconds. Examples that
    left the history window stay learned until a rebuild, which happens when they are more
    than REFIT of what the router holds, or when a unit's name or description changed."""
    units = tuple((p.code, p.name, p.description, p.aliases) for p in profiles)
    last = _ROUTERS.get(units)
    if last is not None and last[0] == profiles:
        return last[1]
    if last is not None:
        before = {p.code: Counter(p.examples) for p in last[0]}
        added = [
            (e, p.code) for p in profiles for e in (Counter(p.examples) - before[p.code]).elements()
        ]
        gone = sum(sum((before[p.code] - Counter(p.examples)).values()) for p in profiles)
        held = sum(sum(c.values()) for c in before.values())
        if gone <= REFIT * held:
            router = last[1]
            for text, code in added:
                router.learn(text, code)
            _ROUTERS[units] = (profiles, router)
            return router
    if len(_ROUTERS) >= 8 and units not in _ROUTERS:
        _ROUTERS.pop(next(iter(_ROUTERS)))
    router = Router.from_profiles(profiles)
    _ROUTERS[units] = (profiles, router)
    return router


def warm(profiles: Sequence[UnitProfile]) -> None:
    """Build, ready to predict, the router `suggest_units` will use for these profiles."""
    if profiles:
        with _ROUTERS_LOCK:
            _router(tuple(profiles)).warm()


def suggest_units(
    text: str, profiles: Sequence[UnitProfile], k: int = 3
) -> list[tuple[str, float]]:
    """Top-k (unit code, confidence in [0, 1]) for an uncoded complaint, best first; [] if no clue."""
    if not profiles:
        return []
    # The kept routers learn in place (and refit lazily when asked): one thread at a time
    # (`aduan run` and gthread workers serve requests on several threads).
    with _ROUTERS_LOCK:
        return _router(tuple(profiles)).suggest(text, k)
