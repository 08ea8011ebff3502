"""Synthetic, reproducible Indonesian-looking data for benchmarks (no real data needed)."""

from __future__ import annotations

import random
from functools import cache

from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

SLANGY = ["gmn", "yg", "gak", "blm", "tdk", "sdh", "jln", "mhn", "tlg", "ktp", "kk", "pdam", "bpjs"]


@cache
def vocabulary() -> list[str]:
    """Sastrawi's root words in a fixed pseudo-random order (so ranks are not alphabetical)."""
    words = sorted(w for w in StemmerFactory().get_words() if w.isalpha() and 3 <= len(w) <= 10)
    random.Random(1).shuffle(words)
    return words


def words(rng: random.Random, n: int, pool: int = 8000) -> str:
    """n words with Zipf-like frequencies (p ~ 1/rank) over `pool` words, some written informally.

    Ranks start at 20: the commonest words of real text are stop words, which matching drops.
    """
    vocab = vocabulary()[:pool]
    out = []
    for _ in range(n):
        rank = int(20 * (pool / 20) ** rng.random())
        out.append(rng.choice(SLANGY) if rng.random() < 0.05 else vocab[rank % len(vocab)])
    return " ".join(out)


def typo(rng: random.Random, text: str) -> str:
    """Drop or double one letter in a few words, as people type on a phone."""
    out = []
    for w in text.split():
        if len(w) > 4 and rng.random() < 0.2:
            i = rng.randrange(1, len(w) - 1)
            w = w[:i] + w[i + 1 :] if rng.random() < 0.5 else w[:i] + w[i] * 3 + w[i + 1 :]
        out.append(w)
    return " ".join(out)


def library(n: int, seed: int = 7) -> list[dict]:
    """n answers with a title, keywords, two example questions and a body."""
    rng = random.Random(seed)
    return [
        {
            "id": i,
            "title": words(rng, rng.randint(3, 6)),
            "keywords": words(rng, 3).split(),
            "examples": [words(rng, rng.randint(5, 10)) for _ in range(2)],
            "body": words(rng, rng.randint(20, 50)),
        }
        for i in range(n)
    ]


def tickets(n: int, units: int = 20, seed: int = 11) -> list[tuple[str, str]]:
    """n (text, unit) pairs; each unit prefers its own slice of the vocabulary."""
    rng = random.Random(seed)
    vocab = vocabulary()
    topics = [vocab[u * 300 : u * 300 + 300] for u in range(units)]
    out = []
    for _ in range(n):
        u = rng.randrange(units)
        topical = " ".join(rng.choice(topics[u]) for _ in range(rng.randint(3, 8)))
        out.append((f"{words(rng, rng.randint(10, 40))} {topical}", f"UNIT{u:02d}"))
    return out
