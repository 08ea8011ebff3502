"""The recap page, its downloads, and the SLA reminders list, through a logged-in browser."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from openpyxl import load_workbook

from bot import jobs
from store.db import session_scope


def test_recap_page_with_charts_and_downloads(browser, dishub, dinkes):
    browser.login("admin")
    page = browser.page("/admin/recap?month=2026-11")
    assert "Rekapitulasi aduan 2026-11" in page and "<svg" in page
    assert "<th>DINKES</th><th>DISHUB</th>" in page
    xlsx = browser.client.get("/admin/recap.xlsx?month=2026-11")
    assert xlsx.status_code == 200 and "spreadsheetml" in xlsx.content_type
    wb = load_workbook(io.BytesIO(xlsx.data))
    assert wb.sheetnames == ["Ringkasan", "DINKES", "DISHUB", "Tiket"]
    numbers = {r[0] for r in wb["Tiket"].iter_rows(min_row=2, values_only=True)}
    assert numbers == {dishub, dinkes}
    summary = browser.client.get("/admin/recap.csv?month=2026-11")
    rows = list(csv.DictReader(io.StringIO(summary.get_data(as_text=True))))
    assert rows[0]["scope"] == "SEMUA" and rows[0]["received"] == "2"
    listing = browser.client.get("/admin/recap.csv?month=2026-11&kind=tickets").get_data(
        as_text=True
    )
    assert dishub in listing and "081234567890" not in listing and "6281234567890" not in listing


def test_recap_defaults_to_last_month_and_refuses_bad_months(browser):
    browser.login("admin")
    assert "Rekapitulasi aduan 2026-10" in browser.page("/admin/recap")
    assert browser.client.get("/admin/recap?month=2026-13").status_code == 404
    assert browser.client.get("/admin/recap.xlsx?month=0000-01").status_code == 404


def test_recap_is_for_admin_and_committee_only(browser, komite):
    assert browser.client.get("/admin/recap").status_code == 302  # login first
    browser.login("petugas")
    assert browser.client.get("/admin/recap").status_code == 403
    assert browser.client.get("/admin/recap.xlsx").status_code == 403
    browser.logout()
    browser.login("komite")
    assert browser.client.get("/admin/recap").status_code == 200


def test_sla_reminders_are_listed_for_the_unit(app, browser, db, clock, dishub, dinkes):
    desk = app.extensions["aduan"].desk
    with session_scope(db) as s:
        assert jobs.sla_clock(s, now=clock() + timedelta(hours=3), desk=desk) == 2
    browser.login("petugas")  # serves DISHUB and DPUPR
    page = browser.page("/admin/sla")
    assert dishub in page and "Pengingat 60%" in page
    assert dinkes not in page


def test_sla_page_shows_the_committee_the_breach_of_an_escalated_ticket(
    app, browser, db, clock, dishub, dinkes, komite
):
    """The breach escalates the ticket, so the committee may open it; the SLA page follows the same
    rule (tickets the committee may not open stay off it)."""
    desk = app.extensions["aduan"].desk
    with session_scope(db) as s:
        jobs.sla_clock(s, now=clock() + timedelta(hours=3), desk=desk)  # reminders only
    browser.login("komite")
    assert dinkes not in browser.page("/admin/sla")
    with session_scope(db) as s:
        jobs.sla_clock(s, now=clock() + timedelta(hours=30), desk=desk)  # breach: escalated
    assert browser.client.get(f"/admin/tickets/{dinkes}").status_code == 200
    page = browser.page("/admin/sla")
    assert dinkes in page and dishub in page


def test_a_complaint_typed_in_at_the_desk_counts_as_loket_not_as_its_gateway(browser, dishub):
    browser.login("admin")
    form = {
        "phone": "0813 9999 0000",
        "unit": "DPUPR",
        "text": "jalan berlubang di depan pasar",
        "channel": "simulator",
        "via": "phone",
    }
    assert browser.post("/admin/intake", form).status_code == 303
    summary = browser.client.get("/admin/recap.csv?month=2026-11").get_data(as_text=True)
    overall = next(csv.DictReader(io.StringIO(summary)))
    # the dishub fixture's citizen wrote on the simulator; the desk's intake went out on it too
    assert (overall["received"], overall["channel_loket"], overall["channel_simulator"]) == (
        "2",
        "1",
        "1",
    )
    assert "Loket/telepon" in browser.page("/admin/recap?month=2026-11")
    # typing the complaint in is its receipt, not the first action on it: nobody acted yet
    assert overall["first_action_15_pct"] == "0.0"


def test_the_analysis_form_and_the_close_record_reach_the_recap(browser, clock, dishub, dinkes):
    browser.login("petugas")  # serves DISHUB
    clock.advance(minutes=10)
    form = {"problem": "lampu mati", "solution": "regu APILL"}
    assert browser.post(f"/admin/tickets/{dishub}/analysis", form).status_code == 303
    clock.advance(minutes=20)
    record = {"reason": "diperbaiki regu APILL"}
    assert browser.post(f"/admin/tickets/{dishub}/close", record).status_code == 303
    clock.advance(minutes=1)  # the recap counts what happened before its cutoff, now
    browser.logout()
    browser.login("admin")
    summary = browser.client.get("/admin/recap.csv?month=2026-11").get_data(as_text=True)
    rows = {r["scope"]: r for r in csv.DictReader(io.StringIO(summary))}
    got = [
        (r["analysis_15_pct"], r["without_analysis"], r["documentation_30_pct"])
        for r in (rows["DISHUB"], rows["DINKES"])
    ]
    assert got == [("100.0", "0", "100.0"), ("", "1", "")]
    page = browser.page("/admin/recap?month=2026-11")
    assert "Dianalisis ≤ 15 menit (%)" in page and "Ditutup tanpa dokumentasi" in page
