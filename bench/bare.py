"""The baseline: a bare Flask endpoint that returns the same body, under the same gunicorn settings."""

from __future__ import annotations

import sys
from typing import Any

from flask import Flask, Response
from gunicorn.app.base import BaseApplication

from bench.client import TWIML
from bot.config import Config
from bot.server import options

SIMULATOR_JSON = '{"duplicate":false,"replies":["Aduan Anda diterima."],"ticket":"4827193"}'


EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response />'


def make_app(twiml: str = TWIML) -> Flask:
    app = Flask(__name__)

    @app.post("/webhooks/twilio")
    def twilio() -> Response:
        return Response(twiml, content_type="text/xml; charset=utf-8")

    @app.post("/simulator/messages")
    def simulator() -> Response:
        return Response(SIMULATOR_JSON, content_type="application/json")

    return app


class Bare(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: dict[str, Any], twiml: str) -> None:
        self.settings, self.twiml = settings, twiml
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.settings.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return make_app(self.twiml)


if __name__ == "__main__":  # python -m bench.bare PORT WORKERS THREADS [empty|message]
    port, workers, threads = (int(a) for a in sys.argv[1:4])
    settings = options(
        Config(), host="127.0.0.1", port=port, workers=workers, threads=threads, timeout=30
    )
    settings.pop("post_worker_init")
    settings["loglevel"] = "warning"
    Bare(settings, EMPTY_TWIML if sys.argv[4:5] == ["empty"] else TWIML).run()
