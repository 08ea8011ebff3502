"""The `KODE #teks` grammar: which unit a message names and what the complaint says."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from bot.parsers.keywords import Keyword, keyword_for_word, parse_keyword
from bot.parsers.text import has_content, normalize_text

__all__ = ["Kind", "Parsed", "UnitRef", "normalize_text", "parse_message"]


@dataclass(frozen=True)
class UnitRef:
    """A unit the citizen can name: its canonical code and the other names it answers to."""

    code: str
    aliases: tuple[str, ...] = ()


class Kind(StrEnum):
    """What shape of message was received."""

    COMPLAINT = "complaint"
    CODE_ONLY = "code_only"
    NEAR_MISS = "near_miss"
    UNKNOWN_CODE = "unknown_code"
    NO_CODE = "no_code"
    KEYWORD = "keyword"
    EMPTY = "empty"


@dataclass(frozen=True)
class Parsed:
    """The result of parsing one inbound message."""

    kind: Kind
    code: str | None = None
    text: str = ""
    suggestion: str | None = None
    keyword: Keyword | None = None
    arg: str = ""


# WhatsApp wraps bold/italic/strike in * _ ~, so "*DISHUB* #..." still names DISHUB.
_LEAD = re.compile(r"[#*_~\s]*")
_SEPARATORS = "#:;,.-–—*_~ \n"
_NAME_GAP = "[ ._-]+"
_WORD = re.compile(r"[^\W_]+")
_EXPLICIT = re.compile(r"\s*[#:](?!//)")  # `XYZ #` or `XYZ:`, but not a URL's `https://`


@dataclass(frozen=True)
class _Index:
    pattern: re.Pattern[str]
    codes: tuple[str, ...]  # by regex group number, longest name first
    names: tuple[tuple[str, str], ...]  # (NAME IN CAPITALS, code)
    name_words: frozenset[str]  # words of multi-word names ("DINAS", "PP")


def parse_message(raw: str, units: Sequence[UnitRef]) -> Parsed:
    """Parse one inbound message against the known units."""
    text = normalize_text(raw)
    keyword = parse_keyword(text)
    if not has_content(text):
        return _keyword(keyword) if keyword else Parsed(Kind.EMPTY)
    lead = _LEAD.match(text)
    body = text[lead.end() if lead else 0 :]
    index = _index(tuple((unit.code, tuple(unit.aliases)) for unit in units))
    named = index.pattern.match(body)
    if named and named.lastgroup:
        return _coded(index.codes[int(named.lastgroup[1:])], body[named.end() :])
    if keyword:
        return _keyword(keyword)
    lead_hash = "#" in text[: len(text) - len(body)]
    return _guess(body, lead_hash, index) or Parsed(Kind.NO_CODE, text=text.lstrip("# \n"))


def _keyword(found: tuple[Keyword, str]) -> Parsed:
    return Parsed(Kind.KEYWORD, keyword=found[0], arg=found[1])


def _coded(code: str, rest: str) -> Parsed:
    text = _text_after(rest)
    return Parsed(Kind.COMPLAINT, code=code, text=text) if text else Parsed(Kind.CODE_ONLY, code)


def _text_after(rest: str) -> str:
    text = rest.lstrip(_SEPARATORS)
    return text if has_content(text) else ""


def _guess(body: str, lead_hash: bool, index: _Index) -> Parsed | None:
    """NEAR_MISS or UNKNOWN_CODE for a code-shaped head that names no known unit."""
    heads = _head_words(body.split("\n", 1)[0])
    for count in range(len(heads), 0, -1):
        head, end = " ".join(word for word, _ in heads[:count]), heads[count - 1][1]
        explicit = _EXPLICIT.match(body, end) is not None
        if not (explicit or lead_hash or _shouting(head)) or not _may_be_code(head, index):
            continue
        suggestion = _closest(head, index)
        if suggestion:
            return Parsed(Kind.NEAR_MISS, text=_text_after(body[end:]), suggestion=suggestion)
        if count == 1 and explicit and any(ch.isalpha() for ch in head):
            return Parsed(Kind.UNKNOWN_CODE, code=head.upper(), text=_text_after(body[end:]))
    return None


def _head_words(line: str) -> list[tuple[str, int]]:
    """Up to three leading words joined by name gaps, each with the offset where it ends."""
    words: list[tuple[str, int]] = []
    for match in _WORD.finditer(line):
        gap = line[words[-1][1] if words else 0 : match.start()]
        if len(words) == 3 or (words and not re.fullmatch(_NAME_GAP, gap)) or (not words and gap):
            break
        words.append((match[0], match.end()))
    return words


def _shouting(head: str) -> bool:
    return head.isupper() and sum(ch.isalpha() for ch in head) >= 4


def _may_be_code(head: str, index: _Index) -> bool:
    # A keyword ("tolong #...") or a word of a longer name ("DINAS #...") is never a typo.
    return " " in head or (keyword_for_word(head) is None and head.upper() not in index.name_words)


def _closest(head: str, index: _Index) -> str | None:
    """The one code whose name is within the typo budget of head; None if none or a tie."""
    typed = head.upper()
    letters = len(typed.replace(" ", ""))
    budget = 0 if letters <= 2 else 1 if letters <= 4 else 2
    scored = [
        (Levenshtein.distance(typed, name, score_cutoff=budget), code)
        for name, code in index.names
        if name.count(" ") == typed.count(" ")
    ]
    hits = [(distance, code) for distance, code in scored if distance <= budget]
    best = min((distance for distance, _ in hits), default=None)
    codes = {code for distance, code in hits if distance == best}
    return codes.pop() if len(codes) == 1 else None


@lru_cache(maxsize=64)
def _index(units: tuple[tuple[str, tuple[str, ...]], ...]) -> _Index:
    named = [
        (words, code)
        for code, aliases in units
        for name in (code, *aliases)
        if (words := tuple(_WORD.findall(name.upper())))
    ]
    named.sort(key=lambda item: -len(" ".join(item[0])))
    alternatives = (
        f"(?P<n{i}>{_NAME_GAP.join(map(re.escape, words))})(?!\\w)"
        for i, (words, _) in enumerate(named)
    )
    return _Index(
        pattern=re.compile("|".join(alternatives) or "(?!)", re.IGNORECASE),
        codes=tuple(code for _, code in named),
        names=tuple((" ".join(words), code) for words, code in named),
        name_words=frozenset(word for words, _ in named if len(words) > 1 for word in words),
    )
