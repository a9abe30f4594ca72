"""Version stamps that tell every worker at once that a remembered fact changed

Revision ID: 0020_truth_cache_stamps
Revises: 0019_live_stage
Create Date: 2026-12-06 13:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020_truth_cache_stamps'
down_revision = '0019_live_stage'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cache_stamps',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_cache_stamps'))
    )


def downgrade():
    op.drop_table('cache_stamps')
