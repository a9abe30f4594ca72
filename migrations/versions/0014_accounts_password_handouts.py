"""Generated passwords of a user import, encrypted, kept until downloaded once or expired

Revision ID: 0014_accounts_password_handouts
Revises: 0013_accounts_login_failures
Create Date: 2026-12-06 11:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_accounts_password_handouts'
down_revision = '0013_accounts_login_failures'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'password_handouts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key_hash', sa.String(length=64), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('payload', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ['created_by_id'], ['users.id'],
            name=op.f('fk_password_handouts_created_by_id_users'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_password_handouts')),
        sa.UniqueConstraint('key_hash', name=op.f('uq_password_handouts_key_hash')),
    )
    with op.batch_alter_table('password_handouts', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_password_handouts_expires_at'), ['expires_at'], unique=False
        )


def downgrade():
    op.drop_table('password_handouts')
