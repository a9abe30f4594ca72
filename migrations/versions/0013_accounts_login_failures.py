"""Failed logins counted in the database, shared by every worker (per account and per address)

Revision ID: 0013_accounts_login_failures
Revises: 0012_ranking_order_index
Create Date: 2026-12-06 10:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_accounts_login_failures'
down_revision = '0012_ranking_order_index'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'login_failures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('failed_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failures')),
    )
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.create_index('ix_login_failures_key_at', ['key', 'failed_at'], unique=False)
        batch_op.create_index(
            batch_op.f('ix_login_failures_failed_at'), ['failed_at'], unique=False
        )


def downgrade():
    op.drop_table('login_failures')
