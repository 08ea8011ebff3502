"""ethics lexicon: envelopes ('kasih amplop', 'beri amplop', 'minta amplop', 'uang amplop') and
'salam tempel' (money slipped to an official)

Revision ID: 0113
Revises: 0112
Create Date: 2026-11-25 00:20:00
"""

from datetime import datetime

from alembic import op
import sqlalchemy as sa


revision = '0113'
down_revision = '0112'
branch_labels = None
depends_on = None

# Added to store.lexicon.DEFAULT_TERMS with this migration. A term already in the table (added by
# an admin, or switched off on purpose) is left as it is.
# 'amplop' alone is not one: "berkas dalam amplop coklat" is how job and school applications are
# filed. Given or asked for, an envelope is.
NEW_TERMS = ("kasih amplop", "beri amplop", "minta amplop", "uang amplop", "salam tempel")


def _table() -> sa.TableClause:
    return sa.table(
        'ethicsterm',
        sa.column('term', sa.String),
        sa.column('active', sa.Boolean),
        sa.column('updated_by', sa.String),
        sa.column('updated_at', sa.DateTime),
    )


def upgrade() -> None:
    table = _table()
    have = {row[0] for row in op.get_bind().execute(sa.select(table.c.term))}
    seeded = datetime(2026, 11, 25)  # naive UTC, as UTCDateTime stores it
    rows = [
        {'term': t, 'active': True, 'updated_by': 'system', 'updated_at': seeded}
        for t in NEW_TERMS
        if t not in have
    ]
    if rows:
        op.bulk_insert(table, rows)


def downgrade() -> None:
    table = _table()
    op.execute(
        table.delete().where(table.c.term.in_(NEW_TERMS), table.c.updated_by == 'system')
    )
