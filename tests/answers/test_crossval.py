"""The cross-validation helpers behind the README's figures (no real data needed)."""

from __future__ import annotations

from bot.answers.crossval import stratified_folds, training_rows


def test_folds_spread_each_label_and_cover_every_row():
    labels = ["a"] * 10 + ["b"] * 5
    folds = stratified_folds(labels, 5, seed=3)
    assert sorted(i for fold in folds for i in fold) == list(range(15))
    assert all(sum(labels[i] == "b" for i in fold) == 1 for fold in folds)


def test_training_rows_leave_out_the_fold_and_subsample_reproducibly():
    rows = [{"text": f"keluhan {i}", "unit": "a" if i % 2 else "b"} for i in range(20)]
    held = {0, 1, 2, 3}
    whole = training_rows(rows, held, 1.0, seed=0)
    assert [t for t, _ in whole] == [f"keluhan {i}" for i in range(4, 20)]
    half = training_rows(rows, held, 0.5, seed=0)
    assert len(half) == 8 and set(half) < set(whole)
    assert half == training_rows(rows, held, 0.5, seed=0)
    assert half != training_rows(rows, held, 0.5, seed=1)
