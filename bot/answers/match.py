"""Matching a complaint to the answer library: BM25 over normalised fields, fuzzy re-ranking.

`Matcher` indexes a library once (inverted index over title, keywords, example questions and the
answer text, each field weighted); a query then touches only the postings of its own words, so a
10,000-answer library answers in about a millisecond. Unknown query words are corrected to the
closest indexed word (rapidfuzz), and the best BM25 candidates are re-ranked by fuzzy similarity to
their example questions. Confidence in [0, 1] mixes how much of the query's information the answer
covers with that similarity; below `answers.draft_threshold` the officer writes the answer.
"""

from __future__ import annotations

import gc
import heapq
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.answers.general import rarity
from bot.answers.normalize import stem, tokens

FIELD_WEIGHTS = {"title": 2.0, "keywords": 2.0, "examples": 1.5, "body": 0.5}
K1, B = 1.2, 0.75
RERANK = 12  # BM25 candidates re-ranked by fuzzy similarity
COVER_WEIGHT = 0.6  # confidence = 0.6 * coverage + 0.4 * fuzzy similarity (see README)
# Question words and generic request verbs are kept (they matter to meaning) but say little about
# *which* answer is meant: every FAQ entry is a "bagaimana cara mengurus ...".
WEAK = frozenset(
    "bagaimana cara apa apakah mana dimana kenapa mengapa berapa siapa urus minta tanya".split()
)
WEAK_WEIGHT = 0.25
FUZZY_RERANK = 0.25
LARGE = 1000  # answers from which the index is frozen out of garbage collection
COMMON_MIN = 100  # a term in more answers than this (or 1 %) only re-scores found candidates
# IDF counted over a small library is mostly chance; general-language rarity (bot/answers/general.py)
# is blended in as if it had been counted over this many answers, so its share fades as the library
# grows: 0.29 at 36 answers, under 0.01 from 1,500, where it is no longer applied. See README.
PRIOR_ANSWERS = 15


@dataclass(frozen=True)
class AnswerDoc:
    id: int | str
    title: str
    body: str
    keywords: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    answer_id: int | str
    score: float


def _doc_terms(doc: AnswerDoc) -> dict[str, float]:
    fields = {
        "title": doc.title,
        "keywords": " ".join(doc.keywords),
        "examples": " ".join(doc.examples),
        "body": doc.body,
    }
    tf: dict[str, float] = defaultdict(float)
    for field, text in fields.items():
        for term in tokens(text):
            tf[term] += FIELD_WEIGHTS[field]
    return tf


def _phrase(text: str) -> str:
    """Normalised content words for fuzzy comparison (weak words removed, not stemmed)."""
    return " ".join(w for w in tokens(text, stemmed=False) if stem(w) not in WEAK)


