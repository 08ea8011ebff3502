"""Shared fixtures: a real database (SQLite file, or PostgreSQL when TEST_DATABASE_URL is set),
the app, a test client and a fixed clock. Nothing here mocks the database."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import settings
from sqlalchemy.engine import Engine, make_url
from sqlmodel import SQLModel

from bot.config import Config, DatabaseConfig, SimulatorConfig
from bot.replies import make_env
from bot.service import Desk
from store.db import init_db, make_engine, session_scope
from store.lexicon import seed_default_terms

PG_URL = os.environ.get("TEST_DATABASE_URL", "")

# Hypothesis: modest example counts (the CPU is shared); CI runs the same examples every time.
settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile("ci", max_examples=50, deadline=None, derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))
START = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # Monday 10:00 WIB


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


@pytest.fixture(scope="session")
def _pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test run (the server is shared), dropped at the end."""
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"aduan_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as exc:
        pytest.exit(f"TEST_DATABASE_URL is set but PostgreSQL is unreachable: {exc}", returncode=3)
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    init_db(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file, copied for each test (migrating per test would be slow)."""
    path = tmp_path_factory.mktemp("template") / "aduan.db"
    engine = make_engine(f"sqlite:///{path}")
    init_db(engine)
    engine.dispose()
    return path


@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database for one test."""
    if PG_URL:
        return request.getfixturevalue("_pg_database")
    template = request.getfixturevalue("_sqlite_template")
    path = tmp_path / "aduan.db"
    shutil.copy(template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    if PG_URL:  # the database is shared by the run: empty it for the next test
        tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        with session_scope(engine) as session:  # rows the migrations seed, as a new database has
            seed_default_terms(session, now=START)
    engine.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def config(db_url: str) -> Config:
    return replace(
        Config(), database=DatabaseConfig(url=db_url), simulator=SimulatorConfig(enabled=True)
    )


@pytest.fixture
def desk(config: Config) -> Desk:
    return Desk(config=config, env=make_env())


@pytest.fixture
def seeded(engine: Engine, clock: Clock) -> Engine:
    """The demo desk: nine units, their answers, two logins."""
    from bot.demo import seed_demo

    with session_scope(engine) as session:
        seed_demo(session, now=clock())
    return engine


@pytest.fixture
def app(
    config: Config, seeded: Engine, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from bot.app import create_app

    monkeypatch.chdir(tmp_path)  # the instance folder (secret key) goes to a scratch place
    app = create_app(config, clock=clock, testing=True)
    yield app
    app.extensions["aduan"].engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def set_aside(app, monkeypatch: pytest.MonkeyPatch):
    """Set a citizen's message aside the way queued intake does: stored in the inbox by
    bot.inbox.accept (what a queued webhook calls), then its handling raises on every drain until
    MAX_ATTEMPTS; returns the inbox row id. Works whether or not the app's intake is queued."""
    from bot import inbox, service
    from bot.messages import InboundMessage

    rt = app.extensions["aduan"]

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a bug in handling")

    def hold(text: str, sender: str = "+6281234567890") -> int:
        provider_id = f"sim-{uuid.uuid4().hex}"
        msg = InboundMessage("simulator", sender, text, provider_id, phone=sender)
        inbox.accept(rt.engine, [msg], now=rt.now())
        with monkeypatch.context() as patch:
            patch.setattr(service, "handle_inbound", broken)
            for _ in range(inbox.MAX_ATTEMPTS):
                inbox.drain(rt.engine, rt.desk, clock=rt.clock)
        (row,) = [r for r in inbox.held(rt.engine, limit=1000) if r.provider_id == provider_id]
        return row.id  # type: ignore[return-value]

    return hold
