"""`aduan serve` settings, and the bench's Twilio signatures checked with twilio's own validator."""

from __future__ import annotations

from urllib.parse import parse_qsl

from click.testing import CliRunner
from twilio.request_validator import RequestValidator

from bench.client import twilio_requests, twilio_signature
from bot.cli import main
from bot.config import Config
from bot.server import options


def test_gunicorn_options():
    sync = options(Config(), host="127.0.0.1", port=8000, workers=4, threads=1, timeout=30)
    assert sync["bind"] == "127.0.0.1:8000" and sync["workers"] == 4
    assert sync["worker_class"] == "sync" and sync["accesslog"] is None
    threaded = options(Config(), host="0.0.0.0", port=80, workers=2, threads=8, timeout=30)
    assert threaded["worker_class"] == "gthread" and threaded["threads"] == 8


def test_serve_is_a_command():
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0 and "--workers" in result.output


def test_bench_signs_like_twilio():
    url, token = "http://127.0.0.1:8123/webhooks/twilio", "tok-123456"
    (raw,) = twilio_requests(1, base_url="http://127.0.0.1:8123", token=token, account="AC1")
    head, body = raw.split(b"\r\n\r\n", 1)
    params = dict(parse_qsl(body.decode()))
    sig = next(
        line.split(b": ", 1)[1].decode()
        for line in head.split(b"\r\n")
        if line.startswith(b"X-Twilio-Signature")
    )
    assert RequestValidator(token).validate(url, params, sig)
    assert sig == twilio_signature(token, url, params)
    assert not RequestValidator("other").validate(url, params, sig)


def test_a_ready_web_worker_freezes_its_loaded_app_and_flushes_the_outbox():
    """post_worker_init: the loaded app's objects leave the collector's reach (no ~60 ms full
    collections in the middle of requests), what a dead worker left due is sent, and the unit
    router is built in the background."""
    import gc
    import threading
    from types import SimpleNamespace

    from bot.server import _worker_ready

    kicks, warmed = [], threading.Event()
    runtime = SimpleNamespace(kick_delivery=lambda: kicks.append(1), warm_routing=warmed.set)
    worker = SimpleNamespace(wsgi=SimpleNamespace(extensions={"aduan": runtime}))
    assert (
        options(Config(), host="h", port=1, workers=1, threads=1, timeout=1)["post_worker_init"]
        is _worker_ready
    )
    gc.unfreeze()
    try:
        _worker_ready(worker)
        assert gc.get_freeze_count() > 0 and kicks == [1]
        assert warmed.wait(5)
    finally:
        gc.unfreeze()
