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
