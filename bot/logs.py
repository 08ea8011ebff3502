"""Structured logs (JSON lines or key=value) with phone numbers and secrets masked in every record.

Masking happens when a record is created (a log record factory), so it covers every logger and every
handler, pytest's caplog included: a safety net behind the code's own use of mask_phone.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
from collections.abc import Iterable
from datetime import UTC, datetime

from bot.parsers import mask_phone

# "+62 812-3456-7890", "+6281234567890", "081234567890", "6281234567890", "whatsapp:+62…"
PHONE = re.compile(
    r"(?:(?<![\w+])|(?<=%2B)|(?<=%2b))(?:\+\d[\d \-]{6,17}\d|(?:62|0)8\d[\d\-]{6,13}\d)(?!\w)"
)
# An HTTP request line's query string ("GET /webhooks/kannel?from=…&text=… HTTP/1.1", as werkzeug's
# request log under `aduan run` writes it): Kannel's get-url carries the sender and the whole complaint.
REQUEST_QUERY = re.compile(r"\b((?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) [^\s?\"]*)\?[^\s\"]*")
# Terminal escape sequences (werkzeug colours its banner; a message could carry any): a log line is
# data for a collector, and an escape in it would also redraw the screen of whoever tails the file.
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_a-z]")
HANDLER_NAME = "aduan"
_secrets: set[str] = set()
_base_factory = logging.getLogRecordFactory()


def mask_text(text: str) -> str:
    """Every phone-like number masked, every known secret replaced, request query strings and
    terminal escape sequences cut."""
    text = ANSI.sub("", text)
    text = REQUEST_QUERY.sub(r"\1?[query]", text)
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, "[secret]")
    return PHONE.sub(lambda m: mask_phone(m.group(0)), text)


def _record_factory(*args: object, **kwargs: object) -> logging.LogRecord:
    record = _base_factory(*args, **kwargs)  # type: ignore[arg-type]
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: keep what logging would show, masked
        message = f"{record.msg!r} {record.args!r}"
    record.msg, record.args = mask_text(message), None
    if isinstance(record.exc_info, tuple) and record.exc_info[0] is not None:
        record.exc_text = mask_text("".join(traceback.format_exception(*record.exc_info)).rstrip())
    return record


def install_masking(secrets: Iterable[str] = ()) -> None:
    """Mask phones and these secrets (values of 6+ characters) in every log record from now on."""
    _secrets.update(s for s in secrets if len(s) >= 6)
    if logging.getLogRecordFactory() is not _record_factory:
        logging.setLogRecordFactory(_record_factory)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, msg, and exc when there is a traceback."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_info:
            line["exc"] = record.exc_text or self.formatException(record.exc_info)
        return mask_text(json.dumps(line, ensure_ascii=False))


class KeyValueFormatter(logging.Formatter):
    """ts=… level=… logger=… msg="…" on one line."""

    def format(self, record: logging.LogRecord) -> str:
        ts = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        parts = [f"ts={ts}", f"level={record.levelname}", f"logger={record.name}"]
        parts.append(f"msg={json.dumps(record.getMessage(), ensure_ascii=False)}")
        if record.exc_info:
            exc = record.exc_text or self.formatException(record.exc_info)
            parts.append(f"exc={json.dumps(exc, ensure_ascii=False)}")
        return mask_text(" ".join(parts))


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is at the time (test runners swap it)."""

    @property  # type: ignore[override]
    def stream(self):  # type: ignore[no-untyped-def]
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


def configure(level: str = "INFO", fmt: str = "json", secrets: Iterable[str] = ()) -> None:
    """Log to stderr in the chosen format (once per process), masking phones and secrets."""
    install_masking(secrets)
    root = logging.getLogger()
    root.setLevel(level)
    handler = next((h for h in root.handlers if h.get_name() == HANDLER_NAME), None)
    if handler is None:
        handler = _Stderr()
        handler.set_name(HANDLER_NAME)
        root.addHandler(handler)
    handler.setFormatter(JsonFormatter() if fmt == "json" else KeyValueFormatter())
    if level != "DEBUG":  # migration progress and job (re)scheduling lines are noise
        logging.getLogger("alembic").setLevel(logging.WARNING)
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
        # httpx logs every request URL at INFO: Kannel's sendsms URL carries number, text, password
        logging.getLogger("httpx").setLevel(logging.WARNING)
        logging.getLogger("httpcore").setLevel(logging.WARNING)
