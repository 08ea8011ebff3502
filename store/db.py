"""Engine and transactions. SQLite runs in WAL mode and takes the write lock up front (BEGIN IMMEDIATE)."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

MIGRATIONS = Path(__file__).parent / "migrations"
BUSY_TIMEOUT_MS = 30_000


def _sqlite_events(engine: Engine) -> None:
    """Let SQLite's own BEGIN decide locking, so concurrent writers queue instead of failing."""

    @sa.event.listens_for(engine, "connect")
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        # pysqlite's implicit BEGIN is deferred; turn it off and issue our own below.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @sa.event.listens_for(engine, "begin")
    def on_begin(conn: sa.Connection) -> None:
        # A deferred transaction that reads then writes can fail with "database is locked"
        # when another writer got there first; IMMEDIATE waits for the lock at the start.
        options = conn.get_execution_options()
        mode = options.get("sqlite_begin", "IMMEDIATE")
        if not mode or options.get("isolation_level") == "AUTOCOMMIT":
            return  # each statement is its own transaction (SQLite's default without BEGIN)
        conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str) -> Engine:
    """An engine for a SQLite or PostgreSQL URL; creates the SQLite file's folder."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(
            url, pool_pre_ping=True, pool_size=10, max_overflow=10, hide_parameters=True
        )
    kwargs: dict[str, Any] = {
        "connect_args": {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
    }
    if parsed.database in (None, "", ":memory:"):
        kwargs["poolclass"] = StaticPool
    else:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, hide_parameters=True, **kwargs)  # no complaint text in errors
    _sqlite_events(engine)
    return engine


_INTAKE: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()
_INTAKE_LOCK = threading.Lock()


def intake_engine(engine: Engine) -> Engine:
    """Where queued webhooks store messages (the inbox table), kept apart from the engine that
    handles them. Beside a SQLite file, a file of its own (`aduan.db` -> `aduan.inbox.db`, holding
    only the inbox table, created when missing): SQLite has one writer per file, and the intake's
    one-insert transactions must not queue behind a worker handling a message. On PostgreSQL, the
    same database through a pool of its own whose commits do not wait for the disk flush
    (synchronous_commit = off): the same promise SQLite's WAL with synchronous = NORMAL gives, an
    acknowledged message survives any crash of Aduan, and only a crash of the database server's
    machine can lose the last fraction of a second. An in-memory database (tests) is its own."""
    url = engine.url
    if url.database in (None, "", ":memory:"):
        return engine
    with _INTAKE_LOCK:
        if engine not in _INTAKE:
            if url.get_backend_name() == "sqlite":
                path = Path(url.database)
                side = make_engine(url.set(database=str(path.with_suffix(".inbox" + path.suffix))))
                from store.models import Inbox

                Inbox.__table__.create(side, checkfirst=True)  # type: ignore[attr-defined]
            else:
                # Autocommit (the intake writes one statement at a time) and no pre-ping: a
                # connection the server dropped fails once and the caller retries (inbox.accept).
                side = sa.create_engine(
                    url,
                    isolation_level="AUTOCOMMIT",
                    pool_recycle=1800,
                    pool_size=10,
                    max_overflow=10,
                    hide_parameters=True,
                    connect_args={"options": "-c synchronous_commit=off"},
                )
            _INTAKE[engine] = side
        return _INTAKE[engine]


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: commits on success, rolls back on error. Store functions never commit."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A read-only unit of work that does not take SQLite's write lock."""
    with Session(_reading(engine), expire_on_commit=False) as session, session.begin():
        yield session


@contextmanager
def read_connection(engine: Engine) -> Iterator[sa.Connection]:
    """read_session for Core statements: a connection that does not take SQLite's write lock."""
    with _reading(engine).connect() as conn:
        yield conn


def _reading(engine: Engine) -> Engine:
    return engine.execution_options(sqlite_begin="DEFERRED")


def alembic_config(engine: Engine) -> AlembicConfig:
    # imported here: Alembic (with Mako) costs ~11 MB per process, and only migrating needs it
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def init_db(engine: Engine) -> None:
    """Upgrade the schema to the newest migration (creates it on an empty database)."""
    from alembic import command

    command.upgrade(alembic_config(engine), "head")


def db_state(engine: Engine) -> dict[str, Any]:
    """Health check: can we query, and which migration is applied."""
    try:
        with engine.connect() as conn:
            rev = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        return {"ok": True, "backend": engine.url.get_backend_name(), "revision": rev}
    except sa.exc.SQLAlchemyError as exc:
        return {"ok": False, "backend": engine.url.get_backend_name(), "error": type(exc).__name__}