class Matcher:
    """A BM25 + fuzzy index over one answer library; build once, query many times."""

    def __init__(self, docs: Sequence[AnswerDoc]) -> None:
        self.docs = list(docs)
        self.postings: dict[str, dict[int, float]] = defaultdict(dict)
        self.phrases = [tuple(_phrase(t) for t in (d.title, *d.examples)) for d in docs]
        lengths = []
        for i, doc in enumerate(self.docs):
            tf = _doc_terms(doc)
            lengths.append(sum(tf.values()))
            for term, freq in tf.items():
                self.postings[term][i] = freq
        avg = (sum(lengths) / len(lengths)) if lengths else 1.0
        n = len(self.docs)
        self.common = max(COMMON_MIN, n // 100)
        self.idf = {
            t: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for t, p in self.postings.items()
        }
        self.max_idf = math.log(1 + (n + 0.5) / 0.5)
        prior = PRIOR_ANSWERS / (PRIOR_ANSWERS + n) if n else 0.0
        if prior >= 0.01:
            self.idf = {
                t: (1 - prior) * idf + prior * self.max_idf * rarity(t)
                for t, idf in self.idf.items()
            }
        self.norm = [K1 * (1 - B + B * length / (avg or 1.0)) for length in lengths]
        self._buckets: dict[tuple[str, int], list[str]] = defaultdict(list)
        for term in self.postings:
            self._buckets[(term[:1], len(term))].append(term)
        # common words keep their highest-impact answers, precomputed so no query pays for it
        self._top = {t: self._impact(t) for t, p in self.postings.items() if len(p) > self.common}
        if n >= LARGE:
            # A big index is millions of long-lived objects; without this, the cyclic GC walks
            # them all now and then and a message waits 20 ms. Frozen objects are skipped.
            gc.freeze()
        self._correct = lru_cache(maxsize=50_000)(self._closest)

    def _closest(self, word: str) -> str | None:
        """The indexed word a misspelt query word most likely meant (same initial, similar length)."""
        if len(word) < 4:
            return None
        pool = [t for d in (-1, 0, 1) for t in self._buckets.get((word[:1], len(word) + d), ())]
        best = process.extractOne(word, pool, scorer=fuzz.ratio, score_cutoff=80)
        return best[0] if best else None

    def _terms(self, query: str) -> list[str]:
        out = []
        for word in dict.fromkeys(tokens(query)):
            out.append(word if word in self.postings else (self._correct(word) or word))
        return out

    def _bm25(self, terms: list[str]) -> tuple[dict[int, float], dict[int, float]]:
        """BM25 per document. Rare terms walk their postings; common ones (short lists are the
        norm, but "jalan" may sit in thousands of answers) only score documents already found."""
        scores: dict[int, float] = defaultdict(float)
        covered: dict[int, float] = defaultdict(float)
        ordered = sorted(terms, key=lambda t: len(self.postings.get(t, ())))
        for term in ordered:
            idf = self.idf.get(term, 0.0) * (WEAK_WEIGHT if term in WEAK else 1.0)
            postings = self.postings.get(term, {})
            if len(postings) <= self.common:
                hits = list(postings.items())
            elif scores:
                hits = [(i, postings[i]) for i in scores if i in postings]
            else:  # only common words so far: their highest-impact answers are the candidates
                hits = self._top[term]
            for i, freq in hits:
                scores[i] += idf * freq * (K1 + 1) / (freq + self.norm[i])
                covered[i] += idf
        return scores, covered

    def _impact(self, term: str) -> list[tuple[int, float]]:
        postings = self.postings[term]
        return heapq.nlargest(
            self.common, postings.items(), key=lambda p: p[1] / (p[1] + self.norm[p[0]])
        )

    def rank(self, query: str, limit: int = 3) -> list[Match]:
        """The best answers for a message, best first, each with a confidence in [0, 1]."""
        terms = self._terms(query)
        if not terms or not self.docs:
            return []
        scores, covered = self._bm25(terms)
        if not scores:
            return []
        total_idf = sum(
            self.idf.get(t, self.max_idf) * (WEAK_WEIGHT if t in WEAK else 1.0) for t in terms
        )
        best = heapq.nlargest(RERANK, scores, key=scores.__getitem__)
        top = scores[best[0]]
        text = _phrase(query)
        ranked = []
        for i in best:
            similar = max(
                (fuzz.token_set_ratio(text, p) for p in self.phrases[i] if p), default=0.0
            )
            relative = scores[i] / top
            # BM25 orders; fuzzy similarity to the example questions breaks near-ties and typos
            key = relative + FUZZY_RERANK * similar / 100
            raw = COVER_WEIGHT * covered[i] / total_idf + (1 - COVER_WEIGHT) * similar / 100
            # a candidate far behind the BM25 leader is penalised: similarity alone is not enough
            confidence = min(1.0, max(0.0, raw * (0.5 + 0.5 * relative)))
            ranked.append((key, Match(self.docs[i].id, round(confidence, 4))))
        ranked.sort(key=lambda km: (-km[0], str(km[1].answer_id)))
        return [m for _, m in ranked[:limit]]


@lru_cache(maxsize=64)
def _matcher(docs: tuple[AnswerDoc, ...]) -> Matcher:
    return Matcher(docs)


_BY_VERSION: dict[str, Matcher] = {}


def matcher_for(version: str, load: Callable[[], Sequence[AnswerDoc]]) -> Matcher:
    """The matcher for a library version (e.g. newest Answer.updated_at + count); loads on a miss."""
    found = _BY_VERSION.get(version)
    if found is None:
        if len(_BY_VERSION) >= 16:  # a handful of libraries per desk; drop the oldest
            _BY_VERSION.pop(next(iter(_BY_VERSION)))
        found = _BY_VERSION[version] = Matcher(load())
    return found


def rank(query: str, docs: Sequence[AnswerDoc], limit: int = 3) -> list[Match]:
    """The best answers for a complaint, best first (the index is cached per library content)."""
    return _matcher(tuple(docs)).rank(query, limit)
