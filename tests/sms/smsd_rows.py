"""Gammu SMSD's rows as SMSD itself writes and reads them (SQL from gammu-smsd 1.42's debug log)."""

from __future__ import annotations

import sqlite3

CITIZEN = "+6281234567890"
TEXT = "DINKES #puskesmas tutup jam 10"

# gammu-smsd 1.42 (Debian), debuglevel 255: "Execute SQL: INSERT INTO inbox (...) VALUES (...)".
SMSD_INSERT = (
    'INSERT INTO inbox ("ReceivingDateTime", "Text", "SenderNumber", "Coding", "SMSCNumber", "UDH",'
    ' "Class", "TextDecoded", "RecipientID", "Status") VALUES (?, ?, ?, ?, ?, ?, -1, ?, ?, 0)'
)
# What SMSD selects to send (SQLite flavour: its "now" is datetime('now', 'localtime')). SMSD itself
# compares with "<", so it takes a row written this second on its next loop; "<=" avoids a sleep here.
SMSD_OUTBOX_DUE = (
    "SELECT \"ID\" FROM outbox WHERE \"SendingDateTime\" <= datetime('now', 'localtime')"
    " AND \"SendingTimeOut\" <= datetime('now', 'localtime')"
    " AND \"SendBefore\" >= time('now', 'localtime') AND \"SendAfter\" <= time('now', 'localtime')"
    ' AND ("SenderID" is NULL OR "SenderID" = \'\' OR "SenderID" = \'aduan\')'
    ' ORDER BY "Priority" DESC, "InsertIntoDB" ASC'
)


def ucs2_hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def smsd_receives(url: str, text: str, sender: str = CITIZEN, udh: str = "") -> None:
    """The row SMSD inserts when the modem hands it an SMS."""
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        conn.execute(
            SMSD_INSERT,
            ("2026-11-23 10:00:00", ucs2_hex(text), sender, "Default_No_Compression",
             "+6281100000", udh, text, "aduan"),
        )  # fmt: skip


def smsd_outgoing(url: str) -> list[tuple[str, str, str]]:
    """(number, coding, whole text) of every due outbox row, multipart rows joined as SMSD does."""
    out = []
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        for (outbox_id,) in conn.execute(SMSD_OUTBOX_DUE).fetchall():
            number, coding, text, multi, creator = conn.execute(
                'SELECT "DestinationNumber", "Coding", "TextDecoded", "MultiPart", "CreatorID"'
                ' FROM outbox WHERE "ID" = ?',
                (outbox_id,),
            ).fetchone()
            assert creator == "aduan"
            rest = conn.execute(
                'SELECT "TextDecoded" FROM outbox_multipart WHERE "ID" = ? ORDER BY "SequencePosition"',
                (outbox_id,),
            ).fetchall()
            assert (multi == "true") is bool(rest)
            out.append((number, coding, text + "".join(r[0] for r in rest)))
    return out


def processed(url: str) -> list[str]:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        return [r[0] for r in conn.execute('SELECT "Processed" FROM inbox ORDER BY "ID"')]


# gammu-smsd 1.42 moving a sent part to sentitems (its debug log; SQLite has no now(): a literal).
SMSD_SENT = (
    'INSERT INTO sentitems ("CreatorID", "ID", "SequencePosition", "Status", "SendingDateTime",'
    ' "SMSCNumber", "TPMR", "SenderID", "Text", "DestinationNumber", "Coding", "UDH", "Class",'
    ' "TextDecoded", "InsertIntoDB", "RelativeValidity", "StatusCode") VALUES (\'aduan\', ?, ?, ?,'
    " '2026-11-23 10:00:05', '123456', 255, 'aduan', ?, ?, 'Default_No_Compression', '', -1, ?,"
    " '2026-11-23 10:00:04', -1, -1)"
)


def smsd_sends(url: str, outbox_id: int, status: str, seq: int = 1) -> None:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        number, text = conn.execute(
            'SELECT "DestinationNumber", "TextDecoded" FROM outbox WHERE "ID" = ?', (outbox_id,)
        ).fetchone()
        conn.execute(SMSD_SENT, (outbox_id, seq, status, ucs2_hex(text), number, text))
