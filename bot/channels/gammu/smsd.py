"""Gammu SMSD's own tables (Debian's gammu-smsd examples: sqlite.sql, pgsql.sql, mysql.sql), read and
written the way SMSD itself reads and writes them. Core SQL only: no models, so no migrations of ours.

The column names are SMSD's mixed-case ones ("ID", "TextDecoded"); SQLAlchemy quotes them. `Processed`
is TEXT 'true'/'false' in SQLite, an enum of those strings in MySQL and a boolean in PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.replies.sms import GSM7_EXTENDED, GSM7_PART, GSM7_SINGLE, UCS2_PART, UCS2_SINGLE, is_gsm7

CREATOR = "aduan"  # outbox.CreatorID: who queued the row
GSM, UNICODE = "Default_No_Compression", "Unicode_No_Compression"

INBOX = sa.table(
    "inbox", *(sa.column(c) for c in ("ID", "SenderNumber", "TextDecoded", "UDH", "Processed"))
)
OUTBOX = sa.table(
    "outbox",
    *(
        sa.column(c)
        for c in (
            "ID",
            "DestinationNumber",
            "TextDecoded",
            "Coding",
            "UDH",
            "Class",
            "MultiPart",
            "CreatorID",
            "SendingDateTime",
            "SendingTimeOut",
        )
    ),
)
MULTIPART = sa.table(
    "outbox_multipart",
    *(sa.column(c) for c in ("ID", "SequencePosition", "TextDecoded", "Coding", "UDH", "Class")),
)


@dataclass(frozen=True)
class InboxRow:
    id: int
    sender: str
    text: str
    udh: str


def make_smsd_engine(url: str) -> Engine:
    """SMSD's database is shared with the daemon: short connections, and wait when SQLite is busy."""
    connect_args = {"timeout": 30} if url.startswith("sqlite") else {}
    return sa.create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def _flag(conn: Connection, value: bool) -> object:
    return value if conn.dialect.name == "postgresql" else ("true" if value else "false")


def unprocessed(conn: Connection, limit: int = 100) -> list[InboxRow]:
    """The oldest inbox rows not yet marked processed."""
    c = INBOX.c
    stmt = (
        sa.select(c.ID, c.SenderNumber, c.TextDecoded, c.UDH)
        .where(c.Processed == _flag(conn, False))
        .order_by(c.ID)
        .limit(limit)
    )
    return [InboxRow(int(r[0]), r[1] or "", r[2] or "", r[3] or "") for r in conn.execute(stmt)]


def mark_processed(conn: Connection, ids: list[int]) -> None:
    """Set Processed on the given rows (SMSD's triggers refresh UpdatedInDB)."""
    if ids:
        conn.execute(INBOX.update().where(INBOX.c.ID.in_(ids)).values(Processed=_flag(conn, True)))


def _db_now(conn: Connection) -> sa.ColumnElement[object]:
    """SMSD compares SendingDateTime with its own notion of now: local time for SQLite, NOW() else.

    The SQLite schema's default is UTC, which west of Greenwich would hold a row back for hours."""
    if conn.dialect.name == "sqlite":
        return sa.literal_column("datetime('now', 'localtime')")
    return sa.func.now()


def concat_parts(text: str) -> list[str]:
    """Cut text into concatenated-SMS parts: 153 GSM-7 septets or 67 UCS-2 units, pairs kept whole."""
    gsm = is_gsm7(text)
    costs = [
        (2 if ch in GSM7_EXTENDED else 1) if gsm else (2 if ord(ch) > 0xFFFF else 1) for ch in text
    ]
    if sum(costs) <= (GSM7_SINGLE if gsm else UCS2_SINGLE):
        return [text]
    room = GSM7_PART if gsm else UCS2_PART
    parts, start, used = [], 0, 0
    for i, cost in enumerate(costs):
        if used + cost > room:
            parts.append(text[start:i])
            start, used = i, 0
        used += cost
    parts.append(text[start:])
    return parts


def write_outbox(conn: Connection, number: str, text: str, *, ref: int) -> int:
    """Queue text for number as SMSD expects it; long texts as MultiPart + outbox_multipart rows
    carrying the concatenation UDH 05 00 03 <ref> <total> <seq>. Returns outbox.ID."""
    parts = concat_parts(text)
    coding = GSM if is_gsm7(text) else UNICODE
    total = len(parts)

    def udh(seq: int) -> str:
        return f"050003{ref % 256:02X}{total:02X}{seq:02X}" if total > 1 else ""

    now = _db_now(conn)
    row = {
        "DestinationNumber": number,
        "TextDecoded": parts[0],
        "Coding": coding,
        "UDH": udh(1),
        "Class": -1,
        "MultiPart": "true" if total > 1 else "false",
        "CreatorID": CREATOR,
        "SendingDateTime": now,
        "SendingTimeOut": now,
    }
    insert = OUTBOX.insert().values(**row)
    if conn.dialect.insert_returning:
        outbox_id = int(conn.execute(insert.returning(OUTBOX.c.ID)).scalar_one())
    else:
        outbox_id = int(conn.execute(insert).lastrowid)
    for seq, part in enumerate(parts[1:], 2):
        conn.execute(
            MULTIPART.insert().values(
                ID=outbox_id,
                SequencePosition=seq,
                TextDecoded=part,
                Coding=coding,
                UDH=udh(seq),
                Class=-1,
            )
        )
    return outbox_id
