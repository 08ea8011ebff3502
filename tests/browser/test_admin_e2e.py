"""End to end in a real browser: Debian's Chromium driven by Playwright (never a downloaded browser).

The app runs with a real SQLite (or PostgreSQL) database in a werkzeug server thread on a free port.
A citizen writes in the simulator, the demo officer approves the edited draft, edits the library, and
the citizen's simulator page shows the answer arriving; the admin retries a message set aside after
failing and the citizen gets its acknowledgement. Each main page is saved to screenshots/.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

pytestmark = pytest.mark.peer

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SHOTS = Path(__file__).resolve().parents[2] / "screenshots"
COMPLAINT = "DISHUB #lampu lalu lintas di simpang lima mati"
EDITED = "Lampu di Simpang Lima sudah kami laporkan ke teknisi; perbaikan hari ini pukul 14.00."
LIBRARY = "Teks pustaka baru: tim Dishub memeriksa lampu lalu lintas dalam 1x24 jam."
WAIT = 15_000  # ms: how long an expected element may take to appear (an upper bound, not a sleep)


def _playwright() -> Any:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed (pip install -e '.[dev]')")
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium; .ci/run does it as root)")
    return sync_playwright


@pytest.fixture
def server(app) -> Iterator[str]:
    """The app on 127.0.0.1:<free port>, served from a thread like `make run` serves it."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def chromium() -> Iterator[Any]:
    sync_playwright = _playwright()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def login(page: Any, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/admin/login")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.get_by_text("Selamat datang").wait_for(timeout=WAIT)


def citizen_says(page: Any, base: str, phone: str, text: str) -> None:
    page.goto(f"{base}/simulator")
    page.fill("#from", phone)
    page.dispatch_event("#from", "change")
    page.fill("#text", text)
    page.get_by_role("button", name="Kirim").click()
    page.locator(".msg.out", has_text="Aduan Anda diterima").wait_for(timeout=WAIT)


def test_officer_approves_an_edited_draft_and_the_citizen_receives_it(server, chromium):
    citizen = chromium.new_context(viewport={"width": 900, "height": 800}).new_page()
    citizen_says(citizen, server, "081234567890", COMPLAINT)

    officer = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
    login(officer, server, "petugas", "petugas-demo")
    officer.goto(f"{server}/admin/drafts")
    draft = officer.locator("textarea[name=body]").first
    assert "lampu" in draft.input_value().lower()  # the library's drafted answer is there
    shot(officer, "queue")
    draft.fill(EDITED)
    officer.get_by_role("button", name="Setujui & kirim").first.click()
    officer.get_by_text("disetujui dan dikirim").wait_for(timeout=WAIT)

    # the citizen's page polls for new messages: the approved answer arrives
    citizen.locator(".msg.out", has_text=EDITED).wait_for(timeout=WAIT)
    shot(citizen, "simulator")

    officer.goto(f"{server}/admin/")
    officer.get_by_role("link", name="Kotak masuk").wait_for(timeout=WAIT)
    shot(officer, "inbox")
    officer.locator("tbody a").first.click()
    officer.get_by_text(EDITED).first.wait_for(timeout=WAIT)
    shot(officer, "ticket")
    officer.goto(officer.url + "/print")
    officer.get_by_text("Diteruskan kepada").wait_for(timeout=WAIT)
    shot(officer, "print")
    officer.goto(f"{server}/admin/dashboard")
    shot(officer, "dashboard")

    # the library: edit the answer the draft came from; the next complaint's draft uses the new text
    officer.goto(f"{server}/admin/library?q=lampu+lalu+lintas")
    shot(officer, "library")
    officer.get_by_role("link", name="Lampu lalu lintas mati").click()
    officer.get_by_label("Teks jawaban").fill(LIBRARY)
    officer.get_by_role("button", name="Pratinjau").click()
    officer.locator(".preview", has_text=LIBRARY).wait_for(timeout=WAIT)
    assert "segmen SMS" in officer.content()
    shot(officer, "library-edit")
    officer.get_by_role("button", name="Simpan", exact=True).click()
    officer.get_by_text("Jawaban disimpan").wait_for(timeout=WAIT)

    citizen_says(citizen, server, "085711112222", COMPLAINT)
    officer.goto(f"{server}/admin/drafts")
    assert officer.locator("textarea[name=body]").first.input_value() == LIBRARY

    admin = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
    login(admin, server, "admin", "admin-demo")
    admin.goto(f"{server}/admin/settings")
    shot(admin, "settings")
    for name in ("queue", "simulator", "inbox", "ticket", "dashboard", "library", "settings"):
        assert (SHOTS / f"{name}.png").stat().st_size > 5_000, name


def test_admin_retries_a_held_message_and_the_citizen_is_answered(server, chromium, app, set_aside):
    from bot import inbox

    text = "DINKES #puskesmas tutup <b>jam 10</b> {{ config }}"
    set_aside(text, sender="+6281234567890")
    admin = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
    login(admin, server, "admin", "admin-demo")
    admin.get_by_role("link", name="Pesan tertahan 1").click()  # the count is in the link
    row = admin.locator("tbody tr", has_text="RuntimeError")
    row.wait_for(timeout=WAIT)
    assert text in row.inner_text()  # shown literally: no bold, no template evaluated
    assert "+62812*****890" in row.inner_text() and "6281234567890" not in admin.content()
    shot(admin, "held")
    row.get_by_role("button", name="Coba lagi").click()
    admin.get_by_text("Pesan dikembalikan ke antrean").wait_for(timeout=WAIT)
    admin.get_by_text("Tidak ada pesan tertahan.").wait_for(timeout=WAIT)

    rt = app.extensions["aduan"]  # the inbox worker's round
    assert inbox.drain(rt.engine, rt.desk, clock=rt.clock, on_queued=rt.kick_delivery) == 1
    citizen = chromium.new_context(viewport={"width": 900, "height": 800}).new_page()
    citizen.goto(f"{server}/simulator")
    citizen.fill("#from", "081234567890")
    citizen.dispatch_event("#from", "change")
    citizen.locator(".msg.out", has_text="Aduan Anda diterima").wait_for(timeout=WAIT)
