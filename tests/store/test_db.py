"""The store on a real database: migrations, WAL, concurrent writers, unique keys, UTC round trips."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from bot.messages import Direction
from store import repo
from store.db import db_state, make_engine, session_scope
from store.models import Contact, Message, Unit

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


def test_migrated_to_head(engine):
    state = db_state(engine)
    assert state["ok"] and state["revision"]


def test_migrations_match_the_models(engine):
    """A model change without its migration (or the reverse) shows up here, on both databases."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlmodel import SQLModel

    from store.db import alembic_config

    heads = ScriptDirectory.from_config(alembic_config(engine)).get_heads()
    assert len(heads) == 1, f"several migration heads: {heads}"
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


def test_sqlite_uses_wal_and_busy_timeout(engine):
    if engine.url.get_backend_name() != "sqlite":
        pytest.skip("SQLite only")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_datetimes_round_trip_as_aware_utc(engine):
    wib = timezone(timedelta(hours=7))
    with session_scope(engine) as s:
        s.add(Contact(phone="+6281200000001", created_at=datetime(2026, 11, 23, 10, 0, tzinfo=wib)))
    with session_scope(engine) as s:
        contact = s.exec(select(Contact)).one()
        assert contact.created_at == datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
        assert contact.created_at.tzinfo is not None


def test_naive_datetimes_are_refused(engine):
    with pytest.raises(sa.exc.StatementError), session_scope(engine) as s:
        s.add(Contact(phone="+6281200000002", created_at=datetime(2026, 11, 23, 3, 0)))
        s.flush()


def test_provider_id_is_unique_per_channel(engine):
    def add(s, channel):
        s.add(
            Message(
                direction=Direction.IN,
                channel=channel,
                address="a",
                provider_id="SM1",
                created_at=NOW,
            )
        )

    with session_scope(engine) as s:
        add(s, "twilio")
        add(s, "telegram")  # same id on another channel is another message
    with pytest.raises(IntegrityError), session_scope(engine) as s:
        add(s, "twilio")


def test_concurrent_writers_never_fail(engine):
    """Eight threads each read-then-write 25 times: SQLite must queue them, not raise 'locked';
    the row lock (FOR UPDATE, a no-op on SQLite) keeps PostgreSQL from losing updates."""
    with session_scope(engine) as s:
        s.add(Unit(code="DISHUB", name="Dinas Perhubungan"))
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(25):
                with session_scope(engine) as s:
                    unit = s.exec(select(Unit).where(Unit.code == "DISHUB").with_for_update()).one()
                    unit.sla_hours += 1
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with session_scope(engine) as s:
        assert s.exec(select(Unit)).one().sla_hours == 5.0 + 8 * 25


def test_ticket_numbers_are_seven_random_digits(engine):
    with session_scope(engine) as s:
        numbers = {repo.new_ticket_number(s) for _ in range(50)}
    assert all(len(n) == 7 and n.isdigit() and n[0] != "0" for n in numbers)
    assert len(numbers) > 45  # random, not sequential


def test_resolve_contact_joins_channels_by_phone(engine):
    with session_scope(engine) as s:
        a = repo.resolve_contact(
            s, channel="simulator", address="+6281234567890", phone="+6281234567890", now=NOW
        )
        b = repo.resolve_contact(
            s, channel="twilio", address="whatsapp:+6281234567890", phone="+6281234567890", now=NOW
        )
        c = repo.resolve_contact(s, channel="telegram", address="99887766", phone=None, now=NOW)
        assert a.id == b.id != c.id
        # the Telegram citizen shares their phone number later: the same chat now joins the history
        d = repo.resolve_contact(
            s, channel="telegram", address="99887766", phone="+6281234567890", now=NOW
        )
        assert d.id == a.id


def test_sqlite_memory_engine_works_for_scripts():
    engine = make_engine("sqlite://")
    with engine.begin() as conn:
        assert conn.exec_driver_sql("select 1").scalar() == 1
