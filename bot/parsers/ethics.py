"""Ethics screening: does a complaint name a breach of the code of ethics? (DESIGN §7)

Citizens write informally and sometimes dodge filters, so text and lexicon are normalised the same
way: lower case, digits and symbols read as letters inside words (`pungl1`, `$uap`), stretched
letters squeezed (`punglii`), letters spelled one by one joined (`p u n g l i`, `p.u.n.g.l.i`).
A term matches whole words, with common Indonesian affixes (`dipungli`, `suapnya`), never inside
another word (`calo` is not `calon`). The lexicon itself is data: store.lexicon keeps it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"}
)
_PREFIXES = ("", "di", "ter", "ber", "me", "meng", "meny", "mem", "men", "pe", "peng", "pen", "ke")
_SUFFIXES = ("", "an", "kan", "i", "nya", "lah", "in")
_TOKEN = re.compile(r"[a-z0-9@$!]+")
_REPEATS = re.compile(r"(.)\1+")
_MIN_AFFIXED = 4  # shorter terms match only exactly


def _word(token: str) -> str:
    # digits inside a word are letters in disguise; a plain number ("200") stays a number
    if token.isdigit():
        return token
    return _REPEATS.sub(r"\1", token.translate(_LEET))


def tokens(text: str) -> list[str]:
    """Normalised words of text; runs of single letters ("p u n g l i") become one word."""
    flat = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    out: list[str] = []
    run: list[str] = []
    for raw in _TOKEN.findall(flat):
        word = _word(raw)
        if len(word) == 1 and word.isalpha():
            run.append(word)
            continue
        out.extend(_flush(run))
        run = []
        out.append(word)
    out.extend(_flush(run))
    return out


def _flush(run: list[str]) -> list[str]:
    return ["".join(run)] if len(run) >= 3 else list(run)


@lru_cache(maxsize=16)
def _compile(terms: tuple[str, ...]) -> tuple[tuple[tuple[str, ...], str], ...]:
    return tuple((tuple(tokens(term)), term) for term in terms if tokens(term))


def _same(word: str, term: str) -> bool:
    if word == term:
        return True
    if len(term) < _MIN_AFFIXED or term not in word:
        return False
    return any(word == f"{pre}{term}{suf}" for pre in _PREFIXES for suf in _SUFFIXES)


def _at(words: list[str], i: int, parts: tuple[str, ...]) -> bool:
    if i + len(parts) > len(words):
        return False
    head_ok = all(words[i + k] == parts[k] for k in range(len(parts) - 1))
    return head_ok and _same(words[i + len(parts) - 1], parts[-1])


def screen(text: str, terms: Iterable[str]) -> list[str]:
    """The lexicon terms found in text (empty: nothing to flag), in lexicon order."""
    words = tokens(text)
    found = []
    for parts, term in _compile(tuple(terms)):
        glued = "".join(parts)  # "uangdamai" written without its space
        if any(_at(words, i, parts) for i in range(len(words))) or (
            len(parts) > 1 and any(_same(w, glued) for w in words)
        ):
            found.append(term)
    return found
