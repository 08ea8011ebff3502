"""`aduan eval routing|answers` end to end on small files written by the test."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from bot.answers.evaluate import load_library, read_rows
from bot.cli import main


def _csv(path, header, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


def _read(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


TRAIN = [
    ("jalan rusak berlubang di desa", "Infrastruktur"),
    ("jembatan ambrol mohon diperbaiki", "Infrastruktur"),
    ("aspal jalan kabupaten hancur", "Infrastruktur"),
    ("sampah menumpuk bau", "Lingkungan"),
    ("limbah cemari sungai", "Lingkungan"),
    ("asap bakar sampah", "Lingkungan"),
]
TEST = [
    ("jln rusak parah bnyk lubang", "Infrastruktur"),
    ("smph numpuk di sungai", "Lingkungan"),
    ("jembatan putus", "Infrastruktur"),
    ("bau limbah pabrik", "Lingkungan"),
]


def _route(tmp_path, train_rows, test_rows):
    """`aduan eval routing` on files of these rows: (the CLI result, the predictions' path)."""
    train = _csv(tmp_path / "train.csv", ["text", "unit"], train_rows)
    test = _csv(tmp_path / "test.csv", ["text", "unit"], test_rows)
    out = tmp_path / "pred.csv"
    result = CliRunner().invoke(
        main, ["eval", "routing", "--train", train, "--test", test, "--out", str(out)]
    )
    return result, out


def test_eval_routing_writes_predictions_and_one_json_line(tmp_path):
    result, out = _route(tmp_path, TRAIN, TEST)
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    metrics = json.loads(lines[0])
    assert metrics == {"accuracy": 1.0, "macro_f1": 1.0, "n": 4}
    rows = _read(out)
    assert list(rows[0]) == ["text", "expected", "predicted"]
    assert [(r["text"], r["expected"], r["predicted"]) for r in rows] == [
        (t, u, u) for t, u in TEST
    ]


LIBRARY = [
    {
        "id": "ktp_hilang",
        "answer": "Bawa surat kehilangan dari polisi.",
        "examples": ["KTP saya hilang", "cara urus ktp hilang"],
    },
    {
        "id": "akta",
        "answer": "Akta kelahiran dibuat di Disdukcapil.",
        "examples": ["cara buat akta lahir anak", "syarat akta kelahiran"],
    },
    {
        "id": "biaya",
        "answer": "Semua layanan Disdukcapil gratis.",
        "examples": ["berapa biaya bikin KTP", "apakah bayar"],
    },
]


def test_eval_answers_reports_top1_and_leaves_unmatched_empty(tmp_path):
    lib = tmp_path / "lib.json"
    lib.write_text(json.dumps(LIBRARY), encoding="utf-8")
    test = _csv(
        tmp_path / "q.csv",
        ["text", "answer_id"],
        [
            ("ktp sy ilang gmn ngurusnya", "ktp_hilang"),
            ("mau bikin akte kelahiran anak", "akta"),
            ("bikin ktp bayar gak?", "biaya"),
            ("jadwal vaksin kucing", "biaya"),
        ],
    )
    out = tmp_path / "pred.csv"
    result = CliRunner().invoke(
        main, ["eval", "answers", "--library", str(lib), "--test", test, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.output.strip())
    assert metrics == {"top1": 0.75, "answered": 0.75, "n": 4}
    rows = _read(out)
    assert [r["predicted"] for r in rows] == ["ktp_hilang", "akta", "biaya", ""]


def test_eval_rejects_files_without_the_columns(tmp_path):
    bad = _csv(tmp_path / "bad.csv", ["message", "label"], [("x", "y")])
    result = CliRunner().invoke(
        main, ["eval", "routing", "--train", bad, "--test", bad, "--out", str(tmp_path / "o.csv")]
    )
    assert result.exit_code != 0
    assert "missing column" in result.output


def test_an_id_that_reads_as_words_is_the_title_of_an_untitled_answer(tmp_path):
    path = tmp_path / "lib.json"
    path.write_text(
        json.dumps(
            [
                {"id": "ktp_hilang", "answer": "a", "examples": []},
                {"id": "17", "answer": "b", "examples": []},
                {"id": "x1", "answer": "c", "examples": []},
                {"id": "kk", "title": "Kartu keluarga", "answer": "d", "examples": []},
            ]
        ),
        encoding="utf-8",
    )
    assert [d.title for d in load_library(path)] == ["ktp hilang", "", "", "Kartu keluarga"]


def test_a_library_written_by_hand_or_exported_loads_as_meant(tmp_path):
    path = tmp_path / "lib.json"
    text = json.dumps(
        [
            {"id": 7, "answer": ["Bawa KK.", "Bawa kartu keluarga."], "examples": "cara buat ktp"},
            {"id": "akta", "answer": "Ke kantor.", "keywords": "akta", "examples": ["", None]},
        ]
    )
    path.write_bytes("\ufeff".encode() + text.encode())  # a byte-order mark, as Windows saves it
    first, second = load_library(path)
    assert (first.id, first.body, first.examples) == (
        "7",
        "Bawa KK.\nBawa kartu keluarga.",
        ("cara buat ktp",),
    )
    assert (second.keywords, second.examples) == (("akta",), ())


def test_column_names_are_read_regardless_of_case_and_spaces(tmp_path):
    path = tmp_path / "t.csv"
    _csv(path, ["No", " Text", "UNIT "], [("1", "jalan rusak", "Infrastruktur")])
    assert read_rows(path, "text", "unit") == [{"text": "jalan rusak", "unit": "Infrastruktur"}]


def test_training_rows_without_a_unit_are_skipped_and_never_predicted(tmp_path):
    rows = [*TRAIN, *[(text, "") for text, _ in TEST]]  # the same texts, unlabelled
    result, out = _route(tmp_path, rows, TEST)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"accuracy": 1.0, "macro_f1": 1.0, "n": 4}
    assert "" not in {r["predicted"] for r in _read(out)}


NO_ID = 'answer 1 is not an object with an "id"'


@pytest.mark.parametrize(
    ("items", "error"),
    [
        ([{"answer": "a"}], NO_ID),
        (["ktp"], NO_ID),
        ([["ktp", "a"]], NO_ID),
        ([{"id": None}], NO_ID),
        ([{"id": " "}], NO_ID),
        ([{"id": "x", "answer": {"text": "a"}}], 'answer 1, "answer": expected text or a list'),
    ],
)
def test_a_library_of_the_wrong_shape_is_a_one_line_error_naming_the_entry(tmp_path, items, error):
    path = tmp_path / "lib.json"
    path.write_text(json.dumps(items))
    test = _csv(tmp_path / "t.csv", ["text", "answer_id"], [("q", "x")])
    out = str(tmp_path / "o.csv")
    result = CliRunner().invoke(
        main, ["eval", "answers", "--library", str(path), "--test", test, "--out", out]
    )
    assert result.exit_code == 1
    assert error in result.output
    assert "Traceback" not in result.output


def test_numbers_are_read_as_text_and_objects_inside_a_list_are_refused(tmp_path):
    path = tmp_path / "lib.json"
    path.write_text(json.dumps([{"id": 12, "answer": 5, "examples": ["biaya", 2024]}]))
    (doc,) = load_library(path)
    assert (doc.id, doc.body, doc.examples) == ("12", "5", ("biaya", "2024"))
    path.write_text(json.dumps([{"id": "a", "answer": "x", "examples": [{"q": "biaya"}]}]))
    with pytest.raises(ValueError, match='answer 1, "examples": expected text or a list'):
        load_library(path)


def test_a_column_given_twice_is_refused_rather_than_one_picked(tmp_path):
    path = tmp_path / "t.csv"
    _csv(path, ["text", "Text", "unit"], [("a", "b", "Infrastruktur")])
    with pytest.raises(ValueError, match="column 'text' appears twice"):
        read_rows(path, "text", "unit")


def test_training_with_no_unit_at_all_is_an_error_not_a_zero(tmp_path):
    result, _ = _route(tmp_path, [(text, "") for text, _ in TRAIN], TEST)
    assert result.exit_code == 1
    assert "no row has a unit to learn from" in result.output
