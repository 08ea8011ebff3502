"""ticketanalysis: SOP step 3, the officer's analysis of a ticket (one per ticket)

Revision ID: 0118
Revises: 0117
Create Date: 2026-11-24 18:05:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import store.models


revision = '0118'
down_revision = '0117'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ticketanalysis',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('regulation', sa.Text(), nullable=False),
    sa.Column('solution', sa.Text(), nullable=False),
    sa.Column('analysed_at', store.models.UTCDateTime(), nullable=False),
    sa.Column('analysed_by', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('updated_at', store.models.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('ticket_id')
    )


def downgrade() -> None:
    op.drop_table('ticketanalysis')
