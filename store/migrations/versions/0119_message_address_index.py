"""message(channel, address, created_at) index: the last message from an address without a scan

Revision ID: 0119
Revises: 0118
Create Date: 2026-11-24 10:30:00
"""

from alembic import op


revision = '0119'
down_revision = '0118'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.create_index(
            'ix_message_channel_address', ['channel', 'address', 'created_at'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_index('ix_message_channel_address')
