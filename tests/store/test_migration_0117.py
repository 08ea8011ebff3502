"""Migration 0117 moves the base64 files out of message.media into attachment rows, and back down,
on a database of its own (SQLite file, or a fresh PostgreSQL database when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Engine, make_url

from store.db import alembic_config, make_engine
from tests.conftest import PG_URL

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
PDF = b"%PDF-1.4 surat keterangan"
WHEN = datetime(2026, 11, 1, 3, 0)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


MEDIA = [
    {"kind": "image", "url": "", "content_type": "image/png", "filename": "a.png", "size": "1032"},
    {"kind": "location", "url": "", "content_type": "", "latitude": -6.2, "longitude": 106.8},
    {"kind": "document", "url": "", "content_type": "text/plain", "data": "bukan base64!"},
    {"kind": "document", "url": "https://x/ME1", "content_type": "application/pdf", "size": "25"},
]
MEDIA[0]["data"] = b64(PNG)
MEDIA[3]["data"] = b64(PDF)


@pytest.fixture
def blank(tmp_path: Path) -> Iterator[Engine]:
    """An empty database, migrated by the test itself."""
    if not PG_URL:
        engine = make_engine(f"sqlite:///{tmp_path / 'blank.db'}")
        yield engine
        engine.dispose()
        return
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"aduan_mig_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine = make_engine(make_url(PG_URL).set(database=name).render_as_string(hide_password=False))
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def _message(conn: sa.Connection, media: list) -> int:
    message = sa.table(
        "message",
        sa.column("id", sa.Integer),
        sa.column("direction"),
        sa.column("channel"),
        sa.column("address"),
        sa.column("body"),
        sa.column("media", sa.JSON),
        sa.column("author"),
        sa.column("is_note"),
        sa.column("created_at"),
    )
    values = {"direction": "in", "channel": "simulator", "address": "+6281234567890", "body": ""}
    values |= {"media": media, "author": "citizen", "is_note": False, "created_at": WHEN}
    return conn.execute(message.insert().values(**values).returning(message.c.id)).scalar_one()


def _media(engine: Engine, message_id: int) -> list:
    with engine.connect() as conn:
        stmt = sa.select(sa.column("media", sa.JSON)).select_from(sa.table("message"))
        return conn.execute(stmt.where(sa.column("id") == message_id)).scalar_one()


def test_0117_moves_the_files_into_rows_and_back(blank):
    cfg = alembic_config(blank)
    command.upgrade(cfg, "0116")
    with blank.begin() as conn:
        with_files = _message(conn, MEDIA)
        plain = _message(conn, [{"kind": "image", "url": "https://x/ME2", "content_type": ""}])

    command.upgrade(cfg, "0117")
    media = _media(blank, with_files)
    with blank.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT id, message_id, item, content_type, size, sha256, data FROM attachment")
        ).all()
    rows = sorted(rows, key=lambda r: r.item)
    assert [(r.message_id, r.item, r.content_type, r.size) for r in rows] == [
        (with_files, 0, "image/png", len(PNG)),
        (with_files, 3, "application/pdf", len(PDF)),
    ]
    assert [bytes(r.data) for r in rows] == [PNG, PDF]
    assert rows[1].sha256 == hashlib.sha256(PDF).hexdigest()
    assert [m.get("attachment") for m in media] == [rows[0].id, None, None, rows[1].id]
    assert "data" not in media[0] and "data" not in media[3]
    assert media[0]["filename"] == "a.png" and media[3]["url"] == "https://x/ME1"
    assert media[1] == MEDIA[1] and media[2] == MEDIA[2], "no file, or no valid one: untouched"
    assert _media(blank, plain) == [{"kind": "image", "url": "https://x/ME2", "content_type": ""}]

    command.downgrade(cfg, "0116")
    assert _media(blank, with_files) == MEDIA
    assert "attachment" not in sa.inspect(blank).get_table_names()


def test_0117_on_a_database_without_files(blank):
    cfg = alembic_config(blank)
    command.upgrade(cfg, "head")
    command.downgrade(cfg, "0116")
    command.upgrade(cfg, "head")
    assert "attachment" in sa.inspect(blank).get_table_names()
