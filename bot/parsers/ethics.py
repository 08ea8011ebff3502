"""Ethics screening: does a complaint name a breach of the code of ethics? (DESIGN §7)

Citizens write informally and sometimes dodge filters, so text and lexicon are normalised the same
way: lower case, digits and symbols read as letters inside words (`pungl1`, `$uap`), stretched
letters squeezed (`punglii`), letters spelled one by one joined (`p u n g l i`, `p.u.n.g.l.i`).
Slang words for money read as `uang` (`duit`), on both sides. A term matches whole words, each word
with common Indonesian affixes (`dipungli`, `suapnya`, `dimintai uang`, `mintain duit`), never inside
another word (`calo` is not `calon`). A request for money back ("minta uang saya dikembalikan") is
no demand for money. The lexicon itself is data: store.lexicon keeps it.
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
_SLANG = {"duit": "uang", "doku": "uang", "fulus": "uang"}  # read the same as the lexicon's word
_ASKING = "minta"  # "minta uang": a demand, unless the money is to come back to the citizen
_BACK = ("kembali", "dikembali", "pengembalian", "refund")
_BACK_WORDS = 3  # how far after the term "dikembalikan" may come


def _word(token: str) -> str:
    # digits inside a word are letters in disguise; a plain number ("200") stays a number
    if token.isdigit():
        return token
    word = _REPEATS.sub(r"\1", token.translate(_LEET))
    return _SLANG.get(word, word)


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
    end = i + len(parts)
    if end > len(words) or not all(_same(words[i + k], part) for k, part in enumerate(parts)):
        return False
    return not (parts[0] == _ASKING and _money_back(words[end : end + _BACK_WORDS]))


def _money_back(after: list[str]) -> bool:
    return any(word.startswith(_BACK) for word in after)


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
