"""Committee commands sent from a staff phone: `OK <no>`, `JAWAB <no> <teks>`, `ALIH <no> <KODE>`,
`INFO <no>` (DESIGN §7)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.parsers.text import normalize_text

VERBS = {"OK": "ok", "OKE": "ok", "JAWAB": "answer", "ALIH": "transfer", "INFO": "info"}
_COMMAND = re.compile(r"[*_~]*([A-Za-z]+)[*_~]*(?:\s+|\s*[:#]\s*|$)(.*)", re.DOTALL)
_NUMBER = re.compile(r"#?\s*([0-9]{4,12})(?![0-9])[\s:.,-]*(.*)", re.DOTALL)
_CODE = re.compile(r"([A-Za-z][A-Za-z0-9]{1,19})\b")
ALWAYS_COMMANDS = {"answer", "transfer"}  # OK / INFO alone are a citizen's YA / BANTUAN


@dataclass(frozen=True)
class StaffCommand:
    """A parsed command; `malformed` when the verb is clear but its arguments are not."""

    verb: str  # ok, answer, transfer, info
    number: str = ""
    arg: str = ""
    malformed: bool = False


def parse_staff_command(raw: str) -> StaffCommand | None:
    """The committee command in raw, or None when it is no command at all (a citizen's message)."""
    text = normalize_text(raw)
    head = _COMMAND.fullmatch(text)
    if head is None or head[1].upper() not in VERBS:
        return None
    verb, rest = VERBS[head[1].upper()], head[2].strip()
    ref = _NUMBER.fullmatch(rest)
    if ref is None:
        return StaffCommand(verb, malformed=True) if verb in ALWAYS_COMMANDS else None
    number, arg = ref[1], ref[2].strip()
    if verb == "answer" and not arg:
        return StaffCommand(verb, number, malformed=True)
    if verb == "transfer":
        code = _CODE.match(arg)
        if code is None:
            return StaffCommand(verb, number, malformed=True)
        arg = code[1].upper()
    return StaffCommand(verb, number, arg if verb in ALWAYS_COMMANDS else "")
