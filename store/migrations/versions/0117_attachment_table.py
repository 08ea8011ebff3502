"""attachment: the bytes of citizens' files move out of message.media into their own table

A media item kept with its file carried it as base64 "data" in the message's JSON (fetched files
since 0116, the simulator's before); upgrade moves each into an attachment row and leaves the item
its metadata and the row's id ("attachment"); downgrade puts the base64 back. Messages are read a
batch at a time, and only those whose JSON names a "data" key.

Revision ID: 0117
Revises: 0116
Create Date: 2026-11-24 18:10:00
"""

import base64
import binascii
import hashlib
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa
import sqlmodel
import store.models


revision = '0117'
down_revision = '0116'
branch_labels = None
depends_on = None

BATCH = 50  # messages per read: a batch holds at most 50 x 5 files of 10 MB in base64
message = sa.table('message', sa.column('id', sa.Integer), sa.column('media', sa.JSON))
attachment = sa.table(
    'attachment',
    sa.column('id', sa.Integer),
    sa.column('message_id', sa.Integer),
    sa.column('item', sa.Integer),
    sa.column('content_type', sa.String),
    sa.column('size', sa.Integer),
    sa.column('sha256', sa.String),
    sa.column('data', sa.LargeBinary),
    sa.column('created_at', store.models.UTCDateTime()),
)


def upgrade() -> None:
    op.create_table(
        'attachment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('item', sa.Integer(), nullable=False),
        sa.Column('content_type', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', store.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['message_id'], ['message.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('message_id', 'item', name='uq_attachment_item'),
    )
    conn = op.get_bind()
    now = datetime.now(UTC)
    for message_id, media in _with_data(conn):
        items = []
        for index, item in enumerate(media):
            data = _decoded(item)
            if data is None:
                items.append(item)
                continue
            content_type = str(item.get('content_type', ''))[:100]
            row_id = conn.execute(
                attachment.insert()
                .values(
                    message_id=message_id,
                    item=index,
                    content_type=content_type,
                    size=len(data),
                    sha256=hashlib.sha256(data).hexdigest(),
                    data=data,
                    created_at=now,
                )
                .returning(attachment.c.id)
            ).scalar_one()
            kept = {k: v for k, v in item.items() if k != 'data'}
            items.append(kept | {'attachment': row_id, 'size': str(len(data))})
        conn.execute(message.update().where(message.c.id == message_id).values(media=items))


def downgrade() -> None:
    conn = op.get_bind()
    last = 0
    while True:
        ids = conn.execute(
            sa.select(attachment.c.message_id)
            .where(attachment.c.message_id > last)
            .group_by(attachment.c.message_id)
            .order_by(attachment.c.message_id)
            .limit(BATCH)
        ).scalars().all()
        if not ids:
            break
        for message_id in ids:
            files = dict(
                conn.execute(
                    sa.select(attachment.c.id, attachment.c.data).where(
                        attachment.c.message_id == message_id
                    )
                ).all()
            )
            media = conn.execute(
                sa.select(message.c.media).where(message.c.id == message_id)
            ).scalar_one()
            items = []
            for item in media or []:
                data = files.get(item.get('attachment')) if isinstance(item, dict) else None
                if data is not None:
                    item = {k: v for k, v in item.items() if k != 'attachment'}
                    item['data'] = base64.b64encode(data).decode('ascii')
                items.append(item)
            conn.execute(message.update().where(message.c.id == message_id).values(media=items))
        last = ids[-1]
    op.drop_table('attachment')


def _with_data(conn: sa.Connection):
    """(id, media) of the messages whose JSON names a "data" key, a batch at a time."""
    last = 0
    names_data = sa.cast(message.c.media, sa.Text).like('%"data"%')
    while True:
        rows = conn.execute(
            sa.select(message.c.id, message.c.media)
            .where(message.c.id > last, names_data)
            .order_by(message.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        for message_id, media in rows:
            if isinstance(media, list):
                yield message_id, media
        last = rows[-1][0]


def _decoded(item: object) -> bytes | None:
    """The file of a media item kept whole, or None (no file, or not valid base64: left as it is)."""
    if not isinstance(item, dict) or not isinstance(item.get('data'), str):
        return None
    try:
        return base64.b64decode(item['data'], validate=True)
    except (binascii.Error, ValueError):
        return None
