"""outboxpart: the provider id and receipt status of each part of a long outbox message

Revision ID: 0114
Revises: 0113
Create Date: 2026-11-26 00:00:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import store.models


revision = '0114'
down_revision = '0113'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('outboxpart',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('outbox_id', sa.Integer(), nullable=False),
    sa.Column('part', sa.Integer(), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('provider_id', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('outbox_id', 'part', name='uq_outboxpart_part')
    )
    op.create_index('ix_outboxpart_provider', 'outboxpart', ['channel', 'provider_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_outboxpart_provider', table_name='outboxpart')
    op.drop_table('outboxpart')
