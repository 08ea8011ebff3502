"""How common a word is in Indonesian at large: a prior for the IDF of small answer libraries.

A desk's library may hold a few dozen answers. Counted over so few documents, IDF is mostly
chance: in a library with five "akta" answers and one "dokumen yang diperlukan" answer, "akta"
looks commoner than "diperlukan", and "dokumen apa yang diperlukan akta kelahiran anak saya" lands
on the generic answer. General-language frequencies (wordfreq's Indonesian list, built from
Wikipedia, subtitles, news and the web by Robyn Speer et al.) know better, so `Matcher` blends
them in with a weight that fades as the library grows (see `bot/answers/match.py`).

The list is read straight from the file wordfreq ships (its documented "cBpack" format: a header,
then bins of words one centibel apart, most frequent first): 18 ms and 3 MiB, where importing
wordfreq itself costs a second and 12 MiB in every web worker.
"""

from __future__ import annotations

import gzip
import importlib.util
import re
from functools import lru_cache
from pathlib import Path

import msgpack

LANGUAGE = "id"
# Zipf scale: log10 of occurrences per billion words. A word at 8 ("yang") carries nothing, one
# the list lacks (slang, acronyms, names) is as rare as it gets.
TOP_ZIPF = 8.0
# wordfreq lists numbers of two or more digits with each digit as 0 ("2024" is "0000")
NUMBER = re.compile(r"\d{2,}")


def _data_file() -> Path:
    """wordfreq's small Indonesian list, found without importing wordfreq."""
    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("wordfreq is not installed (it is a dependency of Aduan)")
    return (
        Path(next(iter(spec.submodule_search_locations))) / "data" / f"small_{LANGUAGE}.msgpack.gz"
    )


@lru_cache(maxsize=1)
def _bins() -> dict[str, int]:
    """word -> its frequency bin (centibels below one occurrence per word)."""
    with gzip.open(_data_file(), "rb") as f:
        header, *bins = msgpack.load(f, raw=False)
    if header != {"format": "cB", "version": 1}:
        raise RuntimeError(f"unexpected wordfreq data format: {header!r}")
    return {word: i for i, words in enumerate(bins) for word in words}


def zipf(word: str) -> float:
    """The word's Zipf frequency in general Indonesian (0.0 when the list lacks it)."""
    i = _bins().get(NUMBER.sub(lambda m: "0" * len(m.group()), word))
    return 0.0 if i is None else 9.0 - i / 100


def rarity(word: str) -> float:
    """1.0 for a word the language hardly uses, towards 0.0 for the commonest function words."""
    return min(1.0, max(0.0, (TOP_ZIPF - zipf(word)) / TOP_ZIPF))
