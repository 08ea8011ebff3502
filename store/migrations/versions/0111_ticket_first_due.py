"""ticket first_due_at: the first answer's deadline, kept when a reopen gives a new one

Revision ID: 0111
Revises: 0110
Create Date: 2026-11-25 00:00:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import store.models


revision = '0111'
down_revision = '0110'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_due_at', store.models.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_column('first_due_at')
