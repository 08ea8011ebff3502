"""SMS encodings (GSM 03.38 / UCS-2), segment counting, and splitting long replies into parts."""

import re
from collections.abc import Callable

# 3GPP TS 23.038 basic table, row by row (0x00, 0x10, 0x20, 0x40, 0x60); 0x1B is ESC, not a character.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Reached through ESC, so each costs two septets.
GSM7_EXTENDED = frozenset("\f^{}\\[~]|€")

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67

_ANY_SPACE = (re.compile(r"\s"),)
_TEXT_BREAKS = (re.compile(r"\n[^\S\n]*\n"), re.compile(r"\n"), re.compile(r"\s"))


def is_gsm7(text: str) -> bool:
    """True if every character is in the GSM-7 basic or extension table."""
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text)


def encoding(text: str) -> str:
    """The encoding an SMS carrying text needs: "GSM-7" or "UCS-2"."""
    return "GSM-7" if is_gsm7(text) else "UCS-2"


def _costs(text: str) -> tuple[list[int], int, int]:
    if is_gsm7(text):
        return [2 if ch in GSM7_EXTENDED else 1 for ch in text], GSM7_SINGLE, GSM7_PART
    # UCS-2 on the wire is UTF-16: characters outside the BMP take a surrogate pair.
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text], UCS2_SINGLE, UCS2_PART


def segments(text: str) -> int:
    """How many SMS segments text takes; escape and surrogate pairs never straddle two."""
    costs, single, part = _costs(text)
    if sum(costs) <= single:
        return 1
    count, used = 1, 0
    for cost in costs:
        if used + cost > part:
            count, used = count + 1, 0
        used += cost
    return count


def _cut(rest: str, room: int, breaks: tuple[re.Pattern[str], ...]) -> int:
    if len(rest) <= room:
        return len(rest)
    room = max(room, 1)  # always make progress, even if a single character overflows
    window = rest[: room + 1]  # a break right after the room still ends a whole word
    for pattern in breaks:
        starts = [m.start() for m in pattern.finditer(window) if m.start() > 0]
        if starts:
            return starts[-1]
    return room


def _chunk(
    text: str,
    room: Callable[[str], int],
    breaks: tuple[re.Pattern[str], ...],
    stop: int | None = None,
) -> tuple[list[str], str]:
    chunks, rest = [], text.strip()
    while rest and (stop is None or len(chunks) < stop):
        cut = _cut(rest, room(rest), breaks)
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return chunks, rest


def _ellipsis(piece: str) -> str:
    return "..." if is_gsm7(piece) else "…"


def _no_tail(_piece: str) -> str:
    return ""


def _sms_room(marker: str, tail: Callable[[str], str] = _no_tail) -> Callable[[str], int]:
    def room(rest: str) -> int:
        # Fitting is monotone in the prefix length, so bisect for the longest one that fits.
        low, high = 0, min(len(rest), GSM7_SINGLE)
        while low < high:
            mid = (low + high + 1) // 2
            piece = rest[:mid]
            if segments(marker + piece + tail(piece)) == 1:
                low = mid
            else:
                high = mid - 1
        return low

    return room


def _sms_parts(text: str, marker: str, max_parts: int | None) -> list[str]:
    if max_parts is None:
        return _chunk(text, _sms_room(marker), _ANY_SPACE)[0]
    parts, rest = _chunk(text, _sms_room(marker), _ANY_SPACE, max_parts - 1)
    if rest and segments(marker + rest) == 1:
        parts.append(rest)
    elif rest:
        last, _ = _chunk(rest, _sms_room(marker, _ellipsis), _ANY_SPACE, 1)
        parts.append(last[0] + _ellipsis(last[0]))
    return parts


def _numbered(parts: list[str]) -> list[str]:
    if len(parts) <= 1:
        return parts or [""]  # whitespace only: still one (empty) message, never none
    return [f"({i}/{len(parts)}) {part}" for i, part in enumerate(parts, 1)]


def split_sms(text: str, max_parts: int | None = None) -> list[str]:
    """Split text into standalone SMS that each fit one segment, "(i/n) " marker included."""
    if max_parts is not None and max_parts < 1:
        raise ValueError(f"max_parts must be at least 1, not {max_parts}")
    if segments(text) == 1:
        return [text]
    if max_parts == 1:
        return _numbered(_sms_parts(text, "", 1))
    # Reserve room for the widest marker of each digit count until the count agrees.
    for digits in range(1, 8):
        widest = 10**digits - 1 if max_parts is None else min(10**digits - 1, max_parts)
        parts = _sms_parts(text, f"({widest}/{widest}) ", max_parts)
        if len(str(len(parts))) <= digits:
            break
    return _numbered(parts)


def _fixed_room(room: int) -> Callable[[str], int]:
    def fixed(_rest: str) -> int:
        return room

    return fixed


def split_text(text: str, limit: int = 4096) -> list[str]:
    """Split text at paragraph, line, then word boundaries into "(i/n) " chunks of <= limit chars."""
    if len(text) <= limit:
        return [text]
    for digits in range(1, 8):
        room = limit - len(f"({'9' * digits}/{'9' * digits}) ")
        if room < 1:
            raise ValueError(f"limit {limit} leaves no room for the part markers")
        chunks, _ = _chunk(text, _fixed_room(room), _TEXT_BREAKS)
        if len(str(len(chunks))) <= digits:
            break
    return _numbered(chunks)


_BLANKS = re.compile(r"\s+")


def one_line_parts(text: str, limit: int) -> list[str]:
    """Text for a WhatsApp template's one variable: a parameter may hold no new line or tab and no
    more than four spaces in a row (Meta error 132018, Twilio 63013) and its length is capped, so the
    text goes on one line, split into "(i/n)" parts of at most `limit` characters."""
    return split_text(_BLANKS.sub(" ", text).strip(), limit)
