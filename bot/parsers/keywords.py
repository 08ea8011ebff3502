"""Whole-message keywords: BANTUAN, KODE, STATUS [nomor], BATAL, STOP, MULAI, YA/TIDAK, numbers,
ENGLISH / INDONESIA (the language of the replies)."""

import re
import unicodedata
from enum import StrEnum

from bot.parsers.text import normalize_text


class Keyword(StrEnum):
    """What a whole-message keyword asks for."""

    HELP = "help"
    CODES = "codes"
    STATUS = "status"
    CANCEL = "cancel"
    STOP = "stop"
    START = "start"
    YES = "yes"
    NO = "no"
    LANGUAGE = "language"  # arg: "en" or "id"
    NUMBER = "number"


_SYNONYMS: dict[Keyword, tuple[str, ...]] = {
    Keyword.HELP: ("BANTUAN", "INFO", "HELP", "TOLONG", "MENU"),
    Keyword.CODES: ("KODE", "DAFTAR", "LIST"),
    Keyword.STATUS: ("STATUS", "CEK"),
    Keyword.CANCEL: ("BATAL", "CANCEL"),
    Keyword.STOP: ("STOP", "BERHENTI", "UNSUBSCRIBE"),
    Keyword.START: ("MULAI", "START"),
    Keyword.YES: ("YA", "Y", "YES", "IYA", "IYAH", "OK", "OKE", "BETUL", "BENAR"),
    Keyword.NO: ("TIDAK", "TDK", "GAK", "GA", "NGGAK", "NGGA", "ENGGAK", "NO", "N", "BUKAN"),
}
# The language of the replies: ENGLISH, "bahasa inggris", INDONESIA, "Bahasa Indonesia".
_LANGUAGES = {"ENGLISH": "en", "INGGRIS": "en", "INDONESIA": "id", "INDONESIAN": "id"}
_LANGUAGE = re.compile(r"(?:BAHASA\s+)?([A-Z]+)", re.IGNORECASE)
_REPEATS = re.compile(r"(.)\1+")
_HEAD = re.compile(r"([^\W\d_]+)(.*)")
_TICKET = re.compile(r"(?:(?:NO|NOMOR|NOMER)\.?\s*[:#]?\s*)?#?\s*([0-9]+)", re.IGNORECASE)
# Words a citizen puts around STATUS that ask nothing else: "cek status", "status aduan saya",
# "STATUS tiket 1234567".
_STATUS_WORDS = re.compile(
    r"(?:(?:(?:STATUS|ADUAN|PENGADUAN|TIKET|LAPORAN)(?:KU|NYA)?|SAYA)(?![^\W\d_])[\s:#.]*)*",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"[0-9]{1,2}")
# A lone greeting is not complaint content: it gets the help, even when a ticket is open.
_GREETING = re.compile(
    r"(?:hal+o+|hel+o+|hai+|hi+|p|ping|tes|test|permisi|salam|selamat (?:pagi|siang|sore|malam)"
    r"|as+alamu.?alaikum(?: wr\.? ?wb\.?)?)(?: (?:min|admin|pak|bu|kak|mas|mbak))?",
    re.IGNORECASE,
)


def _squeeze(word: str) -> str:
    # SMS stretches words ("yaaa", "okee", "stoop"); one letter per run keeps them all apart.
    return _REPEATS.sub(r"\1", word.upper())


_WORDS: dict[str, Keyword] = {
    _squeeze(word): keyword for keyword, words in _SYNONYMS.items() for word in words
}


def keyword_for_word(word: str) -> Keyword | None:
    """The keyword a single word stands for (case-insensitive, stretched letters allowed)."""
    return _WORDS.get(_squeeze(word))


def parse_keyword(text: str) -> tuple[Keyword, str] | None:
    """Return (keyword, arg) when the whole message is a keyword, else None."""
    flat = " ".join(normalize_text(text).split())
    if flat and set(flat) <= {"?", " "}:
        return Keyword.HELP, ""
    flat = _strip_trailing(flat)
    if _GREETING.fullmatch(flat):
        return Keyword.HELP, ""
    if _NUMBER.fullmatch(flat) and int(flat) > 0:
        return Keyword.NUMBER, str(int(flat))
    language = _LANGUAGE.fullmatch(flat)
    if language and language[1].upper() in _LANGUAGES:
        return Keyword.LANGUAGE, _LANGUAGES[language[1].upper()]
    head = _HEAD.fullmatch(flat)
    if head is None:
        return None
    keyword, rest = keyword_for_word(head[1]), head[2].lstrip(" :#")
    if keyword is None or not rest:
        return (keyword, "") if keyword else None
    if keyword is not Keyword.STATUS:
        return None
    rest = rest[_STATUS_WORDS.match(rest).end() :]  # type: ignore[union-attr]  # may match nothing
    if not rest:
        return keyword, ""
    ticket = _TICKET.fullmatch(rest)
    return (keyword, ticket[1]) if ticket else None


# Words after a YA that take it back ("ya, tapi masih bau"): the reply is a comment, not a YES.
_CONTRAST = frozenset(
    _squeeze(w) for w in "TAPI TETAPI TP TPI NAMUN MASIH MSH BELUM BLM CUMA".split()
)
# "gak apa-apa", "tidak masalah": a TIDAK that means all is well, so no NO either.
_FINE = frozenset(_squeeze(w) for w in "APA PAPA APAPA MASALAH".split())
_LETTERS = re.compile(r"[^\W\d_]+")


def leading_answer(text: str) -> Keyword | None:
    """YA or TIDAK opening a longer reply to "did this solve it?" ("Ya, terima kasih", "Tidak, air
    masih keruh"), else None. A YA followed by a contrast or a negation, and a TIDAK that means
    "no problem", are not taken as an answer: they stay comments, and the question stays open."""
    words = _LETTERS.findall(normalize_text(text))
    if len(words) < 2:
        return None
    keyword, rest = keyword_for_word(words[0]), [_squeeze(w) for w in words[1:]]
    if keyword is Keyword.NO and rest[0] not in _FINE and not rest[0].startswith("PAPA"):
        return Keyword.NO
    if keyword is Keyword.YES and not any(
        w in _CONTRAST or _WORDS.get(w) is Keyword.NO for w in rest
    ):
        return Keyword.YES
    return None


_SET_OFF = re.compile(r"^\W*[^\W\d_]+\s*[,.;:!-]")


def set_off_answer(text: str) -> Keyword | None:
    """leading_answer, when the YA/TIDAK is set off by punctuation ("Tidak, air masih keruh",
    "Ya. Sudah beres"): an answer to a question asked days ago, not a new sentence that happens to
    open with a negation ("Tidak ada air sejak kemarin")."""
    if not _SET_OFF.match(normalize_text(text)):
        return None
    return leading_answer(text)


def _strip_trailing(text: str) -> str:
    # Trailing punctuation and emoji ("Ya!", "ok 👍", "STOP!!") do not change the answer.
    end = len(text)
    while end and (text[end - 1].isspace() or unicodedata.category(text[end - 1])[0] in "PSMC"):
        end -= 1
    return text[:end]
