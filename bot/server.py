"""`aduan serve`: the app under gunicorn with N worker processes, for production.

What must happen once runs in the master before forking (schema migration, the session key file);
each worker builds its own app, engine and delivery thread after the fork, so no database connection
or thread crosses a fork. The scheduler is not started here: it runs once per deployment under its
lease (bot/scheduler.py), never once per worker.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

from bot.config import Config


def options(
    config: Config, *, host: str, port: int, workers: int, threads: int, timeout: int
) -> dict[str, Any]:
    """gunicorn settings: sync workers (one request at a time each) unless threads > 1."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "timeout": timeout,
        "graceful_timeout": timeout,
        "keepalive": 5,
        "backlog": 2048,
        "accesslog": None,  # access lines would carry query strings; the app logs what matters
        "errorlog": "-",
        "loglevel": config.logging.level.lower(),
        "proc_name": "aduan",
        "control_socket_disable": True,  # one per host path: would clash between servers
        "post_worker_init": _flush_outbox,
    }


def _flush_outbox(worker: Any) -> None:
    """A fresh worker sends what a dead one left due (rows whose send lease ran out included)."""
    runtime = worker.wsgi.extensions["aduan"]
    runtime.kick_delivery()


class Server(BaseApplication):  # type: ignore[misc]
    """gunicorn run in-process with our settings and our app factory (no config file, no argv)."""

    def __init__(self, config: Config, settings: dict[str, Any]) -> None:
        self.config, self.settings = config, settings
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.settings.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from bot.app import create_app
        from bot.logs import configure

        configure(
            self.config.logging.level, self.config.logging.format, self.config.secrets.values()
        )
        return create_app(self.config)


def serve(config: Config, **kwargs: Any) -> None:
    """Run until stopped (SIGTERM/SIGINT: graceful)."""
    from bot.app import _secret_key

    _secret_key(config, Path.cwd() / "instance")  # created once here, not raced by the workers
    Server(config, options(config, **kwargs)).run()
