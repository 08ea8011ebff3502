"""Phone numbers: one E.164 form per person, and a masked form for logs and lists."""

import functools
import math
import re
import unicodedata

import phonenumbers

_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_DIALLABLE = re.compile(r"\+?\(?[0-9][0-9 ().\-/]*")
_STARS_MIN = 3


class PhoneError(ValueError):
    """The text is not a valid phone number."""


@functools.lru_cache(maxsize=8192)  # every webhook reads one; citizens write again and again
def normalize_phone(raw: str, region: str = "ID") -> str:
    """Return the E.164 form of raw ('0812…', '62812…', 'whatsapp:+62…'); raise PhoneError if invalid."""
    number = _strip_scheme(unicodedata.normalize("NFKC", raw).strip())
    # Letters would be read as a keypad vanity number; here they mean "not a phone number".
    if not _DIALLABLE.fullmatch(number):
        raise PhoneError(f"not a phone number: {mask_phone(raw)}")
    for candidate in _candidates(number, region):
        try:
            parsed = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    raise PhoneError(f"not a valid phone number: {mask_phone(raw)}")


def _strip_scheme(value: str) -> str:
    scheme = _SCHEME.match(value)
    return value[scheme.end() :].strip() if scheme else value


def _candidates(number: str, region: str) -> list[str]:
    # "62812…" typed without the plus is the country code, not a national number.
    digits = re.sub(r"\D", "", number)
    country = str(phonenumbers.country_code_for_region(region))
    with_plus = [f"+{digits}"] if not number.startswith("+") and digits.startswith(country) else []
    return [number, *with_plus]


def mask_phone(value: str) -> str:
    """Mask for logs: '+6281234567890' -> '+62812*****890'; never returns the value whole."""
    scheme = _SCHEME.match(value)
    if scheme and _DIALLABLE.fullmatch(value[scheme.end() :].strip()) is None:
        scheme = None
    prefix = scheme[0] if scheme else ""
    rest = value[len(prefix) :].strip()
    if _DIALLABLE.fullmatch(rest):
        digits = ("+" if rest.startswith("+") else "") + re.sub(r"\D", "", rest)
        return prefix + _mask(digits, _phone_head(digits), 3)
    return prefix + _mask(rest, 2, 2)


def _phone_head(digits: str) -> int:
    """Characters kept in front: '+', the country code and the 3-digit operator prefix."""
    if not digits.startswith("+"):
        return 4  # national form: "0812"
    try:
        country = phonenumbers.parse(digits).country_code
    except phonenumbers.NumberParseException:
        return 1
    return 1 + len(str(country)) + 3


def _mask(text: str, head: int, tail: int) -> str:
    hidden = max(_STARS_MIN, math.ceil(len(text) / 3))
    if len(text) <= hidden:
        return "*" * hidden
    tail = min(tail, (len(text) - hidden) // 2)
    head = min(head, len(text) - hidden - tail)
    return text[:head] + "*" * (len(text) - head - tail) + text[len(text) - tail :]
