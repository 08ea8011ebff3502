"""The answer library's writes and its CSV/XLSX form. (session, ...) functions; they never commit.

Every change is one `answer.*` line in the audit log with the fields before and after: that log is the
library's history of changes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from sqlmodel import Session, col, select

from bot.problems import ProblemError
from store import repo
from store.models import Answer, Unit

COLUMNS = ("id", "unit", "title", "keywords", "examples", "body", "auto_send", "active")
MAX_ROWS = 2000  # answers in one file; a library has a few hundred
SHEET_ROWS = 1_048_576  # a worksheet's last row in Excel; a file with more is not one Excel wrote
# why a file or a row is refused (ProblemError: the admin shows it in the officer's language)
TOO_MANY = "berkas berisi lebih dari %(max)d baris jawaban"
TOO_MANY_LINES = "berkas berisi lebih dari %(max)d baris"
BAD_HEADER = "baris pertama harus: %(columns)s"
BAD_XLSX = "berkas XLSX tidak dapat dibaca"
NOT_UTF8 = "berkas CSV harus UTF-8"
BAD_CSV = "berkas CSV tidak dapat dibaca (%(error)s)"
UNKNOWN_UNIT = "unit %(code)s tidak dikenal"
REQUIRED = "judul dan teks jawaban wajib diisi"
FIELDS = ("unit_id", "title", "keywords", "examples", "body", "auto_send", "active")


def snapshot(answer: Answer) -> dict[str, Any]:
    return {f: getattr(answer, f) for f in FIELDS}


def save(
    session: Session, answer: Answer | None, values: dict[str, Any], *, now: datetime, actor: str
) -> Answer:
    """Create (answer None) or change a library answer and record the change."""
    before = snapshot(answer) if answer else {}
    if answer is None:
        answer = Answer(updated_at=now, updated_by=actor, **values)
        session.add(answer)
    else:
        for key, value in values.items():
            setattr(answer, key, value)
    answer.updated_at, answer.updated_by = now, actor
    session.flush()
    after = snapshot(answer)
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    if changed:
        repo.audit(
            session,
            actor=actor,
            action="answer.create" if not before else "answer.update",
            entity="answer",
            entity_id=answer.id,
            now=now,
            before={k: before[k] for k in changed if k in before},
            after=changed,
        )
    return answer


def search(
    session: Session, *, unit_ids: Iterable[int] | None, text: str = "", inactive: bool = False
) -> list[Answer]:
    """Library answers (of these units and for all units; every unit when None), by title."""
    stmt = select(Answer)
    if unit_ids is not None:
        stmt = stmt.where(col(Answer.unit_id).in_(list(unit_ids)) | col(Answer.unit_id).is_(None))
    if not inactive:
        stmt = stmt.where(col(Answer.active).is_(True))
    rows = list(session.exec(stmt.order_by(col(Answer.title))))
    needle = text.lower().strip()
    if needle:
        rows = [
            a
            for a in rows
            if needle in " ".join([a.title, a.body, *a.keywords, *a.examples]).lower()
        ]
    return rows


def to_row(answer: Answer, codes: dict[int, str]) -> list[Any]:
    return [
        answer.id,
        codes.get(answer.unit_id, "") if answer.unit_id else "",
        answer.title,
        "; ".join(answer.keywords),
        "\n".join(answer.examples),
        answer.body,
        "ya" if answer.auto_send else "tidak",
        "ya" if answer.active else "tidak",
    ]


def export_csv(answers: list[Answer], codes: dict[int, str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(to_row(a, codes) for a in answers)
    return out.getvalue()


def export_xlsx(answers: list[Answer], codes: dict[int, str]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "jawaban"
    sheet.append(COLUMNS)
    for answer in answers:
        sheet.append(to_row(answer, codes))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_rows(filename: str, data: bytes) -> list[dict[str, str]]:
    """The rows of an uploaded .csv or .xlsx file as {column: text}; ProblemError if unreadable.

    Only the columns of COLUMNS are read and blank rows are skipped as they come: a small XLSX may
    declare a sheet of 16,384 columns by a million rows, which openpyxl pads every row to."""
    lines = iter(_cells(filename, data))
    header = next(lines, [])
    if [h.strip().lower() for h in header] != list(COLUMNS):
        raise ProblemError(BAD_HEADER, columns=", ".join(COLUMNS))
    rows: list[dict[str, str]] = []
    for number, cells in enumerate(lines, start=2):
        if number > SHEET_ROWS:
            raise ProblemError(TOO_MANY_LINES, max=SHEET_ROWS)
        if any(c.strip() for c in cells):
            if len(rows) == MAX_ROWS:
                raise ProblemError(TOO_MANY, max=MAX_ROWS)
            rows.append(dict(zip(COLUMNS, cells, strict=False)))
    return rows


def _cells(filename: str, data: bytes) -> Iterator[list[str]]:
    """The file's rows as text, cut to the width of COLUMNS."""
    width = len(COLUMNS)
    if filename.lower().endswith(".xlsx"):
        try:
            book = load_workbook(io.BytesIO(data), read_only=True)
            for row in book.active.iter_rows(max_col=width, values_only=True):
                yield ["" if v is None else str(v) for v in row]
        except Exception as exc:  # openpyxl (zipfile, XML parser) raises many kinds for a bad file
            raise ProblemError(BAD_XLSX) from exc
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProblemError(NOT_UTF8) from exc
    try:
        for row in csv.reader(io.StringIO(text, newline="")):
            yield row[:width]
    except csv.Error as exc:  # a field over the csv module's limit, a NUL byte...
        raise ProblemError(BAD_CSV, error=str(exc)) from exc


def unchanged(answer: Answer, values: dict[str, Any], units: dict[str, Unit]) -> bool:
    """Whether a row's values are the answer as exported (compared after the same export/import
    round trip, so a re-imported export matches whatever spacing the stored text has)."""
    codes = {u.id: code for code, u in units.items()}
    exported = {c: str(v) for c, v in zip(COLUMNS, to_row(answer, codes), strict=True)}
    try:
        return values_of(exported, units) == values
    except ValueError:
        return False


def values_of(row: dict[str, str], units: dict[str, Unit]) -> dict[str, Any]:
    """A row's fields as Answer values; ProblemError with the reason when a field is wrong."""
    code = (row.get("unit") or "").strip().upper()
    if code and code not in units:
        raise ProblemError(UNKNOWN_UNIT, code=code)
    title, body = (row.get("title") or "").strip(), (row.get("body") or "").strip()
    if not title or not body:
        raise ProblemError(REQUIRED)
    return {
        "unit_id": units[code].id if code else None,
        "title": title[:200],
        "keywords": [k.strip() for k in (row.get("keywords") or "").split(";") if k.strip()],
        "examples": [e.strip() for e in (row.get("examples") or "").splitlines() if e.strip()],
        "body": body,
        "auto_send": (row.get("auto_send") or "").strip().lower() in {"ya", "yes", "true", "1"},
        "active": (row.get("active") or "ya").strip().lower() not in {"tidak", "no", "false", "0"},
    }
