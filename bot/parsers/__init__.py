"""Channel-agnostic parsing of inbound text: the `KODE #teks` grammar, keywords, phone numbers."""

from bot.parsers.grammar import Kind, Parsed, UnitRef, normalize_text, parse_message
from bot.parsers.keywords import Keyword, leading_answer, parse_keyword, set_off_answer
from bot.parsers.phone import PhoneError, mask_phone, normalize_phone
from bot.parsers.staff import StaffCommand, parse_staff_command

__all__ = [
    "leading_answer",
    "set_off_answer",
    "Keyword",
    "Kind",
    "Parsed",
    "PhoneError",
    "StaffCommand",
    "UnitRef",
    "mask_phone",
    "normalize_phone",
    "normalize_text",
    "parse_keyword",
    "parse_message",
    "parse_staff_command",
]
