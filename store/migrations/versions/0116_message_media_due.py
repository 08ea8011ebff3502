"""message.media_due_at: when the files a citizen sent are next fetched from the provider

Revision ID: 0116
Revises: 0115
Create Date: 2026-11-24 15:10:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import store.models


revision = '0116'
down_revision = '0115'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('media_due_at', store.models.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_message_media_due_at'), ['media_due_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_media_due_at'))
        batch_op.drop_column('media_due_at')
