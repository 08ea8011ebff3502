"""A small, dependable ranking: token overlap with the answer's words plus fuzzy similarity to its examples.

Scores are in [0, 1]. A later, stronger matcher (BM25 + normalisation) keeps this interface.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

# The commonest SMS abbreviations; the full dictionary belongs to the normaliser.
SLANG = {
    "yg": "yang",
    "tdk": "tidak",
    "gak": "tidak",
    "ga": "tidak",
    "nggak": "tidak",
    "blm": "belum",
    "sdh": "sudah",
    "udh": "sudah",
    "udah": "sudah",
    "jln": "jalan",
    "jl": "jalan",
    "dgn": "dengan",
    "krn": "karena",
    "utk": "untuk",
    "gmn": "bagaimana",
    "gimana": "bagaimana",
    "bgmn": "bagaimana",
    "ilang": "hilang",
    "lg": "lagi",
    "bs": "bisa",
    "dr": "dari",
    "sy": "saya",
    "mhn": "mohon",
    "tlg": "tolong",
    "pjl": "lampu",
    "bangjo": "lampu",
    "aer": "air",
    "ktp": "ktp",
    "e-ktp": "ktp",
    "ektp": "ktp",
    "kk": "kk",
}
STOP = {
    "yang",
    "di",
    "ke",
    "dari",
    "dan",
    "atau",
    "ini",
    "itu",
    "saya",
    "kami",
    "kita",
    "ada",
    "dengan",
    "untuk",
    "pak",
    "bu",
    "bapak",
    "ibu",
    "mohon",
    "tolong",
    "min",
    "admin",
    "ya",
    "sih",
    "kok",
    "nya",
    "pada",
    "sudah",
    "akan",
    "juga",
    "lagi",
    "sangat",
    "sekali",
    "the",
    "a",
}
WORD = re.compile(r"[0-9a-z]+")


@dataclass(frozen=True)
class AnswerDoc:
    id: int
    title: str
    body: str
    keywords: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    answer_id: int
    score: float


def tokens(text: str) -> list[str]:
    """Lower-case words with common abbreviations expanded and stop words dropped (negations kept)."""
    words = (SLANG.get(w, w) for w in WORD.findall(text.lower()))
    return [w for w in words if w not in STOP and len(w) > 1]


def _score(query: str, qset: set[str], doc: AnswerDoc) -> float:
    vocab = set(tokens(" ".join((doc.title, *doc.keywords, *doc.examples))))
    overlap = len(qset & vocab) / len(qset) if qset else 0.0
    phrases = [k.lower() for k in doc.keywords if k]
    phrase_hit = 1.0 if any(p in query for p in phrases) else 0.0
    fuzzy = max((fuzz.token_set_ratio(query, ex.lower()) for ex in doc.examples), default=0.0) / 100
    return round(0.45 * overlap + 0.25 * phrase_hit + 0.30 * fuzzy, 4)


def rank(query: str, docs: Sequence[AnswerDoc], limit: int = 3) -> list[Match]:
    """The best answers for a complaint, best first."""
    normalised = " ".join(tokens(query))
    qset = set(normalised.split())
    if not qset:
        return []
    scored = [Match(d.id, _score(normalised, qset, d)) for d in docs]
    scored.sort(key=lambda m: (-m.score, m.answer_id))
    return scored[:limit]
