"""Logs: structured, and no full phone number, password or token in them, whatever the flow."""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import replace

import httpx
import pytest

from bot import delivery
from bot.channels.base import SendError
from bot.logs import JsonFormatter, KeyValueFormatter, mask_text
from store import repo
from store.db import session_scope
from tests.admin.conftest import PASSWORDS, Browser

TOKEN = "123456789:AAHsecretTokenValue_xyz"
PHONES = ["+6281234567890", "081234567890", "6281298765432", "+62 857-1111-2222"]


@pytest.fixture
def config(config):
    return replace(config, secrets={"TELEGRAM_BOT_TOKEN": TOKEN, "ADUAN_SECRET_KEY": "k" * 32})


class LeakyProvider:
    """A channel whose provider answers 500; httpx's error names the URL with token and phone."""

    name, inline_replies = "leaky", False

    def __init__(self) -> None:
        def handler(request: httpx.Request) -> httpx.Response:
            assert request.url.host == "api.example.test", "undeclared URL"
            return httpx.Response(500, text="internal error")

        self.http = httpx.Client(transport=httpx.MockTransport(handler))

    def send(self, msg):  # type: ignore[no-untyped-def]
        url = f"https://api.example.test/bot{TOKEN}/send?to={msg.address}"
        self.http.post(url).raise_for_status()
        raise SendError("unreachable")


def test_masking_of_text():
    for phone in PHONES:
        assert phone not in mask_text(f"sent to {phone} now")
    assert mask_text("ticket 4827193 on 2026-11-24") == "ticket 4827193 on 2026-11-24"
    # a URL-encoded "+" (Kannel's sendsms query string) does not hide the number
    assert "6281234567890" not in mask_text("GET /cgi-bin/sendsms?to=%2B6281234567890&text=x")


def test_terminal_escapes_are_cut():
    """werkzeug colours its start-up banner; an escape sequence in a log line redraws terminals."""
    banner = "\x1b[31m\x1b[1mWARNING: This is a development server.\x1b[0m\n * Running on x"
    assert mask_text(banner) == "WARNING: This is a development server.\n * Running on x"
    assert mask_text("keluhan \x1b]0;title\x07 \x1bc jalan") == "keluhan   jalan"


def test_http_client_request_lines_are_not_logged():
    """httpx logs each request URL at INFO (Kannel's carries number, text and password)."""
    from bot.logs import configure

    root, quiet = logging.getLogger(), ("alembic", "apscheduler", "httpx", "httpcore")
    saved = root.level, list(root.handlers), {n: logging.getLogger(n).level for n in quiet}
    try:
        configure(level="INFO", fmt="kv")
        assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
    finally:  # leave the process's logging as the other tests expect it
        root.setLevel(saved[0])
        root.handlers[:] = saved[1]
        for name, level in saved[2].items():
            logging.getLogger(name).setLevel(level)


def test_no_phone_or_token_in_logs_across_flows(app, client, clock, caplog):
    caplog.set_level(logging.DEBUG)
    engine = app.extensions["aduan"].engine
    for text in ("DISHUB #lampu mati, hubungi 081298765432", "STATUS", "halo"):
        resp = client.post("/simulator/messages", json={"from": "081234567890", "text": text})
        assert resp.status_code == 200
    client.post("/simulator/messages", json={"from": "0812345678901234567", "text": "x"})
    browser = Browser(client)
    assert browser.login("petugas").status_code == 302
    browser.login("admin", "wrong-password-123")
    with session_scope(engine) as s:
        repo.queue_reply(
            s, body="hi", channel="leaky", address="+6281234567890", now=clock(),
            ticket_id=None, contact_id=None,
        )  # fmt: skip
    sent = delivery.dispatch(
        engine, {"leaky": LeakyProvider()}, now=clock(), cfg=app.extensions["aduan"].desk.config.delivery
    )  # fmt: skip
    assert sent == 0
    logging.getLogger("aduan.test").warning("raw %s and %s", "+6281234567890", TOKEN)

    text = caplog.text
    assert "send failed on leaky" in text and "inbound channel=simulator" in text
    assert "HTTPStatusError" in text, "the traceback is kept, masked"
    for secret in [*PHONES, "81234567890", "81298765432", TOKEN, PASSWORDS["petugas"]]:
        assert secret not in text, secret
    assert "wrong-password-123" not in text


@pytest.mark.parametrize("formatter", [JsonFormatter(), KeyValueFormatter()])
def test_formatters_write_one_masked_line(formatter):
    try:
        raise RuntimeError("boom for +6281234567890")
    except RuntimeError:
        record = logging.getLogger("aduan.x").makeRecord(
            "aduan.x", logging.ERROR, __file__, 1, "to %s", ("081234567890",), sys.exc_info()
        )
    line = formatter.format(record)
    assert "\n" not in line and "081234567890" not in line and "6281234567890" not in line
    if isinstance(formatter, JsonFormatter):
        data = json.loads(line)
        assert data["level"] == "ERROR" and data["logger"] == "aduan.x" and "boom" in data["exc"]
    else:
        assert line.startswith("ts=") and "level=ERROR" in line


def test_dev_server_request_lines_carry_no_query_string(
    config, seeded, tmp_path, monkeypatch, caplog
):
    """`aduan run` serves with werkzeug, which logs every request line: Kannel's get-url carries
    the sender and the whole complaint in its query string, so the query is left out."""
    import threading

    from werkzeug.serving import make_server

    from bot.app import create_app
    from bot.config import ChannelsConfig

    monkeypatch.chdir(tmp_path)
    config = replace(
        config,
        channels=ChannelsConfig(enabled=("kannel",)),
        secrets={"KANNEL_WEBHOOK_SECRET": "kannel-secret-1"},
    )
    app = create_app(config, testing=True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    caplog.set_level(logging.INFO)
    complaint = "DINKES #puskesmas tutup terus pak Budi kepala desa minta uang"
    try:
        resp = httpx.get(
            f"http://127.0.0.1:{server.port}/webhooks/kannel",
            params={"secret": "kannel-secret-1", "from": "+6281234567890", "to": "1234",
                    "text": complaint, "id": "k1"},
        )  # fmt: skip
    finally:
        server.shutdown()
        thread.join()
        app.extensions["aduan"].engine.dispose()
    assert resp.status_code == 200 and "tiket" in resp.text
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("GET /webhooks/kannel" in line for line in lines), lines
    text = caplog.text
    for leak in ("puskesmas", "tutup+terus", "Budi", "6281234567890", "kannel-secret-1"):
        assert leak not in text, leak
