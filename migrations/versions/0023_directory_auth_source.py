"""Users remember where they sign in: a local password, LDAP or OpenID Connect

Revision ID: 0023_directory_auth_source
Revises: 0022_robots_webhooks
Create Date: 2026-12-06 16:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023_directory_auth_source'
down_revision = '0022_robots_webhooks'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('auth_source', sa.String(length=10), server_default='local', nullable=False))
        batch_op.add_column(sa.Column('external_id', sa.String(length=500), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_users_auth_source_external_id'), ['auth_source', 'external_id'])
        batch_op.create_check_constraint(batch_op.f('ck_users_auth_source_known'), "auth_source IN ('local', 'ldap', 'oidc')")


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_users_auth_source_known'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_users_auth_source_external_id'), type_='unique')
        batch_op.drop_column('external_id')
        batch_op.drop_column('auth_source')
