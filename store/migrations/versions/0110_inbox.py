"""inbox: queued intake of webhook messages

Revision ID: 0110
Revises: 0105
Create Date: 2026-11-24 03:00:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import store.models


revision = '0110'
down_revision = '0105'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('inbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('provider_id', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('received_at', store.models.UTCDateTime(), nullable=False),
    sa.Column('processed_at', store.models.UTCDateTime(), nullable=True),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('channel', 'provider_id', name='uq_inbox_provider')
    )
    op.create_index('ix_inbox_sender', 'inbox', ['channel', 'address', 'processed_at'], unique=False)
    op.create_index(op.f('ix_inbox_processed_at'), 'inbox', ['processed_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_inbox_processed_at'), table_name='inbox')
    op.drop_index('ix_inbox_sender', table_name='inbox')
    op.drop_table('inbox')
