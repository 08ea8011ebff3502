"""Cross-validated figures for the README: `python -m bot.answers.crossval DATA_DIR`.

Routing: stratified k-fold over a text,unit CSV. Answers: leave-one-out over example questions (the
library keeps one example per answer, the other is the test question, then the roles swap).
Prints figures only, never the texts.
"""

from __future__ import annotations

import json
import random
import sys
from collections import defaultdict
from pathlib import Path

from bot.answers.evaluate import load_library, macro_f1, read_rows
from bot.answers.match import AnswerDoc, Matcher
from bot.answers.routing import Router


def stratified_folds(labels: list[str], k: int, seed: int) -> list[list[int]]:
    """k folds of row indexes with each label spread evenly."""
    by_label: dict[str, list[int]] = defaultdict(list)
    for i, label in enumerate(labels):
        by_label[label].append(i)
    rng = random.Random(seed)
    folds: list[list[int]] = [[] for _ in range(k)]
    for _, idx in sorted(by_label.items()):
        rng.shuffle(idx)
        for j, i in enumerate(idx):
            folds[j % k].append(i)
    return folds


def training_rows(
    rows: list[dict[str, str]], held: set[int], fraction: float, seed: int
) -> list[tuple[str, str]]:
    """The (text, unit) pairs outside the held-out fold; a random `fraction` of them when < 1."""
    pairs = [(r["text"], r["unit"]) for i, r in enumerate(rows) if i not in held]
    if fraction >= 1.0:
        return pairs
    random.Random(seed).shuffle(pairs)
    return pairs[: max(1, round(len(pairs) * fraction))]


def cv_routing(
    rows: list[dict[str, str]], k: int = 5, seed: int = 0, fraction: float = 1.0
) -> dict[str, float]:
    """Accuracy, macro-F1 and top-3 hit rate of the router under stratified k-fold CV.

    With `fraction` < 1 the router learns from only that share of each training fold (the test
    folds stay whole): a learning curve, which tells how much routed history a desk needs.
    """
    labels = [r["unit"] for r in rows]
    expected, predicted, top3 = [], [], 0
    for fold in stratified_folds(labels, k, seed):
        router = Router.from_history(training_rows(rows, set(fold), fraction, seed))
        for i in fold:
            ranked = [code for code, _ in router.suggest(rows[i]["text"], k=3)]
            expected.append(labels[i])
            predicted.append(ranked[0] if ranked else "")
            top3 += labels[i] in ranked
    n = len(expected)
    hits = sum(e == p for e, p in zip(expected, predicted, strict=True))
    return {"accuracy": hits / n, "macro_f1": macro_f1(expected, predicted), "top3": top3 / n}


def loo_answers(docs: list[AnswerDoc], same: list[set[str]] | None = None) -> dict[str, float]:
    """Top-1/top-3 with one example per answer kept; `same` lists ids counted as one answer."""
    groups = same or []

    def alike(a: str, b: str) -> bool:
        return a == b or any(a in g and b in g for g in groups)

    n = top1 = merged = top3 = 0
    for held in (0, 1):
        usable = [d for d in docs if len(d.examples) >= 2]
        kept = [
            AnswerDoc(d.id, d.title, d.body, d.keywords, (d.examples[1 - held],)) for d in usable
        ]
        matcher = Matcher(kept)
        for doc in usable:
            ranked = [str(m.answer_id) for m in matcher.rank(doc.examples[held], limit=3)]
            n += 1
            top1 += bool(ranked) and ranked[0] == str(doc.id)
            merged += bool(ranked) and alike(ranked[0], str(doc.id))
            top3 += str(doc.id) in ranked
    return {"top1": top1 / n, "top1_merged": merged / n, "top3": top3 / n, "n": n}


SEEDS = (0, 1, 2, 3, 4)
CURVE = (0.25, 0.5, 0.75)  # learning curve: shares of each training fold
OVERLAPS = [
    {"KTP", "ktp_baru"},
    {"KTP hilang", "ktp_hilang"},
    {"Akta kelahiran", "akta_kelahiran_pembuatan"},
    {"Perubahan Kartu keluarga", "kk_perubahan"},
]


def main(data: Path) -> None:
    """Print routing CV (5 folds, 5 seeds) and answer leave-one-out figures as JSON lines."""
    rows = read_rows(data / "complaints_dev.csv", "text", "unit")
    runs = []
    for seed in SEEDS:
        runs.append(figures := cv_routing(rows, 5, seed))
        print(json.dumps({"routing_cv_seed": seed, **{k: round(v, 3) for k, v in figures.items()}}))
    mean = {k: round(sum(r[k] for r in runs) / len(runs), 3) for k in runs[0]}
    print(json.dumps({"routing_cv_mean": mean}))
    for fraction in CURVE:
        part = [cv_routing(rows, 5, seed, fraction) for seed in SEEDS]
        tickets = round(len(rows) * 4 / 5 * fraction)
        curve = {k: round(sum(r[k] for r in part) / len(part), 3) for k in part[0]}
        print(json.dumps({"routing_curve_tickets": tickets, **curve}))
    docs = load_library(data / "faq_disdukcapil_library.json")
    figures = loo_answers(docs, OVERLAPS)
    print(json.dumps({"answers_loo": {k: round(v, 3) for k, v in figures.items()}}))


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data"))
