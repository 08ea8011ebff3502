"""unit priority table: hours per priority (empty: the [sla.priority] factor times sla_hours)

Revision ID: 0115
Revises: 0114
Create Date: 2026-11-24 14:10:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import store.models


revision = '0115'
down_revision = '0114'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('priority_hours', sa.JSON(), nullable=False, server_default='{}'))


def downgrade() -> None:
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_column('priority_hours')
