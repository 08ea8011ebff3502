"""Reading what fakesmsc (Kannel's fake SMS centre) printed about the messages it received."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote_to_bytes


def got_messages(log: Path) -> list[str]:
    """fakesmsc prints each MT it receives: `Got message N: <from to type text>`."""
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    return [line.split(": <", 1)[1].rstrip(">") for line in lines if "Got message" in line]


def _text(kind: str, data: str) -> str:
    if kind in ("ucs2", "ucs-2", "data"):  # URL-encoded bytes; our UCS-2 is UTF-16BE
        return unquote_to_bytes(data.replace("+", "%20")).decode("utf-16-be")
    return data


def messages(log: Path) -> list[tuple[str, str, str, str]]:
    """(from, to, kind, text) of every whole message fakesmsc got, concatenated parts joined.

    Lines are `from to text|ucs-2 <text>`, or `from to udh <udh> data <text>` for a part."""
    whole, parts = [], {}
    for mt in got_messages(log):
        sender, to, kind, rest = mt.split(" ", 3)
        if kind != "udh":
            whole.append((sender, to, kind, _text(kind, rest)))
            continue
        udh, data_kind, data = rest.split(" ", 2)
        ref, total, seq = unquote_to_bytes(udh)[3:6]
        group = parts.setdefault(ref, {})
        group[seq] = _text(data_kind, data)
        if len(group) == total:
            whole.append((sender, to, "udh", "".join(group[i] for i in range(1, total + 1))))
    return whole
