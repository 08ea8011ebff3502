"""Unicode clean-up shared by the grammar and the keywords."""

import re
import unicodedata

_LINE_BREAKS = re.compile(r"\r\n|[\r\x85\u2028\u2029]")
_SPACES = re.compile(r"[^\S\n]+")
_ZWJ = "\u200d"
# Categories an emoji sequence is built from (pictograph, skin tone, variation selector).
_EMOJI_PARTS = frozenset({"So", "Sk", "Mn"})


def normalize_text(raw: str) -> str:
    """NFKC, invisible characters removed, spaces collapsed per line, blank lines dropped, trimmed."""
    text = _LINE_BREAKS.sub("\n", unicodedata.normalize("NFKC", raw))
    text = "".join(_visible(text, i) for i in range(len(text)))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def has_content(text: str) -> bool:
    """True when the text holds a letter, a digit or a pictograph (emoji)."""
    return any(_is_content(ch) for ch in text)


def _is_content(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category[0] in "LN" or category == "So"


def _visible(text: str, i: int) -> str:
    ch = text[i]
    if ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cf"):
        return ch
    if ch.isspace():
        return " "
    # A zero-width joiner inside an emoji sequence (👨‍👩‍👧) is part of the emoji, not noise.
    if ch == _ZWJ and 0 < i < len(text) - 1 and _joins_emoji(text[i - 1], text[i + 1]):
        return ch
    return ""


def _joins_emoji(before: str, after: str) -> bool:
    return (
        unicodedata.category(before) in _EMOJI_PARTS and unicodedata.category(after) in _EMOJI_PARTS
    )
