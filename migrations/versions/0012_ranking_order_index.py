"""Ranking entries indexed in board order (score descending), so neighbours and pages are read without sorting the board

Revision ID: 0012_ranking_order_index
Revises: 0011_ranking_changes
Create Date: 2026-12-05 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_ranking_order_index'
down_revision = '0011_ranking_changes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ranking_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_ranking_entries_order')
        batch_op.create_index(
            'ix_ranking_entries_rank',
            ['board', sa.text('score DESC'), 'time_used_ms', 'finished_at_ms', 'member_id'],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table('ranking_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_ranking_entries_rank')
        batch_op.create_index(
            'ix_ranking_entries_order',
            ['board', 'score', 'time_used_ms', 'finished_at_ms'],
            unique=False,
        )
