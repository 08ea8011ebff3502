"""drop slapause: [sla] pause_while_waiting was never wired to the conversation and is removed

Revision ID: 0112
Revises: 0111
Create Date: 2026-11-25 00:10:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import store.models


revision = '0112'
down_revision = '0111'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table('slapause')


def downgrade() -> None:
    op.create_table('slapause',
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('since', store.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], ),
    sa.PrimaryKeyConstraint('ticket_id')
    )
