"""Library uploads that are odd rather than wrong: an XLSX declaring a huge sheet, a CSV field over
the csv module's limit, too many rows. Each is refused (or read) with a message, never a 500 or a
worker that runs out of memory."""

from __future__ import annotations

import io
import re
import tracemalloc
import zipfile

from openpyxl import Workbook
from sqlmodel import select

from admin import answers
from store.db import session_scope
from store.models import Answer

HEADER = ",".join(answers.COLUMNS) + "\n"


def _upload(browser, data: bytes, name: str) -> str:
    resp = browser.post(
        "/admin/library/import",
        {"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 303
    return browser.page("/admin/library")


def _xlsx_declaring(dimension: str, last_row: int) -> bytes:
    """A one-answer workbook whose sheet claims `dimension` and has one more cell at `last_row`,
    the way a sheet formatted down to its bottom can look (a few KB)."""
    book = Workbook()
    book.active.append(answers.COLUMNS)
    book.active.append(["", "DISHUB", "Judul besar", "", "", "Teks besar", "tidak", "ya"])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            part = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                part = re.sub(
                    rb'<dimension ref="[^"]*"\s*/>',
                    f'<dimension ref="{dimension}"/>'.encode(),
                    part,
                )
                cell = f'<row r="{last_row}"><c r="I{last_row}"><v>1</v></c></row>'.encode()
                part = part.replace(b"</sheetData>", cell + b"</sheetData>")
            dst.writestr(item, part)
    return out.getvalue()


def test_an_xlsx_declaring_a_huge_sheet_is_read_without_padding_every_row():
    # openpyxl pads each row to the declared 16,384 columns and yields every missing row: this
    # file took ~400 MB and seconds to read (a row at 1,048,576: the worker ran out of memory)
    data = _xlsx_declaring("A1:XFD1048576", 3000)
    assert len(data) < 10_000
    tracemalloc.start()
    try:
        rows = answers.read_rows("pustaka.xlsx", data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [r["title"] for r in rows] == ["Judul besar"]
    assert peak < 20 * 2**20, peak


def test_an_xlsx_with_a_row_at_the_bottom_of_the_sheet_imports(browser, db):
    browser.login("admin")
    page = _upload(browser, _xlsx_declaring("A1:XFD1048576", 1_048_576), "pustaka.xlsx")
    assert "1 jawaban diimpor." in page
    with session_scope(db) as s:
        assert s.exec(select(Answer).where(Answer.title == "Judul besar")).one()


def test_a_csv_field_over_the_csv_limit_is_refused_with_a_message(browser):
    browser.login("admin")
    data = (HEADER + ',DISHUB,Judul,,,"' + "x" * 140_000 + '",tidak,ya\n').encode()
    page = _upload(browser, data, "pustaka.csv")
    assert "Impor dibatalkan: berkas CSV tidak dapat dibaca" in page


def test_a_file_with_more_rows_than_a_library_is_refused(browser, db):
    browser.login("admin")
    rows = "".join(f",DISHUB,J{i},,,T,tidak,ya\n" for i in range(answers.MAX_ROWS + 1))
    page = _upload(browser, (HEADER + rows).encode(), "pustaka.csv")
    assert f"Impor dibatalkan: berkas berisi lebih dari {answers.MAX_ROWS} baris jawaban" in page
    with session_scope(db) as s:
        assert s.exec(select(Answer).where(Answer.title == "J0")).first() is None
