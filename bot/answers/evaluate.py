"""Evaluating routing and answer matching on labelled CSV files (the `aduan eval` commands)."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Sequence
from pathlib import Path

from bot.answers.match import AnswerDoc, Matcher
from bot.answers.routing import Router


def read_rows(path: Path, *columns: str) -> list[dict[str, str]]:
    """Rows of a UTF-8 CSV, checking that the expected columns are there (a header written
    `Text` or ` unit` names the same column)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        names: dict[str, str] = {}
        for field in reader.fieldnames or []:
            name = (field or "").strip().lower()
            if name in names and name in columns:
                raise ValueError(f"{path}: column {name!r} appears twice")
            names[name] = field
        missing = [c for c in columns if c not in names]
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
        return [{c: (row[names[c]] or "").strip() for c in columns} for row in reader]


def write_predictions(path: Path, rows: Sequence[tuple[str, str, str]]) -> None:
    """Write text,expected,predicted."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "expected", "predicted"])
        writer.writerows(rows)


def macro_f1(expected: Sequence[str], predicted: Sequence[str]) -> float:
    """Unweighted mean of per-class F1 over the classes present in `expected`."""
    labels = sorted(set(expected))
    if not labels:
        return 0.0
    total = 0.0
    for label in labels:
        tp = sum(e == label and p == label for e, p in zip(expected, predicted, strict=True))
        fp = sum(e != label and p == label for e, p in zip(expected, predicted, strict=True))
        fn = sum(e == label and p != label for e, p in zip(expected, predicted, strict=True))
        total += 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return total / len(labels)


def eval_routing(train: Path, test: Path, out: Path) -> dict[str, float | int]:
    """Train a router on TRAIN (as routed history), predict TEST, write predictions, return metrics."""
    history = read_rows(train, "text", "unit")
    # a row with no unit teaches nothing (it would make "" a unit)
    if not any(r["unit"] for r in history):
        raise ValueError(f"{train}: no row has a unit to learn from")
    router = Router.from_history((r["text"], r["unit"]) for r in history if r["unit"])
    rows = read_rows(test, "text", "unit")
    predicted = [router.predict(r["text"]) or "" for r in rows]
    expected = [r["unit"] for r in rows]
    write_predictions(
        out, [(r["text"], r["unit"], p) for r, p in zip(rows, predicted, strict=True)]
    )
    hits = sum(e == p for e, p in zip(expected, predicted, strict=True))
    n = len(rows)
    return {
        "accuracy": round(hits / n, 4) if n else 0.0,
        "macro_f1": round(macro_f1(expected, predicted), 4),
        "n": n,
    }


def title_from_id(answer_id: str) -> str:
    """An intent id that reads as words (`ktp_hilang`, `KTP hilang`) names its answer; codes do not."""
    words = answer_id.replace("_", " ").replace("-", " ")
    return words if re.search(r"[^\W\d_]{2,}", words) else ""


SCALAR = (str, int, float)


def _texts(value: object, where: str) -> tuple[str, ...]:
    """A field that should be a list of strings, also given as one string or number (or left out);
    `where` names the file, entry and field in the error."""
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    if not all(item is None or isinstance(item, SCALAR) for item in items):
        raise ValueError(f"{where}: expected text or a list of texts")
    return tuple(str(item) for item in items if item is not None and str(item).strip())


def load_library(path: Path) -> list[AnswerDoc]:
    """A JSON list of {"id", "answer", "examples": [...]} (optional "title", "keywords").

    Without a title, an id that reads as words is the title: FAQ and chatbot intent files name
    their entries that way, and the name is the shortest statement of what the answer is about.
    Forgiving where files written by hand or exported from a chatbot differ: a byte-order mark,
    one example (or keyword) given as a string, an answer given as a list of alternative wordings
    (intent files' "responses"), which are all read; anything else is an error naming the entry.
    """
    items = json.loads(path.read_text(encoding="utf-8-sig"))
    if not isinstance(items, list):
        raise ValueError(f"{path}: expected a JSON list of answers")
    docs = []
    for number, item in enumerate(items, 1):
        answer_id = item.get("id") if isinstance(item, dict) else None
        if not isinstance(answer_id, SCALAR) or not str(answer_id).strip():
            raise ValueError(f'{path}: answer {number} is not an object with an "id"')
        where = f"{path}: answer {number}"
        answer_id = str(answer_id).strip()
        title = _texts(item.get("title"), f'{where}, "title"')
        docs.append(
            AnswerDoc(
                id=answer_id,
                title=" ".join(title) or title_from_id(answer_id),
                body="\n".join(_texts(item.get("answer"), f'{where}, "answer"')),
                keywords=_texts(item.get("keywords"), f'{where}, "keywords"'),
                examples=_texts(item.get("examples"), f'{where}, "examples"'),
            )
        )
    return docs


def eval_answers(library: Path, test: Path, out: Path, threshold: float) -> dict[str, float | int]:
    """Match each TEST question against LIB; predicted is empty below the threshold."""
    matcher = Matcher(load_library(library))
    rows = read_rows(test, "text", "answer_id")
    predicted = []
    for row in rows:
        best = matcher.rank(row["text"], limit=1)
        predicted.append(str(best[0].answer_id) if best and best[0].score >= threshold else "")
    write_predictions(
        out, [(r["text"], r["answer_id"], p) for r, p in zip(rows, predicted, strict=True)]
    )
    n = len(rows)
    hits = sum(r["answer_id"] == p for r, p in zip(rows, predicted, strict=True))
    answered = sum(bool(p) for p in predicted)
    return {
        "top1": round(hits / n, 4) if n else 0.0,
        "answered": round(answered / n, 4) if n else 0.0,
        "n": n,
    }
