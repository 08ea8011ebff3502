"""Fixtures for the SMS gateways: Gammu SMSD's shipped schema, a live Aduan server, free ports."""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from bot.channels.registry import build_channels
from bot.config import build_config
from bot.replies import make_env
from bot.service import Desk

SMSD_EXAMPLES = Path("/usr/share/doc/gammu-smsd/examples")


def smsd_schema(name: str) -> str:
    """The schema Debian's gammu-smsd ships (sqlite.sql, pgsql.sql); skip when it is not installed."""
    path = SMSD_EXAMPLES / name
    if not path.exists():
        pytest.skip(f"{path} missing: apt-get install gammu-smsd (.ci/run does)")
    return path.read_text()


@pytest.fixture
def smsd_sqlite(tmp_path: Path) -> str:
    """A Gammu SMSD SQLite database created from the shipped schema; returns its SQLAlchemy URL."""
    path = tmp_path / "smsd.db"
    conn = sqlite3.connect(path)
    conn.executescript(smsd_schema("sqlite.sql"))
    conn.close()
    return f"sqlite:///{path}"


def wait_for(check: Callable[[], object], what: str, timeout: float = 30) -> object:
    """Poll an external process's observable state until check() is truthy (no fixed sleeps)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """The Flask app served by werkzeug on a free port in a thread (what Kannel calls)."""

    def __init__(self, app, port: int = 0) -> None:  # type: ignore[no-untyped-def]
        from werkzeug.serving import make_server

        self.server = make_server("127.0.0.1", port, app, threaded=True)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.thread.join(5)


@pytest.fixture
def live_server_factory() -> Iterator:
    servers: list[LiveServer] = []

    def start(app, port: int = 0) -> LiveServer:  # type: ignore[no-untyped-def]
        server = LiveServer(app, port).__enter__()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.__exit__()


@pytest.fixture
def gammu(db_url, smsd_sqlite, seeded):
    cfg = build_config(
        {"channels": {"enabled": ["gammu"], "gammu": {"database_url": smsd_sqlite}}},
        {"DATABASE_URL": db_url},
    )
    channels = build_channels(cfg, httpx.Client())
    yield Desk(config=cfg, env=make_env()), channels
    channels["gammu"].close()  # type: ignore[attr-defined]
